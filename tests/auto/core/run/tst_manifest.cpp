// SPDX-License-Identifier: MIT
// Manifest: typed values of a real ADE-written run, of the bundle format's §2.6 example and of a
// document using every optional field; lenient reading of broken input (no exception, empty
// values); heartbeats.json merging (newest wins); ADE's stall rule; concurrent readers of one
// shared document.

#include "jsonwalk.h"
#include "manifest.h"
#include "manifestvalidator.h"
#include "testpaths.h"

#include <QDir>
#include <QFile>
#include <QFuture>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <limits>
#include <memory>

using namespace runboard;
using namespace runboard::test;

namespace {

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QDateTime at(const char *iso)
{
    const QDateTime value = QDateTime::fromString(s(iso), Qt::ISODateWithMs);
    Q_ASSERT(value.isValid());
    return value.toUTC();
}

QString iso(const QDateTime &value)
{
    return value.isValid() ? value.toUTC().toString(Qt::ISODateWithMs) : s("null");
}

QString opt(const std::optional<qint64> &value)
{
    return value ? QString::number(*value) : s("none");
}

QString opt(const std::optional<double> &value)
{
    return value ? QString::number(*value) : s("none");
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

Manifest manifestFrom(const QByteArray &text, const QByteArray &heartbeats = QByteArray())
{
    return Manifest(std::make_shared<const Json>(Json::parse(text.toStdString())),
                    Manifest::parseHeartbeats(heartbeats));
}

// The first run bundle of the ADE fixture worktree (tests/data/ade-worktree), or "" if missing.
QString fixtureBundle()
{
    const QString worktree = test::adeFixtureWorktree();
    if (worktree.isEmpty())
        return {};
    const QDir orchestration(worktree + s("/.ade/orchestration"));
    const QStringList runs = orchestration.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    return runs.isEmpty() ? QString() : orchestration.filePath(runs.first());
}

// "Leave this timestamp out" in the stall table.
constexpr qint64 kAbsent = std::numeric_limits<qint64>::min();

// Uses every optional field of §2.2/§2.3 once, with values the §2.6 example does not have.
const char kRichManifest[] = R"json({
  "version": 1,
  "runId": "R-rich",
  "laneId": "L-1",
  "bundlePath": "/tmp/bundle",
  "etag": "g3-aaaaaaaa",
  "serverGeneration": 3,
  "createdAt": "2026-07-22T09:00:00.000Z",
  "updatedAt": "2026-07-22T10:00:00.500Z",
  "title": "Rich run",
  "goalSummary": "Every field",
  "currentPhase": "validating",
  "phases": [
    { "id": "planning", "title": "Planning", "status": "done",
      "startedAt": "2026-07-22T09:00:00.000Z", "completedAt": "2026-07-22T09:05:00.000Z" }
  ],
  "agents": [
    { "sessionId": "S-lead", "role": "lead", "goalSummary": "Lead", "status": "running",
      "spawnedAt": "2026-07-22T09:00:00.000Z" },
    { "sessionId": "S-w", "role": "worker", "tag": "api", "displayName": "API worker",
      "goalSummary": "Build the API", "status": "blocked", "currentStepId": "T-1",
      "cancellationRequested": true, "lastHeartbeatAt": "2026-07-22T09:59:00.000Z",
      "stalled": true, "spawnedAt": "2026-07-22T09:10:00.000Z",
      "usage": { "tokensIn": 1200, "tokensOut": 340, "costUsd": 0.42, "turns": 7,
                 "elapsedMs": 65000 },
      "budget": { "maxTokens": 100000, "maxCostUsd": 5, "maxWallClockMs": 3600000,
                  "maxTurns": 50, "onExceeded": "pause" } }
  ],
  "tasks": [
    { "id": "T-1", "phaseId": "developing", "title": "API", "description": "Endpoints",
      "status": "review", "assigneeSessionId": "S-w", "claimedAt": "2026-07-22T09:20:00.000Z",
      "claimLeaseUntil": null, "priority": "critical", "tag": "api",
      "labels": ["backend", "auth"], "blockedBy": ["T-0"], "blocks": ["T-2"],
      "supersedes": "T-old", "supersededBy": "T-new",
      "filesHint": ["src/api.ts", "src/auth.ts"],
      "attempts": [
        { "id": "A-1", "sessionId": "S-w", "startedAt": "2026-07-22T09:20:00.000Z",
          "endedAt": "2026-07-22T09:40:00.000Z", "outcome": "failed",
          "failureReason": "tests red" },
        { "id": "A-2", "sessionId": "S-w", "startedAt": "2026-07-22T09:41:00.000Z",
          "outcome": "succeeded" }
      ],
      "currentAttemptId": "A-2",
      "evidence": [ { "kind": "test_log", "path": "artifacts/evidence/t.log" },
                    { "kind": "screenshot", "path": "artifacts/evidence/login.png" } ],
      "validationGate": { "required": false, "stepIds": ["V-1", "V-2"] },
      "humanOverride": { "byUserId": "u-1", "at": "2026-07-22T09:50:00.000Z",
                         "fromStatus": "in_progress", "toStatus": "review",
                         "reason": "checked by hand" } }
  ],
  "validationStrategy": {
    "steps": [
      { "id": "V-1", "concern": "test_suite_truthfulness", "scope": "per_step", "required": true,
        "prompt": "Run the tests", "evidenceRequired": ["test_log"], "appliesToTaskIds": ["T-1"] }
    ],
    "checklist": [
      { "id": "C-T-1-V-1", "stepId": "V-1", "taskId": "T-1", "latestRunId": "run-2",
        "runs": [
          { "id": "run-1", "runBySessionId": "S-v", "status": "failed",
            "startedAt": "2026-07-22T09:42:00.000Z", "endedAt": "2026-07-22T09:44:00.000Z",
            "notes": "2 failing", "attachedEvidence": [ { "kind": "test_log", "path": "a" } ],
            "findings": [ { "id": "F-1", "severity": "blocker", "title": "Empty password crashes",
                            "detail": "null deref", "fix": "guard it" } ] },
          { "id": "run-2", "runBySessionId": "S-v", "status": "passed",
            "startedAt": "2026-07-22T09:45:00.000Z" }
        ] }
    ]
  },
  "assets": [
    { "id": "A-1-abcdef", "path": "artifacts/ui/login.html", "kind": "html_spec", "version": 2,
      "approval": "approved", "notes": "second draft", "registeredBySessionId": "S-w" }
  ],
  "decisions": [
    { "id": "D-1", "at": "2026-07-22T09:03:00.000Z", "source": "lead", "summary": "Use JWT",
      "refs": { "taskId": "T-1", "stepId": "V-1", "assetId": "A-1-abcdef" } },
    "a legacy decision"
  ],
  "userOverrides": [
    { "id": "O-1", "at": "2026-07-22T09:04:00.000Z", "scope": "task", "appliedToId": "T-1",
      "instruction": "Skip e2e", "affectedDefault": "validation" },
    "a legacy override"
  ],
  "leadState": {
    "planning": { "stage": "round_ui", "intake": { "recordedAt": "2026-07-22T09:01:00.000Z" },
                  "rounds": [ { "id": "R-1", "kind": "functional",
                                "askedAt": "2026-07-22T09:01:30.000Z",
                                "question": "Which flows?", "lockedSummary": "Login only",
                                "answeredAt": "2026-07-22T09:02:00.000Z" } ] }
  },
  "planSpec": { "sections": [],
                "approval": { "state": "changes_requested",
                              "requestedAt": "2026-07-22T09:04:30.000Z" } },
  "history": [
    { "etag": "g1-00000000", "at": "2026-07-22T09:00:00.000Z", "summary": "run created",
      "patchKindSummary": "init" },
    { "etag": "g3-aaaaaaaa", "at": "2026-07-22T10:00:00.500Z", "summary": "patch" }
  ],
  "lineage": [
    { "id": "D-1-abcdef", "parentSessionId": "S-lead", "childSessionId": "S-w",
      "childRole": "worker", "childTag": "api", "spawnedAt": "2026-07-22T09:10:00.000Z",
      "spawnEtag": "g2-bbbbbbbb", "briefDigest": "abc", "status": "completed",
      "completedAt": "2026-07-22T09:58:00.000Z" }
  ],
  "receipts": [],
  "outbox": [
    { "id": "OB-0123456789abcdef", "kind": "ping", "targetSessionId": "S-w",
      "delivery": { "op": "sendMessage", "text": "hi" }, "status": "failed", "attempts": 3,
      "maxAttempts": 3, "lastError": "session gone", "createdAt": "2026-07-22T09:30:00.000Z",
      "updatedAt": "2026-07-22T09:31:00.000Z", "nextAttemptAt": "2026-07-22T09:32:00.000Z",
      "deliveredAt": "2026-07-22T09:33:00.000Z" }
  ]
})json";

