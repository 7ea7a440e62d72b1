// SPDX-License-Identifier: MIT
//
// `patch BUNDLE --if-match ETAG --ops FILE|- [--role R] [--session S] [--summary TEXT]`: one
// ManifestStore::commit, the full protocol of DESIGN.md §3 (lock, fresh base, etag, policy,
// validation, guarded replace). Every usage mistake is found before the bundle is touched, and
// any failure leaves manifest.json exactly as it was.
// Thread: main thread.

#include "patchcommand.h"

#include "jsonpatch.h"
#include "output.h"
#include "patchpolicy.h"

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

    ManifestStore store(location.value());
    const Result<ManifestStore::Committed> committed = store.commit(request);
    if (!committed.isOk())
        return fail(committed.error());
    for (const QString &warning : committed->warnings)
        printDiagnostic(tr("runboard-cli patch: warning: %1").arg(warning));
    const Json &result = *committed->result.document;
    printJson(Json{{"ok", true},
                   {"etag", result.value("etag", std::string())},
                   {"serverGeneration", result.value("serverGeneration", Json())}});
    return 0;
}

} // namespace runboard::cli
