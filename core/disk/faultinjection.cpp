// SPDX-License-Identifier: MIT
//
// FaultInjection: the switchboard behind syscalls.h. Production never arms it, so the wrappers'
// only cost is the relaxed load of `s_active`; everything else sits behind a mutex, because the
// calls it counts come from several threads (a commit's temp file is staged on a helper thread,
// its side files are written by a housekeeping thread).
// Thread: any.

#include "faultinjection.h"

#include <QFile>
#include <QMutex>

#include <array>
#include <atomic>

namespace runboard {

namespace {

constexpr std::size_t kStepCount = std::size(FaultInjection::kSteps);

struct State
{
    QMutex mutex;
    bool armed = false;
    FaultInjection::Step step = FaultInjection::Step::Open;
    int nth = 0;
    int error = 0;
    bool fired = false;
    QString firedPath;
    std::array<int, kStepCount> calls{};
    bool recording = false;
    QList<FaultInjection::Opened> opened;
};

State &state()
{
    static State s;
    return s;
}

// Armed or recording: the only thing the wrappers look at when nothing is.
std::atomic<bool> s_active{false};

void updateActive(const State &s)
{
    s_active.store(s.armed || s.recording, std::memory_order_relaxed);
}

} // namespace

void FaultInjection::arm(Step step, int nth, int error)
{
    State &s = state();
    QMutexLocker lock(&s.mutex);
    s.armed = true;
    s.step = step;
    s.nth = nth;
    s.error = error;
    s.fired = false;
    s.firedPath.clear();
    s.calls.fill(0);
    updateActive(s);
}

void FaultInjection::disarm()
{
    State &s = state();
    QMutexLocker lock(&s.mutex);
    s.armed = false;
    s.calls.fill(0);
    updateActive(s);
}

bool FaultInjection::hasFired()
{
    State &s = state();
    QMutexLocker lock(&s.mutex);
    return s.fired;
}

QString FaultInjection::firedPath()
{
    State &s = state();
    QMutexLocker lock(&s.mutex);
    return s.firedPath;
}

int FaultInjection::calls(Step step)
{
    State &s = state();
    QMutexLocker lock(&s.mutex);
    return s.calls[std::size_t(step)];
}

void FaultInjection::setRecording(bool recording)
{
    State &s = state();
    QMutexLocker lock(&s.mutex);
    s.recording = recording;
    if (recording)
        s.opened.clear();
    updateActive(s);
}

QList<FaultInjection::Opened> FaultInjection::opened()
{
    State &s = state();
    QMutexLocker lock(&s.mutex);
    return s.opened;
}

QString FaultInjection::stepName(Step step)
{
    switch (step) {
    case Step::Open:
        return QStringLiteral("open");
    case Step::Read:
        return QStringLiteral("read");
    case Step::Write:
        return QStringLiteral("write");
    case Step::Sync:
        return QStringLiteral("fsync");
    case Step::Close:
        return QStringLiteral("close");
    case Step::Replace:
        return QStringLiteral("replace");
    case Step::SyncFolder:
        return QStringLiteral("fsync folder");
    }
    return QString();
}

int FaultInjection::failure(Step step, const char *path, int flags)
{
    if (!s_active.load(std::memory_order_relaxed))
        return 0;
    State &s = state();
    QMutexLocker lock(&s.mutex);
    if (s.recording && step == Step::Open)
        s.opened.append(Opened{QFile::decodeName(path), flags});
    if (!s.armed)
        return 0;
    const int count = ++s.calls[std::size_t(step)];
    if (s.fired || step != s.step || count != s.nth)
        return 0;
    s.fired = true;
    s.firedPath = QFile::decodeName(path);
    return s.error;
}

} // namespace runboard
