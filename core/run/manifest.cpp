// SPDX-License-Identifier: MIT
//
// Manifest: the typed, read-only face of one manifest.json (+ heartbeats.json).
//
// Design considerations
// - The document is shared, never copied: the service thread parses it once and every snapshot,
//   event and GUI model holds the same `std::shared_ptr<const Json>`. Nothing here mutates it,
//   so concurrent readers need no lock. Accessors build small Qt values on each call instead of
//   caching them, which keeps the object free of mutable state (a lazily filled cache would need
//   its own synchronisation) and construction cheap for snapshots nobody looks at.
// - The file is edited by hand, by git and by other programs, so reading never trusts a type.
//   nlohmann's get<>(), at() and value() throw on a mismatch and its const operator[] asserts on
//   a missing key; this file only touches values through find(), the is_*() checks and
//   get_ref()/get() after such a check, so no exception can leave an accessor.
// - Where ADE's load-time normalization (bundle format §2.4) changes what a field means (legacy
//   `phase`, a missing description or validation gate, a legacy plan approval), the accessor
//   shows ADE's reading, so Runboard and ADE describe the run alike.
// - Heartbeats: ADE overwrites agents[].lastHeartbeatAt with heartbeats.json's value even when
//   that is older. We keep the newer of the two: heartbeats.json is only a faster channel for
//   the same fact, and a manifest written later must not make an agent look staler.
// Thread: immutable; copies may be read from any threads at once.

#include "manifest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace runboard {

