// SPDX-License-Identifier: MIT
//
// BundleLock: the cross-process half of "one writer at a time" (DESIGN.md §3). Every Runboard
// process (GUI, `runboard-cli patch`, `serve`, the demo) takes it around the read-check-write of
// a commit, so two of them can never both pass the checks and then both replace the file.
// A crashed holder must not block a run forever: QLockFile takes over a lock whose process is
// gone (same host) or which is older than kStaleAfter; commits take milliseconds, so a live
// holder never gets near that age. A lock file without a holder (its creator was killed before
// writing its pid) is taken over once it is older than kEmptyLockGrace.
// Waiting is only for a lock somebody holds. When the lock file cannot be created for any other
// reason (read-only or full filesystem, no permission, I/O error), or the folder is on a
// read-only filesystem, where a stale lock can never be taken over, lock() fails at once and says
// why, rather than waiting out its timeout and blaming a holder.
//
// Why not QLockFile alone: it fdatasync()s every lock file it creates. A lock file is nothing
// worth keeping across a power loss (after a reboot any lock is stale), but that sync is a
// journal commit, and it lands while the commit's own temp file is being fsynced: measured, it
// cost a 1 MB commit 0.4 to 1.5 ms. So a free lock is taken here the way QLockFile takes it on
// Unix (O_CREAT|O_EXCL, the same contents, flock() and an fcntl() lock on the open file) minus
// the sync, and the file is unlinked before it is closed. Everything else stays QLockFile's: a
// lock file that exists is left to QLockFile::tryLock(), which reads it, decides whether it is
// stale and takes it over if so; another process (this build or any QLockFile user) sees a lock
// file it cannot tell from one QLockFile wrote, because its contents are what QLockFile wrote in
// this process (lockFileContents()).

#include "bundlelock.h"

#include "logging.h"

#include "syscalls.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>

#include <cstring>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>
#endif

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "BundleLock" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(BundleLock)
};

} // namespace

BundleLock::BundleLock(const QString &manifestPath)
    : m_path(manifestPath + QStringLiteral(".lock")), m_lock(m_path)
{
    m_lock.setStaleLockTime(static_cast<int>(kStaleAfter.count()));
}

BundleLock::~BundleLock()
{
    unlock();
}

const QByteArray &BundleLock::lockFileContents()
{
    // Asked of QLockFile once: lock a file of our own and read what it wrote.
    static const QByteArray contents = [] {
        const QTemporaryDir dir;
        if (!dir.isValid())
            return QByteArray();
        const QString path = dir.filePath(QStringLiteral("probe.lock"));
        QLockFile probe(path);
        if (!probe.tryLock(0))
            return QByteArray();
        QFile file(path);
        QByteArray written = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        probe.unlock();
        // pid, application and host at least, each ended by a newline.
        return written.count('\n') >= 3 && written.endsWith('\n')
                       && written.startsWith(QByteArray(
                           QByteArray::number(QCoreApplication::applicationPid()) + '\n'))
                   ? written
                   : QByteArray();
    }();
    return contents;
}

BundleLock::Attempt BundleLock::tryCreate(int &error)
{
#ifdef Q_OS_UNIX
    const QByteArray &contents = lockFileContents();
    if (contents.isEmpty())
        return Attempt::Unavailable;
    const QByteArray path = QFile::encodeName(m_path);
    const int fd
        = sys::open(path.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    m_failedStep = FaultInjection::Step::Open;
    if (fd < 0) {
        error = errno;
        // EEXIST: held (or stale, which QLockFile judges). Anything else (a read-only or full
        // filesystem, no permission, the folder gone) no amount of waiting changes.
        return error == EEXIST ? Attempt::Busy : Attempt::Failed;
    }
    if (sys::write(fd, contents.constData(), std::size_t(contents.size()), path.constData())
        != contents.size()) {
        error = errno;
        m_failedStep = FaultInjection::Step::Write;
        ::unlink(path.constData());
        ::close(fd);
        return Attempt::Failed;
    }
    struct flock range = {};
    range.l_type = F_WRLCK;
    range.l_whence = SEEK_SET;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::fcntl(fd, F_SETLK, &range) != 0) {
        ::unlink(path.constData());
        ::close(fd);
        return Attempt::Unavailable; // QLockFile finds out what is wrong and says so
    }
    m_heldFd = fd;
    return Attempt::Taken;
#else
    Q_UNUSED(error)
    return Attempt::Unavailable;
#endif
}

