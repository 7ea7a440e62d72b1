// SPDX-License-Identifier: MIT
// TaskModel: incremental updates keyed by task id, gate and lease columns, model consistency.

#include "manifest.h"
#include "taskmodel.h"
#include "uitestutil.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace runboard;
using namespace runboard::test;

namespace {

Json withTasks(std::initializer_list<Json> tasks)
{
    Json manifest = TempBundle::minimalManifest(QStringLiteral("R-1"));
    manifest["tasks"] = Json::array();
    for (const Json &task : tasks)
        manifest["tasks"].push_back(task);
    return manifest;
}

// The validation step V-1, required for every worker.
Json oneRequiredStep()
{
    return Json{{"id", "V-1"},      {"concern", "custom"}, {"scope", "per_worker"},
                {"required", true}, {"prompt", "check"},   {"evidenceRequired", Json::array()}};
}

} // namespace

class tst_TaskModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstFillInsertsRows();
    void oneFieldChangeIsOneDataChanged();
    void insertAndRemoveKeepOtherRows();
    void reorderIsALayoutChangeThatKeepsPersistentIndexes();
    void proxySelectionSurvivesAnUpdate();
    void duplicateIdsStayDistinct();
    void gateColumnFollowsPatchPolicy_data();
    void gateColumnFollowsPatchPolicy();
    void leaseTicksOnlyItsColumn();
    void statusHasAToneAndADot();
    void highlightMarksChangedRowsOnly();
    void fadingRepaintsTheHighlightedRowsOnly();
    void gateFollowsTheChecklistAlone();
    void countsFollowTheRows();
    void heartbeatsOnlySnapshotChangesNothing();
    void manyChangesAtOnceMatchOneByOne();
    void describedChangesGiveTheRowsOfAFreshModel();
    void describedChangesTouchOnlyTheChangedRow();
};

void tst_TaskModel::firstFillInsertsRows()
{
    TaskModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ModelSpies spies(&model);
    model.setSnapshot(
        snapshotOf(withTasks({taskJson("T-1", "pending"), taskJson("T-2", "done")}), 1),
        fixedNow());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(TaskModel::ColumnCount));
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 1);
    QCOMPARE(model.index(0, TaskModel::Id).data().toString(), QStringLiteral("T-1"));
    QCOMPARE(model.index(1, TaskModel::Status).data().toString(), QStringLiteral("done"));
    QCOMPARE(model.headerData(TaskModel::Gate, Qt::Horizontal).toString(), QStringLiteral("Gate"));
}

void tst_TaskModel::oneFieldChangeIsOneDataChanged()
{
    TaskModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Json manifest = withTasks(
        {taskJson("T-1", "pending"), taskJson("T-2", "pending"), taskJson("T-3", "pending")});
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    ModelSpies spies(&model);

    manifest["tasks"][1]["status"] = "in_progress";
    model.setSnapshot(snapshotOf(manifest, 2), fixedNow());

    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(spies.layout.count(), 0);
    QCOMPARE(spies.changed.count(), 1);
    const auto topLeft = spies.changed.constFirst().at(0).value<QModelIndex>();
    const auto bottomRight = spies.changed.constFirst().at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 1);
    QCOMPARE(topLeft.column(), int(TaskModel::Status));
    QCOMPARE(bottomRight.column(), int(TaskModel::Status));
    QCOMPARE(model.index(1, TaskModel::Status).data().toString(), QStringLiteral("in_progress"));

    // The same state again: nothing at all.
    spies.clear();
    model.setSnapshot(snapshotOf(manifest, 3), fixedNow());
    QCOMPARE(spies.changed.count(), 0);
}

