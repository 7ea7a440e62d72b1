// SPDX-License-Identifier: MIT
// ManifestValidator: checkFormat() tells v1 manifests from everything else; validateShape()
// applies ADE's validateManifestShape rules one by one (a row per rule that breaks the §2.6
// example), reports the first failure in a fixed order, and names the offending value with a
// JSON pointer that resolves in the document.

#include "jsonwalk.h"
#include "manifestvalidator.h"
#include "resultcheck.h"
#include "tempbundle.h"
#include "testpaths.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <optional>
#include <string>
#include <vector>

using namespace runboard;
using namespace runboard::test;

namespace {

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

Json exampleManifest()
{
    const QByteArray bytes = readBytes(test::dataDir() + s("/manifest-example.json"));
    return bytes.isEmpty() ? Json() : Json::parse(bytes.toStdString());
}

// The ADE fixture's manifest (tests/data/ade-worktree), or null if it is missing.
Json fixtureManifest()
{
    const QString worktree = test::adeFixtureWorktree();
    if (worktree.isEmpty())
        return Json();
    const QDir orchestration(worktree + s("/.ade/orchestration"));
    const QStringList runs = orchestration.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    if (runs.isEmpty())
        return Json();
    const QByteArray bytes = readBytes(orchestration.filePath(runs.first()) + s("/manifest.json"));
    return bytes.isEmpty() ? Json() : Json::parse(bytes.toStdString());
}

// Applies edits written as JSON: [[pointer, value], …] sets (or appends at "-"), [pointer]
// removes. Plain RFC 6901 pointers, resolved by nlohmann, so these tests do not depend on
// Runboard's own JsonPointer.
Json edited(Json document, const QByteArray &edits)
{
    for (const Json &edit : Json::parse(edits.toStdString())) {
        const Json::json_pointer pointer(edit.at(0).get<std::string>());
        if (edit.size() == 2) {
            document[pointer] = edit.at(1);
            continue;
        }
        Json &parent = document[pointer.parent_pointer()];
        if (parent.is_array())
            parent.erase(std::stoul(pointer.back()));
        else
            parent.erase(pointer.back());
    }
    return document;
}

// Resolves an ADE-style pointer: RFC 6901 tokens plus `{field:value}` (the first array element
// whose `field` is the string `value`). Returns the value, or nullptr when a token does not
// resolve.
const Json *resolve(const Json &document, const std::string &path)
{
    const Json *current = &document;
    std::size_t pos = 0;
    while (pos < path.size()) {
        if (path[pos] != '/')
            return nullptr;
        const std::size_t end = std::min(path.find('/', pos + 1), path.size());
        std::string token;
        for (std::size_t i = pos + 1; i < end; ++i) {
            if (path[i] == '~' && i + 1 < end) {
                token.push_back(path[i + 1] == '1' ? '/' : '~');
                ++i;
            } else {
                token.push_back(path[i]);
            }
        }
        pos = end;
        if (current->is_object()) {
            const auto it = current->find(token);
            if (it == current->end())
                return nullptr;
            current = &*it;
        } else if (current->is_array()) {
            if (token.size() > 2 && token.front() == '{' && token.back() == '}') {
                const std::size_t colon = token.find(':');
                const std::string field = token.substr(1, colon - 1);
                const std::string value = token.substr(colon + 1, token.size() - colon - 2);
                const Json *match = nullptr;
                for (const Json &element : *current) {
                    if (element.is_object() && element.contains(field)
                        && element.at(field) == value) {
                        match = &element;
                        break;
                    }
                }
                if (!match)
                    return nullptr;
                current = match;
            } else {
                if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos)
                    return nullptr;
                const std::size_t index = std::stoul(token);
                if (index >= current->size())
                    return nullptr;
                current = &(*current)[index];
            }
        } else {
            return nullptr;
        }
    }
    return current;
}

// The last token of a pointer and the pointer without it.
std::pair<std::string, std::string> splitLast(const std::string &path)
{
    const std::size_t slash = path.rfind('/');
    return {path.substr(0, slash), path.substr(slash + 1)};
}

std::string detailPath(const Error &error)
{
    const auto it = error.details.find("path");
    return it != error.details.end() && it->is_string() ? it->get<std::string>() : "<none>";
}

// A valid checklist item with two runs, for rows that break one of its rules.
const char kChecklist[] = R"([["/validationStrategy/checklist/-",
    {"id": "C-1", "stepId": "V-1", "taskId": "T-1", "latestRunId": "run-2",
     "runs": [
       {"id": "run-1", "runBySessionId": "S-validator", "status": "failed",
        "startedAt": "2026-07-22T10:00:00.000Z", "endedAt": "2026-07-22T10:01:00.000Z"},
       {"id": "run-2", "runBySessionId": "S-validator", "status": "passed",
        "startedAt": "2026-07-22T10:02:00.000Z"}]}]])";

// Two answered planning rounds.
const char kRounds[] = R"([["/leadState/planning/rounds", [
    {"id": "R-1", "kind": "functional", "askedAt": "2026-07-22T09:31:00.000Z",
     "question": "Which flows?", "lockedSummary": "Login only"},
    {"id": "R-2", "kind": "ui", "askedAt": "2026-07-22T09:32:00.000Z",
     "question": "Which look?", "lockedSummary": "Existing theme"}]]])";

// Both edit lists, the second applied after the first.
QByteArray both(const QByteArray &first, const QByteArray &second)
{
    Json edits = Json::parse(first.toStdString());
    for (const Json &edit : Json::parse(second.toStdString()))
        edits.push_back(edit);
    return QByteArray::fromStdString(edits.dump());
}

} // namespace

