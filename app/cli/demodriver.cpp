// SPDX-License-Identifier: MIT
//
// DemoDriver: a believable live run for people trying Runboard (and for `runboard --demo`).
//
// Every agent action goes through ManifestService::patch, i.e. the real commit protocol with the
// real policy: workers move only their own tasks (in_progress, review) as role "worker"; what ADE
// does in service-level calls (claimTask, releaseTask, recordValidationRun, the stall sweep) is
// committed with role "lead", as ADE's directPatch does, and phase changes are the user's. A task
// is released to done only when PatchPolicy::taskGatesSatisfied says its gates hold; once per
// demo a worker tries too early and the done gate refuses it (validation_failed), on purpose.
// S-worker-3 is seeded silent for 11 minutes and never heartbeats, so the stall is visible at
// once and flagged by the lead's sweep on the first tick; its task is reassigned a few ticks on.
//
// The "other process" writes manifest.json directly, without lock or etag, exactly as git or an
// editor would; the driver's own next commit then meets etag_conflict and retries on the fresh
// state, which is the point of the demo. A foreign-runId swap is always undone, also on stop().
// Decisions are taken on a fresh reload at the start of each tick, never on a cached view.
// Thread: main thread (service, timer and file writes).

#include "demodriver.h"

#include "clock.h"
#include "eventprinter.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "manifest.h"
#include "output.h"
#include "patchpolicy.h"
#include "runcreator.h"

#include <QCoreApplication>
#include <QFile>
#include <QRandomGenerator>

#include <cstdio>

