// SPDX-License-Identifier: MIT
//
// DemoLauncher: the `--demo` companion process.
//
// Design considerations
// - The demo writer is runboard-cli, a separate process, so the GUI watches it exactly as it
//   watches ADE: through the file, as an external writer.
// - Its first stdout line is {"event":"demo","bundlePath":…}; everything is read from
//   readyRead, never by waiting, so the GUI stays responsive while it starts.
// - A missing program, a crash before the first line, or an unexpected line becomes `failed`
//   with a message a person can act on; the window shows it in a bar.
// - stop() terminates and then kills the process. It waits at most a second and only when the
//   launcher is being destroyed (the application is quitting), so the GUI never hangs on it.
// Thread: GUI thread.

#include "demolauncher.h"

#include "jsonreader.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>

namespace runboard {

DemoLauncher::DemoLauncher(QObject *parent) : QObject(parent) {}

DemoLauncher::~DemoLauncher()
{
    stop();
}

QStringList DemoLauncher::candidatePrograms()
{
    const QString dir = QCoreApplication::applicationDirPath();
    return {dir + QStringLiteral("/../cli/runboard-cli"), dir + QStringLiteral("/runboard-cli")};
}

void DemoLauncher::start(const QString &program)
{
    QString chosen = program;
    if (chosen.isEmpty()) {
        const QStringList candidates = candidatePrograms();
        for (const QString &candidate : candidates) {
            const QFileInfo info(candidate);
            if (info.isFile() && info.isExecutable()) {
                chosen = info.canonicalFilePath();
                break;
            }
        }
    }
    if (chosen.isEmpty()) {
        fail(tr("The demo needs runboard-cli, which was not found (looked for %1).")
                 .arg(candidatePrograms().join(tr(" and "))));
        return;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        fail(tr("The demo could not create a temporary folder: %1").arg(m_dir->errorString()));
        return;
    }
    m_process = new QProcess(this);
    m_process->setProgram(chosen);
    m_process->setArguments({QStringLiteral("demo"), m_dir->path()});
    connect(m_process, &QProcess::readyReadStandardOutput, this, &DemoLauncher::onReadyRead);
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this] { m_stderr += QString::fromUtf8(m_process->readAllStandardError()); });
    connect(m_process, &QProcess::finished, this, &DemoLauncher::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(tr("The demo could not start %1: %2")
                     .arg(m_process->program(), m_process->errorString()));
    });
    m_process->start();
}

void DemoLauncher::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    disconnect(m_process, nullptr, this, nullptr);
    m_process->terminate();
    if (!m_process->waitForFinished(1000)) {
        m_process->kill();
        m_process->waitForFinished(1000);
    }
}

void DemoLauncher::onReadyRead()
{
    m_buffer += m_process->readAllStandardOutput();
    if (m_answered)
        return;
    const qsizetype newline = m_buffer.indexOf('\n');
    if (newline < 0)
        return;
    const QByteArray line = m_buffer.left(newline);
    const Result<Json> parsed
        = JsonReader::parse(std::string_view(line.constData(), std::size_t(line.size())));
    if (parsed.isOk() && parsed->is_object()) {
        const auto event = parsed->find("event");
        const auto path = parsed->find("bundlePath");
        if (event != parsed->end() && *event == "demo" && path != parsed->end()
            && path->is_string()) {
            m_answered = true;
            Q_EMIT ready(QString::fromStdString(path->get<std::string>()));
            return;
        }
    }
    fail(tr("runboard-cli demo said something unexpected: %1").arg(QString::fromUtf8(line)));
}

void DemoLauncher::onFinished()
{
    fail(tr("runboard-cli demo stopped (exit status %1)%2")
             .arg(m_process->exitCode())
             .arg(m_stderr.trimmed().isEmpty() ? QString()
                                               : QStringLiteral(": ") + m_stderr.trimmed()));
}

void DemoLauncher::fail(const QString &message)
{
    if (m_answered)
        return;
    m_answered = true;
    Q_EMIT failed(message);
}

} // namespace runboard
