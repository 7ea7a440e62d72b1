// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace runboard::test {

// A throw-away worktree holding one run bundle: <tmp>/.ade/orchestration/<runId>/.
// Removed with everything in it when the object goes away.
class TempBundle
{
public:
    static constexpr const char *kDefaultRunId = "R-20260722093015-a1b2c3";

    // An empty bundle folder for runId (no manifest yet).
    explicit TempBundle(const QString &runId = QString::fromLatin1(kDefaultRunId));

    // A copy of a worktree folder (e.g. the ADE fixture); the bundle is its first run folder.
    static TempBundle copyOfWorktree(const QString &worktreeDir);

    bool isValid() const { return m_valid; }
    QString worktreePath() const;
    QString bundlePath() const;
    QString manifestPath() const;
    QString runId() const { return m_runId; }

    // Writes bytes to a file inside the bundle (name relative to the bundle), replacing it.
    bool writeFile(const QString &name, const QByteArray &bytes) const;
    QByteArray readFile(const QString &name) const;

    // Writes manifest.json as ADE does (JSON.stringify(v, null, 2)) and returns the bytes.
    QByteArray writeManifest(const Json &manifest) const;
    // Parses manifest.json (fails the current test on error); null Json when absent.
    Json readManifest() const;
    // Names of *.tmp files left in the bundle folder.
    QStringList tempFiles() const;

    // A small valid v1 manifest for runId: one lead agent, the four phases, no tasks.
    static Json minimalManifest(const QString &runId, int generation = 1);

private:
    TempBundle(const QString &runId, bool createBundle);

    QTemporaryDir m_dir;
    QString m_runId;
    bool m_valid = false;
};

} // namespace runboard::test
