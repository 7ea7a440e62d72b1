// SPDX-License-Identifier: MIT
// PatchPolicy: ADE's role rules (bundle format §5, scenarios 37-49 and 54 of §10), the user
// role, the §5.1 pattern language, gate satisfaction, and one row per closed hole of §5.5 and
// §11.17 for the lead and for the user. Every policy row builds a small manifest (the fixture
// below plus a setup patch applied without policy), applies the ops to get the result exactly
// as the service does, and checks the code, the exact message and the op index.

#include "patchpolicy.h"

#include "resultcheck.h"

#include <QTest>

using namespace runboard;

namespace {

Json parseJson(const QByteArray &text)
{
    return Json::parse(text.toStdString());
}

JsonPatch patchFrom(const QByteArray &text)
{
    Result<JsonPatch> patch = JsonPatch::fromJson(parseJson(text));
    if (!patch.isOk())
        qFatal("bad patch in test table: %s", qPrintable(patch.error().message));
    return std::move(patch).value();
}

// A run in the developing phase: a lead, two workers, a validator; T-1 (claimed by S-worker,
// gate V-1 whose latest checklist run is still running), T-2 (unassigned, gate V-1, no
// checklist item) and T-val (the validator's task, no gate).
const char kFixture[] = R"({
  "version": 1,
  "runId": "R-test",
  "laneId": "L-1",
  "bundlePath": "/work/wt/.ade/orchestration/R-test",
  "etag": "g3-0a0b0c0d",
  "serverGeneration": 3,
  "createdAt": "2026-07-22T09:30:15.120Z",
  "updatedAt": "2026-07-22T09:40:00.000Z",
  "title": "Login form",
  "goalSummary": "Add a login form",
  "currentPhase": "developing",
  "phases": [
    {"id": "planning", "title": "Planning", "status": "done"},
    {"id": "developing", "title": "Developing", "status": "active"},
    {"id": "validating", "title": "Validating", "status": "pending"},
    {"id": "wrapup", "title": "Wrap-up", "status": "pending"}
  ],
  "agents": [
    {"sessionId": "S-lead", "role": "lead", "goalSummary": "Plan", "status": "running",
     "spawnedAt": "2026-07-22T09:30:15.120Z"},
    {"sessionId": "S-worker", "role": "worker", "goalSummary": "Build", "status": "running",
     "spawnedAt": "2026-07-22T09:31:00.000Z"},
    {"sessionId": "S-other-worker", "role": "worker", "goalSummary": "Docs", "status": "running",
     "spawnedAt": "2026-07-22T09:32:00.000Z"},
    {"sessionId": "S-validator", "role": "validator", "goalSummary": "Check", "status": "running",
     "spawnedAt": "2026-07-22T09:33:00.000Z"}
  ],
  "tasks": [
    {"id": "T-1", "phaseId": "developing", "title": "Form", "description": "",
     "status": "in_progress",
     "assigneeSessionId": "S-worker", "validationGate": {"required": true, "stepIds": ["V-1"]}},
    {"id": "T-2", "phaseId": "developing", "title": "Docs", "description": "", "status": "pending",
     "validationGate": {"required": true, "stepIds": ["V-1"]}},
    {"id": "T-val", "phaseId": "validating", "title": "Validate", "description": "",
     "status": "in_progress", "assigneeSessionId": "S-validator",
     "validationGate": {"required": false, "stepIds": []}}
  ],
  "validationStrategy": {
    "steps": [
      {"id": "V-1", "concern": "reverify_changes", "scope": "per_worker", "required": true,
       "prompt": "Re-read every touched file", "evidenceRequired": []},
      {"id": "V-2", "concern": "proof_capture", "scope": "mission_exit", "required": true,
       "prompt": "Capture proof", "evidenceRequired": []}
    ],
    "checklist": [
      {"id": "C-1", "stepId": "V-1", "taskId": "T-1", "latestRunId": "run-1",
       "runs": [{"id": "run-1", "runBySessionId": "S-validator", "status": "running",
                 "startedAt": "2026-07-22T09:50:00.000Z"}]}
    ]
  },
  "assets": [],
  "decisions": [],
  "userOverrides": [],
  "leadState": {
    "lastSnapshotEtag": "g2-01020304",
    "planApprovedAt": "2026-07-22T09:35:00.000Z",
    "planApprovedBySessionId": "S-lead",
    "planning": {"stage": "ready", "rounds": []}
  },
  "planSpec": {
    "sections": [{"id": "goal", "required": true, "status": "locked"}],
    "approval": {"state": "approved"}
  },
  "history": [],
  "lineage": [
    {"id": "D-1-abcdef", "parentSessionId": "S-lead", "childSessionId": "S-worker",
     "childRole": "worker", "spawnedAt": "2026-07-22T09:31:00.000Z", "spawnEtag": "g1-00000000",
     "briefDigest": "e3b0", "status": "running"}
  ],
  "receipts": [],
  "outbox": []
})";

// The fixture with `setup` applied as the service itself would (no policy): a recorded
// validation run, a gate edited earlier, ...
Json manifestWith(const QByteArray &setup)
{
    Json manifest = parseJson(kFixture);
    if (setup.isEmpty())
        return manifest;
    Result<Json> prepared = patchFrom(setup).apply(manifest);
    if (!prepared.isOk())
        qFatal("bad setup in test table: %s", qPrintable(prepared.error().message));
    return std::move(prepared).value();
}

// T-2 as in the fixture with one member changed, for whole-task replaces.
QByteArray taskTwo(const char *status, const char *gate)
{
    return QByteArray(
               R"({"id": "T-2", "phaseId": "developing", "title": "Docs", "description": "",)")
           + R"("status": ")" + status + R"(", "validationGate": )" + gate + "}";
}

const char kHumanOverride[] = R"({"byUserId": "u-1", "at": "2026-07-22T10:00:00.000Z",
                                  "fromStatus": "pending", "toStatus": "done",
                                  "reason": "verified by hand"})";

QByteArray userOverride(const char *scope, const char *appliedToId)
{
    QByteArray entry = R"({"id": "O-1", "at": "2026-07-22T10:00:00.000Z", "scope": ")";
    entry += scope;
    entry += '"';
    if (appliedToId != nullptr)
        entry += QByteArray(R"(, "appliedToId": ")") + appliedToId + '"';
    entry += R"(, "instruction": "accept without validation"})";
    return entry;
}

// "replace T's status with done, set its humanOverride, append a UserOverrideEntry".
QByteArray doneWithOverride(const char *doneTask, const char *overrideTask, const QByteArray &entry)
{
    QByteArray ops = "[";
    ops += QByteArray(R"({"op": "replace", "path": "/tasks/{id:)") + doneTask
           + R"(}/status", "value": "done"})";
    if (overrideTask != nullptr) {
        ops += QByteArray(R"(, {"op": "add", "path": "/tasks/{id:)") + overrideTask
               + R"(}/humanOverride", "value": )" + kHumanOverride + "}";
    }
    if (!entry.isEmpty())
        ops += R"(, {"op": "add", "path": "/userOverrides/-", "value": )" + entry + "}";
    ops += "]";
    return ops;
}

QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

const QString kLeadImmutable = text("lead may not patch system-owned / immutable field");
const QString kUserImmutable = text("user may not patch system-owned / immutable field");
const QString kWorkerGate
    = text("workers may not patch validation gates or checklist; use recordValidationRun");
const QString kWorkerNotAllowed = text("worker patch path not in allow-list");
const QString kValidatorDenied = text(
    "validators may not modify tasks, steps, or checklist directly; use recordValidationRun");
const QString kValidatorNotAllowed = text("validator patch path not in allow-list");
const QString kNumeric = text(
    "numeric array indices are not allowed in manifest patch paths; use {id:VALUE} predicates");
const QString kServiceOwned = text(
    "lineage, receipts and outbox are service-owned; only the orchestration service writes them");
const QString kLowering = text(
    "lowering validationGate.required requires humanOverride + UserOverrideEntry in same patch");

QString doneRefused(const char *taskId)
{
    return text("task %1 cannot be marked done: required validation gates not satisfied "
                "(override requires humanOverride + UserOverrideEntry in same patch)")
        .arg(text(taskId));
}

QString forUser(const QString &reason, const char *taskId)
{
    return reason
           + text("; the user's UserOverrideEntry must have scope \"task\" and appliedToId \"%1\"")
                 .arg(text(taskId));
}

// A denial found on an op's own path.
QString at(const QString &reason, const char *path)
{
    return reason + text(" (path: %1)").arg(text(path));
}

// A denial found in the effect: the effective path and the op that changed it.
QString via(const QString &reason, const char *path, int op, const char *kind, const char *opPath)
{
    return reason
           + text(" (path: %1, changed by op %2: %3 %4)")
                 .arg(text(path), QString::number(op), text(kind), text(opPath));
}

