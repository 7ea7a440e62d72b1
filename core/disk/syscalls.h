// SPDX-License-Identifier: MIT
#pragma once

// The system calls GuardedFile and BundleLock make on a bundle's files, each first asking
// FaultInjection whether a test wants it to fail. A failure injected here looks to the caller
// exactly like the real one: -1 and errno, and nothing done on disk (a close still closes: a
// descriptor is gone after close() whatever it returns).
// Internal to core/disk: include it only from .cpp files.

#include "faultinjection.h"

#include <cerrno>
#include <csignal>
#include <cstdio>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace runboard::sys {

using Step = FaultInjection::Step;

// A write past RLIMIT_FSIZE (`ulimit -f`) must fail with EFBIG ("File too large") and be reported
// like any other write error; by default the kernel kills the process with SIGXFSZ instead, in
// the middle of a commit, leaving its temp file and lock behind. So the first write through here
// ignores SIGXFSZ, unless the program already chose what that signal does.
inline void ignoreFileSizeSignal()
{
    static const bool done = [] {
        struct sigaction current = {};
        if (::sigaction(SIGXFSZ, nullptr, &current) == 0 && current.sa_handler == SIG_DFL
            && !(current.sa_flags & SA_SIGINFO))
            ::signal(SIGXFSZ, SIG_IGN);
        return true;
    }();
    Q_UNUSED(done)
}

inline bool injected(Step step, const char *path, int flags = 0)
{
    if (const int error = FaultInjection::failure(step, path, flags)) {
        errno = error;
        return true;
    }
    return false;
}

inline int open(const char *path, int flags, mode_t mode = 0)
{
    if (injected(Step::Open, path, flags))
        return -1;
    return ::open(path, flags, mode);
}

inline ssize_t read(int fd, void *buffer, size_t size, const char *path)
{
    if (injected(Step::Read, path))
        return -1;
    return ::read(fd, buffer, size);
}

inline ssize_t write(int fd, const void *data, size_t size, const char *path)
{
    ignoreFileSizeSignal();
    if (injected(Step::Write, path))
        return -1;
    return ::write(fd, data, size);
}

inline int fsync(int fd, const char *path)
{
    if (injected(Step::Sync, path))
        return -1;
    return ::fsync(fd);
}

inline int fsyncFolder(int fd, const char *path)
{
    if (injected(Step::SyncFolder, path))
        return -1;
    return ::fsync(fd);
}

inline int close(int fd, const char *path)
{
    const int rc = ::close(fd);
    if (injected(Step::Close, path))
        return -1;
    return rc;
}

// renameat2() with RENAME_EXCHANGE or RENAME_NOREPLACE; ENOSYS where the system has neither.
inline int renameat2(const char *from, const char *to, unsigned int flags)
{
    if (injected(Step::Replace, to))
        return -1;
#if defined(RENAME_EXCHANGE) && defined(RENAME_NOREPLACE)
    return ::renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
#else
    Q_UNUSED(from)
    Q_UNUSED(flags)
    errno = ENOSYS;
    return -1;
#endif
}

inline int rename(const char *from, const char *to)
{
    if (injected(Step::Replace, to))
        return -1;
    return ::rename(from, to);
}

inline int link(const char *from, const char *to)
{
    if (injected(Step::Replace, to))
        return -1;
    return ::link(from, to);
}

} // namespace runboard::sys
