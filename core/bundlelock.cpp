// SPDX-License-Identifier: MIT
//
// BundleLock: the cross-process half of "one writer at a time" (DESIGN.md §3). Every Runboard
// process (GUI, `runboard-cli patch`, `serve`, the demo) takes it around the read-check-write of
// a commit, so two of them can never both pass the checks and then both replace the file.
// A crashed holder must not block a run forever: QLockFile takes over a lock whose process is
// gone (same host) or which is older than kStaleAfter; commits take milliseconds, so a live
// holder never gets near that age.

#include "bundlelock.h"

#include <QCoreApplication>

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
    if (m_lock.tryLock(static_cast<int>(timeout.count())))
        return {};

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

void BundleLock::unlock()
{
    if (m_lock.isLocked())
        m_lock.unlock();
}

} // namespace runboard