void tst_TaskModel::insertAndRemoveKeepOtherRows()
{
    TaskModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(snapshotOf(withTasks({taskJson("T-1", "pending"), taskJson("T-2", "pending"),
                                            taskJson("T-3", "pending")}),
                                 1),
                      fixedNow());
    const QPersistentModelIndex third = model.index(2, 0);
    ModelSpies spies(&model);

    model.setSnapshot(snapshotOf(withTasks({taskJson("T-1", "pending"), taskJson("T-3", "pending"),
                                            taskJson("T-4", "pending")}),
                                 2),
                      fixedNow());
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.removed.count(), 1);
    QCOMPARE(spies.removed.constFirst().at(1).toInt(), 1);
    QCOMPARE(spies.removed.constFirst().at(2).toInt(), 1);
    QCOMPARE(spies.inserted.count(), 1);
    QCOMPARE(spies.inserted.constFirst().at(1).toInt(), 2);
    QCOMPARE(spies.changed.count(), 0);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(third.isValid());
    QCOMPARE(third.row(), 1);
    QCOMPARE(third.data().toString(), QStringLiteral("T-3"));
    QCOMPARE(model.rowOfKey(QStringLiteral("T-4")), 2);
    QCOMPARE(model.rowOfKey(QStringLiteral("T-2")), -1);

    // Everything gone, then back.
    model.setSnapshot(snapshotOf(withTasks({}), 3), fixedNow());
    QCOMPARE(model.rowCount(), 0);
    model.setSnapshot(snapshotOf(withTasks({taskJson("T-9", "done")}), 4), fixedNow());
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(spies.reset.count(), 0);
}

void tst_TaskModel::reorderIsALayoutChangeThatKeepsPersistentIndexes()
{
    TaskModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(snapshotOf(withTasks({taskJson("T-1", "pending"), taskJson("T-2", "pending"),
                                            taskJson("T-3", "pending")}),
                                 1),
                      fixedNow());
    const QPersistentModelIndex first = model.index(0, TaskModel::Title);
    ModelSpies spies(&model);
    model.setSnapshot(snapshotOf(withTasks({taskJson("T-3", "pending"), taskJson("T-2", "pending"),
                                            taskJson("T-1", "pending")}),
                                 2),
                      fixedNow());
    QCOMPARE(spies.layout.count(), 1);
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(first.row(), 2);
    QCOMPARE(first.column(), int(TaskModel::Title));
    QCOMPARE(model.index(first.row(), TaskModel::Id).data().toString(), QStringLiteral("T-1"));
}

