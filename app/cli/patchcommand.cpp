// SPDX-License-Identifier: MIT
//
// `patch BUNDLE --if-match ETAG --ops FILE|- [--role R] [--session S] [--summary TEXT]
// [--rebase --base FILE]`: one ManifestStore::commit, the full protocol of DESIGN.md §3 (lock,
// fresh base, etag, policy, validation, guarded replace). Every usage mistake is found before the
// bundle is touched, and any failure leaves manifest.json exactly as it was. With --rebase, an
// etag_conflict is judged against the version the patch was made on (--base, what the script
// read) and a clean patch is committed on the newest version (RebasingCommit).
// Thread: main thread.

#include "patchcommand.h"

#include "jsonpatch.h"
#include "output.h"
#include "patchpolicy.h"
#include "rebasingcommit.h"

namespace runboard::cli {

PatchCommand::PatchCommand()
    : Command(QStringLiteral("patch"),
              tr("Applies a JSON Patch to the manifest with the commit protocol: only if the "
                 "manifest is still at ETAG, and only what the role may change."))
{
    addPositional(QStringLiteral("BUNDLE"), tr("A run folder or its manifest.json."));
}

void PatchCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(valueOption(QStringLiteral("if-match"),
                                 tr("The etag the patch is based on (required)."), tr("ETAG")));
    parser.addOption(valueOption(QStringLiteral("ops"),
                                 tr("A file holding the JSON Patch array, or - for standard "
                                    "input (required)."),
                                 tr("FILE")));
    parser.addOption(valueOption(QStringLiteral("role"),
                                 tr("lead, worker, validator or user (default: user)."), tr("R")));
    parser.addOption(valueOption(QStringLiteral("session"),
                                 tr("The actor's sessionId (workers and validators)."), tr("S")));
    parser.addOption(valueOption(QStringLiteral("summary"),
                                 tr("The history entry's patchKindSummary."), tr("TEXT")));
    parser.addOption(QCommandLineOption(
        QStringList{QStringLiteral("rebase")},
        tr("On etag_conflict, apply the patch to the newest version when nobody else changed "
           "what it reads or writes (needs --base).")));
    parser.addOption(valueOption(QStringLiteral("base"),
                                 tr("With --rebase: the manifest the patch was made on, as read "
                                    "(a manifest, or what 'runboard-cli get' printed)."),
                                 tr("FILE")));
}

int PatchCommand::execute(const QCommandLineParser &parser, const QStringList &positionals)
{
    const QString ifMatch = parser.value(QStringLiteral("if-match"));
    if (ifMatch.isEmpty())
        return usageError(tr("--if-match ETAG is required: say which version the patch is "
                             "based on (runboard-cli get prints the etag)"));
    const QString opsPath = parser.value(QStringLiteral("ops"));
    if (opsPath.isEmpty())
        return usageError(tr("--ops FILE|- is required"));
    ManifestStore::PatchRequest request;
    request.ifMatchEtag = ifMatch;
    if (parser.isSet(QStringLiteral("role"))) {
        const QString roleName = parser.value(QStringLiteral("role"));
        const std::optional<ActorRole> role = actorRoleFromName(roleName);
        if (!role)
            return usageError(
                tr("unknown role '%1' (expected lead, worker, validator or user)").arg(roleName));
        request.actor.role = *role;
    }
    request.actor.sessionId = parser.value(QStringLiteral("session"));
    request.summary = parser.value(QStringLiteral("summary"));
    const bool rebase = parser.isSet(QStringLiteral("rebase"));
    const QString basePath = parser.value(QStringLiteral("base"));
    if (rebase && basePath.isEmpty())
        return usageError(tr("--rebase needs --base FILE: the manifest the patch was made on "
                             "(save what 'runboard-cli get' printed when you read it), so that "
                             "what others changed since can be told from what the patch "
                             "changes"));
    if (!rebase && !basePath.isEmpty())
        return usageError(tr("--base is only used with --rebase"));
    if (basePath == QStringLiteral("-") && opsPath == QStringLiteral("-"))
        return usageError(tr("only one of --ops and --base can be standard input"));

    const Result<BundleLocation> location = locateBundle(positionals[0]);
    if (!location.isOk())
        return fail(location.error());
    Result<Json> ops = readJsonInput(opsPath, tr("the ops"), ErrorCode::InvalidPatch);
    if (!ops.isOk())
        return fail(ops.error());
    // Checked before the lock is taken: a malformed patch never waits for other writers.
    if (const Result<JsonPatch> shape = JsonPatch::fromJson(ops.value()); !shape.isOk())
        return fail(shape.error());
    request.operations = std::move(ops).value();
    Json base;
    if (rebase) {
        Result<Json> read = readJsonInput(basePath, tr("the base"), ErrorCode::Unreadable);
        if (read.isOk())
            read = RebasingCommit::baseFrom(std::move(read).value(), basePath);
        if (!read.isOk())
            return fail(read.error());
        base = std::move(read).value();
        const auto baseEtag = base.find("etag");
        if (baseEtag != base.end() && baseEtag->is_string()
            && fromUtf8(baseEtag->get<std::string>()) != ifMatch)
            return usageError(tr("--base is the version %1 but --if-match says %2: give the "
                                 "manifest the patch was made on")
                                  .arg(fromUtf8(baseEtag->get<std::string>()), ifMatch));
    }

    ManifestStore store(location.value());
    const auto commit
        = [&store](const ManifestStore::PatchRequest &attempt) -> Result<SeenVersion> {
        const Result<ManifestStore::Committed> committed = store.commit(attempt);
        if (!committed.isOk())
            return committed.error();
        for (const QString &warning : committed->warnings)
            printDiagnostic(tr("runboard-cli patch: warning: %1").arg(warning));
        const Json &result = *committed->result.document;
        return SeenVersion{fromUtf8(result.value("etag", std::string())),
                           result.value("serverGeneration", qint64(0)), nullptr, QByteArray()};
    };
    const auto newest = [&store]() -> Result<SeenVersion> {
        const Result<ManifestStore::Loaded> loaded = store.load();
        if (!loaded.isOk())
            return loaded.error();
        const Json &document = *loaded->document;
        return SeenVersion{fromUtf8(document.value("etag", std::string())),
                           document.value("serverGeneration", qint64(0)), loaded->document,
                           loaded->file.bytes};
    };
    if (rebase) {
        const Result<RebasingCommit::Done> done = RebasingCommit(commit, newest).run(base, request);
        if (!done.isOk())
            return fail(done.error());
        printJson(RebasingCommit::answerOf(done.value()));
        return 0;
    }
    const Result<SeenVersion> committed = commit(request);
    if (!committed.isOk())
        return fail(committed.error());
    printJson(Json{{"ok", true},
                   {"etag", utf8(committed->etag)},
                   {"serverGeneration", committed->serverGeneration}});
    return 0;
}

} // namespace runboard::cli