// Reads every accessor and folds the results into one text: what a concurrent reader compares.
QString fingerprint(const Manifest &manifest, const QDateTime &now)
{
    QStringList parts{manifest.runId(),
                      manifest.laneId(),
                      manifest.etag(),
                      QString::number(manifest.serverGeneration()),
                      QString::number(manifest.version()),
                      manifest.title(),
                      manifest.goalSummary(),
                      manifest.currentPhase(),
                      iso(manifest.createdAt()),
                      iso(manifest.updatedAt()),
                      manifest.bundlePath()};
    for (const Manifest::Phase &phase : manifest.phases())
        parts << phase.id << phase.status << iso(phase.startedAt);
    for (const Manifest::Agent &agent : manifest.agents()) {
        parts << agent.sessionId << agent.status << iso(agent.lastHeartbeatAt)
              << iso(Manifest::livenessOf(agent));
    }
    for (const Manifest::Task &task : manifest.tasks())
        parts << task.id << task.status << task.filesHint.join(QLatin1Char(','));
    parts << QString::number(manifest.validationSteps().size())
          << QString::number(manifest.checklist().size())
          << QString::number(manifest.decisions().size())
          << QString::number(manifest.userOverrides().size())
          << QString::number(manifest.history().size()) << QString::number(manifest.outbox().size())
          << QString::number(manifest.assets().size()) << QString::number(manifest.lineage().size())
          << manifest.planning().stage << manifest.planApproval().state;
    const QMap<QString, int> counts = manifest.taskCountsByStatus();
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts << it.key() << QString::number(it.value());
    for (const Manifest::Agent &agent : manifest.stalledAgents(now))
        parts << agent.sessionId;
    parts << (ManifestValidator::validateShape(manifest.json()).isOk() ? s("valid") : s("invalid"));
    return parts.join(QLatin1Char('|'));
}

// One value of a Manifest, as text, for the lenient-reading table.
QString probe(const Manifest &m, const QString &field)
{
    const auto first = [](const auto &list) {
        return list.isEmpty() ? std::decay_t<decltype(list.first())>() : list.first();
    };
    const QHash<QString, std::function<QString()>> probes{
        {s("runId"),
         [&]() -> QString {
             return m.runId();
         }},
        {s("laneId"),
         [&]() -> QString {
             return m.laneId();
         }},
        {s("etag"),
         [&]() -> QString {
             return m.etag();
         }},
        {s("title"),
         [&]() -> QString {
             return m.title();
         }},
        {s("currentPhase"),
         [&]() -> QString {
             return m.currentPhase();
         }},
        {s("serverGeneration"),
         [&]() -> QString {
             return QString::number(m.serverGeneration());
         }},
        {s("version"),
         [&]() -> QString {
             return QString::number(m.version());
         }},
        {s("createdAt"),
         [&]() -> QString {
             return iso(m.createdAt());
         }},
        {s("phases"),
         [&]() -> QString {
             return QString::number(m.phases().size());
         }},
        {s("agents"),
         [&]() -> QString {
             return QString::number(m.agents().size());
         }},
        {s("agent.sessionId"),
         [&]() -> QString {
             return first(m.agents()).sessionId;
         }},
        {s("agent.status"),
         [&]() -> QString {
             return first(m.agents()).status;
         }},
        {s("agent.stalledFlag"),
         [&]() -> QString {
             return first(m.agents()).stalledFlag ? s("true") : s("false");
         }},
        {s("agent.spawnedAt"),
         [&]() -> QString {
             return iso(first(m.agents()).spawnedAt);
         }},
        {s("agent.usage"),
         [&]() -> QString {
             const auto usage = first(m.agents()).usage;
             if (!usage)
                 return s("none");
             return QStringList{opt(usage->tokensIn), opt(usage->tokensOut), opt(usage->costUsd),
                                opt(usage->turns), opt(usage->elapsedMs)}
                 .join(QLatin1Char(','));
         }},
        {s("agent.budget"),
         [&]() -> QString {
             const auto budget = first(m.agents()).budget;
             if (!budget)
                 return s("none");
             return QStringList{opt(budget->maxTokens), opt(budget->maxCostUsd),
                                opt(budget->maxWallClockMs), opt(budget->maxTurns),
                                budget->onExceeded}
                 .join(QLatin1Char(','));
         }},
        {s("tasks"),
         [&]() -> QString {
             return QString::number(m.tasks().size());
         }},
        {s("task.id"),
         [&]() -> QString {
             return first(m.tasks()).id;
         }},
        {s("task.phaseId"),
         [&]() -> QString {
             return first(m.tasks()).phaseId;
         }},
        {s("task.description"),
         [&]() -> QString {
             return first(m.tasks()).description;
         }},
        {s("task.filesHint"),
         [&]() -> QString {
             return first(m.tasks()).filesHint.join(QLatin1Char(','));
         }},
        {s("task.labels"),
         [&]() -> QString {
             return first(m.tasks()).labels.join(QLatin1Char(','));
         }},
        {s("task.claimLeaseUntil"),
         [&]() -> QString {
             return iso(first(m.tasks()).claimLeaseUntil);
         }},
        {s("task.attempts"),
         [&]() -> QString {
             const Manifest::Task task = first(m.tasks());
             return QString::number(task.attemptCount) + QLatin1Char('/')
                    + QString::number(task.attempts.size());
         }},
        {s("task.gate"),
         [&]() -> QString {
             const Manifest::ValidationGate gate = first(m.tasks()).validationGate;
             return (gate.required ? s("required:") : s("optional:"))
                    + gate.stepIds.join(QLatin1Char(','));
         }},
        {s("task.humanOverride"),
         [&]() -> QString {
             const auto human = first(m.tasks()).humanOverride;
             return human ? human->toStatus : s("none");
         }},
        {s("task.evidence"),
         [&]() -> QString {
             return QString::number(first(m.tasks()).evidenceCount);
         }},
        {s("steps"),
         [&]() -> QString {
             return QString::number(m.validationSteps().size());
         }},
        {s("checklist"),
         [&]() -> QString {
             return QString::number(m.checklist().size());
         }},
        {s("checklist.runs"),
         [&]() -> QString {
             return QString::number(first(m.checklist()).runs.size());
         }},
        {s("decisions"),
         [&]() -> QString {
             QStringList summaries;
             for (const Manifest::Decision &decision : m.decisions())
                 summaries << decision.id + QLatin1Char(':') + decision.summary;
             return summaries.join(QLatin1Char('|'));
         }},
        {s("history.etag"),
         [&]() -> QString {
             return first(m.history()).etag;
         }},
        {s("outbox.attempts"),
         [&]() -> QString {
             const Manifest::OutboxEntry entry = first(m.outbox());
             return QString::number(entry.attempts) + QLatin1Char('/')
                    + QString::number(entry.maxAttempts);
         }},
        {s("assets.version"),
         [&]() -> QString {
             return opt(first(m.assets()).version);
         }},
        {s("planning"),
         [&]() -> QString {
             const Manifest::Planning planning = m.planning();
             return planning.stage + QLatin1Char('/') + QString::number(planning.rounds.size());
         }},
        {s("approval"),
         [&]() -> QString {
             return m.planApproval().state;
         }},
        {s("taskCounts"),
         [&]() -> QString {
             QStringList parts;
             const QMap<QString, int> counts = m.taskCountsByStatus();
             for (auto it = counts.cbegin(); it != counts.cend(); ++it)
                 parts << it.key() + QLatin1Char('=') + QString::number(it.value());
             return parts.join(QLatin1Char(','));
         }},
    };
    const auto it = probes.constFind(field);
    return it == probes.cend() ? s("<no such probe>") : it.value()();
}

} // namespace

class tst_Manifest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void adeFixture();
    void fixtureLiveness();
    void example();
    void everyOptionalField();
    void readsLikeAdeNormalization();
    void lenientReading_data();
    void lenientReading();
    void wrongTypesAnywhereNeverThrow();
    void emptyAndMovedFromManifests();
    void lookups();
    void heartbeatMergeNewestWins_data();
    void heartbeatMergeNewestWins();
    void parseHeartbeats_data();
    void parseHeartbeats();
    void timestamps_data();
    void timestamps();
    void timestampWithoutZoneIsLocalTime();
    void integerValue_data();
    void integerValue();
    void stallRule_data();
    void stallRule();
    void stalledAgentsOfARun();
    void concurrentReadersOutliveTheOriginal();
};