class tst_ManifestValidator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void checkFormat_data();
    void checkFormat();
    void validManifests_data();
    void validManifests();
    void brokenRules_data();
    void brokenRules();
    void firstFailureWins_data();
    void firstFailureWins();
    void pathsNameTheElementExactly_data();
    void pathsNameTheElementExactly();
    void adeDuplicateSessionIdAndEmptyAgents();
    void adeDuplicateTaskIdInOnePatch();
    void adeDuplicateTaskIdAppendedLater();
    void wrongTypesAnywhereGiveAFailureThatPointsAtTheDocument();
};

void tst_ManifestValidator::initTestCase()
{
    QVERIFY2(exampleManifest().is_object(), "tests/data/manifest-example.json is missing");
}

void tst_ManifestValidator::checkFormat_data()
{
    QTest::addColumn<QByteArray>("edits");
    QTest::addColumn<QString>("message"); // empty: passes
    QTest::addColumn<QString>("path");

    const auto ok = [](const char *name, const char *edits) {
        QTest::newRow(name) << QByteArray(edits) << QString() << QString();
    };
    const auto bad
        = [](const char *name, const char *edits, const char *message, const char *path) {
              QTest::newRow(name) << QByteArray(edits) << s(message) << s(path);
          };
    ok("the example", "[]");
    ok("version 1.0", R"([["/version", 1.0]])");
    ok("generation 0", R"([["/serverGeneration", 0]])");
    ok("generation 9.0", R"([["/serverGeneration", 9.0]])");
    ok("generation int64 max", R"([["/serverGeneration", 9223372036854775807]])");
    ok("empty etag", R"([["/etag", ""]])");
    ok("the rest missing", R"([["/agents"], ["/tasks"], ["/currentPhase"], ["/title"]])");
    bad("document is an array", R"([["", [1]]])",
        "not an ADE v1 manifest: the document is not a JSON object", "");
    bad("document is null", R"([["", null]])",
        "not an ADE v1 manifest: the document is not a JSON object", "");
    bad("version missing", R"([["/version"]])", "not an ADE v1 manifest: \"version\" is missing",
        "/version");
    bad("version 2", R"([["/version", 2]])",
        "not an ADE v1 manifest: \"version\" is 2 (expected 1)", "/version");
    bad("version 0", R"([["/version", 0]])",
        "not an ADE v1 manifest: \"version\" is 0 (expected 1)", "/version");
    bad("version string", R"([["/version", "1"]])",
        "not an ADE v1 manifest: \"version\" is \"1\" (expected 1)", "/version");
    bad("version 1.5", R"([["/version", 1.5]])",
        "not an ADE v1 manifest: \"version\" is 1.5 (expected 1)", "/version");
    bad("version true", R"([["/version", true]])",
        "not an ADE v1 manifest: \"version\" is true (expected 1)", "/version");
    bad("runId missing", R"([["/runId"]])", "not an ADE v1 manifest: \"runId\" is missing",
        "/runId");
    bad("runId number", R"([["/runId", 5]])",
        "not an ADE v1 manifest: \"runId\" is 5 (expected a non-empty string)", "/runId");
    bad("runId empty", R"([["/runId", ""]])",
        "not an ADE v1 manifest: \"runId\" is \"\" (expected a non-empty string)", "/runId");
    bad("etag missing", R"([["/etag"]])", "not an ADE v1 manifest: \"etag\" is missing", "/etag");
    bad("etag null", R"([["/etag", null]])",
        "not an ADE v1 manifest: \"etag\" is null (expected a string)", "/etag");
    bad("generation missing", R"([["/serverGeneration"]])",
        "not an ADE v1 manifest: \"serverGeneration\" is missing", "/serverGeneration");
    bad("generation negative", R"([["/serverGeneration", -1]])",
        "not an ADE v1 manifest: \"serverGeneration\" is -1 (expected an integer >= 0)",
        "/serverGeneration");
    bad("generation string", R"([["/serverGeneration", "9"]])",
        "not an ADE v1 manifest: \"serverGeneration\" is \"9\" (expected an integer >= 0)",
        "/serverGeneration");
    bad("generation fraction", R"([["/serverGeneration", 9.5]])",
        "not an ADE v1 manifest: \"serverGeneration\" is 9.5 (expected an integer >= 0)",
        "/serverGeneration");
    bad("generation beyond int64", R"([["/serverGeneration", 9223372036854775808]])",
        "not an ADE v1 manifest: \"serverGeneration\" is 9223372036854775808 (expected an "
        "integer >= 0)",
        "/serverGeneration");
    // The first problem in the order version, runId, etag, serverGeneration is the one reported.
    bad("version before runId", R"([["/version", 3], ["/runId"]])",
        "not an ADE v1 manifest: \"version\" is 3 (expected 1)", "/version");
    bad("runId before generation", R"([["/serverGeneration"], ["/runId", []]])",
        "not an ADE v1 manifest: \"runId\" is [] (expected a non-empty string)", "/runId");
}

void tst_ManifestValidator::checkFormat()
{
    QFETCH(QByteArray, edits);
    QFETCH(QString, message);
    QFETCH(QString, path);

    const Result<void> result = ManifestValidator::checkFormat(edited(exampleManifest(), edits));
    if (message.isEmpty()) {
        RUNBOARD_VERIFY_OK(result);
        return;
    }
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::Unreadable);
    QCOMPARE(result.error().message, message);
    QCOMPARE(QString::fromStdString(detailPath(result.error())), path);
}

