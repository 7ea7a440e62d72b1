// SPDX-License-Identifier: MIT
//
// `heartbeat BUNDLE --session S`: ManifestStore::recordHeartbeat, which writes heartbeats.json
// under the bundle lock and never manifest.json, so a heartbeat cannot cause anybody's
// etag_conflict (bundle format §8.1). Prints {"ok":true,"sessionId","lastHeartbeatAt"}.
// Thread: main thread.

#include "heartbeatcommand.h"

#include "clock.h"
#include "output.h"

namespace runboard::cli {

HeartbeatCommand::HeartbeatCommand()
    : Command(QStringLiteral("heartbeat"),
              tr("Records a sign of life for an agent session in heartbeats.json."))
{
    addPositional(QStringLiteral("BUNDLE"), tr("A run folder or its manifest.json."));
}

void HeartbeatCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(
        valueOption(QStringLiteral("session"), tr("The agent's sessionId (required)."), tr("S")));
}

int HeartbeatCommand::execute(const QCommandLineParser &parser, const QStringList &positionals)
{
    const QString session = parser.value(QStringLiteral("session"));
    if (session.isEmpty())
        return usageError(tr("--session S is required"));
    const Result<BundleLocation> location = locateBundle(positionals[0]);
    if (!location.isOk())
        return fail(location.error());
    ManifestStore store(location.value());
    const Result<QDateTime> recorded = store.recordHeartbeat(session);
    if (!recorded.isOk())
        return fail(recorded.error());
    printJson(Json{{"ok", true},
                   {"sessionId", utf8(session)},
                   {"lastHeartbeatAt", utf8(isoTimestamp(recorded.value()))}});
    return 0;
}

} // namespace runboard::cli