Actor actorFor(const QString &role, const QString &session)
{
    const std::optional<ActorRole> parsed = actorRoleFromName(role);
    if (!parsed)
        qFatal("bad role in test table: %s", qPrintable(role));
    return Actor{*parsed, session};
}

void policyColumns()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("session");
    QTest::addColumn<QByteArray>("setup");
    QTest::addColumn<QByteArray>("ops");
    QTest::addColumn<QString>("code"); // "ok", "policy_denied" or "validation_failed"
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("opIndex");
}

void row(const char *name, const char *role, const char *session, const QByteArray &setup,
         const QByteArray &ops, const char *code = "ok", const QString &message = {},
         int opIndex = 0)
{
    QTest::newRow(name) << text(role) << text(session) << setup << ops << text(code) << message
                        << opIndex;
}

void denied(const char *name, const char *role, const char *session, const QByteArray &setup,
            const QByteArray &ops, const QString &message, int opIndex = 0)
{
    row(name, role, session, setup, ops, "policy_denied", message, opIndex);
}

void refused(const char *name, const char *role, const char *session, const QByteArray &setup,
             const QByteArray &ops, const QString &message, int opIndex = 0)
{
    row(name, role, session, setup, ops, "validation_failed", message, opIndex);
}

} // namespace

class tst_PatchPolicy : public QObject
{
    Q_OBJECT

private:
    void verifyPolicyRow();

private Q_SLOTS:
    void roleNames_data();
    void roleNames();
    void matches_data();
    void matches();
    void adeScenarios_data();
    void adeScenarios() { verifyPolicyRow(); }
    void numericIndices_data();
    void numericIndices() { verifyPolicyRow(); }
    void serviceOwned_data();
    void serviceOwned() { verifyPolicyRow(); }
    void workerAndValidator_data();
    void workerAndValidator() { verifyPolicyRow(); }
    void userRole_data();
    void userRole() { verifyPolicyRow(); }
    void holesClosed_data();
    void holesClosed() { verifyPolicyRow(); }
    void overridePair_data();
    void overridePair() { verifyPolicyRow(); }
    void firstFailureInOpOrder_data();
    void firstFailureInOpOrder() { verifyPolicyRow(); }
    void rootReplace_data();
    void rootReplace();
    void gateSatisfaction_data();
    void gateSatisfaction();
    void gateSatisfactionOnOddDocuments();
    void scenario49DoneAfterRecordedPass();
    void errorDetails();
    void unknownRole();
    void emptyPatchPasses();
    void testsOnlyNeverBlameTheBookkeeping();
};

void tst_PatchPolicy::verifyPolicyRow()
{
    QFETCH(QString, role);
    QFETCH(QString, session);
    QFETCH(QByteArray, setup);
    QFETCH(QByteArray, ops);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(int, opIndex);

    const Json base = manifestWith(setup);
    const JsonPatch patch = patchFrom(ops);
    const Result<Json> applied = patch.apply(base);
    RUNBOARD_VERIFY_OK(applied);

    const Result<void> verdict = PatchPolicy::check(base, patch, *applied, actorFor(role, session));
    if (code == QLatin1String("ok")) {
        RUNBOARD_VERIFY_OK(verdict);
        return;
    }
    QVERIFY2(!verdict.isOk(), "the patch was allowed");
    QCOMPARE(errorCodeName(verdict.error().code), code);
    QCOMPARE(verdict.error().message, message);
    QCOMPARE(verdict.error().details.value("opIndex", -1), opIndex);
}

void tst_PatchPolicy::roleNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("role"); // -1: not a role

    QTest::newRow("lead") << text("lead") << int(ActorRole::Lead);
    QTest::newRow("worker") << text("worker") << int(ActorRole::Worker);
    QTest::newRow("validator") << text("validator") << int(ActorRole::Validator);
    QTest::newRow("user") << text("user") << int(ActorRole::User);
    QTest::newRow("upper case is not ADE's spelling") << text("Lead") << -1;
    QTest::newRow("unknown") << text("admin") << -1;
    QTest::newRow("empty") << QString() << -1;
    QTest::newRow("padded") << text(" lead") << -1;
}

void tst_PatchPolicy::roleNames()
{
    QFETCH(QString, name);
    QFETCH(int, role);

    const std::optional<ActorRole> parsed = actorRoleFromName(name);
    if (role < 0) {
        QVERIFY(!parsed.has_value());
        return;
    }
    QVERIFY(parsed.has_value());
    QCOMPARE(int(*parsed), role);
    QCOMPARE(actorRoleName(*parsed), name);
}

void tst_PatchPolicy::matches_data()
{
    QTest::addColumn<QByteArray>("pattern");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("expected");

    const auto add = [](const char *name, const char *pattern, const char *path, bool expected) {
        QTest::newRow(name) << QByteArray(pattern) << QByteArray(path) << expected;
    };
    // Scenario 38.
    add("38 {id:*} matches a predicate", "/tasks/{id:*}/status", "/tasks/{id:T-3}/status", true);
    add("38 {id:T-3} matches its value", "/tasks/{id:T-3}/status", "/tasks/{id:T-3}/status", true);
    add("38 {id:T-3} not another value", "/tasks/{id:T-3}/status", "/tasks/{id:T-4}/status", false);
    add("38 last segment differs", "/tasks/{id:*}/status", "/tasks/{id:T-3}/title", false);
    // `*`
    add("* matches a predicate", "/agents/*/sessionId", "/agents/{sessionId:S-1}/sessionId", true);
    add("* matches a member", "/agents/*/sessionId", "/agents/x/sessionId", true);
    add("* matches -", "/tasks/*", "/tasks/-", true);
    add("* is one segment", "/agents/*/sessionId", "/agents/sessionId", false);
    // trailing `**`
    add("** matches the prefix itself", "/planSpec/**", "/planSpec", true);
    add("** matches one level", "/planSpec/**", "/planSpec/approval", true);
    add("** matches deeper", "/planSpec/**", "/planSpec/approval/state", true);
    add("** needs the prefix", "/leadState/planning/**", "/leadState", false);
    add("** not a longer name", "/planSpec/**", "/planSpecs/approval", false);
    add("** not the root", "/planSpec/**", "", false);
    add("** through a predicate", "/tasks/{id:*}/validationGate/**",
        "/tasks/{id:T-1}/validationGate/stepIds/0", true);
    // predicates
    add("{id:*} not an index", "/tasks/{id:*}/status", "/tasks/0/status", false);
    add("{id:*} not another field", "/tasks/{id:*}/status", "/tasks/{title:Docs}/status", false);
    add("{id:*} not a literal", "/tasks/{id:*}/status", "/tasks/id/status", false);
    add("{id:*} not -", "/tasks/{id:*}", "/tasks/-", false);
    add("{sessionId:*} not {id:..}", "/agents/{sessionId:*}", "/agents/{id:S-1}", false);
    add("{field} matches any value", "/tasks/{id}/status", "/tasks/{id:T-3}/status", true);
    add("{field} not another field", "/tasks/{id}/status", "/tasks/{sessionId:S}/status", false);
    add("bare field matches a predicate", "/tasks/id/status", "/tasks/{id:T-3}/status", true);
    add("bare field matches itself", "/tasks/id/status", "/tasks/id/status", true);
    add("bare field not another field", "/tasks/id/status", "/tasks/{title:x}/status", false);
    // `-`
    add("- matches append", "/tasks/{id:*}/attempts/-", "/tasks/{id:T-1}/attempts/-", true);
    add("- not an element", "/tasks/{id:*}/attempts/-", "/tasks/{id:T-1}/attempts/{id:A-1}", false);
    add("- not an index", "/tasks/{id:*}/attempts/-", "/tasks/{id:T-1}/attempts/0", false);
    // lengths, literals and syntax
    add("exact literal", "/runId", "/runId", true);
    add("pattern shorter", "/leadState", "/leadState/lastSnapshotEtag", false);
    add("pattern longer", "/leadState/planApprovedAt", "/leadState", false);
    add("escaped tokens compare unescaped", "/a~1b/c~0d", "/a~1b/c~0d", true);
    add("~1 is not a separator", "/a/b", "/a~1b", false);
    add("pattern is not a pointer", "runId", "/runId", false);
    add("path is not a pointer", "/runId", "runId", false);
    add("bad escape", "/runId", "/run~2Id", false);
}

void tst_PatchPolicy::matches()
{
    QFETCH(QByteArray, pattern);
    QFETCH(QByteArray, path);
    QFETCH(bool, expected);

    QCOMPARE(PatchPolicy::matches(pattern.toStdString(), path.toStdString()), expected);
}

