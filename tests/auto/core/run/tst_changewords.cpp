// SPDX-License-Identifier: MIT
// ChangeWords: what changed between two versions of a manifest, in sentences. A table of
// version pairs (the run written by ADE, changed by a patch) gives the exact sentences; a seeded
// property test mutates leaves of two realistic manifests at random and checks that every leaf
// difference jsonDiff finds is covered by some group's pointers (RUNBOARD_TEST_SEED replays a
// failure).

#include "changewords.h"
#include "documentchanges.h"
#include "jsondiff.h"
#include "jsonpatch.h"
#include "jsonreader.h"
#include "jsonwalk.h"
#include "testpaths.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

using namespace runboard;
using namespace runboard::test;

namespace {

constexpr quint32 kDefaultSeed = 0xc0ffee14;

Json readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QByteArray bytes = file.readAll();
    Result<Json> parsed
        = JsonReader::parse(std::string_view(bytes.constData(), std::size_t(bytes.size())));
    if (!parsed.isOk())
        qFatal("%s: %s", qPrintable(path), qPrintable(parsed.error().message));
    return std::move(parsed).value();
}

// The run ADE wrote (tests/data/ade-worktree): planning phase, T-1 in progress for S-worker-1.
Json adeManifest()
{
    return readJson(adeFixtureManifestPath());
}

Json exampleManifest()
{
    return readJson(dataDir() + QStringLiteral("/manifest-example.json"));
}

Json patched(const Json &document, const QByteArray &ops)
{
    if (ops.isEmpty())
        return document;
    const Result<JsonPatch> patch = JsonPatch::fromJson(Json::parse(ops.toStdString()));
    if (!patch.isOk())
        qFatal("bad patch in test table: %s", qPrintable(patch.error().message));
    Result<Json> applied = patch->apply(document);
    if (!applied.isOk())
        qFatal("patch does not apply in test table: %s", qPrintable(applied.error().message));
    return std::move(applied).value();
}

bool isTokenPrefix(const std::vector<std::string> &prefix, const std::vector<std::string> &path)
{
    return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

const char kHistoryEntries[] = R"([
    {"op": "add", "path": "/history/-", "value": {"etag": "g7-aaaa0001",
        "at": "2026-11-24T10:55:00.000Z", "summary": "claim",
        "patchKindSummary": "/tasks/{id:T-2}/status×1,/agents/{sessionId:S-worker-1}/status×1"}},
    {"op": "add", "path": "/history/-", "value": {"etag": "g8-aaaa0002",
        "at": "2026-11-24T10:56:00.000Z", "summary": "recordValidationRun",
        "patchKindSummary": "/validationStrategy/checklist/-×1"}}
])";

const char kChecklistItem[] = R"([
    {"op": "add", "path": "/validationStrategy/checklist/-", "value": {"id": "C-T-1-V-1",
        "stepId": "V-1", "taskId": "T-1", "latestRunId": "run-T-1-V-1-abc123",
        "runs": [{"id": "run-T-1-V-1-abc123", "runBySessionId": "S-validator-1",
                  "status": "running", "startedAt": "2026-11-24T10:57:00.000Z"}]}}
])";

} // namespace

class tst_ChangeWords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sentences_data();
    void sentences();
    void groupsSayWhatTheyCover();
    void summaryLine_data();
    void summaryLine();
    void historyAuthor_data();
    void historyAuthor();
    void shortValue_data();
    void shortValue();
    void everyLeafDifferenceIsCovered_data();
    void everyLeafDifferenceIsCovered();
    void theChangedPartsSayWhatTheWholeSays_data();
    void theChangedPartsSayWhatTheWholeSays();
};