void tst_Manifest::adeFixture()
{
    const QString bundle = fixtureBundle();
    QVERIFY2(!bundle.isEmpty(), "tests/data/ade-worktree is missing");

    const Manifest m = manifestFrom(readBytes(bundle + s("/manifest.json")),
                                    readBytes(bundle + s("/heartbeats.json")));
    QCOMPARE(m.runId(), s("R-20261124105356-945f51"));
    QCOMPARE(QDir(bundle).dirName(), m.runId());
    QCOMPARE(m.laneId(), s("L-peer"));
    QCOMPARE(m.etag(), s("g6-f149e887"));
    QCOMPARE(m.serverGeneration(), qint64(6));
    QCOMPARE(m.version(), 1);
    QCOMPARE(m.currentPhase(), s("planning"));
    QCOMPARE(iso(m.createdAt()), s("2026-11-24T10:53:56.764Z"));
    QCOMPARE(iso(m.updatedAt()), s("2026-11-24T10:54:02.349Z"));
    // .gen holds the same generation.
    QCOMPARE(readBytes(bundle + s("/.gen")).trimmed().toLongLong(), m.serverGeneration());

    const QList<Manifest::Phase> phases = m.phases();
    QCOMPARE(phases.size(), 4);
    QCOMPARE(phases.at(0).status, s("active"));
    QCOMPARE(phases.at(3).title, s("Wrap-up"));

    const QList<Manifest::Agent> agents = m.agents();
    QCOMPARE(agents.size(), 3);
    QCOMPARE(agents.at(0).sessionId, s("S-lead"));
    QCOMPARE(agents.at(1).sessionId, s("S-worker-1"));
    QCOMPARE(agents.at(1).displayName, s("UI worker"));
    QCOMPARE(agents.at(1).stalledFlag, false);
    QCOMPARE(agents.at(2).role, s("validator"));
    QCOMPARE(agents.at(2).status, s("pending"));
    // heartbeats.json holds the same time as the manifest here; both are merged.
    QCOMPARE(m.heartbeats().value(s("S-worker-1")), at("2026-11-24T10:54:01.275Z"));
    QCOMPARE(iso(agents.at(1).lastHeartbeatAt), s("2026-11-24T10:54:01.275Z"));
    QVERIFY(!agents.at(0).lastHeartbeatAt.isValid());

    const QList<Manifest::Task> tasks = m.tasks();
    QCOMPARE(tasks.size(), 3);
    QCOMPARE(tasks.at(0).description, s("Form, validation, submit wiring — é✓ \"quoted\""));
    QCOMPARE(tasks.at(0).assigneeSessionId, s("S-worker-1"));
    QCOMPARE(iso(tasks.at(0).claimLeaseUntil), s("2026-11-24T11:24:01.269Z"));
    QCOMPARE(tasks.at(0).priority, s("high"));
    QCOMPARE(tasks.at(2).validationGate.required, false);
    QCOMPARE(tasks.at(2).validationGate.stepIds, QStringList());
    QCOMPARE(probe(m, s("taskCounts")), s("in_progress=1,pending=2"));

    const QList<Manifest::HistoryEntry> history = m.history();
    QCOMPARE(history.size(), 6);
    QCOMPARE(history.first().summary, s("run created"));
    QCOMPARE(history.last().etag, m.etag());
    QCOMPARE(history.last().at, m.updatedAt());

    const QList<Manifest::OutboxEntry> outbox = m.outbox();
    QCOMPARE(outbox.size(), 1);
    QCOMPARE(outbox.first().kind, s("lead_status"));
    QCOMPARE(outbox.first().deliveryOp, s("steer"));
    QCOMPARE(outbox.first().status, s("pending"));
    QCOMPARE(outbox.first().maxAttempts, 5);

    QCOMPARE(m.planning().stage, s("intake"));
    QCOMPARE(m.planApproval().state, s("drafting"));
    QCOMPARE(m.decisions().size(), 1);
    QCOMPARE(m.validationSteps().size(), 1);
    QVERIFY(m.lineage().isEmpty());
}

void tst_Manifest::fixtureLiveness()
{
    const QString bundle = fixtureBundle();
    QVERIFY2(!bundle.isEmpty(), "tests/data/ade-worktree is missing");
    const Manifest m = manifestFrom(readBytes(bundle + s("/manifest.json")),
                                    readBytes(bundle + s("/heartbeats.json")));
    const QDateTime heartbeat = at("2026-11-24T10:54:01.275Z");

    QVERIFY(m.stalledAgents(m.updatedAt()).isEmpty());
    QVERIFY(m.stalledAgents(heartbeat.addSecs(10 * 60)).isEmpty());
    // Only the running worker goes stale: the lead never does, the validator is pending.
    const QList<Manifest::Agent> stalled = m.stalledAgents(heartbeat.addSecs(10 * 60 + 1));
    QCOMPARE(stalled.size(), 1);
    QCOMPARE(stalled.first().sessionId, s("S-worker-1"));
}

void tst_Manifest::example()
{
    const Manifest m = manifestFrom(readBytes(test::dataDir() + s("/manifest-example.json")));
    QCOMPARE(m.version(), 1);
    QCOMPARE(m.runId(), s("R-20260722093015-a1b2c3"));
    QCOMPARE(m.laneId(), s("L-7f3e"));
    QCOMPARE(m.bundlePath(),
             s("/home/dev/ade/worktrees/login/.ade/orchestration/R-20260722093015-a1b2c3"));
    QCOMPARE(m.etag(), s("g9-5c0e7a12"));
    QCOMPARE(m.serverGeneration(), qint64(9));
    QCOMPARE(m.createdAt(), at("2026-07-22T09:30:15.120Z"));
    QCOMPARE(m.createdAt().timeSpec(), Qt::UTC);
    QCOMPARE(iso(m.updatedAt()), s("2026-07-22T10:02:41.877Z"));
    QCOMPARE(m.title(), s("Login form"));
    QCOMPARE(m.goalSummary(), s("Add an email/password login form with validation"));
    QCOMPARE(m.currentPhase(), s("developing"));

    const QList<Manifest::Phase> phases = m.phases();
    QCOMPARE(phases.size(), 4);
    QCOMPARE(phases.at(0).id, s("planning"));
    QCOMPARE(phases.at(0).title, s("Planning"));
    QCOMPARE(phases.at(0).status, s("done"));
    QCOMPARE(iso(phases.at(0).startedAt), s("2026-07-22T09:30:15.120Z"));
    QCOMPARE(iso(phases.at(0).completedAt), s("2026-07-22T09:55:02.004Z"));
    QCOMPARE(phases.at(1).status, s("active"));
    QVERIFY(!phases.at(1).completedAt.isValid());
    QVERIFY(!phases.at(2).startedAt.isValid());
    QCOMPARE(phases.at(3).title, s("Wrap-up"));

    const QList<Manifest::Agent> agents = m.agents();
    QCOMPARE(agents.size(), 2);
    const Manifest::Agent &lead = agents.at(0);
    QCOMPARE(lead.sessionId, s("S-lead"));
    QCOMPARE(lead.role, s("lead"));
    QCOMPARE(lead.goalSummary, s("Plan the run"));
    QCOMPARE(lead.status, s("running"));
    QVERIFY(lead.tag.isEmpty());
    QVERIFY(!lead.lastHeartbeatAt.isValid());
    QCOMPARE(Manifest::livenessOf(lead), at("2026-07-22T09:30:15.120Z"));
    QVERIFY(!lead.usage);
    QVERIFY(!lead.budget);
    const Manifest::Agent &worker = agents.at(1);
    QCOMPARE(worker.sessionId, s("S-worker-1"));
    QCOMPARE(worker.role, s("worker"));
    QCOMPARE(worker.tag, s("web-ui"));
    QVERIFY(worker.displayName.isEmpty());
    QCOMPARE(worker.goalSummary, s("Build login form"));
    QCOMPARE(worker.currentStepId, s("T-1"));
    QCOMPARE(iso(worker.lastHeartbeatAt), s("2026-07-22T10:02:10.000Z"));
    QCOMPARE(iso(worker.spawnedAt), s("2026-07-22T09:56:30.500Z"));
    QCOMPARE(worker.stalledFlag, false);
    QCOMPARE(worker.cancellationRequested, false);

    const QList<Manifest::Task> tasks = m.tasks();
    QCOMPARE(tasks.size(), 1);
    const Manifest::Task &task = tasks.first();
    QCOMPARE(task.id, s("T-1"));
    QCOMPARE(task.phaseId, s("developing"));
    QCOMPARE(task.title, s("Login form UI"));
    QCOMPARE(task.description, s("Form, validation, submit wiring"));
    QCOMPARE(task.status, s("in_progress"));
    QCOMPARE(task.tag, s("web-ui"));
    QCOMPARE(task.filesHint, QStringList{s("src/login.tsx")});
    QCOMPARE(task.assigneeSessionId, s("S-worker-1"));
    QCOMPARE(iso(task.claimedAt), s("2026-07-22T09:57:00.000Z"));
    QCOMPARE(iso(task.claimLeaseUntil), s("2026-07-22T10:27:00.000Z"));
    QCOMPARE(task.validationGate.required, true);
    QCOMPARE(task.validationGate.stepIds, QStringList{s("V-1")});
    QVERIFY(task.priority.isEmpty());
    QVERIFY(task.labels.isEmpty());
    QVERIFY(task.blockedBy.isEmpty());
    QCOMPARE(task.attemptCount, 0);
    QVERIFY(!task.humanOverride);
    QCOMPARE(task.evidenceCount, 0);

    const QList<Manifest::ValidationStep> steps = m.validationSteps();
    QCOMPARE(steps.size(), 1);
    QCOMPARE(steps.first().id, s("V-1"));
    QCOMPARE(steps.first().concern, s("reverify_changes"));
    QCOMPARE(steps.first().scope, s("per_worker"));
    QCOMPARE(steps.first().required, true);
    QCOMPARE(steps.first().prompt, s("Re-read every touched file; walk error paths."));
    QCOMPARE(steps.first().evidenceRequired, QStringList{s("plan_md_section")});
    QVERIFY(m.checklist().isEmpty());
    QVERIFY(m.assets().isEmpty());
    QVERIFY(m.userOverrides().isEmpty());

    const QList<Manifest::Decision> decisions = m.decisions();
    QCOMPARE(decisions.size(), 1);
    QCOMPARE(decisions.first().id, s("DL-finish-4be1aa"));
    QCOMPARE(decisions.first().source, s("user"));
    QCOMPARE(iso(decisions.first().at), s("2026-07-22T09:50:11.000Z"));
    QCOMPARE(decisions.first().summary, s("When done: stop at validated code in the worktree."));

    const QList<Manifest::HistoryEntry> history = m.history();
    QCOMPARE(history.size(), 3);
    QCOMPARE(history.at(0).etag, s("g1-0a1b2c3d"));
    QCOMPARE(history.at(0).patchKindSummary, s("init"));
    QCOMPARE(history.at(1).summary, s("claim"));
    QVERIFY(history.at(1).patchKindSummary.contains(s("/tasks/{id:T-1}/status×1")));
    QCOMPARE(history.at(2).etag, m.etag());
    QCOMPARE(history.at(2).at, m.updatedAt());

    const QList<Manifest::OutboxEntry> outbox = m.outbox();
    QCOMPARE(outbox.size(), 1);
    QCOMPARE(outbox.first().id, s("OB-2f4c6e8a0b1d3f57"));
    QCOMPARE(outbox.first().kind, s("lead_status"));
    QCOMPARE(outbox.first().targetSessionId, s("S-lead"));
    QCOMPARE(outbox.first().deliveryOp, s("steer"));
    QCOMPARE(outbox.first().status, s("delivered"));
    QCOMPARE(outbox.first().attempts, 0);
    QCOMPARE(outbox.first().maxAttempts, 5);
    QVERIFY(outbox.first().lastError.isEmpty());
    QCOMPARE(iso(outbox.first().createdAt), s("2026-07-22T09:57:00.100Z"));
    QCOMPARE(iso(outbox.first().updatedAt), s("2026-07-22T09:57:01.000Z"));
    QCOMPARE(iso(outbox.first().deliveredAt), s("2026-07-22T09:57:01.000Z"));

    const QList<Manifest::LineageEdge> lineage = m.lineage();
    QCOMPARE(lineage.size(), 1);
    QCOMPARE(lineage.first().id, s("D-1-9f8e7d"));
    QCOMPARE(lineage.first().parentSessionId, s("S-lead"));
    QCOMPARE(lineage.first().childSessionId, s("S-worker-1"));
    QCOMPARE(lineage.first().childRole, s("worker"));
    QCOMPARE(lineage.first().childTag, s("web-ui"));
    QCOMPARE(lineage.first().status, s("running"));
    QCOMPARE(iso(lineage.first().spawnedAt), s("2026-07-22T09:56:31.000Z"));

    const Manifest::Planning planning = m.planning();
    QCOMPARE(planning.stage, s("ready"));
    QVERIFY(planning.rounds.isEmpty());
    QCOMPARE(planning.hasIntake, false);

    const Manifest::PlanApproval approval = m.planApproval();
    QCOMPARE(approval.state, s("approved"));
    QCOMPARE(iso(approval.requestedAt), s("2026-07-22T09:54:00.000Z"));
    QCOMPARE(iso(approval.approvedAt), s("2026-07-22T09:55:02.004Z"));
    QCOMPARE(approval.approvedBySessionId, s("S-lead"));
    QCOMPARE(approval.approvedPlanContentHash,
             s("3b4f0c1e9d2a7b6c5e8f90a1b2c3d4e5f60718293a4b5c6d7e8f901a2b3c4d5e"));

    QCOMPARE(probe(m, s("taskCounts")), s("in_progress=1"));
    QVERIFY(m.heartbeats().isEmpty());
    QCOMPARE(m.json().at("receipts").size(), std::size_t(1));
}