void tst_PatchPolicy::adeScenarios_data()
{
    policyColumns();

    // 37: a predicate path parses; a numeric index does not.
    row("37 predicate path", "lead", "S-lead", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "review"}])");
    denied("37 numeric index", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/tasks/0/status", "value": "review"}])",
           at(kNumeric, "/tasks/0/status"));

    row("39 lead patches a task status", "lead", "S-lead", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "review"}])");
    denied("39 lead patches runId", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/runId", "value": "R-other"}])",
           at(kLeadImmutable, "/runId"));

    denied("40 lead adds planApprovedAt", "lead", "S-lead", {},
           R"([{"op": "add", "path": "/leadState/planApprovedAt",
                "value": "2026-07-22T11:00:00.000Z"}])",
           at(kLeadImmutable, "/leadState/planApprovedAt"));
    denied("40 lead replaces leadState", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/leadState",
             "value": {"lastSnapshotEtag": "g3-0a0b0c0d"}}])",
           at(kLeadImmutable, "/leadState"));
    denied("40 lead sets the planning phase status", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/phases/{id:planning}/status", "value": "active"}])",
           at(kLeadImmutable, "/phases/{id:planning}/status"));
    denied("40 lead sets currentPhase", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/currentPhase", "value": "validating"}])",
           at(kLeadImmutable, "/currentPhase"));
    row("40 lead sets lastSnapshotEtag", "lead", "S-lead", {},
        R"([{"op": "replace", "path": "/leadState/lastSnapshotEtag", "value": "g3-0a0b0c0d"}])");

    denied("41 lead sets the planning stage", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/leadState/planning/stage", "value": "intake"}])",
           at(kLeadImmutable, "/leadState/planning/stage"));
    denied("41 lead sets the plan approval state", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/planSpec/approval/state", "value": "drafting"}])",
           at(kLeadImmutable, "/planSpec/approval/state"));

    row("42 worker sets its task status", "worker", "S-worker", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "review"}])");
    row("42 worker sets its agent status", "worker", "S-worker", {},
        R"([{"op": "replace", "path": "/agents/{sessionId:S-worker}/status",
             "value": "blocked"}])");
    denied(
        "42 worker patches the lead's row", "worker", "S-worker", {},
        R"([{"op": "replace", "path": "/agents/{sessionId:S-lead}/status", "value": "blocked"}])",
        at(kWorkerNotAllowed, "/agents/{sessionId:S-lead}/status"));
    denied("42/46 worker replaces its task's gate", "worker", "S-worker", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-1}/validationGate",
                "value": {"required": false, "stepIds": []}}])",
           at(kWorkerGate, "/tasks/{id:T-1}/validationGate"));

    denied("43 worker appends a checklist run", "worker", "S-worker", {},
           R"([{"op": "add", "path": "/validationStrategy/checklist/{id:C-1}/runs/-",
                "value": {"id": "run-2", "runBySessionId": "S-worker", "status": "passed",
                          "startedAt": "2026-07-22T10:00:00.000Z"}}])",
           at(kWorkerGate, "/validationStrategy/checklist/{id:C-1}/runs/-"));
    denied("43 worker sets latestRunId", "worker", "S-worker", {},
           R"([{"op": "replace", "path": "/validationStrategy/checklist/{id:C-1}/latestRunId",
                "value": "run-1"}])",
           at(kWorkerGate, "/validationStrategy/checklist/{id:C-1}/latestRunId"));
    denied("43 worker appends a checklist item", "worker", "S-worker", {},
           R"([{"op": "add", "path": "/validationStrategy/checklist/-",
                "value": {"id": "C-2", "stepId": "V-1", "taskId": "T-1", "runs": []}}])",
           at(kWorkerGate, "/validationStrategy/checklist/-"));

    denied("44 another worker patches T-1", "worker", "S-other-worker", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "review"}])",
           at(text("worker S-other-worker does not own task T-1"), "/tasks/{id:T-1}/status"));
    denied("44 worker patches an unclaimed task", "worker", "S-worker", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "in_progress"}])",
           at(text("worker S-worker must claim task T-2 before patching it"),
              "/tasks/{id:T-2}/status"));

    row("45 validator patches its own row", "validator", "S-validator", {},
        R"([{"op": "add", "path": "/agents/{sessionId:S-validator}/currentStepId",
             "value": "T-val"}])");
    denied(
        "45 validator patches another row", "validator", "S-validator", {},
        R"([{"op": "replace", "path": "/agents/{sessionId:S-worker}/status", "value": "failed"}])",
        at(kValidatorNotAllowed, "/agents/{sessionId:S-worker}/status"));
    denied("45 validator appends a checklist run", "validator", "S-validator", {},
           R"([{"op": "add", "path": "/validationStrategy/checklist/{id:C-1}/runs/-",
                "value": {"id": "run-2", "runBySessionId": "S-validator", "status": "passed",
                          "startedAt": "2026-07-22T10:00:00.000Z"}}])",
           at(kValidatorDenied, "/validationStrategy/checklist/{id:C-1}/runs/-"));
    denied("45 validator sets a task status", "validator", "S-validator", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])",
           at(kValidatorDenied, "/tasks/{id:T-1}/status"));

    refused("47 worker done while the latest run is running", "worker", "S-worker", {},
            R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])",
            doneRefused("T-1"));

    row("48 lead done with the override pair", "lead", "S-lead", {},
        doneWithOverride("T-2", "T-2", userOverride("session", nullptr)));
    refused("48 lead done without the pair", "lead", "S-lead", {},
            doneWithOverride("T-2", nullptr, {}), doneRefused("T-2"));
    refused("48 lead done with humanOverride only", "lead", "S-lead", {},
            doneWithOverride("T-2", "T-2", {}), doneRefused("T-2"));
    refused("48 lead done with a UserOverrideEntry only", "lead", "S-lead", {},
            doneWithOverride("T-2", nullptr, userOverride("session", nullptr)), doneRefused("T-2"));
    // ADE's literal rule: a done op is gated even when the task is done already.
    refused("48 done op on a task already done (ADE's literal rule)", "lead", "S-lead",
            R"([{"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"}])",
            R"([{"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"}])",
            doneRefused("T-2"));

    // 49 in one row: the validator's pass is already recorded in the base.
    row("49 worker done after a recorded pass", "worker", "S-worker",
        R"([{"op": "add", "path": "/validationStrategy/checklist/{id:C-1}/runs/-",
             "value": {"id": "run-2", "runBySessionId": "S-validator", "status": "passed",
                       "startedAt": "2026-07-22T10:00:00.000Z"}},
            {"op": "replace", "path": "/validationStrategy/checklist/{id:C-1}/latestRunId",
             "value": "run-2"}])",
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])");

    denied("54 lead lowers required without the pair", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/required",
                "value": false}])",
           at(kLowering, "/tasks/{id:T-2}/validationGate/required"));
    row("54 lead lowers required with the pair", "lead", "S-lead", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/required", "value": false},
            {"op": "add", "path": "/tasks/{id:T-2}/humanOverride", "value": {"at": "x",
             "fromStatus": "pending", "toStatus": "pending"}},
            {"op": "add", "path": "/userOverrides/-", "value": {"id": "O-1", "at": "x",
             "scope": "task", "appliedToId": "T-2", "instruction": "no gate"}}])");
    // ADE's literal rule: the op alone triggers it, whatever the gate was.
    denied("54 required set to false again (ADE's literal rule)", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-val}/validationGate/required",
                "value": false}])",
           at(kLowering, "/tasks/{id:T-val}/validationGate/required"));
}

void tst_PatchPolicy::numericIndices_data()
{
    policyColumns();

    denied("lead", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/tasks/0/status", "value": "review"}])",
           at(kNumeric, "/tasks/0/status"));
    denied("user", "user", "", {}, R"([{"op": "remove", "path": "/agents/1"}])",
           at(kNumeric, "/agents/1"));
    denied("worker, nested", "worker", "S-worker",
           R"([{"op": "add", "path": "/tasks/{id:T-1}/attempts",
                "value": [{"id": "A-1", "sessionId": "S-worker", "startedAt": "x",
                           "outcome": "succeeded"}]}])",
           R"([{"op": "replace", "path": "/tasks/{id:T-1}/attempts/0/outcome",
                "value": "failed"}])",
           at(kNumeric, "/tasks/{id:T-1}/attempts/0/outcome"));
    denied("validator", "validator", "S-validator", {},
           R"([{"op": "replace", "path": "/agents/3/status", "value": "blocked"}])",
           at(kNumeric, "/agents/3/status"));
    denied("move from an index", "lead", "S-lead", {},
           R"([{"op": "move", "from": "/tasks/2", "path": "/tasks/-"}])", at(kNumeric, "/tasks/2"));
    denied("copy from an index", "user", "", {},
           R"([{"op": "copy", "from": "/phases/0/title", "path": "/title"}])",
           at(kNumeric, "/phases/0/title"));
    denied("test at an index", "lead", "S-lead", {},
           R"([{"op": "test", "path": "/tasks/0/id", "value": "T-1"}])",
           at(kNumeric, "/tasks/0/id"));
    // ADE rejects every all-digit segment, whatever container it meets.
    denied("all-digit member name", "lead", "S-lead", {},
           R"([{"op": "add", "path": "/leadState/01", "value": "x"}])",
           at(kNumeric, "/leadState/01"));
    denied("after an allowed op", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/title", "value": "t"},
               {"op": "remove", "path": "/tasks/1"}])",
           at(kNumeric, "/tasks/1"), 1);
}

