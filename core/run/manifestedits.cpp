// SPDX-License-Identifier: MIT
//
// ManifestEdits: the patches behind the window's guided actions, and undo.
//
// Design considerations
// - A person's change is made against the version they saw (DESIGN.md §8), so every builder
//   takes that version and nothing else, and addresses elements by id predicates. Optional
//   members are written with `add` (which creates or replaces an object member) and removed only
//   when the base has them: a `remove` of an absent member is an error in RFC 6902.
// - The policy decides at commit time. statusChoices() predicts its answer for the one rule that
//   concerns a person setting a status, the done gate (PatchPolicy::taskGatesSatisfied), so a
//   menu can offer "Mark Done With Override…" instead; tst_manifestedits holds the prediction
//   against PatchPolicy::check for every status.
// - Undo is a patch, not a restore: jsonDiff(after, before) without the commit's bookkeeping,
//   each value it puts back guarded by a `test` of the value the commit left. Tests sit first
//   and name places by predicates, so they look at the version the undo is applied to. A place
//   under a positional (numeric) index is guarded at the nearest place above it that has none,
//   since earlier operations may shift positions. An element the commit removed from a keyed
//   array comes back by predicate, which fails if the id exists again and appends otherwise; a
//   member it removed comes back at the end of its object (the values are equal, the order of
//   members is not restored).
// Thread: stateless; any thread.

#include "manifestedits.h"

#include "clock.h"
#include "jsondiff.h"
#include "jsonpointer.h"
#include "patchpolicy.h"

#include <QCoreApplication>
#include <QCryptographicHash>

#include <set>

namespace runboard {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ManifestEdits)
};

std::string utf8(const QString &text)
{
    return text.toStdString();
}

QString fromJsonString(const Json *value)
{
    return value && value->is_string()
               ? QString::fromStdString(value->get_ref<const std::string &>())
               : QString();
}

const Json *member(const Json &object, const char *name)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

// The first element of /<arrayName> whose `field` is `id`, as ADE's predicates resolve it.
const Json *findElement(const Json &manifest, const char *arrayName, const char *field,
                        const QString &id)
{
    const Json *array = member(manifest, arrayName);
    if (!array || !array->is_array())
        return nullptr;
    const std::string wanted = utf8(id);
    for (const Json &element : *array) {
        const Json *key = member(element, field);
        if (key && key->is_string() && key->get_ref<const std::string &>() == wanted)
            return &element;
    }
    return nullptr;
}

bool usableAsPredicate(const QString &id)
{
    return !id.isEmpty() && !id.contains(QLatin1Char('}'));
}

std::string elementPath(const char *arrayName, const char *field, const QString &id)
{
    return std::string("/") + arrayName + "/"
           + JsonPointer::escape(JsonPointer::predicateToken(field, utf8(id)));
}

std::string taskPath(const QString &id)
{
    return elementPath("tasks", "id", id);
}

Json op(const char *kind, const std::string &path)
{
    return Json{{"op", kind}, {"path", path}};
}

Json op(const char *kind, const std::string &path, Json value)
{
    return Json{{"op", kind}, {"path", path}, {"value", std::move(value)}};
}

Error notFound(const QString &message)
{
    return Error{ErrorCode::NotFound, message, Json::object()};
}

Error nothingToDo(const QString &message)
{
    return Error{ErrorCode::InvalidPatch, message, Json::object()};
}

Result<const Json *> taskOf(const Json &manifest, const QString &taskId)
{
    if (!usableAsPredicate(taskId))
        return notFound(Tr::tr("task id \"%1\" cannot be addressed by a predicate").arg(taskId));
    const Json *task = findElement(manifest, "tasks", "id", taskId);
    if (!task || !task->is_object())
        return notFound(Tr::tr("the run has no task %1").arg(taskId));
    return task;
}