namespace {

const Json &emptyObject()
{
    static const Json empty = Json::object();
    return empty;
}

const Json *member(const Json &object, const char *key)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

const Json &memberOrNull(const Json &object, const char *key)
{
    static const Json null;
    const Json *value = member(object, key);
    return value ? *value : null;
}

QString toQString(const Json &value)
{
    if (!value.is_string())
        return {};
    return QString::fromStdString(value.get_ref<const std::string &>());
}

QString stringOf(const Json &object, const char *key)
{
    return toQString(memberOrNull(object, key));
}

std::optional<qint64> integerOf(const Json &object, const char *key)
{
    return Manifest::integerValue(memberOrNull(object, key));
}

int clampToInt(qint64 value)
{
    return static_cast<int>(std::clamp<qint64>(value, std::numeric_limits<int>::min(),
                                               std::numeric_limits<int>::max()));
}

std::optional<double> numberOf(const Json &object, const char *key)
{
    const Json &value = memberOrNull(object, key);
    if (!value.is_number())
        return std::nullopt;
    return value.get<double>();
}

std::optional<bool> boolOf(const Json &object, const char *key)
{
    const Json &value = memberOrNull(object, key);
    if (!value.is_boolean())
        return std::nullopt;
    return value.get<bool>();
}

// An array's string elements; ADE tolerates a lone string where a list is expected (e.g.
// `supersedes`), so a non-empty string reads as a list of one.
QStringList stringListOf(const Json &object, const char *key)
{
    const Json &value = memberOrNull(object, key);
    QStringList list;
    if (value.is_array()) {
        for (const Json &element : value) {
            if (element.is_string())
                list.append(toQString(element));
        }
    } else if (value.is_string() && !value.get_ref<const std::string &>().empty()) {
        list.append(toQString(value));
    }
    return list;
}

int countOf(const Json &object, const char *key)
{
    const Json &value = memberOrNull(object, key);
    return value.is_array() ? clampToInt(static_cast<qint64>(value.size())) : 0;
}

QDateTime dateOf(const Json &object, const char *key)
{
    const Json &value = memberOrNull(object, key);
    if (!value.is_string())
        return {};
    return Manifest::parseTimestamp(std::string_view(value.get_ref<const std::string &>()));
}

// The array under a path of object keys, or an empty one.
const Json &arrayAt(const Json &root, std::initializer_list<const char *> keys)
{
    static const Json emptyArray = Json::array();
    const Json *value = &root;
    for (const char *key : keys) {
        value = member(*value, key);
        if (!value)
            return emptyArray;
    }
    return value->is_array() ? *value : emptyArray;
}

QDateTime newest(const QDateTime &a, const QDateTime &b)
{
    if (!a.isValid())
        return b;
    if (!b.isValid())
        return a;
    return a < b ? b : a;
}

Manifest::Agent readAgent(const Json &json, const QHash<QString, QDateTime> &heartbeats)
{
    Manifest::Agent agent;
    agent.sessionId = stringOf(json, "sessionId");
    agent.role = stringOf(json, "role");
    agent.tag = stringOf(json, "tag");
    agent.displayName = stringOf(json, "displayName");
    agent.goalSummary = stringOf(json, "goalSummary");
    agent.status = stringOf(json, "status");
    agent.currentStepId = stringOf(json, "currentStepId");
    agent.lastHeartbeatAt
        = newest(dateOf(json, "lastHeartbeatAt"),
                 agent.sessionId.isEmpty() ? QDateTime() : heartbeats.value(agent.sessionId));
    agent.stalledFlag = boolOf(json, "stalled").value_or(false);
    agent.cancellationRequested = boolOf(json, "cancellationRequested").value_or(false);
    agent.spawnedAt = dateOf(json, "spawnedAt");
    if (const Json *usage = member(json, "usage"); usage && usage->is_object()) {
        agent.usage = Manifest::Usage{integerOf(*usage, "tokensIn"), integerOf(*usage, "tokensOut"),
                                      numberOf(*usage, "costUsd"), integerOf(*usage, "turns"),
                                      integerOf(*usage, "elapsedMs")};
    }
    if (const Json *budget = member(json, "budget"); budget && budget->is_object()) {
        agent.budget
            = Manifest::Budget{integerOf(*budget, "maxTokens"), numberOf(*budget, "maxCostUsd"),
                               integerOf(*budget, "maxWallClockMs"), integerOf(*budget, "maxTurns"),
                               stringOf(*budget, "onExceeded")};
    }
    return agent;
}

Manifest::Task readTask(const Json &json)
{
    Manifest::Task task;
    task.id = stringOf(json, "id");
    const Json &phaseId = memberOrNull(json, "phaseId");
    task.phaseId = phaseId.is_string() ? toQString(phaseId) : stringOf(json, "phase");
    task.title = stringOf(json, "title");
    const Json &description = memberOrNull(json, "description");
    task.description = description.is_string() ? toQString(description) : task.title;
    task.status = stringOf(json, "status");
    task.assigneeSessionId = stringOf(json, "assigneeSessionId");
    task.claimedAt = dateOf(json, "claimedAt");
    task.claimLeaseUntil = dateOf(json, "claimLeaseUntil");
    task.priority = stringOf(json, "priority");
    task.tag = stringOf(json, "tag");
    task.labels = stringListOf(json, "labels");
    task.blockedBy = stringListOf(json, "blockedBy");
    task.blocks = stringListOf(json, "blocks");
    task.supersedes = stringListOf(json, "supersedes");
    task.supersededBy = stringOf(json, "supersededBy");
    task.filesHint = stringListOf(json, "filesHint");
    task.attemptCount = countOf(json, "attempts");
    for (const Json &entry : arrayAt(json, {"attempts"})) {
        if (!entry.is_object())
            continue;
        task.attempts.append(Manifest::Attempt{stringOf(entry, "id"), stringOf(entry, "sessionId"),
                                               dateOf(entry, "startedAt"), dateOf(entry, "endedAt"),
                                               stringOf(entry, "outcome"),
                                               stringOf(entry, "failureReason")});
    }
    task.currentAttemptId = stringOf(json, "currentAttemptId");
    if (const Json *gate = member(json, "validationGate"); gate && gate->is_object()) {
        task.validationGate.required = boolOf(*gate, "required").value_or(true);
        task.validationGate.stepIds = stringListOf(*gate, "stepIds");
    }
    if (const Json *human = member(json, "humanOverride"); human && human->is_object()) {
        task.humanOverride = Manifest::HumanOverride{
            stringOf(*human, "byUserId"), dateOf(*human, "at"), stringOf(*human, "fromStatus"),
            stringOf(*human, "toStatus"), stringOf(*human, "reason")};
    }
    task.evidenceCount = countOf(json, "evidence");
    return task;
}

Manifest::ChecklistItem readChecklistItem(const Json &json)
{
    Manifest::ChecklistItem item;
    item.id = stringOf(json, "id");
    item.stepId = stringOf(json, "stepId");
    item.taskId = stringOf(json, "taskId");
    item.latestRunId = stringOf(json, "latestRunId");
    for (const Json &runJson : arrayAt(json, {"runs"})) {
        if (!runJson.is_object())
            continue;
        Manifest::ChecklistRun run;
        run.id = stringOf(runJson, "id");
        run.runBySessionId = stringOf(runJson, "runBySessionId");
        run.status = stringOf(runJson, "status");
        run.notes = stringOf(runJson, "notes");
        run.startedAt = dateOf(runJson, "startedAt");
        run.endedAt = dateOf(runJson, "endedAt");
        run.attachedEvidenceCount = countOf(runJson, "attachedEvidence");
        for (const Json &finding : arrayAt(runJson, {"findings"})) {
            if (!finding.is_object())
                continue;
            run.findings.append(Manifest::Finding{
                stringOf(finding, "id"), stringOf(finding, "severity"), stringOf(finding, "title"),
                stringOf(finding, "detail"), stringOf(finding, "fix")});
        }
        item.runs.append(run);
    }
    return item;
}

// Two-digit / four-digit decimal fields of a timestamp.
bool readDigits(std::string_view text, std::size_t pos, std::size_t count, int *out)
{
    if (pos + count > text.size())
        return false;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        value = value * 10 + (text[i] - '0');
    }
    *out = value;
    return true;
}

} // namespace

