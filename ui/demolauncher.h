// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace runboard {

// Runs `runboard-cli demo <temporary dir>` (a simulated live run) for `runboard --demo` and
// reports the bundle it created. The process is terminated when the launcher goes away.
// GUI thread.
class DemoLauncher : public QObject
{
    Q_OBJECT

public:
    explicit DemoLauncher(QObject *parent = nullptr);
    ~DemoLauncher() override;

    // Where runboard-cli is looked for, in order: next to us in the build tree (../cli/), then
    // installed beside us.
    static QStringList candidatePrograms();

    // Starts the first candidate that exists (or `program` when given). Answers with ready or
    // failed, once.
    void start(const QString &program = QString());
    void stop();

    QProcess *process() const { return m_process; }

Q_SIGNALS:
    void ready(const QString &bundlePath);
    void failed(const QString &message);

private:
    void onReadyRead();
    void onFinished();
    void fail(const QString &message);

    std::unique_ptr<QTemporaryDir> m_dir;
    QProcess *m_process = nullptr;
    QByteArray m_buffer;
    QString m_stderr;
    bool m_answered = false;
};

} // namespace runboard
