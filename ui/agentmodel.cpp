// SPDX-License-Identifier: MIT
//
// AgentModel: the agents table.
//
// Design considerations
// - "Stalled" is Manifest::isStalled: ADE's flag, or a running non-lead agent silent for more than
//   ten minutes now, so a stall shows up before ADE's sweep writes the flag.
// - The heartbeat age is the newer of the manifest's lastHeartbeatAt and heartbeats.json (the
//   Manifest view merges them), so coalesced heartbeats that never touch manifest.json still
//   count.
// - The agents are parsed once per snapshot; setNow() rebuilds the rows from that list with the
//   new time, and RowModel emits dataChanged for the cells whose text changed, which between
//   snapshots is the age column (and the stall column when one starts).
// Thread: GUI thread.

#include "agentmodel.h"

#include "snapshot.h"

#include <QLocale>

#include <limits>

namespace runboard {

namespace {

QString compactNumber(qint64 value)
{
    if (value >= 1'000'000)
        return QString::number(double(value) / 1e6, 'f', 1) + QStringLiteral("M");
    if (value >= 10'000)
        return QString::number(double(value) / 1e3, 'f', 0) + QStringLiteral("k");
    if (value >= 1'000)
        return QString::number(double(value) / 1e3, 'f', 1) + QStringLiteral("k");
    return QString::number(value);
}

} // namespace

AgentModel::AgentModel(QObject *parent)
    : RowModel({tr("Session"), tr("Role"), tr("Tag"), tr("Status"), tr("Heartbeat"), tr("Stalled"),
                tr("Current task"), tr("Usage")},
               {QString(), QString(), QString(), QString(), tr("Time since the last sign of life"),
                tr("Silent for more than 10 minutes while running, or flagged by the lead's "
                   "sweep"),
                QString(), tr("Tokens, cost and turns used so far")},
               parent)
{}

namespace {

const Json *agentsOf(const std::shared_ptr<const Json> &document)
{
    if (!document || !document->is_object())
        return nullptr;
    const auto found = document->find("agents");
    return found == document->end() ? nullptr : &*found;
}

} // namespace

void AgentModel::setSnapshot(const Snapshot &snapshot, const QDateTime &now)
{
    // Most snapshots change a task, not an agent: one comparison of the agents array, and the
    // rows only follow the clock.
    bool sameAgents = false;
    if (snapshot.changes().isRelativeTo(m_manifest.document())) {
        sameAgents = !snapshot.changes().mayDiffer("agents");
    } else {
        const Json *before = agentsOf(m_manifest.document());
        const Json *after = agentsOf(snapshot.sharedDocument());
        sameAgents
            = m_manifest.document() && (before && after ? *before == *after : before == after);
    }
    if (sameAgents && snapshot.heartbeats() == m_heartbeats) {
        m_manifest = Manifest(snapshot.sharedDocument(), snapshot.heartbeats());
        setNow(now);
        return;
    }
    m_manifest = Manifest(snapshot.sharedDocument(), snapshot.heartbeats());
    m_heartbeats = snapshot.heartbeats();
    m_agents = m_manifest.agents();
    m_now = now;
    rebuild(Marking::Mark);
}

void AgentModel::setNow(const QDateTime &now)
{
    if (now == m_now)
        return;
    m_now = now;
    // Rows are in m_agents' order (setRows keeps the order it is given).
    QList<RowCells> changes;
    for (int row = 0; row < m_agents.size() && row < rowCount(); ++row) {
        QList<Cell> cells = cellsAt(row);
        setTickingCells(cells, m_agents.at(row), now);
        changes.append({row, std::move(cells)});
    }
    setRowCells(std::move(changes), Marking::DontMark);
}

void AgentModel::clear()
{
    clearRows();
    m_manifest = Manifest();
    m_heartbeats = Json();
    m_agents.clear();
}

void AgentModel::setTickingCells(QList<Cell> &cells, const Manifest::Agent &agent,
                                 const QDateTime &now)
{
    Cell &heartbeat = cells[Heartbeat];
    heartbeat = Cell();
    heartbeat.ticking = true;
    if (agent.lastHeartbeatAt.isValid()) {
        const qint64 age = now.isValid() ? agent.lastHeartbeatAt.secsTo(now) : 0;
        heartbeat.display = now.isValid() ? tr("%1 ago").arg(StatusStyle::formatDuration(age))
                                          : StatusStyle::formatTime(agent.lastHeartbeatAt);
        heartbeat.sort = age;
        heartbeat.toolTip = StatusStyle::isoToolTip(agent.lastHeartbeatAt);
    } else {
        heartbeat.display = tr("never");
        heartbeat.sort = std::numeric_limits<qint64>::max();
        heartbeat.toolTip = tr("No heartbeat recorded; liveness counts from the spawn time");
    }

    Cell &stalled = cells[Stalled];
    stalled = Cell();
    stalled.ticking = true;
    if (Manifest::isStalled(agent, now)) {
        stalled.display = tr("stalled");
        stalled.tone = StatusStyle::Tone::Bad;
        stalled.decorate = true;
        stalled.sort = 1;
        const QDateTime liveness = Manifest::livenessOf(agent);
        stalled.toolTip = agent.stalledFlag
                              ? tr("Flagged as stalled by the lead's sweep")
                              : tr("Silent for %1 (threshold 10 min)")
                                    .arg(StatusStyle::formatDuration(liveness.secsTo(now)));
    } else {
        stalled.display = QString();
        stalled.sort = 0;
    }
}

void AgentModel::rebuild(Marking marking)
{
    QList<Row> rows;
    rows.reserve(m_agents.size());
    for (const Manifest::Agent &agent : std::as_const(m_agents)) {
        Row row;
        row.key = agent.sessionId;
        row.cells.resize(ColumnCount);

        Cell &session = row.cells[Session];
        session.display = agent.sessionId;
        QStringList tip;
        if (!agent.displayName.isEmpty())
            tip << agent.displayName;
        if (!agent.goalSummary.isEmpty())
            tip << agent.goalSummary;
        if (agent.spawnedAt.isValid())
            tip << tr("Spawned %1").arg(StatusStyle::isoToolTip(agent.spawnedAt));
        if (agent.cancellationRequested)
            tip << tr("Cancellation requested");
        session.toolTip = tip.join(QLatin1Char('\n'));

        row.cells[Role].display = agent.role;
        row.cells[Tag].display = agent.tag;

        Cell &status = row.cells[Status];
        status.display = agent.status;
        status.tone = StatusStyle::toneFor(agent.status);
        status.decorate = true;

        setTickingCells(row.cells, agent, m_now);

        row.cells[CurrentTask].display = agent.currentStepId;

        Cell &usage = row.cells[Usage];
        if (agent.usage) {
            const Manifest::Usage &u = *agent.usage;
            QStringList parts;
            QStringList full;
            const qint64 tokens = u.tokensIn.value_or(0) + u.tokensOut.value_or(0);
            if (u.tokensIn || u.tokensOut) {
                parts << tr("%1 tok").arg(compactNumber(tokens));
                full << tr("Tokens in: %1, out: %2")
                            .arg(QLocale().toString(u.tokensIn.value_or(0)),
                                 QLocale().toString(u.tokensOut.value_or(0)));
            }
            if (u.costUsd) {
                parts << QStringLiteral("$%1").arg(*u.costUsd, 0, 'f', 2);
                full << tr("Cost: $%1").arg(*u.costUsd, 0, 'f', 4);
            }
            if (u.turns) {
                parts << tr("%n turn(s)", nullptr, int(*u.turns));
                full << tr("Turns: %1").arg(*u.turns);
            }
            if (u.elapsedMs)
                full << tr("Elapsed: %1").arg(StatusStyle::formatDuration(*u.elapsedMs / 1000));
            usage.display = parts.join(QStringLiteral(" · "));
            usage.sort = tokens;
            usage.toolTip = full.join(QLatin1Char('\n'));
        }

        rows.append(std::move(row));
    }
    setRows(std::move(rows), marking);
}

} // namespace runboard