void tst_ChangeWords::sentences_data()
{
    QTest::addColumn<QByteArray>("setup");  // applied to the ADE run to make `from`
    QTest::addColumn<QByteArray>("change"); // applied to `from` to make `to`
    QTest::addColumn<bool>("bookkeeping");
    QTest::addColumn<QStringList>("expected");

    const auto row = [](const char *name, const QByteArray &setup, const QByteArray &change,
                        const QStringList &expected, bool bookkeeping = false) {
        QTest::newRow(name) << setup << change << bookkeeping << expected;
    };
    const auto one = [](const char *text) {
        return QStringList{QString::fromUtf8(text)};
    };

    row("status and release", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "review"},
            {"op": "remove", "path": "/tasks/{id:T-1}/assigneeSessionId"}])",
        one("T-1: status in_progress → review; assignee S-worker-1 → (none)"));
    row("cancellation requested", {},
        R"([{"op": "add", "path": "/agents/{sessionId:S-worker-1}/cancellationRequested",
             "value": true}])",
        one("S-worker-1: cancellation requested"));
    row("stalled", {},
        R"([{"op": "replace", "path": "/agents/{sessionId:S-worker-1}/stalled", "value": true}])",
        one("S-worker-1: stalled"));
    row("current phase", {},
        R"([{"op": "replace", "path": "/currentPhase", "value": "developing"}])",
        one("Phase planning → developing"));
    row("a phase's status", {},
        R"([{"op": "replace", "path": "/phases/{id:planning}/status", "value": "done"}])",
        one("Phase planning: status active → done"));
    row("plan approved by the user", {},
        R"([{"op": "replace", "path": "/planSpec/approval", "value": {"state": "approved",
             "approvedAt": "2026-11-24T11:00:00.000Z", "approvedBySessionId": "user:ana@box"}},
            {"op": "add", "path": "/leadState/planApprovedAt",
             "value": "2026-11-24T11:00:00.000Z"},
            {"op": "add", "path": "/leadState/planApprovedBySessionId",
             "value": "user:ana@box"}])",
        one("Plan approved by user:ana@box"));
    row("plan ready for approval", {},
        R"([{"op": "replace", "path": "/planSpec/approval/state", "value": "ready"},
            {"op": "add", "path": "/planSpec/approval/requestedAt",
             "value": "2026-11-24T11:00:00.000Z"}])",
        one("Plan approval drafting → ready"));
    row("new history entries", {}, kHistoryEntries,
        one("+2 history entries: claim (S-worker-1), recordValidationRun"));
    row("task added", {},
        R"([{"op": "add", "path": "/tasks/-", "value": {"id": "T-9", "phaseId": "developing",
             "title": "Fix login", "description": "", "status": "pending",
             "validationGate": {"required": false, "stepIds": []}}}])",
        one("T-9: added"));
    row("task removed", {}, R"([{"op": "remove", "path": "/tasks/{id:T-3}"}])",
        one("T-3: removed"));
    row("title", {}, R"([{"op": "replace", "path": "/tasks/{id:T-2}/title", "value": "Cookies"}])",
        one("T-2: title 'Session cookie' → 'Cookies'"));
    row("tasks in the order the new version lists them", {},
        R"([{"op": "add", "path": "/tasks/{id:T-3}/priority", "value": "low"},
            {"op": "replace", "path": "/tasks/{id:T-1}/priority", "value": "critical"},
            {"op": "remove", "path": "/tasks/{id:T-2}"}])",
        QStringList{QStringLiteral("T-1: priority high → critical"),
                    QStringLiteral("T-3: priority (none) → low"), QStringLiteral("T-2: removed")});
    row("human override", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "done"},
            {"op": "add", "path": "/tasks/{id:T-2}/humanOverride", "value": {
             "byUserId": "user:ana@box", "at": "2026-11-24T11:00:00.000Z",
             "fromStatus": "pending", "toStatus": "done",
             "reason": "tests verified by hand"}},
            {"op": "add", "path": "/userOverrides/-", "value": {"id": "O-1",
             "at": "2026-11-24T11:00:00.000Z", "scope": "task", "appliedToId": "T-2",
             "instruction": "accept without validation"}}])",
        QStringList{
            QStringLiteral("T-2: status pending → done; human override 'tests verified by hand'"),
            QStringLiteral("Override O-1 recorded: 'accept without validation' (task T-2)")});
    row("decision", {},
        R"([{"op": "add", "path": "/decisions/-", "value": {"id": "D-4",
             "at": "2026-11-24T11:00:00.000Z", "source": "lead",
             "summary": "Use cookies for sessions"}}])",
        one("Decision D-4 recorded: 'Use cookies for sessions'"));
    row("validation run recorded", {}, kChecklistItem,
        one("C-T-1-V-1: run run-T-1-V-1-abc123 started"));
    row("validation run passed", kChecklistItem,
        R"([{"op": "replace",
             "path": "/validationStrategy/checklist/{id:C-T-1-V-1}/runs/{id:run-T-1-V-1-abc123}/status",
             "value": "passed"}])",
        one("C-T-1-V-1: run run-T-1-V-1-abc123 running → passed"));
    row("another validation run", kChecklistItem,
        R"([{"op": "add", "path": "/validationStrategy/checklist/{id:C-T-1-V-1}/runs/-",
             "value": {"id": "run-T-1-V-1-def456", "runBySessionId": "S-validator-1",
                       "status": "failed", "startedAt": "2026-11-24T10:58:00.000Z"}},
            {"op": "replace", "path": "/validationStrategy/checklist/{id:C-T-1-V-1}/latestRunId",
             "value": "run-T-1-V-1-def456"}])",
        one("C-T-1-V-1: run run-T-1-V-1-def456 failed"));
    row("asset", {},
        R"([{"op": "add", "path": "/assets/-", "value": {"id": "A-1-abcdef",
             "path": "artifacts/evidence/login.png", "kind": "screenshot", "version": 1}}])",
        one("Asset A-1-abcdef added: screenshot 'artifacts/evidence/login.png'"));
    row("unknown field, by path",
        R"([{"op": "add", "path": "/modelRouting/default",
             "value": {"provider": "claude", "modelId": "claude-sonnet-5"}}])",
        R"([{"op": "replace", "path": "/modelRouting/default/modelId", "value": "other"},
            {"op": "add", "path": "/modelRouting/default/fastMode", "value": true}])",
        one("/modelRouting/default changed"));
    row("unknown member added", {},
        R"([{"op": "add", "path": "/modelRouting/default",
             "value": {"provider": "claude", "modelId": "claude-sonnet-5"}}])",
        one("/modelRouting/default added"));
    row("run title and goal, long values shortened", {},
        R"([{"op": "replace", "path": "/title", "value": "Sign-in\nform"},
            {"op": "replace", "path": "/goalSummary",
             "value": "Add an email/password login form with validation, remember-me and a reset link"}])",
        one("Run: title 'Login form' → 'Sign-in form'; goalSummary 'Add an email/password login "
            "form with validation' → 'Add an email/password login form with validatio…'"));
    row("bookkeeping left out", {},
        R"([{"op": "replace", "path": "/etag", "value": "g7-00000001"},
            {"op": "replace", "path": "/serverGeneration", "value": 7},
            {"op": "replace", "path": "/updatedAt", "value": "2026-11-24T11:00:00.000Z"}])",
        QStringList());
    row("bookkeeping asked for", {},
        R"([{"op": "replace", "path": "/etag", "value": "g7-00000001"},
            {"op": "replace", "path": "/serverGeneration", "value": 7},
            {"op": "replace", "path": "/updatedAt", "value": "2026-11-24T11:00:00.000Z"}])",
        one("Run: etag g6-f149e887 → g7-00000001; serverGeneration 6 → 7; updatedAt "
            "2026-11-24T10:54:02.349Z → 2026-11-24T11:00:00.000Z"),
        true);
    row("a commit: change, bookkeeping and history", {},
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"},
            {"op": "replace", "path": "/etag", "value": "g7-00000001"},
            {"op": "replace", "path": "/serverGeneration", "value": 7},
            {"op": "add", "path": "/history/-", "value": {"etag": "g7-00000001",
             "at": "2026-11-24T11:00:00.000Z", "summary": "patch",
             "patchKindSummary": "user:ana@box: T-1 status → done"}}])",
        QStringList{QStringLiteral("T-1: status in_progress → done"),
                    QStringLiteral("+1 history entry: T-1 status → done (user:ana@box)")});
    row("nothing changed", {}, {}, QStringList());
}

