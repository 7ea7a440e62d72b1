// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "faultinjection.h"

#include <QLockFile>
#include <QString>

#include <chrono>

namespace runboard {

// The cross-process lock that serialises Runboard writers of one manifest: a lock file
// "<manifest>.lock" beside it (QLockFile's: pid, application, host and ids inside; a lock whose
// owner died on this host, or that is older than the stale time, is taken over). Writers that do
// not know the lock (ADE, git, editors) are handled by GuardedFile's content checks instead.
// On Unix a free lock is taken without QLockFile, in its format and with its flock(), but
// without the fdatasync() it does on every lock file it creates (see bundlelock.cpp).
// Not thread-safe: one owner at a time; the run's QMutex serialises threads.
class BundleLock
{
public:
    explicit BundleLock(const QString &manifestPath);
    ~BundleLock();
    BundleLock(const BundleLock &) = delete;
    BundleLock &operator=(const BundleLock &) = delete;

    static constexpr std::chrono::milliseconds kDefaultTimeout{3000};
    static constexpr std::chrono::milliseconds kStaleAfter{30000};
    static constexpr std::chrono::milliseconds kEmptyLockGrace{500};

    // IoError naming the lock file and, when known, who holds it, if the lock is not taken
    // within `timeout`. A lock file that cannot be created for a reason waiting does not change
    // (a read-only or full filesystem, no permission: anything but "it exists") fails at once,
    // with the system's reason ("Read-only file system") and details "errno" and "step"; so
    // does a lock file on a read-only filesystem, which nobody can take over or release.
    Result<void> lock(std::chrono::milliseconds timeout = kDefaultTimeout);
    void unlock();
    bool isLocked() const { return m_heldFd >= 0 || m_lock.isLocked(); }
    QString lockFilePath() const { return m_path; }

    // What QLockFile writes into a lock file in this process (empty when that could not be
    // found out): the form in which this lock writes its own.
    static const QByteArray &lockFileContents();

private:
    enum class Attempt {
        Taken,
        Busy,        // the lock file exists: held, or stale (QLockFile judges which)
        Failed,      // it cannot be created, and waiting will not change that
        Unavailable, // not ours to create here: QLockFile tries
    };
    bool takeOverEmptyLock();
    Attempt tryCreate(int &error);
    bool isOnReadOnlyFilesystem() const;
    QString describeHolder(Json &details) const;
    Error failure(int error) const;

    QString m_path;
    QLockFile m_lock;
    int m_heldFd = -1; // the lock file, when tryCreate() took it
    FaultInjection::Step m_failedStep = FaultInjection::Step::Open;
};

} // namespace runboard
