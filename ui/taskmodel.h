// SPDX-License-Identifier: MIT
#pragma once

#include "manifest.h"
#include "rowmodel.h"

#include <QDateTime>
#include <QHash>
#include <QMap>

#include <limits>
#include <map>
#include <optional>

namespace runboard {

class DocumentChanges;
class Snapshot;

// The run's tasks, one row per task keyed by its id, in manifest order. A new snapshot rebuilds
// only the rows whose task (or whose validation gate's inputs) changed. GUI thread.
class TaskModel : public RowModel
{
    Q_OBJECT

public:
    enum Column { Id, Title, Phase, Status, Assignee, Lease, Gate, Attempts, ColumnCount };

    explicit TaskModel(QObject *parent = nullptr);
    ~TaskModel() override;

    void setSnapshot(const Snapshot &snapshot, const QDateTime &now);
    // Moves the clock: only the lease column can change, and only where its text does.
    void setNow(const QDateTime &now);
    // No run: no rows (a reset), and the next snapshot is a first fill again.
    void clear();

    const Manifest &manifest() const { return m_manifest; }
    // The task shown in the row with this key, read from the current manifest.
    std::optional<Manifest::Task> taskForKey(const QString &key) const;
    // Tasks per status ("" for a task without one), as Manifest::taskCountsByStatus() counts
    // them, kept up to date with the rows instead of recounted per snapshot.
    QMap<QString, int> statusCounts() const;
    // The same per phase id ("" for tasks without one): phase -> status -> tasks.
    QMap<QString, QMap<QString, int>> statusCountsByPhase() const;
    // The ids of the first `limit` tasks whose status is "review", in row order, and how many
    // there are in all (kept with the rows).
    QStringList reviewTaskIds(int limit = std::numeric_limits<int>::max()) const;
    int reviewTaskCount() const { return int(m_reviewRows.size()); }

private:
    struct Source
    {
        const Json *entry = nullptr; // the task's object inside m_manifest's document
        QDateTime leaseUntil;        // valid when the lease cell ticks
    };
    class GateIndex;

    // `changes`, when they are relative to the document shown, spare comparing every task.
    void update(std::shared_ptr<const Json> document, const QDateTime &now, Marking marking,
                const DocumentChanges *changes = nullptr);
    static QList<Cell> cellsFor(const Manifest::Task &task, const Json &entry, const Json *strategy,
                                const GateIndex *index, const QDateTime &now);
    static Cell leaseCell(const QDateTime &until, const QDateTime &now);
    void countStatus(int row, const QList<Cell> &cells, int delta);

    Manifest m_manifest;
    const Json *m_strategy = nullptr; // /validationStrategy of m_manifest's document
    QList<Source> m_sources;          // parallel to the rows
    QHash<QString, int> m_statusCounts;
    QHash<QString, QHash<QString, int>> m_phaseStatusCounts;
    // Row -> id of the tasks in review, in row order: RunView asks for the first ten on every
    // snapshot, and ordering a few thousand tasks by row each time cost half a millisecond.
    std::map<int, QString> m_reviewRows;
    QDateTime m_now;
};

} // namespace runboard
