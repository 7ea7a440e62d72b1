// SPDX-License-Identifier: MIT
//
// RunView: the live dashboard of one run.
//
// Design considerations
// - Everything arrives through the RunHandle's queued signals (DESIGN.md §5): the view never
//   touches the bundle, never blocks, never spins an event loop. A snapshot is pushed into every
//   model at once, so the tabs never disagree about the version they show.
// - Models update incrementally (RowModel), so a snapshot keeps the selection, the sort order
//   and the scroll position of every table; changed rows are highlighted briefly.
// - One 1 s timer moves the clock: the models emit dataChanged only for the time-dependent cells
//   whose text changed (heartbeat ages, leases, stalls), and the header's "last change" ages.
// - Run states are bars, not dialogs (STYLE.md UI): suspended, deleted and unreadable each show
//   a bar over the last good state and disable editing until the run resumes, when the bar goes.
//   Rollbacks and failed patches go to a second, closable bar and to the event log.
// - Scale (bench_gui, docs/benchmarks.md): with 10,000 tasks a snapshot must reach the screen in
//   a few milliseconds, so a snapshot costs what changed, not what the run holds. The service
//   says what differs from the version shown (Snapshot::changes(), worked out on its thread):
//   TaskModel rebuilds only the tasks it names, and the agents, validation and Raw views skip
//   members it does not name (each compares for itself when the changes are not relative to its
//   document). Clock-driven cells (ages, leases, stalls) move on the 1 s tick only: a snapshot is
//   shown at the tick's time (m_modelNow), so it never recomputes every agent and lease. The
//   `opened` that follows the first snapshot is not shown twice, and the document a snapshot
//   replaces is freed in a worker: VersionDiffs takes the previous snapshot into its diff job,
//   so the job, not the GUI thread, drops the last reference to megabytes of JSON nodes.
// - Another run, or none, starts from an empty dashboard: setRun() clears every tab, both bars,
//   the event log and the header, so a closed run never stays on screen.
// Invariants: m_snapshot is the newest snapshot shown (null when no run is shown);
// m_editingAllowed == run open && Live.
// Thread: GUI thread.

#include "runview.h"
#include "plaintext.h"

#include "agentmodel.h"
#include "backgroundrelease.h"
#include "eventlogmodel.h"
#include "historymodel.h"
#include "jsontreeview.h"
#include "manifest.h"
#include "needsyoulist.h"
#include "overviewpanel.h"
#include "servicehost.h"
#include "taskfilter.h"
#include "taskmodel.h"
#include "validationmodel.h"
#include "versiondiffs.h"

#include <QAction>
#include <QClipboard>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace runboard {

namespace {

// A text browser that loads nothing a text names: no images, style sheets or local files.
// What it shows was written by agents.
class PlainResourceBrowser : public QTextBrowser
{
public:
    using QTextBrowser::QTextBrowser;
    QVariant loadResource(int type, const QUrl &name) override
    {
        Q_UNUSED(type)
        Q_UNUSED(name)
        return {};
    }
};

QLabel *headerLabel(QWidget *parent, const QString &accessibleName)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAccessibleName(accessibleName);
    return label;
}

} // namespace