void tst_PatchPolicy::serviceOwned_data()
{
    policyColumns();

    denied("lead appends lineage", "lead", "S-lead", {},
           R"([{"op": "add", "path": "/lineage/-", "value": {"id": "D-2-000000"}}])",
           at(kServiceOwned, "/lineage/-"));
    denied("user replaces receipts", "user", "", {},
           R"([{"op": "replace", "path": "/receipts",
                "value": [{"requestId": "r-1", "kind": "spawnAgent", "createdAt": "x",
                           "status": "pending"}]}])",
           at(kServiceOwned, "/receipts"));
    denied("user removes outbox", "user", "", {}, R"([{"op": "remove", "path": "/outbox"}])",
           at(kServiceOwned, "/outbox"));
    denied("worker appends outbox", "worker", "S-worker", {},
           R"([{"op": "add", "path": "/outbox/-", "value": {"id": "OB-1"}}])",
           at(kServiceOwned, "/outbox/-"));
    denied("validator closes a lineage edge", "validator", "S-validator", {},
           R"([{"op": "replace", "path": "/lineage/{id:D-1-abcdef}/status",
                "value": "completed"}])",
           at(kServiceOwned, "/lineage/{id:D-1-abcdef}/status"));
    denied("lead moves lineage away", "lead", "S-lead", {},
           R"([{"op": "move", "from": "/lineage", "path": "/oldLineage"}])",
           at(kServiceOwned, "/lineage"));
    row("lead copies lineage (reading is fine)", "lead", "S-lead", {},
        R"([{"op": "copy", "from": "/lineage", "path": "/lineageCopy"}])");
    row("lead tests outbox (reading is fine)", "lead", "S-lead", {},
        R"([{"op": "test", "path": "/outbox", "value": []}])");
}

void tst_PatchPolicy::workerAndValidator_data()
{
    policyColumns();

    const QByteArray attempts = R"([{"op": "add", "path": "/tasks/{id:T-1}/attempts",
        "value": [{"id": "A-1", "sessionId": "S-worker", "startedAt": "x",
                   "outcome": "succeeded"}]}])";
    row("worker creates its attempts", "worker", "S-worker", {},
        R"([{"op": "add", "path": "/tasks/{id:T-1}/attempts", "value": []}])");
    row("worker appends an attempt", "worker", "S-worker", attempts,
        R"([{"op": "add", "path": "/tasks/{id:T-1}/attempts/-",
             "value": {"id": "A-2", "sessionId": "S-worker", "startedAt": "y"}}])");
    // The effect is inside /tasks/{id:T-1}/attempts, which the allow-list grants as a whole.
    row("worker rewrites its attempts", "worker", "S-worker", attempts,
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/attempts",
             "value": [{"id": "A-1", "sessionId": "S-worker", "startedAt": "x",
                        "outcome": "failed"},
                       {"id": "A-2", "sessionId": "S-worker", "startedAt": "y"}]}])");
    row("worker sets evidence and currentAttemptId", "worker", "S-worker", {},
        R"([{"op": "add", "path": "/tasks/{id:T-1}/evidence",
             "value": [{"kind": "test_log", "path": "logs/t1.txt"}]},
            {"op": "add", "path": "/tasks/{id:T-1}/currentAttemptId", "value": "A-1"}])");
    row("worker sets its heartbeat and usage", "worker", "S-worker", {},
        R"([{"op": "add", "path": "/agents/{sessionId:S-worker}/lastHeartbeatAt", "value": "x"},
            {"op": "add", "path": "/agents/{sessionId:S-worker}/usage", "value": {"turns": 3}}])");
    denied("worker sets its displayName", "worker", "S-worker", {},
           R"([{"op": "add", "path": "/agents/{sessionId:S-worker}/displayName", "value": "W"}])",
           at(kWorkerNotAllowed, "/agents/{sessionId:S-worker}/displayName"));
    denied("worker patches a task title", "worker", "S-worker", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-1}/title", "value": "x"}])",
           at(kWorkerNotAllowed, "/tasks/{id:T-1}/title"));
    denied("worker addresses its task by title", "worker", "S-worker", {},
           R"([{"op": "replace", "path": "/tasks/{title:Form}/status", "value": "review"}])",
           at(kWorkerNotAllowed, "/tasks/{title:Form}/status"));
    denied(
        "worker without a session", "worker", "", {},
        R"([{"op": "replace", "path": "/agents/{sessionId:S-worker}/status", "value": "blocked"}])",
        at(kWorkerNotAllowed, "/agents/{sessionId:S-worker}/status"));
    denied("worker moves from its gate", "worker", "S-worker", {},
           R"([{"op": "move", "from": "/tasks/{id:T-1}/validationGate/stepIds",
                "path": "/tasks/{id:T-1}/evidence"}])",
           at(kWorkerGate, "/tasks/{id:T-1}/validationGate/stepIds"));
    denied("worker replaces the steps", "worker", "S-worker", {},
           R"([{"op": "replace", "path": "/validationStrategy/steps", "value": []}])",
           at(kWorkerGate, "/validationStrategy/steps"));
    denied("worker patches the validator's task", "worker", "S-worker", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-val}/status", "value": "review"}])",
           at(text("worker S-worker does not own task T-val"), "/tasks/{id:T-val}/status"));
    row("worker test op anywhere", "worker", "S-worker", {},
        R"([{"op": "test", "path": "/runId", "value": "R-test"},
            {"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "review"}])");
    denied("validator replaces a gate", "validator", "S-validator", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-1}/validationGate/required",
                "value": true}])",
           at(kValidatorDenied, "/tasks/{id:T-1}/validationGate/required"));
    denied("validator patches the title", "validator", "S-validator", {},
           R"([{"op": "replace", "path": "/title", "value": "x"}])",
           at(kValidatorNotAllowed, "/title"));
    row("validator sets its status and usage", "validator", "S-validator", {},
        R"([{"op": "replace", "path": "/agents/{sessionId:S-validator}/status", "value": "blocked"},
            {"op": "add", "path": "/agents/{sessionId:S-validator}/usage", "value": {}}])");
}

void tst_PatchPolicy::userRole_data()
{
    policyColumns();

    // The user is the human ADE reserves plan approval for.
    row("user approves the plan", "user", "", {},
        R"([{"op": "replace", "path": "/planSpec/approval",
             "value": {"state": "approved", "approvedAt": "2026-07-22T11:00:00.000Z",
                       "approvedBySessionId": "user"}},
            {"op": "add", "path": "/leadState/planApprovedAt", "value": "2026-07-22T11:00:00.000Z"},
            {"op": "add", "path": "/leadState/planApprovedBySessionId", "value": "user"},
            {"op": "replace", "path": "/phases/{id:planning}/status", "value": "done"},
            {"op": "add", "path": "/phases/{id:planning}/completedAt",
             "value": "2026-07-22T11:00:00.000Z"},
            {"op": "replace", "path": "/currentPhase", "value": "developing"}])");
    row("user replaces planSpec", "user", "", {},
        R"([{"op": "replace", "path": "/planSpec", "value": {"sections": [],
             "approval": {"state": "changes_requested"}}}])");
    row("user edits tasks and the title", "user", "", {},
        R"([{"op": "replace", "path": "/title", "value": "Login"},
            {"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "in_progress"},
            {"op": "add", "path": "/decisions/-", "value": {"id": "DL-1", "at": "x",
             "source": "user", "summary": "ship it"}}])");

    const auto deniedField = [](const char *name, const char *ops, const char *path) {
        denied(name, "user", "", {}, ops, at(kUserImmutable, path));
    };
    deniedField("runId", R"([{"op": "replace", "path": "/runId", "value": "R-x"}])", "/runId");
    deniedField("version", R"([{"op": "replace", "path": "/version", "value": 2}])", "/version");
    deniedField("etag", R"([{"op": "replace", "path": "/etag", "value": "g9-x"}])", "/etag");
    deniedField("serverGeneration",
                R"([{"op": "replace", "path": "/serverGeneration", "value": 9}])",
                "/serverGeneration");
    deniedField("createdAt", R"([{"op": "replace", "path": "/createdAt", "value": "x"}])",
                "/createdAt");
    deniedField("bundlePath", R"([{"op": "replace", "path": "/bundlePath", "value": "/x"}])",
                "/bundlePath");
    deniedField("laneId", R"([{"op": "remove", "path": "/laneId"}])", "/laneId");
    deniedField("agent sessionId",
                R"([{"op": "replace", "path": "/agents/{sessionId:S-worker}/sessionId",
                     "value": "S-x"}])",
                "/agents/{sessionId:S-worker}/sessionId");
    deniedField("whole leadState", R"([{"op": "replace", "path": "/leadState", "value": {}}])",
                "/leadState");
    deniedField("planning interview state",
                R"([{"op": "replace", "path": "/leadState/planning/stage", "value": "intake"}])",
                "/leadState/planning/stage");
    deniedField("deprecated planApprovalSummary",
                R"([{"op": "add", "path": "/leadState/planApprovalSummary", "value": "ok"}])",
                "/leadState/planApprovalSummary");
}

