// SPDX-License-Identifier: MIT
//
// MainWindow: menus, opening runs, and the window's remembered layout.
//
// Design considerations
// - The GUI thread never reads a bundle (DESIGN.md §5). Snapshots come from the ServiceHost's
//   thread; deciding what a path is (ManifestStore::locate, RunIndex::list over a worktree's
//   manifests) runs in QtConcurrent. Only the newest request counts: a slow resolution that
//   finishes after a newer one is dropped.
// - Listing a worktree's runs uses RunIndex::Repair::Never: looking must not rewrite
//   index.json behind ADE's back.
// - Dialogs open with open() (STYLE.md UI); errors go to the run view's notice bar.
// - Changing the run is the RunEditor's: the Edit menu and the Edit toolbar hold its guided
//   actions, the patch editor is a dock; a run opened or closed here is handed to it after the
//   view, so the undo stack and waiting conflicts always belong to the run on screen.
// - Settings (geometry, splitter, column widths, recent runs) use the application's QSettings.
// - One DesktopNotifier for the window's life: the run view tells it what waits, it is reset
//   whenever another run (or none) is shown, and a click on one of its notifications brings the
//   window up on what it was about. What it decides goes to the Events tab, so a desktop without
//   a notification service loses nothing but the pop-up.
// Thread: GUI thread.

#include "mainwindow.h"

#include "desktopnotifier.h"
#include "eventlogmodel.h"
#include "guidedactions.h"
#include "runeditor.h"
#include "runpicker.h"
#include "runview.h"
#include "servicehost.h"
#include "theme.h"
#include "version.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