RunView::RunView(QWidget *parent) : QWidget(parent)
{
    setAccessibleName(tr("Run dashboard"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    m_stateBar = new MessageBar(this);
    m_stateBar->setObjectName(QStringLiteral("stateBar"));
    m_stateBar->setAccessibleName(tr("Run state"));
    layout->addWidget(m_stateBar);
    m_noticeBar = new MessageBar(this);
    m_noticeBar->setObjectName(QStringLiteral("noticeBar"));
    layout->addWidget(m_noticeBar);
    m_conflictBar = new MessageBar(this);
    m_conflictBar->setObjectName(QStringLiteral("conflictBar"));
    m_conflictBar->setAccessibleName(tr("Conflict"));
    layout->addWidget(m_conflictBar);
    m_changeBar = new MessageBar(this);
    m_changeBar->setObjectName(QStringLiteral("changeBar"));
    m_changeBar->setAccessibleName(tr("Your change"));
    layout->addWidget(m_changeBar);

    layout->addWidget(buildHeader());

    m_tabs = new QTabWidget(this);
    m_tabs->setAccessibleName(tr("Run views"));
    m_tabs->tabBar()->setAccessibleName(tr("Run views"));
    m_tabs->setDocumentMode(true);

    m_overview = new OverviewPanel(m_tabs);
    m_tabs->addTab(m_overview, tr("&Overview"));
    connect(m_overview, &OverviewPanel::tasksRequested, this, &RunView::showTasks);
    connect(m_overview, &OverviewPanel::agentRequested, this, &RunView::selectAgent);
    connect(m_overview->needsYou(), &NeedsYouList::actionRequested, this,
            [this](const AttentionItem &item, NeedsYouList::Action action) {
                if (action == NeedsYouList::Action::Show)
                    showAttention(item.kind, item.key);
                else
                    Q_EMIT attentionActionRequested(item);
            });

    m_tabs->addTab(buildTasksTab(), tr("&Tasks"));

    m_agentModel = new AgentModel(this);
    m_agentView = makeTable(m_agentModel, tr("Agents"), &m_agentProxy);
    m_tabs->addTab(m_agentView, tr("&Agents"));

    m_planBrowser = new PlainResourceBrowser(m_tabs);
    m_planBrowser->setAccessibleName(tr("Plan"));
    // plan.md is written by agents: a link opens only through openPlanLink(), which asks
    // before anything that is not a web page.
    m_planBrowser->setOpenLinks(false);
    m_planBrowser->setOpenExternalLinks(false);
    connect(m_planBrowser, &QTextBrowser::anchorClicked, this, &RunView::openPlanLink);
    m_planBrowser->setPlaceholderText(tr("This run has no plan.md yet."));
    m_tabs->addTab(m_planBrowser, tr("&Plan"));

    m_validationModel = new ValidationModel(this);
    m_validationView = new QTreeView(m_tabs);
    m_validationView->setModel(m_validationModel);
    m_validationView->setUniformRowHeights(true);
    m_validationView->setAlternatingRowColors(true);
    m_validationView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_validationView->setAccessibleName(tr("Validation"));
    m_validationView->setAccessibleDescription(
        tr("Validation steps, their checklist items, the items' runs and the runs' findings"));
    m_validationView->header()->setSectionResizeMode(ValidationModel::Detail, QHeaderView::Stretch);
    m_validationView->header()->setStretchLastSection(true);
    // Steps arrive expanded (the first fill, or a step added later); what the user collapses
    // stays collapsed, as the nodes outlive updates.
    connect(m_validationModel, &QAbstractItemModel::rowsInserted, m_validationView,
            [this](const QModelIndex &under, int first, int last) {
                if (under.isValid())
                    return;
                for (int row = first; row <= last; ++row)
                    m_validationView->expand(m_validationModel->index(row, 0));
            });
    m_tabs->addTab(m_validationView, tr("&Validation"));

    m_tabs->addTab(buildHistoryTab(), tr("&History"));

    m_rawView = new JsonTreeView(m_tabs);
    m_tabs->addTab(m_rawView, tr("&Raw"));

    m_eventModel = new EventLogModel(this);
    m_eventView = new QTreeView(m_tabs);
    m_eventView->setModel(m_eventModel);
    m_eventView->setRootIsDecorated(false);
    m_eventView->setUniformRowHeights(true);
    m_eventView->setAlternatingRowColors(true);
    m_eventView->setAccessibleName(tr("Events"));
    m_eventView->header()->setStretchLastSection(true);
    m_tabs->addTab(m_eventView, tr("&Events"));

    const QStringList tabTips = {
        tr("What needs you, the phases, each phase's tasks by status, the agents"),
        tr("Every task: status, assignee, lease, validation gate (Ctrl+F filters)"),
        tr("Every agent: role, status, heartbeat age, stalls, usage"),
        tr("The run's plan.md, live"),
        tr("Validation steps, checklist items, their runs and findings"),
        tr("The last 50 commits; select one to see what changed"),
        tr("The manifest as a JSON tree; right-click to copy a pointer or a value"),
        tr("Everything Runboard observed while the run was open, newest first"),
    };
    for (int i = 0; i < tabTips.size(); ++i)
        m_tabs->setTabToolTip(i, tabTips.at(i));

    layout->addWidget(m_tabs, 1);

    for (QTreeView *table : {m_taskView, m_agentView, m_validationView}) {
        connect(table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                &RunView::selectionChanged);
        connect(table->selectionModel(), &QItemSelectionModel::currentChanged, this,
                &RunView::selectionChanged);
    }

    m_ticker = new QTimer(this);
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, &RunView::tick);

    m_fitTimer = new QTimer(this);
    m_fitTimer->setSingleShot(true);
    m_fitTimer->setInterval(0);
    connect(m_fitTimer, &QTimer::timeout, this, &RunView::fitColumns);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (!m_columnsToFit.isEmpty())
            m_fitTimer->start();
    });
    for (QTreeView *view : {m_taskView, m_agentView, m_validationView, m_historyView, m_eventView})
        watchColumns(view);

    updateHeader();
}

RunView::~RunView() = default;

QWidget *RunView::buildHeader()
{
    auto *header = new QWidget(this);
    header->setAccessibleName(tr("Run summary"));
    auto *layout = new QVBoxLayout(header);
    layout->setContentsMargins(8, 4, 8, 0);
    layout->setSpacing(2);

    auto *titleRow = new QHBoxLayout;
    m_titleLabel = headerLabel(header, tr("Run title"));
    QFont titleFont = m_titleLabel->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    m_titleLabel->setFont(titleFont);
    titleRow->addWidget(m_titleLabel, 1);
    layout->addLayout(titleRow);

    auto *info = new QHBoxLayout;
    info->setSpacing(16);
    m_runIdLabel = headerLabel(header, tr("Run id"));
    m_phaseLabel = headerLabel(header, tr("Current phase"));
    m_generationLabel = headerLabel(header, tr("Generation"));
    m_etagLabel = headerLabel(header, tr("Etag"));
    m_watchLabel = headerLabel(header, tr("Watch mode"));
    m_lastChangeLabel = headerLabel(header, tr("Last change"));
    m_generationLabel->setToolTip(tr("serverGeneration: how many commits the manifest has seen"));
    m_phaseLabel->setToolTip(tr("The run's current phase"));
    for (QLabel *label : {m_runIdLabel, m_phaseLabel, m_generationLabel, m_etagLabel, m_watchLabel,
                          m_lastChangeLabel})
        info->addWidget(label);
    info->addStretch(1);
    layout->addLayout(info);
    setWatchModeDescription(QString());
    return header;
}