void tst_PatchPolicy::holesClosed_data()
{
    policyColumns();

    const QByteArray noSteps
        = R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/stepIds", "value": []}])";
    const QByteArray doneT2
        = R"([{"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"}])";

    // Whole-task replace that drops the gate.
    const QByteArray taskUngated = R"([{"op": "replace", "path": "/tasks/{id:T-2}", "value": )"
                                   + taskTwo("pending", R"({"required": false, "stepIds": []})")
                                   + "}]";
    denied(
        "whole task lowers required (lead)", "lead", "S-lead", {}, taskUngated,
        via(kLowering, "/tasks/{id:T-2}/validationGate/required", 0, "replace", "/tasks/{id:T-2}"));
    denied("whole task lowers required (user)", "user", "", {}, taskUngated,
           via(forUser(kLowering, "T-2"), "/tasks/{id:T-2}/validationGate/required", 0, "replace",
               "/tasks/{id:T-2}"));

    // Whole-task replace that marks it done.
    const QByteArray taskDone = R"([{"op": "replace", "path": "/tasks/{id:T-2}", "value": )"
                                + taskTwo("done", R"({"required": true, "stepIds": ["V-1"]})")
                                + "}]";
    refused("whole task marks done (lead)", "lead", "S-lead", {}, taskDone,
            via(doneRefused("T-2"), "/tasks/{id:T-2}/status", 0, "replace", "/tasks/{id:T-2}"));
    refused("whole task marks done (user)", "user", "", {}, taskDone,
            via(forUser(doneRefused("T-2"), "T-2"), "/tasks/{id:T-2}/status", 0, "replace",
                "/tasks/{id:T-2}"));

    // Whole-gate replace.
    const QByteArray gate = R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate",
                                "value": {"required": false, "stepIds": ["V-1"]}}])";
    denied("whole gate (lead)", "lead", "S-lead", {}, gate,
           via(kLowering, "/tasks/{id:T-2}/validationGate/required", 0, "replace",
               "/tasks/{id:T-2}/validationGate"));
    denied("whole gate (user)", "user", "", {}, gate,
           via(forUser(kLowering, "T-2"), "/tasks/{id:T-2}/validationGate/required", 0, "replace",
               "/tasks/{id:T-2}/validationGate"));

    // Whole /tasks replace, reordered, T-1 ungated.
    const QByteArray tasks = R"([{"op": "replace", "path": "/tasks", "value": [
        {"id": "T-val", "phaseId": "validating", "title": "Validate", "description": "",
         "status": "in_progress", "assigneeSessionId": "S-validator",
         "validationGate": {"required": false, "stepIds": []}},
        {"id": "T-2", "phaseId": "developing", "title": "Docs", "description": "",
         "status": "pending", "validationGate": {"required": true, "stepIds": ["V-1"]}},
        {"id": "T-1", "phaseId": "developing", "title": "Form", "description": "",
         "status": "in_progress", "assigneeSessionId": "S-worker",
         "validationGate": {"required": false, "stepIds": ["V-1"]}}]}])";
    denied("whole /tasks, reordered (lead)", "lead", "S-lead", {}, tasks,
           via(kLowering, "/tasks/{id:T-1}/validationGate/required", 0, "replace", "/tasks"));
    denied("whole /tasks, reordered (user)", "user", "", {}, tasks,
           via(forUser(kLowering, "T-1"), "/tasks/{id:T-1}/validationGate/required", 0, "replace",
               "/tasks"));

    // Whole /phases replace: the planning status is the lead's to leave alone, the user's to set.
    const QByteArray phases = R"([{"op": "replace", "path": "/phases", "value": [
        {"id": "developing", "title": "Developing", "status": "active"},
        {"id": "planning", "title": "Planning", "status": "active"},
        {"id": "validating", "title": "Validating", "status": "pending"},
        {"id": "wrapup", "title": "Wrap-up", "status": "pending"}]}])";
    denied("whole /phases (lead)", "lead", "S-lead", {}, phases,
           via(kLeadImmutable, "/phases/{id:planning}/status", 0, "replace", "/phases"));
    row("whole /phases (user may)", "user", "", {}, phases);
    const QByteArray phasesWithoutPlanning = R"([{"op": "replace", "path": "/phases", "value": [
        {"id": "developing", "title": "Developing", "status": "active"}]}])";
    denied("/phases without the planning phase (lead)", "lead", "S-lead", {}, phasesWithoutPlanning,
           via(kLeadImmutable, "/phases/{id:planning}/status", 0, "replace", "/phases"));
    denied("planning phase by another predicate (lead)", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/phases/{title:Planning}/status", "value": "active"}])",
           via(kLeadImmutable, "/phases/{id:planning}/status", 0, "replace",
               "/phases/{title:Planning}/status"));
    row("planning phase by another predicate (user may)", "user", "", {},
        R"([{"op": "replace", "path": "/phases/{title:Planning}/status", "value": "active"}])");

    // A task added already done.
    const QByteArray addedDone = R"([{"op": "add", "path": "/tasks/-", "value":
        {"id": "T-9", "phaseId": "developing", "title": "Sneaky", "description": "",
         "status": "done", "validationGate": {"required": true, "stepIds": ["V-1"]}}}])";
    refused("task added done (lead)", "lead", "S-lead", {}, addedDone,
            via(doneRefused("T-9"), "/tasks/{id:T-9}/status", 0, "add", "/tasks/-"));
    refused(
        "task added done (user)", "user", "", {}, addedDone,
        via(forUser(doneRefused("T-9"), "T-9"), "/tasks/{id:T-9}/status", 0, "add", "/tasks/-"));
    const QByteArray addedWithoutGate = R"([{"op": "add", "path": "/tasks/-", "value":
        {"id": "T-9", "phaseId": "developing", "title": "Sneaky", "description": "",
         "status": "done"}}])";
    refused("task added done, no gate at all (lead)", "lead", "S-lead", {}, addedWithoutGate,
            via(doneRefused("T-9"), "/tasks/{id:T-9}/status", 0, "add", "/tasks/-"));
    row("task added done, explicitly ungated (lead; not a lowering)", "lead", "S-lead", {},
        R"([{"op": "add", "path": "/tasks/-", "value":
            {"id": "T-9", "phaseId": "developing", "title": "Notes", "description": "",
             "status": "done", "validationGate": {"required": false, "stepIds": []}}}])");

    // Remove and re-add the same task with a lower gate.
    const QByteArray readded = R"([{"op": "remove", "path": "/tasks/{id:T-2}"},
        {"op": "add", "path": "/tasks/-", "value": )"
                               + taskTwo("pending", R"({"required": false, "stepIds": []})") + "}]";
    denied("task removed and re-added ungated (lead)", "lead", "S-lead", {}, readded,
           via(kLowering, "/tasks/{id:T-2}/validationGate/required", 1, "add", "/tasks/-"), 1);
    denied("task removed and re-added ungated (user)", "user", "", {}, readded,
           via(forUser(kLowering, "T-2"), "/tasks/{id:T-2}/validationGate/required", 1, "add",
               "/tasks/-"),
           1);

    // An agent row replaced with another sessionId.
    const QByteArray rekey = R"([{"op": "replace", "path": "/agents/{sessionId:S-worker}",
        "value": {"sessionId": "S-impostor", "role": "worker", "goalSummary": "Build",
                  "status": "running", "spawnedAt": "2026-07-22T09:31:00.000Z"}}])";
    denied("agent row re-keyed (lead)", "lead", "S-lead", {}, rekey,
           via(kLeadImmutable, "/agents/{sessionId:S-worker}/sessionId", 0, "replace",
               "/agents/{sessionId:S-worker}"));
    denied("agent row re-keyed (user)", "user", "", {}, rekey,
           via(kUserImmutable, "/agents/{sessionId:S-worker}/sessionId", 0, "replace",
               "/agents/{sessionId:S-worker}"));
    denied("agent row removed (lead)", "lead", "S-lead", {},
           R"([{"op": "remove", "path": "/agents/{sessionId:S-other-worker}"}])",
           via(kLeadImmutable, "/agents/{sessionId:S-other-worker}/sessionId", 0, "remove",
               "/agents/{sessionId:S-other-worker}"));
    row("agent row added (lead; a new sessionId is not a changed one)", "lead", "S-lead", {},
        R"([{"op": "add", "path": "/agents/-", "value": {"sessionId": "S-new", "role": "worker",
             "goalSummary": "More", "status": "pending", "spawnedAt": "x"}}])");
    row("agent row edited in place (lead)", "lead", "S-lead", {},
        R"([{"op": "replace", "path": "/agents/{sessionId:S-worker}",
             "value": {"sessionId": "S-worker", "role": "worker", "goalSummary": "Build more",
                       "status": "running", "spawnedAt": "2026-07-22T09:31:00.000Z"}}])");

    // A required gate with no stepIds is not satisfied.
    refused("empty stepIds (lead)", "lead", "S-lead", noSteps, doneT2, doneRefused("T-2"));
    refused("empty stepIds (user)", "user", "", noSteps, doneT2,
            forUser(doneRefused("T-2"), "T-2"));

    // Evidence written and used by the same patch (ADE reads the gates of the base).
    const QByteArray recordAndClaim = R"([
        {"op": "add", "path": "/validationStrategy/checklist/{id:C-1}/runs/-",
         "value": {"id": "run-2", "runBySessionId": "S-lead", "status": "passed",
                   "startedAt": "2026-07-22T10:00:00.000Z"}},
        {"op": "replace", "path": "/validationStrategy/checklist/{id:C-1}/latestRunId",
         "value": "run-2"},
        {"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])";
    refused("pass recorded and claimed in one patch (lead)", "lead", "S-lead", {}, recordAndClaim,
            doneRefused("T-1"), 2);
    refused("pass recorded and claimed in one patch (user)", "user", "", {}, recordAndClaim,
            forUser(doneRefused("T-1"), "T-1"), 2);
    const QByteArray passed = R"([{"op": "replace",
        "path": "/validationStrategy/checklist/{id:C-1}/runs/{id:run-1}/status",
        "value": "passed"}])";
    const QByteArray withdrawAndClaim =
        R"([{"op": "remove", "path": "/validationStrategy/checklist/{id:C-1}"},
            {"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])";
    refused("evidence removed while claiming (lead)", "lead", "S-lead", passed, withdrawAndClaim,
            doneRefused("T-1"), 1);
    refused("evidence removed while claiming (user)", "user", "", passed, withdrawAndClaim,
            forUser(doneRefused("T-1"), "T-1"), 1);
    row("evidence on record, then claimed (lead)", "lead", "S-lead", passed,
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])");

    // The override pair must concern the task being marked done.
    refused("humanOverride on another task (lead)", "lead", "S-lead", {},
            doneWithOverride("T-2", "T-1", userOverride("task", "T-2")), doneRefused("T-2"));
    refused("UserOverrideEntry for another task (user)", "user", "", {},
            doneWithOverride("T-2", "T-2", userOverride("task", "T-1")),
            forUser(doneRefused("T-2"), "T-2"));
}