void tst_Manifest::everyOptionalField()
{
    const Manifest m = manifestFrom(kRichManifest);
    QVERIFY2(ManifestValidator::validateShape(m.json()).isOk(), "the rich fixture must be valid");

    const Manifest::Agent worker = m.agents().at(1);
    QCOMPARE(worker.displayName, s("API worker"));
    QCOMPARE(worker.status, s("blocked"));
    QCOMPARE(worker.stalledFlag, true);
    QCOMPARE(worker.cancellationRequested, true);
    QVERIFY(worker.usage);
    QCOMPARE(worker.usage->tokensIn, std::optional<qint64>(1200));
    QCOMPARE(worker.usage->tokensOut, std::optional<qint64>(340));
    QCOMPARE(worker.usage->costUsd, std::optional<double>(0.42));
    QCOMPARE(worker.usage->turns, std::optional<qint64>(7));
    QCOMPARE(worker.usage->elapsedMs, std::optional<qint64>(65000));
    QVERIFY(worker.budget);
    QCOMPARE(probe(m, s("agent.budget")), s("none")); // the lead comes first and has none
    QCOMPARE(worker.budget->maxTokens, std::optional<qint64>(100000));
    QCOMPARE(worker.budget->maxCostUsd, std::optional<double>(5));
    QCOMPARE(worker.budget->maxWallClockMs, std::optional<qint64>(3600000));
    QCOMPARE(worker.budget->maxTurns, std::optional<qint64>(50));
    QCOMPARE(worker.budget->onExceeded, s("pause"));

    const Manifest::Task task = m.tasks().first();
    QCOMPARE(task.status, s("review"));
    QVERIFY(!task.claimLeaseUntil.isValid()); // null, as release writes it
    QCOMPARE(iso(task.claimedAt), s("2026-07-22T09:20:00.000Z"));
    QCOMPARE(task.priority, s("critical"));
    QCOMPARE(task.labels, (QStringList{s("backend"), s("auth")}));
    QCOMPARE(task.blockedBy, QStringList{s("T-0")});
    QCOMPARE(task.blocks, QStringList{s("T-2")});
    QCOMPARE(task.supersedes, QStringList{s("T-old")}); // a lone string is a list of one
    QCOMPARE(task.supersededBy, s("T-new"));
    QCOMPARE(task.filesHint, (QStringList{s("src/api.ts"), s("src/auth.ts")}));
    QCOMPARE(task.attemptCount, 2);
    QCOMPARE(task.attempts.size(), 2);
    QCOMPARE(task.attempts.at(0).id, s("A-1"));
    QCOMPARE(task.attempts.at(0).sessionId, s("S-w"));
    QCOMPARE(task.attempts.at(0).outcome, s("failed"));
    QCOMPARE(task.attempts.at(0).failureReason, s("tests red"));
    QCOMPARE(iso(task.attempts.at(0).endedAt), s("2026-07-22T09:40:00.000Z"));
    QVERIFY(!task.attempts.at(1).endedAt.isValid());
    QCOMPARE(task.currentAttemptId, s("A-2"));
    QCOMPARE(task.evidenceCount, 2);
    QCOMPARE(task.validationGate.required, false);
    QCOMPARE(task.validationGate.stepIds, (QStringList{s("V-1"), s("V-2")}));
    QVERIFY(task.humanOverride);
    QCOMPARE(task.humanOverride->byUserId, s("u-1"));
    QCOMPARE(iso(task.humanOverride->at), s("2026-07-22T09:50:00.000Z"));
    QCOMPARE(task.humanOverride->fromStatus, s("in_progress"));
    QCOMPARE(task.humanOverride->toStatus, s("review"));
    QCOMPARE(task.humanOverride->reason, s("checked by hand"));

    const Manifest::ValidationStep step = m.validationSteps().first();
    QCOMPARE(step.scope, s("per_step"));
    QCOMPARE(step.appliesToTaskIds, QStringList{s("T-1")});

    const QList<Manifest::ChecklistItem> checklist = m.checklist();
    QCOMPARE(checklist.size(), 1);
    QCOMPARE(checklist.first().id, s("C-T-1-V-1"));
    QCOMPARE(checklist.first().stepId, s("V-1"));
    QCOMPARE(checklist.first().taskId, s("T-1"));
    QCOMPARE(checklist.first().latestRunId, s("run-2"));
    QCOMPARE(checklist.first().runs.size(), 2);
    const Manifest::ChecklistRun run = checklist.first().runs.first();
    QCOMPARE(run.id, s("run-1"));
    QCOMPARE(run.runBySessionId, s("S-v"));
    QCOMPARE(run.status, s("failed"));
    QCOMPARE(run.notes, s("2 failing"));
    QCOMPARE(iso(run.startedAt), s("2026-07-22T09:42:00.000Z"));
    QCOMPARE(iso(run.endedAt), s("2026-07-22T09:44:00.000Z"));
    QCOMPARE(run.attachedEvidenceCount, 1);
    QCOMPARE(run.findings.size(), 1);
    QCOMPARE(run.findings.first().id, s("F-1"));
    QCOMPARE(run.findings.first().severity, s("blocker"));
    QCOMPARE(run.findings.first().title, s("Empty password crashes"));
    QCOMPARE(run.findings.first().detail, s("null deref"));
    QCOMPARE(run.findings.first().fix, s("guard it"));
    QCOMPARE(checklist.first().runs.at(1).status, s("passed"));

    const Manifest::Asset asset = m.assets().first();
    QCOMPARE(asset.id, s("A-1-abcdef"));
    QCOMPARE(asset.path, s("artifacts/ui/login.html"));
    QCOMPARE(asset.kind, s("html_spec"));
    QCOMPARE(asset.version, std::optional<qint64>(2));
    QCOMPARE(asset.approval, s("approved"));
    QCOMPARE(asset.notes, s("second draft"));
    QCOMPARE(asset.registeredBySessionId, s("S-w"));

    const QList<Manifest::Decision> decisions = m.decisions();
    QCOMPARE(decisions.size(), 2);
    QCOMPARE(decisions.at(0).source, s("lead"));
    QCOMPARE(decisions.at(0).taskId, s("T-1"));
    QCOMPARE(decisions.at(0).stepId, s("V-1"));
    QCOMPARE(decisions.at(0).assetId, s("A-1-abcdef"));
    QVERIFY(decisions.at(1).id.isEmpty());
    QCOMPARE(decisions.at(1).summary, s("a legacy decision"));

    const QList<Manifest::UserOverride> overrides = m.userOverrides();
    QCOMPARE(overrides.size(), 2);
    QCOMPARE(overrides.at(0).id, s("O-1"));
    QCOMPARE(iso(overrides.at(0).at), s("2026-07-22T09:04:00.000Z"));
    QCOMPARE(overrides.at(0).scope, s("task"));
    QCOMPARE(overrides.at(0).appliedToId, s("T-1"));
    QCOMPARE(overrides.at(0).instruction, s("Skip e2e"));
    QCOMPARE(overrides.at(0).affectedDefault, s("validation"));
    QCOMPARE(overrides.at(1).instruction, s("a legacy override"));

    const QList<Manifest::HistoryEntry> history = m.history();
    QCOMPARE(history.size(), 2);
    QVERIFY(history.at(1).patchKindSummary.isEmpty());

    const Manifest::OutboxEntry outbox = m.outbox().first();
    QCOMPARE(outbox.deliveryOp, s("sendMessage"));
    QCOMPARE(outbox.status, s("failed"));
    QCOMPARE(outbox.attempts, 3);
    QCOMPARE(outbox.maxAttempts, 3);
    QCOMPARE(outbox.lastError, s("session gone"));
    QCOMPARE(iso(outbox.nextAttemptAt), s("2026-07-22T09:32:00.000Z"));
    QCOMPARE(iso(outbox.deliveredAt), s("2026-07-22T09:33:00.000Z"));

    const Manifest::LineageEdge edge = m.lineage().first();
    QCOMPARE(edge.status, s("completed"));
    QCOMPARE(iso(edge.completedAt), s("2026-07-22T09:58:00.000Z"));

    const Manifest::Planning planning = m.planning();
    QCOMPARE(planning.stage, s("round_ui"));
    QCOMPARE(planning.hasIntake, true);
    QCOMPARE(planning.rounds.size(), 1);
    QCOMPARE(planning.rounds.first().id, s("R-1"));
    QCOMPARE(planning.rounds.first().kind, s("functional"));
    QCOMPARE(planning.rounds.first().question, s("Which flows?"));
    QCOMPARE(planning.rounds.first().lockedSummary, s("Login only"));
    QCOMPARE(iso(planning.rounds.first().answeredAt), s("2026-07-22T09:02:00.000Z"));

    const Manifest::PlanApproval approval = m.planApproval();
    QCOMPARE(approval.state, s("changes_requested"));
    QCOMPARE(iso(approval.requestedAt), s("2026-07-22T09:04:30.000Z"));
    QVERIFY(!approval.approvedAt.isValid());
    QVERIFY(approval.approvedBySessionId.isEmpty());
}

