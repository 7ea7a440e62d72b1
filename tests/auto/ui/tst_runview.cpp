// SPDX-License-Identifier: MIT
// RunView against a real service: external changes (also by another process) show up,
// selections and scroll positions survive updates, the run's states (suspended, unreadable)
// show as bars over the last good state, closing the run clears everything, the History tab
// says what changed, and every model and proxy stays consistent through a live run.

#include "agentmodel.h"
#include "eventlogmodel.h"
#include "historymodel.h"
#include "jsontreemodel.h"
#include "jsontreeview.h"
#include "jsonwriter.h"
#include "overviewpanel.h"
#include "runview.h"
#include "servicehost.h"
#include "taskmodel.h"
#include "testpaths.h"
#include "uitestutil.h"
#include "validationmodel.h"
#include "versiondiffs.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLineEdit>
#include <QProcess>
#include <QScrollBar>
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

Json manifestWithManyTasks(const QString &runId, int generation, int count)
{
    Json manifest = TempBundle::minimalManifest(runId, generation);
    for (int i = 1; i <= count; ++i) {
        manifest["tasks"].push_back(
            taskJson("T-" + std::to_string(i), "pending", "Task " + std::to_string(i)));
    }
    return manifest;
}

// A history entry as the service appends it for a commit that produced `etag` ("g<N>-…"),
// N minutes after 09:00.
Json historyEntry(const std::string &etag, const std::string &kinds)
{
    const int minute = std::stoi(etag.substr(1)) % 60;
    const std::string at = "2026-07-22T09:" + std::string(minute < 10 ? "0" : "")
                           + std::to_string(minute) + ":00.000Z";
    return Json{{"etag", etag}, {"at", at}, {"summary", "patch"}, {"patchKindSummary", kinds}};
}

// Writes `manifest` to a file of its own and has runboard-testwriter (another process) put it
// in place with `mode` (rename, inplace, git).
bool writeByAnotherProcess(const TempBundle &bundle, const Json &manifest, const QString &mode)
{
    QTemporaryDir dir;
    const QString source = dir.filePath(QStringLiteral("next.json"));
    QFile file(source);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(QByteArray::fromStdString(JsonWriter::write(manifest)));
    file.close();
    QProcess writer;
    writer.start(QStringLiteral(RUNBOARD_TESTWRITER), {mode, bundle.manifestPath(), source});
    return writer.waitForFinished(30000) && writer.exitStatus() == QProcess::NormalExit
           && writer.exitCode() == 0;
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
    void anotherProcessChangeAppears_data();
    void anotherProcessChangeAppears();
    void scrollPositionSurvivesUpdates();
    void sortAndSelectionSurviveARowMovingInTheSort();
    void closingTheRunClearsEveryTab();
    void historySaysWhatChangedWhenBothVersionsWereSeen();
    void validationTabFollowsTheChecklist();
    void everyModelStaysConsistentThroughALiveRun();
    void ownPatchIsShownAsByYou();

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
    QVERIFY2(!fixture.isEmpty(), "tests/data/ade-worktree is missing");
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
    QVERIFY(view.editingBlockedReason().contains(QStringLiteral("suspended")));
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
    Json manifest = manifestWithTasks(bundle.runId(), 1);
    manifest["tasks"].push_back(taskJson("T-2", "failed", "Again")); // a repeated id
    bundle.writeManifest(manifest);
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    view.showTab(RunView::RawTab);
    JsonTreeView *raw = view.rawView();
    const QModelIndex status = raw->indexForPointer(QStringLiteral("/tasks/{id:T-2}/status"));
    QVERIFY(status.isValid());
    QCOMPARE(status.siblingAtColumn(JsonTreeModel::Value).data().toString(),
             QStringLiteral("pending"));
    raw->copyPointer(status);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("/tasks/{id:T-2}/status"));
    raw->copyValue(status);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("\"pending\""));
    // The second T-2 is not what {id:T-2} names: it goes by index.
    QCOMPARE(raw->indexForPointer(QStringLiteral("/tasks/3/status"))
                 .siblingAtColumn(JsonTreeModel::Value)
                 .data()
                 .toString(),
             QStringLiteral("failed"));
    QCOMPARE(raw->indexForPointer(QStringLiteral("/tasks/3")).data().toString(),
             QStringLiteral("[3]"));

    // From the keyboard.
    raw->setCurrentIndex(raw->indexForPointer(QStringLiteral("/tasks/{id:T-1}/title")));
    raw->setFocus();
    QTest::keyClick(raw, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("/tasks/{id:T-1}/title"));
    QTest::keyClick(raw, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("\"First\""));

    // A new version: expanded nodes stay expanded, the current node stays current, and the one
    // changed value is one dataChanged.
    const QPersistentModelIndex tasks = raw->indexForPointer(QStringLiteral("/tasks"));
    raw->expand(tasks);
    raw->expand(raw->indexForPointer(QStringLiteral("/tasks/{id:T-2}")));
    const QPersistentModelIndex current = raw->indexForPointer(QStringLiteral("/tasks/{id:T-2}"));
    raw->setCurrentIndex(current);
    // Expanding fetches children on the next turn of the event loop.
    QTRY_COMPARE(raw->model()->rowCount(current), 6);
    ModelSpies spies(raw->model());
    Json next = manifest;
    next["tasks"][1]["status"] = "done";
    bundle.writeManifest(next);
    QTRY_COMPARE(cell(view, QStringLiteral("T-2"), TaskModel::Status), QStringLiteral("done"));
    QTRY_COMPARE(raw->indexForPointer(QStringLiteral("/tasks/{id:T-2}/status"))
                     .siblingAtColumn(JsonTreeModel::Value)
                     .data()
                     .toString(),
                 QStringLiteral("done"));
    QVERIFY(raw->isExpanded(tasks));
    QCOMPARE(raw->currentIndex(), QModelIndex(current));
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(spies.changed.count(), 1);
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