QWidget *RunView::buildTasksTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    m_taskFilter = new QLineEdit(page);
    m_taskFilter->setPlaceholderText(tr("Filter tasks (Ctrl+F)"));
    m_taskFilter->setClearButtonEnabled(true);
    m_taskFilter->setAccessibleName(tr("Task filter"));
    layout->addWidget(m_taskFilter);

    m_taskSplitter = new QSplitter(Qt::Horizontal, page);
    m_taskSplitter->setChildrenCollapsible(false);
    m_taskModel = new TaskModel(this);
    m_taskView = makeTable(m_taskModel, tr("Tasks"), &m_taskProxy, new TaskFilterProxy(this));
    m_taskView->setParent(m_taskSplitter);
    m_taskSplitter->addWidget(m_taskView);
    m_taskDetails = new PlainResourceBrowser(m_taskSplitter);
    m_taskDetails->setOpenLinks(false);
    m_taskDetails->setAccessibleName(tr("Task details"));
    m_taskDetails->setPlaceholderText(tr("Select a task to see its details."));
    m_taskSplitter->addWidget(m_taskDetails);
    m_taskSplitter->setStretchFactor(0, 3);
    m_taskSplitter->setStretchFactor(1, 1);
    layout->addWidget(m_taskSplitter, 1);

    m_taskFilter->setToolTip(
        tr("Words any column contains; status:review, phase:build or assignee:worker-2 keep "
           "only the tasks with exactly that value"));
    connect(m_taskFilter, &QLineEdit::textChanged, static_cast<TaskFilterProxy *>(m_taskProxy),
            &TaskFilterProxy::setFilterText);
    connect(m_taskView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &RunView::updateTaskDetails);
    return page;
}

QWidget *RunView::buildHistoryTab()
{
    m_historySplitter = new QSplitter(Qt::Horizontal, this);
    m_historySplitter->setChildrenCollapsible(false);
    m_historyModel = new HistoryModel(this);
    m_historyView = makeTable(m_historyModel, tr("History"), &m_historyProxy);
    m_historyView->sortByColumn(HistoryModel::At, Qt::DescendingOrder);
    m_historyView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_historyView->setParent(m_historySplitter);
    m_historySplitter->addWidget(m_historyView);
    m_historyDetails = new QTextBrowser(m_historySplitter);
    m_historyDetails->setAccessibleName(tr("What the selected commit changed"));
    m_historyDetails->setPlaceholderText(tr("Select a commit to see what it changed."));
    m_historySplitter->addWidget(m_historyDetails);
    m_historySplitter->setStretchFactor(0, 3);
    m_historySplitter->setStretchFactor(1, 2);

    m_versions = new VersionDiffs(this);
    connect(m_historyView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &RunView::updateHistoryDetails);
    connect(m_versions, &VersionDiffs::diffReady, this, &RunView::updateHistoryDetails);
    connect(m_versions, &VersionDiffs::diffReady, this,
            [this](const QString &fromEtag, const QString &toEtag) {
                const QString summary = m_versions->diffSummary(fromEtag, toEtag);
                m_eventModel->describeChange(toEtag, summary,
                                             m_versions->diffText(fromEtag, toEtag));
                // The History row's words only when the version before it in the ring is the
                // one Runboard saw before (else the words span several commits).
                const int row = m_historyModel->rowOfKey(toEtag);
                if (row > 0 && m_historyModel->keyAt(row - 1) == fromEtag)
                    m_historyModel->setWords(toEtag, summary);
            });
    return m_historySplitter;
}

QTreeView *RunView::makeTable(QAbstractItemModel *model, const QString &accessibleName,
                              QSortFilterProxyModel **proxyOut, QSortFilterProxyModel *proxy)
{
    if (!proxy)
        proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setSortRole(RowModel::SortRole);
    proxy->setSortLocaleAware(true);
    auto *view = new QTreeView(this);
    view->setModel(proxy);
    // Measuring columns looks at the first 200 rows, not at all 10,000 of a large run.
    view->header()->setResizeContentsPrecision(200);
    view->setRootIsDecorated(false);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAccessibleName(accessibleName);
    view->header()->setSortIndicator(-1, Qt::AscendingOrder);
    view->header()->setSectionsMovable(true);
    if (proxyOut)
        *proxyOut = proxy;
    return view;
}

void RunView::setRun(RunHandle *run)
{
    if (m_run)
        disconnect(m_run, nullptr, this, nullptr);
    m_run = run;
    m_ticker->stop();
    clearRun();
    updateEditing();
    if (!run)
        return;
    connect(run, &RunHandle::opened, this, &RunView::onOpened);
    connect(run, &RunHandle::openFailed, this, &RunView::onOpenFailed);
    connect(run, &RunHandle::snapshotChanged, this, &RunView::onSnapshot);
    connect(run, &RunHandle::lifecycleChanged, this, &RunView::onLifecycle);
    connect(run, &RunHandle::planChanged, this, &RunView::onPlan);
    if (run->isOpen())
        onOpened(run->snapshot());
    else
        m_titleLabel->setText(tr("Opening %1…").arg(run->location().bundlePath));
}

void RunView::clearRun()
{
    // Taken out first, so every model lets go of the document and this is its last holder.
    Snapshot last = std::exchange(m_snapshot, Snapshot());
    m_shownDocument.reset();
    m_lastChangeAt = QDateTime();
    m_modelNow = QDateTime();
    m_lastChangeSource = Snapshot::Source::Initial;
    m_taskModel->clear();
    m_agentModel->clear();
    m_historyModel->clear();
    m_eventModel->clear();
    m_validationModel->clear();
    m_rawView->setDocument(nullptr);
    m_overview->clear();
    m_failedItems.clear();
    m_stalledFor.clear();
    m_stalledItems.clear();
    m_stalledAt = QDateTime();
    m_conflicts.clear();
    m_attention.clear();
    m_allDone = false;
    m_versions->clear();
    m_planBrowser->clear();
    m_taskDetailsText.clear();
    m_taskDetails->clear();
    m_historyDetails->clear();
    m_stateBar->dismiss();
    m_noticeBar->dismiss();
    m_changeBar->dismiss();
    m_conflictBar->dismiss();
    m_plan.clear();
    setWatchModeDescription(QString());
    updateHeader();
    if (!m_title.isEmpty()) {
        m_title.clear();
        Q_EMIT titleChanged(m_title);
    }
    releaseInBackground(std::move(last));
}