// Why the done gate of `task` is not satisfied, in words.
QString gateShortfall(const Json &task, const QString &taskId)
{
    const Json *gate = member(task, "validationGate");
    const Json *steps = gate ? member(*gate, "stepIds") : nullptr;
    QStringList stepIds;
    if (steps && steps->is_array()) {
        for (const Json &step : *steps)
            stepIds << fromJsonString(&step);
    }
    stepIds.removeAll(QString());
    if (stepIds.isEmpty())
        return Tr::tr("%1's validation gate is required but names no steps, so it is never "
                      "satisfied; mark it done with an override")
            .arg(taskId);
    return Tr::tr("%1's validation gate is not satisfied (steps %2 need a passed latest run); "
                  "mark it done with an override")
        .arg(taskId, stepIds.join(QStringLiteral(", ")));
}

// `add` when the member is new, `replace` when it exists: the patch then reads as intended.
Json setMember(const Json &object, const std::string &objectPath, const char *name, Json value)
{
    return op(member(object, name) ? "replace" : "add", objectPath + "/" + name, std::move(value));
}

ManifestEdit makeEdit(QString title, QString summary, Json operations)
{
    ManifestEdit edit;
    edit.title = std::move(title);
    edit.summary = std::move(summary);
    edit.operations = std::move(operations);
    return edit;
}

QString listOf(const QStringList &ids)
{
    return ids.join(QStringLiteral(", "));
}

} // namespace

const QStringList &ManifestEdits::taskStatuses()
{
    static const QStringList statuses = {
        QStringLiteral("pending"), QStringLiteral("claimed"), QStringLiteral("in_progress"),
        QStringLiteral("review"),  QStringLiteral("done"),    QStringLiteral("failed"),
    };
    return statuses;
}

QList<ManifestEdits::StatusChoice> ManifestEdits::statusChoices(const Json &manifest,
                                                                const QString &taskId)
{
    QList<StatusChoice> choices;
    const Result<const Json *> task = taskOf(manifest, taskId);
    const QString current
        = task.isOk() ? fromJsonString(member(*task.value(), "status")) : QString();
    const bool gateOk = task.isOk() && PatchPolicy::taskGatesSatisfied(manifest, utf8(taskId));
    for (const QString &status : taskStatuses()) {
        StatusChoice choice;
        choice.status = status;
        if (!task.isOk())
            choice.reason = task.error().message;
        else if (status == current)
            choice.reason = Tr::tr("%1 is already %2").arg(taskId, status);
        else if (status == QLatin1String("done") && !gateOk)
            choice.reason = gateShortfall(*task.value(), taskId);
        else
            choice.allowed = true;
        choices << choice;
    }
    return choices;
}

Result<ManifestEdit> ManifestEdits::setTaskStatus(const Json &manifest, const QStringList &taskIds,
                                                  const QString &status)
{
    if (!taskStatuses().contains(status))
        return nothingToDo(Tr::tr("\"%1\" is not a task status").arg(status));
    Json ops = Json::array();
    QStringList changed;
    for (const QString &id : taskIds) {
        const Result<const Json *> task = taskOf(manifest, id);
        if (!task.isOk())
            return task.error();
        if (fromJsonString(member(*task.value(), "status")) == status)
            continue;
        ops.push_back(op("replace", taskPath(id) + "/status", utf8(status)));
        changed << id;
    }
    if (changed.isEmpty())
        return nothingToDo(taskIds.size() == 1
                               ? Tr::tr("%1 is already %2").arg(taskIds.constFirst(), status)
                               : Tr::tr("every selected task is already %1").arg(status));
    return makeEdit(Tr::tr("Set %1 status to %2").arg(listOf(changed), status),
                    Tr::tr("%1 status → %2").arg(listOf(changed), status), std::move(ops));
}

