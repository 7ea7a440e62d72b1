// SPDX-License-Identifier: MIT
//
// Deterministic ADE-like manifests for the JSON benchmark.
//
// The content mirrors what a real run accumulates (bundle format v1, §2) so that the reader,
// writer, patch and diff are timed on the same mix of short keys, ids, ISO dates, prose with
// non-ASCII characters and escapes, nulls and small numbers that they meet in production.
// Every element is drawn from its own std::mt19937 seeded by its kind and index: a manifest
// with more tasks starts with exactly the tasks of a smaller one, which keeps shapeForSize()'s
// linear size estimate honest and the files identical from run to run and machine to machine.
//
// Thread: plain functions, no shared state.

#include "manifestgenerator.h"

#include <QDateTime>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

namespace runboard::bench {

namespace {

constexpr std::uint32_t kSeed = 0x5eed2026;
constexpr qint64 kRunStartMs = 1784712615120; // 2026-07-22T09:30:15.120Z

enum class Stream : std::uint32_t { Task = 1, Agent, History, Outbox, Checklist };

std::mt19937 rngFor(Stream stream, int index)
{
    std::seed_seq seq{kSeed, static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(index)};
    return std::mt19937(seq);
}

int uniform(std::mt19937 &rng, int low, int high)
{
    return std::uniform_int_distribution<int>(low, high)(rng);
}

template<typename T, std::size_t N>
const T &pick(std::mt19937 &rng, const T (&items)[N])
{
    return items[std::size_t(uniform(rng, 0, int(N) - 1))];
}

std::string hex(std::mt19937 &rng, int digits)
{
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(std::size_t(digits));
    for (int i = 0; i < digits; ++i)
        out.push_back(kDigits[uniform(rng, 0, 15)]);
    return out;
}

std::string isoAt(qint64 offsetMs)
{
    return QDateTime::fromMSecsSinceEpoch(kRunStartMs + offsetMs, Qt::UTC)
        .toString(Qt::ISODateWithMs)
        .toStdString();
}

// Two decimals, as a person or a cost counter writes them; never integral, so JavaScript and
// C++ agree on the text without having to think about "1.0".
double twoDecimals(std::mt19937 &rng)
{
    return double(uniform(rng, 0, 9999) * 10 + 1 + uniform(rng, 0, 8)) / 100.0;
}

const char *const kPhases[] = {"planning", "developing", "validating", "wrapup"};
const char *const kStatuses[] = {"pending", "claimed", "in_progress", "review", "done", "failed"};
const char *const kPriorities[] = {"low", "normal", "high", "critical"};
const char *const kWords[] = {"login",   "form",     "validation", "router", "cache", "schema",
                              "watcher", "manifest", "etag",       "rename", "lock",  "parser"};

std::string sessionId(int agent)
{
    return agent == 0 ? std::string("S-lead") : "S-worker-" + std::to_string(agent);
}

Json task(int index, int agents)
{
    std::mt19937 rng = rngFor(Stream::Task, index);
    const std::string id = "T-" + std::to_string(index + 1);
    const std::string word = pick(rng, kWords);
    const qint64 created = qint64(index) * 61'000 + uniform(rng, 0, 999);
    const int assignee = uniform(rng, 0, agents);

    Json dependsOn = Json::array();
    if (index > 0 && uniform(rng, 0, 2) != 0) {
        dependsOn.push_back("T-" + std::to_string(uniform(rng, 1, index)));
        if (index > 1 && uniform(rng, 0, 1) == 0)
            dependsOn.push_back("T-" + std::to_string(uniform(rng, 1, index)));
    }

    Json out = Json::object();
    out["id"] = id;
    out["phaseId"] = pick(rng, kPhases);
    out["title"] = "Implement the " + word + " step " + std::to_string(index + 1);
    out["description"] = "Caf\xc3\xa9 \xe2\x80\x94 make the " + word
                         + " \"robust\" \xe2\x9c\x93\nSteps:\n\t1. read\n\t2. write ("
                         + std::to_string(uniform(rng, 1, 99)) + "%)";
    out["status"] = pick(rng, kStatuses);
    out["assigneeSessionId"] = assignee == agents ? Json(nullptr) : Json(sessionId(assignee));
    out["validationGate"] = {{"required", uniform(rng, 0, 3) != 0}, {"stepIds", {"V-1"}}};
    out["filesHint"] = {"src/" + word + ".cpp", "tests/tst_" + word + ".cpp"};
    out["priority"] = pick(rng, kPriorities);
    out["claimLeaseUntil"] = nullptr;
    out["weight"] = 0.1;
    out["progress"] = twoDecimals(rng);
    out["attempts"] = uniform(rng, 0, 4);
    out["dependsOn"] = std::move(dependsOn);
    out["labels"] = Json::object();
    out["createdAt"] = isoAt(created);
    out["updatedAt"] = isoAt(created + uniform(rng, 1'000, 3'600'000));
    out["branch"] = "ade/" + id + "-" + word;
    out["commit"] = hex(rng, 40);
    out["notes"] = "Path C:\\work\\" + word + " \xe2\x80\x9cquoted\xe2\x80\x9d \\u not an escape";
    return out;
}

Json agent(int index)
{
    std::mt19937 rng = rngFor(Stream::Agent, index);
    const qint64 spawned = qint64(index) * 95'000;
    Json out = Json::object();
    out["sessionId"] = sessionId(index);
    out["role"] = index == 0 ? "lead" : (index % 7 == 0 ? "validator" : "worker");
    out["tag"] = pick(rng, kWords);
    out["displayName"] = "Agent " + std::to_string(index) + " \xc2\xb7 " + pick(rng, kWords);
    out["goalSummary"] = "Own the " + std::string(pick(rng, kWords)) + " work";
    out["status"] = index == 0 ? "running" : pick(rng, kStatuses);
    out["lastHeartbeatAt"] = isoAt(spawned + uniform(rng, 0, 600'000));
    out["spawnedAt"] = isoAt(spawned);
    out["spawnFingerprint"]
        = {{"provider", "claude"}, {"modelId", "claude-sonnet-5"}, {"reasoningEffort", nullptr},
           {"fastMode", false},    {"resolvedAt", isoAt(spawned)}, {"routingKey", "byRoleTag"}};
    out["usage"] = {{"tokensIn", uniform(rng, 1'000, 900'000)},
                    {"tokensOut", uniform(rng, 100, 90'000)},
                    {"costUsd", twoDecimals(rng)},
                    {"turns", uniform(rng, 1, 80)}};
    return out;
}

Json historyEntry(int index)
{
    std::mt19937 rng = rngFor(Stream::History, index);
    const std::string task = "T-" + std::to_string(uniform(rng, 1, 40));
    // Appended piecewise: `"g" + std::to_string(...)` trips a false -Wrestrict in g++ 12 -O2.
    std::string etag = std::to_string(index + 1);
    etag.insert(0, 1, 'g');
    etag += '-';
    etag += hex(rng, 8);
    return {{"etag", std::move(etag)},
            {"at", isoAt(qint64(index) * 30'000)},
            {"summary", "patch"},
            {"patchKindSummary", "/tasks/{id:" + task
                                     + "}/status\xc3\x97"
                                       "1"}};
}

Json outboxEntry(int index, int agents)
{
    std::mt19937 rng = rngFor(Stream::Outbox, index);
    const qint64 created = qint64(index) * 20'000;
    Json out = Json::object();
    out["id"] = "OB-" + hex(rng, 16);
    out["kind"] = "lead_status";
    out["targetSessionId"] = sessionId(uniform(rng, 0, agents - 1));
    out["delivery"] = {{"op", "steer"},
                       {"text", "worker claimed task T-" + std::to_string(uniform(rng, 1, 900))
                                    + ".\nNext: \"" + pick(rng, kWords) + "\"."}};
    out["status"] = "delivered";
    out["attempts"] = uniform(rng, 0, 2);
    out["maxAttempts"] = 5;
    out["createdAt"] = isoAt(created);
    out["updatedAt"] = isoAt(created + 900);
    out["deliveredAt"] = isoAt(created + 900);
    return out;
}

Json checklistItem(int index)
{
    std::mt19937 rng = rngFor(Stream::Checklist, index);
    const std::string taskId = "T-" + std::to_string(index * 10 + 1);
    const std::string runId = "run-" + taskId + "-V-1-" + hex(rng, 6);
    return {{"id", "C-" + taskId + "-V-1"},
            {"stepId", "V-1"},
            {"taskId", taskId},
            {"runs",
             {{{"id", runId},
               {"runBySessionId", "S-worker-7"},
               {"status", uniform(rng, 0, 1) == 0 ? "passed" : "running"},
               {"notes", "Re-read every touched file \xe2\x80\x94 ok"},
               {"startedAt", isoAt(qint64(index) * 120'000)}}}},
            {"latestRunId", runId}};
}

} // namespace

Json generateManifest(const ManifestShape &shape)
{
    Json doc = Json::object();
    doc["version"] = 1;
    doc["schemaCompatibility"] = {{"minReader", 1}, {"maxKnown", 1}};
    doc["runId"] = "R-20260722093015-a1b2c3";
    doc["laneId"] = "L-7f3e";
    doc["bundlePath"] = "/home/dev/ade/worktrees/login/.ade/orchestration/R-20260722093015-a1b2c3";
    doc["etag"] = "g12-1a2b3c4d";
    doc["serverGeneration"] = 12;
    doc["createdAt"] = isoAt(0);
    doc["updatedAt"] = isoAt(3'600'000);
    doc["title"] = "Login form \xe2\x80\x94 r\xc3\xa9vision";
    doc["goalSummary"] = "Add an email/password login form with validation";
    doc["currentPhase"] = "developing";

    doc["phases"] = Json::array();
    for (const char *phase : kPhases) {
        Json entry = {{"id", phase}, {"title", phase}, {"status", "pending"}};
        doc["phases"].push_back(std::move(entry));
    }
    doc["phases"][0]["status"] = "done";
    doc["phases"][1]["status"] = "active";

    doc["agents"] = Json::array();
    for (int i = 0; i < shape.agents; ++i)
        doc["agents"].push_back(agent(i));
    doc["tasks"] = Json::array();
    for (int i = 0; i < shape.tasks; ++i)
        doc["tasks"].push_back(task(i, shape.agents));

    Json checklist = Json::array();
    for (int i = 0; i < shape.tasks / 10; ++i)
        checklist.push_back(checklistItem(i));
    doc["validationStrategy"] = {{"steps",
                                  {{{"id", "V-1"},
                                    {"concern", "reverify_changes"},
                                    {"scope", "per_worker"},
                                    {"required", true},
                                    {"prompt", "Re-read every touched file; walk error paths."},
                                    {"evidenceRequired", {"plan_md_section"}}}}},
                                 {"checklist", std::move(checklist)}};
    doc["modelRouting"]
        = {{"byRoleTag",
            {{"worker:web-ui", {{"provider", "claude"}, {"modelId", "claude-sonnet-5"}}}}}};
    doc["assets"] = Json::array();
    doc["decisions"] = Json::array({{{"id", "DL-finish-4be1aa"},
                                     {"at", isoAt(1'200'000)},
                                     {"source", "user"},
                                     {"summary", "When done: stop at validated code."}}});
    doc["userOverrides"] = Json::array();
    doc["leadState"] = {{"lastSnapshotEtag", "g11-19ab33f0"},
                        {"planApprovedAt", isoAt(1'500'000)},
                        {"planning", {{"stage", "ready"}, {"rounds", Json::array()}}}};

    doc["history"] = Json::array();
    for (int i = 0; i < shape.historyEntries; ++i)
        doc["history"].push_back(historyEntry(i));
    doc["lineage"] = Json::array();
    doc["receipts"] = Json::array();
    doc["outbox"] = Json::array();
    for (int i = 0; i < shape.outboxEntries; ++i)
        doc["outbox"].push_back(outboxEntry(i, shape.agents));
    return doc;
}

ManifestShape shapeForSize(std::size_t bytes)
{
    const bool small = bytes < 200'000;
    const auto shapeWith = [small](int tasks) {
        ManifestShape shape;
        shape.tasks = tasks;
        shape.agents = std::max(2, tasks / 20);
        shape.historyEntries = small ? 10 : 50;
        shape.outboxEntries = small ? 20 : 200;
        return shape;
    };
    // Size grows linearly with the task count (agents and the checklist follow it in steps of
    // 20 and 10 tasks), so two samples far enough apart fix the line. dump(2) differs from
    // JSON.stringify only in number forms these manifests do not contain.
    const auto sizeOf = [&](int tasks) {
        return double(generateManifest(shapeWith(tasks)).dump(2).size());
    };
    constexpr int kLow = 100;
    constexpr int kHigh = 300;
    const double low = sizeOf(kLow);
    const double perTask = (sizeOf(kHigh) - low) / double(kHigh - kLow);
    const int tasks = std::max(1, int(double(kLow) + (double(bytes) - low) / perTask + 0.5));
    return shapeWith(tasks);
}

} // namespace runboard::bench
