// SPDX-License-Identifier: MIT
#pragma once

#include "attention.h"
#include "clock.h"
#include "manifestservice.h"
#include "messagebar.h"
#include "servicehost.h"
#include "snapshot.h"

#include <QPointer>
#include <QSet>
#include <QWidget>

class QAbstractItemModel;
class QLabel;
class QLineEdit;
class QSettings;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTextBrowser;
class QTimer;
class QUrl;
class QTreeView;

namespace runboard {

class AgentModel;
class EventLogModel;
class HistoryModel;
class JsonTreeView;
class OverviewPanel;
class TaskModel;
class ValidationModel;
class VersionDiffs;

// The live dashboard of one open run: state bars, a header, and tabs (Overview, Tasks, Agents,
// Plan, Validation, History, Raw, Events). It only ever sees the run through a RunHandle, so the
// GUI thread never reads the bundle itself. Read-only for now; editing controls go into
// editArea() and are enabled while isEditingAllowed(). GUI thread.
class RunView : public QWidget
{
    Q_OBJECT

public:
    enum Tab {
        OverviewTab,
        TasksTab,
        AgentsTab,
        PlanTab,
        ValidationTab,
        HistoryTab,
        RawTab,
        EventsTab
    };
    Q_ENUM(Tab)

    explicit RunView(QWidget *parent = nullptr);
    ~RunView() override;

    // Shows `run` (not owned; may be null). Safe to call with a handle that has already opened.
    // Whatever was shown before (another run's tasks, bars, plan, events) is cleared first, so
    // null leaves an empty dashboard.
    void setRun(RunHandle *run);
    RunHandle *run() const { return m_run; }

    // The time source for ages, leases and stalls (tests set a fixed clock).
    void setClock(Clock clock);
    // What the service watches with ("ext4, change notifications"); RunView asks the handle
    // once the run is open, the window may pass it earlier.
    void setWatchModeDescription(const QString &description);

    Snapshot snapshot() const { return m_snapshot; }
    QString title() const;
    // True while the run is open and live: the only state in which a patch can succeed.
    bool isEditingAllowed() const { return m_editingAllowed; }
    // Why editing is off, in words for a tooltip; empty while it is allowed.
    QString editingBlockedReason() const;

    // What the editing actions work on: the Tasks table's selected task ids (in view order), the
    // Agents table's current session and the Validation tree's current step and checklist item.
    QStringList selectedTaskIds() const;
    QString currentAgentId() const;
    struct ValidationRef
    {
        QString stepId;
        QString itemId;
    };
    ValidationRef currentValidationRef() const;
    // plan.md as last delivered (empty when the run has none).
    QByteArray plan() const { return m_plan; }
    // Shows the task in the Tasks tab and selects it (clearing the filter if it hides it).
    void selectTask(const QString &taskId);
    // Shows the agent in the Agents tab and makes it current.
    void selectAgent(const QString &sessionId);
    // The Tasks tab with these filter words ("phase:build status:review").
    void showTasks(const QString &filterWords);
    // Takes the person to what waits (a "Needs you" Show, a click on a desktop notification):
    // the task, the agent's row, the failed run, the plan; a conflict is the editor's.
    void showAttention(runboard::AttentionItem::Kind kind, const QString &key);

    // The person's changes in conflict (RunEditor keeps them): they join "Needs you".
    void setConflicts(const QList<ConflictSummary> &conflicts);
    // What waits for a person now, as the Overview lists it.
    const QList<AttentionItem> &attention() const { return m_attention; }

    // A notice that does not come from the run (an open error, a demo failure).
    void showNotice(MessageBar::Kind kind, const QString &text);

    void focusTaskFilter();
    void showTab(Tab tab);

    void saveState(QSettings &settings) const;
    void restoreState(const QSettings &settings);