void tst_PatchPolicy::overridePair_data()
{
    policyColumns();

    row("user: entry names the task", "user", "", {},
        doneWithOverride("T-2", "T-2", userOverride("task", "T-2")));
    refused("user: entry names another task", "user", "", {},
            doneWithOverride("T-2", "T-2", userOverride("task", "T-1")),
            forUser(doneRefused("T-2"), "T-2"));
    refused("user: entry has another scope", "user", "", {},
            doneWithOverride("T-2", "T-2", userOverride("step", "T-2")),
            forUser(doneRefused("T-2"), "T-2"));
    refused("user: entry names no task", "user", "", {},
            doneWithOverride("T-2", "T-2", userOverride("task", nullptr)),
            forUser(doneRefused("T-2"), "T-2"));
    refused("user: no humanOverride", "user", "", {},
            doneWithOverride("T-2", nullptr, userOverride("task", "T-2")),
            forUser(doneRefused("T-2"), "T-2"));
    refused("user: entry already in the base", "user", "",
            R"([{"op": "add", "path": "/userOverrides/-", "value": )" + userOverride("task", "T-2")
                + "}]",
            doneWithOverride("T-2", "T-2", {}), forUser(doneRefused("T-2"), "T-2"));
    refused("user: humanOverride unchanged", "user", "",
            QByteArray(R"([{"op": "add", "path": "/tasks/{id:T-2}/humanOverride", "value": )")
                + kHumanOverride + "}]",
            doneWithOverride("T-2", "T-2", userOverride("task", "T-2")),
            forUser(doneRefused("T-2"), "T-2"));
    row("lead: entry need not name the task (as in ADE)", "lead", "S-lead", {},
        doneWithOverride("T-2", "T-2", userOverride("session", nullptr)));
    row("user: override through a whole-task replace", "user", "", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-2}", "value": {"id": "T-2",
             "phaseId": "developing", "title": "Docs", "description": "", "status": "done",
             "validationGate": {"required": true, "stepIds": ["V-1"]},
             "humanOverride": {"at": "x", "fromStatus": "pending", "toStatus": "done"}}},
            {"op": "add", "path": "/userOverrides/-", "value": )"
            + userOverride("task", "T-2") + "}]");
    row("user: lowering with the pair", "user", "", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/required", "value": false},
            {"op": "add", "path": "/tasks/{id:T-2}/humanOverride", "value": )"
            + QByteArray(kHumanOverride) + R"(},
            {"op": "add", "path": "/userOverrides/-", "value": )"
            + userOverride("task", "T-2") + "}]");
    denied("user: lowering with an entry for another task", "user", "", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/required", "value": false},
               {"op": "add", "path": "/tasks/{id:T-2}/humanOverride", "value": )"
               + QByteArray(kHumanOverride) + R"(},
               {"op": "add", "path": "/userOverrides/-", "value": )"
               + userOverride("task", "T-1") + "}]",
           at(forUser(kLowering, "T-2"), "/tasks/{id:T-2}/validationGate/required"));
    refused("user: two tasks done, one entry", "user", "", {},
            R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"},
                {"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"},
                {"op": "add", "path": "/tasks/{id:T-1}/humanOverride", "value": )"
                + QByteArray(kHumanOverride) + R"(},
                {"op": "add", "path": "/tasks/{id:T-2}/humanOverride", "value": )"
                + QByteArray(kHumanOverride) + R"(},
                {"op": "add", "path": "/userOverrides/-", "value": )"
                + userOverride("task", "T-2") + "}]",
            forUser(doneRefused("T-1"), "T-1"));
}

void tst_PatchPolicy::firstFailureInOpOrder_data()
{
    policyColumns();

    denied("first of two literal denials", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/title", "value": "t"},
               {"op": "replace", "path": "/runId", "value": "R-x"},
               {"op": "replace", "path": "/etag", "value": "g9-x"}])",
           at(kLeadImmutable, "/runId"), 1);
    denied("effect at op 0 before a literal denial at op 1", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate",
                "value": {"required": false, "stepIds": []}},
               {"op": "replace", "path": "/runId", "value": "R-x"}])",
           via(kLowering, "/tasks/{id:T-2}/validationGate/required", 0, "replace",
               "/tasks/{id:T-2}/validationGate"));
    denied("literal denial at op 0 before the done gate at op 1", "lead", "S-lead", {},
           R"([{"op": "replace", "path": "/version", "value": 2},
               {"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"}])",
           at(kLeadImmutable, "/version"));
    refused("done gate at op 0 before a literal denial at op 1", "lead", "S-lead", {},
            R"([{"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"},
                {"op": "replace", "path": "/createdAt", "value": "x"}])",
            doneRefused("T-2"));
    denied(
        "the op whose value stands is blamed", "lead", "S-lead", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/title", "value": "Docs 2"},
               {"op": "replace", "path": "/tasks/{id:T-2}", "value": )"
            + taskTwo("pending", R"({"required": false, "stepIds": ["V-1"]})") + "}]",
        via(kLowering, "/tasks/{id:T-2}/validationGate/required", 1, "replace", "/tasks/{id:T-2}"),
        1);
    row("a change undone later in the patch is no change", "lead", "S-lead", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/required", "value": false},
            {"op": "replace", "path": "/tasks/{id:T-2}/validationGate/required", "value": true}])",
        "policy_denied", at(kLowering, "/tasks/{id:T-2}/validationGate/required"));
}