void tst_ChangeWords::sentences()
{
    QFETCH(QByteArray, setup);
    QFETCH(QByteArray, change);
    QFETCH(bool, bookkeeping);
    QFETCH(QStringList, expected);

    const Json from = patched(adeManifest(), setup);
    const Json to = patched(from, change);
    ChangeWords::Options options;
    options.includeBookkeeping = bookkeeping;
    const QList<ChangeGroup> groups = ChangeWords::describe(from, to, options);
    QCOMPARE(ChangeWords::sentences(groups), expected);
}

// Each group names what it is about and the places it covers, by id.
void tst_ChangeWords::groupsSayWhatTheyCover()
{
    const Json from = adeManifest();
    const Json to = patched(
        from, QByteArray(R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "review"},
                      {"op": "remove", "path": "/tasks/{id:T-1}/assigneeSessionId"},
                      {"op": "add",
                       "path": "/agents/{sessionId:S-validator-1}/cancellationRequested",
                       "value": true}])")
                      .chopped(1)
                  + QByteArray(kHistoryEntries).mid(1).prepend(','));
    const QList<ChangeGroup> groups = ChangeWords::describe(from, to);
    QCOMPARE(groups.size(), 3);
    QCOMPARE(groups[0].topic, ChangeGroup::Topic::Task);
    QCOMPARE(groups[0].subject, QStringLiteral("T-1"));
    QCOMPARE(groups[0].details, (QStringList{QStringLiteral("status in_progress → review"),
                                             QStringLiteral("assignee S-worker-1 → (none)")}));
    QCOMPARE(groups[0].pointers, (std::vector<std::string>{"/tasks/{id:T-1}/status",
                                                           "/tasks/{id:T-1}/assigneeSessionId"}));
    QCOMPARE(groups[1].topic, ChangeGroup::Topic::Agent);
    QCOMPARE(groups[1].subject, QStringLiteral("S-validator-1"));
    QCOMPARE(groups[1].pointers,
             (std::vector<std::string>{"/agents/{sessionId:S-validator-1}/cancellationRequested"}));
    QCOMPARE(groups[2].topic, ChangeGroup::Topic::History);
    QVERIFY(groups[2].subject.isEmpty());
    QCOMPARE(groups[2].pointers, std::vector<std::string>{"/history"});
    QCOMPARE(ChangeWords::topicName(groups[2].topic), QStringLiteral("history"));
}