void tst_ManifestValidator::validManifests_data()
{
    QTest::addColumn<QByteArray>("edits");

    const auto row = [](const char *name, const QByteArray &edits) {
        QTest::newRow(name) << edits;
    };
    row("the §2.6 example", "[]");
    row("minimal: one lead, no tasks", R"([["/tasks", []], ["/lineage"], ["/receipts"],
        ["/outbox"], ["/leadState", {}], ["/planSpec"], ["/history"], ["/phases"]])");
    row("a checklist with runs", kChecklist);
    row("latestRunId empty", both(kChecklist, R"([["/validationStrategy/checklist/0/latestRunId",
        ""]])"));
    row("latestRunId null", both(kChecklist, R"([["/validationStrategy/checklist/0/latestRunId",
        null]])"));
    row("latestRunId absent",
        both(kChecklist, R"([["/validationStrategy/checklist/0/latestRunId"]])"));
    row("run without endedAt or notes", both(kChecklist, R"([
        ["/validationStrategy/checklist/0/runs/0/endedAt"]])"));
    row("run runBySessionId empty", both(kChecklist, R"([
        ["/validationStrategy/checklist/0/runs/0/runBySessionId", ""]])"));
    row("duplicate checklist item ids", both(kChecklist, both(kChecklist, "[]")));
    row("planning rounds", kRounds);
    row("planning light_plan", R"([["/leadState/planning/stage", "light_plan"]])");
    row("no planning", R"([["/leadState/planning"]])");
    row("planning null", R"([["/leadState/planning", null]])");
    row("leadState not an object", R"([["/leadState", "x"]])");
    row("service arrays absent", R"([["/lineage"], ["/receipts"], ["/outbox"]])");
    row("service arrays null", R"([["/lineage", null], ["/receipts", null], ["/outbox", null]])");
    row("service arrays empty", R"([["/lineage", []], ["/receipts", []], ["/outbox", []]])");
    row("outbox maxAttempts defaulted", R"([["/outbox/0/maxAttempts"]])");
    row("outbox attempts as 2.0", R"([["/outbox/0/attempts", 2.0]])");
    row("task status done", R"([["/tasks/0/status", "done"]])");
    row("task description empty", R"([["/tasks/0/description", ""]])");
    row("task gate not required, no steps",
        R"([["/tasks/0/validationGate", {"required": false, "stepIds": []}]])");
    row("every task status", R"([["/tasks/-", {"id": "T-a", "phaseId": "planning", "title": "a",
        "description": "", "status": "pending",
        "validationGate": {"required": true, "stepIds": []}}],
        ["/tasks/-", {"id": "T-b", "phaseId": "validating", "title": "b", "description": "",
        "status": "claimed", "validationGate": {"required": true, "stepIds": []}}],
        ["/tasks/-", {"id": "T-c", "phaseId": "wrapup", "title": "c", "description": "",
        "status": "review", "validationGate": {"required": true, "stepIds": []}}],
        ["/tasks/-", {"id": "T-d", "phaseId": "developing", "title": "d", "description": "",
        "status": "failed", "validationGate": {"required": true, "stepIds": []}}]])");
    row("unknown fields everywhere", R"([["/futureField", {"x": 1}],
        ["/agents/0/mood", "calm"], ["/tasks/0/estimatedComplexity", "spike"],
        ["/tasks/0/validationGate/note", 1], ["/outbox/0/delivery/metadata", {"a": [1]}],
        ["/lineage/0/extra", null], ["/leadState/planning/overrides", {"skippedRounds": []}]])");
    row("phase status not checked", R"([["/phases/0/status", "whatever"]])");
    row("decisions not checked", R"([["/decisions", [1, "legacy"]]])");
    row("version and etag not checked here", R"([["/version", 7], ["/etag", 3]])");
}

void tst_ManifestValidator::validManifests()
{
    QFETCH(QByteArray, edits);
    RUNBOARD_VERIFY_OK(ManifestValidator::validateShape(edited(exampleManifest(), edits)));
}

