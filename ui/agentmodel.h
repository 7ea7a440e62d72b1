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

    const Manifest &manifest() const { return m_manifest; }

private:
    void rebuild(Marking marking);

    Manifest m_manifest;
    QDateTime m_now;
};

} // namespace runboard