Result<ManifestEdit> ManifestEdits::markDoneWithOverride(const Json &manifest,
                                                         const QString &taskId,
                                                         const QString &reason,
                                                         const Context &context)
{
    const Result<const Json *> task = taskOf(manifest, taskId);
    if (!task.isOk())
        return task.error();
    const QString from = fromJsonString(member(*task.value(), "status"));
    if (from == QLatin1String("done"))
        return nothingToDo(Tr::tr("%1 is already done").arg(taskId));
    if (reason.trimmed().isEmpty())
        return nothingToDo(Tr::tr("an override needs a reason"));
    const std::string at = utf8(isoTimestamp(context.now));
    const std::string path = taskPath(taskId);
    Json ops = Json::array();
    ops.push_back(op("replace", path + "/status", "done"));
    ops.push_back(op("add", path + "/humanOverride",
                     Json{{"byUserId", utf8(context.session)},
                          {"at", at},
                          {"fromStatus", utf8(from)},
                          {"toStatus", "done"},
                          {"reason", utf8(reason.trimmed())}}));
    const Json entry{
        {"id", utf8(newId(QStringLiteral("O"), context))},
        {"at", at},
        {"scope", "task"},
        {"appliedToId", utf8(taskId)},
        {"instruction",
         utf8(Tr::tr("Mark %1 done past its validation gate: %2").arg(taskId, reason.trimmed()))},
        {"affectedDefault", "validationGate"}};
    const Json *overrides = member(manifest, "userOverrides");
    if (overrides && overrides->is_array())
        ops.push_back(op("add", "/userOverrides/-", entry));
    else
        ops.push_back(op("add", "/userOverrides", Json::array({entry})));
    return makeEdit(Tr::tr("Mark %1 done with an override").arg(taskId),
                    Tr::tr("%1 status → done (override: %2)").arg(taskId, reason.trimmed()),
                    std::move(ops));
}

Result<ManifestEdit> ManifestEdits::reassignTask(const Json &manifest, const QString &taskId,
                                                 const QString &sessionId, const Context &context)
{
    const Result<const Json *> task = taskOf(manifest, taskId);
    if (!task.isOk())
        return task.error();
    if (!findElement(manifest, "agents", "sessionId", sessionId))
        return notFound(Tr::tr("the run has no agent %1").arg(sessionId));
    const Json &entry = *task.value();
    if (fromJsonString(member(entry, "assigneeSessionId")) == sessionId)
        return nothingToDo(Tr::tr("%1 is already assigned to %2").arg(taskId, sessionId));
    const std::string path = taskPath(taskId);
    Json ops = Json::array();
    ops.push_back(setMember(entry, path, "assigneeSessionId", utf8(sessionId)));
    ops.push_back(setMember(entry, path, "claimedAt", utf8(isoTimestamp(context.now))));
    if (const Json *lease = member(entry, "claimLeaseUntil"); lease && !lease->is_null())
        ops.push_back(op("replace", path + "/claimLeaseUntil", nullptr));
    return makeEdit(Tr::tr("Reassign %1 to %2").arg(taskId, sessionId),
                    Tr::tr("%1 assignee → %2").arg(taskId, sessionId), std::move(ops));
}

Result<ManifestEdit> ManifestEdits::releaseTasks(const Json &manifest, const QStringList &taskIds)
{
    Json ops = Json::array();
    QStringList released;
    for (const QString &id : taskIds) {
        const Result<const Json *> task = taskOf(manifest, id);
        if (!task.isOk())
            return task.error();
        const Json &entry = *task.value();
        const std::string path = taskPath(id);
        const QString status = fromJsonString(member(entry, "status"));
        const bool claimedStatus
            = status == QLatin1String("claimed") || status == QLatin1String("in_progress");
        const bool held = member(entry, "assigneeSessionId") || member(entry, "claimedAt")
                          || member(entry, "claimLeaseUntil");
        if (!claimedStatus && !held)
            continue;
        if (claimedStatus)
            ops.push_back(op("replace", path + "/status", "pending"));
        for (const char *name : {"assigneeSessionId", "claimedAt", "claimLeaseUntil"}) {
            if (member(entry, name))
                ops.push_back(op("remove", path + "/" + name));
        }
        released << id;
    }
    if (released.isEmpty())
        return nothingToDo(taskIds.size() == 1
                               ? Tr::tr("%1 is not claimed by anyone").arg(taskIds.constFirst())
                               : Tr::tr("no selected task is claimed by anyone"));
    return makeEdit(Tr::tr("Release %1").arg(listOf(released)),
                    Tr::tr("%1 released").arg(listOf(released)), std::move(ops));
}

