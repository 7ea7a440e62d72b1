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