void tst_TaskModel::proxySelectionSurvivesAnUpdate()
{
    TaskModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(RowModel::SortRole);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Json manifest
        = withTasks({taskJson("T-1", "pending", "Charlie"), taskJson("T-2", "pending", "Alpha"),
                     taskJson("T-3", "pending", "Bravo")});
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    proxy.sort(TaskModel::Title);
    QCOMPARE(proxy.index(0, TaskModel::Id).data().toString(), QStringLiteral("T-2"));
    QItemSelectionModel selection(&proxy);
    selection.setCurrentIndex(proxy.index(1, 0),
                              QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(selection.currentIndex().data().toString(), QStringLiteral("T-3"));

    manifest["tasks"][0]["status"] = "done";
    model.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    QCOMPARE(selection.currentIndex().data().toString(), QStringLiteral("T-3"));
    QCOMPARE(selection.selectedRows().size(), 1);
    QCOMPARE(selection.selectedRows().constFirst().data().toString(), QStringLiteral("T-3"));
}

void tst_TaskModel::duplicateIdsStayDistinct()
{
    TaskModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Json manifest = withTasks({taskJson("T-1", "pending"), taskJson("T-1", "done")});
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(model.keyAt(0) != model.keyAt(1));
    ModelSpies spies(&model);
    manifest["tasks"][1]["status"] = "failed";
    model.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    QCOMPARE(spies.changed.count(), 1);
    QCOMPARE(spies.changed.constFirst().at(0).value<QModelIndex>().row(), 1);
}

void tst_TaskModel::gateColumnFollowsPatchPolicy_data()
{
    QTest::addColumn<bool>("required");
    QTest::addColumn<QString>("runStatus");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not required") << false << QString() << QStringLiteral("not required");
    QTest::newRow("no run yet") << true << QString() << QStringLiteral("open");
    QTest::newRow("failed run") << true << QStringLiteral("failed") << QStringLiteral("open");
    QTest::newRow("passed run") << true << QStringLiteral("passed") << QStringLiteral("satisfied");
}

void tst_TaskModel::gateColumnFollowsPatchPolicy()
{
    QFETCH(bool, required);
    QFETCH(QString, runStatus);
    QFETCH(QString, expected);
    Json task = taskJson("T-1", "review");
    task["validationGate"] = {{"required", required}, {"stepIds", Json::array({"V-1"})}};
    Json manifest = withTasks({task});
    manifest["validationStrategy"]["steps"] = Json::array({oneRequiredStep()});
    if (!runStatus.isEmpty()) {
        manifest["validationStrategy"]["checklist"]
            = Json::array({{{"id", "C-T-1-V-1"},
                            {"stepId", "V-1"},
                            {"taskId", "T-1"},
                            {"latestRunId", "run-1"},
                            {"runs", Json::array({{{"id", "run-1"},
                                                   {"runBySessionId", "S-v"},
                                                   {"status", runStatus.toStdString()},
                                                   {"startedAt", "2026-07-22T09:00:00.000Z"}}})}}});
    }
    TaskModel model;
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    QCOMPARE(model.index(0, TaskModel::Gate).data().toString(), expected);
}

void tst_TaskModel::leaseTicksOnlyItsColumn()
{
    TaskModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Json leased = taskJson("T-2", "in_progress");
    leased["assigneeSessionId"] = "S-w";
    leased["claimLeaseUntil"] = "2026-07-22T10:00:30.000Z";
    model.setSnapshot(snapshotOf(withTasks({taskJson("T-1", "pending"), leased}), 1), fixedNow());
    QCOMPARE(model.index(1, TaskModel::Lease).data().toString(), QStringLiteral("30 s"));
    QCOMPARE(model.index(0, TaskModel::Lease).data().toString(), QString());
    ModelSpies spies(&model);

    model.setNow(fixedNow().addSecs(1));
    QCOMPARE(spies.changed.count(), 1);
    const auto topLeft = spies.changed.constFirst().at(0).value<QModelIndex>();
    const auto bottomRight = spies.changed.constFirst().at(1).value<QModelIndex>();
    QCOMPARE(topLeft, model.index(1, TaskModel::Lease));
    QCOMPARE(bottomRight, model.index(1, TaskModel::Lease));
    QCOMPARE(model.index(1, TaskModel::Lease).data().toString(), QStringLiteral("29 s"));

    spies.clear();
    model.setNow(fixedNow().addSecs(90));
    QVERIFY(
        model.index(1, TaskModel::Lease).data().toString().startsWith(QStringLiteral("expired")));
    QVERIFY(model.index(1, TaskModel::Lease).data(Qt::ForegroundRole).isValid());
    QVERIFY(model.index(1, TaskModel::Lease)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("2026-07-22T10:00:30")));
    QCOMPARE(spies.reset.count(), 0);
}

