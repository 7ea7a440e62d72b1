// SPDX-License-Identifier: MIT
// EventLogModel: newest first, one insert per event, heartbeat-only updates are not events.

#include "eventlogmodel.h"
#include "uitestutil.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace runboard;
using namespace runboard::test;

class tst_EventLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newestFirst();
    void heartbeatOnlyUpdatesAreNotEvents();
    void conflictsAndLifecycle();
    void externalChangesSayWhoAndWhatInWords();
    void capped();
};

void tst_EventLogModel::newestFirst()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ModelSpies spies(&model);
    model.setSnapshot(snapshotOf(TempBundle::minimalManifest(QStringLiteral("R-1"), 1), 1,
                                 Snapshot::Source::Initial),
                      fixedNow());
    model.setSnapshot(snapshotOf(TempBundle::minimalManifest(QStringLiteral("R-1"), 2), 2,
                                 Snapshot::Source::External),
                      fixedNow());
    model.setSnapshot(snapshotOf(TempBundle::minimalManifest(QStringLiteral("R-1"), 3), 3,
                                 Snapshot::Source::Self),
                      fixedNow());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(spies.inserted.count(), 3);
    for (const QList<QVariant> &args : std::as_const(spies.inserted)) {
        QCOMPARE(args.at(1).toInt(), 0);
        QCOMPARE(args.at(2).toInt(), 0);
    }
    QCOMPARE(model.index(0, EventLogModel::Kind).data().toString(), QStringLiteral("your patch"));
    QCOMPARE(model.index(1, EventLogModel::Kind).data().toString(),
             QStringLiteral("external change"));
    QCOMPARE(model.index(2, EventLogModel::Kind).data().toString(), QStringLiteral("opened"));
    QVERIFY(model.index(1, EventLogModel::Detail)
                .data()
                .toString()
                .contains(QStringLiteral("generation 2")));
    QCOMPARE(spies.reset.count(), 0);
}

void tst_EventLogModel::heartbeatOnlyUpdatesAreNotEvents()
{
    EventLogModel model;
    const Snapshot first = snapshotOf(TempBundle::minimalManifest(QStringLiteral("R-1"), 1), 1);
    model.setSnapshot(first, fixedNow());
    model.setSnapshot(first.withHeartbeats(Json{{"S-lead", "2026-07-22T10:00:00.000Z"}}, 2),
                      fixedNow());
    QCOMPARE(model.rowCount(), 1);
}

void tst_EventLogModel::conflictsAndLifecycle()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.addEvent({fixedNow(), EventLogModel::EventKind::Conflict,
                    QStringLiteral("etag_conflict: etag moved on"), QString(), QString()});
    model.addLifecycle(ManifestService::Lifecycle::Suspended, QStringLiteral("another run"),
                       fixedNow());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, EventLogModel::Kind).data().toString(), QStringLiteral("conflict"));
    QVERIFY(model.index(1, EventLogModel::Detail)
                .data()
                .toString()
                .contains(QStringLiteral("etag_conflict")));
    QCOMPARE(model.index(0, EventLogModel::Kind).data().toString(), QStringLiteral("lifecycle"));
    QVERIFY(model.index(0, EventLogModel::Detail)
                .data()
                .toString()
                .startsWith(QStringLiteral("suspended")));
    QVERIFY(model.index(1, EventLogModel::Kind).data(Qt::ForegroundRole).isValid());
}

void tst_EventLogModel::externalChangesSayWhoAndWhatInWords()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Json manifest = TempBundle::minimalManifest(QStringLiteral("R-1"), 2);
    manifest["history"].push_back({{"etag", manifest["etag"]},
                                   {"at", "2026-07-22T09:59:00.000Z"},
                                   {"summary", "patch"},
                                   {"patchKindSummary", "user:ana@box: T-3 status → done"}});
    model.setSnapshot(snapshotOf(manifest, 1), fixedNow());
    const QString etag = QString::fromStdString(manifest["etag"].get<std::string>());
    QCOMPARE(model.eventAt(0).etag, etag);
    QVERIFY2(model.eventAt(0).detail.endsWith(QStringLiteral(": patch by user:ana@box")),
             qPrintable(model.eventAt(0).detail));

    // The words arrive later, from the History tab's job: the row says them, once.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.describeChange(etag, QStringLiteral("T-3 status → done"),
                         QStringLiteral("T-3: status review → done"));
    QCOMPARE(changed.count(), 1);
    QVERIFY(model.eventAt(0).detail.endsWith(QStringLiteral(" — T-3 status → done")));
    QCOMPARE(model.eventAt(0).toolTip, QStringLiteral("T-3: status review → done"));
    model.describeChange(etag, QStringLiteral("T-3 status → done"),
                         QStringLiteral("T-3: status review → done"));
    QCOMPARE(changed.count(), 1);
    // Another version's words, or none, change nothing.
    model.describeChange(QStringLiteral("g9-other"), QStringLiteral("T-1 added"), QString());
    model.describeChange(etag, QString(), QString());
    QCOMPARE(changed.count(), 1);
}

void tst_EventLogModel::capped()
{
    EventLogModel model;
    for (int i = 0; i < EventLogModel::kMaxEvents + 5; ++i)
        model.addEvent({fixedNow().addSecs(i),
                        EventLogModel::EventKind::Lifecycle,
                        QString::number(i),
                        {},
                        {}});
    QCOMPARE(model.rowCount(), EventLogModel::kMaxEvents);
    QCOMPARE(model.index(0, EventLogModel::Detail).data().toString(),
             QString::number(EventLogModel::kMaxEvents + 4));
}

QTEST_MAIN(tst_EventLogModel)
#include "tst_eventlogmodel.moc"
