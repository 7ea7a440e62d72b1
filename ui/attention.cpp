// SPDX-License-Identifier: MIT
//
// Attention: what in a run waits for a person.
//
// Design considerations
// - One source for the Overview's "Needs you" list and the desktop notifications, so the two
//   never disagree about what waits.
// - Built from what the dashboard already holds for a snapshot (the agents AgentModel parsed, the
//   tasks in review TaskModel keeps counted, the failed runs read when the validation strategy
//   changed): collect() walks no tasks, so a clock tick or a one-task change stays cheap.
// - A plan "waits" in ADE's state `ready` (drafted, approval requested); `drafting` and
//   `changes_requested` wait for the lead, not the person.
// Thread: any (pure functions); the texts use tr() of the calling thread's translator.

#include "attention.h"

#include "statusstyle.h"

#include <algorithm>

namespace runboard {

QList<AttentionItem> Attention::collect(const Inputs &inputs)
{
    QList<AttentionItem> items;
    for (const ConflictSummary &conflict : inputs.conflicts) {
        items.append(
            {AttentionItem::Kind::Conflict, QString::number(conflict.id),
             tr("Your change “%1” is in conflict with a newer version").arg(conflict.what)});
    }
    if (inputs.plan.state == QLatin1String("ready")) {
        items.append(
            {AttentionItem::Kind::PlanApproval, QString(),
             inputs.plan.requestedAt.isValid() && inputs.now.isValid()
                 ? tr("The plan waits for approval (asked %1 ago)")
                       .arg(StatusStyle::formatDuration(inputs.plan.requestedAt.secsTo(inputs.now)))
                 : tr("The plan waits for approval")});
    }
    for (const Manifest::Agent &agent : inputs.agents) {
        if (!Manifest::isStalled(agent, inputs.now))
            continue;
        const QString name = agent.displayName.isEmpty()
                                 ? agent.sessionId
                                 : tr("%1 (%2)").arg(agent.sessionId, agent.displayName);
        const QDateTime liveness = Manifest::livenessOf(agent);
        items.append({AttentionItem::Kind::AgentStalled, agent.sessionId,
                      liveness.isValid() && inputs.now.isValid()
                          ? tr("Agent %1 is stalled: silent for %2")
                                .arg(name, StatusStyle::formatDuration(liveness.secsTo(inputs.now)))
                          : tr("Agent %1 is stalled").arg(name)});
    }
    for (const FailedValidationRun &run : inputs.failedRuns) {
        const QString where = run.taskId.isEmpty()
                                  ? tr("check %1").arg(run.itemId)
                                  : tr("%1 (check %2)").arg(run.taskId, run.itemId);
        items.append({AttentionItem::Kind::ValidationFailed,
                      run.stepId + QLatin1Char('/') + run.itemId + QLatin1Char('/') + run.runId,
                      run.title.isEmpty()
                          ? tr("Validation failed for %1").arg(where)
                          : tr("Validation failed for %1: %2").arg(where, run.title)});
    }
    for (const QString &taskId : inputs.reviewTaskIds) {
        items.append(
            {AttentionItem::Kind::TaskReview, taskId, tr("Task %1 waits for review").arg(taskId)});
    }
    return items;
}

QList<FailedValidationRun> Attention::failedRuns(const QList<Manifest::ChecklistItem> &checklist)
{
    QList<FailedValidationRun> failed;
    for (const Manifest::ChecklistItem &item : checklist) {
        if (item.runs.isEmpty())
            continue;
        const Manifest::ChecklistRun *latest = &item.runs.constLast();
        if (!item.latestRunId.isEmpty()) {
            const auto named = std::find_if(
                item.runs.cbegin(), item.runs.cend(),
                [&item](const Manifest::ChecklistRun &run) { return run.id == item.latestRunId; });
            if (named != item.runs.cend())
                latest = &*named;
        }
        if (latest->status != QLatin1String("failed"))
            continue;
        QString title = latest->notes;
        if (!latest->findings.isEmpty() && !latest->findings.constFirst().title.isEmpty())
            title = latest->findings.constFirst().title;
        failed.append(
            {item.stepId, item.id, latest->id, item.taskId, title.simplified(), latest->endedAt});
    }
    return failed;
}

QString Attention::kindName(AttentionItem::Kind kind)
{
    switch (kind) {
    case AttentionItem::Kind::PlanApproval:
        return tr("Plan waiting for approval");
    case AttentionItem::Kind::TaskReview:
        return tr("Tasks in review");
    case AttentionItem::Kind::ValidationFailed:
        return tr("Failed validation runs");
    case AttentionItem::Kind::AgentStalled:
        return tr("Stalled agents");
    case AttentionItem::Kind::Conflict:
        return tr("Your changes in conflict");
    }
    return {};
}

} // namespace runboard
