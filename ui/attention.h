// SPDX-License-Identifier: MIT
#pragma once

#include "manifest.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace runboard {

// One thing in a run that waits for a person: the Overview's "Needs you" list shows them, the
// desktop notifications announce the new ones. Values; any thread.
struct AttentionItem
{
    enum class Kind {
        PlanApproval,     // the plan is ready and waits for approval
        TaskReview,       // a task in review
        ValidationFailed, // a checklist item whose latest run failed
        AgentStalled,     // an agent silent past the stall threshold (or flagged stalled)
        Conflict,         // a change of the person's waits for a decision
    };

    Kind kind = Kind::PlanApproval;
    // What it is about, stable while it waits: "" for the plan, the task id, the session id,
    // "<stepId>/<itemId>/<runId>" for a failed run, the conflict's id (decimal) for a conflict.
    // "" for a TaskReview item that stands for the tasks in review not named one by one.
    QString key;
    // One plain-text sentence (manifest text inside is untrusted: show it as plain text).
    QString text;
    // How many things the item stands for: 1, or the number of tasks in review not named.
    int count = 1;

    bool operator==(const AttentionItem &other) const = default;
    // Items are the same waiting thing when kind and key match (the text may move, "silent for
    // 11 min" → "12 min").
    bool isSameThing(const AttentionItem &other) const
    {
        return kind == other.kind && key == other.key;
    }
};

// A failed checklist run, as the Overview and "Needs you" show it.
struct FailedValidationRun
{
    QString stepId;
    QString itemId;
    QString runId;
    QString taskId; // may be empty (an item for every task)
    QString title;  // the first finding's title, else the run's notes (untrusted)
    QDateTime endedAt;
    bool operator==(const FailedValidationRun &other) const = default;
};

// A conflicted change of the person's, in words.
struct ConflictSummary
{
    quint64 id = 0;
    QString what; // the change's summary
};

// What waits for a person, from what the dashboard already holds for a snapshot. Pure functions
// of their inputs: the GUI thread calls them per snapshot and per clock tick.
class Attention
{
    Q_DECLARE_TR_FUNCTIONS(Attention)

public:
    // Tasks in review named one by one; the rest are one item ("and 1,592 more tasks wait for
    // review"), so a run with thousands in review costs a few items per snapshot, not thousands.
    static constexpr int kNamedReviewTasks = 10;

    struct Inputs
    {
        Manifest::PlanApproval plan;
        // The first tasks whose status is "review", in manifest order (at most
        // kNamedReviewTasks are named), and how many there are in all.
        QStringList reviewTaskIds;
        int reviewTaskCount = 0;
        QList<Manifest::Agent> agents;
        QList<FailedValidationRun> failedRuns;
        QList<ConflictSummary> conflicts;
        QDateTime now;
    };

    // In the order the list shows them: conflicts, the plan, stalled agents, failed runs, tasks
    // in review.
    static QList<AttentionItem> collect(const Inputs &inputs);

    // collect()'s parts, one per kind, in its order.
    static QList<AttentionItem> conflictItems(const QList<ConflictSummary> &conflicts);
    static QList<AttentionItem> planItems(const Manifest::PlanApproval &plan, const QDateTime &now);
    static QList<AttentionItem> stalledItems(const QList<Manifest::Agent> &agents,
                                             const QDateTime &now);
    static QList<AttentionItem> failedItems(const QList<FailedValidationRun> &failedRuns);
    static QList<AttentionItem> reviewItems(const QStringList &reviewTaskIds, int reviewTaskCount);

    // The checklist items whose latest run failed (the run named by latestRunId, else the last
    // run). Reads /validationStrategy/checklist only: call it when that changed.
    static QList<FailedValidationRun> failedRuns(const QList<Manifest::ChecklistItem> &checklist);

    // "a plan", "tasks in review", … for settings and grouped notifications.
    static QString kindName(AttentionItem::Kind kind);
};

} // namespace runboard