void tst_Manifest::readsLikeAdeNormalization()
{
    const Manifest m = manifestFrom(R"({
        "tasks": [
            { "id": "T-legacy", "phase": "validating", "title": "Legacy task" },
            { "id": "T-coerced", "phaseId": "developing", "phase": "wrapup", "title": "t",
              "description": "", "validationGate": { "required": "no", "stepIds": "V-1" } },
            { "id": "T-off", "title": "t", "validationGate": { "required": false } }
        ],
        "leadState": { "planApprovedAt": "2026-07-22T09:55:02.004Z",
                       "planApprovedBySessionId": "S-lead" }
    })");
    const QList<Manifest::Task> tasks = m.tasks();
    QCOMPARE(tasks.size(), 3);
    // A legacy `phase` stands in for phaseId; a missing description is the title; a missing
    // gate is {required: true, stepIds: []}.
    QCOMPARE(tasks.at(0).phaseId, s("validating"));
    QCOMPARE(tasks.at(0).description, s("Legacy task"));
    QCOMPARE(tasks.at(0).validationGate.required, true);
    QVERIFY(tasks.at(0).validationGate.stepIds.isEmpty());
    // phaseId wins over phase; an empty description stays empty; only `false` turns a gate off.
    QCOMPARE(tasks.at(1).phaseId, s("developing"));
    QCOMPARE(tasks.at(1).description, QString());
    QCOMPARE(tasks.at(1).validationGate.required, true);
    QCOMPARE(tasks.at(1).validationGate.stepIds, QStringList{s("V-1")});
    QCOMPARE(tasks.at(2).validationGate.required, false);

    // A run approved before planSpec existed.
    const Manifest::PlanApproval approval = m.planApproval();
    QCOMPARE(approval.state, s("approved"));
    QCOMPARE(iso(approval.approvedAt), s("2026-07-22T09:55:02.004Z"));
    QCOMPARE(approval.approvedBySessionId, s("S-lead"));
}

