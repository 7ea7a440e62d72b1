// SPDX-License-Identifier: MIT
//
// OverviewPanel: the run at a glance.
//
// Design considerations
// - Stalls are the one thing a person must not miss, so they get their own label in the bad
//   tone, shown only while some agent is stalled; it is recomputed on every tick because a stall
//   starts by the clock, not by a file change.
// - Phase progress counts done and skipped phases, as ADE's phase reconciliation moves past both.
// Thread: GUI thread.

#include "overviewpanel.h"

#include "statusstyle.h"

#include <QFormLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace runboard {

namespace {

QLabel *makeLabel(QWidget *parent, const QString &accessibleName)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAccessibleName(accessibleName);
    return label;
}

} // namespace

OverviewPanel::OverviewPanel(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    m_stalled = makeLabel(this, tr("Stalled agents"));
    QFont bold = m_stalled->font();
    bold.setBold(true);
    m_stalled->setFont(bold);
    m_stalled->hide();
    outer->addWidget(m_stalled);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_goal = makeLabel(this, tr("Goal"));
    form->addRow(tr("Goal:"), m_goal);
    m_phaseProgress = new QProgressBar(this);
    m_phaseProgress->setAccessibleName(tr("Phase progress"));
    m_phaseProgress->setFormat(tr("%v of %m phases done"));
    form->addRow(tr("Progress:"), m_phaseProgress);
    m_phases = makeLabel(this, tr("Phases"));
    form->addRow(tr("Phases:"), m_phases);
    m_tasks = makeLabel(this, tr("Task counts"));
    form->addRow(tr("Tasks:"), m_tasks);
    m_agents = makeLabel(this, tr("Agents at a glance"));
    form->addRow(tr("Agents:"), m_agents);
    m_plan = makeLabel(this, tr("Plan approval"));
    form->addRow(tr("Plan:"), m_plan);
    m_decision = makeLabel(this, tr("Latest decision"));
    form->addRow(tr("Latest decision:"), m_decision);
    outer->addLayout(form);
    outer->addStretch(1);
}

void OverviewPanel::setManifest(const Manifest &manifest, const QList<Manifest::Agent> &agents,
                                const QMap<QString, int> &taskCounts, const QDateTime &now)
{
    if (manifest.document() && manifest.document() == m_manifest.document()
        && manifest.heartbeats() == m_manifest.heartbeats()) {
        m_agentList = agents;
        setNow(now);
        return;
    }
    m_manifest = manifest;
    m_agentList = agents;
    m_taskCounts = taskCounts;
    m_now = now;
    refresh();
}

void OverviewPanel::setNow(const QDateTime &now)
{
    m_now = now;
    refreshStalled();
}

void OverviewPanel::clear()
{
    m_manifest = Manifest();
    m_agentList.clear();
    m_taskCounts.clear();
    refresh();
    m_goal->clear();
    m_phases->clear();
    m_tasks->clear();
    m_agents->clear();
    m_plan->clear();
    m_decision->clear();
    m_phaseProgress->reset();
}

void OverviewPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyStalledColor();
}

void OverviewPanel::applyStalledColor()
{
    // Derived from this widget's own palette, so a light/dark switch re-derives it.
    const QColor color
        = StatusStyle::color(StatusStyle::Tone::Bad, palette(), StatusStyle::Surface::Window);
    if (m_stalled->palette().color(QPalette::WindowText) == color)
        return;
    QPalette stalledPalette = m_stalled->palette();
    stalledPalette.setColor(QPalette::WindowText, color);
    m_stalled->setPalette(stalledPalette);
}

QString OverviewPanel::stalledText() const
{
    return m_stalled->isHidden() ? QString() : m_stalled->text();
}

QString OverviewPanel::taskCountsText() const
{
    return m_tasks->text();
}

void OverviewPanel::refresh()
{
    m_goal->setText(m_manifest.goalSummary());

    const QList<Manifest::Phase> phases = m_manifest.phases();
    int done = 0;
    QStringList phaseParts;
    for (const Manifest::Phase &phase : phases) {
        if (phase.status == QLatin1String("done") || phase.status == QLatin1String("skipped"))
            ++done;
        const QString name = phase.title.isEmpty() ? phase.id : phase.title;
        phaseParts << tr("%1 (%2)").arg(name, phase.status);
    }
    m_phaseProgress->setRange(0, qMax(1, int(phases.size())));
    m_phaseProgress->setValue(done);
    m_phases->setText(phaseParts.join(QStringLiteral(" → ")));

    const QMap<QString, int> &counts = m_taskCounts;
    int total = 0;
    QStringList countParts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        total += it.value();
        countParts << tr("%1 %2").arg(it.value()).arg(it.key().isEmpty() ? tr("(none)") : it.key());
    }
    m_tasks->setText(
        total == 0
            ? tr("no tasks yet")
            : tr("%1 — %n in all", nullptr, total).arg(countParts.join(QStringLiteral(", "))));

    QMap<QString, int> byStatus;
    for (const Manifest::Agent &agent : std::as_const(m_agentList))
        ++byStatus[agent.status];
    QStringList agentParts;
    for (auto it = byStatus.cbegin(); it != byStatus.cend(); ++it)
        agentParts << tr("%1 %2").arg(it.value()).arg(it.key());
    m_agents->setText(tr("%n agent(s): ", nullptr, int(m_agentList.size()))
                      + agentParts.join(QStringLiteral(", ")));
    refreshStalled();

    const Manifest::PlanApproval approval = m_manifest.planApproval();
    m_plan->setText(
        approval.state.isEmpty() ? tr("no approval recorded")
        : approval.approvedAt.isValid()
            ? tr("%1 at %2").arg(approval.state, StatusStyle::formatTime(approval.approvedAt))
            : approval.state);

    const QList<Manifest::Decision> decisions = m_manifest.decisions();
    m_decision->setText(decisions.isEmpty() ? tr("none")
                                            : tr("%1 (%2)").arg(decisions.constLast().summary,
                                                                decisions.constLast().source));
}

void OverviewPanel::refreshStalled()
{
    QStringList stalled;
    for (const Manifest::Agent &agent : std::as_const(m_agentList)) {
        if (!Manifest::isStalled(agent, m_now))
            continue;
        const QString name = agent.displayName.isEmpty()
                                 ? agent.sessionId
                                 : tr("%1 (%2)").arg(agent.sessionId, agent.displayName);
        const QDateTime liveness = Manifest::livenessOf(agent);
        stalled << (liveness.isValid() && m_now.isValid()
                        ? tr("%1, silent for %2")
                              .arg(name, StatusStyle::formatDuration(liveness.secsTo(m_now)))
                        : name);
    }
    if (stalled.isEmpty()) {
        m_stalled->hide();
        m_stalled->clear();
        return;
    }
    m_stalled->setText(tr("Stalled: %1").arg(stalled.join(QStringLiteral("; "))));
    applyStalledColor();
    m_stalled->show();
}

} // namespace runboard