void tst_PatchPolicy::rootReplace_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QByteArray>("change"); // applied to the fixture to make the new document
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    const auto add = [](const char *name, const char *role, const char *change, const char *code,
                        const QString &message) {
        QTest::newRow(name) << text(role) << QByteArray(change) << text(code) << message;
    };
    add("identical document (lead)", "lead", "[]", "ok", {});
    add("only an allowed field (lead)", "lead",
        R"([{"op": "replace", "path": "/leadState/lastSnapshotEtag", "value": "g3-0a0b0c0d"}])",
        "ok", {});
    add("runId (lead)", "lead", R"([{"op": "replace", "path": "/runId", "value": "R-x"}])",
        "policy_denied", via(kLeadImmutable, "/runId", 0, "replace", "the document"));
    add("runId (user)", "user", R"([{"op": "replace", "path": "/runId", "value": "R-x"}])",
        "policy_denied", via(kUserImmutable, "/runId", 0, "replace", "the document"));
    add("a task marked done (lead)", "lead",
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"}])",
        "validation_failed",
        via(doneRefused("T-2"), "/tasks/{id:T-2}/status", 0, "replace", "the document"));
    add("a lineage edge (user)", "user",
        R"([{"op": "replace", "path": "/lineage/{id:D-1-abcdef}/status", "value": "failed"}])",
        "policy_denied",
        via(kServiceOwned, "/lineage/{id:D-1-abcdef}/status", 0, "replace", "the document"));
    add("plan approval (lead)", "lead",
        R"([{"op": "replace", "path": "/planSpec/approval/state", "value": "ready"}])",
        "policy_denied",
        via(kLeadImmutable, "/planSpec/approval/state", 0, "replace", "the document"));
    add("plan approval (user)", "user",
        R"([{"op": "replace", "path": "/planSpec/approval/state", "value": "ready"}])", "ok", {});
    add("worker: the document is not in its allow-list", "worker",
        R"([{"op": "replace", "path": "/agents/{sessionId:S-worker}/status", "value": "blocked"}])",
        "policy_denied", at(kWorkerNotAllowed, "the document"));
}

void tst_PatchPolicy::rootReplace()
{
    QFETCH(QString, role);
    QFETCH(QByteArray, change);
    QFETCH(QString, code);
    QFETCH(QString, message);

    const Json base = manifestWith({});
    const Json replacement = manifestWith(change);
    Json ops = Json::array();
    ops.push_back(Json::object({{"op", "replace"}, {"path", ""}, {"value", replacement}}));
    const JsonPatch patch = patchFrom(QByteArray::fromStdString(ops.dump()));
    const Result<Json> applied = patch.apply(base);
    RUNBOARD_VERIFY_OK(applied);
    QVERIFY(jsonEqual(*applied, replacement));

    const Actor actor
        = actorFor(role, role == QLatin1String("worker") ? text("S-worker") : QString());
    const Result<void> verdict = PatchPolicy::check(base, patch, *applied, actor);
    if (code == QLatin1String("ok")) {
        RUNBOARD_VERIFY_OK(verdict);
        return;
    }
    QVERIFY2(!verdict.isOk(), "the patch was allowed");
    QCOMPARE(errorCodeName(verdict.error().code), code);
    QCOMPARE(verdict.error().message, message);
}

void tst_PatchPolicy::gateSatisfaction_data()
{
    QTest::addColumn<QByteArray>("setup");
    QTest::addColumn<QByteArray>("taskId");
    QTest::addColumn<bool>("satisfied");

    const QByteArray passedT1 = R"([{"op": "replace",
        "path": "/validationStrategy/checklist/{id:C-1}/runs/{id:run-1}/status",
        "value": "passed"}])";
    const auto runs = [](const char *first, const char *second) -> QByteArray {
        return QByteArray(
                   R"([{"op": "replace", "path": "/validationStrategy/checklist/{id:C-1}/runs",
            "value": [{"id": "run-1", "runBySessionId": "S-validator", "status": ")")
               + first + R"(", "startedAt": "x"},
                         {"id": "run-2", "runBySessionId": "S-validator", "status": ")"
               + second + R"(", "startedAt": "y"}]},
            {"op": "replace", "path": "/validationStrategy/checklist/{id:C-1}/latestRunId",
             "value": "run-2"}])";
    };
    // T-2 gated on `steps`, plus one more checklist item.
    const auto t2With = [](const char *steps, const char *item) -> QByteArray {
        return QByteArray(R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/stepIds",
            "value": )")
               + steps + R"(}, {"op": "add", "path": "/validationStrategy/checklist/-",
            "value": )"
               + item + "}]";
    };
    const auto add
        = [](const char *name, const QByteArray &setup, const char *taskId, bool satisfied) {
              QTest::newRow(name) << setup << QByteArray(taskId) << satisfied;
          };

    add("missing task", {}, "T-404", true);
    add("not required", {}, "T-val", true);
    add("required is not the boolean false", R"([{"op": "replace",
        "path": "/tasks/{id:T-val}/validationGate/required", "value": "false"}])",
        "T-val", false);
    add("no validationGate (defaults to required)",
        R"([{"op": "remove", "path": "/tasks/{id:T-2}/validationGate"}])", "T-2", false);
    add("required, stepIds emptied",
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/validationGate/stepIds", "value": []}])",
        "T-1", false);
    add("latest run running", {}, "T-1", false);
    add("latest run passed", passedT1, "T-1", true);
    add("latest run failed after a pass", runs("passed", "failed"), "T-1", false);
    add("latest run passed after a failure", runs("failed", "passed"), "T-1", true);
    add("latestRunId names no run", R"([{"op": "replace",
        "path": "/validationStrategy/checklist/{id:C-1}/runs/{id:run-1}/status", "value": "passed"},
        {"op": "replace", "path": "/validationStrategy/checklist/{id:C-1}/latestRunId",
         "value": "run-404"}])",
        "T-1", false);
    add("no latestRunId", R"([{"op": "replace",
        "path": "/validationStrategy/checklist/{id:C-1}/runs/{id:run-1}/status", "value": "passed"},
        {"op": "remove", "path": "/validationStrategy/checklist/{id:C-1}/latestRunId"}])",
        "T-1", false);
    add("no checklist item for the task", passedT1, "T-2", false);
    add("item without taskId, per_worker step",
        t2With(R"(["V-1"])", R"({"id": "C-2", "stepId": "V-1", "latestRunId": "r",
            "runs": [{"id": "r", "runBySessionId": "S-validator", "status": "passed",
                      "startedAt": "x"}]})"),
        "T-2", false);
    add("item without taskId, mission_exit step",
        t2With(R"(["V-2"])", R"({"id": "C-2", "stepId": "V-2", "latestRunId": "r",
            "runs": [{"id": "r", "runBySessionId": "S-validator", "status": "passed",
                      "startedAt": "x"}]})"),
        "T-2", true);
    add("item with a null taskId, mission_exit step",
        t2With(R"(["V-2"])", R"({"id": "C-2", "stepId": "V-2", "taskId": null, "latestRunId": "r",
            "runs": [{"id": "r", "runBySessionId": "S-validator", "status": "passed",
                      "startedAt": "x"}]})"),
        "T-2", true);
    add("item for another task, mission_exit step",
        t2With(R"(["V-2"])", R"({"id": "C-2", "stepId": "V-2", "taskId": "T-1",
            "latestRunId": "r", "runs": [{"id": "r", "runBySessionId": "S-validator",
                                          "status": "passed", "startedAt": "x"}]})"),
        "T-2", false);
    add("item with the task's id, per_worker step",
        t2With(R"(["V-1"])", R"({"id": "C-2", "stepId": "V-1", "taskId": "T-2",
            "latestRunId": "r", "runs": [{"id": "r", "runBySessionId": "S-worker",
                                          "status": "passed", "startedAt": "x"}]})"),
        "T-2", true);
    add("every covering item must pass",
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/stepIds", "value": ["V-2"]},
            {"op": "add", "path": "/validationStrategy/checklist/-", "value": {"id": "C-2",
             "stepId": "V-2", "latestRunId": "r", "runs": [{"id": "r",
             "runBySessionId": "S-validator", "status": "passed", "startedAt": "x"}]}},
            {"op": "add", "path": "/validationStrategy/checklist/-", "value": {"id": "C-3",
             "stepId": "V-2", "taskId": "T-2", "latestRunId": "r", "runs": [{"id": "r",
             "runBySessionId": "S-validator", "status": "failed", "startedAt": "x"}]}}])",
        "T-2", false);
    add("every step needs an item", passedT1.chopped(1) + R"(, {"op": "replace",
            "path": "/tasks/{id:T-1}/validationGate/stepIds", "value": ["V-1", "V-2"]}])",
        "T-1", false);
    add("two steps, both covered", passedT1.chopped(1) + R"(, {"op": "replace",
            "path": "/tasks/{id:T-1}/validationGate/stepIds", "value": ["V-1", "V-2"]},
            {"op": "add", "path": "/validationStrategy/checklist/-", "value": {"id": "C-2",
             "stepId": "V-2", "latestRunId": "r", "runs": [{"id": "r",
             "runBySessionId": "S-validator", "status": "passed", "startedAt": "x"}]}}])",
        "T-1", true);
    add("step missing from the strategy (scope unknown, not per_worker)",
        t2With(R"(["V-9"])", R"({"id": "C-2", "stepId": "V-9", "latestRunId": "r",
            "runs": [{"id": "r", "runBySessionId": "S-validator", "status": "passed",
                      "startedAt": "x"}]})"),
        "T-2", true);
    add("a stepId that is not a string",
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate/stepIds", "value": [1]}])",
        "T-2", false);
}

