// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

namespace runboard {

// A typed, read-only view of one ADE v1 manifest (reference/ade-bundle-format.md §2) plus the
// run's heartbeats.json.
//
// Reading is lenient: the file may be hand-edited, so a missing or wrong-typed field gives an
// empty value (a null QString, a null QDateTime, an empty list, std::nullopt) and never throws.
// Where ADE's load-time normalization (§2.4) would show a different value than the raw bytes,
// the accessor shows what ADE shows; each such case is noted at the field.
//
// Strings and enumerations are passed through as QString, so a value this version does not know
// stays visible. Timestamps are UTC QDateTimes with millisecond precision.
//
// A Manifest is immutable and cheap to copy (two reference counts); copies may be read from any
// number of threads at once. Accessors build their result on each call.
class Manifest
{
public:
    // ADE's HEARTBEAT_STALL_THRESHOLD_MS (§8.2).
    static constexpr auto kStallThreshold = std::chrono::minutes(10);

    struct Phase
    {
        QString id;
        QString title;
        QString status; // pending | active | done | skipped
        QDateTime startedAt;
        QDateTime completedAt;
    };

    struct Usage
    {
        std::optional<qint64> tokensIn;
        std::optional<qint64> tokensOut;
        std::optional<double> costUsd;
        std::optional<qint64> turns;
        std::optional<qint64> elapsedMs;
    };

    struct Budget
    {
        std::optional<qint64> maxTokens;
        std::optional<double> maxCostUsd;
        std::optional<qint64> maxWallClockMs;
        std::optional<qint64> maxTurns;
        QString onExceeded; // pause | interrupt | warn
    };

    struct Agent
    {
        QString sessionId;
        QString role; // lead | worker | validator
        QString tag;
        QString displayName;
        QString goalSummary;
        QString status; // pending | running | blocked | completed | failed
        QString currentStepId;
        // The newer of the manifest's value and heartbeats.json's. ADE lets heartbeats.json win
        // even when it is older; we take the newest on purpose, so a manifest written after the
        // last heartbeat file never looks staler than it is.
        QDateTime lastHeartbeatAt;
        bool stalledFlag = false; // the manifest's `stalled`, as ADE's sweep last set it
        bool cancellationRequested = false;
        QDateTime spawnedAt;
        std::optional<Usage> usage;
        std::optional<Budget> budget;
    };

    struct ValidationGate
    {
        // ADE's normalization reads anything but `false` as true, and a missing gate as
        // {required: true, stepIds: []}; so do we.
        bool required = true;
        QStringList stepIds;
    };

    struct Attempt
    {
        QString id;
        QString sessionId;
        QDateTime startedAt;
        QDateTime endedAt;
        QString outcome; // succeeded | failed | interrupted | cancelled | superseded
        QString failureReason;
    };

    struct HumanOverride
    {
        QString byUserId;
        QDateTime at;
        QString fromStatus;
        QString toStatus;
        QString reason;
    };

    struct Task
    {
        QString id;
        QString phaseId; // falls back to a legacy `phase`, as ADE's normalization does
        QString title;
        QString description; // falls back to the title when missing, as in ADE
        QString status;      // pending | claimed | in_progress | review | done | failed
        QString assigneeSessionId;
        QDateTime claimedAt;
        QDateTime claimLeaseUntil; // null when absent, null or unparsable (release writes null)
        QString priority;          // low | normal | high | critical
        QString tag;
        QStringList labels;
        QStringList blockedBy;
        QStringList blocks;
        QStringList supersedes;
        QString supersededBy;
        QStringList filesHint;
        int attemptCount = 0; // entries of `attempts`, including ones too broken to list
        QList<Attempt> attempts;
        QString currentAttemptId;
        ValidationGate validationGate;
        std::optional<HumanOverride> humanOverride;
        int evidenceCount = 0;
    };

    struct ValidationStep
    {
        QString id;
        QString concern;
        QString scope; // per_worker | per_step | mission_exit
        bool required = false;
        QString prompt;
        QStringList evidenceRequired;
        QStringList appliesToTaskIds;
    };

    struct Finding
    {
        QString id;
        QString severity; // blocker | high | medium | low
        QString title;
        QString detail;
        QString fix;
    };

    struct ChecklistRun
    {
        QString id;
        QString runBySessionId;
        QString status; // running | passed | failed
        QString notes;
        QDateTime startedAt;
        QDateTime endedAt;
        int attachedEvidenceCount = 0;
        QList<Finding> findings;
    };

    struct ChecklistItem
    {
        QString id;
        QString stepId;
        QString taskId;
        QString latestRunId;
        QList<ChecklistRun> runs;
    };

    struct Decision
    {
        QString id; // empty for a legacy plain-string entry
        QDateTime at;
        QString source; // user | lead | worker | validator
        QString summary;
        QString taskId; // refs
        QString stepId;
        QString assetId;
    };

    struct UserOverride
    {
        QString id; // empty for a legacy plain-string entry
        QDateTime at;
        QString scope; // session | phase | task | step
        QString appliedToId;
        QString instruction;
        QString affectedDefault;
    };

    struct HistoryEntry
    {
        QString etag;
        QDateTime at;
        QString summary;
        QString patchKindSummary;
    };