void RunView::setClock(Clock clock)
{
    m_clock = std::move(clock);
    tick();
}

void RunView::setWatchModeDescription(const QString &description)
{
    if (description.isEmpty()) {
        m_watchLabel->setText(tr("Watch: —"));
        m_watchLabel->setToolTip(tr("How Runboard notices changes to the run's files, once a run "
                                    "is open"));
    } else {
        m_watchLabel->setText(tr("Watch: %1").arg(description));
        m_watchLabel->setToolTip(
            description.contains(QLatin1String("poll"))
                ? tr("This filesystem sends no change notifications for other machines' writes, "
                     "so Runboard looks at the files at a fixed interval")
                : tr("How Runboard notices changes to the run's files"));
    }
}

QString RunView::title() const
{
    return m_title;
}

void RunView::showNotice(MessageBar::Kind kind, const QString &text)
{
    m_noticeBar->showMessage(kind, text, MessageBar::Closable::Yes);
}

void RunView::focusTaskFilter()
{
    showTab(TasksTab);
    m_taskFilter->setFocus(Qt::ShortcutFocusReason);
    m_taskFilter->selectAll();
}

void RunView::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

void RunView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("runView/tab"), m_tabs->currentIndex());
    settings.setValue(QStringLiteral("runView/taskSplitter"), m_taskSplitter->saveState());
    settings.setValue(QStringLiteral("runView/taskColumns"), m_taskView->header()->saveState());
    settings.setValue(QStringLiteral("runView/agentColumns"), m_agentView->header()->saveState());
    settings.setValue(QStringLiteral("runView/historyColumns"),
                      m_historyView->header()->saveState());
    settings.setValue(QStringLiteral("runView/historySplitter"), m_historySplitter->saveState());
    settings.setValue(QStringLiteral("runView/validationColumns"),
                      m_validationView->header()->saveState());
    settings.setValue(QStringLiteral("runView/eventColumns"), m_eventView->header()->saveState());
    settings.setValue(QStringLiteral("runView/rawColumns"), m_rawView->header()->saveState());
}

void RunView::restoreState(const QSettings &settings)
{
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("runView/tab"), 0).toInt());
    m_taskSplitter->restoreState(
        settings.value(QStringLiteral("runView/taskSplitter")).toByteArray());
    // Restored widths are the user's: they are not fitted again.
    const auto restore = [this, &settings](QTreeView *view, const QString &key) {
        m_fitting = true;
        if (view->header()->restoreState(settings.value(key).toByteArray()))
            m_sizedByUser.insert(view);
        m_fitting = false;
    };
    restore(m_taskView, QStringLiteral("runView/taskColumns"));
    restore(m_agentView, QStringLiteral("runView/agentColumns"));
    restore(m_historyView, QStringLiteral("runView/historyColumns"));
    m_historySplitter->restoreState(
        settings.value(QStringLiteral("runView/historySplitter")).toByteArray());
    restore(m_validationView, QStringLiteral("runView/validationColumns"));
    restore(m_eventView, QStringLiteral("runView/eventColumns"));
    m_rawView->header()->restoreState(
        settings.value(QStringLiteral("runView/rawColumns")).toByteArray());
}

QString RunView::headerText() const
{
    QStringList parts;
    for (QLabel *label : {m_titleLabel, m_runIdLabel, m_phaseLabel, m_generationLabel, m_etagLabel,
                          m_watchLabel, m_lastChangeLabel})
        parts << label->text();
    return parts.join(QLatin1Char('\n'));
}

void RunView::onOpened(const Snapshot &snapshot)
{
    m_stateBar->dismiss();
    // Highlights start after the first fill: the first snapshot is not a change.
    m_taskModel->setHighlightChanges(true);
    m_agentModel->setHighlightChanges(true);
    m_historyModel->setHighlightChanges(true);
    m_validationModel->setHighlightChanges(true);
    if (m_run)
        setWatchModeDescription(m_run->watchModeDescription());
    // The handle delivers the opening snapshot as snapshotChanged right before `opened`.
    if (m_snapshot.isNull() || snapshot.sequence() != m_snapshot.sequence())
        onSnapshot(snapshot);
    m_ticker->start();
    updateEditing();
}

void RunView::onOpenFailed(const Error &error)
{
    m_titleLabel->setText(tr("Could not open the run"));
    m_stateBar->showMessage(MessageBar::Kind::Error,
                            tr("The run could not be opened: %1").arg(error.message));
    m_eventModel->addEvent({m_clock(), EventLogModel::EventKind::Error, error.message, {}, {}});
    updateEditing();
}

