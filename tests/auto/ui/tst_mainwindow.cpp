// SPDX-License-Identifier: MIT
// MainWindow: menus, opening runs by folder, manifest, worktree (with a picker when it holds
// several runs), drag and drop, Ctrl+F, recent runs, errors shown in a bar, Close Run, the
// keyboard shortcuts, the About dialog, remembered geometry and column widths, accessible names
// and tooltips on what is abbreviated.

#include "agentmodel.h"
#include "desktopnotifier.h"
#include "eventlogmodel.h"
#include "jsontreeview.h"
#include "jsonwriter.h"
#include "mainwindow.h"
#include "runpicker.h"
#include "runview.h"
#include "servicehost.h"
#include "statusstyle.h"
#include "taskmodel.h"
#include "theme.h"
#include "uitestutil.h"
#include "version.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAction>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>
#include <QUrl>

using namespace runboard;
using namespace runboard::test;

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void hasTheMenus();
    void opensARunFolder();
    void opensAManifestFile();
    void opensTheOnlyRunOfAWorktree();
    void letsTheUserPickAmongSeveralRuns();
    void showsAnErrorForSomethingElse();
    void opensADroppedFolder();
    void ctrlFFocusesTheTaskFilter();
    void remembersGeometry();
    void closeRunClearsTheView();
    void shortcutsOpenFindReload();
    void aboutDialogSaysWhatAndWhichVersion();
    void remembersColumnWidths();
    void everyWidgetHasAnAccessibleName();
    void abbreviationsHaveTooltips();
    void notificationsReachTheEventsTabAndClicksShowWhatTheyAreAbout();
    void themeMenuSwitchesColoursAndRemembersThem();

private:
    static Json manifestWithTasks(const QString &runId);
    static QAction *actionNamed(const MainWindow &window, const QString &text);
    QTemporaryDir m_settingsDir;
};

Json tst_MainWindow::manifestWithTasks(const QString &runId)
{
    Json manifest = TempBundle::minimalManifest(runId);
    manifest["tasks"] = Json::array(
        {taskJson("T-1", "pending", "First"), taskJson("T-2", "in_progress", "Second")});
    return manifest;
}

QAction *tst_MainWindow::actionNamed(const MainWindow &window, const QString &text)
{
    const QList<QAction *> actions = window.findChildren<QAction *>();
    for (QAction *action : actions) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

void tst_MainWindow::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("RunboardTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void tst_MainWindow::init()
{
    QSettings().clear();
}

void tst_MainWindow::hasTheMenus()
{
    MainWindow window;
    QCOMPARE(window.windowTitle(), QStringLiteral("Runboard"));
    QStringList titles;
    const auto actions = window.menuBar()->actions();
    for (QAction *action : actions)
        titles << action->text();
    QCOMPARE(titles, QStringList({QStringLiteral("&File"), QStringLiteral("&Edit"),
                                  QStringLiteral("&View"), QStringLiteral("&Help")}));
}

void tst_MainWindow::opensARunFolder()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    MainWindow window;
    window.openPath(bundle.bundlePath());
    QTRY_VERIFY(window.run() && window.run()->isOpen());
    QCOMPARE(window.runPath(), bundle.bundlePath());
    QTRY_COMPARE(window.windowTitle(), QStringLiteral("Test run — Runboard"));
    QCOMPARE(window.recentRuns().value(0), bundle.bundlePath());
}

void tst_MainWindow::opensAManifestFile()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    MainWindow window;
    window.openPath(bundle.manifestPath());
    QTRY_VERIFY(window.run() && window.run()->isOpen());
    QCOMPARE(window.runPath(), bundle.bundlePath());
}

void tst_MainWindow::opensTheOnlyRunOfAWorktree()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    MainWindow window;
    window.openPath(bundle.worktreePath());
    QTRY_VERIFY(window.run() && window.run()->isOpen());
    QCOMPARE(window.runPath(), bundle.bundlePath());
}