void tst_RunView::anotherProcessChangeAppears_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("atomic rename (ADE, editors)") << QStringLiteral("rename");
    QTest::newRow("in place (editors)") << QStringLiteral("inplace");
    QTest::newRow("unlink and recreate (git)") << QStringLiteral("git");
}

void tst_RunView::anotherProcessChangeAppears()
{
    QFETCH(QString, mode);
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    view.showTab(RunView::TasksTab);
    QTreeView *table = view.taskView();
    table->setCurrentIndex(table->model()->index(2, TaskModel::Id));

    Json next = manifestWithTasks(bundle.runId(), 2);
    next["tasks"][0]["status"] = "done";
    QVERIFY(writeByAnotherProcess(bundle, next, mode));

    QTRY_COMPARE(cell(view, QStringLiteral("T-1"), TaskModel::Status), QStringLiteral("done"));
    QVERIFY(view.headerText().contains(QStringLiteral("Last change: 0 s ago, external")));
    QCOMPARE(view.eventLogModel()->eventAt(0).kind, EventLogModel::EventKind::ExternalChange);
    QVERIFY(view.stateBar()->isHidden());
    QCOMPARE(table->currentIndex().siblingAtColumn(TaskModel::Id).data().toString(),
             QStringLiteral("T-3"));
}

void tst_RunView::scrollPositionSurvivesUpdates()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithManyTasks(bundle.runId(), 1, 300));
    RunView view;
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    Opened opened;
    open(bundle, view, opened);
    view.showTab(RunView::TasksTab);
    QTreeView *table = view.taskView();
    table->scrollTo(table->model()->index(150, 0), QAbstractItemView::PositionAtTop);
    const int scroll = table->verticalScrollBar()->value();
    QVERIFY(scroll > 0);
    const QString topKey = table->indexAt(QPoint(4, 4)).data(RowModel::KeyRole).toString();
    QCOMPARE(topKey, QStringLiteral("T-151"));

    Json next = manifestWithManyTasks(bundle.runId(), 2, 300);
    next["tasks"][150]["status"] = "in_progress"; // a visible row
    next["tasks"][10]["title"] = "Renamed";       // one above
    next["tasks"].push_back(taskJson("T-301", "pending", "Task 301"));
    bundle.writeManifest(next);
    QTRY_COMPARE(view.taskModel()->rowCount(), 301);

    QCOMPARE(table->verticalScrollBar()->value(), scroll);
    QCOMPARE(table->indexAt(QPoint(4, 4)).data(RowModel::KeyRole).toString(), topKey);
    QCOMPARE(cell(view, QStringLiteral("T-151"), TaskModel::Status), QStringLiteral("in_progress"));
}

