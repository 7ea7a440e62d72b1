// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

namespace runboard {

// A test seam under GuardedFile and BundleLock, at the level of the system calls a commit makes
// (core/disk/syscalls.h): the N-th call of one step fails with the errno that a failing disk, a
// full or read-only filesystem or a quota gives (EIO, ENOSPC, EDQUOT, EROFS, EACCES), without
// touching the file. Only tests arm it. Unarmed, a check is one atomic load.
// Thread-safe: the calls it counts happen on the committing, staging and housekeeping threads.
class FaultInjection
{
public:
    enum class Step {
        Open,       // open(): a file to read, or a temp or lock file to create
        Read,       // read() of a file being read or compared
        Write,      // write() to a temp file or a lock file
        Sync,       // fsync() of a temp file
        Close,      // close() of a written temp file (its error can be a late write error)
        Replace,    // renameat2() exchange or no-replace, rename() or link() into place
        SyncFolder, // fsync() of the folder after a replace
    };
    static constexpr Step kSteps[] = {Step::Open,  Step::Read,    Step::Write,     Step::Sync,
                                      Step::Close, Step::Replace, Step::SyncFolder};

    // From now on the `nth` call (1-based, counted from here) of `step` fails with `error`.
    // One fault at a time: arming again replaces it.
    static void arm(Step step, int nth, int error);
    static void disarm();
    // Whether the armed fault fired, and on which file (for Replace: the file being replaced).
    static bool hasFired();
    static QString firedPath();
    // Calls of `step` since the last arm() or disarm().
    static int calls(Step step);

    // While recording, every open() is noted with its flags: the security tests check that
    // temp and lock files are created exclusively (O_CREAT | O_EXCL) where they belong.
    struct Opened
    {
        QString path;
        int flags = 0;
    };
    static void setRecording(bool recording);
    static QList<Opened> opened();

    // The name an io_error's details carry as "step": "open", "read", "write", "fsync",
    // "close", "replace", "fsync folder".
    static QString stepName(Step step);

    // For the wrappers in syscalls.h: the errno this call must fail with, or 0 to make it.
    static int failure(Step step, const char *path, int flags = 0);
};

} // namespace runboard
