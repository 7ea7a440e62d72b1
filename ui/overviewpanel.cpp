// SPDX-License-Identifier: MIT
//
// OverviewPanel: the run at a glance.
//
// Design considerations
// - Look, not read: the phases are a pipeline and each phase's tasks a stacked bar; the words
//   stay for what has no picture (goal, plan approval, latest decision) and for screen readers,
//   which get the same numbers from each picture's accessible description.
// - What waits for a person comes first ("Needs you"), computed by RunView with Attention so
//   the desktop notifications say the same.
// - Cost: a snapshot hands over what the models already counted; the pictures compare their
//   few rows and repaint. Nothing here walks the tasks, so a one-task change in a 10,000-task
//   run costs the handful of phases (bench_gui "overview").
// - Stalls start by the clock, not by a file change: the stall call-out is recomputed on every
//   tick from the agents AgentModel parsed.
// - Phase ids, titles and agent names are untrusted: the pictures draw them as text, labels
//   are Qt::PlainText.
// Thread: GUI thread.

#include "overviewpanel.h"

#include "agentlanes.h"
#include "needsyoulist.h"
#include "phasepipeline.h"
#include "statusbars.h"
#include "statusstyle.h"
#include "taskfilter.h"

#include <QFormLayout>
#include <QLabel>
#include <QScrollArea>
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

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

} // namespace

OverviewPanel::OverviewPanel(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setAccessibleName(tr("Overview"));
    outer->addWidget(m_scroll);

    auto *page = new QWidget(m_scroll);
    auto *layout = new QVBoxLayout(page);

    m_stalled = makeLabel(page, tr("Stalled agents"));
    m_stalled->setObjectName(QStringLiteral("stalledAgents"));
    QFont bold = m_stalled->font();
    bold.setBold(true);
    m_stalled->setFont(bold);
    m_stalled->hide();

    m_needsYou = new NeedsYouList(page);
    layout->addWidget(m_needsYou);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_goal = makeLabel(page, tr("Goal"));
    form->addRow(tr("Goal:"), m_goal);
    layout->addLayout(form);

    layout->addWidget(heading(tr("Phases"), page));
    m_pipeline = new PhasePipeline(page);
    m_pipeline->setToolTip(tr("Click a phase, or press Enter on it, to see its tasks"));
    layout->addWidget(m_pipeline);

    layout->addWidget(heading(tr("Tasks by phase"), page));
    m_tasks = makeLabel(page, tr("Task counts"));
    layout->addWidget(m_tasks);
    m_bars = new StatusBars(page);
    layout->addWidget(m_bars);

    layout->addWidget(heading(tr("Agents"), page));
    layout->addWidget(m_stalled);
    m_agents = makeLabel(page, tr("Agents at a glance"));
    layout->addWidget(m_agents);
    m_lanes = new AgentLanes(page);
    layout->addWidget(m_lanes);

    layout->addWidget(heading(tr("Activity in the last hour"), page));
    m_activity = new ActivityChart(page);
    layout->addWidget(m_activity);

    auto *details = new QFormLayout;
    details->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_plan = makeLabel(page, tr("Plan approval"));
    details->addRow(tr("Plan:"), m_plan);
    m_decision = makeLabel(page, tr("Latest decision"));
    details->addRow(tr("Latest decision:"), m_decision);
    layout->addLayout(details);
    layout->addStretch(1);
    m_scroll->setWidget(page);

    connect(m_pipeline, &PhasePipeline::phaseActivated, this, [this](const QString &phaseId) {
        Q_EMIT tasksRequested(TaskFilterProxy::filterWords(phaseId, QString()));
    });
    connect(m_lanes, &AgentLanes::agentActivated, this, &OverviewPanel::agentRequested);
    // Keyboard moves through lanes below the fold: keep the current one in view.
    connect(m_lanes, &AgentLanes::currentLaneChanged, this, [this](int lane) {
        const QRect rect = m_lanes->laneRect(lane);
        if (rect.isValid()) {
            const QPoint topLeft = m_lanes->mapTo(m_scroll->widget(), rect.topLeft());
            m_scroll->ensureVisible(topLeft.x(), topLeft.y() + rect.height() / 2, 0, rect.height());
        }
    });
    connect(m_bars, &StatusBars::segmentActivated, this,
            [this](const QString &phaseId, const QString &status) {
                Q_EMIT tasksRequested(TaskFilterProxy::filterWords(phaseId, status));
            });
}

void OverviewPanel::setState(const State &state, const QDateTime &now)
{
    const bool sameDocument
        = state.manifest.document() && state.manifest.document() == m_state.manifest.document();
    // What the snapshot says changed, when it is relative to the document shown: the goal, the
    // plan and the decisions are read again only when their members did.
    const bool relative = state.changes && m_state.manifest.document()
                          && state.changes->isRelativeTo(m_state.manifest.document());
    const auto mayDiffer = [&state, relative](std::string_view member) {
        return !relative || state.changes->mayDiffer(member);
    };
    Parts parts;
    parts.goal = mayDiffer("goalSummary");
    parts.phases = mayDiffer("phases") || mayDiffer("currentPhase");
    parts.plan = mayDiffer("planSpec") || mayDiffer("leadState");
    parts.decisions = mayDiffer("decisions");
    const bool phasesChanged
        = (!sameDocument && parts.phases) || state.taskCountsByPhase != m_state.taskCountsByPhase;
    // AgentModel keeps its list while no agent changed (and m_state holding it keeps its
    // address from being reused): the same list at the same time needs nothing done.
    const bool sameAgents = state.agents.constData() == m_state.agents.constData()
                            && state.agents.size() == m_state.agents.size() && now == m_now;
    m_state = state;
    m_state.changes = nullptr; // valid only during this call
    m_now = now;
    if (!sameAgents)
        m_lanes->setAgents(m_state.agents, now);
    if (sameDocument && !phasesChanged) {
        if (!sameAgents)
            refreshAgents();
        return;
    }
    if (!sameDocument)
        m_activity->setHistory(m_state.manifest.history());
    parts.phases = phasesChanged;
    parts.agents = !sameAgents;
    refresh(parts);
}