void tst_RunView::sortAndSelectionSurviveARowMovingInTheSort()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    QTreeView *table = view.taskView();
    table->sortByColumn(TaskModel::Status, Qt::AscendingOrder);
    table->selectionModel()->setCurrentIndex(table->model()->index(0, TaskModel::Id),
                                             QItemSelectionModel::ClearAndSelect
                                                 | QItemSelectionModel::Rows);
    const QString selected = table->currentIndex().data().toString();

    Json next = manifestWithTasks(bundle.runId(), 2);
    for (Json &task : next["tasks"]) {
        if (task["id"] == selected.toStdString())
            task["status"] = "review"; // sorts after "pending"
    }
    bundle.writeManifest(next);
    QTRY_COMPARE(cell(view, selected, TaskModel::Status), QStringLiteral("review"));

    QCOMPARE(table->header()->sortIndicatorSection(), int(TaskModel::Status));
    QCOMPARE(table->header()->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(table->model()->index(2, TaskModel::Id).data().toString(), selected);
    QCOMPARE(table->currentIndex().siblingAtColumn(TaskModel::Id).data().toString(), selected);
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
}

void tst_RunView::closingTheRunClearsEveryTab()
{
    TempBundle bundle;
    Json manifest = manifestWithTasks(bundle.runId(), 1);
    manifest["validationStrategy"]["steps"] = Json::array({{{"id", "V-1"},
                                                            {"concern", "custom"},
                                                            {"scope", "per_worker"},
                                                            {"required", true},
                                                            {"prompt", "check"}}});
    manifest["history"] = Json::array({historyEntry("g1-0a1b2c3d", "init")});
    bundle.writeManifest(manifest);
    QVERIFY(bundle.writeFile(QStringLiteral("plan.md"), "# The plan\n"));
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    QTRY_VERIFY(!view.planBrowser()->toPlainText().isEmpty());
    view.showNotice(MessageBar::Kind::Error, QStringLiteral("Something else went wrong"));
    view.taskView()->setCurrentIndex(view.taskView()->model()->index(0, 0));
    QVERIFY(!view.taskDetails()->toPlainText().isEmpty());
    QCOMPARE(view.title(), QStringLiteral("Test run"));
    QSignalSpy titles(&view, &RunView::titleChanged);
    QSignalSpy editing(&view, &RunView::editingAllowedChanged);

    view.setRun(nullptr);
    delete opened.run; // the window deletes the handle right after

    QVERIFY(view.snapshot().isNull());
    QCOMPARE(view.taskModel()->rowCount(), 0);
    QCOMPARE(view.taskProxy()->rowCount(), 0);
    QCOMPARE(view.agentModel()->rowCount(), 0);
    QCOMPARE(view.historyModel()->rowCount(), 0);
    QCOMPARE(view.eventLogModel()->rowCount(), 0);
    QCOMPARE(view.validationModel()->rowCount(), 0);
    QCOMPARE(view.rawView()->model()->rowCount(), 0);
    QVERIFY(view.planBrowser()->toPlainText().isEmpty());
    QVERIFY(view.taskDetails()->toPlainText().isEmpty());
    QVERIFY(view.overview()->taskCountsText().isEmpty());
    QVERIFY(view.stateBar()->isHidden());
    QVERIFY(view.noticeBar()->isHidden());
    QVERIFY(view.headerText().startsWith(QStringLiteral("No run open")));
    QVERIFY(!view.headerText().contains(bundle.runId()));
    QVERIFY(!view.headerText().contains(QStringLiteral("Generation")));
    QCOMPARE(view.title(), QString());
    QCOMPARE(titles.count(), 1);
    QCOMPARE(titles.constFirst().at(0).toString(), QString());
    QVERIFY(!view.isEditingAllowed());
    QCOMPARE(editing.count(), 1);

    // Opening again starts from scratch.
    Opened again;
    open(bundle, view, again);
    QCOMPARE(view.taskModel()->rowCount(), 3);
    QCOMPARE(view.title(), QStringLiteral("Test run"));
    QVERIFY(!view.taskModel()->isHighlighted(QStringLiteral("T-1"))); // a first fill again
}