void tst_ChangeWords::summaryLine_data()
{
    QTest::addColumn<QByteArray>("change");
    QTest::addColumn<int>("maxLength");
    QTest::addColumn<QString>("expected");

    QTest::newRow("one change") << QByteArray(
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])")
                                << 120 << QStringLiteral("T-1 status → done");
    QTest::newRow("two changes") << QByteArray(
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"},
                          {"op": "replace", "path": "/tasks/{id:T-2}/title",
                           "value": "Fix login"}])")
                                 << 120
                                 << QStringLiteral("T-1 status → done; T-2 title → 'Fix login'");
    QTest::newRow("many changes") << QByteArray(
        R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"},
                          {"op": "replace", "path": "/tasks/{id:T-2}/title", "value": "x"},
                          {"op": "replace", "path": "/tasks/{id:T-2}/status", "value": "review"},
                          {"op": "replace", "path": "/agents/{sessionId:S-worker-1}/status",
                           "value": "blocked"}])")
                                  << 120 << QStringLiteral("4 changes: T-1, T-2, S-worker-1");
    QTest::newRow("history alone is said")
        << QByteArray(kHistoryEntries) << 120 << QStringLiteral("+2 history entries");
    QTest::newRow("history beside a change is left out")
        << QByteArray(R"([{"op": "replace", "path": "/currentPhase", "value": "developing"}])")
                   .chopped(1)
               + QByteArray(kHistoryEntries).mid(1).prepend(',')
        << 120 << QStringLiteral("Phase → developing");
    QTest::newRow("cut to the length")
        << QByteArray(R"([{"op": "replace", "path": "/tasks/{id:T-1}/status", "value": "done"}])")
        << 10 << QStringLiteral("T-1 statu…");
}

void tst_ChangeWords::summaryLine()
{
    QFETCH(QByteArray, change);
    QFETCH(int, maxLength);
    QFETCH(QString, expected);
    const Json from = adeManifest();
    const QString line
        = ChangeWords::summaryLine(ChangeWords::describe(from, patched(from, change)), maxLength);
    QCOMPARE(line, expected);
    QVERIFY(line.size() <= maxLength);
}

