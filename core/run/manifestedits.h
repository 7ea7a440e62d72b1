// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace runboard {

// A change a person asked for: the JSON Patch that makes it and what it is, in words.
struct ManifestEdit
{
    QString title;   // what the action did, for menus: "Set T-3 status to done"
    QString summary; // for the history entry and the status bar: "T-3 status → done"
    Json operations = Json::array();
};

// The guided changes a person makes from the window (role `user`), built as JSON Patches
// against the version they are looking at, plus the inverse patch that undoes a commit.
//
// Every builder reads only `manifest` (the base the person saw) and returns either the patch or
// an Error saying why there is nothing to do (InvalidPatch: "T-3 is already done") or what is
// missing (NotFound: "no task T-9"). Paths name elements by id predicates
// (`/tasks/{id:T-3}/status`), so a patch still names the same task when others have changed the
// array since. The builders do not check the policy: the commit does. statusChoices() says ahead
// of time what PatchPolicy will answer for the user role, so menus can disable what it refuses.
//
// Stateless; every function may be called from any thread.
class ManifestEdits
{
public:
    // The person and the moment: stamped into overrides, decisions and approvals.
    struct Context
    {
        QString session; // e.g. "user:ana@box"
        QDateTime now;
        quint32 random = 0; // the random part of new ids ("O-<ms>-<6 hex>")
    };

    // ADE's task statuses, in the order menus list them.
    static const QStringList &taskStatuses();

    struct StatusChoice
    {
        QString status;
        bool allowed = false;
        QString reason; // why not, when not allowed
    };
    // For every status in taskStatuses(): may the user set task `taskId` to it, and if not, why.
    // Agrees with PatchPolicy::check for the user role on a one-op status patch.
    static QList<StatusChoice> statusChoices(const Json &manifest, const QString &taskId);

    static Result<ManifestEdit> setTaskStatus(const Json &manifest, const QStringList &taskIds,
                                              const QString &status);
    // status → done past the validation gate: humanOverride on the task and a userOverrides entry
    // naming it, in one patch (the pair PatchPolicy asks for).
    static Result<ManifestEdit> markDoneWithOverride(const Json &manifest, const QString &taskId,
                                                     const QString &reason, const Context &context);
    // Gives the task to another agent: new assignee and claim time, no lease (the new agent
    // takes its own when it claims).
    static Result<ManifestEdit> reassignTask(const Json &manifest, const QString &taskId,
                                             const QString &sessionId, const Context &context);
    // Back to pending with no assignee, claim or lease, as ADE's stale-claim sweep leaves them.
    static Result<ManifestEdit> releaseTasks(const Json &manifest, const QStringList &taskIds);

    struct TaskFields
    {
        QString title;
        QString description;
        QString priority; // empty: none
    };
    static Result<ManifestEdit> editTask(const Json &manifest, const QString &taskId,
                                         const TaskFields &fields);
    static Result<ManifestEdit> requestCancellation(const Json &manifest, const QString &sessionId);

    // Whether the run waits for a person to approve its plan (ADE's spawn gate is closed).
    static bool planNeedsApproval(const Json &manifest);
    // What ADE's setPlanApprovalState(approved) writes: the approval stamps (with the sha256 of
    // plan.md when there is one), currentPhase developing, planning done, developing active.
    static Result<ManifestEdit> approvePlan(const Json &manifest, const QByteArray &planMarkdown,
                                            const Context &context);

    struct DecisionRefs
    {
        QString taskId;
        QString stepId;
        QString assetId;
    };
    static Result<ManifestEdit> recordDecision(const Json &manifest, const QString &summary,
                                               const DecisionRefs &refs, const Context &context);
    static Result<ManifestEdit> editRunDetails(const Json &manifest, const QString &title,
                                               const QString &goalSummary);

    // The patch that undoes the commit that turned `before` into `after`: every value the commit
    // changed is put back, each guarded by a `test` that the value is still the one the commit
    // left (so the undo refuses when someone changed it since, and applies on top of unrelated
    // changes). The commit's bookkeeping (etag, serverGeneration, updatedAt, history) is left as
    // it is. Empty when the commit changed nothing else.
    static Json inverse(const Json &before, const Json &after);

    // A new entry id in ADE's form: "<prefix>-<ms since epoch>-<6 hex>".
    static QString newId(const QString &prefix, const Context &context);
};

} // namespace runboard
