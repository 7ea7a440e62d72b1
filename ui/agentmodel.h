// SPDX-License-Identifier: MIT
#pragma once

#include "manifest.h"
#include "rowmodel.h"

#include <QDateTime>

namespace runboard {

class Snapshot;

// The run's agents, one row per agent keyed by sessionId, in manifest order. GUI thread.
class AgentModel : public RowModel
{
    Q_OBJECT

public:
    enum Column { Session, Role, Tag, Status, Heartbeat, Stalled, CurrentTask, Usage, ColumnCount };

    explicit AgentModel(QObject *parent = nullptr);

    void setSnapshot(const Snapshot &snapshot, const QDateTime &now);
    // Moves the clock: the heartbeat age (and a stall that starts now) change, nothing else.
    void setNow(const QDateTime &now);
    // No run: no rows (a reset), and the next snapshot is a first fill again.
    void clear();

    const Manifest &manifest() const { return m_manifest; }
    // The agents as parsed for the current snapshot (heartbeats.json merged in).
    const QList<Manifest::Agent> &agents() const { return m_agents; }

private:
    void rebuild(Marking marking);
    // The cells that follow the clock: heartbeat age and stall.
    static void setTickingCells(QList<Cell> &cells, const Manifest::Agent &agent,
                                const QDateTime &now);

    Manifest m_manifest;
    Json m_heartbeats;               // as delivered, to tell a new heartbeats.json from the same
    QList<Manifest::Agent> m_agents; // parsed once per snapshot, reused by clock ticks
    QDateTime m_now;
};

} // namespace runboard