void RunView::onSnapshot(const Snapshot &snapshot)
{
    if (snapshot.isNull())
        return;
    Snapshot previous = std::exchange(m_snapshot, snapshot);
    if (!m_modelNow.isValid())
        m_modelNow = m_clock();
    const QDateTime now = m_modelNow;
    const bool newDocument = snapshot.sharedDocument() != m_shownDocument;
    if (newDocument) {
        m_shownDocument = snapshot.sharedDocument();
        m_lastChangeAt = snapshot.observedAt().isValid() ? snapshot.observedAt() : now;
        m_lastChangeSource = snapshot.source();
    }
    m_taskModel->setSnapshot(snapshot, now);
    m_agentModel->setSnapshot(snapshot, now);
    m_overview->setState({m_agentModel->manifest(), m_agentModel->agents(),
                          m_taskModel->statusCountsByPhase(), m_taskModel->statusCounts(),
                          &snapshot.changes()},
                         now);
    m_eventModel->setSnapshot(snapshot, now);
    if (newDocument) {
        if (!snapshot.changes().isRelativeTo(previous.sharedDocument())
            || snapshot.changes().mayDiffer("validationStrategy")) {
            const QList<Manifest::ChecklistItem> checklist
                = Manifest(snapshot.sharedDocument()).checklist();
            m_failedItems = Attention::failedItems(Attention::failedRuns(checklist));
            m_overview->setValidationMarks(ActivityChart::validationMarksOf(checklist));
        }
        m_overview->addSeenVersion(snapshot.etag(), m_lastChangeAt, snapshot.source());
        updateAllDone(snapshot.source());
    }
    updateAttention(snapshot.source());
    if (newDocument) {
        m_historyModel->setSnapshot(snapshot);
        m_validationModel->setDocument(snapshot.sharedDocument(), snapshot.changes());
        m_rawView->setDocument(snapshot.sharedDocument());
        updateHeader();
        updateTaskDetails();
    }
    updateLastChange();
    Q_EMIT snapshotShown(snapshot);
    // Every model, and every listener of snapshotShown (the patch editor's base), has let go of
    // the previous document by now: the diff job is its last holder and frees it off this
    // thread. (A job that describes one task ends within a millisecond: handed over before a
    // listener let go, the listener would free megabytes here.)
    m_versions->addVersion(std::move(previous), snapshot);
    if (newDocument)
        updateHistoryDetails();
}

void RunView::watchColumns(QTreeView *view)
{
    // New rows may need wider columns; a user who resized a column keeps their width.
    const auto dirty = [this, view] {
        m_columnsToFit.insert(view);
        m_fitTimer->start();
    };
    connect(view->model(), &QAbstractItemModel::rowsInserted, this, dirty);
    connect(view->model(), &QAbstractItemModel::modelReset, this, dirty);
    QHeaderView *header = view->header();
    connect(header, &QHeaderView::sectionResized, this, [this, view, header](int section) {
        const bool stretched = header->sectionResizeMode(section) == QHeaderView::Stretch
                               || (header->stretchLastSection()
                                   && header->logicalIndex(header->count() - 1) == section);
        if (!m_fitting && !stretched)
            m_sizedByUser.insert(view);
    });
}

void RunView::fitColumns()
{
    // Grow-only, to the widest of the first rows (QHeaderView::resizeContentsPrecision, 200),
    // and at most about 48 characters: wide enough for a title, never the whole window. In
    // characters, not pixels, so it scales with the font and the screen.
    // A view on a tab not shown waits until its tab is: measuring 200 rows of History and
    // Events on every commit cost a millisecond nobody saw.
    const QSet<QTreeView *> views = std::exchange(m_columnsToFit, {});
    m_fitting = true;
    for (QTreeView *view : views) {
        if (!view->isVisibleTo(m_tabs)) {
            m_columnsToFit.insert(view);
            continue;
        }
        if (m_sizedByUser.contains(view) || view->model()->rowCount() == 0)
            continue;
        QHeaderView *header = view->header();
        const int widest = view->fontMetrics().averageCharWidth() * 48;
        for (int section = 0; section < header->count(); ++section) {
            if (header->isSectionHidden(section)
                || header->sectionResizeMode(section) != QHeaderView::Interactive
                || (header->stretchLastSection()
                    && header->logicalIndex(header->count() - 1) == section))
                continue;
            // QTreeView's override is protected; the public base call dispatches to it.
            const QAbstractItemView *asView = view;
            const int wanted = qMin(
                qMax(asView->sizeHintForColumn(section), header->sectionSizeHint(section)), widest);
            if (wanted > header->sectionSize(section))
                header->resizeSection(section, wanted);
        }
    }
    m_fitting = false;
}

void RunView::onLifecycle(ManifestService::Lifecycle event, const QString &message)
{
    m_eventModel->addLifecycle(event, message, m_clock());
    switch (event) {
    case ManifestService::Lifecycle::Suspended:
        m_stateBar->showMessage(
            MessageBar::Kind::Warning,
            tr("This run is suspended: %1. You are looking at its last state; changes are "
               "disabled until its manifest comes back.")
                .arg(message));
        break;
    case ManifestService::Lifecycle::Deleted:
        m_stateBar->showMessage(
            MessageBar::Kind::Warning,
            tr("The run's manifest is gone: %1. You are looking at its last state; changes are "
               "disabled until the file is back.")
                .arg(message));
        break;
    case ManifestService::Lifecycle::Unreadable:
        m_stateBar->showMessage(
            MessageBar::Kind::Error,
            tr("The run's manifest cannot be read: %1. You are looking at the last good state; "
               "changes are disabled until the file is valid again.")
                .arg(message));
        break;
    case ManifestService::Lifecycle::Resumed:
        m_stateBar->dismiss();
        break;
    case ManifestService::Lifecycle::Rollback:
        showNotice(MessageBar::Kind::Warning, message);
        break;
    }
    updateEditing();
}