bool BundleLock::isOnReadOnlyFilesystem() const
{
#ifdef Q_OS_UNIX
    struct statvfs fs;
    return ::statvfs(QFile::encodeName(QFileInfo(m_path).absolutePath()).constData(), &fs) == 0
           && (fs.f_flag & ST_RDONLY);
#else
    return false;
#endif
}

Result<void> BundleLock::lock(std::chrono::milliseconds timeout)
{
    // Qt's own tryLock(timeout) sleeps 100, 200, 400 ms... between attempts, so against writers
    // that hold the lock for milliseconds and re-take it at once, a waiter would almost never
    // find it free. Short, jittered attempts give every waiter its turn.
    const QDeadlineTimer deadline(timeout);
    int waits = 0;
    for (;;) {
        int error = 0;
        switch (tryCreate(error)) {
        case Attempt::Taken:
            qCDebug(lcLock) << "taken" << m_path << "after" << waits << "waits";
            return {};
        case Attempt::Failed:
            qCDebug(lcLock) << "cannot be made" << m_path << "errno" << error;
            return failure(error);
        case Attempt::Busy:
        case Attempt::Unavailable:
            break;
        }
        if (m_lock.tryLock(0)) {
            qCDebug(lcLock) << "taken" << m_path << "after" << waits << "waits";
            return {};
        }
        if (m_lock.error() != QLockFile::LockFailedError)
            break;
        if (takeOverEmptyLock()) {
            qCDebug(lcLock) << "took over an empty lock file left by a writer that died" << m_path;
            continue;
        }
        if (waits == 0 && lcLock().isDebugEnabled()) {
            Json holder;
            qCDebug(lcLock).noquote()
                << "held" << describeHolder(holder) << "- waiting up to" << timeout.count() << "ms";
        }
        ++waits;
        // On a read-only filesystem a lock file can be neither taken over nor removed by its
        // holder, and nothing could be written anyway: waiting cannot help.
        if (isOnReadOnlyFilesystem())
            return failure(EROFS);
        if (deadline.hasExpired())
            break;
        QThread::msleep(1 + QRandomGenerator::global()->bounded(4u));
    }
    if (m_lock.error() != QLockFile::LockFailedError && isOnReadOnlyFilesystem())
        return failure(EROFS);

    Json details{{"path", m_path.toStdString()}};
    const QString holder = describeHolder(details);
    qCDebug(lcLock) << "not taken" << m_path << "error" << int(m_lock.error()) << holder;
    QString reason;
    switch (m_lock.error()) {
    case QLockFile::PermissionError:
        reason = Tr::tr("permission denied");
        break;
    case QLockFile::LockFailedError:
        reason = Tr::tr("another writer holds it");
        break;
    default:
        reason = Tr::tr("unknown error");
        break;
    }
    return Error{ErrorCode::IoError,
                 Tr::tr("could not lock %1 within %2 ms: %3%4")
                     .arg(m_path)
                     .arg(timeout.count())
                     .arg(reason, holder),
                 std::move(details)};
}

QString BundleLock::describeHolder(Json &details) const
{
    qint64 pid = 0;
    QString host;
    QString application;
    if (!m_lock.getLockInfo(&pid, &host, &application))
        return QString();
    details["holderPid"] = pid;
    details["holderHost"] = host.toStdString();
    details["holderApplication"] = application.toStdString();
    return Tr::tr(" (held by %1, process %2 on %3)")
        .arg(application.isEmpty() ? QStringLiteral("?") : application)
        .arg(pid)
        .arg(host);
}

Error BundleLock::failure(int error) const
{
    Json details{{"path", m_path.toStdString()},
                 {"errno", error},
                 {"step", FaultInjection::stepName(m_failedStep).toStdString()}};
    const QString holder = describeHolder(details);
    return Error{ErrorCode::IoError,
                 Tr::tr("cannot lock %1: %2%3")
                     .arg(m_path, QString::fromLocal8Bit(std::strerror(error)), holder),
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
    if (isLocked())
        qCDebug(lcLock) << "released" << m_path;
#ifdef Q_OS_UNIX
    if (m_heldFd >= 0) {
        // Unlinked before it is closed: nobody ever sees the file without its flock(), which
        // QLockFile's removal of a stale lock needs.
        ::unlink(QFile::encodeName(m_path).constData());
        ::close(m_heldFd);
        m_heldFd = -1;
    }
#endif
    if (m_lock.isLocked())
        m_lock.unlock();
}

} // namespace runboard