void tst_ManifestValidator::brokenRules_data()
{
    QTest::addColumn<QByteArray>("edits");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("path");

    const auto row
        = [](const char *name, const QByteArray &edits, const char *message, const char *path) {
              QTest::newRow(name) << edits << s(message) << s(path);
          };
    const char *const taskT2 = R"([["/tasks/-", {"id": "T-2", "phaseId": "developing",
        "title": "Second", "description": "", "status": "pending",
        "validationGate": {"required": true, "stepIds": []}}]])";

    row("not an object", R"([["", []]])", "manifest must be a JSON object", "");
    // currentPhase
    row("currentPhase unknown", R"([["/currentPhase", "coding"]])",
        "manifest.currentPhase \"coding\" is not valid (expected planning, developing, "
        "validating or wrapup)",
        "/currentPhase");
    row("currentPhase missing", R"([["/currentPhase"]])",
        "manifest.currentPhase is missing (expected planning, developing, validating or wrapup)",
        "/currentPhase");
    row("currentPhase number", R"([["/currentPhase", 2]])", "manifest.currentPhase 2 is not valid",
        "/currentPhase");
    // agents
    row("agents empty", R"([["/agents", []]])", "manifest.agents must contain at least one agent",
        "/agents");
    row("agents missing", R"([["/agents"]])", "manifest.agents must be an array", "/agents");
    row("agents object", R"([["/agents", {"S-lead": {}}]])", "manifest.agents must be an array",
        "/agents");
    row("agent not an object", R"([["/agents/1", "S-worker-1"]])",
        "manifest.agents[1] must be an object", "/agents/1");
    row("agent sessionId missing", R"([["/agents/0/sessionId"]])",
        "manifest.agents[0] has no sessionId", "/agents/0/sessionId");
    row("agent sessionId empty", R"([["/agents/1/sessionId", ""]])",
        "manifest.agents[1] has no sessionId", "/agents/1/sessionId");
    row("agent sessionId number", R"([["/agents/1/sessionId", 1]])",
        "manifest.agents[1] has no sessionId", "/agents/1/sessionId");
    row("agent sessionId duplicate", R"([["/agents/1/sessionId", "S-lead"]])",
        "manifest.agents contains duplicate sessionId S-lead", "/agents/1/sessionId");
    // tasks
    row("tasks missing", R"([["/tasks"]])", "manifest.tasks must be an array", "/tasks");
    row("tasks object", R"([["/tasks", {}]])", "manifest.tasks must be an array", "/tasks");
    row("task not an object", R"([["/tasks/-", "T-2"]])", "manifest.tasks[1] must be an object",
        "/tasks/1");
    row("task id missing", R"([["/tasks/0/id"]])", "manifest.tasks[0] has no id", "/tasks/0/id");
    row("task id empty", R"([["/tasks/0/id", ""]])", "manifest.tasks[0] has no id", "/tasks/0/id");
    row("task id number", R"([["/tasks/0/id", 7]])", "manifest.tasks[0] has no id", "/tasks/0/id");
    row("task id duplicate", both(taskT2, R"([["/tasks/1/id", "T-1"]])"),
        "manifest.tasks contains duplicate id T-1", "/tasks/1/id");
    row("task phaseId unknown", R"([["/tasks/0/phaseId", "x"]])",
        "task T-1: phaseId \"x\" is not a phase (use phaseId, not phase)",
        "/tasks/{id:T-1}/phaseId");
    row("task phase instead of phaseId",
        R"([["/tasks/0/phaseId"], ["/tasks/0/phase", "developing"]])",
        "task T-1: phaseId is missing (use phaseId, not phase)", "/tasks/{id:T-1}/phaseId");
    row("task phaseId null", R"([["/tasks/0/phaseId", null]])",
        "task T-1: phaseId null is not a phase (use phaseId, not phase)",
        "/tasks/{id:T-1}/phaseId");
    row("second task phaseId", both(taskT2, R"([["/tasks/1/phaseId", "x"]])"),
        "task T-2: phaseId \"x\" is not a phase (use phaseId, not phase)",
        "/tasks/{id:T-2}/phaseId");
    row("task title empty", R"([["/tasks/0/title", ""]])",
        "task T-1: title must be a non-empty string", "/tasks/{id:T-1}/title");
    row("task title missing", R"([["/tasks/0/title"]])",
        "task T-1: title must be a non-empty string", "/tasks/{id:T-1}/title");
    row("task description number", R"([["/tasks/0/description", 5]])",
        "task T-1: description must be a string", "/tasks/{id:T-1}/description");
    row("task description missing", R"([["/tasks/0/description"]])",
        "task T-1: description must be a string", "/tasks/{id:T-1}/description");
    row("task status unknown", R"([["/tasks/0/status", "doing"]])",
        "task T-1: status \"doing\" is not valid (expected pending, claimed, in_progress, "
        "review, done or failed)",
        "/tasks/{id:T-1}/status");
    row("task status missing", R"([["/tasks/0/status"]])",
        "task T-1: status is missing (expected pending, claimed, in_progress, review, done or "
        "failed)",
        "/tasks/{id:T-1}/status");
    row("task gate missing", R"([["/tasks/0/validationGate"]])",
        "task T-1: validationGate must be an object", "/tasks/{id:T-1}/validationGate");
    row("task gate array", R"([["/tasks/0/validationGate", []]])",
        "task T-1: validationGate must be an object", "/tasks/{id:T-1}/validationGate");
    row("task gate required string", R"([["/tasks/0/validationGate/required", "yes"]])",
        "task T-1: validationGate.required must be a boolean",
        "/tasks/{id:T-1}/validationGate/required");
    row("task gate required missing", R"([["/tasks/0/validationGate/required"]])",
        "task T-1: validationGate.required must be a boolean",
        "/tasks/{id:T-1}/validationGate/required");
    row("task gate stepIds string", R"([["/tasks/0/validationGate/stepIds", "V-1"]])",
        "task T-1: validationGate.stepIds must be an array",
        "/tasks/{id:T-1}/validationGate/stepIds");
    // validationStrategy
    row("validationStrategy missing", R"([["/validationStrategy"]])",
        "manifest.validationStrategy must be an object", "/validationStrategy");
    row("validationStrategy steps object", R"([["/validationStrategy/steps", {}]])",
        "manifest.validationStrategy.steps must be an array", "/validationStrategy/steps");
    row("validationStrategy checklist null", R"([["/validationStrategy/checklist", null]])",
        "manifest.validationStrategy.checklist must be an array", "/validationStrategy/checklist");
    // checklist items and runs
    row("checklist item not an object", R"([["/validationStrategy/checklist/-", 1]])",
        "manifest.validationStrategy.checklist[0] must be an object",
        "/validationStrategy/checklist/0");
    row("checklist item id missing",
        both(kChecklist, R"([["/validationStrategy/checklist/0/id"]])"),
        "manifest.validationStrategy.checklist[0] has no id", "/validationStrategy/checklist/0/id");
    row("checklist item stepId missing",
        both(kChecklist, R"([["/validationStrategy/checklist/0/stepId"]])"),
        "checklist item C-1: stepId must be a non-empty string",
        "/validationStrategy/checklist/{id:C-1}/stepId");
    row("checklist item runs missing",
        both(kChecklist, R"([["/validationStrategy/checklist/0/runs"]])"),
        "checklist item C-1: runs must be an array", "/validationStrategy/checklist/{id:C-1}/runs");
    row("checklist run not an object",
        both(kChecklist, R"([["/validationStrategy/checklist/0/runs/1", "run-2"]])"),
        "checklist item C-1: runs[1] must be an object",
        "/validationStrategy/checklist/{id:C-1}/runs/1");
    row("checklist run id missing",
        both(kChecklist, R"([["/validationStrategy/checklist/0/runs/0/id"]])"),
        "checklist item C-1: runs[0] has no id",
        "/validationStrategy/checklist/{id:C-1}/runs/0/id");
    row("checklist run runBySessionId number",
        both(kChecklist, R"([["/validationStrategy/checklist/0/runs/0/runBySessionId", 5]])"),
        "checklist item C-1, run run-1: runBySessionId must be a string",
        "/validationStrategy/checklist/{id:C-1}/runs/{id:run-1}/runBySessionId");
    row("checklist run status unknown",
        both(kChecklist, R"([["/validationStrategy/checklist/0/runs/1/status", "ok"]])"),
        "checklist item C-1, run run-2: status \"ok\" is not valid (expected running, passed or "
        "failed)",
        "/validationStrategy/checklist/{id:C-1}/runs/{id:run-2}/status");
    row("checklist run startedAt empty",
        both(kChecklist, R"([["/validationStrategy/checklist/0/runs/0/startedAt", ""]])"),
        "checklist item C-1, run run-1: startedAt must be a non-empty string",
        "/validationStrategy/checklist/{id:C-1}/runs/{id:run-1}/startedAt");
    row("checklist latestRunId names no run",
        both(kChecklist, R"([["/validationStrategy/checklist/0/latestRunId", "run-9"]])"),
        "checklist item C-1: latestRunId \"run-9\" names no run",
        "/validationStrategy/checklist/{id:C-1}/latestRunId");
    row("checklist latestRunId number",
        both(kChecklist, R"([["/validationStrategy/checklist/0/latestRunId", 1]])"),
        "checklist item C-1: latestRunId 1 names no run",
        "/validationStrategy/checklist/{id:C-1}/latestRunId");
    row("checklist latestRunId without runs",
        both(kChecklist, R"([["/validationStrategy/checklist/0/runs", []]])"),
        "checklist item C-1: latestRunId \"run-2\" names no run",
        "/validationStrategy/checklist/{id:C-1}/latestRunId");
    // planning
    row("planning not an object", R"([["/leadState/planning", "ready"]])",
        "manifest.leadState.planning must be an object", "/leadState/planning");
    row("planning stage unknown", R"([["/leadState/planning/stage", "later"]])",
        "manifest.leadState.planning: stage \"later\" is not valid (expected intake, light_plan, "
        "round_functional, round_ui, round_extras, rounds_complete or ready)",
        "/leadState/planning/stage");
    row("planning stage missing", R"([["/leadState/planning/stage"]])",
        "manifest.leadState.planning: stage is missing", "/leadState/planning/stage");
    row("planning rounds missing", R"([["/leadState/planning/rounds"]])",
        "manifest.leadState.planning: rounds must be an array", "/leadState/planning/rounds");
    row("planning round id missing", both(kRounds, R"([["/leadState/planning/rounds/1/id"]])"),
        "manifest.leadState.planning.rounds[1] has no id", "/leadState/planning/rounds/1/id");
    row("planning round id duplicate",
        both(kRounds, R"([["/leadState/planning/rounds/1/id", "R-1"]])"),
        "manifest.leadState.planning.rounds contains duplicate id R-1",
        "/leadState/planning/rounds/1/id");
    row("planning round kind unknown",
        both(kRounds, R"([["/leadState/planning/rounds/1/kind", "misc"]])"),
        "planning round R-2: kind \"misc\" is not valid (expected functional, ui or extras)",
        "/leadState/planning/rounds/{id:R-2}/kind");
    row("planning round question empty",
        both(kRounds, R"([["/leadState/planning/rounds/0/question", ""]])"),
        "planning round R-1: question must be a non-empty string",
        "/leadState/planning/rounds/{id:R-1}/question");
    row("planning round lockedSummary missing",
        both(kRounds, R"([["/leadState/planning/rounds/0/lockedSummary"]])"),
        "planning round R-1: lockedSummary must be a non-empty string",
        "/leadState/planning/rounds/{id:R-1}/lockedSummary");
    // lineage
    row("lineage not an array", R"([["/lineage", {}]])", "manifest.lineage must be an array",
        "/lineage");
    row("lineage edge not an object", R"([["/lineage/0", 1]])",
        "manifest.lineage[0] must be an object", "/lineage/0");
    row("lineage id duplicate", R"([["/lineage/-", {"id": "D-1-9f8e7d"}]])",
        "manifest.lineage contains duplicate id D-1-9f8e7d", "/lineage/1/id");
    row("lineage parentSessionId missing", R"([["/lineage/0/parentSessionId"]])",
        "lineage edge D-1-9f8e7d: parentSessionId must be a non-empty string",
        "/lineage/{id:D-1-9f8e7d}/parentSessionId");
    row("lineage childSessionId empty", R"([["/lineage/0/childSessionId", ""]])",
        "lineage edge D-1-9f8e7d: childSessionId must be a non-empty string",
        "/lineage/{id:D-1-9f8e7d}/childSessionId");
    row("lineage childRole unknown", R"([["/lineage/0/childRole", "boss"]])",
        "lineage edge D-1-9f8e7d: childRole \"boss\" is not valid (expected lead, worker or "
        "validator)",
        "/lineage/{id:D-1-9f8e7d}/childRole");
    row("lineage spawnedAt missing", R"([["/lineage/0/spawnedAt"]])",
        "lineage edge D-1-9f8e7d: spawnedAt must be a non-empty string",
        "/lineage/{id:D-1-9f8e7d}/spawnedAt");
    row("lineage spawnEtag missing", R"([["/lineage/0/spawnEtag"]])",
        "lineage edge D-1-9f8e7d: spawnEtag must be a string",
        "/lineage/{id:D-1-9f8e7d}/spawnEtag");
    row("lineage briefDigest number", R"([["/lineage/0/briefDigest", 0]])",
        "lineage edge D-1-9f8e7d: briefDigest must be a string",
        "/lineage/{id:D-1-9f8e7d}/briefDigest");
    row("lineage status unknown", R"([["/lineage/0/status", "done"]])",
        "lineage edge D-1-9f8e7d: status \"done\" is not valid (expected running, completed, "
        "failed, cancelled or superseded)",
        "/lineage/{id:D-1-9f8e7d}/status");
    // receipts
    row("receipts not an array", R"([["/receipts", "none"]])", "manifest.receipts must be an array",
        "/receipts");
    row("receipt requestId missing", R"([["/receipts/0/requestId"]])",
        "manifest.receipts[0] has no requestId", "/receipts/0/requestId");
    row("receipt requestId duplicate", R"([["/receipts/-", {"requestId": "spawn:8d1c…"}]])",
        "manifest.receipts contains duplicate requestId spawn:8d1c…", "/receipts/1/requestId");
    row("receipt kind unknown", R"([["/receipts/0/kind", "spawn"]])",
        "receipt spawn:8d1c…: kind \"spawn\" is not valid (expected spawnAgent or messageAgent)",
        "/receipts/{requestId:spawn:8d1c…}/kind");
    row("receipt createdAt missing", R"([["/receipts/0/createdAt"]])",
        "receipt spawn:8d1c…: createdAt must be a non-empty string",
        "/receipts/{requestId:spawn:8d1c…}/createdAt");
    row("receipt status unknown", R"([["/receipts/0/status", "done"]])",
        "receipt spawn:8d1c…: status \"done\" is not valid (expected pending or completed)",
        "/receipts/{requestId:spawn:8d1c…}/status");
    // outbox
    row("outbox not an array", R"([["/outbox", 0]])", "manifest.outbox must be an array",
        "/outbox");
    row("outbox id missing", R"([["/outbox/0/id"]])", "manifest.outbox[0] has no id",
        "/outbox/0/id");
    row("outbox id duplicate", R"([["/outbox/-", {"id": "OB-2f4c6e8a0b1d3f57"}]])",
        "manifest.outbox contains duplicate id OB-2f4c6e8a0b1d3f57", "/outbox/1/id");
    row("outbox kind unknown", R"([["/outbox/0/kind", "note"]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: kind \"note\" is not valid (expected brief, ping, "
        "lead_status, cancel_interrupt or completion)",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/kind");
    row("outbox targetSessionId empty", R"([["/outbox/0/targetSessionId", ""]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: targetSessionId must be a non-empty string",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/targetSessionId");
    row("outbox delivery missing", R"([["/outbox/0/delivery"]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: delivery must be an object",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/delivery");
    row("outbox delivery op unknown", R"([["/outbox/0/delivery/op", "email"]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: delivery: op \"email\" is not valid (expected "
        "sendMessage, steer, interrupt-replace or interrupt)",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/delivery/op");
    row("outbox status unknown", R"([["/outbox/0/status", "sent"]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: status \"sent\" is not valid (expected pending, "
        "delivering, delivered or failed)",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/status");
    row("outbox attempts negative", R"([["/outbox/0/attempts", -1]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: attempts must be an integer >= 0",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/attempts");
    row("outbox attempts fraction", R"([["/outbox/0/attempts", 1.5]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: attempts must be an integer >= 0",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/attempts");
    row("outbox attempts missing", R"([["/outbox/0/attempts"]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: attempts must be an integer >= 0",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/attempts");
    row("outbox maxAttempts zero", R"([["/outbox/0/maxAttempts", 0]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: maxAttempts must be an integer >= 1",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/maxAttempts");
    row("outbox maxAttempts null", R"([["/outbox/0/maxAttempts", null]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: maxAttempts must be an integer >= 1",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/maxAttempts");
    row("outbox createdAt missing", R"([["/outbox/0/createdAt"]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: createdAt must be a non-empty string",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/createdAt");
    row("outbox updatedAt number", R"([["/outbox/0/updatedAt", 1]])",
        "outbox entry OB-2f4c6e8a0b1d3f57: updatedAt must be a non-empty string",
        "/outbox/{id:OB-2f4c6e8a0b1d3f57}/updatedAt");
}

void tst_ManifestValidator::brokenRules()
{
    QFETCH(QByteArray, edits);
    QFETCH(QString, message);
    QFETCH(QString, path);

    const Json document = edited(exampleManifest(), edits);
    const Result<void> result = ManifestValidator::validateShape(document);
    QVERIFY2(!result.isOk(), "the edit should break the shape");
    QCOMPARE(result.error().code, ErrorCode::ValidationFailed);
    QVERIFY2(result.error().message.startsWith(message),
             qPrintable(s("message: ") + result.error().message));
    const std::string actualPath = detailPath(result.error());
    QCOMPARE(QString::fromStdString(actualPath), path);
    // The path names the offending value, or the missing member of an existing object.
    if (!resolve(document, actualPath)) {
        const auto [parent, member] = splitLast(actualPath);
        const Json *container = resolve(document, parent);
        QVERIFY2(container && container->is_object() && !container->contains(member),
                 actualPath.c_str());
    }
    // The edit alone breaks it: the same manifest without the edit is valid.
    RUNBOARD_VERIFY_OK(ManifestValidator::validateShape(exampleManifest()));
}

void tst_ManifestValidator::firstFailureWins_data()
{
    QTest::addColumn<QByteArray>("edits");
    QTest::addColumn<QString>("message");

    QTest::newRow("currentPhase before agents")
        << QByteArray(R"([["/agents", []], ["/currentPhase", "x"]])")
        << s("manifest.currentPhase \"x\" is not valid");
    QTest::newRow("agents before tasks")
        << QByteArray(R"([["/tasks/0/title", ""], ["/agents/1/sessionId", "S-lead"]])")
        << s("manifest.agents contains duplicate sessionId S-lead");
    QTest::newRow("tasks before validationStrategy")
        << QByteArray(R"([["/validationStrategy"], ["/tasks/0/status", "x"]])")
        << s("task T-1: status \"x\" is not valid");
    QTest::newRow("validationStrategy before planning")
        << QByteArray(R"([["/leadState/planning/stage", "x"], ["/validationStrategy/steps", 1]])")
        << s("manifest.validationStrategy.steps must be an array");
    QTest::newRow("planning before lineage")
        << QByteArray(R"([["/lineage/0/status", "x"], ["/leadState/planning/rounds", 1]])")
        << s("manifest.leadState.planning: rounds must be an array");
    QTest::newRow("lineage before receipts")
        << QByteArray(R"([["/receipts/0/kind", "x"], ["/lineage/0/status", "x"]])")
        << s("lineage edge D-1-9f8e7d: status");
    QTest::newRow("receipts before outbox")
        << QByteArray(R"([["/outbox/0/kind", "x"], ["/receipts/0/kind", "x"]])")
        << s("receipt spawn:8d1c…: kind");
    QTest::newRow("earlier task first")
        << QByteArray(R"([["/tasks/-", {"id": "T-2", "phaseId": "developing", "title": ""}],
            ["/tasks/0/status", "x"]])")
        << s("task T-1: status");
    QTest::newRow("a task's fields in order")
        << QByteArray(R"([["/tasks/0/validationGate"], ["/tasks/0/status", "x"],
            ["/tasks/0/title", ""]])")
        << s("task T-1: title");
    QTest::newRow("duplicate id before the duplicate's fields")
        << QByteArray(R"([["/tasks/-", {"id": "T-1", "phaseId": "nowhere"}]])")
        << s("manifest.tasks contains duplicate id T-1");
    QTest::newRow("runs before latestRunId")
        << both(kChecklist, R"([["/validationStrategy/checklist/0/latestRunId", "x"],
            ["/validationStrategy/checklist/0/runs/1/status", "x"]])")
        << s("checklist item C-1, run run-2: status");
}

void tst_ManifestValidator::firstFailureWins()
{
    QFETCH(QByteArray, edits);
    QFETCH(QString, message);

    const Json document = edited(exampleManifest(), edits);
    const Result<void> result = ManifestValidator::validateShape(document);
    QVERIFY(!result.isOk());
    QVERIFY2(result.error().message.startsWith(message), qPrintable(result.error().message));
    // Deterministic: the same document gives the same answer again.
    const Result<void> again = ManifestValidator::validateShape(document);
    QCOMPARE(again.error().message, result.error().message);
    QVERIFY(again.error().details == result.error().details);
}

void tst_ManifestValidator::pathsNameTheElementExactly_data()
{
    QTest::addColumn<QByteArray>("edits");
    QTest::addColumn<QString>("path");

    // An id with `/` and `~` is escaped inside the predicate.
    QTest::newRow("escaped id") << QByteArray(R"([["/tasks/0/id", "a/b~c"],
        ["/tasks/0/status", "x"]])")
                                << s("/tasks/{id:a~1b~0c}/status");
    // An id a predicate cannot carry falls back to the index.
    QTest::newRow("id with a brace") << QByteArray(R"([["/tasks/0/id", "T}1"],
        ["/tasks/0/status", "x"]])") << s("/tasks/0/status");
    // A predicate would pick the first of two runs with the same id; the second gets its index.
    QTest::newRow("second of two runs with one id")
        << both(kChecklist, R"([["/validationStrategy/checklist/0/runs/1/id", "run-1"],
            ["/validationStrategy/checklist/0/latestRunId", "run-1"],
            ["/validationStrategy/checklist/0/runs/1/status", "x"]])")
        << s("/validationStrategy/checklist/{id:C-1}/runs/1/status");
    QTest::newRow("second of two checklist items with one id")
        << both(kChecklist, both(kChecklist, R"([["/validationStrategy/checklist/1/stepId", 4]])"))
        << s("/validationStrategy/checklist/1/stepId");
    QTest::newRow("unicode id") << QByteArray(R"([["/tasks/0/id", "T-é✓"],
        ["/tasks/0/title", ""]])")
                                << s("/tasks/{id:T-é✓}/title");
}

void tst_ManifestValidator::pathsNameTheElementExactly()
{
    QFETCH(QByteArray, edits);
    QFETCH(QString, path);

    const Json document = edited(exampleManifest(), edits);
    const Result<void> result = ManifestValidator::validateShape(document);
    QVERIFY(!result.isOk());
    const std::string actual = detailPath(result.error());
    QCOMPARE(QString::fromStdString(actual), path);
    const Json *value = resolve(document, actual);
    QVERIFY(value);
    // The path selects the value that was broken.
    const Json broken = Json::parse(edits.toStdString()).back().at(1);
    QVERIFY(*value == broken);
}

void tst_ManifestValidator::adeDuplicateSessionIdAndEmptyAgents()
{
    // ADE scenario 14: an internal patch adding an agent with a duplicate sessionId, then one
    // replacing /agents with [].
    const Json run = test::TempBundle::minimalManifest(s("R-20260722093015-a1b2c3"));
    RUNBOARD_VERIFY_OK(ManifestValidator::validateShape(run));

    Json duplicate = run;
    duplicate["agents"].push_back({{"sessionId", "S-lead"},
                                   {"role", "worker"},
                                   {"goalSummary", "copy"},
                                   {"status", "pending"},
                                   {"spawnedAt", "2026-07-22T09:31:00.000Z"}});
    const Result<void> duplicated = ManifestValidator::validateShape(duplicate);
    QVERIFY(!duplicated.isOk());
    QCOMPARE(duplicated.error().code, ErrorCode::ValidationFailed);
    QVERIFY(duplicated.error().message.contains(s("duplicate sessionId")));

    Json empty = run;
    empty["agents"] = Json::array();
    const Result<void> emptied = ManifestValidator::validateShape(empty);
    QVERIFY(!emptied.isOk());
    QVERIFY(emptied.error().message.contains(s("at least one agent")));
}

void tst_ManifestValidator::adeDuplicateTaskIdInOnePatch()
{
    // ADE scenario 15: one patch appending two tasks with the same id T-1.
    Json run = test::TempBundle::minimalManifest(s("R-20260722093015-a1b2c3"));
    QVERIFY(run.at("tasks").empty());
    const Json task{{"id", "T-1"},
                    {"phaseId", "developing"},
                    {"title", "Login form"},
                    {"description", ""},
                    {"status", "pending"},
                    {"validationGate", {{"required", true}, {"stepIds", Json::array()}}}};
    run["tasks"].push_back(task);
    run["tasks"].push_back(task);
    const Result<void> result = ManifestValidator::validateShape(run);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::ValidationFailed);
    QVERIFY(result.error().message.contains(s("duplicate id T-1")));
    QCOMPARE(QString::fromStdString(detailPath(result.error())), s("/tasks/1/id"));
}

void tst_ManifestValidator::adeDuplicateTaskIdAppendedLater()
{
    // ADE scenario 16: a run that already has T-1 gets `add /tasks/-` with T-1 again.
    Json run = test::TempBundle::minimalManifest(s("R-20260722093015-a1b2c3"));
    const Json task{{"id", "T-1"},
                    {"phaseId", "planning"},
                    {"title", "Plan"},
                    {"description", "write the plan"},
                    {"status", "in_progress"},
                    {"validationGate", {{"required", false}, {"stepIds", Json::array()}}}};
    run["tasks"].push_back(task);
    RUNBOARD_VERIFY_OK(ManifestValidator::validateShape(run));

    Json again = task;
    again["title"] = "Another plan";
    run["tasks"].push_back(again);
    const Result<void> result = ManifestValidator::validateShape(run);
    QVERIFY(!result.isOk());
    QVERIFY(result.error().message.contains(s("duplicate id T-1")));
}

void tst_ManifestValidator::wrongTypesAnywhereGiveAFailureThatPointsAtTheDocument()
{
    // Every value of the example and of the ADE fixture replaced by every JSON type in turn: no
    // exception, both checks answer, and a shape failure's path always resolves (to the value or
    // to a missing member of an existing object).
    const std::vector<Json> replacements{Json(nullptr),  Json(false),    Json(-1),
                                         Json(0.5),      Json(""),       Json("x}"),
                                         Json::array(),  Json::object(), Json::array({nullptr}),
                                         Json{{"id", 1}}};
    std::vector<Json> bases{exampleManifest()};
    {
        const Json fixture = fixtureManifest();
        QVERIFY2(fixture.is_object(), "tests/data/ade-worktree holds no readable manifest");
        RUNBOARD_VERIFY_OK(ManifestValidator::checkFormat(fixture));
        RUNBOARD_VERIFY_OK(ManifestValidator::validateShape(fixture));
        bases.push_back(fixture);
    }
    int failures = 0;
    for (const Json &base : bases) {
        std::vector<Json::json_pointer> pointers;
        collectPointers(base, Json::json_pointer(), &pointers);
        for (const Json::json_pointer &pointer : pointers) {
            for (const Json &replacement : replacements) {
                Json document = base;
                document[pointer] = replacement;
                std::optional<Result<void>> shape;
                try {
                    (void)ManifestValidator::checkFormat(document);
                    shape = ManifestValidator::validateShape(document);
                } catch (const std::exception &e) {
                    QFAIL(qPrintable(s("%1 = %2 threw: %3")
                                         .arg(QString::fromStdString(pointer.to_string()),
                                              QString::fromStdString(replacement.dump()),
                                              QString::fromUtf8(e.what()))));
                }
                if (shape->isOk())
                    continue;
                ++failures;
                QCOMPARE(shape->error().code, ErrorCode::ValidationFailed);
                QVERIFY(!shape->error().message.isEmpty());
                const std::string path = detailPath(shape->error());
                if (resolve(document, path))
                    continue;
                const auto [parent, member] = splitLast(path);
                const Json *container = resolve(document, parent);
                QVERIFY2(container && container->is_object() && !container->contains(member),
                         qPrintable(QString::fromStdString(pointer.to_string() + " -> " + path)));
            }
        }
    }
    QVERIFY(failures > 500);
}

QTEST_GUILESS_MAIN(tst_ManifestValidator)
#include "tst_manifestvalidator.moc"