void RunView::onPlan(const QByteArray &plan)
{
    m_plan = plan;
    // Keep the reader's place: the plan is rewritten while people read it.
    const int scroll = m_planBrowser->verticalScrollBar()->value();
    // Markdown without its HTML: tags in plan.md show as the text they are.
    m_planBrowser->document()->setMarkdown(
        QString::fromUtf8(plan),
        QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub
                                        | QTextDocument::MarkdownNoHTML));
    m_planBrowser->verticalScrollBar()->setValue(scroll);
}

void RunView::openPlanLink(const QUrl &url)
{
    // Web pages open in the browser on the person's click; anything else (a local file, a
    // custom scheme, a relative path) is only shown, with a button to open it deliberately.
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https")) {
        QDesktopServices::openUrl(url);
        return;
    }
    const QString shown = url.toDisplayString();
    m_noticeBar->showMessage(
        MessageBar::Kind::Warning,
        tr("plan.md links to %1, which is not a web page. Runboard does not open local files "
           "or other programs from a plan on a click.")
            .arg(shown),
        MessageBar::Closable::Yes);
    auto *copy = new QAction(tr("Copy Link"), m_noticeBar);
    connect(copy, &QAction::triggered, this,
            [shown] { QGuiApplication::clipboard()->setText(shown); });
    m_noticeBar->addAction(copy);
}

void RunView::tick()
{
    const QDateTime now = m_clock();
    m_modelNow = now;
    if (!m_snapshot.isNull()) {
        m_taskModel->setNow(now);
        m_agentModel->setNow(now);
        m_overview->setNow(now);
        // What the clock brings (a stall) is nobody's change.
        updateAttention(Snapshot::Source::External);
    }
    updateLastChange();
}

void RunView::updateHeader()
{
    if (m_snapshot.isNull()) {
        if (!m_run)
            m_titleLabel->setText(tr("No run open"));
        m_runIdLabel->clear();
        m_phaseLabel->clear();
        m_generationLabel->clear();
        m_etagLabel->clear();
        updateLastChange();
        return;
    }
    const Manifest manifest(m_snapshot.sharedDocument());
    const QString title = manifest.title().isEmpty() ? tr("Untitled run") : manifest.title();
    m_titleLabel->setText(title);
    m_titleLabel->setToolTip(plainToolTip(manifest.goalSummary()));
    m_runIdLabel->setText(tr("Run: %1").arg(manifest.runId()));
    m_runIdLabel->setToolTip(m_run ? plainToolTip(m_run->location().bundlePath) : QString());
    m_phaseLabel->setText(tr("Phase: %1").arg(manifest.currentPhase()));
    m_generationLabel->setText(tr("Generation: %1").arg(manifest.serverGeneration()));
    m_etagLabel->setText(tr("Etag: %1").arg(manifest.etag()));
    m_etagLabel->setToolTip(tr("Entity tag: the name of this version of the manifest. A change "
                               "is only written on top of the version it names."));
    updateLastChange();
    if (title != m_title) {
        m_title = title;
        Q_EMIT titleChanged(title);
    }
}

void RunView::updateLastChange()
{
    if (!m_lastChangeAt.isValid()) {
        m_lastChangeLabel->clear();
        return;
    }
    const QString age = StatusStyle::formatDuration(m_lastChangeAt.secsTo(m_clock()));
    switch (m_lastChangeSource) {
    case Snapshot::Source::Initial:
        m_lastChangeLabel->setText(tr("Opened %1 ago").arg(age));
        break;
    case Snapshot::Source::External:
        m_lastChangeLabel->setText(tr("Last change: %1 ago, external").arg(age));
        break;
    case Snapshot::Source::Self:
        m_lastChangeLabel->setText(tr("Last change: %1 ago, by you").arg(age));
        break;
    }
    m_lastChangeLabel->setToolTip(StatusStyle::isoToolTip(m_lastChangeAt));
}

void RunView::updateTaskDetails()
{
    const QModelIndex current = m_taskView->currentIndex();
    if (!current.isValid()) {
        m_taskDetailsText.clear();
        m_taskDetails->clear();
        return;
    }
    const QString key = current.data(RowModel::KeyRole).toString();
    const std::optional<Manifest::Task> task = m_taskModel->taskForKey(key);
    if (!task) {
        m_taskDetailsText.clear();
        m_taskDetails->clear();
        return;
    }
    QStringList lines;
    lines << tr("Status: %1").arg(task->status);
    lines << tr("Phase: %1").arg(task->phaseId);
    if (!task->assigneeSessionId.isEmpty())
        lines << tr("Assignee: %1").arg(task->assigneeSessionId);
    if (!task->priority.isEmpty())
        lines << tr("Priority: %1").arg(task->priority);
    if (!task->filesHint.isEmpty())
        lines << tr("Files: %1").arg(task->filesHint.join(QStringLiteral(", ")));
    if (!task->blockedBy.isEmpty())
        lines << tr("Blocked by: %1").arg(task->blockedBy.join(QStringLiteral(", ")));
    if (!task->validationGate.required)
        lines << tr("Validation gate: not required");
    else if (task->validationGate.stepIds.isEmpty())
        lines << tr("Validation gate: required, without steps (never satisfied)");
    else
        lines << tr("Validation gate: required, steps %1")
                     .arg(task->validationGate.stepIds.join(QStringLiteral(", ")));
    lines << tr("Attempts: %1, evidence: %2").arg(task->attemptCount).arg(task->evidenceCount);
    if (task->humanOverride) {
        lines << tr("Human override by %1: %2 → %3, \"%4\"")
                     .arg(task->humanOverride->byUserId, task->humanOverride->fromStatus,
                          task->humanOverride->toStatus, task->humanOverride->reason);
    }
    const QString heading = tr("%1 — %2").arg(task->id, task->title);
    const QString text = heading + QLatin1Char('\n') + task->description + QLatin1Char('\n')
                         + lines.join(QLatin1Char('\n'));
    // Rewriting an unchanged text would reset the reader's selection and scroll position.
    if (text == m_taskDetailsText)
        return;
    m_taskDetailsText = text;
    // Titles and descriptions are written by agents: inserted as text into a document built
    // here, so nothing in them is read as HTML or Markdown.
    QTextDocument *document = m_taskDetails->document();
    document->clear();
    QTextCursor cursor(document);
    QTextCharFormat bold;
    bold.setFontWeight(QFont::Bold);
    bold.setFontPointSize(m_taskDetails->font().pointSizeF() * 1.15);
    cursor.insertText(heading, bold);
    cursor.insertBlock();
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    cursor.insertText(task->description);
    cursor.insertBlock();
    for (const QString &line : std::as_const(lines)) {
        cursor.insertBlock();
        cursor.insertText(QStringLiteral("• ") + line);
    }
}

