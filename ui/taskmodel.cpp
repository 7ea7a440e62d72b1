// SPDX-License-Identifier: MIT
//
// TaskModel: the tasks table.
//
// Design considerations
// - Rows are rebuilt from the typed Manifest and handed to RowModel, which turns the difference
//   into minimal signals; the model never resets after the first fill.
// - "Gate" is PatchPolicy's answer, not a re-implementation: the table must agree with what a
//   done-patch would be told.
// - The lease column depends on the clock. setNow() rebuilds with the new time; RowModel then
//   emits dataChanged for the lease cells whose text actually changed and nothing else.
// Thread: GUI thread.

#include "taskmodel.h"

#include "patchpolicy.h"
#include "snapshot.h"

#include <limits>

namespace runboard {

TaskModel::TaskModel(QObject *parent)
    : RowModel({tr("Id"), tr("Title"), tr("Phase"), tr("Status"), tr("Assignee"), tr("Lease"),
                tr("Gate"), tr("Attempts")},
               {QString(), QString(), QString(), QString(),
                tr("The agent session holding the task"), tr("Time left on the assignee's claim"),
                tr("Whether the task's validation gate is satisfied by the checklist"),
                tr("Attempts recorded for the task")},
               parent)
{}

void TaskModel::setSnapshot(const Snapshot &snapshot, const QDateTime &now)
{
    m_manifest = Manifest(snapshot.sharedDocument(), snapshot.heartbeats());
    m_now = now;
    rebuild(Marking::Mark);
}

void TaskModel::setNow(const QDateTime &now)
{
    m_now = now;
    rebuild(Marking::DontMark);
}

void TaskModel::rebuild(Marking marking)
{
    const QList<Manifest::Task> tasks = m_manifest.tasks();
    const Json &json = m_manifest.json();
    QList<Row> rows;
    rows.reserve(tasks.size());
    for (const Manifest::Task &task : tasks) {
        Row row;
        row.key = task.id;
        row.cells.resize(ColumnCount);

        row.cells[Id].display = task.id;

        Cell &title = row.cells[Title];
        title.display = task.title;
        QStringList tip;
        if (!task.description.isEmpty() && task.description != task.title)
            tip << task.description;
        if (!task.filesHint.isEmpty())
            tip << tr("Files: %1").arg(task.filesHint.join(QStringLiteral(", ")));
        if (!task.blockedBy.isEmpty())
            tip << tr("Blocked by: %1").arg(task.blockedBy.join(QStringLiteral(", ")));
        if (!task.supersededBy.isEmpty())
            tip << tr("Superseded by %1").arg(task.supersededBy);
        if (task.humanOverride)
            tip << tr("Human override: %1 → %2 %3")
                       .arg(task.humanOverride->fromStatus, task.humanOverride->toStatus,
                            task.humanOverride->reason);
        title.toolTip = tip.join(QLatin1Char('\n'));

        row.cells[Phase].display = task.phaseId;

        Cell &status = row.cells[Status];
        status.display = task.status;
        status.tone = StatusStyle::toneFor(task.status);
        status.decorate = true;

        Cell &assignee = row.cells[Assignee];
        assignee.display = task.assigneeSessionId;
        if (task.claimedAt.isValid())
            assignee.toolTip = tr("Claimed %1").arg(StatusStyle::isoToolTip(task.claimedAt));

        Cell &lease = row.cells[Lease];
        lease.ticking = true;
        if (task.claimLeaseUntil.isValid()) {
            const qint64 left = m_now.isValid() ? m_now.secsTo(task.claimLeaseUntil) : 0;
            lease.sort = left;
            lease.toolTip = tr("Lease until %1").arg(StatusStyle::isoToolTip(task.claimLeaseUntil));
            if (!m_now.isValid()) {
                lease.display = StatusStyle::formatTime(task.claimLeaseUntil);
            } else if (left > 0) {
                lease.display = StatusStyle::formatDuration(left);
            } else {
                lease.display = tr("expired %1 ago").arg(StatusStyle::formatDuration(-left));
                lease.tone = StatusStyle::Tone::Warning;
            }
        } else {
            lease.sort = std::numeric_limits<qint64>::max();
        }

        Cell &gate = row.cells[Gate];
        const QString steps = task.validationGate.stepIds.join(QStringLiteral(", "));
        if (!task.validationGate.required) {
            gate.display = tr("not required");
            gate.tone = StatusStyle::Tone::Muted;
            gate.sort = 2;
        } else if (PatchPolicy::taskGatesSatisfied(json, task.id.toStdString())) {
            gate.display = tr("satisfied");
            gate.tone = StatusStyle::Tone::Good;
            gate.sort = 1;
            gate.toolTip = tr("Passed steps: %1").arg(steps);
        } else {
            gate.display = tr("open");
            gate.tone = StatusStyle::Tone::Warning;
            gate.sort = 0;
            gate.toolTip = steps.isEmpty() ? tr("A required gate without steps is never satisfied")
                                           : tr("Needs passing runs of: %1").arg(steps);
        }

        Cell &attempts = row.cells[Attempts];
        attempts.display = task.attemptCount;
        QStringList attemptLines;
        for (const Manifest::Attempt &attempt : task.attempts) {
            attemptLines << tr("%1 by %2: %3%4")
                                .arg(attempt.id, attempt.sessionId,
                                     attempt.outcome.isEmpty() ? tr("open") : attempt.outcome,
                                     attempt.failureReason.isEmpty()
                                         ? QString()
                                         : QStringLiteral(" — ") + attempt.failureReason);
        }
        attempts.toolTip = attemptLines.join(QLatin1Char('\n'));

        rows.append(std::move(row));
    }
    setRows(std::move(rows), marking);
}

} // namespace runboard
