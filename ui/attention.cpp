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
// - Tasks in review can be thousands (a run whose reviewer stopped): the first few are named,
//   the rest are one item, whose Show filters the Tasks tab to them.
// - collect() is the sum of one function per kind, so a caller can keep the parts that did not
//   change (RunView builds the stalled agents' sentences again only when the agents or the
//   clock moved, the failed runs' only when the validation strategy changed).
// - A plan "waits" in ADE's state `ready` (drafted, approval requested); `drafting` and
//   `changes_requested` wait for the lead, not the person.
// Thread: any (pure functions); the texts use tr() of the calling thread's translator.

#include "attention.h"

#include "statusstyle.h"

#include <QLocale>

#include <algorithm>

namespace runboard {

QList<AttentionItem> Attention::collect(const Inputs &inputs)
{
    return conflictItems(inputs.conflicts) + planItems(inputs.plan, inputs.now)
           + stalledItems(inputs.agents, inputs.now) + failedItems(inputs.failedRuns)
           + reviewItems(inputs.reviewTaskIds, inputs.reviewTaskCount);
}

QList<AttentionItem> Attention::conflictItems(const QList<ConflictSummary> &conflicts)
{
    QList<AttentionItem> items;
    for (const ConflictSummary &conflict : conflicts) {
        items.append(
            {AttentionItem::Kind::Conflict, QString::number(conflict.id),
             tr("Your change “%1” is in conflict with a newer version").arg(conflict.what)});
    }
    return items;
}

QList<AttentionItem> Attention::planItems(const Manifest::PlanApproval &plan, const QDateTime &now)
{
    if (plan.state != QLatin1String("ready"))
        return {};
    return {{AttentionItem::Kind::PlanApproval, QString(),
             plan.requestedAt.isValid() && now.isValid()
                 ? tr("The plan waits for approval (asked %1 ago)")
                       .arg(StatusStyle::formatDuration(plan.requestedAt.secsTo(now)))
                 : tr("The plan waits for approval")}};
}

QList<AttentionItem> Attention::stalledItems(const QList<Manifest::Agent> &agents,
                                             const QDateTime &now)
{
    QList<AttentionItem> items;
    for (const Manifest::Agent &agent : agents) {
        if (!Manifest::isStalled(agent, now))
            continue;
        const QString name = agent.displayName.isEmpty()
                                 ? agent.sessionId
                                 : tr("%1 (%2)").arg(agent.sessionId, agent.displayName);
        const QDateTime liveness = Manifest::livenessOf(agent);
        items.append({AttentionItem::Kind::AgentStalled, agent.sessionId,
                      liveness.isValid() && now.isValid()
                          ? tr("Agent %1 is stalled: silent for %2")
                                .arg(name, StatusStyle::formatDuration(liveness.secsTo(now)))
                          : tr("Agent %1 is stalled").arg(name)});
    }
    return items;
}

QList<AttentionItem> Attention::failedItems(const QList<FailedValidationRun> &failedRuns)
{
    QList<AttentionItem> items;
    for (const FailedValidationRun &run : failedRuns) {
        const QString where = run.taskId.isEmpty()
                                  ? tr("check %1").arg(run.itemId)
                                  : tr("%1 (check %2)").arg(run.taskId, run.itemId);
        items.append({AttentionItem::Kind::ValidationFailed,
                      run.stepId + QLatin1Char('/') + run.itemId + QLatin1Char('/') + run.runId,
                      run.title.isEmpty()
                          ? tr("Validation failed for %1").arg(where)
                          : tr("Validation failed for %1: %2").arg(where, run.title)});
    }
    return items;
}

QList<AttentionItem> Attention::reviewItems(const QStringList &reviewTaskIds, int reviewTaskCount)
{
    QList<AttentionItem> items;
    const int named = int(qMin(reviewTaskIds.size(), qsizetype(kNamedReviewTasks)));
    for (int i = 0; i < named; ++i) {
        const QString &taskId = reviewTaskIds.at(i);
        items.append(
            {AttentionItem::Kind::TaskReview, taskId, tr("Task %1 waits for review").arg(taskId)});
    }
    const int rest = qMax(reviewTaskCount, int(reviewTaskIds.size())) - named;
    if (rest > 0) {
        items.append({AttentionItem::Kind::TaskReview, QString(),
                      tr("%1 more tasks wait for review").arg(QLocale().toString(rest)), rest});
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
