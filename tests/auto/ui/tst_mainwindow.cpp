// SPDX-License-Identifier: MIT
// MainWindow: menus, opening runs by folder, manifest, worktree (with a picker when it holds
// several runs), drag and drop, Ctrl+F, recent runs, and errors shown in a bar.

#include "jsonwriter.h"
#include "mainwindow.h"
#include "runpicker.h"
#include "runview.h"
#include "servicehost.h"
#include "taskmodel.h"
#include "uitestutil.h"

#include <QDir>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QTabWidget>
#include <QTest>
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

private:
    QTemporaryDir m_settingsDir;
};

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

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