void RunView::updateHistoryDetails()
{
    const QModelIndex current = m_historyView->currentIndex();
    if (!current.isValid()) {
        m_historyDetails->clear();
        return;
    }
    const int row = m_historyProxy->mapToSource(current).row();
    const QString etag = m_historyModel->keyAt(row);
    const QString previousEtag = m_historyModel->keyAt(row - 1); // the ring is oldest first
    const auto cellText = [&](int column) {
        return m_historyModel->index(row, column).data(Qt::DisplayRole).toString();
    };
    const QString kinds
        = m_historyModel->index(row, HistoryModel::Kinds).data(RowModel::SortRole).toString();
    QStringList lines;
    lines << tr("%1 at %2: %3")
                 .arg(etag, cellText(HistoryModel::At), cellText(HistoryModel::Summary));
    if (!kinds.isEmpty())
        lines << tr("Recorded kinds of change: %1").arg(kinds);
    lines << QString();
    const QString seenBefore = m_versions->seenBefore(etag);
    if (!previousEtag.isEmpty() && m_versions->hasDiff(previousEtag, etag)) {
        lines << tr("What changed from %1 (Runboard saw both versions):").arg(previousEtag);
        lines << m_versions->diffText(previousEtag, etag);
    } else if (!seenBefore.isEmpty()) {
        lines << (previousEtag.isEmpty()
                      ? tr("The version before this commit is older than the history ring; what "
                           "changed since %1, the version Runboard saw before this one:")
                            .arg(seenBefore)
                      : tr("Runboard did not see %1, the version before this commit; what changed "
                           "since %2, the version it saw before this one:")
                            .arg(previousEtag, seenBefore));
        lines << m_versions->diffText(seenBefore, etag);
    } else if (m_versions->seenEtags().contains(etag) && etag == m_snapshot.etag()
               && m_versions->seenEtags().size() > 1) {
        lines << tr("Comparing with the version shown before…");
    } else {
        lines << tr("Runboard did not see both this version and the one before it while the run "
                    "was open, so it cannot show the values that changed; the kinds above are "
                    "what the commit recorded.");
    }
    const QString text = lines.join(QLatin1Char('\n'));
    if (text != m_historyDetails->toPlainText())
        m_historyDetails->setPlainText(text);
}

void RunView::updateEditing()
{
    const bool allowed = m_run && m_run->isOpen() && m_run->state() == ManifestService::State::Live;
    if (allowed == m_editingAllowed)
        return;
    m_editingAllowed = allowed;
    Q_EMIT editingAllowedChanged(allowed);
}

QString RunView::editingBlockedReason() const
{
    if (!m_run)
        return tr("No run is open");
    if (!m_run->isOpen())
        return tr("The run is not open yet");
    switch (m_run->state()) {
    case ManifestService::State::Live:
        return QString();
    case ManifestService::State::Suspended:
        return tr("Editing is off while the run is suspended: %1").arg(m_stateBar->text());
    case ManifestService::State::Deleted:
        return tr("Editing is off while the run's manifest is gone");
    case ManifestService::State::Unreadable:
        return tr("Editing is off while the run's manifest cannot be read");
    case ManifestService::State::Closed:
        break;
    }
    return tr("The run is closed");
}

QStringList RunView::selectedTaskIds() const
{
    QModelIndexList rows = m_taskView->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList ids;
    for (const QModelIndex &row : std::as_const(rows)) {
        // A duplicate id's row key carries an occurrence suffix; predicates name the first.
        const QString id = row.data(RowModel::KeyRole).toString().section(QChar(0x0001), 0, 0);
        if (!id.isEmpty() && !ids.contains(id))
            ids << id;
    }
    return ids;
}

QString RunView::currentAgentId() const
{
    const QModelIndex current = m_agentView->currentIndex();
    return current.isValid()
               ? current.data(RowModel::KeyRole).toString().section(QChar(0x0001), 0, 0)
               : QString();
}

RunView::ValidationRef RunView::currentValidationRef() const
{
    ValidationRef ref;
    const QModelIndex current = m_validationView->currentIndex();
    if (!current.isValid())
        return ref;
    // "step:V-1/item:C-1/run:r-1": the keys from the step down to the node.
    const QString path = current.siblingAtColumn(0).data(ValidationModel::KeyRole).toString();
    for (const QString &part : path.split(QLatin1Char('/'))) {
        const QString key = part.section(QChar(0x0001), 0, 0);
        if (key.startsWith(QLatin1String("step:")))
            ref.stepId = key.mid(5);
        else if (key.startsWith(QLatin1String("item:")))
            ref.itemId = key.mid(5);
    }
    return ref;
}