namespace runboard {

namespace {

const QString kRecentKey = QStringLiteral("recentRuns");

QString localPathOf(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    const QList<QUrl> urls = mime->urls();
    if (urls.isEmpty() || !urls.constFirst().isLocalFile())
        return {};
    return urls.constFirst().toLocalFile();
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Runboard"));
    setAcceptDrops(true);
    // A first size in text lines and characters, within the screen: right at 1x and 2x alike
    // (the remembered geometry wins from the second start on).
    const QFontMetrics metrics(font());
    QSize size(metrics.averageCharWidth() * 150, metrics.lineSpacing() * 44);
    if (const QScreen *screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableSize() * 0.9);
    resize(size);

    m_host = new ServiceHost(this);
    m_view = new RunView(this);
    setCentralWidget(m_view);
    m_editor = new RunEditor(this, m_view);
    connect(m_view, &RunView::titleChanged, this, &MainWindow::updateTitle);
    connect(m_view, &RunView::editingAllowedChanged, this, &MainWindow::updateStatus);

    m_notifier = new DesktopNotifier(QDBusConnection::sessionBus(), this);
    connect(m_view, &RunView::attentionChanged, m_notifier, &DesktopNotifier::setAttention);
    connect(m_view, &RunView::allTasksDone, m_notifier, &DesktopNotifier::notifyAllTasksDone);
    connect(m_view, &RunView::titleChanged, m_notifier, &DesktopNotifier::setRunTitle);
    connect(m_notifier, &DesktopNotifier::activated, this, &MainWindow::showAttention);
    connect(m_notifier, &DesktopNotifier::allTasksDoneActivated, this, [this] {
        bringToFront();
        m_view->showTab(RunView::OverviewTab);
    });
    connect(m_notifier, &DesktopNotifier::noticeDecided, this, &MainWindow::logNotice);
    connect(m_notifier, &DesktopNotifier::unavailable, this, [this](const QString &reason) {
        logNotice(tr("Desktop notifications are unavailable: %1").arg(reason), QString());
    });

    m_resolver = new QFutureWatcher<Resolution>(this);
    connect(m_resolver, &QFutureWatcher<Resolution>::finished, this, &MainWindow::onResolved);

    m_stateLabel = new QLabel(this);
    m_stateLabel->setAccessibleName(tr("Run state"));
    statusBar()->addPermanentWidget(m_stateLabel);

    createMenus();

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    m_view->restoreState(settings);
    updateStatus();
}

MainWindow::~MainWindow()
{
    // Waiting here is bounded: resolution only stats and lists one folder.
    m_resolver->waitForFinished();
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *openFolder = fileMenu->addAction(tr("&Open Run…"));
    openFolder->setShortcut(QKeySequence::Open);
    openFolder->setStatusTip(tr("Open a run folder, or a worktree to pick one of its runs"));
    connect(openFolder, &QAction::triggered, this, &MainWindow::chooseFolder);
    QAction *openManifest = fileMenu->addAction(tr("Open &Manifest File…"));
    openManifest->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(openManifest, &QAction::triggered, this, &MainWindow::chooseManifest);
    m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    fileMenu->addSeparator();
    m_reloadAction = fileMenu->addAction(tr("&Reload"));
    m_reloadAction->setShortcut(QKeySequence::Refresh);
    m_reloadAction->setStatusTip(tr("Look at the run's files again now"));
    connect(m_reloadAction, &QAction::triggered, this, &MainWindow::reload);
    m_closeAction = fileMenu->addAction(tr("&Close Run"));
    m_closeAction->setShortcut(QKeySequence::Close);
    connect(m_closeAction, &QAction::triggered, this, &MainWindow::closeRun);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *editMenu = menuBar()->addMenu(tr("&Edit"));
    m_editor->actions()->populateEditMenu(editMenu, m_editor->patchEditorAction());
    QToolBar *editBar = addToolBar(tr("Edit"));
    editBar->setObjectName(QStringLiteral("editToolBar"));
    editBar->setAccessibleName(tr("Edit toolbar"));
    editBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_editor->actions()->populateToolBar(editBar, m_editor->patchEditorAction());

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    QAction *find = viewMenu->addAction(tr("&Find Task"));
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WindowShortcut);
    connect(find, &QAction::triggered, m_view, &RunView::focusTaskFilter);
    viewMenu->addSeparator();
    const QStringList tabNames = {tr("Overview"),   tr("Tasks"),   tr("Agents"), tr("Plan"),
                                  tr("Validation"), tr("History"), tr("Raw"),    tr("Events")};
    for (int i = 0; i < tabNames.size(); ++i) {
        QAction *tab = viewMenu->addAction(tabNames.at(i));
        tab->setShortcut(QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key(Qt::Key_1 + i)));
        connect(tab, &QAction::triggered, this, [this, i] { m_view->showTab(RunView::Tab(i)); });
    }
    viewMenu->addSeparator();
    QMenu *themeMenu = viewMenu->addMenu(tr("&Theme"));
    themeMenu->setObjectName(QStringLiteral("themeMenu"));
    auto *themes = new QActionGroup(this);
    const std::pair<Theme::Mode, QString> choices[] = {
        {Theme::Mode::System, tr("&System Colours")},
        {Theme::Mode::Light, tr("&Light")},
        {Theme::Mode::Dark, tr("&Dark")},
    };
    for (const auto &[mode, text] : choices) {
        QAction *action = themeMenu->addAction(text);
        action->setObjectName(QStringLiteral("theme_") + Theme::name(mode));
        action->setCheckable(true);
        action->setChecked(mode == Theme::current());
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [mode = mode] {
            Theme::apply(mode);
            Theme::save(mode);
        });
    }

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Runboard"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::openPath(const QString &path)
{
    m_pendingPath = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Opening %1…").arg(m_pendingPath));
    if (m_resolver->isRunning())
        return; // onResolved() starts the newest request when the running one is done
    m_resolver->setFuture(QtConcurrent::run(&MainWindow::resolve, m_pendingPath));
}

MainWindow::Resolution MainWindow::resolve(const QString &path)
{
    Resolution resolution;
    resolution.path = path;
    const Result<BundleLocation> located = ManifestStore::locate(path);
    if (located.isOk()) {
        resolution.location = located.value();
        return resolution;
    }
    const Result<QList<RunSummary>> runs = RunIndex::list(path, RunIndex::Repair::Never);
    if (!runs.isOk() || runs->isEmpty()) {
        resolution.error
            = located.error().code == ErrorCode::NotFound && !QFileInfo::exists(path)
                  ? located.error().message
                  : QCoreApplication::translate(
                        "MainWindow", "%1 is not a run: give a run folder, its manifest.json, or "
                                      "a worktree with runs in .ade/orchestration")
                        .arg(path);
        return resolution;
    }
    if (runs->size() == 1) {
        const Result<BundleLocation> only = ManifestStore::locate(runs->constFirst().bundlePath);
        if (only.isOk())
            resolution.location = only.value();
        else
            resolution.error = only.error().message;
        return resolution;
    }
    resolution.runs = runs.value();
    return resolution;
}

