// SPDX-License-Identifier: MIT
// TaskModel: incremental updates keyed by task id, gate and lease columns, model consistency.

#include "taskmodel.h"
#include "uitestutil.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
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
    manifest["validationStrategy"]["steps"] = Json::array({{{"id", "V-1"},
                                                            {"concern", "custom"},
                                                            {"scope", "per_worker"},
                                                            {"required", true},
                                                            {"prompt", "check"},
                                                            {"evidenceRequired", Json::array()}}});
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

QTEST_MAIN(tst_TaskModel)
#include "tst_taskmodel.moc"
