// SPDX-License-Identifier: MIT
#pragma once

#include <QDir>
#include <QString>

namespace runboard::test {

// tests/data in the source tree.
inline QString dataDir()
{
    return QStringLiteral(RUNBOARD_TEST_DATA_DIR);
}

// The worktree written by the original ADE service (shared/fixtures/ade-worktree), or an empty
// string when the shared folder is not beside this checkout.
inline QString adeFixtureWorktree()
{
    const QString path = QDir::cleanPath(QStringLiteral(RUNBOARD_SHARED_DIR)
                                         + QStringLiteral("/fixtures/ade-worktree"));
    return QDir(path).exists() ? path : QString();
}

} // namespace runboard::test
