// SPDX-License-Identifier: MIT
//
// RebasingCommit: the rebase loop behind `patch --rebase` and serve's `"rebase": true`.
//
// Design considerations
// - The rule of DESIGN.md §8 holds for scripts too: a patch is a change to the version it was
//   made on. Only judgeRebase decides that it may go onto a newer one, and only when the other
//   writers touched nothing it reads or writes; conflicts and patches that no longer apply are
//   answered as etag_conflict with what the script needs to decide, and nothing is written.
// - The verdict is given inside the commit, under the lock (PatchRequest::rebase): the store
//   reads the newest version, the verdict is asked on exactly that, and the commit goes onto it
//   with nothing in between. Writers that take the lock (other Runboards, runboard-cli) can then
//   never make a clean change fail, however busy they are. Writers that skip the lock (ADE's
//   service) can still replace the file between our read and our replace; the guarded replace
//   answers etag_conflict, and the loop looks again, kAttempts times at most: a file that never
//   stops moving ends in an etag_conflict rather than a loop.
// - The base comes from the script (what it read), never from the disk: the disk no longer
//   holds it, and the newest version is exactly what it must not be mistaken for.
// - A pause between attempts helps fall out of step with a writer that skips the lock; it is
//   random, short, and grows with the attempt.
// Thread: the caller's (the main thread in runboard-cli; the service thread, under the run's
// mutex, in ManifestService).

#include "rebasingcommit.h"

#include "jsonpatch.h"
#include "rebaseverdict.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QThread>

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "RebasingCommit" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(RebasingCommit)
};

Json answer(const SeenVersion &committed)
{
    return Json{{"ok", true},
                {"etag", committed.etag.toStdString()},
                {"serverGeneration", committed.serverGeneration}};
}

Error refusal(const RebaseVerdict &verdict, const SeenVersion &newest, const QString &baseEtag)
{
    Json details{{"etag", newest.etag.toStdString()},
                 {"serverGeneration", newest.serverGeneration}};
    QStringList places;
    if (!verdict.conflicts.empty()) {
        Json conflicts = Json::array();
        for (const RebaseVerdict::Conflict &conflict : verdict.conflicts) {
            Json entry{{"path", conflict.pointer}};
            if (conflict.base)
                entry["base"] = *conflict.base;
            if (conflict.theirs)
                entry["theirs"] = *conflict.theirs;
            if (conflict.yours)
                entry["yours"] = *conflict.yours;
            conflicts.push_back(std::move(entry));
            places << QString::fromStdString(conflict.pointer);
        }
        details["conflicts"] = std::move(conflicts);
        details["conflictingOps"] = verdict.conflictingOps;
    }
    const QString base = baseEtag.isEmpty() ? Tr::tr("your base") : baseEtag;
    if (verdict.kind == RebaseVerdict::Kind::CannotApply && verdict.failure) {
        details["cannotApply"] = verdict.failure->message.toStdString();
        if (const auto opIndex = verdict.failure->details.find("opIndex");
            opIndex != verdict.failure->details.end())
            details["opIndex"] = *opIndex;
        return Error{
            ErrorCode::EtagConflict,
            Tr::tr("the manifest moved on from %1 to %2 and the patch cannot be applied to "
                   "it: %3")
                .arg(base, newest.etag, verdict.failure->message),
            std::move(details)};
    }
    return Error{
        ErrorCode::EtagConflict,
        Tr::tr("the manifest moved on from %1 to %2, and the other writer changed what the "
               "patch changes too: %3; nothing was written")
            .arg(base, newest.etag, places.join(QStringLiteral(", "))),
        std::move(details)};
}

} // namespace

RebasingCommit::RebasingCommit(Commit commit, Newest newest)
    : m_commit(std::move(commit)), m_newest(std::move(newest))
{}

Json RebasingCommit::answerOf(const Done &done)
{
    Json out = answer(done.committed);
    if (done.rebasedOnto)
        out["rebasedOnto"] = done.rebasedOnto->etag.toStdString();
    return out;
}

Result<RebasingCommit::Done> RebasingCommit::run(const Json &base,
                                                 ManifestStore::PatchRequest request) const
{
    const Result<JsonPatch> patch = JsonPatch::fromJson(request.operations);
    if (!patch.isOk())
        return patch.error();

    // The verdict is asked for under the store's lock, so a writer that takes the lock cannot
    // slip in between it and the commit. `onto` says which newer version a commit went onto.
    const QString baseEtag = request.ifMatchEtag;
    std::optional<SeenVersion> onto;
    bool refused = false; // the verdict was not clean: that is the answer
    request.rebase = [&](const ManifestStore::Loaded &newest) -> Result<void> {
        const Json &document = *newest.document;
        SeenVersion seen{QString::fromStdString(document.value("etag", std::string())),
                         document.value("serverGeneration", qint64(0)), newest.document,
                         newest.file.bytes};
        const RebaseVerdict verdict = judgeRebase(base, patch.value(), document);
        if (!verdict.isClean()) {
            refused = true;
            return refusal(verdict, seen, baseEtag);
        }
        onto = std::move(seen);
        return {};
    };
    const auto attempt = [&]() -> Result<SeenVersion> {
        onto.reset();
        return m_commit(request);
    };

    const Result<SeenVersion> first = attempt();
    if (first.isOk())
        return Done{first.value(), onto};
    if (first.error().code != ErrorCode::EtagConflict || refused)
        return first.error();

    // Still an etag_conflict: a writer that skips the lock replaced the file between our read
    // and our replace. Look again and go on from the newest version.
    Error last = first.error();
    for (int retry = 1; retry < kAttempts; ++retry) {
        QThread::msleep(unsigned(QRandomGenerator::global()->bounded(1, 4) * retry));
        const Result<SeenVersion> newest = m_newest();
        if (!newest.isOk())
            return newest.error();
        request.ifMatchEtag = newest->etag;
        request.seenBytes = newest->bytes;
        const Result<SeenVersion> committed = attempt();
        if (committed.isOk())
            return Done{committed.value(),
                        onto ? onto : std::optional<SeenVersion>(newest.value())};
        if (committed.error().code != ErrorCode::EtagConflict || refused)
            return committed.error();
        last = committed.error();
    }
    last.message
        = Tr::tr("the manifest kept changing: the patch applied cleanly to each of %1 newer "
                 "versions, and each time another writer replaced the file first (%2)")
              .arg(kAttempts)
              .arg(last.message);
    return last;
}

Result<Json> RebasingCommit::baseFrom(Json input, const QString &source)
{
    if (input.is_object() && input.contains("manifest") && input.contains("ok")) {
        Json manifest = std::move(input["manifest"]);
        input = std::move(manifest);
    }
    if (!input.is_object() || !input.contains("version")) {
        return Error{ErrorCode::Unreadable,
                     Tr::tr("the base (%1) is neither a manifest nor what `runboard-cli get` "
                            "prints")
                         .arg(source),
                     Json{{"path", source.toStdString()}}};
    }
    return input;
}

} // namespace runboard
