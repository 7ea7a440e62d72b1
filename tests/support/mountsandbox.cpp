// SPDX-License-Identifier: MIT
//
// MountSandbox: see the header. The namespace is the safety net: a test that fails half-way leaves
// no tmpfs and no read-only bind mount behind, because they only ever existed in this process's
// view of the filesystem.

#include "mountsandbox.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace runboard::test {

namespace {

bool s_entered = false;

QString reason(const char *what, int error)
{
    return QStringLiteral("%1: %2").arg(QLatin1String(what),
                                        QString::fromLocal8Bit(std::strerror(error)));
}

bool writeProcFile(const char *path, const QByteArray &text)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool written = ::write(fd, text.constData(), std::size_t(text.size())) == text.size();
    ::close(fd);
    return written;
}

// The flags a bind remount must repeat: a user namespace may not drop what the outer mount locks.
unsigned long lockedFlagsOf(const QByteArray &path)
{
    struct statvfs fs;
    if (::statvfs(path.constData(), &fs) != 0)
        return 0;
    unsigned long flags = 0;
    if (fs.f_flag & ST_NOSUID)
        flags |= MS_NOSUID;
    if (fs.f_flag & ST_NODEV)
        flags |= MS_NODEV;
    if (fs.f_flag & ST_NOEXEC)
        flags |= MS_NOEXEC;
    if (fs.f_flag & ST_NOATIME)
        flags |= MS_NOATIME;
    if (fs.f_flag & ST_NODIRATIME)
        flags |= MS_NODIRATIME;
    if (fs.f_flag & ST_RELATIME)
        flags |= MS_RELATIME;
    return flags;
}

} // namespace

bool MountSandbox::enter(QString *why)
{
    if (s_entered)
        return true;
    if (::geteuid() == 0) {
        if (::unshare(CLONE_NEWNS) != 0) {
            *why = reason("unshare(CLONE_NEWNS)", errno);
            return false;
        }
    } else {
        const uid_t uid = ::geteuid();
        const gid_t gid = ::getegid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
            *why = reason("unshare(CLONE_NEWUSER | CLONE_NEWNS) (unprivileged user namespaces "
                          "are off, or threads were started)",
                          errno);
            return false;
        }
        writeProcFile("/proc/self/setgroups", "deny");
        if (!writeProcFile("/proc/self/uid_map", "0 " + QByteArray::number(uid) + " 1")
            || !writeProcFile("/proc/self/gid_map", "0 " + QByteArray::number(gid) + " 1")) {
            *why = reason("writing the user namespace's id maps", errno);
            return false;
        }
    }
    // Nothing mounted from here on may reach the namespace we came from.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        *why = reason("making / private", errno);
        return false;
    }
    s_entered = true;
    return true;
}

bool MountSandbox::isEntered()
{
    return s_entered;
}

bool MountSandbox::mountTmpfs(const QString &folder, qint64 bytes, QString *why)
{
    if (!s_entered) {
        *why = QStringLiteral("not in a mount sandbox");
        return false;
    }
    const QByteArray path = QFile::encodeName(folder);
    const QByteArray options = "size=" + QByteArray::number(bytes) + ",mode=0755";
    if (::mount("tmpfs", path.constData(), "tmpfs", MS_NOSUID | MS_NODEV, options.constData())
        != 0) {
        *why = reason("mounting a tmpfs", errno);
        return false;
    }
    return true;
}

bool MountSandbox::makeReadOnly(const QString &folder, QString *why)
{
    if (!s_entered) {
        *why = QStringLiteral("not in a mount sandbox");
        return false;
    }
    const QByteArray path = QFile::encodeName(folder);
    if (::mount(path.constData(), path.constData(), nullptr, MS_BIND, nullptr) != 0) {
        *why = reason("bind-mounting the folder on itself", errno);
        return false;
    }
    const unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | lockedFlagsOf(path);
    if (::mount(nullptr, path.constData(), nullptr, flags, nullptr) != 0) {
        *why = reason("remounting the folder read-only", errno);
        ::umount2(path.constData(), MNT_DETACH);
        return false;
    }
    return true;
}

bool MountSandbox::unmount(const QString &folder)
{
    return ::umount2(QFile::encodeName(folder).constData(), MNT_DETACH) == 0;
}

} // namespace runboard::test