void tst_RunView::historySaysWhatChangedWhenBothVersionsWereSeen()
{
    TempBundle bundle;
    Json first = manifestWithTasks(bundle.runId(), 1);
    first["history"] = Json::array({historyEntry("g1-0a1b2c3d", "init")});
    bundle.writeManifest(first);
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    view.showTab(RunView::HistoryTab);

    Json second = manifestWithTasks(bundle.runId(), 2); // etag g2-0a1b2c3d
    second["tasks"][1]["status"] = "in_progress";
    second["history"] = Json::array({historyEntry("g1-0a1b2c3d", "init"),
                                     historyEntry("g2-0a1b2c3d", "/tasks/{id:T-2}/status×1")});
    QSignalSpy diffs(view.versionDiffs(), &VersionDiffs::diffReady);
    bundle.writeManifest(second);
    QTRY_COMPARE(view.historyModel()->rowCount(), 2);
    QTRY_COMPARE(diffs.count(), 1);

    QTreeView *table = view.historyView();
    const QModelIndex newest = table->model()->index(0, HistoryModel::Etag); // sorted newest first
    QCOMPARE(newest.data().toString(), QStringLiteral("g2-0a1b2c3d"));
    table->setCurrentIndex(newest);
    const QString details = view.historyDetails()->toPlainText();
    QVERIFY2(details.contains(QStringLiteral("Runboard saw both versions")), qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("T-2: status pending → in_progress")),
             qPrintable(details));
    QVERIFY(!details.contains(QStringLiteral("serverGeneration 1"))); // bookkeeping is summed up

    // The History row's Kinds say it in words too; the recorded kinds stay in the tooltip.
    const QModelIndex kinds = table->model()->index(0, HistoryModel::Kinds);
    QTRY_COMPARE(kinds.data().toString(), QStringLiteral("T-2 status → in_progress"));
    QVERIFY(kinds.data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("/tasks/{id:T-2}/status×1")));

    // The Events tab says the same change in words.
    EventLogModel *events = view.eventLogModel();
    QTRY_VERIFY(events->eventAt(0).detail.endsWith(QStringLiteral("T-2 status → in_progress")));
    QCOMPARE(events->eventAt(0).etag, QStringLiteral("g2-0a1b2c3d"));
    QCOMPARE(events->eventAt(0).toolTip, QStringLiteral("T-2: status pending → in_progress\n(and "
                                                        "the commit's own record: etag, "
                                                        "serverGeneration, updatedAt, history)"));

    // The oldest entry: Runboard never saw the version before it.
    table->setCurrentIndex(table->model()->index(1, HistoryModel::Etag));
    QVERIFY(view.historyDetails()->toPlainText().contains(QStringLiteral("did not see")));
}