void tst_Manifest::lenientReading_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");

    const auto row
        = [](const char *name, const char *document, const char *field, const char *expected) {
              QTest::newRow(name) << QByteArray(document) << s(field) << s(expected);
          };
    // Whole documents of the wrong type.
    row("array document / runId", "[1,2]", "runId", "");
    row("array document / agents", "[1,2]", "agents", "0");
    row("null document / generation", "null", "serverGeneration", "-1");
    row("string document / tasks", "\"manifest\"", "tasks", "0");
    row("empty object / version", "{}", "version", "0");
    row("empty object / planning", "{}", "planning", "/0");
    row("empty object / approval", "{}", "approval", "");
    // Top-level fields.
    row("runId number", R"({"runId": 5})", "runId", "");
    row("etag object", R"({"etag": {"g": 1}})", "etag", "");
    row("title array", R"({"title": ["a"]})", "title", "");
    row("currentPhase null", R"({"currentPhase": null})", "currentPhase", "");
    row("generation string", R"({"serverGeneration": "9"})", "serverGeneration", "-1");
    row("generation negative", R"({"serverGeneration": -3})", "serverGeneration", "-1");
    row("generation fraction", R"({"serverGeneration": 9.5})", "serverGeneration", "-1");
    row("generation integral float", R"({"serverGeneration": 9.0})", "serverGeneration", "9");
    row("generation huge", R"({"serverGeneration": 1e30})", "serverGeneration", "-1");
    row("generation beyond int64", R"({"serverGeneration": 18446744073709551615})",
        "serverGeneration", "-1");
    row("generation boolean", R"({"serverGeneration": true})", "serverGeneration", "-1");
    row("version string", R"({"version": "1"})", "version", "0");
    row("createdAt number", R"({"createdAt": 1753176615120})", "createdAt", "null");
    row("createdAt words", R"({"createdAt": "yesterday"})", "createdAt", "null");
    row("createdAt month 13", R"({"createdAt": "2026-13-01T00:00:00.000Z"})", "createdAt", "null");
    // Arrays of the wrong type or with wrong-typed entries.
    row("phases object", R"({"phases": {"id": "planning"}})", "phases", "0");
    row("phases mixed", R"({"phases": [1, null, "x", [], {"id": "planning"}]})", "phases", "1");
    row("agents string", R"({"agents": "S-lead"})", "agents", "0");
    row("agent fields wrong", R"({"agents": [{"sessionId": 5, "status": []}]})", "agent.sessionId",
        "");
    row("agent status wrong", R"({"agents": [{"sessionId": 5, "status": []}]})", "agent.status",
        "");
    row("agent stalled string", R"({"agents": [{"stalled": "true"}]})", "agent.stalledFlag",
        "false");
    row("agent stalled number", R"({"agents": [{"stalled": 1}]})", "agent.stalledFlag", "false");
    row("agent spawnedAt object", R"({"agents": [{"spawnedAt": {}}]})", "agent.spawnedAt", "null");
    row("agent usage string", R"({"agents": [{"usage": "lots"}]})", "agent.usage", "none");
    row("agent usage fields wrong",
        R"({"agents": [{"usage": {"tokensIn": "10", "tokensOut": null, "costUsd": 1.5,
                                  "turns": 2.5, "elapsedMs": true}}]})",
        "agent.usage", "none,none,1.5,none,none");
    row("agent budget array", R"({"agents": [{"budget": [1]}]})", "agent.budget", "none");
    row("agent budget onExceeded number", R"({"agents": [{"budget": {"onExceeded": 3}}]})",
        "agent.budget", "none,none,none,none,");
    row("tasks object", R"({"tasks": {"T-1": {}}})", "tasks", "0");
    row("tasks mixed", R"({"tasks": [null, 3, {"id": "T-1"}]})", "task.id", "T-1");
    row("task filesHint lone string", R"({"tasks": [{"filesHint": "src/a.ts"}]})", "task.filesHint",
        "src/a.ts");
    row("task filesHint object", R"({"tasks": [{"filesHint": {"a": 1}}]})", "task.filesHint", "");
    row("task labels mixed", R"({"tasks": [{"labels": [1, "ui", null, ["x"]]}]})", "task.labels",
        "ui");
    row("task lease null", R"({"tasks": [{"claimLeaseUntil": null}]})", "task.claimLeaseUntil",
        "null");
    row("task lease garbage", R"({"tasks": [{"claimLeaseUntil": "soon"}]})", "task.claimLeaseUntil",
        "null");
    row("task attempts string", R"({"tasks": [{"attempts": "3"}]})", "task.attempts", "0/0");
    row("task attempts mixed", R"({"tasks": [{"attempts": [1, {"id": "A"}]}]})", "task.attempts",
        "2/1");
    row("task gate string", R"({"tasks": [{"validationGate": "x"}]})", "task.gate", "required:");
    row("task gate stepIds mixed",
        R"({"tasks": [{"validationGate": {"required": false, "stepIds": ["V-1", 2]}}]})",
        "task.gate", "optional:V-1");
    row("task humanOverride array", R"({"tasks": [{"humanOverride": []}]})", "task.humanOverride",
        "none");
    row("task evidence object", R"({"tasks": [{"evidence": {"kind": "x"}}]})", "task.evidence",
        "0");
    row("task description number", R"({"tasks": [{"title": "T", "description": 4}]})",
        "task.description", "T");
    row("task phaseId number and phase", R"({"tasks": [{"phaseId": 1, "phase": "wrapup"}]})",
        "task.phaseId", "wrapup");
    row("task status counts", R"({"tasks": [{"status": 1}, {"status": "done"}, "x"]})",
        "taskCounts", "=1,done=1");
    row("validationStrategy array", R"({"validationStrategy": []})", "steps", "0");
    row("checklist object", R"({"validationStrategy": {"checklist": {"a": 1}}})", "checklist", "0");
    row("checklist runs string",
        R"({"validationStrategy": {"checklist": [{"id": "C", "runs": "x"}]}})", "checklist.runs",
        "0");
    row("decisions mixed", R"({"decisions": [3, "legacy", {"id": "D", "summary": 1}, null]})",
        "decisions", ":legacy|D:");
    row("history entry wrong", R"({"history": [{"etag": 1}]})", "history.etag", "");
    row("outbox numbers wrong", R"({"outbox": [{"attempts": "2", "maxAttempts": null}]})",
        "outbox.attempts", "0/5");
    row("outbox numbers huge", R"({"outbox": [{"attempts": 1e12, "maxAttempts": -4e12}]})",
        "outbox.attempts", "2147483647/-2147483648");
    row("asset version string", R"({"assets": [{"version": "2"}]})", "assets.version", "none");
    row("leadState string", R"({"leadState": "x"})", "planning", "/0");
    row("planning array", R"({"leadState": {"planning": []}})", "planning", "/0");
    row("planning rounds mixed",
        R"({"leadState": {"planning": {"stage": 3, "rounds": [1, {"id": "R"}]}}})", "planning",
        "/1");
    row("approval string", R"({"planSpec": {"approval": "approved"}})", "approval", "");
    row("legacy approval empty", R"({"leadState": {"planApprovedAt": ""}})", "approval", "");
}

void tst_Manifest::lenientReading()
{
    QFETCH(QByteArray, document);
    QFETCH(QString, field);
    QFETCH(QString, expected);

    const Manifest m = manifestFrom(document);
    QCOMPARE(probe(m, field), expected);
    // Every other accessor copes with the same document too.
    QVERIFY(!fingerprint(m, at("2026-07-22T12:00:00.000Z")).isEmpty());
}

void tst_Manifest::wrongTypesAnywhereNeverThrow()
{
    // Replace each value of two complete manifests, one at a time, by values of every JSON type
    // and read everything back: no exception, and the same answers on a second read.
    const std::vector<Json> replacements{
        Json(nullptr),       Json(true),     Json(-1),
        Json(2.5),           Json(""),       Json("x"),
        Json::array(),       Json::object(), Json::array({nullptr}),
        Json{{"a", nullptr}}};
    const QDateTime now = at("2026-07-22T12:00:00.000Z");
    int documents = 0;
    for (const QByteArray &text :
         {QByteArray(kRichManifest), readBytes(test::dataDir() + s("/manifest-example.json"))}) {
        QVERIFY(!text.isEmpty());
        const Json base = Json::parse(text.toStdString());
        std::vector<Json::json_pointer> pointers;
        collectPointers(base, Json::json_pointer(), &pointers);
        QVERIFY(pointers.size() > 100);
        for (const Json::json_pointer &pointer : pointers) {
            for (const Json &replacement : replacements) {
                auto document = std::make_shared<Json>(base);
                (*document)[pointer] = replacement;
                const Manifest m(document, Json{{"S-worker-1", replacement}});
                QString first;
                QString second;
                try {
                    first = fingerprint(m, now);
                    second = fingerprint(Manifest(m), now);
                } catch (const std::exception &e) {
                    QFAIL(qPrintable(s("%1 = %2 threw: %3")
                                         .arg(QString::fromStdString(pointer.to_string()),
                                              QString::fromStdString(replacement.dump()),
                                              QString::fromUtf8(e.what()))));
                }
                QCOMPARE(second, first);
                ++documents;
            }
        }
    }
    QVERIFY(documents > 2000);
}

void tst_Manifest::emptyAndMovedFromManifests()
{
    const Manifest empty;
    QVERIFY(empty.json().is_object());
    QVERIFY(empty.json().empty());
    QVERIFY(empty.runId().isNull());
    QCOMPARE(empty.serverGeneration(), qint64(-1));
    QVERIFY(empty.agents().isEmpty());
    QVERIFY(!empty.agentBySessionId(s("S-lead")));

    const Manifest fromNull(nullptr);
    QVERIFY(fromNull.json().is_object());

    Manifest source = manifestFrom(R"({"runId": "R-1"})");
    const Manifest moved = std::move(source);
    QCOMPARE(moved.runId(), s("R-1"));
    // A moved-from object is still safe to ask.
    QVERIFY(source.json().is_object()); // NOLINT(bugprone-use-after-move)
    QVERIFY(source.runId().isEmpty());  // NOLINT(bugprone-use-after-move)

    // Copies share the document instead of copying it.
    const Manifest copy = moved; // NOLINT(performance-unnecessary-copy-initialization)
    QCOMPARE(&copy.json(), &moved.json());
    QCOMPARE(copy.document().get(), moved.document().get());
}

void tst_Manifest::lookups()
{
    const Manifest m = manifestFrom(R"({
        "agents": [
            { "sessionId": "S-1", "role": "lead", "status": "running" },
            { "sessionId": "S-2", "role": "worker", "status": "pending" },
            { "sessionId": "S-1", "role": "worker", "status": "failed" },
            "S-3"
        ],
        "tasks": [
            { "id": "T-1", "status": "done", "title": "first" },
            { "id": "T-2", "status": "pending" },
            { "id": "T-1", "status": "failed", "title": "second" },
            { "id": 3, "status": "pending" }
        ]
    })");
    // The first match wins, as ADE's id predicates resolve.
    const std::optional<Manifest::Agent> agent = m.agentBySessionId(s("S-1"));
    QVERIFY(agent);
    QCOMPARE(agent->role, s("lead"));
    QCOMPARE(m.agentBySessionId(s("S-2"))->status, s("pending"));
    QVERIFY(!m.agentBySessionId(s("S-3")));
    QVERIFY(!m.agentBySessionId(QString()));

    const std::optional<Manifest::Task> task = m.taskById(s("T-1"));
    QVERIFY(task);
    QCOMPARE(task->title, s("first"));
    QVERIFY(!m.taskById(s("3")));
    QVERIFY(!m.taskById(s("T-9")));

    QCOMPARE(probe(m, s("taskCounts")), s("done=1,failed=1,pending=2"));
}

