// SPDX-License-Identifier: MIT
// RunView against a real service: external changes show up, selections survive updates, and
// the run's states (suspended, unreadable) show as bars over the last good state.

#include "agentmodel.h"
#include "eventlogmodel.h"
#include "jsontreeview.h"
#include "overviewpanel.h"
#include "runview.h"
#include "servicehost.h"
#include "taskmodel.h"
#include "testpaths.h"
#include "uitestutil.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

using namespace runboard;
using namespace runboard::test;

namespace {

Json manifestWithTasks(const QString &runId, int generation)
{
    Json manifest = TempBundle::minimalManifest(runId, generation);
    manifest["tasks"]
        = Json::array({taskJson("T-1", "pending", "First"), taskJson("T-2", "pending", "Second"),
                       taskJson("T-3", "pending", "Third")});
    return manifest;
}

QString cell(const RunView &view, const QString &taskId, int column)
{
    const int row = view.taskModel()->rowOfKey(taskId);
    return row < 0 ? QString() : view.taskModel()->index(row, column).data().toString();
}

} // namespace

class tst_RunView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheAdeFixture();
    void externalChangeAppearsInTheTasksTable();
    void selectionSurvivesAnUpdateOfAnotherRow();
    void suspendedBarComesAndGoes();
    void unreadableBarKeepsTheLastGoodState();
    void filterNarrowsTheTasks();
    void rawTreeCopiesPointers();
    void planIsShownLive();
    void tickMovesTheHeaderAge();

private:
    struct Opened
    {
        std::unique_ptr<ServiceHost> host;
        RunHandle *run = nullptr;
    };
    static void open(const TempBundle &bundle, RunView &view, Opened &opened);
};

void tst_RunView::open(const TempBundle &bundle, RunView &view, Opened &opened)
{
    opened.host = std::make_unique<ServiceHost>();
    const Result<BundleLocation> location = ManifestStore::locate(bundle.bundlePath());
    QVERIFY(location.isOk());
    opened.run = opened.host->open(location.value());
    view.setRun(opened.run);
    QTRY_VERIFY(!view.snapshot().isNull());
}

void tst_RunView::showsTheAdeFixture()
{
    const QString fixture = adeFixtureWorktree();
    if (fixture.isEmpty())
        QSKIP("shared/fixtures/ade-worktree is not beside this checkout");
    TempBundle bundle = TempBundle::copyOfWorktree(fixture);
    QVERIFY(bundle.isValid());
    RunView view;
    Opened opened;
    open(bundle, view, opened);
    QCOMPARE(view.title(), QStringLiteral("Login form"));
    QCOMPARE(view.taskModel()->rowCount(), 3);
    QCOMPARE(view.agentModel()->rowCount(), 3);
    QVERIFY(view.headerText().contains(QStringLiteral("Generation: 6")));
    QVERIFY(view.headerText().contains(bundle.runId()));
    QVERIFY(view.isEditingAllowed());
    QTRY_VERIFY(!view.planBrowser()->toPlainText().isEmpty());
    QVERIFY(view.stateBar()->isHidden());
}

void tst_RunView::externalChangeAppearsInTheTasksTable()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    QCOMPARE(cell(view, QStringLiteral("T-2"), TaskModel::Status), QStringLiteral("pending"));

    Json next = manifestWithTasks(bundle.runId(), 2);
    next["tasks"][1]["status"] = "in_progress";
    next["tasks"].push_back(taskJson("T-4", "pending", "Fourth"));
    bundle.writeManifest(next);

    QTRY_COMPARE(cell(view, QStringLiteral("T-2"), TaskModel::Status),
                 QStringLiteral("in_progress"));
    QCOMPARE(view.taskModel()->rowCount(), 4);
    QVERIFY(view.headerText().contains(QStringLiteral("Generation: 2")));
    QVERIFY(view.headerText().contains(QStringLiteral("external")));
    QVERIFY(view.taskModel()->isHighlighted(QStringLiteral("T-2")));
    QVERIFY(!view.taskModel()->isHighlighted(QStringLiteral("T-1")));
    QCOMPARE(view.eventLogModel()->eventAt(0).kind, EventLogModel::EventKind::ExternalChange);
}

void tst_RunView::selectionSurvivesAnUpdateOfAnotherRow()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    view.showTab(RunView::TasksTab);
    QTreeView *table = view.taskView();
    table->sortByColumn(TaskModel::Title, Qt::AscendingOrder); // First, Second, Third
    const QModelIndex second = table->model()->index(1, TaskModel::Id);
    QCOMPARE(second.data().toString(), QStringLiteral("T-2"));
    table->selectionModel()->setCurrentIndex(second, QItemSelectionModel::ClearAndSelect
                                                         | QItemSelectionModel::Rows);

    Json next = manifestWithTasks(bundle.runId(), 2);
    next["tasks"][0]["title"] = "Zulu"; // re-sorts T-1 below T-2
    bundle.writeManifest(next);
    QTRY_COMPARE(cell(view, QStringLiteral("T-1"), TaskModel::Title), QStringLiteral("Zulu"));

    QCOMPARE(table->currentIndex().siblingAtColumn(TaskModel::Id).data().toString(),
             QStringLiteral("T-2"));
    const QModelIndexList selected = table->selectionModel()->selectedRows(TaskModel::Id);
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.constFirst().data().toString(), QStringLiteral("T-2"));
}