void tst_RunView::validationTabFollowsTheChecklist()
{
    TempBundle bundle;
    Json manifest = manifestWithTasks(bundle.runId(), 1);
    manifest["validationStrategy"]["steps"] = Json::array({{{"id", "V-1"},
                                                            {"concern", "custom"},
                                                            {"scope", "per_worker"},
                                                            {"required", true},
                                                            {"prompt", "check"}}});
    manifest["validationStrategy"]["checklist"]
        = Json::array({{{"id", "C-1"},
                        {"stepId", "V-1"},
                        {"taskId", "T-1"},
                        {"latestRunId", "r-1"},
                        {"runs", Json::array({{{"id", "r-1"},
                                               {"runBySessionId", "S-v"},
                                               {"status", "running"},
                                               {"startedAt", "2026-07-22T09:00:00.000Z"}}})}}});
    manifest["tasks"][0]["validationGate"] = {{"required", true}, {"stepIds", {"V-1"}}};
    bundle.writeManifest(manifest);
    RunView view;
    view.show();
    Opened opened;
    open(bundle, view, opened);
    QCOMPARE(cell(view, QStringLiteral("T-1"), TaskModel::Gate), QStringLiteral("open"));
    view.showTab(RunView::ValidationTab);
    ValidationModel *model = view.validationModel();
    const QPersistentModelIndex runIndex
        = model->indexOfKey(QStringLiteral("step:V-1/item:C-1/run:r-1"));
    QVERIFY(runIndex.isValid());
    QVERIFY(view.validationView()->isExpanded(model->index(0, 0))); // steps open at first
    view.validationView()->setCurrentIndex(runIndex);
    ModelSpies spies(model);

    manifest["serverGeneration"] = 2;
    manifest["etag"] = "g2-0a1b2c3d";
    manifest["validationStrategy"]["checklist"][0]["runs"][0]["status"] = "passed";
    bundle.writeManifest(manifest);
    QTRY_COMPARE(QModelIndex(runIndex).siblingAtColumn(ValidationModel::Status).data().toString(),
                 QStringLiteral("passed"));
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(view.validationView()->currentIndex(), QModelIndex(runIndex));
    QVERIFY(model->isHighlighted(runIndex));
    // The gate the run satisfies shows in the Tasks table too.
    QCOMPARE(cell(view, QStringLiteral("T-1"), TaskModel::Gate), QStringLiteral("satisfied"));
}

