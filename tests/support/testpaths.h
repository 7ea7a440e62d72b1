// SPDX-License-Identifier: MIT
#pragma once

#include <QDir>
#include <QString>
#include <QStringList>

namespace runboard::test {

// tests/data in the source tree.
inline QString dataDir()
{
    return QStringLiteral(RUNBOARD_TEST_DATA_DIR);
}

// The worktree written by the original ADE service (tests/data/ade-worktree, see its README), or
// an empty string if a checkout lost it: tests fail on that rather than skip.
inline QString adeFixtureWorktree()
{
    const QString path = dataDir() + QStringLiteral("/ade-worktree");
    return QDir(path).exists() ? path : QString();
}

// manifest.json of the ADE fixture's run, or an empty string if a checkout lost it.
inline QString adeFixtureManifestPath()
{
    const QDir orchestration(adeFixtureWorktree() + QStringLiteral("/.ade/orchestration"));
    const QStringList runs = orchestration.entryList({QStringLiteral("R-*")}, QDir::Dirs);
    return runs.isEmpty() ? QString()
                          : orchestration.filePath(runs.first() + QStringLiteral("/manifest.json"));
}

} // namespace runboard::test