Manifest::Manifest() : Manifest(nullptr) {}

Manifest::Manifest(std::shared_ptr<const Json> document, const Json &heartbeats)
    : m_document(std::move(document))
{
    if (!m_document) {
        static const auto empty = std::make_shared<const Json>(Json::object());
        m_document = empty;
    }
    if (!heartbeats.is_object())
        return;
    for (auto it = heartbeats.begin(); it != heartbeats.end(); ++it) {
        if (!it.value().is_string() || it.value().get_ref<const std::string &>().empty())
            continue;
        const QDateTime at
            = parseTimestamp(std::string_view(it.value().get_ref<const std::string &>()));
        if (at.isValid())
            m_heartbeats.insert(QString::fromStdString(it.key()), at);
    }
}

QString Manifest::runId() const
{
    return stringOf(json(), "runId");
}

QString Manifest::laneId() const
{
    return stringOf(json(), "laneId");
}

QString Manifest::etag() const
{
    return stringOf(json(), "etag");
}

qint64 Manifest::serverGeneration() const
{
    const std::optional<qint64> generation = integerOf(json(), "serverGeneration");
    return generation && *generation >= 0 ? *generation : -1;
}

int Manifest::version() const
{
    const std::optional<qint64> version = integerOf(json(), "version");
    return version && *version > 0 ? clampToInt(*version) : 0;
}

QString Manifest::title() const
{
    return stringOf(json(), "title");
}

QString Manifest::goalSummary() const
{
    return stringOf(json(), "goalSummary");
}

QString Manifest::currentPhase() const
{
    return stringOf(json(), "currentPhase");
}

QDateTime Manifest::createdAt() const
{
    return dateOf(json(), "createdAt");
}

QDateTime Manifest::updatedAt() const
{
    return dateOf(json(), "updatedAt");
}

QString Manifest::bundlePath() const
{
    return stringOf(json(), "bundlePath");
}

QList<Manifest::Phase> Manifest::phases() const
{
    QList<Phase> list;
    for (const Json &entry : arrayAt(json(), {"phases"})) {
        if (!entry.is_object())
            continue;
        list.append(Phase{stringOf(entry, "id"), stringOf(entry, "title"),
                          stringOf(entry, "status"), dateOf(entry, "startedAt"),
                          dateOf(entry, "completedAt")});
    }
    return list;
}

QList<Manifest::Agent> Manifest::agents() const
{
    QList<Agent> list;
    for (const Json &entry : arrayAt(json(), {"agents"})) {
        if (entry.is_object())
            list.append(readAgent(entry, m_heartbeats));
    }
    return list;
}

QList<Manifest::Task> Manifest::tasks() const
{
    QList<Task> list;
    for (const Json &entry : arrayAt(json(), {"tasks"})) {
        if (entry.is_object())
            list.append(readTask(entry));
    }
    return list;
}