Result<ManifestEdit> ManifestEdits::editTask(const Json &manifest, const QString &taskId,
                                             const TaskFields &fields)
{
    const Result<const Json *> task = taskOf(manifest, taskId);
    if (!task.isOk())
        return task.error();
    if (fields.title.trimmed().isEmpty())
        return nothingToDo(Tr::tr("a task needs a title"));
    static const QStringList priorities = {QStringLiteral("low"), QStringLiteral("normal"),
                                           QStringLiteral("high"), QStringLiteral("critical")};
    if (!fields.priority.isEmpty() && !priorities.contains(fields.priority))
        return nothingToDo(
            Tr::tr("\"%1\" is not a priority (low, normal, high, critical)").arg(fields.priority));
    const Json &entry = *task.value();
    const std::string path = taskPath(taskId);
    Json ops = Json::array();
    QStringList what;
    if (fromJsonString(member(entry, "title")) != fields.title) {
        ops.push_back(setMember(entry, path, "title", utf8(fields.title)));
        what << Tr::tr("title");
    }
    const Json *description = member(entry, "description");
    if (!description || fromJsonString(description) != fields.description) {
        ops.push_back(setMember(entry, path, "description", utf8(fields.description)));
        what << Tr::tr("description");
    }
    const QString priority = fromJsonString(member(entry, "priority"));
    if (priority != fields.priority) {
        if (fields.priority.isEmpty())
            ops.push_back(op("remove", path + "/priority"));
        else
            ops.push_back(setMember(entry, path, "priority", utf8(fields.priority)));
        what << Tr::tr("priority");
    }
    if (ops.empty())
        return nothingToDo(Tr::tr("nothing was changed in %1").arg(taskId));
    return makeEdit(Tr::tr("Edit %1").arg(taskId),
                    Tr::tr("%1 %2 edited").arg(taskId, what.join(QStringLiteral(", "))),
                    std::move(ops));
}

Result<ManifestEdit> ManifestEdits::requestCancellation(const Json &manifest,
                                                        const QString &sessionId)
{
    if (!usableAsPredicate(sessionId))
        return notFound(Tr::tr("session id \"%1\" cannot be addressed").arg(sessionId));
    const Json *agent = findElement(manifest, "agents", "sessionId", sessionId);
    if (!agent || !agent->is_object())
        return notFound(Tr::tr("the run has no agent %1").arg(sessionId));
    const Json *requested = member(*agent, "cancellationRequested");
    if (requested && requested->is_boolean() && requested->get<bool>())
        return nothingToDo(Tr::tr("%1's cancellation was already requested").arg(sessionId));
    const QString status = fromJsonString(member(*agent, "status"));
    if (status == QLatin1String("completed") || status == QLatin1String("failed"))
        return nothingToDo(Tr::tr("%1 has already ended (%2)").arg(sessionId, status));
    Json ops = Json::array();
    ops.push_back(setMember(*agent, elementPath("agents", "sessionId", sessionId),
                            "cancellationRequested", true));
    return makeEdit(Tr::tr("Request cancellation of %1").arg(sessionId),
                    Tr::tr("%1 cancellation requested").arg(sessionId), std::move(ops));
}

bool ManifestEdits::planNeedsApproval(const Json &manifest)
{
    if (fromJsonString(member(manifest, "currentPhase")) != QLatin1String("planning"))
        return false;
    const Json *leadState = member(manifest, "leadState");
    if (leadState && !fromJsonString(member(*leadState, "planApprovedAt")).isEmpty())
        return false;
    const Json *planSpec = member(manifest, "planSpec");
    const Json *approval = planSpec ? member(*planSpec, "approval") : nullptr;
    return !approval || fromJsonString(member(*approval, "state")) != QLatin1String("approved");
}