void tst_MainWindow::letsTheUserPickAmongSeveralRuns()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    const QString otherId = QStringLiteral("R-20260722100000-bbbbbb");
    const QString otherDir
        = bundle.worktreePath() + QStringLiteral("/.ade/orchestration/") + otherId;
    QVERIFY(QDir().mkpath(otherDir));
    Json other = TempBundle::minimalManifest(otherId);
    other["title"] = "Other run";
    other["createdAt"] = "2026-07-22T10:00:00.000Z";
    QFile file(otherDir + QStringLiteral("/manifest.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(JsonWriter::write(other)));
    file.close();

    MainWindow window;
    QSignalSpy shown(&window, &MainWindow::runPickerShown);
    window.openPath(bundle.worktreePath());
    QVERIFY(shown.wait());
    auto *picker = qobject_cast<RunPicker *>(shown.constFirst().at(0).value<QWidget *>());
    QVERIFY(picker);
    QCOMPARE(picker->list()->topLevelItemCount(), 2);
    {
        // The picker's model, checked while the picker exists (it deletes itself on accept).
        QAbstractItemModelTester tester(picker->list()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    // Newest first.
    QCOMPARE(picker->list()->topLevelItem(0)->text(1), otherId);
    picker->list()->setCurrentItem(picker->list()->topLevelItem(0));
    Q_EMIT picker->list()->itemActivated(picker->list()->topLevelItem(0), 0);
    QTRY_VERIFY(window.run() && window.run()->isOpen());
    QCOMPARE(window.runPath(), QDir::cleanPath(otherDir));
}

void tst_MainWindow::showsAnErrorForSomethingElse()
{
    QTemporaryDir empty;
    MainWindow window;
    window.openPath(empty.path());
    QTRY_VERIFY(!window.runView()->noticeBar()->isHidden());
    QVERIFY(window.runView()->noticeBar()->text().contains(empty.path()));
    QVERIFY(!window.run());
}

void tst_MainWindow::opensADroppedFolder()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    MainWindow window;
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(bundle.bundlePath())});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &drop);
    QTRY_VERIFY(window.run() && window.run()->isOpen());
    QCOMPARE(window.runPath(), bundle.bundlePath());
}

void tst_MainWindow::ctrlFFocusesTheTaskFilter()
{
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), window.runView()->taskFilter());
    QCOMPARE(window.runView()->tabs()->currentIndex(), int(RunView::TasksTab));
}

void tst_MainWindow::remembersGeometry()
{
    {
        MainWindow window;
        window.resize(640, 480);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.runView()->showTab(RunView::HistoryTab);
        window.close();
    }
    MainWindow again;
    QCOMPARE(again.size(), QSize(640, 480));
    QCOMPARE(again.runView()->tabs()->currentIndex(), int(RunView::HistoryTab));
}

void tst_MainWindow::closeRunClearsTheView()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId()));
    MainWindow window;
    window.show();
    window.openPath(bundle.bundlePath());
    QTRY_COMPARE(window.runView()->taskModel()->rowCount(), 2);
    QTRY_COMPARE(window.windowTitle(), QStringLiteral("Test run — Runboard"));
    QAction *close = actionNamed(window, QStringLiteral("&Close Run"));
    QVERIFY(close);
    QCOMPARE(close->shortcut(), QKeySequence(QKeySequence::Close));
    QVERIFY(close->isEnabled());

    close->trigger();

    QVERIFY(!window.run());
    QCOMPARE(window.windowTitle(), QStringLiteral("Runboard"));
    RunView *view = window.runView();
    QCOMPARE(view->taskModel()->rowCount(), 0);
    QCOMPARE(view->agentModel()->rowCount(), 0);
    QCOMPARE(view->eventLogModel()->rowCount(), 0);
    QCOMPARE(view->rawView()->model()->rowCount(), 0);
    QVERIFY(view->snapshot().isNull());
    QVERIFY(view->headerText().startsWith(QStringLiteral("No run open")));
    QVERIFY(!view->headerText().contains(bundle.runId()));
    QVERIFY(!close->isEnabled());
    QVERIFY(!actionNamed(window, QStringLiteral("&Reload"))->isEnabled());
    QCOMPARE(window.statusBar()->findChild<QLabel *>()->text(), QStringLiteral("No run open"));

    // And the window opens the next run as if it were the first.
    window.openPath(bundle.bundlePath());
    QTRY_COMPARE(view->taskModel()->rowCount(), 2);
}

void tst_MainWindow::shortcutsOpenFindReload()
{
    MainWindow window;
    QCOMPARE(actionNamed(window, QStringLiteral("&Open Run…"))->shortcut(),
             QKeySequence(QKeySequence::Open));
    QCOMPARE(actionNamed(window, QStringLiteral("&Find Task"))->shortcut(),
             QKeySequence(QKeySequence::Find));
    QAction *reload = actionNamed(window, QStringLiteral("&Reload"));
    QCOMPARE(reload->shortcut(), QKeySequence(QKeySequence::Refresh));
    QCOMPARE(actionNamed(window, QStringLiteral("&Quit"))->shortcut(),
             QKeySequence(QKeySequence::Quit));

    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId()));
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.openPath(bundle.bundlePath());
    QTRY_VERIFY(window.run() && window.run()->isOpen());
    QTRY_VERIFY(reload->isEnabled());
    // The key reaches the action (and the reload finds the same state: no new snapshot).
    QSignalSpy reloads(reload, &QAction::triggered);
    QTest::keyClick(&window, Qt::Key_F5);
    QCOMPARE(reloads.count(), 1);
    // Alt+Shift+<n> shows tab n.
    QTest::keyClick(&window, Qt::Key_7, Qt::AltModifier | Qt::ShiftModifier);
    QCOMPARE(window.runView()->tabs()->currentIndex(), int(RunView::RawTab));
}

