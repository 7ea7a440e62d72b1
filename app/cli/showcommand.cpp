// SPDX-License-Identifier: MIT
//
// `show BUNDLE [--json]`: what a person wants at a glance (title, run, phase, generation, etag,
// agents with their stall state, task counts). Reads the manifest and heartbeats.json once,
// without a lock and without writing; stalls are judged at the moment of the call, as ADE's
// sweep would judge them (Manifest::isStalled).
// Thread: main thread.

#include "showcommand.h"

#include "clock.h"
#include "manifest.h"
#include "output.h"

namespace runboard::cli {

ShowCommand::ShowCommand() : Command(QStringLiteral("show"), tr("Prints a summary of a run."))
{
    addPositional(QStringLiteral("BUNDLE"), tr("A run folder or its manifest.json."));
}

void ShowCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(QStringList{QStringLiteral("json")},
                                        tr("Prints the summary as one JSON object.")));
}

int ShowCommand::execute(const QCommandLineParser &parser, const QStringList &positionals)
{
    const Result<BundleLocation> location = locateBundle(positionals[0]);
    if (!location.isOk())
        return fail(location.error());
    const ManifestStore store(location.value());
    const Result<ManifestStore::Loaded> loaded = store.load();
    if (!loaded.isOk())
        return fail(loaded.error());
    const Result<Json> heartbeats = store.readHeartbeats();
    const Manifest manifest(loaded->document,
                            heartbeats.isOk() ? heartbeats.value() : Json::object());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QList<Manifest::Agent> agents = manifest.agents();
    const QMap<QString, int> counts = manifest.taskCountsByStatus();
    int taskTotal = 0;
    for (const int count : counts)
        taskTotal += count;

    if (parser.isSet(QStringLiteral("json"))) {
        Json agentList = Json::array();
        for (const Manifest::Agent &agent : agents) {
            agentList.push_back(Json{{"sessionId", utf8(agent.sessionId)},
                                     {"role", utf8(agent.role)},
                                     {"status", utf8(agent.status)},
                                     {"lastHeartbeatAt", utf8(isoTimestamp(agent.lastHeartbeatAt))},
                                     {"stalled", Manifest::isStalled(agent, now)}});
        }
        Json byStatus = Json::object();
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            byStatus[utf8(it.key())] = it.value();
        printJson(Json{{"ok", true},
                       {"runId", utf8(manifest.runId())},
                       {"title", utf8(manifest.title())},
                       {"currentPhase", utf8(manifest.currentPhase())},
                       {"etag", utf8(manifest.etag())},
                       {"serverGeneration", manifest.serverGeneration()},
                       {"updatedAt", utf8(isoTimestamp(manifest.updatedAt()))},
                       {"bundlePath", utf8(location->bundlePath)},
                       {"agents", std::move(agentList)},
                       {"tasks", Json{{"total", taskTotal}, {"byStatus", std::move(byStatus)}}}});
        return 0;
    }

    QString text;
    text += tr("%1\n").arg(manifest.title());
    text += tr("  run:        %1 (lane %2)\n").arg(manifest.runId(), manifest.laneId());
    text += tr("  bundle:     %1\n").arg(location->bundlePath);
    text += tr("  phase:      %1\n").arg(manifest.currentPhase());
    text += tr("  generation: %1   etag: %2\n")
                .arg(manifest.serverGeneration())
                .arg(manifest.etag());
    text += tr("  updated:    %1\n").arg(isoTimestamp(manifest.updatedAt()));
    text += tr("  agents (%1):\n").arg(agents.size());
    for (const Manifest::Agent &agent : agents) {
        const QString heartbeat
            = agent.lastHeartbeatAt.isValid() ? isoTimestamp(agent.lastHeartbeatAt) : tr("never");
        text += tr("    %1  %2  %3  last heartbeat %4%5\n")
                    .arg(agent.sessionId, agent.role, agent.status, heartbeat,
                         Manifest::isStalled(agent, now) ? tr("  STALLED") : QString());
    }
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts << tr("%1 %2").arg(it.value()).arg(it.key().isEmpty() ? tr("(no status)") : it.key());
    text += tr("  tasks (%1): %2\n").arg(taskTotal).arg(parts.join(QStringLiteral(", ")));
    printText(text);
    return 0;
}

} // namespace runboard::cli