Result<ManifestEdit> ManifestEdits::approvePlan(const Json &manifest,
                                                const QByteArray &planMarkdown,
                                                const Context &context)
{
    if (!planNeedsApproval(manifest))
        return nothingToDo(Tr::tr("the plan does not wait for approval (it is approved, or the "
                                  "run is past planning)"));
    const std::string at = utf8(isoTimestamp(context.now));
    const std::string who = utf8(context.session);
    Json ops = Json::array();
    const Json *planSpec = member(manifest, "planSpec");
    const Json *approval = planSpec ? member(*planSpec, "approval") : nullptr;
    if (approval && approval->is_object()) {
        ops.push_back(setMember(*approval, "/planSpec/approval", "state", "approved"));
        ops.push_back(setMember(*approval, "/planSpec/approval", "approvedAt", at));
        ops.push_back(setMember(*approval, "/planSpec/approval", "approvedBySessionId", who));
        if (!planMarkdown.isEmpty()) {
            const QByteArray hash
                = QCryptographicHash::hash(planMarkdown, QCryptographicHash::Sha256).toHex();
            ops.push_back(setMember(*approval, "/planSpec/approval", "approvedPlanContentHash",
                                    hash.toStdString()));
        }
    }
    if (const Json *leadState = member(manifest, "leadState");
        leadState && leadState->is_object()) {
        ops.push_back(setMember(*leadState, "/leadState", "planApprovedAt", at));
        ops.push_back(setMember(*leadState, "/leadState", "planApprovedBySessionId", who));
    }
    ops.push_back(op("replace", "/currentPhase", "developing"));
    if (const Json *planning = findElement(manifest, "phases", "id", QStringLiteral("planning"))) {
        const std::string path = elementPath("phases", "id", QStringLiteral("planning"));
        ops.push_back(setMember(*planning, path, "status", "done"));
        ops.push_back(setMember(*planning, path, "completedAt", at));
    }
    if (const Json *developing
        = findElement(manifest, "phases", "id", QStringLiteral("developing"))) {
        const std::string path = elementPath("phases", "id", QStringLiteral("developing"));
        ops.push_back(setMember(*developing, path, "status", "active"));
        ops.push_back(setMember(*developing, path, "startedAt", at));
    }
    return makeEdit(Tr::tr("Approve the plan"),
                    Tr::tr("plan approved; phase planning → developing"), std::move(ops));
}

Result<ManifestEdit> ManifestEdits::recordDecision(const Json &manifest, const QString &summary,
                                                   const DecisionRefs &refs, const Context &context)
{
    if (summary.trimmed().isEmpty())
        return nothingToDo(Tr::tr("a decision needs a summary"));
    Json entry{{"id", utf8(newId(QStringLiteral("D"), context))},
               {"at", utf8(isoTimestamp(context.now))},
               {"source", "user"},
               {"summary", utf8(summary.trimmed())}};
    Json refsObject = Json::object();
    if (!refs.taskId.isEmpty())
        refsObject["taskId"] = utf8(refs.taskId);
    if (!refs.stepId.isEmpty())
        refsObject["stepId"] = utf8(refs.stepId);
    if (!refs.assetId.isEmpty())
        refsObject["assetId"] = utf8(refs.assetId);
    if (!refsObject.empty())
        entry["refs"] = std::move(refsObject);
    Json ops = Json::array();
    const Json *decisions = member(manifest, "decisions");
    if (decisions && decisions->is_array())
        ops.push_back(op("add", "/decisions/-", std::move(entry)));
    else
        ops.push_back(op("add", "/decisions", Json::array({std::move(entry)})));
    QString shortSummary = summary.trimmed().simplified();
    if (shortSummary.size() > 60)
        shortSummary = shortSummary.left(59) + QChar(0x2026);
    return makeEdit(Tr::tr("Record a decision"), Tr::tr("decision recorded: %1").arg(shortSummary),
                    std::move(ops));
}

