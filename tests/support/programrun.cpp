// SPDX-License-Identifier: MIT
//
// Running a program to its end for a test, with a deadline instead of a sleep.

#include "programrun.h"

#include "jsonreader.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcess>

#include <algorithm>

namespace runboard::test {

QString ProgramOutcome::message() const
{
    const Json line = first();
    if (!line.is_object())
        return QString::fromUtf8(err);
    return QString::fromStdString(line.value("message", line.value("error", std::string())));
}

QByteArray ProgramOutcome::describe() const
{
    return "exit " + QByteArray::number(exitCode) + (finished ? "" : " (killed: no exit in time)")
           + ", " + QByteArray::number(elapsedMs) + " ms; stdout: " + out + "; stderr: " + err;
}

QList<Json> jsonLines(const QByteArray &bytes)
{
    QList<Json> lines;
    for (const QByteArray &line : bytes.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        Result<Json> parsed = JsonReader::parse(
            std::string_view(line.constData(), static_cast<std::size_t>(line.size())));
        if (parsed.isOk() && parsed->is_object())
            lines << std::move(parsed).value();
    }
    return lines;
}

ProgramOutcome runProgram(const QString &program, const QStringList &arguments,
                          const QByteArray &input, int timeoutMs,
                          const std::function<void()> &inChild)
{
    QProcess process;
    if (inChild)
        process.setChildProcessModifier(inChild);
    QElapsedTimer elapsed;
    elapsed.start();
    process.start(program, arguments);
    ProgramOutcome outcome;
    if (!process.waitForStarted(timeoutMs))
        return outcome;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    outcome.finished = process.waitForFinished(timeoutMs);
    if (!outcome.finished) {
        process.kill();
        process.waitForFinished();
    }
    outcome.elapsedMs = elapsed.elapsed();
    outcome.crashed = process.exitStatus() != QProcess::NormalExit;
    outcome.exitCode = !outcome.finished ? -1 : outcome.crashed ? -2 : process.exitCode();
    outcome.out = process.readAllStandardOutput();
    outcome.err = process.readAllStandardError();
    outcome.lines = jsonLines(outcome.out);
    return outcome;
}

struct LiveProgram::Private
{
    QProcess process;
    QByteArray pending;
    QByteArray err;
    QList<Json> lines;
    qsizetype next = 0;

    void collect()
    {
        pending += process.readAllStandardOutput();
        err += process.readAllStandardError();
        const qsizetype end = pending.lastIndexOf('\n');
        if (end < 0)
            return;
        lines << jsonLines(pending.first(end + 1));
        pending.remove(0, end + 1);
    }
};

LiveProgram::LiveProgram(const QString &program, const QStringList &arguments)
    : d(std::make_unique<Private>())
{
    d->process.start(program, arguments);
    if (d->process.waitForStarted())
        m_pid = d->process.processId();
}

LiveProgram::~LiveProgram()
{
    if (d->process.state() != QProcess::NotRunning)
        kill();
}

Json LiveProgram::waitForLine(const std::function<bool(const Json &)> &wanted, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        d->collect();
        while (d->next < d->lines.size()) {
            const Json &line = d->lines.at(d->next++);
            if (wanted(line))
                return line;
        }
        if (d->process.state() == QProcess::NotRunning || deadline.hasExpired())
            return Json();
        d->process.waitForReadyRead(int(std::clamp<qint64>(deadline.remainingTime(), 1, 1000)));
    }
}

Json LiveProgram::waitFor(const char *member, const Json &value, int timeoutMs)
{
    return waitForLine(
        [member, &value](const Json &line) {
            const auto it = line.find(member);
            return it != line.end() && *it == value;
        },
        timeoutMs);
}

bool LiveProgram::send(const QByteArray &line)
{
    d->process.write(line + '\n');
    return d->process.waitForBytesWritten();
}

void LiveProgram::closeStdin()
{
    d->process.closeWriteChannel();
}

void LiveProgram::kill()
{
    d->process.kill();
    d->process.waitForFinished();
    d->collect();
}

int LiveProgram::finish(int timeoutMs)
{
    if (d->process.state() != QProcess::NotRunning && !d->process.waitForFinished(timeoutMs))
        return -1;
    d->collect();
    return d->process.exitStatus() == QProcess::NormalExit ? d->process.exitCode() : -1;
}

QByteArray LiveProgram::stderrText()
{
    d->collect();
    return d->err;
}

} // namespace runboard::test