namespace runboard::cli {

namespace {

constexpr auto kTickInterval = std::chrono::milliseconds(800);
constexpr int kHeartbeatEveryTicks = 3;
constexpr int kFirstExternalTick = 2;
constexpr int kExternalEveryTicks = 10;
constexpr int kForeignSwapTicks = 4;
constexpr int kReassignAfterTicks = 6;
const char *const kTitle = "Demo: checkout flow";

std::string iso(const QDateTime &time)
{
    return utf8(isoTimestamp(time));
}

std::string taskPath(const std::string &taskId, const char *member)
{
    return "/tasks/{id:" + taskId + "}/" + member;
}

std::string agentPath(const std::string &sessionId, const char *member)
{
    return "/agents/{sessionId:" + sessionId + "}/" + member;
}

Json op(const char *kind, const std::string &path, Json value = Json())
{
    Json out = {{"op", kind}, {"path", path}};
    if (std::string_view(kind) != "remove")
        out["value"] = std::move(value);
    return out;
}

std::string stringOf(const Json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json &arrayAt(const Json &document, const char *key)
{
    static const Json empty = Json::array();
    const auto it = document.find(key);
    return it != document.end() && it->is_array() ? *it : empty;
}

std::string hex6()
{
    return utf8(QStringLiteral("%1").arg(QRandomGenerator::global()->generate() & 0xffffffu, 6, 16,
                                         QLatin1Char('0')));
}

bool gateRequired(const Json &task)
{
    const auto gate = task.find("validationGate");
    if (gate == task.end() || !gate->is_object())
        return true;
    const auto required = gate->find("required");
    return required == gate->end() || !required->is_boolean() || required->get<bool>();
}

// Replaces the file the way `mv tmp manifest.json` does: a new inode appears at once.
bool writeByRename(const QString &path, const QByteArray &bytes)
{
    const QString temp = path + QStringLiteral(".other-writer");
    QFile file(temp);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    return std::rename(QFile::encodeName(temp).constData(), QFile::encodeName(path).constData())
           == 0;
}

} // namespace

DemoDriver::DemoDriver(QString directory, QObject *parent)
    : QObject(parent), m_directory(std::move(directory))
{
    m_timer.setInterval(kTickInterval);
    connect(&m_timer, &QTimer::timeout, this, &DemoDriver::tick);
}

DemoDriver::~DemoDriver() = default;

const Json &DemoDriver::document() const
{
    return m_view.document();
}

int DemoDriver::start()
{
    RunCreator::Options options;
    options.title = QString::fromLatin1(kTitle);
    options.goalSummary = tr("Let shoppers pay for their cart: address, payment, receipt e-mail");
    options.laneId = QStringLiteral("L-demo");
    const Result<RunCreator::Created> created = RunCreator::create(m_directory, options);
    if (!created.isOk()) {
        printJson(errorObject(created.error()));
        printDiagnostic(
            tr("runboard-cli demo: cannot create the run: %1").arg(created.error().message));
        return exitStatusFor(created.error().code);
    }
    printJson(Json{{"event", "demo"},
                   {"bundlePath", utf8(created->location.bundlePath)},
                   {"runId", utf8(created->location.runId)}});

    m_service = new ManifestService(created->location, this);
    const Result<Snapshot> opened = m_service->open();
    if (!opened.isOk()) {
        printJson(errorObject(opened.error()));
        printDiagnostic(tr("runboard-cli demo: %1").arg(opened.error().message));
        return exitStatusFor(opened.error().code);
    }
    m_view = opened.value();
    new EventPrinter(m_service, this);
    seed();
    m_timer.start();
    return 0;
}

void DemoDriver::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_timer.stop();
    if (m_swappedOut) {
        m_swapTick = m_tick - kForeignSwapTicks;
        restoreForeignSwap();
    }
    m_service->reload();
    const Snapshot last = m_service->snapshot();
    printJson(Json{{"event", "demo-finished"},
                   {"etag", utf8(last.etag())},
                   {"serverGeneration", last.serverGeneration()},
                   {"ticks", m_tick}});
    QCoreApplication::exit(0);
}

Result<Snapshot> DemoDriver::commit(const QString &actorSession, ActorRole role, Json operations,
                                    const QString &summary)
{
    ManifestStore::PatchRequest request;
    request.actor = Actor{role, actorSession};
    request.operations = std::move(operations);
    request.summary = summary;
    Result<Snapshot> result = Error{ErrorCode::IoError, QString()};
    // An external writer may have changed the file since our last look; the commit protocol
    // refuses that, so look again and retry on the new state, as an ADE agent would.
    for (int attempt = 0; attempt < 3; ++attempt) {
        request.ifMatchEtag = m_service->snapshot().etag();
        result = m_service->patch(request);
        if (result.isOk()) {
            m_view = result.value();
            return result;
        }
        if (result.error().code != ErrorCode::EtagConflict)
            break;
        m_service->reload();
    }
    m_view = m_service->snapshot();
    return result;
}

void DemoDriver::report(const QString &actorSession, const QString &action, const QString &taskId,
                        const Result<Snapshot> &result, const QString &detail)
{
    Json line = {{"event", "action"}, {"actor", utf8(actorSession)}, {"action", utf8(action)}};
    if (!taskId.isEmpty())
        line["taskId"] = utf8(taskId);
    if (!detail.isEmpty())
        line["detail"] = utf8(detail);
    if (result.isOk()) {
        line["ok"] = true;
        line["etag"] = utf8(result->etag());
        line["serverGeneration"] = result->serverGeneration();
    } else {
        line["ok"] = false;
        line["error"] = utf8(errorCodeName(result.error().code));
        line["message"] = utf8(result.error().message);
    }
    printJson(line);
}

bool DemoDriver::seed()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Json ops = Json::array();
    const auto agent = [&](const char *session, const char *role, const char *tag, const char *name,
                           const char *goal, const QDateTime &spawned, const QDateTime &heartbeat) {
        Json row = {{"sessionId", session}, {"role", role}};
        if (*tag)
            row["tag"] = tag;
        row["displayName"] = name;
        row["goalSummary"] = goal;
        row["status"] = "running";
        row["lastHeartbeatAt"] = iso(heartbeat);
        row["spawnedAt"] = iso(spawned);
        ops.push_back(op("add", "/agents/-", std::move(row)));
    };
    agent("S-worker-1", "worker", "web-ui", "Web UI worker", "Checkout pages", now, now);
    agent("S-worker-2", "worker", "api", "API worker", "Payment and order API", now, now);
    // Silent for 11 minutes already: past ADE's 10-minute stall threshold from the first tick.
    agent("S-worker-3", "worker", "db", "Database worker", "Order schema and migrations",
          now.addSecs(-14 * 60), now.addSecs(-11 * 60));
    agent("S-validator", "validator", "", "Validator", "Re-verify every change", now, now);