Result<ManifestEdit> ManifestEdits::editRunDetails(const Json &manifest, const QString &title,
                                                   const QString &goalSummary)
{
    if (title.trimmed().isEmpty())
        return nothingToDo(Tr::tr("a run needs a title"));
    Json ops = Json::array();
    QStringList what;
    if (fromJsonString(member(manifest, "title")) != title) {
        ops.push_back(setMember(manifest, std::string(), "title", utf8(title)));
        what << Tr::tr("title");
    }
    if (fromJsonString(member(manifest, "goalSummary")) != goalSummary
        || !member(manifest, "goalSummary")) {
        ops.push_back(setMember(manifest, std::string(), "goalSummary", utf8(goalSummary)));
        what << Tr::tr("goal");
    }
    if (ops.empty())
        return nothingToDo(Tr::tr("the run's title and goal are unchanged"));
    return makeEdit(Tr::tr("Edit the run's title and goal"),
                    Tr::tr("run %1 edited").arg(what.join(QStringLiteral(", "))), std::move(ops));
}

namespace {

bool isBookkeeping(const JsonPointer &path)
{
    if (path.isRoot())
        return false;
    const std::string &first = path.tokens().front();
    return first == "etag" || first == "serverGeneration" || first == "updatedAt"
           || first == "history";
}

bool isPositional(const std::string &token)
{
    return !token.empty() && (token == "-" || std::all_of(token.begin(), token.end(), [](char c) {
                                  return c >= '0' && c <= '9';
                              }));
}

// The place to guard for a change at `path`: the path itself, or the nearest place above its
// first positional token.
JsonPointer guardOf(const JsonPointer &path)
{
    std::vector<std::string> tokens;
    for (const std::string &token : path.tokens()) {
        if (isPositional(token))
            break;
        tokens.push_back(token);
    }
    return JsonPointer::fromTokens(std::move(tokens));
}

} // namespace

Json ManifestEdits::inverse(const Json &before, const Json &after)
{
    const JsonPatch back = jsonDiff(after, before);
    Json tests = Json::array();
    Json changes = Json::array();
    std::set<std::string> guarded;
    for (const JsonPatch::Operation &operation : back.operations()) {
        if (isBookkeeping(operation.path))
            continue;
        Json change = Json::object();
        change["op"] = JsonPatch::kindName(operation.kind);
        JsonPointer path = operation.path;
        if (operation.kind == JsonPatch::Operation::Kind::Add && !path.isRoot()
            && isPositional(path.back())) {
            // An element the commit removed: by its key when it has one (see the top).
            const std::string key = jsonElementKeyToken(operation.value);
            if (!key.empty())
                path = path.parent().child(key);
        }
        change["path"] = path.toString();
        if (operation.kind == JsonPatch::Operation::Kind::Add
            || operation.kind == JsonPatch::Operation::Kind::Replace
            || operation.kind == JsonPatch::Operation::Kind::Test)
            change["value"] = operation.value;
        if (operation.kind == JsonPatch::Operation::Kind::Move
            || operation.kind == JsonPatch::Operation::Kind::Copy)
            change["from"] = operation.from.toString();
        // A value put back over another is guarded; so is an insertion at a position, since
        // the position means something only while the array is as the commit left it.
        const JsonPointer guard = guardOf(path);
        if (operation.kind != JsonPatch::Operation::Kind::Add || guard != path) {
            if (!guard.isRoot() && guarded.insert(guard.toString()).second) {
                if (const Json *left = guard.find(after))
                    tests.push_back(op("test", guard.toString(), *left));
            }
        }
        changes.push_back(std::move(change));
    }
    for (Json &change : changes)
        tests.push_back(std::move(change));
    return tests;
}

QString ManifestEdits::newId(const QString &prefix, const Context &context)
{
    return QStringLiteral("%1-%2-%3")
        .arg(prefix)
        .arg(context.now.toMSecsSinceEpoch())
        .arg(context.random & 0xffffffu, 6, 16, QLatin1Char('0'));
}

} // namespace runboard