void tst_TaskModel::statusHasAToneAndADot()
{
    TaskModel model;
    model.setSnapshot(snapshotOf(withTasks({taskJson("T-1", "failed"), taskJson("T-2", "odd")}), 1),
                      fixedNow());
    QVERIFY(model.index(0, TaskModel::Status).data(Qt::ForegroundRole).value<QColor>().isValid());
    QVERIFY(!model.index(0, TaskModel::Status).data(Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(model.index(0, TaskModel::Status).data(RowModel::ToneRole).toInt(),
             int(StatusStyle::Tone::Bad));
    // An unknown status stays visible, in the default colour.
    QCOMPARE(model.index(1, TaskModel::Status).data().toString(), QStringLiteral("odd"));
    QVERIFY(!model.index(1, TaskModel::Status).data(Qt::ForegroundRole).isValid());
}

void tst_TaskModel::highlightMarksChangedRowsOnly()
{
    TaskModel model;
    model.setHighlightChanges(true);
    Json manifest = withTasks({taskJson("T-1", "pending"), taskJson("T-2", "pending")});
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    QVERIFY(!model.isHighlighted(QStringLiteral("T-1")));
    manifest["tasks"][1]["title"] = "Renamed";
    model.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    QVERIFY(!model.isHighlighted(QStringLiteral("T-1")));
    QVERIFY(model.isHighlighted(QStringLiteral("T-2")));
    QVERIFY(model.index(1, 0).data(Qt::BackgroundRole).value<QColor>().isValid());
    QTRY_VERIFY_WITH_TIMEOUT(!model.isHighlighted(QStringLiteral("T-2")), 5000);
    QVERIFY(!model.index(1, 0).data(Qt::BackgroundRole).isValid());
}

void tst_TaskModel::fadingRepaintsTheHighlightedRowsOnly()
{
    // Rows 1, 2 and 7 of ten change: each fading step says so for those rows (rows 1-2 as one
    // range), never for the rows between them, which a view would repaint for nothing.
    TaskModel model;
    model.setHighlightChanges(true);
    Json manifest = withTasks({});
    for (int i = 0; i < 10; ++i)
        manifest["tasks"].push_back(taskJson("T-" + std::to_string(i), "pending"));
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    for (const int row : {1, 2, 7})
        manifest["tasks"][std::size_t(row)]["title"] = "Renamed";
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    changed.clear();
    QTRY_VERIFY_WITH_TIMEOUT(!model.isHighlighted(QStringLiteral("T-7")), 5000);
    QVERIFY(changed.size() >= 2);
    QSet<int> repainted;
    for (const QList<QVariant> &signal : std::as_const(changed)) {
        const auto first = signal.at(0).value<QModelIndex>();
        const auto last = signal.at(1).value<QModelIndex>();
        QCOMPARE(signal.at(2).value<QList<int>>(), QList<int>{Qt::BackgroundRole});
        QCOMPARE(first.column(), 0);
        QCOMPARE(last.column(), model.columnCount() - 1);
        for (int row = first.row(); row <= last.row(); ++row)
            repainted.insert(row);
        QVERIFY2(last.row() - first.row() <= 1, "one range per run of adjacent rows");
    }
    QCOMPARE(repainted, (QSet<int>{1, 2, 7}));
}

void tst_TaskModel::gateFollowsTheChecklistAlone()
{
    // The task's own JSON never changes here: only the checklist item that covers it does.
    Json manifest = withTasks({taskJson("T-1", "review"), taskJson("T-2", "review")});
    for (Json &task : manifest["tasks"])
        task["validationGate"] = {{"required", true}, {"stepIds", Json::array({"V-1"})}};
    manifest["validationStrategy"]["steps"] = Json::array({{{"id", "V-1"},
                                                            {"concern", "custom"},
                                                            {"scope", "per_worker"},
                                                            {"required", true},
                                                            {"prompt", "check"}}});
    const auto item = [](const std::string &task, const std::string &status) {
        return Json{{"id", "C-" + task},
                    {"stepId", "V-1"},
                    {"taskId", task},
                    {"latestRunId", "r-" + task},
                    {"runs", Json::array({{{"id", "r-" + task}, {"status", status}}})}};
    };
    manifest["validationStrategy"]["checklist"]
        = Json::array({item("T-1", "running"), item("T-2", "passed")});
    TaskModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    QCOMPARE(model.index(0, TaskModel::Gate).data().toString(), QStringLiteral("open"));
    QCOMPARE(model.index(1, TaskModel::Gate).data().toString(), QStringLiteral("satisfied"));
    ModelSpies spies(&model);

    manifest["validationStrategy"]["checklist"][0]["runs"][0]["status"] = "passed";
    model.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    QCOMPARE(model.index(0, TaskModel::Gate).data().toString(), QStringLiteral("satisfied"));
    QCOMPARE(spies.changed.count(), 1);
    QCOMPARE(spies.changed.constFirst().at(0).value<QModelIndex>(),
             model.index(0, TaskModel::Gate));
    QCOMPARE(spies.changed.constFirst().at(1).value<QModelIndex>(),
             model.index(0, TaskModel::Gate));

    // An item without a taskId covers every task of a per_step step: a change to it re-judges
    // them all.
    manifest["validationStrategy"]["steps"][0]["scope"] = "per_step";
    manifest["validationStrategy"]["checklist"].push_back(
        {{"id", "C-all"},
         {"stepId", "V-1"},
         {"latestRunId", "r-all"},
         {"runs", Json::array({{{"id", "r-all"}, {"status", "failed"}}})}});
    model.setSnapshot(snapshotOf(manifest, 3), fixedNow());
    QCOMPARE(model.index(0, TaskModel::Gate).data().toString(), QStringLiteral("open"));
    QCOMPARE(model.index(1, TaskModel::Gate).data().toString(), QStringLiteral("open"));
}

void tst_TaskModel::countsFollowTheRows()
{
    TaskModel model;
    Json manifest = withTasks(
        {taskJson("T-1", "pending"), taskJson("T-2", "done"), taskJson("T-3", "pending")});
    const auto expected = [&] {
        return Manifest(std::make_shared<const Json>(manifest)).taskCountsByStatus();
    };
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    QCOMPARE(model.statusCounts(), expected());
    manifest["tasks"][0]["status"] = "done"; // a change in place
    model.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    QCOMPARE(model.statusCounts(), expected());
    manifest["tasks"].erase(1); // a removal
    manifest["tasks"].push_back(taskJson("T-4", "failed"));
    manifest["tasks"][0].erase("status"); // no status at all counts as ""
    model.setSnapshot(snapshotOf(manifest, 3), fixedNow());
    QCOMPARE(model.statusCounts(), expected());
    QCOMPARE(model.statusCounts().value(QString()), 1);
    model.clear();
    QVERIFY(model.statusCounts().isEmpty());
}

void tst_TaskModel::heartbeatsOnlySnapshotChangesNothing()
{
    TaskModel model;
    const Snapshot snapshot = snapshotOf(withTasks({taskJson("T-1", "pending")}), 1);
    model.setSnapshot(snapshot, fixedNow());
    ModelSpies spies(&model);
    model.setSnapshot(snapshot.withHeartbeats(Json{{"S-lead", "2026-07-22T10:00:00.000Z"}}, 2),
                      fixedNow());
    QCOMPARE(spies.changed.count() + spies.inserted.count() + spies.removed.count()
                 + spies.layout.count() + spies.reset.count(),
             0);
    QCOMPARE(model.taskForKey(QStringLiteral("T-1"))->status, QStringLiteral("pending"));
    QVERIFY(!model.taskForKey(QStringLiteral("T-9")));
}

void tst_TaskModel::manyChangesAtOnceMatchOneByOne()
{
    // Over the threshold the tasks are parsed in one go; the rows must be the same.
    Json manifest = withTasks({});
    for (int i = 1; i <= 150; ++i)
        manifest["tasks"].push_back(taskJson("T-" + std::to_string(i), "pending"));
    TaskModel many;
    QAbstractItemModelTester tester(&many, QAbstractItemModelTester::FailureReportingMode::Fatal);
    many.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    for (int i = 0; i < 150; i += 2)
        manifest["tasks"][std::size_t(i)]["status"] = "done";
    ModelSpies spies(&many);
    many.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.changed.count(), 75); // every other row: no neighbours to merge

    TaskModel fresh;
    fresh.setSnapshot(snapshotOf(manifest, 2), fixedNow());
    for (int row = 0; row < 150; ++row) {
        for (int column = 0; column < TaskModel::ColumnCount; ++column) {
            QCOMPARE(many.index(row, column).data(), fresh.index(row, column).data());
            QCOMPARE(many.index(row, column).data(Qt::ToolTipRole),
                     fresh.index(row, column).data(Qt::ToolTipRole));
        }
    }
}

namespace {

// Every cell of two models, display and tooltip, with the position of the first difference.
void compareCells(const TaskModel &model, const TaskModel &expected, int step)
{
    QCOMPARE(model.rowCount(), expected.rowCount());
    for (int row = 0; row < expected.rowCount(); ++row) {
        for (int column = 0; column < TaskModel::ColumnCount; ++column) {
            for (const int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)}) {
                const QVariant got = model.index(row, column).data(role);
                const QVariant want = expected.index(row, column).data(role);
                if (got != want) {
                    QFAIL(qPrintable(QStringLiteral("step %1, row %2, column %3: %4 instead of %5")
                                         .arg(step)
                                         .arg(row)
                                         .arg(column)
                                         .arg(got.toString(), want.toString())));
                }
            }
        }
    }
}

} // namespace