QList<Manifest::ValidationStep> Manifest::validationSteps() const
{
    QList<ValidationStep> list;
    for (const Json &entry : arrayAt(json(), {"validationStrategy", "steps"})) {
        if (!entry.is_object())
            continue;
        list.append(ValidationStep{
            stringOf(entry, "id"), stringOf(entry, "concern"), stringOf(entry, "scope"),
            boolOf(entry, "required").value_or(false), stringOf(entry, "prompt"),
            stringListOf(entry, "evidenceRequired"), stringListOf(entry, "appliesToTaskIds")});
    }
    return list;
}

QList<Manifest::ChecklistItem> Manifest::checklist() const
{
    QList<ChecklistItem> list;
    for (const Json &entry : arrayAt(json(), {"validationStrategy", "checklist"})) {
        if (entry.is_object())
            list.append(readChecklistItem(entry));
    }
    return list;
}

QList<Manifest::Decision> Manifest::decisions() const
{
    QList<Decision> list;
    for (const Json &entry : arrayAt(json(), {"decisions"})) {
        Decision decision;
        if (entry.is_string()) {
            decision.summary = toQString(entry);
        } else if (entry.is_object()) {
            decision.id = stringOf(entry, "id");
            decision.at = dateOf(entry, "at");
            decision.source = stringOf(entry, "source");
            decision.summary = stringOf(entry, "summary");
            const Json &refs = memberOrNull(entry, "refs");
            decision.taskId = stringOf(refs, "taskId");
            decision.stepId = stringOf(refs, "stepId");
            decision.assetId = stringOf(refs, "assetId");
        } else {
            continue;
        }
        list.append(decision);
    }
    return list;
}

QList<Manifest::UserOverride> Manifest::userOverrides() const
{
    QList<UserOverride> list;
    for (const Json &entry : arrayAt(json(), {"userOverrides"})) {
        UserOverride override_;
        if (entry.is_string()) {
            override_.instruction = toQString(entry);
        } else if (entry.is_object()) {
            override_.id = stringOf(entry, "id");
            override_.at = dateOf(entry, "at");
            override_.scope = stringOf(entry, "scope");
            override_.appliedToId = stringOf(entry, "appliedToId");
            override_.instruction = stringOf(entry, "instruction");
            override_.affectedDefault = stringOf(entry, "affectedDefault");
        } else {
            continue;
        }
        list.append(override_);
    }
    return list;
}

QList<Manifest::HistoryEntry> Manifest::history() const
{
    QList<HistoryEntry> list;
    for (const Json &entry : arrayAt(json(), {"history"})) {
        if (!entry.is_object())
            continue;
        list.append(HistoryEntry{stringOf(entry, "etag"), dateOf(entry, "at"),
                                 stringOf(entry, "summary"), stringOf(entry, "patchKindSummary")});
    }
    return list;
}

QList<Manifest::OutboxEntry> Manifest::outbox() const
{
    QList<OutboxEntry> list;
    for (const Json &entry : arrayAt(json(), {"outbox"})) {
        if (!entry.is_object())
            continue;
        OutboxEntry out;
        out.id = stringOf(entry, "id");
        out.kind = stringOf(entry, "kind");
        out.targetSessionId = stringOf(entry, "targetSessionId");
        out.deliveryOp = stringOf(memberOrNull(entry, "delivery"), "op");
        out.status = stringOf(entry, "status");
        out.attempts = clampToInt(integerOf(entry, "attempts").value_or(0));
        if (const std::optional<qint64> max = integerOf(entry, "maxAttempts"))
            out.maxAttempts = clampToInt(*max);
        out.lastError = stringOf(entry, "lastError");
        out.createdAt = dateOf(entry, "createdAt");
        out.updatedAt = dateOf(entry, "updatedAt");
        out.nextAttemptAt = dateOf(entry, "nextAttemptAt");
        out.deliveredAt = dateOf(entry, "deliveredAt");
        list.append(out);
    }
    return list;
}

QList<Manifest::Asset> Manifest::assets() const
{
    QList<Asset> list;
    for (const Json &entry : arrayAt(json(), {"assets"})) {
        if (!entry.is_object())
            continue;
        list.append(Asset{stringOf(entry, "id"), stringOf(entry, "path"), stringOf(entry, "kind"),
                          integerOf(entry, "version"), stringOf(entry, "approval"),
                          stringOf(entry, "notes"), stringOf(entry, "registeredBySessionId")});
    }
    return list;
}