void tst_ChangeWords::historyAuthor_data()
{
    QTest::addColumn<QByteArray>("entry");
    QTest::addColumn<QString>("author");
    QTest::newRow("Runboard's own") << QByteArray(R"({"etag": "g7-1", "summary": "patch",
                          "patchKindSummary": "user:ana@box: T-3 status → done"})")
                                    << QStringLiteral("user:ana@box");
    QTest::newRow("ADE claim") << QByteArray(R"({"etag": "g4-1", "summary": "claim",
        "patchKindSummary": "/tasks/{id:T-1}/status×1,/agents/{sessionId:S-worker-1}/status×1"})")
                               << QStringLiteral("S-worker-1");
    QTest::newRow("ADE patch without an agent")
        << QByteArray(R"({"etag": "g6-1", "summary": "patch",
                          "patchKindSummary": "/tasks/{id:T-1}/status×1"})")
        << QString();
    QTest::newRow("a sentence is no author")
        << QByteArray(R"x({"etag": "g3-1", "summary": "stall sweep: flag 1 stalled agent(s)"
})x") << QString();
    QTest::newRow("not an object") << QByteArray(R"("run created")") << QString();
}

void tst_ChangeWords::historyAuthor()
{
    QFETCH(QByteArray, entry);
    QFETCH(QString, author);
    QCOMPARE(ChangeWords::historyAuthor(Json::parse(entry.toStdString())), author);
}

void tst_ChangeWords::shortValue_data()
{
    QTest::addColumn<QByteArray>("value"); // empty: absent
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("expected");
    QTest::newRow("string") << QByteArray(R"("Fix login")") << 48 << QStringLiteral("'Fix login'");
    QTest::newRow("cut string") << QByteArray(R"("abcdefghij")") << 5 << QStringLiteral("'abcd…'");
    QTest::newRow("one line") << QByteArray(R"("a\nb\tc")") << 48 << QStringLiteral("'a b c'");
    QTest::newRow("null") << QByteArray("null") << 48 << QStringLiteral("(none)");
    QTest::newRow("absent") << QByteArray() << 48 << QStringLiteral("(none)");
    QTest::newRow("number") << QByteArray("1.50") << 48 << QStringLiteral("1.5");
    QTest::newRow("object") << QByteArray(R"({"a": [1, 2], "b": "x"})") << 48
                            << QStringLiteral(R"({"a":[1,2],"b":"x"})");
    QTest::newRow("cut object") << QByteArray(R"({"a": [1, 2], "b": "x"})") << 8
                                << QStringLiteral(R"({"a":[1…)");
}

void tst_ChangeWords::shortValue()
{
    QFETCH(QByteArray, value);
    QFETCH(int, limit);
    QFETCH(QString, expected);
    const std::optional<Json> parsed
        = value.isEmpty() ? std::nullopt : std::optional<Json>(Json::parse(value.toStdString()));
    QCOMPARE(ChangeWords::shortValue(parsed ? &*parsed : nullptr, limit), expected);
}

namespace {

// A random version of `original`: leaves replaced, members removed and added, elements
// appended and removed.
Json randomVersionOf(const Json &original, QRandomGenerator &random, int trial)
{
    Json to = original;
    const int edits = 1 + int(random.bounded(5));
    for (int edit = 0; edit < edits; ++edit) {
        std::vector<Json::json_pointer> pointers;
        collectPointers(to, Json::json_pointer(), &pointers);
        const Json::json_pointer &at = pointers[random.bounded(quint32(pointers.size()))];
        Json &target = to[at];
        Json &parent = to[at.parent_pointer()];
        switch (random.bounded(6)) {
        case 0:
            target = "v" + std::to_string(random.bounded(1000));
            break;
        case 1:
            target = int(random.bounded(100));
            break;
        case 2:
            target = nullptr;
            break;
        case 3:
            if (parent.is_object())
                parent.erase(at.back());
            else
                target = true;
            break;
        case 4:
            if (parent.is_array())
                parent.push_back(Json(target)); // a copy: target lives in parent
            else
                parent["extra" + std::to_string(random.bounded(10))] = Json{{"k", trial}};
            break;
        default:
            if (target.is_array()) {
                if (!target.empty())
                    target.erase(target.begin());
            } else if (target.is_object()) {
                target["note"] = "n";
            } else {
                target = Json::array({1});
            }
            break;
        }
    }
    return to;
}

} // namespace

void tst_ChangeWords::everyLeafDifferenceIsCovered_data()
{
    QTest::addColumn<int>("which");
    QTest::newRow("manifest-example.json") << 0;
    QTest::newRow("ADE fixture") << 1;
}

