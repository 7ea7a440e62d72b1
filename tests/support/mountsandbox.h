// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace runboard::test {

// Real filesystem faults for tests: a small tmpfs that fills up, a folder that is read-only for
// everybody (root included), without touching the machine. enter() moves this test process into
// a mount namespace of its own (as root: unshare(CLONE_NEWNS); otherwise inside a user namespace,
// where the kernel allows unprivileged ones), so every mount made afterwards is seen by this
// process and the children it starts (runboard-cli, the test writer) only, and vanishes with it.
class MountSandbox
{
public:
    // Call once from initTestCase(), before any thread is started (a user namespace needs a
    // single-threaded process). False, with the reason in `why`, where neither is permitted.
    static bool enter(QString *why);
    static bool isEntered();

    // Mounts a tmpfs of `bytes` on `folder` (an existing folder).
    static bool mountTmpfs(const QString &folder, qint64 bytes, QString *why);
    // Makes `folder` a read-only view of itself: writes below it fail with EROFS.
    static bool makeReadOnly(const QString &folder, QString *why);
    // Undoes either; true when nothing is mounted there any more.
    static bool unmount(const QString &folder);
};

} // namespace runboard::test