void tst_MainWindow::aboutDialogSaysWhatAndWhichVersion()
{
    MainWindow window;
    window.show();
    QAction *about = actionNamed(window, QStringLiteral("&About Runboard"));
    QVERIFY(about);
    about->trigger();
    QMessageBox *box = window.findChild<QMessageBox *>();
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QVERIFY(box->text().contains(QStringLiteral("Runboard ") + runboard::version()));
    QVERIFY(box->isModal()); // open(), window-modal, not exec()
    box->accept();
    QTRY_VERIFY(!window.findChild<QMessageBox *>()); // deleted on close
}

void tst_MainWindow::remembersColumnWidths()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId()));
    int titleWidth = 0;
    {
        MainWindow window;
        window.show();
        window.openPath(bundle.bundlePath());
        QTRY_COMPARE(window.runView()->taskModel()->rowCount(), 2);
        QHeaderView *header = window.runView()->taskView()->header();
        titleWidth = header->sectionSize(TaskModel::Title) + 57;
        header->resizeSection(TaskModel::Title, titleWidth); // as a user's drag does
        header->moveSection(header->visualIndex(TaskModel::Status), 0);
        window.close();
    }
    MainWindow again;
    again.show();
    again.openPath(bundle.bundlePath());
    QTRY_COMPARE(again.runView()->taskModel()->rowCount(), 2);
    QHeaderView *header = again.runView()->taskView()->header();
    QCOMPARE(header->sectionSize(TaskModel::Title), titleWidth); // not fitted over
    QCOMPARE(header->visualIndex(TaskModel::Status), 0);
}

void tst_MainWindow::everyWidgetHasAnAccessibleName()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId()));
    MainWindow window;
    window.show();
    window.openPath(bundle.bundlePath());
    QTRY_COMPARE(window.runView()->taskModel()->rowCount(), 2);
    // What a screen reader user tabs through or reads: views, inputs, text panes, tabs,
    // progress, and the header's labels.
    QStringList unnamed;
    const QList<QWidget *> widgets = window.findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        // ... and every other widget the keyboard can reach that has no text of its own to be
        // read by (the Overview's pictures).
        const bool mustHaveName
            = qobject_cast<QAbstractItemView *>(widget) || qobject_cast<QLineEdit *>(widget)
              || qobject_cast<QTextBrowser *>(widget) || qobject_cast<QTabWidget *>(widget)
              || qobject_cast<QProgressBar *>(widget)
              || ((widget->focusPolicy() & Qt::TabFocus) && !qobject_cast<QAbstractButton *>(widget)
                  && !qobject_cast<QAbstractScrollArea *>(widget->parentWidget()));
        // Headers are announced as part of their view.
        if (!mustHaveName || qobject_cast<QHeaderView *>(widget))
            continue;
        if (widget->accessibleName().isEmpty())
            unnamed << QString::fromLatin1(widget->metaObject()->className());
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
    const QStringList header = window.runView()->headerText().split(QLatin1Char('\n'));
    QVERIFY(header.size() >= 7);
}

void tst_MainWindow::abbreviationsHaveTooltips()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId()));
    MainWindow window;
    window.show();
    window.openPath(bundle.bundlePath());
    QTRY_COMPARE(window.runView()->taskModel()->rowCount(), 2);
    RunView *view = window.runView();
    // Table headers whose names are short for something.
    const auto headerTip = [](QAbstractItemView *table, int section) {
        return table->model()->headerData(section, Qt::Horizontal, Qt::ToolTipRole).toString();
    };
    for (int section : {int(TaskModel::Id), int(TaskModel::Lease), int(TaskModel::Gate),
                        int(TaskModel::Attempts)})
        QVERIFY2(!headerTip(view->taskView(), section).isEmpty(),
                 qPrintable(QString::number(section)));
    QVERIFY(!headerTip(view->historyView(), 0).isEmpty()); // Etag
    // The run header's short labels.
    int withTips = 0;
    const QList<QLabel *> labels = view->findChildren<QLabel *>();
    for (QLabel *label : labels) {
        if (label->text().startsWith(QStringLiteral("Etag:"))
            || label->text().startsWith(QStringLiteral("Generation:"))
            || label->text().startsWith(QStringLiteral("Watch:"))
            || label->text().startsWith(QStringLiteral("Run:"))) {
            QVERIFY2(!label->toolTip().isEmpty(), qPrintable(label->text()));
            ++withTips;
        }
    }
    QCOMPARE(withTips, 4);
    // Every tab says what it holds.
    for (int i = 0; i < view->tabs()->count(); ++i)
        QVERIFY(!view->tabs()->tabToolTip(i).isEmpty());
}