void tst_Manifest::heartbeatMergeNewestWins_data()
{
    QTest::addColumn<QByteArray>("manifestValue"); // JSON text of agents[0].lastHeartbeatAt
    QTest::addColumn<QByteArray>("heartbeats");    // heartbeats.json bytes
    QTest::addColumn<QString>("expected");

    QTest::newRow("heartbeats.json newer")
        << QByteArray(R"("2026-07-22T10:00:00.000Z")")
        << QByteArray(R"({"S-w": "2026-07-22T10:05:00.000Z"})") << s("2026-07-22T10:05:00.000Z");
    // ADE would take heartbeats.json's older value here; we keep the newer manifest value.
    QTest::newRow("manifest newer")
        << QByteArray(R"("2026-07-22T10:05:00.000Z")")
        << QByteArray(R"({"S-w": "2026-07-22T10:00:00.000Z"})") << s("2026-07-22T10:05:00.000Z");
    QTest::newRow("newer by one millisecond in the file")
        << QByteArray(R"("2026-07-22T10:05:00.000Z")")
        << QByteArray(R"({"S-w": "2026-07-22T10:05:00.001Z"})") << s("2026-07-22T10:05:00.001Z");
    QTest::newRow("offset in the file compared as an instant")
        << QByteArray(R"("2026-07-22T10:05:00.000Z")")
        << QByteArray(R"({"S-w": "2026-07-22T12:04:00.000+02:00"})")
        << s("2026-07-22T10:05:00.000Z");
    QTest::newRow("only heartbeats.json")
        << QByteArray("null") << QByteArray(R"({"S-w": "2026-07-22T10:05:00.000Z"})")
        << s("2026-07-22T10:05:00.000Z");
    QTest::newRow("only the manifest") << QByteArray(R"("2026-07-22T10:00:00.000Z")")
                                       << QByteArray() << s("2026-07-22T10:00:00.000Z");
    QTest::newRow("unparsable in the file")
        << QByteArray(R"("2026-07-22T10:00:00.000Z")") << QByteArray(R"({"S-w": "soon"})")
        << s("2026-07-22T10:00:00.000Z");
    QTest::newRow("empty string in the file")
        << QByteArray(R"("2026-07-22T10:00:00.000Z")") << QByteArray(R"({"S-w": ""})")
        << s("2026-07-22T10:00:00.000Z");
    QTest::newRow("number in the file")
        << QByteArray(R"("2026-07-22T10:00:00.000Z")") << QByteArray(R"({"S-w": 1753178700000})")
        << s("2026-07-22T10:00:00.000Z");
    QTest::newRow("another session in the file")
        << QByteArray(R"("2026-07-22T10:00:00.000Z")")
        << QByteArray(R"({"S-other": "2026-07-22T11:00:00.000Z"})")
        << s("2026-07-22T10:00:00.000Z");
    QTest::newRow("unparsable in the manifest")
        << QByteArray(R"("later")") << QByteArray(R"({"S-w": "2026-07-22T10:05:00.000Z"})")
        << s("2026-07-22T10:05:00.000Z");
    QTest::newRow("heartbeats.json broken")
        << QByteArray(R"("2026-07-22T10:00:00.000Z")") << QByteArray(R"({"S-w": "2026-07-22T1)")
        << s("2026-07-22T10:00:00.000Z");
    QTest::newRow("neither") << QByteArray("null") << QByteArray("{}") << s("null");
}

void tst_Manifest::heartbeatMergeNewestWins()
{
    QFETCH(QByteArray, manifestValue);
    QFETCH(QByteArray, heartbeats);
    QFETCH(QString, expected);

    const QByteArray document = R"({"agents": [{"sessionId": "S-w", "role": "worker",
        "status": "running", "spawnedAt": "2026-07-22T09:00:00.000Z", "lastHeartbeatAt": )"
                                + manifestValue + "}]}";
    const Manifest m = manifestFrom(document, heartbeats);
    QCOMPARE(iso(m.agents().first().lastHeartbeatAt), expected);
    QCOMPARE(iso(m.agentBySessionId(s("S-w"))->lastHeartbeatAt), expected);
    // The manifest document itself is left as it was.
    QVERIFY(m.json().at("agents").at(0).at("lastHeartbeatAt")
            == Json::parse(manifestValue.toStdString()));
}

void tst_Manifest::parseHeartbeats_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("keys");

    QTest::newRow("ADE's format") << QByteArray("{\n  \"S-1\": \"2026-07-22T10:00:00.000Z\",\n"
                                                "  \"S-2\": \"2026-07-22T10:01:00.000Z\"\n}\n")
                                  << QStringList{s("S-1"), s("S-2")};
    QTest::newRow("non-string and empty values dropped")
        << QByteArray(R"({"a": "x", "b": "", "c": 5, "d": null, "e": ["t"], "f": {"t": "u"}})")
        << QStringList{s("a")};
    QTest::newRow("array") << QByteArray(R"(["S-1"])") << QStringList();
    QTest::newRow("string") << QByteArray(R"("S-1")") << QStringList();
    QTest::newRow("truncated") << QByteArray(R"({"S-1": "2026)") << QStringList();
    QTest::newRow("empty file") << QByteArray() << QStringList();
    QTest::newRow("invalid UTF-8") << QByteArray("{\"S-\xff\": \"x\"}") << QStringList();
    QTest::newRow("trailing garbage") << QByteArray(R"({"S-1": "x"} x)") << QStringList();
}

void tst_Manifest::parseHeartbeats()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, keys);

    const Json parsed = Manifest::parseHeartbeats(bytes);
    QVERIFY(parsed.is_object());
    QStringList actual;
    for (auto it = parsed.begin(); it != parsed.end(); ++it) {
        QVERIFY(it.value().is_string());
        actual << QString::fromStdString(it.key());
    }
    QCOMPARE(actual, keys);
}

void tst_Manifest::timestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // UTC, ms; "null" for invalid

    const auto row = [](const char *text, const char *expected) {
        QTest::newRow(*text ? text : "(empty)") << s(text) << s(expected);
    };
    row("2026-07-22T09:30:15.123Z", "2026-07-22T09:30:15.123Z");
    row("2026-07-22T09:30:15Z", "2026-07-22T09:30:15.000Z");
    row("2026-07-22T09:30Z", "2026-07-22T09:30:00.000Z");
    row("2026-07-22T09:30:15.1Z", "2026-07-22T09:30:15.100Z");
    row("2026-07-22T09:30:15.12Z", "2026-07-22T09:30:15.120Z");
    row("2026-07-22T09:30:15.123456789Z", "2026-07-22T09:30:15.123Z");
    row("2026-07-22T11:30:15.123+02:00", "2026-07-22T09:30:15.123Z");
    row("2026-07-22T04:00:15.123-05:30", "2026-07-22T09:30:15.123Z");
    row("2026-07-22T11:30:15.123+0200", "2026-07-22T09:30:15.123Z");
    row("2026-07-23T00:30:00.000+15:00", "2026-07-22T09:30:00.000Z");
    row("2026-07-22T23:59:59.999-01:00", "2026-07-23T00:59:59.999Z");
    row("2024-02-29T00:00:00.000Z", "2024-02-29T00:00:00.000Z");
    row("2026-07-22", "2026-07-22T00:00:00.000Z");
    row("", "null");
    row("garbage", "null");
    row("2026-13-01T00:00:00.000Z", "null");
    row("2026-02-29T00:00:00.000Z", "null");
    row("2026-07-22T24:00:00.000Z", "null");
    row("2026-07-22T09:60:00.000Z", "null");
    row("2026-07-22T09:30:60.000Z", "null");
    row("2026-07-22T09:30:15.Z", "null");
    row("2026-07-22 09:30:15Z", "null");
    row("2026-07-22t09:30:15Z", "null");
    row("2026-07-22T09:30:15.123ZZ", "null");
    row("2026-07-22T09:30:15.123z", "null");
    row("2026-07-22T09:30:15+25:00", "null");
    row("2026-07-22T09:30:15+02:60", "null");
    row("2026-07-22T09:30:15+02", "null");
    row("2026-07-22T09:30:15+02:0", "null");
    row("2026-7-22T09:30:15Z", "null");
    row(" 2026-07-22T09:30:15Z", "null");
    row("2026-07-22T09:30:15Z ", "null");
    row("2026-07-22T9:30:15Z", "null");
    row("2026-07-22T09", "null");
    row("2026-07-22T", "null");
    row("0000-01-01T00:00:00.000Z", "null");
    row("+02026-07-22T09:30:15Z", "null");
    row("１２３４-07-22T09:30:15Z", "null");
}

void tst_Manifest::timestamps()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);

    const QDateTime parsed = Manifest::parseTimestamp(text);
    QCOMPARE(iso(parsed), expected);
    if (parsed.isValid())
        QCOMPARE(parsed.timeSpec(), Qt::UTC);
    const QByteArray utf8 = text.toUtf8();
    QCOMPARE(Manifest::parseTimestamp(
                 std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size()))),
             parsed);
}

void tst_Manifest::timestampWithoutZoneIsLocalTime()
{
    // JavaScript reads a date-time without a zone as local time; so do we.
    const QDateTime parsed = Manifest::parseTimestamp(s("2026-07-22T09:30:15.123"));
    const QDateTime local(QDate(2026, 7, 22), QTime(9, 30, 15, 123), Qt::LocalTime);
    QCOMPARE(parsed, local);
    QCOMPARE(parsed.timeSpec(), Qt::UTC);
}