    ops.push_back(
        op("replace", "/validationStrategy/steps",
           Json::array({{{"id", "V-1"},
                         {"concern", "reverify_changes"},
                         {"scope", "per_worker"},
                         {"required", true},
                         {"prompt", "Re-read every touched file; walk the error paths."},
                         {"evidenceRequired", Json::array({"test_log"})}},
                        {{"id", "V-2"},
                         {"concern", "test_suite_truthfulness"},
                         {"scope", "per_step"},
                         {"required", true},
                         {"prompt", "Run the suite; check that the tests test what they claim."},
                         {"evidenceRequired", Json::array({"test_log"})}},
                        {{"id", "V-3"},
                         {"concern", "pre_completion_gate"},
                         {"scope", "mission_exit"},
                         {"required", false},
                         {"prompt", "Whole-run review before wrap-up."},
                         {"evidenceRequired", Json::array({"plan_md_section"})}}})));

    struct Seed
    {
        const char *phase;
        const char *title;
        const char *tag;
        const char *step; // "" = no required gate
    };
    static const Seed tasks[] = {
        {"planning", "Intake: project shape and test stack", "", ""},
        {"planning", "Functional round: checkout steps", "", ""},
        {"planning", "UI round: page layout", "", ""},
        {"developing", "Cart summary component", "web-ui", "V-1"},
        {"developing", "Address form with validation", "web-ui", "V-1"},
        {"developing", "Payment form (card fields)", "web-ui", "V-1"},
        {"developing", "Order confirmation page", "web-ui", "V-1"},
        {"developing", "POST /orders endpoint", "api", "V-1"},
        {"developing", "Payment provider client", "api", "V-1"},
        {"developing", "Idempotency keys for payments", "api", "V-1"},
        {"developing", "Receipt e-mail job", "api", "V-1"},
        {"developing", "Order status webhooks", "api", "V-1"},
        {"developing", "Inventory reservation", "api", "V-1"},
        {"developing", "Orders table migration", "db", "V-1"},
        {"developing", "Payments table migration", "db", "V-1"},
        {"developing", "Error states and retry UI", "web-ui", "V-1"},
        {"developing", "Accessibility pass on forms", "web-ui", "V-1"},
        {"validating", "End-to-end checkout test", "web-ui", "V-2"},
        {"validating", "Payment failure scenarios", "api", "V-2"},
        {"validating", "Webhook replay test", "api", "V-2"},
        {"validating", "Migration rollback test", "db", "V-2"},
        {"validating", "Load test: 50 orders/s", "api", "V-2"},
        {"validating", "Visual regression screenshots", "web-ui", "V-2"},
        {"wrapup", "Changelog and docs", "", ""},
        {"wrapup", "Remove feature flag scaffolding", "", ""},
        {"wrapup", "Hand-off notes for the PR", "", ""},
    };
    int number = 0;
    for (const Seed &seedTask : tasks) {
        const std::string id = "T-" + std::to_string(++number);
        const bool gated = *seedTask.step != '\0';
        const bool planning = std::string_view(seedTask.phase) == "planning";
        Json task = {{"id", id},
                     {"phaseId", seedTask.phase},
                     {"title", seedTask.title},
                     {"description", seedTask.title},
                     {"status", planning ? "done" : "pending"}};
        if (*seedTask.tag)
            task["tag"] = seedTask.tag;
        task["priority"] = number % 5 == 0 ? "high" : "normal";
        task["validationGate"] = {
            {"required", gated}, {"stepIds", gated ? Json::array({seedTask.step}) : Json::array()}};
        if (id == "T-14") {
            // The silent worker's task: claimed long ago, never finished.
            task["status"] = "in_progress";
            task["assigneeSessionId"] = "S-worker-3";
            task["claimedAt"] = iso(now.addSecs(-13 * 60));
            task["claimLeaseUntil"] = iso(now.addSecs(17 * 60));
        }
        ops.push_back(op("add", "/tasks/-", std::move(task)));
    }
    ops.push_back(
        op("replace", "/modelRouting",
           {{"default", {{"provider", "claude"}, {"modelId", "claude-sonnet-5"}}},
            {"byRole", {{"validator", {{"provider", "claude"}, {"modelId", "claude-opus-5"}}}}}}));
    ops.push_back(op("add", "/decisions/-",
                     {{"id", "DL-finish-" + hex6()},
                      {"at", iso(now)},
                      {"source", "user"},
                      {"summary", "When done: stop at validated code in the worktree."}}));
    report(QStringLiteral("S-lead"), QStringLiteral("plan"), QString(),
           commit(QStringLiteral("S-lead"), ActorRole::Lead, std::move(ops),
                  QStringLiteral("seed plan")));