void tst_MainWindow::notificationsReachTheEventsTabAndClicksShowWhatTheyAreAbout()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId()));
    MainWindow window;
    window.show();
    window.openPath(bundle.bundlePath());
    QTRY_COMPARE(window.runView()->agentModel()->rowCount(), 1);
    EventLogModel *events = window.runView()->eventLogModel();
    DesktopNotifier *notifier = window.notifier();
    QVERIFY(notifier);

    // The notifier's decisions and its unavailability are Events-tab lines.
    Q_EMIT notifier->noticeDecided(QStringLiteral("Desktop notification: An agent stalled"),
                                   QStringLiteral("Agent S-lead is stalled"));
    QCOMPARE(events->index(0, EventLogModel::Kind).data().toString(),
             QStringLiteral("notification"));
    QCOMPARE(events->index(0, EventLogModel::Detail).data().toString(),
             QStringLiteral("Desktop notification: An agent stalled"));
    QCOMPARE(events->eventAt(0).toolTip, QStringLiteral("Agent S-lead is stalled"));
    Q_EMIT notifier->unavailable(QStringLiteral("no session bus"));
    QCOMPARE(events->index(0, EventLogModel::Detail).data().toString(),
             QStringLiteral("Desktop notifications are unavailable: no session bus"));

    // A click shows what the notification was about.
    Q_EMIT notifier->activated(AttentionItem::Kind::AgentStalled, QStringLiteral("S-lead"));
    QCOMPARE(window.runView()->tabs()->currentIndex(), int(RunView::AgentsTab));
    QCOMPARE(window.runView()->currentAgentId(), QStringLiteral("S-lead"));
    Q_EMIT notifier->activated(AttentionItem::Kind::PlanApproval, QString());
    QCOMPARE(window.runView()->tabs()->currentIndex(), int(RunView::PlanTab));
    Q_EMIT notifier->activated(AttentionItem::Kind::ValidationFailed, QStringLiteral("s/i/r"));
    QCOMPARE(window.runView()->tabs()->currentIndex(), int(RunView::ValidationTab));
    Q_EMIT notifier->activated(AttentionItem::Kind::TaskReview, QStringLiteral("T-2"));
    QCOMPARE(window.runView()->tabs()->currentIndex(), int(RunView::TasksTab));
    QCOMPARE(window.runView()->selectedTaskIds(), QStringList{QStringLiteral("T-2")});
    Q_EMIT notifier->allTasksDoneActivated();
    QCOMPARE(window.runView()->tabs()->currentIndex(), int(RunView::OverviewTab));
}

void tst_MainWindow::themeMenuSwitchesColoursAndRemembersThem()
{
    Theme::rememberSystem();
    const QPalette system = QApplication::palette();
    MainWindow window;
    auto *dark = window.findChild<QAction *>(QStringLiteral("theme_dark"));
    auto *light = window.findChild<QAction *>(QStringLiteral("theme_light"));
    auto *systemAction = window.findChild<QAction *>(QStringLiteral("theme_system"));
    QVERIFY(dark && light && systemAction);
    QVERIFY(systemAction->isChecked());

    dark->trigger();
    QVERIFY(dark->isChecked());
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    QCOMPARE(QApplication::palette().color(QPalette::Window),
             Theme::darkPalette().color(QPalette::Window));
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
    QCOMPARE(Theme::saved(), Theme::Mode::Dark);
    // Every status colour reads on the dark window and base.
    for (const auto tone :
         {StatusStyle::Tone::Neutral, StatusStyle::Tone::Active, StatusStyle::Tone::Good,
          StatusStyle::Tone::Warning, StatusStyle::Tone::Bad, StatusStyle::Tone::Muted}) {
        const QPalette palette = QApplication::palette();
        QVERIFY(StatusStyle::contrastRatio(
                    StatusStyle::color(tone, palette, StatusStyle::Surface::Window),
                    palette.color(QPalette::Window))
                >= StatusStyle::kMinimumContrast);
        QVERIFY(StatusStyle::contrastRatio(StatusStyle::color(tone, palette),
                                           palette.color(QPalette::Base))
                >= StatusStyle::kMinimumContrast);
    }

    light->trigger();
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
    QCOMPARE(Theme::saved(), Theme::Mode::Light);

    systemAction->trigger();
    QCOMPARE(QApplication::palette().color(QPalette::Window), system.color(QPalette::Window));
    QCOMPARE(Theme::saved(), Theme::Mode::System);
    QCOMPARE(Theme::fromName(QStringLiteral("Dark")), Theme::Mode::Dark);
    bool ok = true;
    Theme::fromName(QStringLiteral("sepia"), &ok);
    QVERIFY(!ok);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
