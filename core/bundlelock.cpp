// SPDX-License-Identifier: MIT
//
// BundleLock: the cross-process half of "one writer at a time" (DESIGN.md §3). Every Runboard
// process (GUI, `runboard-cli patch`, `serve`, the demo) takes it around the read-check-write of
// a commit, so two of them can never both pass the checks and then both replace the file.
// A crashed holder must not block a run forever: QLockFile takes over a lock whose process is
// gone (same host) or which is older than kStaleAfter; commits take milliseconds, so a live
// holder never gets near that age. A lock file without a holder (its creator was killed before
// writing its pid) is taken over once it is older than kEmptyLockGrace.

#include "bundlelock.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QThread>

namespace runboard {

BundleLock::BundleLock(const QString &manifestPath)
    : m_path(manifestPath + QStringLiteral(".lock")), m_lock(m_path)
{
    m_lock.setStaleLockTime(static_cast<int>(kStaleAfter.count()));
}

BundleLock::~BundleLock()
{
    unlock();
}

Result<void> BundleLock::lock(std::chrono::milliseconds timeout)
{
    // Qt's own tryLock(timeout) sleeps 100, 200, 400 ms... between attempts, so against writers
    // that hold the lock for milliseconds and re-take it at once, a waiter would almost never
    // find it free. Short, jittered attempts give every waiter its turn.
    const QDeadlineTimer deadline(timeout);
    for (;;) {
        if (m_lock.tryLock(0))
            return {};
        if (m_lock.error() != QLockFile::LockFailedError)
            break;
        if (takeOverEmptyLock())
            continue;
        if (deadline.hasExpired())
            break;
        QThread::msleep(1 + QRandomGenerator::global()->bounded(4u));
    }

    Json details{{"path", m_path.toStdString()}};
    QString holder;
    qint64 pid = 0;
    QString host;
    QString application;
    if (m_lock.getLockInfo(&pid, &host, &application)) {
        holder = QCoreApplication::translate("BundleLock", " (held by %1, process %2 on %3)")
                     .arg(application.isEmpty() ? QStringLiteral("?") : application)
                     .arg(pid)
                     .arg(host);
        details["holderPid"] = pid;
        details["holderHost"] = host.toStdString();
        details["holderApplication"] = application.toStdString();
    }
    QString reason;
    switch (m_lock.error()) {
    case QLockFile::PermissionError:
        reason = QCoreApplication::translate("BundleLock", "permission denied");
        break;
    case QLockFile::LockFailedError:
        reason = QCoreApplication::translate("BundleLock", "another writer holds it");
        break;
    default:
        reason = QCoreApplication::translate("BundleLock", "unknown error");
        break;
    }
    return Error{ErrorCode::IoError,
                 QCoreApplication::translate("BundleLock", "could not lock %1 within %2 ms: %3%4")
                     .arg(m_path)
                     .arg(timeout.count())
                     .arg(reason, holder),
                 std::move(details)};
}

bool BundleLock::takeOverEmptyLock()
{
    // QLockFile creates the file before it writes who holds it; a writer killed in between
    // leaves a file without a pid, which QLockFile would only call stale after kStaleAfter.
    // Once such a file is older than any creation takes, removeStaleLockFile() removes it, and
    // only if no live holder has it flock()ed.
    qint64 pid = 0;
    QString host;
    QString application;
    if (m_lock.getLockInfo(&pid, &host, &application))
        return false;
    const QFileInfo info(m_path);
    if (!info.exists()
        || info.lastModified().msecsTo(QDateTime::currentDateTime()) < kEmptyLockGrace.count())
        return false;
    return m_lock.removeStaleLockFile();
}

void BundleLock::unlock()
{
    if (m_lock.isLocked())
        m_lock.unlock();
}

} // namespace runboard