void tst_PatchPolicy::gateSatisfaction()
{
    QFETCH(QByteArray, setup);
    QFETCH(QByteArray, taskId);
    QFETCH(bool, satisfied);

    QCOMPARE(PatchPolicy::taskGatesSatisfied(manifestWith(setup), taskId.toStdString()), satisfied);
}

void tst_PatchPolicy::gateSatisfactionOnOddDocuments()
{
    // Nothing to find means no task, which ADE counts as satisfied.
    QVERIFY(PatchPolicy::taskGatesSatisfied(Json::array(), "T-1"));
    QVERIFY(PatchPolicy::taskGatesSatisfied(Json::object({{"tasks", "T-1"}}), "T-1"));
    // A task with no validationStrategy at all: required by default, nothing can satisfy it.
    const Json bare = parseJson(R"({"tasks": [{"id": "T-1",
        "validationGate": {"required": true, "stepIds": ["V-1"]}}]})");
    QVERIFY(!PatchPolicy::taskGatesSatisfied(bare, "T-1"));
}

void tst_PatchPolicy::scenario49DoneAfterRecordedPass()
{
    const Actor worker{ActorRole::Worker, text("S-worker")};
    const JsonPatch done
        = patchFrom(R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])");

    Json manifest = manifestWith({});
    Result<Json> applied = done.apply(manifest);
    RUNBOARD_VERIFY_OK(applied);
    const Result<void> rejected = PatchPolicy::check(manifest, done, *applied, worker);
    QVERIFY(!rejected.isOk());
    QCOMPARE(rejected.error().code, ErrorCode::ValidationFailed);

    // The validator, assigned the validating task T-val, records V-1 passed for T-1 (what
    // recordValidationRun writes), which is not a patch and not the worker's.
    const Actor validator{ActorRole::Validator, text("S-validator")};
    const JsonPatch record = patchFrom(R"([
        {"op": "add", "path": "/validationStrategy/checklist/{id:C-1}/runs/-",
         "value": {"id": "run-2", "runBySessionId": "S-validator", "status": "passed",
                   "startedAt": "2026-07-22T10:00:00.000Z"}},
        {"op": "replace", "path": "/validationStrategy/checklist/{id:C-1}/latestRunId",
         "value": "run-2"}])");
    Result<Json> recorded = record.apply(manifest);
    RUNBOARD_VERIFY_OK(recorded);
    const Result<void> notTheValidatorsToPatch
        = PatchPolicy::check(manifest, record, *recorded, validator);
    QVERIFY(!notTheValidatorsToPatch.isOk());
    QCOMPARE(notTheValidatorsToPatch.error().code, ErrorCode::PolicyDenied);
    QVERIFY(!PatchPolicy::taskGatesSatisfied(manifest, "T-1"));
    manifest = *recorded;
    QVERIFY(PatchPolicy::taskGatesSatisfied(manifest, "T-1"));

    applied = done.apply(manifest);
    RUNBOARD_VERIFY_OK(applied);
    RUNBOARD_VERIFY_OK(PatchPolicy::check(manifest, done, *applied, worker));
}

void tst_PatchPolicy::errorDetails()
{
    const Json base = manifestWith({});
    const Actor lead{ActorRole::Lead, text("S-lead")};
    const auto verdictFor = [&](const QByteArray &ops) {
        const JsonPatch patch = patchFrom(ops);
        const Result<Json> applied = patch.apply(base);
        if (!applied.isOk())
            qFatal("bad ops: %s", qPrintable(applied.error().message));
        return PatchPolicy::check(base, patch, *applied, lead);
    };

    // An op's own path.
    const Result<void> literal = verdictFor(R"([{"op": "replace", "path": "/title", "value": "t"},
                       {"op": "replace", "path": "/laneId", "value": "L-2"}])");
    QVERIFY(!literal.isOk());
    QCOMPARE(literal.error().code, ErrorCode::PolicyDenied);
    const Json expectedLiteral = Json::object({{"opIndex", 1},
                                               {"path", "/laneId"},
                                               {"reason", kLeadImmutable.toStdString()},
                                               {"rule", "immutable_field"}});
    QVERIFY2(jsonEqual(literal.error().details, expectedLiteral),
             literal.error().details.dump().c_str());

    // The effect: the place, the rule, and the op that made the change.
    const Result<void> effect = verdictFor(
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/validationGate",
             "value": {"required": false, "stepIds": []}}])");
    QVERIFY(!effect.isOk());
    const Json expectedEffect = Json::object({{"opIndex", 0},
                                              {"path", "/tasks/{id:T-2}/validationGate/required"},
                                              {"reason", kLowering.toStdString()},
                                              {"rule", "required_lowered"},
                                              {"taskId", "T-2"},
                                              {"op", "replace"},
                                              {"opPath", "/tasks/{id:T-2}/validationGate"}});
    QVERIFY2(jsonEqual(effect.error().details, expectedEffect),
             effect.error().details.dump().c_str());

    // The done gate, set by the op itself: ADE's message alone.
    const Result<void> done
        = verdictFor(R"([{"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"}])");
    QVERIFY(!done.isOk());
    QCOMPARE(done.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(done.error().message, doneRefused("T-2"));
    const Json expectedDone = Json::object({{"opIndex", 0},
                                            {"path", "/tasks/{id:T-2}/status"},
                                            {"reason", doneRefused("T-2").toStdString()},
                                            {"rule", "done_gate"},
                                            {"taskId", "T-2"}});
    QVERIFY2(jsonEqual(done.error().details, expectedDone), done.error().details.dump().c_str());

    // Worker ownership names its own rule.
    const JsonPatch steal
        = patchFrom(R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "review"}])");
    const Result<Json> stolen = steal.apply(base);
    RUNBOARD_VERIFY_OK(stolen);
    const Result<void> notOwner = PatchPolicy::check(
        base, steal, *stolen, Actor{ActorRole::Worker, text("S-other-worker")});
    QVERIFY(!notOwner.isOk());
    QCOMPARE(QString::fromStdString(notOwner.error().details.value("rule", std::string())),
             text("not_owner"));
}

void tst_PatchPolicy::unknownRole()
{
    const Json base = manifestWith({});
    const JsonPatch patch = patchFrom(R"([{"op": "replace", "path": "/title", "value": "t"}])");
    const Result<Json> applied = patch.apply(base);
    RUNBOARD_VERIFY_OK(applied);

    // What a role read from elsewhere could hold when it is none of the four.
    const Actor stranger{static_cast<ActorRole>(42), text("S-x")};
    const Result<void> verdict = PatchPolicy::check(base, patch, *applied, stranger);
    QVERIFY(!verdict.isOk());
    QCOMPARE(verdict.error().code, ErrorCode::PolicyDenied);
    QCOMPARE(verdict.error().message, at(text("unknown actor role"), "/title"));
    QCOMPARE(actorRoleName(stranger.role), QString());

    const Error named = PatchPolicy::unknownRoleError(u"admin");
    QCOMPARE(named.code, ErrorCode::PolicyDenied);
    QCOMPARE(named.message,
             text("unknown actor role \"admin\" (expected lead, worker, validator or user)"));
    QCOMPARE(QString::fromStdString(named.details.value("role", std::string())), text("admin"));
}

void tst_PatchPolicy::emptyPatchPasses()
{
    const Json base = manifestWith({});
    for (const ActorRole role :
         {ActorRole::Lead, ActorRole::Worker, ActorRole::Validator, ActorRole::User}) {
        RUNBOARD_VERIFY_OK(PatchPolicy::check(base, JsonPatch(), base, Actor{role, QString()}));
    }
}

// A patch of tests writes nothing. The result the store checks carries the commit's new etag,
// generation, updatedAt and history entry; none of that is the `test` op's doing.
void tst_PatchPolicy::testsOnlyNeverBlameTheBookkeeping()
{
    const Json base = manifestWith({});
    const JsonPatch patch = patchFrom(R"([{"op": "test", "path": "/version", "value": 1},
                                         {"op": "test", "path": "/tasks/{id:T-1}/status",
                                          "value": "in_progress"}])");
    Json result = base;
    result["serverGeneration"] = 4;
    result["updatedAt"] = "2026-07-22T10:00:00.000Z";
    result["etag"] = "g4-0e0e0e0e";
    result["history"].push_back(
        Json{{"etag", "g4-0e0e0e0e"}, {"at", "2026-07-22T10:00:00.000Z"}, {"summary", "patch"}});
    for (const ActorRole role :
         {ActorRole::Lead, ActorRole::Worker, ActorRole::Validator, ActorRole::User}) {
        const Actor actor{role, role == ActorRole::Worker ? text("S-worker") : QString()};
        RUNBOARD_VERIFY_OK(PatchPolicy::check(base, patch, base, actor));
        RUNBOARD_VERIFY_OK(PatchPolicy::check(base, patch, result, actor));
    }
}

QTEST_APPLESS_MAIN(tst_PatchPolicy)
#include "tst_patchpolicy.moc"