    const Json approve = Json::array({
        op("replace", "/phases/{id:planning}/status", "done"),
        op("add", "/phases/{id:planning}/completedAt", iso(now)),
        op("replace", "/phases/{id:developing}/status", "active"),
        op("add", "/phases/{id:developing}/startedAt", iso(now)),
        op("replace", "/currentPhase", "developing"),
        op("add", "/leadState/planApprovedAt", iso(now)),
        op("add", "/leadState/planApprovedBySessionId", "user"),
    });
    const Result<Snapshot> approved
        = commit(QString(), ActorRole::User, approve, QStringLiteral("plan approved"));
    report(QStringLiteral("user"), QStringLiteral("approve-plan"), QString(), approved);
    return approved.isOk();
}

void DemoDriver::tick()
{
    if (m_stopped)
        return;
    ++m_tick;
    m_service->reload();
    m_view = m_service->snapshot();
    if (m_swappedOut)
        restoreForeignSwap();
    if (!m_swappedOut && m_service->state() == ManifestService::State::Live) {
        actWorker(QStringLiteral("S-worker-1"));
        actWorker(QStringLiteral("S-worker-2"));
        actValidator();
        actLead();
        if (m_tick % kHeartbeatEveryTicks == 0)
            sendHeartbeats();
    }
    if (!m_swappedOut
        && (m_tick == kFirstExternalTick
            || (m_tick > kFirstExternalTick
                && (m_tick - kFirstExternalTick) % kExternalEveryTicks == 0)))
        writeExternally();
}

