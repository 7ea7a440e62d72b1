// SPDX-License-Identifier: MIT
#pragma once

#include "manifest.h"

#include <QDateTime>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace runboard {

// The Overview tab: the goal, phase progress, task counts by status, agents at a glance, and the
// stalled agents called out. Plain labels, rebuilt per snapshot and per clock tick (small and
// cheap). GUI thread.
class OverviewPanel : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewPanel(QWidget *parent = nullptr);

    void setManifest(const Manifest &manifest, const QDateTime &now);
    void setNow(const QDateTime &now);

    QString stalledText() const; // empty when no agent is stalled
    QString taskCountsText() const;

private:
    void refresh();

    Manifest m_manifest;
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
