// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace runboard::test {

// One finished run of a program (runboard-cli, the test writer): its exit, its stdout as JSON
// lines and its timing. A program still running at the timeout is killed: finished is false.
struct ProgramOutcome
{
    bool finished = false;
    int exitCode = -1; // -1 when it did not exit in time, -2 when it crashed (a signal)
    bool crashed = false;
    QList<Json> lines; // stdout, one JSON object per line (other lines skipped)
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;

    Json first() const { return lines.isEmpty() ? Json() : lines.first(); }
    // The first line's "message" (or "error"), for checks.
    QString message() const;
    // Exit, time and both outputs, for a failed check's message.
    QByteArray describe() const;
};

// Runs `program` with `arguments`, writes `input` to its stdin and closes it. `inChild` runs in
// the child between fork and exec (resource limits, signal dispositions).
ProgramOutcome runProgram(const QString &program, const QStringList &arguments,
                          const QByteArray &input = QByteArray(), int timeoutMs = 30000,
                          const std::function<void()> &inChild = {});

// The stdout lines of a program that are JSON objects.
QList<Json> jsonLines(const QByteArray &bytes);

// A program that keeps running while the test talks to it (`serve`, the test writer's holdlock):
// its stdout is read as JSON lines, waited for by content, never by time. Killed if still running
// when it goes away.
class LiveProgram
{
public:
    LiveProgram(const QString &program, const QStringList &arguments);
    ~LiveProgram();
    LiveProgram(const LiveProgram &) = delete;
    LiveProgram &operator=(const LiveProgram &) = delete;

    qint64 pid() const { return m_pid; }
    // The next line (after the last one this returned) for which `wanted` holds; null Json when
    // the program exits or `timeoutMs` passes first.
    Json waitForLine(const std::function<bool(const Json &)> &wanted, int timeoutMs = 30000);
    // The next line whose `member` is `value` ({"event":"locked"}, {"id":3}).
    Json waitFor(const char *member, const Json &value, int timeoutMs = 30000);
    bool send(const QByteArray &line);
    void closeStdin();
    void kill(); // SIGKILL, then reaped: its pid is gone for kill(pid, 0)
    // Waits for the exit; the exit status, or -1 when it crashed or did not exit in time.
    int finish(int timeoutMs = 30000);
    QByteArray stderrText();

private:
    struct Private;
    std::unique_ptr<Private> d;
    qint64 m_pid = 0;
};

} // namespace runboard::test