void DemoDriver::actWorker(const QString &sessionId)
{
    const std::string session = utf8(sessionId);
    const Json &doc = document();
    for (const Json &task : arrayAt(doc, "tasks")) {
        const std::string status = stringOf(task, "status");
        if (stringOf(task, "assigneeSessionId") != session
            || (status != "claimed" && status != "in_progress" && status != "review"))
            continue;
        const std::string id = stringOf(task, "id");
        const QString taskId = fromUtf8(id);
        if (status == "claimed") {
            report(sessionId, QStringLiteral("progress"), taskId,
                   commit(sessionId, ActorRole::Worker,
                          Json::array({op("replace", taskPath(id, "status"), "in_progress"),
                                       op("add", agentPath(session, "currentStepId"), id)}),
                          QString()),
                   QStringLiteral("in_progress"));
        } else if (status == "in_progress") {
            if (!m_triedEarlyDone && gateRequired(task)) {
                // Shows the done gate at work: no passed validation run yet, so this fails.
                m_triedEarlyDone = true;
                report(sessionId, QStringLiteral("release"), taskId,
                       commit(sessionId, ActorRole::Worker,
                              Json::array({op("replace", taskPath(id, "status"), "done")}),
                              QString()),
                       QStringLiteral("done before validation (expected to be refused)"));
                return;
            }
            report(sessionId, QStringLiteral("progress"), taskId,
                   commit(sessionId, ActorRole::Worker,
                          Json::array({op("replace", taskPath(id, "status"), "review")}),
                          QString()),
                   QStringLiteral("review"));
        } else if (PatchPolicy::taskGatesSatisfied(doc, id)) {
            // ADE's releaseTask (a service-level call): done, and the lease given back.
            report(sessionId, QStringLiteral("release"), taskId,
                   commit(QStringLiteral("S-lead"), ActorRole::Lead,
                          Json::array({op("replace", taskPath(id, "status"), "done"),
                                       op("add", taskPath(id, "claimLeaseUntil"), nullptr)}),
                          QStringLiteral("release")),
                   QStringLiteral("done"));
        }
        return;
    }

    const std::string phase = stringOf(doc, "currentPhase");
    for (const Json &task : arrayAt(doc, "tasks")) {
        if (stringOf(task, "phaseId") != phase || stringOf(task, "status") != "pending")
            continue;
        const std::string id = stringOf(task, "id");
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // ADE's claimTask (a service-level call): assignee, claim time and a 30-minute lease.
        report(sessionId, QStringLiteral("claim"), fromUtf8(id),
               commit(QStringLiteral("S-lead"), ActorRole::Lead,
                      Json::array(
                          {op("replace", taskPath(id, "status"), "claimed"),
                           op("add", taskPath(id, "assigneeSessionId"), session),
                           op("add", taskPath(id, "claimedAt"), iso(now)),
                           op("add", taskPath(id, "claimLeaseUntil"), iso(now.addSecs(30 * 60))),
                           op("replace", agentPath(session, "status"), "running"),
                           op("add", agentPath(session, "currentStepId"), id)}),
                      QStringLiteral("claim")));
        return;
    }
}

void DemoDriver::actValidator()
{
    const Json &doc = document();
    const Json &checklist
        = doc.value("validationStrategy", Json::object()).value("checklist", Json::array());
    for (const Json &task : arrayAt(doc, "tasks")) {
        const std::string id = stringOf(task, "id");
        if (stringOf(task, "status") != "review" || PatchPolicy::taskGatesSatisfied(doc, id))
            continue;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Json ops = Json::array();
        for (const Json &step :
             task.value("validationGate", Json::object()).value("stepIds", Json::array())) {
            if (!step.is_string())
                continue;
            const std::string stepId = step.get<std::string>();
            const std::string itemId = "C-" + id + "-" + stepId;
            const std::string runId = "run-" + id + "-" + stepId + "-" + hex6();
            const Json run = {{"id", runId},
                              {"runBySessionId", "S-validator"},
                              {"status", "passed"},
                              {"notes", "Re-read the change and ran the tests: green."},
                              {"startedAt", iso(now.addSecs(-40))},
                              {"endedAt", iso(now)}};
            bool exists = false;
            for (const Json &item : checklist)
                exists = exists || stringOf(item, "id") == itemId;
            const std::string itemPath = "/validationStrategy/checklist/{id:" + itemId + "}";
            if (exists) {
                ops.push_back(op("add", itemPath + "/runs/-", run));
                ops.push_back(op("replace", itemPath + "/latestRunId", runId));
            } else {
                ops.push_back(op("add", "/validationStrategy/checklist/-",
                                 {{"id", itemId},
                                  {"stepId", stepId},
                                  {"taskId", id},
                                  {"runs", Json::array({run})},
                                  {"latestRunId", runId}}));
            }
        }
        // ADE's recordValidationRun: a service-level write on the validator's behalf, since
        // the validator role may not patch the checklist itself.
        report(QStringLiteral("S-validator"), QStringLiteral("validation-run"), fromUtf8(id),
               commit(QStringLiteral("S-lead"), ActorRole::Lead, std::move(ops),
                      QStringLiteral("recordValidationRun")),
               QStringLiteral("passed"));
        return;
    }
}

