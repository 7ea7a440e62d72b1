// SPDX-License-Identifier: MIT
//
// RebasingCommit: the rebase loop behind `patch --rebase` and serve's `"rebase": true`.
//
// Design considerations
// - The rule of DESIGN.md §8 holds for scripts too: a patch is a change to the version it was
//   made on. Only judgeRebase decides that it may go onto a newer one, and only when the other
//   writers touched nothing it reads or writes; conflicts and patches that no longer apply are
//   answered as etag_conflict with what the script needs to decide, and nothing is written.
// - The re-applied commit names the version it was judged against by etag *and* bytes, so a
//   writer that slips in between the verdict and the commit makes it an etag_conflict again,
//   and the loop judges anew, kAttempts times at most: a file that never stops moving ends in
//   an etag_conflict rather than a loop.
// - The base comes from the script (what it read), never from the disk: the disk no longer
//   holds it, and the newest version is exactly what it must not be mistaken for.
// - A pause between attempts helps two writers that re-apply in lockstep (two windows, two
//   scripts) fall out of step; it is random, short, and grows with the attempt, and only the
//   later attempts pause at all: the first retry goes on the version just read.
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

QString tr(const char *text)
{
    return QCoreApplication::translate("RebasingCommit", text);
}

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
    const QString base = baseEtag.isEmpty() ? tr("your base") : baseEtag;
    if (verdict.kind == RebaseVerdict::Kind::CannotApply && verdict.failure) {
        details["cannotApply"] = verdict.failure->message.toStdString();
        if (const auto opIndex = verdict.failure->details.find("opIndex");
            opIndex != verdict.failure->details.end())
            details["opIndex"] = *opIndex;
        return Error{ErrorCode::EtagConflict,
                     tr("the manifest moved on from %1 to %2 and the patch cannot be applied to "
                        "it: %3")
                         .arg(base, newest.etag, verdict.failure->message),
                     std::move(details)};
    }
    return Error{ErrorCode::EtagConflict,
                 tr("the manifest moved on from %1 to %2, and the other writer changed what the "
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
    const Result<SeenVersion> first = m_commit(request);
    if (first.isOk())
        return Done{first.value(), std::nullopt};
    if (first.error().code != ErrorCode::EtagConflict)
        return first.error();
    const Result<JsonPatch> patch = JsonPatch::fromJson(request.operations);
    if (!patch.isOk())
        return patch.error();

    const QString baseEtag = request.ifMatchEtag;
    Error last = first.error();
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        if (attempt > 0)
            QThread::msleep(unsigned(QRandomGenerator::global()->bounded(1, 4) * attempt));
        const Result<SeenVersion> newest = m_newest();
        if (!newest.isOk())
            return newest.error();
        const RebaseVerdict verdict = judgeRebase(base, patch.value(), *newest->document);
        if (!verdict.isClean())
            return refusal(verdict, newest.value(), baseEtag);
        request.ifMatchEtag = newest->etag;
        request.seenBytes = newest->bytes;
        const Result<SeenVersion> committed = m_commit(request);
        if (committed.isOk())
            return Done{committed.value(), newest.value()};
        if (committed.error().code != ErrorCode::EtagConflict)
            return committed.error();
        last = committed.error();
    }
    last.message = tr("the manifest kept changing: the patch applied cleanly to each of %1 newer "
                      "versions, and each time another writer committed first (%2)")
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
                     tr("the base (%1) is neither a manifest nor what `runboard-cli get` "
                        "prints")
                         .arg(source),
                     Json{{"path", source.toStdString()}}};
    }
    return input;
}

} // namespace runboard