void tst_RunView::suspendedBarComesAndGoes()
{
    TempBundle bundle;
    const Json mine = manifestWithTasks(bundle.runId(), 1);
    bundle.writeManifest(mine);
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    QSignalSpy editing(&view, &RunView::editingAllowedChanged);
    QVERIFY(view.isEditingAllowed());

    bundle.writeManifest(manifestWithTasks(QStringLiteral("R-20260101000000-ffffff"), 7));
    QTRY_VERIFY(!view.stateBar()->isHidden());
    QCOMPARE(view.stateBar()->kind(), MessageBar::Kind::Warning);
    QVERIFY(view.stateBar()->text().contains(QStringLiteral("suspended")));
    QVERIFY(!view.isEditingAllowed());
    QVERIFY(!view.editArea()->isEnabled());
    QCOMPARE(view.title(), QStringLiteral("Test run"));
    QVERIFY(view.headerText().contains(bundle.runId()));

    bundle.writeManifest(mine);
    QTRY_VERIFY(view.stateBar()->isHidden());
    QVERIFY(view.isEditingAllowed());
    QCOMPARE(editing.count(), 2);
}

void tst_RunView::unreadableBarKeepsTheLastGoodState()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);

    QVERIFY(bundle.writeFile(QStringLiteral("manifest.json"), "{\n  \"version\": 1,\n  oops"));
    QTRY_VERIFY(!view.stateBar()->isHidden());
    QCOMPARE(view.stateBar()->kind(), MessageBar::Kind::Error);
    QVERIFY2(view.stateBar()->text().contains(QStringLiteral("manifest.json")),
             qPrintable(view.stateBar()->text()));
    QVERIFY2(view.stateBar()->text().contains(QStringLiteral("line")),
             qPrintable(view.stateBar()->text()));
    QCOMPARE(view.title(), QStringLiteral("Test run"));
    QCOMPARE(view.taskModel()->rowCount(), 3);
    QVERIFY(!view.isEditingAllowed());

    bundle.writeManifest(manifestWithTasks(bundle.runId(), 2));
    QTRY_VERIFY(view.stateBar()->isHidden());
    QVERIFY(view.isEditingAllowed());
}

void tst_RunView::filterNarrowsTheTasks()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    Opened opened;
    open(bundle, view, opened);
    view.taskFilter()->setText(QStringLiteral("second"));
    QCOMPARE(view.taskProxy()->rowCount(), 1);
    QCOMPARE(view.taskProxy()->index(0, TaskModel::Id).data().toString(), QStringLiteral("T-2"));
    view.taskFilter()->clear();
    QCOMPARE(view.taskProxy()->rowCount(), 3);
}

void tst_RunView::rawTreeCopiesPointers()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    Opened opened;
    open(bundle, view, opened);
    JsonTreeView *raw = view.rawView();
    QTreeWidgetItem *status = raw->itemForPointer(QStringLiteral("/tasks/{id:T-2}/status"));
    QVERIFY(status);
    QCOMPARE(status->text(JsonTreeView::Value), QStringLiteral("pending"));
    raw->copyPointer(status);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("/tasks/{id:T-2}/status"));
    raw->copyValue(status);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("\"pending\""));

    // Expanded nodes stay expanded across a new version.
    QTreeWidgetItem *tasks = raw->itemForPointer(QStringLiteral("/tasks"));
    QVERIFY(tasks);
    tasks->setExpanded(true);
    Json next = manifestWithTasks(bundle.runId(), 2);
    next["tasks"][1]["status"] = "done";
    bundle.writeManifest(next);
    QTRY_COMPARE(cell(view, QStringLiteral("T-2"), TaskModel::Status), QStringLiteral("done"));
    tasks = raw->itemForPointer(QStringLiteral("/tasks"));
    QVERIFY(tasks);
    QVERIFY(tasks->isExpanded());
    QCOMPARE(raw->itemForPointer(QStringLiteral("/tasks/{id:T-2}/status"))->text(1),
             QStringLiteral("done"));
}

void tst_RunView::planIsShownLive()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    QVERIFY(bundle.writeFile(QStringLiteral("plan.md"), "# The plan\n\nFirst version.\n"));
    RunView view;
    Opened opened;
    open(bundle, view, opened);
    QTRY_VERIFY(view.planBrowser()->toPlainText().contains(QStringLiteral("First version")));
    QVERIFY(bundle.writeFile(QStringLiteral("plan.md"), "# The plan\n\nSecond version.\n"));
    QTRY_VERIFY(view.planBrowser()->toPlainText().contains(QStringLiteral("Second version")));
}

void tst_RunView::tickMovesTheHeaderAge()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    Opened opened;
    open(bundle, view, opened);
    const QDateTime later = view.snapshot().observedAt().addSecs(125);
    view.setClock([later] { return later; });
    QVERIFY2(view.headerText().contains(QStringLiteral("Opened 2 min ago")),
             qPrintable(view.headerText()));
}

QTEST_MAIN(tst_RunView)
#include "tst_runview.moc"