void tst_TaskModel::describedChangesGiveTheRowsOfAFreshModel()
{
    // A model fed snapshots that say what changed (as the service's do) updates only those
    // tasks; after every random step its rows must equal a model filled from scratch.
    Json manifest = withTasks({});
    for (int i = 1; i <= 40; ++i) {
        Json task = taskJson("T-" + std::to_string(i), "pending");
        if (i % 3 == 0)
            task["validationGate"] = {{"required", true}, {"stepIds", Json::array({"V-1"})}};
        manifest["tasks"].push_back(task);
    }
    manifest["validationStrategy"]["steps"] = Json::array({oneRequiredStep()});
    manifest["validationStrategy"]["checklist"] = Json::array();

    TaskModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Snapshot shown = snapshotOf(manifest, 1);
    model.setSnapshot(shown, fixedNow());
    QRandomGenerator random(20261204);
    int nextId = 41;
    for (int step = 0; step < 300; ++step) {
        Json &tasks = manifest["tasks"];
        const std::size_t count = tasks.size();
        const std::size_t at = count ? random.bounded(quint32(count)) : 0;
        switch (random.bounded(8)) {
        case 0: // a status, the common case
            if (count && tasks[at].is_object())
                tasks[at]["status"] = random.bounded(2) ? "done" : "in_progress";
            break;
        case 1: // a title of two tasks at once
            if (count > 1 && tasks[at].is_object() && tasks[count - 1].is_object()) {
                tasks[at]["title"] = "Title " + std::to_string(step);
                tasks[count - 1]["title"] = "Other " + std::to_string(step);
            }
            break;
        case 2: { // a gate satisfied or reopened by the checklist alone
            const std::string id = "T-" + std::to_string(3 * (1 + random.bounded(13)));
            Json run = {{"id", "run-" + std::to_string(step)},
                        {"runBySessionId", "S-v"},
                        {"status", random.bounded(2) ? "passed" : "failed"},
                        {"startedAt", "2026-07-22T09:00:00.000Z"}};
            manifest["validationStrategy"]["checklist"].push_back(
                {{"id", "C-" + std::to_string(step)},
                 {"stepId", "V-1"},
                 {"taskId", id},
                 {"latestRunId", run["id"]},
                 {"runs", Json::array({run})}});
            break;
        }
        case 3: // a task added
            tasks.push_back(taskJson("T-" + std::to_string(nextId++), "pending"));
            break;
        case 4: // a task removed
            if (count)
                tasks.erase(at);
            break;
        case 5: // two tasks swapped
            if (count > 1)
                std::swap(tasks[at], tasks[count - 1 - at]);
            break;
        case 6: // an entry that is no task (skipped by the rows), then an object again
            if (count)
                tasks[at] = tasks[at].is_object() ? Json(42) : taskJson("T-x", "pending");
            break;
        default: // nothing but the bookkeeping
            manifest["serverGeneration"] = step;
            break;
        }
        Snapshot next = nextSnapshotOf(shown, manifest, quint64(step + 2));
        QVERIFY(next.changes().isRelativeTo(shown.sharedDocument()));
        model.setSnapshot(next, fixedNow());
        shown = next;

        TaskModel fresh;
        fresh.setSnapshot(snapshotOf(manifest, 1), fixedNow());
        compareCells(model, fresh, step);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(model.statusCounts(), fresh.statusCounts());
    }
}