void OverviewPanel::setNow(const QDateTime &now)
{
    m_now = now;
    m_lanes->setNow(now);
    m_activity->setNow(now);
    refreshAgents();
}

void OverviewPanel::addSeenVersion(const QString &etag, const QDateTime &at,
                                   Snapshot::Source source)
{
    m_activity->addSeenVersion(etag, at, source);
}

void OverviewPanel::setValidationMarks(const QList<ValidationMark> &marks)
{
    m_activity->setValidationRuns(marks);
}

void OverviewPanel::setAttention(const QList<AttentionItem> &items)
{
    m_needsYou->setItems(items);
}

void OverviewPanel::clear()
{
    m_state = State();
    m_goal->clear();
    m_tasks->clear();
    m_agents->clear();
    m_plan->clear();
    m_decision->clear();
    m_pipeline->setPhases({});
    m_bars->setRows({});
    m_needsYou->setItems({});
    m_lanes->setAgents({}, QDateTime());
    m_activity->setHistory({});
    m_activity->setValidationRuns({});
    refreshAgents();
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

void OverviewPanel::refresh(const Parts &parts)
{
    const Manifest &manifest = m_state.manifest;
    if (parts.goal)
        m_goal->setText(manifest.goalSummary());

    if (parts.phases) {
        const QList<Manifest::Phase> phases = manifest.phases();
        const QString current = manifest.currentPhase();
        QList<PhasePipeline::Phase> pipeline;
        QList<StatusBars::Row> rows;
        QSet<QString> named;
        for (const Manifest::Phase &phase : phases) {
            const QMap<QString, int> counts = m_state.taskCountsByPhase.value(phase.id);
            int total = 0;
            for (const int count : counts)
                total += count;
            const QString title = phase.title.isEmpty() ? phase.id : phase.title;
            pipeline.append({phase.id, title, phase.status, counts.value(QStringLiteral("done")),
                             total,
                             phase.id == current || phase.status == QLatin1String("active")});
            rows.append({phase.id, title, counts});
            named.insert(phase.id);
        }
        // Tasks whose phase the manifest does not list still count, under their own id.
        for (auto it = m_state.taskCountsByPhase.cbegin(); it != m_state.taskCountsByPhase.cend();
             ++it) {
            if (!named.contains(it.key()))
                rows.append(
                    {it.key(), it.key().isEmpty() ? tr("(no phase)") : it.key(), it.value()});
        }
        m_pipeline->setPhases(pipeline);
        m_bars->setRows(rows);

        int total = 0;
        QStringList countParts;
        QList<std::pair<QString, int>> ordered;
        for (auto it = m_state.taskCounts.cbegin(); it != m_state.taskCounts.cend(); ++it) {
            total += it.value();
            ordered.append({it.key(), it.value()});
        }
        std::sort(ordered.begin(), ordered.end(), [](const auto &a, const auto &b) {
            const int ra = StatusBars::statusRank(a.first);
            const int rb = StatusBars::statusRank(b.first);
            return ra != rb ? ra < rb : a.first < b.first;
        });
        for (const auto &[status, count] : std::as_const(ordered))
            countParts << tr("%1 %2").arg(count).arg(status.isEmpty() ? tr("(none)") : status);
        m_tasks->setText(
            total == 0
                ? tr("no tasks yet")
                : tr("%n task(s): %1", nullptr, total).arg(countParts.join(QStringLiteral(", "))));
    }

    if (parts.agents)
        refreshAgents();

    if (parts.plan) {
        const Manifest::PlanApproval approval = manifest.planApproval();
        m_plan->setText(
            approval.state.isEmpty() ? tr("no approval recorded")
            : approval.approvedAt.isValid()
                ? tr("%1 at %2").arg(approval.state, StatusStyle::formatTime(approval.approvedAt))
                : approval.state);
    }

    if (parts.decisions) {
        const QList<Manifest::Decision> decisions = manifest.decisions();
        m_decision->setText(decisions.isEmpty() ? tr("none")
                                                : tr("%1 (%2)").arg(decisions.constLast().summary,
                                                                    decisions.constLast().source));
    }
}

void OverviewPanel::refreshAgents()
{
    QMap<QString, int> byStatus;
    QStringList stalled;
    for (const Manifest::Agent &agent : std::as_const(m_state.agents)) {
        ++byStatus[agent.status];
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
    QStringList agentParts;
    for (auto it = byStatus.cbegin(); it != byStatus.cend(); ++it)
        agentParts << tr("%1 %2").arg(it.value()).arg(it.key());
    m_agents->setText(m_state.agents.isEmpty()
                          ? QString()
                          : tr("%n agent(s): ", nullptr, int(m_state.agents.size()))
                                + agentParts.join(QStringLiteral(", ")));
    if (stalled.isEmpty()) {
        m_stalled->hide();
        m_stalled->clear();
        return;
    }
    // A handful by name; the lanes and "Needs you" hold every one. (A hundred names in one
    // word-wrapped label cost the layout tens of milliseconds per tick.)
    constexpr int kNamed = 5;
    const qsizetype count = stalled.size();
    if (count > kNamed) {
        stalled.resize(kNamed);
        stalled << tr("and %1 more").arg(count - kNamed);
    }
    m_stalled->setText(tr("Stalled: %1").arg(stalled.join(QStringLiteral("; "))));
    applyStalledColor();
    m_stalled->show();
}

} // namespace runboard