void DemoDriver::actLead()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Manifest manifest(m_view.sharedDocument(), m_view.heartbeats());
    for (const Manifest::Agent &agent : manifest.agents()) {
        if (agent.role == QStringLiteral("lead") || agent.stalledFlag
            || !Manifest::isStalled(agent, now))
            continue;
        const std::string session = utf8(agent.sessionId);
        const qint64 silentMinutes = Manifest::livenessOf(agent).secsTo(now) / 60;
        // The stall sweep (ADE §8.2): one flag per stall, and a note in the decision log.
        report(QStringLiteral("S-lead"), QStringLiteral("stall-detected"), QString(),
               commit(QStringLiteral("S-lead"), ActorRole::Lead,
                      Json::array({op("add", agentPath(session, "stalled"), true),
                                   op("add", "/decisions/-",
                                      {{"id", "DL-stall-" + hex6()},
                                       {"at", iso(now)},
                                       {"source", "lead"},
                                       {"summary", session + " hasn't shown signs of life for "
                                                       + std::to_string(silentMinutes) + "m"}})}),
                      QStringLiteral("stall sweep")),
               agent.sessionId);
        m_stallFlaggedTick = m_tick;
        return;
    }

    const Json &doc = document();
    if (m_stallFlaggedTick >= 0 && m_tick - m_stallFlaggedTick >= kReassignAfterTicks) {
        for (const Manifest::Task &task : manifest.tasks()) {
            const std::optional<Manifest::Agent> owner
                = manifest.agentBySessionId(task.assigneeSessionId);
            if (!owner || !owner->stalledFlag || task.status == QStringLiteral("done"))
                continue;
            const std::string id = utf8(task.id);
            Json ops = Json::array({op("replace", taskPath(id, "status"), "pending"),
                                    op("remove", taskPath(id, "assigneeSessionId")),
                                    op("add", taskPath(id, "claimLeaseUntil"), nullptr)});
            if (task.claimedAt.isValid())
                ops.push_back(op("remove", taskPath(id, "claimedAt")));
            // ADE's releaseStaleClaims, done early: the silent worker's task goes back to the pool.
            report(QStringLiteral("S-lead"), QStringLiteral("reassign"), task.id,
                   commit(QStringLiteral("S-lead"), ActorRole::Lead, std::move(ops),
                          QStringLiteral("release stale claim")),
                   task.assigneeSessionId);
            return;
        }
    }

    static const char *const order[] = {"planning", "developing", "validating", "wrapup"};
    const std::string phase = stringOf(doc, "currentPhase");
    int tasksInPhase = 0;
    bool allDone = true;
    for (const Json &task : arrayAt(doc, "tasks")) {
        if (stringOf(task, "phaseId") != phase)
            continue;
        ++tasksInPhase;
        allDone = allDone && stringOf(task, "status") == "done";
    }
    if (phase == "planning" || tasksInPhase == 0 || !allDone)
        return;
    std::string next;
    for (std::size_t i = 0; i + 1 < std::size(order); ++i) {
        if (phase == order[i])
            next = order[i + 1];
    }
    Json ops = Json::array({op("replace", "/phases/{id:" + phase + "}/status", "done"),
                            op("add", "/phases/{id:" + phase + "}/completedAt", iso(now))});
    if (!next.empty()) {
        ops.push_back(op("replace", "/phases/{id:" + next + "}/status", "active"));
        ops.push_back(op("add", "/phases/{id:" + next + "}/startedAt", iso(now)));
        ops.push_back(op("replace", "/currentPhase", next));
    } else {
        for (const Json &phaseRow : arrayAt(doc, "phases")) {
            if (stringOf(phaseRow, "id") == phase && stringOf(phaseRow, "status") == "done")
                return; // the run is complete; nothing left to move
        }
    }
    // ADE's reconcileActivePhaseProgress; the phase fields are the user's in Runboard's policy.
    report(QStringLiteral("user"), QStringLiteral("phase"), QString(),
           commit(QString(), ActorRole::User, std::move(ops), QStringLiteral("phase")),
           fromUtf8(next.empty() ? std::string("complete") : next));
}

