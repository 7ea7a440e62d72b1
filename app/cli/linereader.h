// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;
class QTimer;

namespace runboard::cli {

// Reads standard input line by line without ever blocking the event loop: a QSocketNotifier
// tells when a pipe or terminal has data; a regular file (input redirected from a file), which
// is always readable, is read one chunk per event-loop pass. Emits finished() once at EOF.
// Thread: the main thread.
class LineReader : public QObject
{
    Q_OBJECT

public:
    explicit LineReader(QObject *parent = nullptr);

    void start();
    // No more lines after this, even ones already read.
    void stop();

Q_SIGNALS:
    void lineReceived(const QByteArray &line);
    void finished();

private:
    void readChunk();

    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_fileTimer = nullptr;
    QByteArray m_pending;
    bool m_done = false;
};

} // namespace runboard::cli
