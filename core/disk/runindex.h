// SPDX-License-Identifier: MIT
#pragma once

#include "bundlelock.h"
#include "error.h"
#include "json.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <chrono>

namespace runboard {

// One run of a worktree as run discovery sees it: an index.json entry, or the same fields taken
// from a manifest found by the scan.
struct RunSummary
{
    QString runId;
    QString laneId;
    QString title;
    QString goalSummary;
    QString currentPhase;
    QString etag;
    QString bundlePath; // the local run folder, <orchestration dir>/<runId>, never a recorded path
    QString status;     // "active" | "suspended" | "completed"
    QDateTime createdAt;
    QDateTime updatedAt;
    int agentCount = 0;
    int taskCount = 0;
    bool fromIndex = false; // listed by index.json (else found by the scan)
};

// Run discovery for one worktree: ADE's per-lane index.json (<worktree>/.ade/orchestration/
// index.json, bundle format §1) plus its self-healing scan of the run folders beside it.
// Stateless; every call works on what the disk holds now.
class RunIndex
{
public:
    enum class Repair {
        IfNeeded, // rewrite index.json when it is missing, broken, stale or incomplete
        Never,    // list only; nothing on disk changes (read-only callers, `runboard-cli runs`)
    };

    static constexpr int kDefaultLimit = 100;
    static constexpr int kMaxLimit = 250;

    // `path` is a worktree (its .ade/orchestration), the orchestration folder itself, a run
    // folder, or a file (a run's manifest.json, index.json), which stands for its folder.
    // NotFound when the path does not exist or leads to no .ade/orchestration folder.
    static Result<QString> orchestrationDir(const QString &path);

    // <dir>/index.json.
    static QString indexPath(const QString &orchestrationDir);

    // ADE's runList. Reads index.json (a wrong version, a non-array `runs` or text that is not
    // JSON count as no index; entries without runId, createdAt, title or bundlePath, or whose
    // <dir>/<runId>/manifest.json is gone, are dropped; of two entries for one run the later
    // wins), adds the runs the scan of <dir>/*/manifest.json finds (v1 manifests whose runId is
    // their folder's name; index entries win on runId clashes), sorts by createdAt and returns
    // the last `limit` runs (clamped to 1..kMaxLimit). With Repair::IfNeeded an index that was
    // missing, broken, had dropped entries or lacked scanned runs is rewritten under the lock
    // <dir>/index.json.lock; a healthy index is never touched. Errors: NotFound (no
    // orchestration folder), IoError (unreadable index.json, lock not taken within
    // `lockTimeout`, failed write).
    static Result<QList<RunSummary>> list(const QString &path, Repair repair = Repair::IfNeeded,
                                          int limit = kDefaultLimit,
                                          std::chrono::milliseconds lockTimeout
                                          = BundleLock::kDefaultTimeout);

    // What ADE does after every persist: removes the run's entries from index.json and appends
    // a fresh one built from `manifest` (with `bundlePath` and `status` as given), under the
    // lock. Every other entry, and every other member of the index, stays as it was, byte for
    // byte; unknown fields of the replaced entry are carried over. An entry whose etag names a
    // newer generation than `manifest`'s is kept as it is (the index never goes back). A missing
    // or broken index is first rebuilt from the scan, as list() would. `status` is "active",
    // "suspended" or "completed". Errors: NotFound (no such folder), Unreadable (not a v1 manifest,
    // or a runId that cannot name a folder), ValidationFailed (unknown status), IoError.
    static Result<void> recordRun(const QString &orchestrationDir, const Json &manifest,
                                  const QString &bundlePath,
                                  const QString &status = QStringLiteral("active"),
                                  std::chrono::milliseconds lockTimeout
                                  = BundleLock::kDefaultTimeout);
};

} // namespace runboard