void DemoDriver::sendHeartbeats()
{
    for (const char *session : {"S-lead", "S-worker-1", "S-worker-2", "S-validator"}) {
        const QString sessionId = QString::fromLatin1(session);
        const Result<QDateTime> beat = m_service->heartbeat(sessionId);
        Json line = {{"event", "action"}, {"actor", session}, {"action", "heartbeat"}};
        line["ok"] = beat.isOk();
        if (beat.isOk())
            line["lastHeartbeatAt"] = iso(beat.value());
        else
            line["error"] = utf8(errorCodeName(beat.error().code));
        printJson(line);
    }
}

void DemoDriver::writeExternally()
{
    const QString path = m_service->location().manifestPath;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QByteArray bytes = file.readAll();
    file.close();
    Result<Json> parsed = JsonReader::parse(
        std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
    if (!parsed.isOk() || !parsed->is_object()
        || stringOf(parsed.value(), "runId") != utf8(m_service->location().runId))
        return;
    Json doc = std::move(parsed).value();
    const int number = ++m_externalCount;
    const qint64 generation = doc.value("serverGeneration", qint64(0)) + 1;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto kind = (number - 1) % 3;
    QString kindName;
    bool written = false;
    if (kind == 0) {
        kindName = QStringLiteral("atomic-rename");
        doc["title"] = std::string(kTitle) + " (edited elsewhere #" + std::to_string(number) + ")";
        doc["serverGeneration"] = generation;
        doc["etag"] = "g" + std::to_string(generation) + "-external";
        doc["updatedAt"] = iso(now);
        const std::string text = JsonWriter::write(doc);
        written = writeByRename(path, QByteArray(text.data(), qsizetype(text.size())));
    } else if (kind == 1) {
        kindName = QStringLiteral("unlink-recreate");
        if (!doc.contains("decisions") || !doc["decisions"].is_array())
            doc["decisions"] = Json::array();
        doc["decisions"].push_back({{"id", "DL-git-" + hex6()},
                                    {"at", iso(now)},
                                    {"source", "user"},
                                    {"summary", "git pull: merged upstream review notes"}});
        doc["serverGeneration"] = generation;
        doc["etag"] = "g" + std::to_string(generation) + "-git";
        doc["updatedAt"] = iso(now);
        const std::string text = JsonWriter::write(doc);
        // git replaces a tracked file by unlinking it and writing a new one in its place.
        QFile::remove(path);
        QFile recreated(path);
        written = recreated.open(QIODevice::WriteOnly)
                  && recreated.write(text.data(), qint64(text.size())) == qint64(text.size());
    } else {
        kindName = QStringLiteral("foreign-swap");
        doc["runId"] = "R-foreign-checkout";
        const std::string text = JsonWriter::write(doc);
        written = writeByRename(path, QByteArray(text.data(), qsizetype(text.size())));
        if (written) {
            m_swappedOut = bytes;
            m_swapTick = m_tick;
        }
    }
    Json line = {{"event", "external-writer"}, {"kind", utf8(kindName)}, {"ok", written}};
    if (kind != 2)
        line["serverGeneration"] = generation;
    printJson(line);
}

void DemoDriver::restoreForeignSwap()
{
    if (!m_swappedOut || m_tick - m_swapTick < kForeignSwapTicks)
        return;
    const bool written = writeByRename(m_service->location().manifestPath, *m_swappedOut);
    m_swappedOut.reset();
    printJson(Json{{"event", "external-writer"}, {"kind", "foreign-restore"}, {"ok", written}});
}

} // namespace runboard::cli
