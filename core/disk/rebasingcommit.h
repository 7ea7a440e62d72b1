// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"
#include "manifeststore.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace runboard {

// A version of the manifest as the rebase loop sees it.
struct SeenVersion
{
    QString etag;
    qint64 serverGeneration = 0;
    std::shared_ptr<const Json> document; // the newest version only
    QByteArray bytes;                     // the newest version only
};

// Auto-rebase (DESIGN.md §8) for `patch --rebase`, serve's `"rebase": true` and the window's
// changes: commits the request; when the file moved on since its ifMatch, the store asks, under
// its lock, for a verdict on the patch (made on `base`) against the newest version, and commits
// it there when the verdict is clean. Only a writer that skips the lock can still make the
// commit fail; then it is tried again on the newest version, a bounded number of times, with a
// short randomised pause. The caller says how to commit and how to read the newest version (a
// one-shot store, or a service holding its run's mutex).
class RebasingCommit
{
public:
    using Commit = std::function<Result<SeenVersion>(const ManifestStore::PatchRequest &)>;
    using Newest = std::function<Result<SeenVersion>()>;

    static constexpr int kAttempts = 5;

    RebasingCommit(Commit commit, Newest newest);

    struct Done
    {
        SeenVersion committed;                  // etag and generation of what was written
        std::optional<SeenVersion> rebasedOnto; // the newer version it went onto, if any
    };

    // The commit, re-applied on a newer version when that is clean. A verdict that is not clean
    // is an etag_conflict whose details carry "etag", "serverGeneration" (the newest version)
    // and "conflicts" ([{"path","base","theirs","yours"}], a value left out where the place
    // does not exist) with "conflictingOps", or "cannotApply" (why, in words) with "opIndex".
    // Any other failure is the commit's own.
    Result<Done> run(const Json &base, ManifestStore::PatchRequest request) const;

    // The answer line of the CLI and serve: {"ok":true,"etag","serverGeneration"} plus
    // "rebasedOnto" (the etag it was applied on) when it was not the ifMatch.
    static Json answerOf(const Done &done);

    // The base a script passes: a manifest, or the line `runboard-cli get` printed for it
    // ({"ok":true,"etag",…,"manifest":{…}}). Unreadable for anything else.
    static Result<Json> baseFrom(Json input, const QString &source);

private:
    Commit m_commit;
    Newest m_newest;
};

} // namespace runboard
