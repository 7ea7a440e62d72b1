// SPDX-License-Identifier: MIT
#pragma once

#include "manifest.h"
#include "rowmodel.h"

#include <QDateTime>

namespace runboard {

class Snapshot;

// The run's tasks, one row per task keyed by its id, in manifest order. GUI thread.
class TaskModel : public RowModel
{
    Q_OBJECT

public:
    enum Column { Id, Title, Phase, Status, Assignee, Lease, Gate, Attempts, ColumnCount };

    explicit TaskModel(QObject *parent = nullptr);

    void setSnapshot(const Snapshot &snapshot, const QDateTime &now);
    // Moves the clock: only the lease column can change, and only where its text does.
    void setNow(const QDateTime &now);

    const Manifest &manifest() const { return m_manifest; }

private:
    void rebuild(Marking marking);

    Manifest m_manifest;
    QDateTime m_now;
};

} // namespace runboard