void tst_TaskModel::describedChangesTouchOnlyTheChangedRow()
{
    Json manifest = withTasks({});
    for (int i = 1; i <= 200; ++i)
        manifest["tasks"].push_back(taskJson("T-" + std::to_string(i), "pending"));
    TaskModel model;
    const Snapshot first = snapshotOf(manifest, 1);
    model.setSnapshot(first, fixedNow());
    manifest["tasks"][120]["status"] = "done";
    const Snapshot second = nextSnapshotOf(first, manifest, 2);
    QCOMPARE(*second.changes().changedElements("tasks"), std::vector<std::size_t>{120});

    ModelSpies spies(&model);
    model.setSnapshot(second, fixedNow());
    QCOMPARE(spies.changed.count(), 1);
    QCOMPARE(spies.changed.constFirst().at(0).value<QModelIndex>().row(), 120);
    QCOMPARE(model.index(120, TaskModel::Status).data().toString(), QStringLiteral("done"));

    // Changes relative to another document (an equal copy) are not trusted: the model compares.
    manifest["tasks"][7]["status"] = "done";
    const Snapshot unrelated = nextSnapshotOf(snapshotOf(manifest, 9), manifest, 3);
    QVERIFY(!unrelated.changes().isRelativeTo(second.sharedDocument()));
    spies.clear();
    model.setSnapshot(unrelated, fixedNow());
    QCOMPARE(spies.changed.count(), 1);
    QCOMPARE(model.index(7, TaskModel::Status).data().toString(), QStringLiteral("done"));
}

QTEST_MAIN(tst_TaskModel)
#include "tst_taskmodel.moc"