QList<Manifest::LineageEdge> Manifest::lineage() const
{
    QList<LineageEdge> list;
    for (const Json &entry : arrayAt(json(), {"lineage"})) {
        if (!entry.is_object())
            continue;
        list.append(LineageEdge{stringOf(entry, "id"), stringOf(entry, "parentSessionId"),
                                stringOf(entry, "childSessionId"), stringOf(entry, "childRole"),
                                stringOf(entry, "childTag"), stringOf(entry, "status"),
                                dateOf(entry, "spawnedAt"), dateOf(entry, "completedAt")});
    }
    return list;
}

Manifest::Planning Manifest::planning() const
{
    Planning result;
    const Json &planningJson = memberOrNull(memberOrNull(json(), "leadState"), "planning");
    result.stage = stringOf(planningJson, "stage");
    result.hasIntake = memberOrNull(planningJson, "intake").is_object();
    for (const Json &entry : arrayAt(planningJson, {"rounds"})) {
        if (!entry.is_object())
            continue;
        result.rounds.append(PlanningRound{
            stringOf(entry, "id"), stringOf(entry, "kind"), stringOf(entry, "question"),
            stringOf(entry, "lockedSummary"), dateOf(entry, "answeredAt")});
    }
    return result;
}

Manifest::PlanApproval Manifest::planApproval() const
{
    PlanApproval result;
    const Json &approval = memberOrNull(memberOrNull(json(), "planSpec"), "approval");
    const Json &leadState = memberOrNull(json(), "leadState");
    result.state = stringOf(approval, "state");
    result.requestedAt = dateOf(approval, "requestedAt");
    result.approvedAt = dateOf(approval, "approvedAt");
    result.approvedBySessionId = stringOf(approval, "approvedBySessionId");
    result.approvedPlanContentHash = stringOf(approval, "approvedPlanContentHash");

    // A run from before planSpec existed records its approval in leadState only.
    const QString legacyApprovedAt = stringOf(leadState, "planApprovedAt");
    if (result.state.isEmpty() && !legacyApprovedAt.isEmpty())
        result.state = QStringLiteral("approved");
    if (!result.approvedAt.isValid())
        result.approvedAt = dateOf(leadState, "planApprovedAt");
    if (result.approvedBySessionId.isEmpty())
        result.approvedBySessionId = stringOf(leadState, "planApprovedBySessionId");
    return result;
}

QMap<QString, int> Manifest::taskCountsByStatus() const
{
    QMap<QString, int> counts;
    for (const Json &entry : arrayAt(json(), {"tasks"})) {
        if (entry.is_object())
            ++counts[stringOf(entry, "status")];
    }
    return counts;
}

std::optional<Manifest::Agent> Manifest::agentBySessionId(const QString &sessionId) const
{
    const std::string wanted = sessionId.toStdString();
    for (const Json &entry : arrayAt(json(), {"agents"})) {
        const Json &id = memberOrNull(entry, "sessionId");
        if (id.is_string() && id.get_ref<const std::string &>() == wanted)
            return readAgent(entry, m_heartbeats);
    }
    return std::nullopt;
}

std::optional<Manifest::Task> Manifest::taskById(const QString &id) const
{
    const std::string wanted = id.toStdString();
    for (const Json &entry : arrayAt(json(), {"tasks"})) {
        const Json &taskId = memberOrNull(entry, "id");
        if (taskId.is_string() && taskId.get_ref<const std::string &>() == wanted)
            return readTask(entry);
    }
    return std::nullopt;
}

QDateTime Manifest::livenessOf(const Agent &agent)
{
    return newest(agent.lastHeartbeatAt, agent.spawnedAt);
}

bool Manifest::isStalled(const Agent &agent, const QDateTime &now)
{
    if (agent.stalledFlag)
        return true;
    if (agent.role == QLatin1String("lead") || agent.status != QLatin1String("running"))
        return false;
    const QDateTime liveness = livenessOf(agent);
    if (!liveness.isValid() || !now.isValid())
        return false;
    const auto threshold = std::chrono::duration_cast<std::chrono::milliseconds>(kStallThreshold);
    return liveness.msecsTo(now) > threshold.count();
}