void MainWindow::onResolved()
{
    const Resolution resolution = m_resolver->result();
    if (resolution.path != m_pendingPath) {
        m_resolver->setFuture(QtConcurrent::run(&MainWindow::resolve, m_pendingPath));
        return;
    }
    statusBar()->clearMessage();
    if (resolution.location) {
        openLocation(*resolution.location);
        return;
    }
    if (!resolution.runs.isEmpty()) {
        auto *picker = new RunPicker(resolution.path, resolution.runs, this);
        picker->setAttribute(Qt::WA_DeleteOnClose);
        connect(picker, &RunPicker::runChosen, this, &MainWindow::openPath);
        picker->open();
        Q_EMIT runPickerShown(picker);
        return;
    }
    showError(resolution.error);
}

void MainWindow::openLocation(const BundleLocation &location)
{
    closeRun();
    m_runPath = location.bundlePath;
    m_run = m_host->open(location);
    connect(m_run, &RunHandle::opened, this, &MainWindow::updateStatus);
    connect(m_run, &RunHandle::lifecycleChanged, this, &MainWindow::updateStatus);
    connect(m_run, &RunHandle::openFailed, this, &MainWindow::updateStatus);
    m_view->setRun(m_run);
    m_editor->setRun(m_run);
    m_notifier->reset();
    addRecent(location.bundlePath);
    updateTitle();
    updateStatus();
}

void MainWindow::closeRun()
{
    if (!m_run)
        return;
    m_view->setRun(nullptr);
    m_editor->setRun(nullptr);
    m_notifier->reset();
    delete m_run.data();
    m_runPath.clear();
    updateTitle();
    updateStatus();
}

void MainWindow::chooseFolder()
{
    auto *dialog = new QFileDialog(this, tr("Open Run"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly, true);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openPath);
    dialog->open();
}

void MainWindow::chooseManifest()
{
    auto *dialog = new QFileDialog(this, tr("Open Manifest"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setNameFilter(tr("Run manifests (manifest.json)"));
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openPath);
    dialog->open();
}

void MainWindow::reload()
{
    if (m_run)
        m_run->requestReload();
}

QStringList MainWindow::recentRuns() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::addRecent(const QString &path)
{
    QStringList recent = recentRuns();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentRuns();
    for (const QString &path : recent) {
        QAction *action = m_recentMenu->addAction(path);
        connect(action, &QAction::triggered, this, [this, path] { openPath(path); });
    }
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        QAction *clear = m_recentMenu->addAction(tr("Clear List"));
        connect(clear, &QAction::triggered, this, [this] {
            QSettings().remove(kRecentKey);
            rebuildRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::updateTitle()
{
    if (!m_run) {
        setWindowTitle(tr("Runboard"));
        return;
    }
    const QString title = m_view->title().isEmpty() ? m_runPath : m_view->title();
    setWindowTitle(tr("%1 — Runboard").arg(title));
}

void MainWindow::updateStatus()
{
    m_reloadAction->setEnabled(m_run != nullptr);
    m_closeAction->setEnabled(m_run != nullptr);
    if (!m_run) {
        m_stateLabel->setText(tr("No run open"));
        return;
    }
    if (!m_run->isOpen()) {
        m_stateLabel->setText(tr("Not open"));
        return;
    }
    switch (m_run->state()) {
    case ManifestService::State::Live:
        m_stateLabel->setText(tr("Live"));
        break;
    case ManifestService::State::Suspended:
        m_stateLabel->setText(tr("Suspended (read-only)"));
        break;
    case ManifestService::State::Deleted:
        m_stateLabel->setText(tr("Manifest deleted (read-only)"));
        break;
    case ManifestService::State::Unreadable:
        m_stateLabel->setText(tr("Manifest unreadable (read-only)"));
        break;
    case ManifestService::State::Closed:
        m_stateLabel->setText(tr("Closed"));
        break;
    }
}

void MainWindow::showError(const QString &message)
{
    m_view->showNotice(MessageBar::Kind::Error, message);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    m_view->saveState(settings);
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localPathOf(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString path = localPathOf(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    openPath(path);
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("About Runboard"),
                                tr("Runboard %1\n\nWatch and safely edit the live state of a "
                                   "multi-agent orchestration run.")
                                    .arg(version()),
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::bringToFront()
{
    if (isMinimized())
        setWindowState(windowState() & ~Qt::WindowMinimized);
    raise();
    activateWindow();
}

void MainWindow::showAttention(AttentionItem::Kind kind, const QString &key)
{
    bringToFront();
    m_view->showAttention(kind, key);
}

void MainWindow::logNotice(const QString &text, const QString &details)
{
    m_view->eventLogModel()->addEvent({QDateTime::currentDateTimeUtc(),
                                       EventLogModel::EventKind::Notification,
                                       text,
                                       details,
                                       {}});
}

} // namespace runboard
