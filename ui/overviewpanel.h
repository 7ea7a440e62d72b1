// SPDX-License-Identifier: MIT
#pragma once

#include "activitychart.h"
#include "attention.h"
#include "documentchanges.h"
#include "manifest.h"
#include "snapshot.h"

#include <QDateTime>
#include <QMap>
#include <QWidget>

class QLabel;
class QScrollArea;

namespace runboard {

class AgentLanes;
class NeedsYouList;
class PhasePipeline;
class StatusBars;

// The Overview tab: the run at a glance. From the top: "Needs you" (what waits for a person,
// each with its action), the goal, the phases as a pipeline, each phase's tasks stacked by
// status (a click filters the Tasks tab), the agents as lanes with their silence, the last
// hour's activity, the plan's approval and the latest decision. Everything is drawn from what the
// other tabs' models already hold for a snapshot; a clock tick moves only what depends on the
// clock. GUI thread.
class OverviewPanel : public QWidget
{
    Q_OBJECT

public:
    // What a snapshot shows; every member is already computed by the models (TaskModel counts
    // tasks per phase and status as rows change, AgentModel parses the agents).
    struct State
    {
        Manifest manifest;
        QList<Manifest::Agent> agents;
        QMap<QString, QMap<QString, int>> taskCountsByPhase; // phase id -> status -> tasks
        QMap<QString, int> taskCounts;                       // status -> tasks
        // What differs from the document shown before (the snapshot's changes; may be null:
        // everything may differ). Read during setState() only.
        const DocumentChanges *changes = nullptr;
    };

    explicit OverviewPanel(QWidget *parent = nullptr);

    void setState(const State &state, const QDateTime &now);
    // Moves the clock: only the agents' ages depend on it.
    void setNow(const QDateTime &now);
    void setAttention(const QList<AttentionItem> &items);
    // A version Runboard saw (the activity chart tells own from external by `source`).
    void addSeenVersion(const QString &etag, const QDateTime &at, Snapshot::Source source);
    // Validation runs as pass/fail marks (read when /validationStrategy changed).
    void setValidationMarks(const QList<ValidationMark> &marks);
    void clear();

    QString stalledText() const; // empty when no agent is stalled
    QString taskCountsText() const;
    NeedsYouList *needsYou() const { return m_needsYou; }
    PhasePipeline *pipeline() const { return m_pipeline; }
    StatusBars *statusBars() const { return m_bars; }
    AgentLanes *agentLanes() const { return m_lanes; }
    ActivityChart *activity() const { return m_activity; }

Q_SIGNALS:
    // Show these tasks: words for the Tasks tab's filter ("phase:build status:review").
    void tasksRequested(const QString &filterWords);
    // Show this agent (a lane was clicked or Enter pressed on it).
    void agentRequested(const QString &sessionId);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Parts // what to read again
    {
        bool goal = true;
        bool phases = true;
        bool agents = true;
        bool plan = true;
        bool decisions = true;
    };
    void refresh(const Parts &parts);
    void refreshAgents();
    void applyStalledColor();

    State m_state;
    QDateTime m_now;
    QScrollArea *m_scroll = nullptr;
    NeedsYouList *m_needsYou = nullptr;
    QLabel *m_goal = nullptr;
    PhasePipeline *m_pipeline = nullptr;
    StatusBars *m_bars = nullptr;
    QLabel *m_tasks = nullptr;
    QLabel *m_agents = nullptr;
    AgentLanes *m_lanes = nullptr;
    ActivityChart *m_activity = nullptr;
    QLabel *m_stalled = nullptr;
    QLabel *m_plan = nullptr;
    QLabel *m_decision = nullptr;
};

} // namespace runboard