void tst_Manifest::integerValue_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");

    QTest::newRow("zero") << QByteArray("0") << s("0");
    QTest::newRow("negative") << QByteArray("-7") << s("-7");
    QTest::newRow("int64 max") << QByteArray("9223372036854775807") << s("9223372036854775807");
    QTest::newRow("int64 min") << QByteArray("-9223372036854775808") << s("-9223372036854775808");
    QTest::newRow("beyond int64") << QByteArray("9223372036854775808") << s("none");
    QTest::newRow("integral float") << QByteArray("6.0") << s("6");
    QTest::newRow("exponent") << QByteArray("1e3") << s("1000");
    QTest::newRow("fraction") << QByteArray("6.5") << s("none");
    QTest::newRow("2^63 as float") << QByteArray("9.3e18") << s("none");
    QTest::newRow("string") << QByteArray("\"6\"") << s("none");
    QTest::newRow("boolean") << QByteArray("true") << s("none");
    QTest::newRow("null") << QByteArray("null") << s("none");
    QTest::newRow("array") << QByteArray("[6]") << s("none");
}

void tst_Manifest::integerValue()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QCOMPARE(opt(Manifest::integerValue(Json::parse(json.toStdString()))), expected);
}

void tst_Manifest::stallRule_data()
{
    // Offsets are milliseconds before `now`; kAbsent leaves the value out.
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("status");
    QTest::addColumn<bool>("flag");
    QTest::addColumn<qint64>("manifestHeartbeat");
    QTest::addColumn<qint64>("fileHeartbeat");
    QTest::addColumn<qint64>("spawned");
    QTest::addColumn<bool>("stalled");

    constexpr qint64 kMinute = 60 * 1000;
    constexpr qint64 kThreshold = 10 * kMinute;
    const QString worker = s("worker");
    const QString running = s("running");
    QTest::newRow("fresh worker") << worker << running << false << kMinute << kAbsent << kThreshold
                                  << false;
    QTest::newRow("exactly 10 min")
        << worker << running << false << kThreshold << kAbsent << 2 * kThreshold << false;
    QTest::newRow("10 min + 1 ms")
        << worker << running << false << kThreshold + 1 << kAbsent << 2 * kThreshold << true;
    QTest::newRow("10 min + 1 s") << worker << running << false << kThreshold + 1000 << kAbsent
                                  << 2 * kThreshold << true;
    QTest::newRow("validator silent 11 min")
        << s("validator") << running << false << 11 * kMinute << kAbsent << 20 * kMinute << true;
    QTest::newRow("lead silent 1 h")
        << s("lead") << running << false << 60 * kMinute << kAbsent << 90 * kMinute << false;
    QTest::newRow("lead without heartbeat")
        << s("lead") << running << false << kAbsent << kAbsent << 90 * kMinute << false;
    QTest::newRow("blocked worker silent 20 min")
        << worker << s("blocked") << false << 20 * kMinute << kAbsent << 30 * kMinute << false;
    QTest::newRow("pending worker silent 20 min")
        << worker << s("pending") << false << kAbsent << kAbsent << 20 * kMinute << false;
    QTest::newRow("completed worker silent 1 h")
        << worker << s("completed") << false << 60 * kMinute << kAbsent << 70 * kMinute << false;
    QTest::newRow("flag alone, fresh heartbeat")
        << worker << running << true << kMinute << kAbsent << kThreshold << true;
    QTest::newRow("flag alone, lead")
        << s("lead") << running << true << kAbsent << kAbsent << kMinute << true;
    QTest::newRow("flag alone, completed")
        << worker << s("completed") << true << kAbsent << kAbsent << kMinute << true;
    QTest::newRow("heartbeats.json refresh un-stalls")
        << worker << running << false << 30 * kMinute << kMinute << 40 * kMinute << false;
    QTest::newRow("stale heartbeats.json, fresh manifest")
        << worker << running << false << kMinute << 30 * kMinute << 40 * kMinute << false;
    QTest::newRow("stale in both")
        << worker << running << false << 12 * kMinute << 11 * kMinute << 40 * kMinute << true;
    QTest::newRow("spawned 5 min ago, no heartbeat")
        << worker << running << false << kAbsent << kAbsent << 5 * kMinute << false;
    QTest::newRow("spawned 11 min ago, no heartbeat")
        << worker << running << false << kAbsent << kAbsent << 11 * kMinute << true;
    QTest::newRow("old heartbeat, respawned 2 min ago")
        << worker << running << false << 20 * kMinute << kAbsent << 2 * kMinute << false;
    QTest::newRow("no timestamps at all")
        << worker << running << false << kAbsent << kAbsent << kAbsent << false;
    QTest::newRow("heartbeat in the future")
        << worker << running << false << -kMinute << kAbsent << 20 * kMinute << false;
}

void tst_Manifest::stallRule()
{
    QFETCH(QString, role);
    QFETCH(QString, status);
    QFETCH(bool, flag);
    QFETCH(qint64, manifestHeartbeat);
    QFETCH(qint64, fileHeartbeat);
    QFETCH(qint64, spawned);
    QFETCH(bool, stalled);

    const QDateTime now = at("2026-07-22T12:00:00.000Z");
    const auto stamp = [&](qint64 before) {
        return now.addMSecs(-before).toString(Qt::ISODateWithMs).toStdString();
    };
    Json agent{{"sessionId", "S-a"},
               {"role", role.toStdString()},
               {"status", status.toStdString()},
               {"stalled", flag}};
    if (manifestHeartbeat != kAbsent)
        agent["lastHeartbeatAt"] = stamp(manifestHeartbeat);
    if (spawned != kAbsent)
        agent["spawnedAt"] = stamp(spawned);
    Json heartbeats = Json::object();
    if (fileHeartbeat != kAbsent)
        heartbeats["S-a"] = stamp(fileHeartbeat);

    const Manifest m(std::make_shared<const Json>(Json{{"agents", Json::array({agent})}}),
                     heartbeats);
    const Manifest::Agent read = m.agents().first();
    QCOMPARE(read.stalledFlag, flag);
    QCOMPARE(Manifest::isStalled(read, now), stalled);
    QCOMPARE(m.stalledAgents(now).size(), stalled ? 1 : 0);
    // Without a clock reading only the flag counts.
    QCOMPARE(Manifest::isStalled(read, QDateTime()), flag);
}

void tst_Manifest::stalledAgentsOfARun()
{
    const Manifest m = manifestFrom(R"({"agents": [
        { "sessionId": "S-lead", "role": "lead", "status": "running",
          "spawnedAt": "2026-07-22T09:00:00.000Z" },
        { "sessionId": "S-1", "role": "worker", "status": "running",
          "spawnedAt": "2026-07-22T09:00:00.000Z", "lastHeartbeatAt": "2026-07-22T09:40:00.000Z" },
        { "sessionId": "S-2", "role": "worker", "status": "running",
          "spawnedAt": "2026-07-22T09:00:00.000Z", "lastHeartbeatAt": "2026-07-22T09:40:00.000Z" },
        { "sessionId": "S-3", "role": "worker", "status": "running", "stalled": true,
          "spawnedAt": "2026-07-22T09:00:00.000Z", "lastHeartbeatAt": "2026-07-22T09:59:00.000Z" }
    ]})",
                                    R"({"S-2": "2026-07-22T09:58:00.000Z"})");
    const QDateTime now = at("2026-07-22T10:00:00.000Z");
    QStringList ids;
    for (const Manifest::Agent &agent : m.stalledAgents(now))
        ids << agent.sessionId;
    // S-1 is silent 20 min; S-2 was refreshed by heartbeats.json; S-3 carries the flag.
    QCOMPARE(ids, (QStringList{s("S-1"), s("S-3")}));
    QCOMPARE(Manifest::livenessOf(m.agents().at(2)), at("2026-07-22T09:58:00.000Z"));
    QCOMPARE(Manifest::livenessOf(m.agents().at(0)), at("2026-07-22T09:00:00.000Z"));
    QCOMPARE(Manifest::livenessOf(Manifest::Agent()), QDateTime());
    static_assert(Manifest::kStallThreshold == std::chrono::minutes(10));
}

void tst_Manifest::concurrentReadersOutliveTheOriginal()
{
    const QDateTime now = at("2026-07-22T12:00:00.000Z");
    auto original
        = std::make_unique<Manifest>(std::make_shared<const Json>(Json::parse(kRichManifest)),
                                     Json{{"S-w", "2026-07-22T11:55:00.000Z"}});
    const QString expected = fingerprint(*original, now);
    QVERIFY(expected.contains(s("S-lead")));

    const auto readMany = [now](const Manifest &m) {
        QString last;
        for (int i = 0; i < 200; ++i) {
            const QString current = fingerprint(m, now);
            if (!last.isEmpty() && current != last)
                return s("changed between reads");
            last = current;
        }
        return last;
    };
    Manifest first = *original;
    Manifest second = *original;
    QFuture<QString> a
        = QtConcurrent::run([m = std::move(first), readMany] { return readMany(m); });
    QFuture<QString> b
        = QtConcurrent::run([m = std::move(second), readMany] { return readMany(m); });
    // The copies in the tasks are now the document's only owners.
    original.reset();
    a.waitForFinished();
    b.waitForFinished();
    QCOMPARE(a.result(), expected);
    QCOMPARE(b.result(), expected);
}

QTEST_GUILESS_MAIN(tst_Manifest)
#include "tst_manifest.moc"