// Random versions of a realistic manifest. Whatever jsonDiff finds, some group covers (its pointer
// is the place or contains it), every group says something, and without bookkeeping nothing covers
// it.
void tst_ChangeWords::everyLeafDifferenceIsCovered()
{
    QFETCH(int, which);
    const Json original = which == 0 ? exampleManifest() : adeManifest();
    const quint32 seed = qEnvironmentVariableIsSet("RUNBOARD_TEST_SEED")
                             ? quint32(qEnvironmentVariableIntValue("RUNBOARD_TEST_SEED"))
                             : kDefaultSeed + quint32(which);
    QRandomGenerator random(seed);
    constexpr int kTrials = 400;
    for (int trial = 0; trial < kTrials; ++trial) {
        const Json to = randomVersionOf(original, random, trial);

        const auto fail = [&](const QString &what) {
            return QStringLiteral("seed %1, trial %2: %3").arg(seed).arg(trial).arg(what).toUtf8();
        };
        ChangeWords::Options withBookkeeping;
        withBookkeeping.includeBookkeeping = true;
        const QList<ChangeGroup> groups = ChangeWords::describe(original, to, withBookkeeping);
        std::vector<std::vector<std::string>> covered;
        for (const ChangeGroup &group : groups) {
            if (group.details.isEmpty() || group.sentence().isEmpty() || group.pointers.empty())
                QFAIL(
                    fail(QStringLiteral("a group says nothing: ") + group.sentence()).constData());
            for (const std::string &pointer : group.pointers) {
                const Result<JsonPointer> parsed = JsonPointer::parse(pointer);
                if (!parsed.isOk())
                    QFAIL(fail(QStringLiteral("not a pointer: ") + QString::fromStdString(pointer))
                              .constData());
                covered.push_back(parsed->tokens());
            }
        }
        const JsonPatch diff = jsonDiff(original, to);
        for (const JsonPatch::Operation &op : diff.operations()) {
            const bool found
                = std::any_of(covered.begin(), covered.end(), [&op](const auto &pointer) {
                      return isTokenPrefix(pointer, op.path.tokens());
                  });
            if (!found)
                QFAIL(fail(QStringLiteral("nothing covers ") + op.path.toDisplayString())
                          .constData());
        }

        for (const ChangeGroup &group : ChangeWords::describe(original, to)) {
            for (const std::string &pointer : group.pointers) {
                if (pointer == "/etag" || pointer == "/serverGeneration" || pointer == "/updatedAt")
                    QFAIL(
                        fail(QStringLiteral("bookkeeping said: ") + group.sentence()).constData());
            }
        }
    }
}

void tst_ChangeWords::theChangedPartsSayWhatTheWholeSays_data()
{
    everyLeafDifferenceIsCovered_data();
}

// A conflict's words are worked out on the parts a snapshot's DocumentChanges name (a one-task
// change costs one task): for random versions, the sentences must be those of the whole.
void tst_ChangeWords::theChangedPartsSayWhatTheWholeSays()
{
    QFETCH(int, which);
    const auto original
        = std::make_shared<const Json>(which == 0 ? exampleManifest() : adeManifest());
    QRandomGenerator random(kDefaultSeed + 7 + quint32(which));
    ChangeWords::Options withBookkeeping;
    withBookkeeping.includeBookkeeping = true;
    for (int trial = 0; trial < 400; ++trial) {
        const Json to = randomVersionOf(*original, random, trial);
        const DocumentChanges changes = DocumentChanges::between(original, to);
        QVERIFY(changes.isKnown());
        const auto [from, toPart] = changes.changedParts(*original, to);
        for (const ChangeWords::Options &options : {ChangeWords::Options(), withBookkeeping}) {
            const QStringList whole
                = ChangeWords::sentences(ChangeWords::describe(*original, to, options));
            const QStringList parts
                = ChangeWords::sentences(ChangeWords::describe(from, toPart, options));
            if (parts != whole) {
                QFAIL(qPrintable(QStringLiteral("trial %1:\n  whole: %2\n  parts: %3")
                                     .arg(trial)
                                     .arg(whole.join(QStringLiteral(" | ")),
                                          parts.join(QStringLiteral(" | ")))));
            }
        }
    }
}

QTEST_APPLESS_MAIN(tst_ChangeWords)
#include "tst_changewords.moc"