    // The parts tests and the window need to reach.
    MessageBar *stateBar() const { return m_stateBar; }
    MessageBar *noticeBar() const { return m_noticeBar; }
    MessageBar *changeBar() const { return m_changeBar; }     // a change refused or applied
    MessageBar *conflictBar() const { return m_conflictBar; } // a change waiting for a decision
    QTabWidget *tabs() const { return m_tabs; }
    QLineEdit *taskFilter() const { return m_taskFilter; }
    QTreeView *taskView() const { return m_taskView; }
    QTreeView *agentView() const { return m_agentView; }
    QTreeView *historyView() const { return m_historyView; }
    QTreeView *eventView() const { return m_eventView; }
    QTreeView *validationView() const { return m_validationView; }
    QSortFilterProxyModel *taskProxy() const { return m_taskProxy; }
    QSortFilterProxyModel *agentProxy() const { return m_agentProxy; }
    QSortFilterProxyModel *historyProxy() const { return m_historyProxy; }
    TaskModel *taskModel() const { return m_taskModel; }
    AgentModel *agentModel() const { return m_agentModel; }
    HistoryModel *historyModel() const { return m_historyModel; }
    EventLogModel *eventLogModel() const { return m_eventModel; }
    ValidationModel *validationModel() const { return m_validationModel; }
    VersionDiffs *versionDiffs() const { return m_versions; }
    JsonTreeView *rawView() const { return m_rawView; }
    OverviewPanel *overview() const { return m_overview; }
    QTextBrowser *planBrowser() const { return m_planBrowser; }
    QTextBrowser *taskDetails() const { return m_taskDetails; }
    QTextBrowser *historyDetails() const { return m_historyDetails; }
    QString headerText() const; // the header's labels, for tests and accessibility checks

Q_SIGNALS:
    void titleChanged(const QString &title);
    void editingAllowedChanged(bool allowed);
    // A snapshot is now shown in every tab (the window's screenshot option waits for this).
    void snapshotShown(const runboard::Snapshot &snapshot);
    // The selection the editing actions work on changed (tasks, agent, validation node).
    void selectionChanged();
    // What waits for a person changed (a snapshot, a clock tick, a conflict). `source` says who
    // made the change: Self when the person's own change did, External for the clock and for
    // conflicts, Initial for the run's first snapshot.
    void attentionChanged(const QList<runboard::AttentionItem> &items,
                          runboard::Snapshot::Source source);
    // The run's tasks went from not all done to all done (and there is at least one task).
    void allTasksDone(runboard::Snapshot::Source source);
    // The person asked for a "Needs you" line's action (RunEditor carries it out).
    void attentionActionRequested(const runboard::AttentionItem &item);

private:
    QWidget *buildHeader();
    QWidget *buildTasksTab();
    QWidget *buildHistoryTab();
    // `proxy`: the filter to use (a plain QSortFilterProxyModel when null).
    QTreeView *makeTable(QAbstractItemModel *model, const QString &accessibleName,
                         QSortFilterProxyModel **proxyOut, QSortFilterProxyModel *proxy = nullptr);
    void clearRun();
    void onOpened(const Snapshot &snapshot);
    void onOpenFailed(const Error &error);
    void onSnapshot(const Snapshot &snapshot);
    void onLifecycle(ManifestService::Lifecycle event, const QString &message);
    void onPlan(const QByteArray &plan);
    void openPlanLink(const QUrl &url);
    void tick();
    void updateHeader();
    void updateLastChange();
    void updateTaskDetails();
    void updateHistoryDetails();
    void updateEditing();
    // `source`: who made what changed (the snapshot's source; External for the clock).
    void updateAttention(Snapshot::Source source);
    void updateAllDone(Snapshot::Source source);
    void watchColumns(QTreeView *view);
    void fitColumns();

    QPointer<RunHandle> m_run;
    Clock m_clock = systemClock();
    Snapshot m_snapshot;
    std::shared_ptr<const Json> m_shownDocument;
    QDateTime m_lastChangeAt;
    Snapshot::Source m_lastChangeSource = Snapshot::Source::Initial;
    QDateTime m_modelNow; // the time the models show: set by the tick (and the first snapshot)
    QString m_title;
    bool m_editingAllowed = false;
    QSet<QTreeView *> m_columnsToFit; // rows arrived since the last fit
    QSet<QTreeView *> m_sizedByUser;  // resized by hand or restored: never fitted
    bool m_fitting = false;
    QTimer *m_fitTimer = nullptr;

    MessageBar *m_stateBar = nullptr;
    MessageBar *m_noticeBar = nullptr;
    QLabel *m_titleLabel = nullptr;
    QLabel *m_runIdLabel = nullptr;
    QLabel *m_phaseLabel = nullptr;
    QLabel *m_generationLabel = nullptr;
    QLabel *m_etagLabel = nullptr;
    QLabel *m_watchLabel = nullptr;
    QLabel *m_lastChangeLabel = nullptr;
    MessageBar *m_changeBar = nullptr;
    MessageBar *m_conflictBar = nullptr;
    QByteArray m_plan;
    QTabWidget *m_tabs = nullptr;
    OverviewPanel *m_overview = nullptr;
    QLineEdit *m_taskFilter = nullptr;
    QSplitter *m_taskSplitter = nullptr;
    QTreeView *m_taskView = nullptr;
    QTextBrowser *m_taskDetails = nullptr;
    QString m_taskDetailsText;
    QSortFilterProxyModel *m_taskProxy = nullptr;
    TaskModel *m_taskModel = nullptr;
    QTreeView *m_agentView = nullptr;
    QSortFilterProxyModel *m_agentProxy = nullptr;
    AgentModel *m_agentModel = nullptr;
    QTextBrowser *m_planBrowser = nullptr;
    QTreeView *m_validationView = nullptr;
    ValidationModel *m_validationModel = nullptr;
    QSplitter *m_historySplitter = nullptr;
    QTreeView *m_historyView = nullptr;
    QSortFilterProxyModel *m_historyProxy = nullptr;
    HistoryModel *m_historyModel = nullptr;
    QTextBrowser *m_historyDetails = nullptr;
    VersionDiffs *m_versions = nullptr;
    JsonTreeView *m_rawView = nullptr;
    QTreeView *m_eventView = nullptr;
    EventLogModel *m_eventModel = nullptr;
    QTimer *m_ticker = nullptr;
    // "Needs you" parts kept between snapshots: the failed runs' items (made when
    // /validationStrategy changed) and the stalled agents' (made for these agents at that time).
    QList<AttentionItem> m_failedItems;
    QList<Manifest::Agent> m_stalledFor;
    QDateTime m_stalledAt;
    QList<AttentionItem> m_stalledItems;
    QList<ConflictSummary> m_conflicts;
    QList<AttentionItem> m_attention;
    bool m_allDone = false;
};

} // namespace runboard