QList<Manifest::Agent> Manifest::stalledAgents(const QDateTime &now) const
{
    QList<Agent> stalled;
    const QList<Agent> all = agents();
    for (const Agent &agent : all) {
        if (isStalled(agent, now))
            stalled.append(agent);
    }
    return stalled;
}

std::optional<qint64> Manifest::integerValue(const Json &value)
{
    if (value.is_number_unsigned()) {
        const auto number = value.get<std::uint64_t>();
        if (number > static_cast<std::uint64_t>(std::numeric_limits<qint64>::max()))
            return std::nullopt;
        return static_cast<qint64>(number);
    }
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    if (value.is_number_float()) {
        const double number = value.get<double>();
        // 2^63 is exactly representable; anything at or beyond it does not fit.
        constexpr double kLimit = 9223372036854775808.0;
        if (!std::isfinite(number) || std::trunc(number) != number || number >= kLimit
            || number < -kLimit) {
            return std::nullopt;
        }
        return static_cast<qint64>(number);
    }
    return std::nullopt;
}

QDateTime Manifest::parseTimestamp(std::string_view text)
{
    int year = 0;
    int month = 0;
    int day = 0;
    if (!readDigits(text, 0, 4, &year) || text.size() < 10 || text[4] != '-'
        || !readDigits(text, 5, 2, &month) || text[7] != '-' || !readDigits(text, 8, 2, &day)) {
        return {};
    }
    const QDate date(year, month, day);
    if (!date.isValid())
        return {};
    // A date-only form is UTC in JavaScript, unlike a date-time without a zone.
    if (text.size() == 10)
        return QDateTime(date, QTime(0, 0), Qt::UTC);

    int hour = 0;
    int minute = 0;
    int second = 0;
    int millisecond = 0;
    if (text[10] != 'T' || !readDigits(text, 11, 2, &hour) || text.size() < 16 || text[13] != ':'
        || !readDigits(text, 14, 2, &minute)) {
        return {};
    }
    std::size_t pos = 16;
    if (pos < text.size() && text[pos] == ':') {
        if (!readDigits(text, pos + 1, 2, &second))
            return {};
        pos += 3;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            const std::size_t start = pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                if (pos - start < 3)
                    millisecond = millisecond * 10 + (text[pos] - '0');
                ++pos;
            }
            if (pos == start)
                return {};
            for (std::size_t digits = pos - start; digits < 3; ++digits)
                millisecond *= 10;
        }
    }
    const QTime time(hour, minute, second, millisecond);
    if (!time.isValid())
        return {};

    if (pos == text.size())
        return QDateTime(date, time, Qt::LocalTime).toUTC();
    if (text[pos] == 'Z')
        return pos + 1 == text.size() ? QDateTime(date, time, Qt::UTC) : QDateTime();
    if (text[pos] != '+' && text[pos] != '-')
        return {};
    const int sign = text[pos] == '-' ? -1 : 1;
    int offsetHours = 0;
    int offsetMinutes = 0;
    if (!readDigits(text, pos + 1, 2, &offsetHours))
        return {};
    std::size_t minutesAt = pos + 3;
    if (minutesAt < text.size() && text[minutesAt] == ':')
        ++minutesAt;
    if (!readDigits(text, minutesAt, 2, &offsetMinutes) || minutesAt + 2 != text.size()
        || offsetHours > 23 || offsetMinutes > 59) {
        return {};
    }
    const int offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60);
    return QDateTime(date, time, Qt::UTC).addSecs(-offsetSeconds);
}

QDateTime Manifest::parseTimestamp(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return parseTimestamp(
        std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
}

Json Manifest::parseHeartbeats(const QByteArray &bytes)
{
    // No exceptions: a parse error yields a "discarded" value instead.
    const Json parsed = Json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr,
                                    /*allow_exceptions=*/false);
    Json result = Json::object();
    if (!parsed.is_object())
        return result;
    for (auto it = parsed.begin(); it != parsed.end(); ++it) {
        if (it.value().is_string() && !it.value().get_ref<const std::string &>().empty())
            result[it.key()] = it.value();
    }
    return result;
}

const Json &Manifest::json() const
{
    // A moved-from Manifest has no document; it still answers like an empty one.
    return m_document ? *m_document : emptyObject();
}

} // namespace runboard
