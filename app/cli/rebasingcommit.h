// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"
#include "manifeststore.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>

namespace runboard::cli {

// A version of the manifest as the rebase loop sees it.
struct SeenVersion
{
    QString etag;
    qint64 serverGeneration = 0;
    std::shared_ptr<const Json> document; // the newest version only
    QByteArray bytes;                     // the newest version only
};

// `patch --rebase` and serve's `"rebase": true` (DESIGN.md §7, §8): commits the request; when
// the file moved on since its ifMatch, judges the patch (made on `base`) against the newest
// version and, when the verdict is clean, commits it there, a bounded number of times while
// other writers keep committing first. The caller says how to commit and how to read the newest
// version (a one-shot store, or the serve session's service).
class RebasingCommit
{
public:
    using Commit = std::function<Result<SeenVersion>(const ManifestStore::PatchRequest &)>;
    using Newest = std::function<Result<SeenVersion>()>;

    static constexpr int kAttempts = 5;

    RebasingCommit(Commit commit, Newest newest);

    // The answer line on success: {"ok":true,"etag","serverGeneration"} plus "rebasedOnto" (the
    // etag it was applied on) when it was not ifMatch. A verdict that is not clean is an
    // etag_conflict whose details carry "etag", "serverGeneration" (the newest version) and
    // "conflicts" ([{"path","base","theirs","yours"}], a value left out where the place does not
    // exist) with "conflictingOps", or "cannotApply" (why, in words) with "opIndex". Any other
    // failure is the commit's own.
    Result<Json> run(const Json &base, ManifestStore::PatchRequest request) const;

    // The base a script passes: a manifest, or the line `runboard-cli get` printed for it
    // ({"ok":true,"etag",…,"manifest":{…}}). Unreadable for anything else.
    static Result<Json> baseFrom(Json input, const QString &source);

private:
    Commit m_commit;
    Newest m_newest;
};

} // namespace runboard::cli
