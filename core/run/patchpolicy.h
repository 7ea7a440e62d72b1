// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"
#include "jsonpatch.h"

#include <QString>
#include <QStringView>

#include <optional>
#include <string_view>

namespace runboard {

// Who asks for a manifest patch. Lead, Worker and Validator are ADE's agent roles; User is the
// person at the Runboard GUI (and the CLI's default).
enum class ActorRole { Lead, Worker, Validator, User };

// "lead", "worker", "validator", "user" (exactly, lower case, as on ADE's wire); nothing else.
std::optional<ActorRole> actorRoleFromName(QStringView name);
QString actorRoleName(ActorRole role);

struct Actor
{
    ActorRole role = ActorRole::User;
    // The agent's session; it is SELF in the worker and validator allow-lists and the owner that
    // a worker's task must be assigned to. Not used for the user.
    QString sessionId;
};

// ADE's per-role rules for manifest patches (bundle format §5), with the holes of §5.5 and
// §11.17 closed, plus a `user` role.
//
// Roles:
// - lead: everything except the system-owned and immutable fields and the fields ADE reserves
//   for the human's plan approval (§5.2).
// - user: the human. Lead rights, except that the plan-approval fields ADE keeps from the lead
//   are the user's to set, because the user is the human ADE reserves them for:
//   /leadState/planApprovedAt, /leadState/planApprovedBySessionId, /planSpec/**,
//   /phases/{id:planning}/status, /phases/{id:planning}/completedAt (approval stamps the two
//   together) and /currentPhase. Still denied, as for the lead: /runId, /version, /etag,
//   /serverGeneration, /createdAt, /bundlePath, /laneId, /agents/*/sessionId, the whole
//   /leadState object, the deprecated /leadState/planApprovalSummary and the planning interview
//   state /leadState/planning/** (the service's planning steps write it).
// - worker and validator: exactly ADE's allow-lists, deny lists and ownership rule (§5.3, §5.4).
// - every role: no numeric array index in any op path or `from` (ADE's parser rejects them;
//   use {id:VALUE} predicates), and /lineage, /receipts, /outbox are the service's alone.
//
// What is checked (the holes closed):
// - the literal op paths, as ADE does (`test` writes nothing, so only its path's syntax is
//   checked; a `move` also writes its `from`);
// - the effect: base and result are compared with arrays matched by `id`/`sessionId` whatever
//   their order, and every changed place goes through the same rules. A deny rule also catches a
//   change that contains a denied place (replacing a whole task, gate, /phases array, agent row
//   or the document); an allow rule covers the places below it. Adding an agent row is not a
//   change of its sessionId, removing or re-keying one is.
// - the done gate and the lowering of validationGate.required apply to every task of the result
//   that ADE's literal op names (status "done", required false) and to every task whose status
//   becomes "done" (including tasks added already done) or whose `required` goes from true to
//   false, however the patch wrote it. The gate is the task's gate in the result; it must be
//   satisfied by the checklist both before and after the patch (evidence is recorded before the
//   claim, as recordValidationRun is a separate call in ADE); a required gate with no stepIds is
//   not satisfied. The override pair is a change of that task's humanOverride plus a new
//   /userOverrides entry; for the user the entry must name the task (scope "task", appliedToId
//   = the task id).
// Not covered, deliberately: a task created with `required: false` is planning, not lowering
// (nothing was required before), so deleting a gated task and creating an ungated one is
// possible for the lead and the user, and visible in the history.
//
// Thread-safety: stateless; every function may be called from any thread.
class PatchPolicy
{
public:
    // `base` is the manifest the patch applies to (the fresh base read from disk), `result` is
    // base with the patch applied. Returns PolicyDenied (message "<reason> (path: <path>)",
    // details {"opIndex","path","reason","rule"}) or ValidationFailed (the done gate), the first
    // failure in op order. A failure found in the effect rather than in an op's own path names
    // the effective path and the op that caused it (details also carry "opPath").
    //
    // The effect is looked for only where the patch wrote (PatchFootprint): everything else of
    // `result` equals `base` when result is base with the patch applied, as it must be. Tests
    // pass Everywhere to compare the whole documents and check that both give the same answer.
    enum class EffectScope { WhereWritten, Everywhere };
    static Result<void> check(const Json &base, const JsonPatch &patch, const Json &result,
                              const Actor &actor, EffectScope scope = EffectScope::WhereWritten);

    // ADE's taskValidationGatesSatisfied (§5.5) on a manifest document, with one hole closed: a
    // required gate with no stepIds is NOT satisfied. A missing task, or one whose
    // validationGate.required is false, is satisfied.
    static bool taskGatesSatisfied(const Json &manifest, std::string_view taskId);

    // §5.1: does `pattern` match `path`? Both are JSON Pointer strings; a pattern token may be
    // `*`, `**` (matches from where it is reached, the prefix itself included), `{field:*}`,
    // `{field}`, `{field:VALUE}`, a bare `field` (also matches a predicate on it) or `-`.
    static bool matches(std::string_view pattern, std::string_view path);

    // The PolicyDenied error for a role name that actorRoleFromName() does not know.
    static Error unknownRoleError(QStringView roleName);
};

} // namespace runboard
