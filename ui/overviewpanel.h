// SPDX-License-Identifier: MIT
#pragma once

#include "manifest.h"

#include <QDateTime>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace runboard {

// The Overview tab: the goal, phase progress, task counts by status, agents at a glance, and the
// stalled agents called out. Plain labels, rebuilt per new document; a clock tick recomputes
// only the stalls. GUI thread.
class OverviewPanel : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewPanel(QWidget *parent = nullptr);

    // `agents` and `taskCounts` are what AgentModel and TaskModel already hold for this
    // snapshot: parsing 500 agents or walking 10,000 tasks again per snapshot costs the GUI
    // thread milliseconds.
    void setManifest(const Manifest &manifest, const QList<Manifest::Agent> &agents,
                     const QMap<QString, int> &taskCounts, const QDateTime &now);
    // Moves the clock: only the stall call-out depends on it.
    void setNow(const QDateTime &now);
    void clear();

    QString stalledText() const; // empty when no agent is stalled
    QString taskCountsText() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    void refreshStalled();
    void applyStalledColor();

    Manifest m_manifest;
    QList<Manifest::Agent> m_agentList;
    QMap<QString, int> m_taskCounts;
    QDateTime m_now;
    QLabel *m_goal = nullptr;
    QProgressBar *m_phaseProgress = nullptr;
    QLabel *m_phases = nullptr;
    QLabel *m_tasks = nullptr;
    QLabel *m_agents = nullptr;
    QLabel *m_stalled = nullptr;
    QLabel *m_plan = nullptr;
    QLabel *m_decision = nullptr;
};

} // namespace runboard