void RunView::selectTask(const QString &taskId)
{
    showTab(TasksTab);
    QModelIndex source;
    for (int row = 0; row < m_taskModel->rowCount(); ++row) {
        const QModelIndex index = m_taskModel->index(row, 0);
        if (index.data(RowModel::KeyRole).toString() == taskId) {
            source = index;
            break;
        }
    }
    if (!source.isValid())
        return;
    QModelIndex shown = m_taskProxy->mapFromSource(source);
    if (!shown.isValid()) {
        m_taskFilter->clear();
        shown = m_taskProxy->mapFromSource(source);
    }
    m_taskView->selectionModel()->setCurrentIndex(shown, QItemSelectionModel::ClearAndSelect
                                                             | QItemSelectionModel::Rows);
    m_taskView->scrollTo(shown);
}

void RunView::setConflicts(const QList<ConflictSummary> &conflicts)
{
    m_conflicts = conflicts;
    updateAttention(Snapshot::Source::External);
}

void RunView::updateAttention(Snapshot::Source source)
{
    QList<AttentionItem> items = Attention::conflictItems(m_conflicts);
    if (!m_snapshot.isNull()) {
        // The agents' sentences only when the agents (AgentModel keeps its list while they do
        // not change; holding it keeps its address ours) or the clock moved.
        const QList<Manifest::Agent> &agents = m_agentModel->agents();
        if (agents.constData() != m_stalledFor.constData() || agents.size() != m_stalledFor.size()
            || m_modelNow != m_stalledAt) {
            m_stalledFor = agents;
            m_stalledAt = m_modelNow;
            m_stalledItems = Attention::stalledItems(agents, m_modelNow);
        }
        items += Attention::planItems(m_agentModel->manifest().planApproval(), m_modelNow);
        items += m_stalledItems;
        items += m_failedItems;
        items += Attention::reviewItems(m_taskModel->reviewTaskIds(Attention::kNamedReviewTasks),
                                        m_taskModel->reviewTaskCount());
    }
    if (items == m_attention)
        return;
    m_attention = std::move(items);
    m_overview->setAttention(m_attention);
    Q_EMIT attentionChanged(m_attention, source);
}

void RunView::updateAllDone(Snapshot::Source source)
{
    const QMap<QString, int> counts = m_taskModel->statusCounts();
    int total = 0;
    for (const int count : counts)
        total += count;
    const bool allDone = total > 0 && counts.value(QStringLiteral("done")) == total;
    const bool wasDone = std::exchange(m_allDone, allDone);
    // A run opened when it was already finished is no news.
    if (allDone && !wasDone && source != Snapshot::Source::Initial)
        Q_EMIT allTasksDone(source);
}

void RunView::showTasks(const QString &filterWords)
{
    showTab(TasksTab);
    m_taskFilter->setText(filterWords);
    m_taskView->setFocus(Qt::OtherFocusReason);
    const QModelIndex first = m_taskProxy->index(0, 0);
    if (first.isValid() && !m_taskView->currentIndex().isValid())
        m_taskView->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
}

void RunView::selectAgent(const QString &sessionId)
{
    showTab(AgentsTab);
    for (int row = 0; row < m_agentModel->rowCount(); ++row) {
        const QModelIndex index = m_agentModel->index(row, 0);
        if (index.data(RowModel::KeyRole).toString().section(QChar(0x0001), 0, 0) != sessionId)
            continue;
        const QModelIndex shown = m_agentProxy->mapFromSource(index);
        if (!shown.isValid())
            return;
        m_agentView->selectionModel()->setCurrentIndex(shown, QItemSelectionModel::ClearAndSelect
                                                                  | QItemSelectionModel::Rows);
        m_agentView->scrollTo(shown);
        m_agentView->setFocus(Qt::OtherFocusReason);
        return;
    }
}

void RunView::showAttention(AttentionItem::Kind kind, const QString &key)
{
    switch (kind) {
    case AttentionItem::Kind::TaskReview:
        if (key.isEmpty()) { // the line for all of them
            showTasks(TaskFilterProxy::filterWords(QString(), QStringLiteral("review")));
            break;
        }
        selectTask(key);
        m_taskView->setFocus(Qt::OtherFocusReason);
        break;
    case AttentionItem::Kind::AgentStalled:
        selectAgent(key);
        break;
    case AttentionItem::Kind::ValidationFailed: {
        showTab(ValidationTab);
        const QStringList parts = key.split(QLatin1Char('/'));
        if (parts.size() == 3) {
            const QModelIndex index
                = m_validationModel->indexOfKey(QStringLiteral("step:%1/item:%2/run:%3")
                                                    .arg(parts.at(0), parts.at(1), parts.at(2)));
            if (index.isValid()) {
                m_validationView->scrollTo(index);
                m_validationView->selectionModel()->setCurrentIndex(
                    index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            }
        }
        m_validationView->setFocus(Qt::OtherFocusReason);
        break;
    }
    case AttentionItem::Kind::PlanApproval:
        showTab(PlanTab);
        m_planBrowser->setFocus(Qt::OtherFocusReason);
        break;
    case AttentionItem::Kind::Conflict:
        showTab(OverviewTab);
        break;
    }
}

} // namespace runboard
