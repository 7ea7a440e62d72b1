// SPDX-License-Identifier: MIT
// HistoryModel: the ring grows at the bottom and drops at the top, keyed by etag.

#include "historymodel.h"
#include "uitestutil.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace runboard;
using namespace runboard::test;

namespace {

Json historyEntry(int generation, const std::string &kinds = "/tasks/{id:T-1}/status×1")
{
    return {
        {"etag", "g" + std::to_string(generation) + "-0000000" + std::to_string(generation % 10)},
        {"at", "2026-07-22T09:00:" + std::string(generation < 10 ? "0" : "")
                   + std::to_string(generation) + ".000Z"},
        {"summary", "patch"},
        {"patchKindSummary", kinds}};
}

Json withHistory(int first, int last)
{
    Json manifest = TempBundle::minimalManifest(QStringLiteral("R-1"));
    manifest["history"] = Json::array();
    for (int g = first; g <= last; ++g)
        manifest["history"].push_back(historyEntry(g));
    return manifest;
}

} // namespace

class tst_HistoryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ringMovesByInsertAndRemove();
    void longKindsAreShortenedWithATooltip();
    void sortsByTime();
    void wordsReplaceTheRecordedKindsAndFollowTheRing();
};

void tst_HistoryModel::ringMovesByInsertAndRemove()
{
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(snapshotOf(withHistory(1, 3), 1));
    QCOMPARE(model.rowCount(), 3);
    const QPersistentModelIndex newest = model.index(2, 0);
    ModelSpies spies(&model);
    model.setSnapshot(snapshotOf(withHistory(2, 4), 2));
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.removed.count(), 1);
    QCOMPARE(spies.inserted.count(), 1);
    QCOMPARE(spies.changed.count(), 0);
    QCOMPARE(newest.row(), 1);
    QCOMPARE(model.index(2, HistoryModel::Etag).data().toString(), QStringLiteral("g4-00000004"));
}

void tst_HistoryModel::longKindsAreShortenedWithATooltip()
{
    Json manifest = withHistory(1, 1);
    std::string kinds;
    for (int i = 0; i < 10; ++i)
        kinds += (i ? "," : "") + std::string("/tasks/{id:T-") + std::to_string(i) + "}/status×1";
    manifest["history"][0]["patchKindSummary"] = kinds;
    HistoryModel model;
    model.setSnapshot(snapshotOf(manifest, 1));
    const QString shown = model.index(0, HistoryModel::Kinds).data().toString();
    QCOMPARE(shown.size(), HistoryModel::kKindsDisplayLength);
    const QString tip = model.index(0, HistoryModel::Kinds).data(Qt::ToolTipRole).toString();
    QCOMPARE(tip.count(QLatin1Char('\n')), 9);
}

void tst_HistoryModel::sortsByTime()
{
    HistoryModel model;
    model.setSnapshot(snapshotOf(withHistory(1, 2), 1));
    QVERIFY(model.index(0, HistoryModel::At).data(RowModel::SortRole).toLongLong()
            < model.index(1, HistoryModel::At).data(RowModel::SortRole).toLongLong());
    QVERIFY(model.index(0, HistoryModel::At)
                .data(Qt::ToolTipRole)
                .toString()
                .startsWith(QStringLiteral("2026-07-22T09:00:01")));
}

void tst_HistoryModel::wordsReplaceTheRecordedKindsAndFollowTheRing()
{
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(snapshotOf(withHistory(1, 3), 1));
    ModelSpies spies(&model);
    model.setWords(QStringLiteral("g3-00000003"), QStringLiteral("T-1 status → done"));
    QCOMPARE(spies.changed.count(), 1);
    const QModelIndex kinds = model.index(2, HistoryModel::Kinds);
    QCOMPARE(kinds.data().toString(), QStringLiteral("T-1 status → done"));
    QVERIFY(kinds.data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("/tasks/{id:T-1}/status×1")));
    QCOMPARE(kinds.data(RowModel::SortRole).toString(), QStringLiteral("/tasks/{id:T-1}/status×1"));

    // The words stay through the next snapshot, and go with the entry when the ring drops it;
    // words for an etag not in the ring are not kept.
    model.setWords(QStringLiteral("g9-00000009"), QStringLiteral("T-9 added"));
    model.setSnapshot(snapshotOf(withHistory(2, 4), 2));
    QCOMPARE(model.index(1, HistoryModel::Kinds).data().toString(),
             QStringLiteral("T-1 status → done"));
    model.setSnapshot(snapshotOf(withHistory(4, 9), 3));
    QCOMPARE(model.index(5, HistoryModel::Kinds).data().toString(),
             QStringLiteral("/tasks/{id:T-1}/status×1"));
}

QTEST_MAIN(tst_HistoryModel)
#include "tst_historymodel.moc"
