// SPDX-License-Identifier: MIT
#pragma once

#include "clock.h"
#include "error.h"
#include "json.h"
#include "manifeststore.h"

#include <QString>

namespace runboard {

// Creates a new run the way ADE's runCreate does (bundle format §1-3): the bundle folder
// <worktree>/.ade/orchestration/<runId>/ with manifest.json (generation `.gen` + 1, or 1), plan.md,
// .gen, artifacts/ui and artifacts/evidence, and the run's entry in index.json. An existing
// manifest.json is never overwritten. Stateless; safe to call from any thread.
class RunCreator
{
public:
    struct Options
    {
        QString title;       // empty: ADE's default "Orchestration run"
        QString goalSummary; // may stay empty; plan.md then says the lead will fill it in
        QString laneId;      // empty: "local"
        // Empty: a fresh id R-<yyyyMMddHHmmss>-<6 hex> from the real UTC clock, as ADE does.
        QString runId;
        Clock clock = systemClock(); // createdAt / updatedAt / history stamps
    };

    struct Created
    {
        BundleLocation location;
        QString etag;
        qint64 serverGeneration = 0;
        Json manifest;
        QStringList warnings; // side files that could not be written; the run itself stands
    };

    // `worktree` is the lane's worktree (an existing folder). Errors: NotFound (no such folder),
    // IoError (a folder or file could not be written, or a run with that id already exists),
    // ValidationFailed (a runId that cannot name a folder).
    static Result<Created> create(const QString &worktree, const Options &options);
    static Result<Created> create(const QString &worktree);

    // R-<yyyyMMddHHmmss>-<6 lowercase hex>, from the real UTC clock and 3 random bytes.
    static QString makeRunId();

    // The manifest ADE's runCreate writes (without touching the disk).
    static Json initialManifest(const QString &runId, const QString &bundlePath,
                                const Options &options, qint64 generation);

    // plan.md as ADE writes it at creation.
    static QByteArray initialPlan(const Json &manifest);
};

} // namespace runboard