void tst_RunView::everyModelStaysConsistentThroughALiveRun()
{
    TempBundle bundle;
    Json manifest = manifestWithManyTasks(bundle.runId(), 1, 12);
    manifest["validationStrategy"]["steps"] = Json::array({{{"id", "V-1"},
                                                            {"concern", "custom"},
                                                            {"scope", "per_worker"},
                                                            {"required", true},
                                                            {"prompt", "check"}}});
    manifest["history"] = Json::array({historyEntry("g1-0a1b2c3d", "init")});
    bundle.writeManifest(manifest);
    RunView view;
    view.show();
    Opened opened;
    // Testers attached before the first fill, so they see every signal from the start.
    const auto mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
    for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{
             view.taskModel(), view.taskProxy(), view.agentModel(), view.agentProxy(),
             view.historyModel(), view.historyProxy(), view.eventLogModel(), view.validationModel(),
             view.rawView()->model()})
        testers.push_back(std::make_unique<QAbstractItemModelTester>(model, mode));
    open(bundle, view, opened);
    // Proxies sorted and filtered, a raw node expanded: the paths a user takes.
    view.taskView()->sortByColumn(TaskModel::Status, Qt::DescendingOrder);
    view.taskFilter()->setText(QStringLiteral("task 1"));
    view.agentView()->sortByColumn(AgentModel::Session, Qt::AscendingOrder);
    view.showTab(RunView::RawTab);
    view.rawView()->expand(view.rawView()->indexForPointer(QStringLiteral("/tasks")));

    qint64 generation = 1;
    const auto commit = [&](const std::function<void(Json &)> &edit) {
        edit(manifest);
        manifest["serverGeneration"] = ++generation;
        manifest["etag"] = "g" + std::to_string(generation) + "-0a1b2c3d";
        manifest["history"].push_back(historyEntry(manifest["etag"], "patch"));
        if (manifest["history"].size() > 5)
            manifest["history"].erase(0); // a short ring, so it turns
        bundle.writeManifest(manifest);
    };
    const auto shown = [&] {
        return view.snapshot().serverGeneration() == generation;
    };

    commit([](Json &m) { m["tasks"][3]["status"] = "in_progress"; });
    QTRY_VERIFY(shown());
    commit([](Json &m) { m["tasks"].push_back(taskJson("T-13", "pending", "Task 13")); });
    QTRY_VERIFY(shown());
    commit([](Json &m) { m["tasks"].erase(0); });
    QTRY_VERIFY(shown());
    commit([](Json &m) { std::swap(m["tasks"][0], m["tasks"][5]); });
    QTRY_VERIFY(shown());
    commit([](Json &m) {
        m["agents"].push_back({{"sessionId", "S-w"},
                               {"role", "worker"},
                               {"status", "running"},
                               {"spawnedAt", "2026-07-22T09:30:00.000Z"}});
        m["validationStrategy"]["checklist"].push_back(
            {{"id", "C-1"},
             {"stepId", "V-1"},
             {"taskId", "T-4"},
             {"latestRunId", "r-1"},
             {"runs",
              Json::array(
                  {{{"id", "r-1"},
                    {"status", "failed"},
                    {"findings",
                     Json::array({{{"id", "F-1"}, {"severity", "high"}, {"title", "Bad"}}})}}})}});
    });
    QTRY_VERIFY(shown());
    commit([](Json &m) {
        m["validationStrategy"]["checklist"][0]["runs"].push_back(
            {{"id", "r-2"}, {"status", "passed"}});
        m["validationStrategy"]["checklist"][0]["latestRunId"] = "r-2";
        m["agents"].erase(0);
    });
    QTRY_VERIFY(shown());
    for (int i = 0; i < 4; ++i) { // the history ring turns
        commit(
            [i](Json &m) { m["tasks"][std::size_t(i)]["title"] = "Again " + std::to_string(i); });
        QTRY_VERIFY(shown());
    }

    // Unreadable, back; suspended by a foreign run, back.
    QVERIFY(bundle.writeFile(QStringLiteral("manifest.json"), "{ not json"));
    QTRY_VERIFY(!view.stateBar()->isHidden());
    commit([](Json &) {});
    QTRY_VERIFY(shown() && view.stateBar()->isHidden());
    bundle.writeManifest(manifestWithTasks(QStringLiteral("R-20260101000000-ffffff"), 50));
    QTRY_VERIFY(!view.stateBar()->isHidden());
    commit([](Json &m) { m["tasks"][1]["status"] = "done"; });
    QTRY_VERIFY(shown() && view.stateBar()->isHidden());

    view.setRun(nullptr); // and the close
    QCOMPARE(view.taskModel()->rowCount(), 0);
    QCOMPARE(view.rawView()->model()->rowCount(), 0);
}

void tst_RunView::ownPatchIsShownAsByYou()
{
    TempBundle bundle;
    bundle.writeManifest(manifestWithTasks(bundle.runId(), 1));
    RunView view;
    Opened opened;
    open(bundle, view, opened);
    QVERIFY(
        view.headerText().contains(QStringLiteral("Watch: ") + opened.run->watchModeDescription()));
    ManifestStore::PatchRequest request;
    request.ifMatchEtag = view.snapshot().etag();
    request.operations = Json::array(
        {{{"op", "replace"}, {"path", "/tasks/{id:T-1}/title"}, {"value", "Renamed by me"}}});
    request.actor = Actor{ActorRole::User, QString()};
    opened.run->requestPatch(request);
    QTRY_COMPARE(cell(view, QStringLiteral("T-1"), TaskModel::Title),
                 QStringLiteral("Renamed by me"));
    QVERIFY2(view.headerText().contains(QStringLiteral("Last change: 0 s ago, by you")),
             qPrintable(view.headerText()));
    QCOMPARE(view.eventLogModel()->eventAt(0).kind, EventLogModel::EventKind::OwnChange);
}

QTEST_MAIN(tst_RunView)
#include "tst_runview.moc"