    struct OutboxEntry
    {
        QString id;
        QString kind; // brief | ping | lead_status | cancel_interrupt | completion
        QString targetSessionId;
        QString deliveryOp; // sendMessage | steer | interrupt-replace | interrupt
        QString status;     // pending | delivering | delivered | failed
        int attempts = 0;
        int maxAttempts = 5; // ADE's default
        QString lastError;
        QDateTime createdAt;
        QDateTime updatedAt;
        QDateTime nextAttemptAt;
        QDateTime deliveredAt;
    };

    struct Asset
    {
        QString id;
        QString path; // bundle-relative
        QString kind;
        std::optional<qint64> version;
        QString approval; // pending | approved | rejected
        QString notes;
        QString registeredBySessionId;
    };

    struct LineageEdge
    {
        QString id;
        QString parentSessionId;
        QString childSessionId;
        QString childRole;
        QString childTag;
        QString status; // running | completed | failed | cancelled | superseded
        QDateTime spawnedAt;
        QDateTime completedAt;
    };

    struct PlanningRound
    {
        QString id;
        QString kind; // functional | ui | extras
        QString question;
        QString lockedSummary;
        QDateTime answeredAt;
    };

    struct Planning
    {
        // intake | light_plan | round_functional | round_ui | round_extras | rounds_complete |
        // ready; empty when the manifest has no leadState.planning.
        QString stage;
        bool hasIntake = false;
        QList<PlanningRound> rounds;
    };

    struct PlanApproval
    {
        // planSpec.approval.state (drafting | ready | approved | changes_requested). A legacy
        // run with only leadState.planApprovedAt reads "approved", as ADE's normalization seeds
        // it; empty when neither says anything.
        QString state;
        QDateTime requestedAt;
        QDateTime approvedAt; // planSpec.approval.approvedAt, else leadState.planApprovedAt
        QString approvedBySessionId;
        QString approvedPlanContentHash;
    };

    // An empty document: every accessor gives its empty value.
    Manifest();
    // heartbeats: the parsed heartbeats.json object, {"<sessionId>": "<ISO>"}. Only non-empty
    // string values count; anything else is ignored.
    explicit Manifest(std::shared_ptr<const Json> document,
                      const Json &heartbeats = Json::object());

    const Json &json() const;
    std::shared_ptr<const Json> document() const { return m_document; }

    // Top level. A missing or wrong-typed number reads as -1 (generation) or 0 (version):
    // values a valid manifest never holds.
    QString runId() const;
    QString laneId() const;
    QString etag() const;
    qint64 serverGeneration() const;
    int version() const;
    QString title() const;
    QString goalSummary() const;
    QString currentPhase() const;
    QDateTime createdAt() const;
    QDateTime updatedAt() const;
    QString bundlePath() const;

    QList<Phase> phases() const;
    QList<Agent> agents() const;
    QList<Task> tasks() const;
    QList<ValidationStep> validationSteps() const;
    QList<ChecklistItem> checklist() const;
    // Legacy plain-string entries read as entries with only a summary / an instruction.
    QList<Decision> decisions() const;
    QList<UserOverride> userOverrides() const;
    QList<HistoryEntry> history() const;
    QList<OutboxEntry> outbox() const;
    QList<Asset> assets() const;
    QList<LineageEdge> lineage() const;
    Planning planning() const;
    PlanApproval planApproval() const;

    // Tasks per status value ("" for a task without a string status).
    QMap<QString, int> taskCountsByStatus() const;
    // The first entry with that id, as ADE's id predicates resolve it.
    std::optional<Agent> agentBySessionId(const QString &sessionId) const;
    std::optional<Task> taskById(const QString &id) const;

    // Session id -> parsed heartbeats.json timestamp (entries that parse only).
    QHash<QString, QDateTime> heartbeats() const { return m_heartbeats; }

    // Liveness as ADE's stall sweep sees it (§8.2): the later of lastHeartbeatAt and spawnedAt;
    // null when neither parses.
    static QDateTime livenessOf(const Agent &agent);
    // The manifest's flag, or a running non-lead agent silent for strictly more than
    // kStallThreshold at `now`. An agent without a parsable liveness is only ever stalled by its
    // flag, as is every agent when `now` is null.
    static bool isStalled(const Agent &agent, const QDateTime &now);
    QList<Agent> stalledAgents(const QDateTime &now) const;

    // Parses an ISO 8601 timestamp as JavaScript's Date.parse reads ADE's values:
    // `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`, `±HH:MM` or `±HHMM` (no zone: local
    // time), or a bare `YYYY-MM-DD` (UTC midnight). Fractions beyond milliseconds are truncated.
    // Anything else, including out-of-range fields, gives a null QDateTime. Result is UTC.
    static QDateTime parseTimestamp(std::string_view text);
    static QDateTime parseTimestamp(const QString &text);

    // An integral JSON number that fits qint64. JSON.parse does not tell 9 from 9.0, so an
    // integral float counts as well; anything else, booleans included, is std::nullopt.
    static std::optional<qint64> integerValue(const Json &value);

    // heartbeats.json bytes -> a JSON object holding only the entries with non-empty string
    // values; an empty object for anything unparsable. Never throws.
    static Json parseHeartbeats(const QByteArray &bytes);

private:
    std::shared_ptr<const Json> m_document;
    QHash<QString, QDateTime> m_heartbeats;
};

} // namespace runboard
