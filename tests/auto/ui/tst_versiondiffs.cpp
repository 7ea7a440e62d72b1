// SPDX-License-Identifier: MIT
// VersionDiffs: what changed between two versions Runboard saw, computed off the GUI thread,
// readable, without the bookkeeping every commit carries.

#include "uitestutil.h"
#include "versiondiffs.h"

#include <QTest>

using namespace runboard;
using namespace runboard::test;

namespace {

Json version(int generation)
{
    Json manifest = TempBundle::minimalManifest(QStringLiteral("R-1"), generation);
    manifest["tasks"] = Json::array({taskJson("T-1", "pending"), taskJson("T-2", "pending")});
    manifest["history"] = Json::array();
    return manifest;
}

} // namespace

class tst_VersionDiffs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describesTheChangesBetweenTwoVersions();
    void theSameDocumentIsNotCompared();
    void clearForgetsEverything();
    void describedChangesGiveTheTextOfTheWholeDiff_data();
    void describedChangesGiveTheTextOfTheWholeDiff();
};

void tst_VersionDiffs::describesTheChangesBetweenTwoVersions()
{
    VersionDiffs diffs;
    QSignalSpy ready(&diffs, &VersionDiffs::diffReady);
    const Json before = version(1);
    Json after = version(2);
    after["tasks"][0]["status"] = "done";
    after["tasks"][1].erase("description");
    after["tasks"].push_back(taskJson("T-3", "pending", "New"));
    after["history"].push_back({{"etag", "g2-0a1b2c3d"}, {"summary", "patch"}});
    after["updatedAt"] = "2026-07-22T09:31:00.000Z";

    const Snapshot first = snapshotOf(before, 1);
    const Snapshot second = snapshotOf(after, 2);
    diffs.addVersion(Snapshot(), first);
    diffs.addVersion(first, second);
    QVERIFY(ready.wait());
    QCOMPARE(ready.constFirst().at(0).toString(), QStringLiteral("g1-0a1b2c3d"));
    QCOMPARE(ready.constFirst().at(1).toString(), QStringLiteral("g2-0a1b2c3d"));
    QVERIFY(diffs.hasDiff(QStringLiteral("g1-0a1b2c3d"), QStringLiteral("g2-0a1b2c3d")));
    QCOMPARE(diffs.seenBefore(QStringLiteral("g2-0a1b2c3d")), QStringLiteral("g1-0a1b2c3d"));
    QCOMPARE(diffs.seenEtags(),
             QStringList({QStringLiteral("g1-0a1b2c3d"), QStringLiteral("g2-0a1b2c3d")}));

    const QStringList lines
        = diffs.diffText(QStringLiteral("g1-0a1b2c3d"), QStringLiteral("g2-0a1b2c3d"))
              .split(QLatin1Char('\n'));
    // In the words of the conflict dialog and `diff --words`, one sentence per thing changed.
    QCOMPARE(lines,
             QStringList({QStringLiteral("T-1: status pending → done"),
                          QStringLiteral("T-2: description 'Do it' → (none)"),
                          QStringLiteral("T-3: added"),
                          QStringLiteral("(and the commit's own record: etag, serverGeneration, "
                                         "updatedAt, history)")}));
    QCOMPARE(diffs.diffSummary(QStringLiteral("g1-0a1b2c3d"), QStringLiteral("g2-0a1b2c3d")),
             QStringLiteral("T-1 status → done; T-2 description → (none); T-3 added"));
    QVERIFY(lines.constLast().contains(QStringLiteral("the commit's own record")));
}

void tst_VersionDiffs::theSameDocumentIsNotCompared()
{
    VersionDiffs diffs;
    const Snapshot first = snapshotOf(version(1), 1);
    const Snapshot heartbeat = first.withHeartbeats(Json{{"S-lead", "2026-07-22T09:59:00Z"}}, 2);
    diffs.addVersion(Snapshot(), first);
    diffs.addVersion(first, heartbeat); // same document: nothing to compare
    QCOMPARE(diffs.seenEtags(), QStringList({QStringLiteral("g1-0a1b2c3d")}));
    QVERIFY(!diffs.hasDiff(QStringLiteral("g1-0a1b2c3d"), QStringLiteral("g1-0a1b2c3d")));
    QVERIFY(diffs.seenBefore(QStringLiteral("g1-0a1b2c3d")).isEmpty());
}

void tst_VersionDiffs::clearForgetsEverything()
{
    VersionDiffs diffs;
    QSignalSpy ready(&diffs, &VersionDiffs::diffReady);
    const Snapshot first = snapshotOf(version(1), 1);
    Json changed = version(2);
    changed["title"] = "Other";
    diffs.addVersion(Snapshot(), first);
    diffs.addVersion(first, snapshotOf(changed, 2));
    QVERIFY(ready.wait());
    diffs.clear();
    QVERIFY(!diffs.hasDiff(QStringLiteral("g1-0a1b2c3d"), QStringLiteral("g2-0a1b2c3d")));
    QVERIFY(diffs.seenEtags().isEmpty());
    QVERIFY(diffs.seenBefore(QStringLiteral("g2-0a1b2c3d")).isEmpty());
}

void tst_VersionDiffs::describedChangesGiveTheTextOfTheWholeDiff_data()
{
    QTest::addColumn<int>("edit");
    QTest::newRow("one status") << 0;
    QTest::newRow("a field removed and a title") << 1;
    QTest::newRow("a task appended") << 2;
    QTest::newRow("a member added and one removed") << 3;
    QTest::newRow("duplicate ids: by index") << 4;
    QTest::newRow("tasks swapped") << 5;
}

void tst_VersionDiffs::describedChangesGiveTheTextOfTheWholeDiff()
{
    // The job diffs only what the snapshot says changed; the text must be that of the whole.
    QFETCH(int, edit);
    Json before = version(1);
    for (int i = 3; i <= 30; ++i)
        before["tasks"].push_back(taskJson("T-" + std::to_string(i), "pending"));
    if (edit == 4)
        before["tasks"][5]["id"] = "T-1";
    Json after = before;
    after["etag"] = "g2-0a1b2c3d";
    after["history"].push_back({{"etag", "g2-0a1b2c3d"}, {"summary", "patch"}});
    switch (edit) {
    case 0:
        after["tasks"][20]["status"] = "done";
        break;
    case 1:
        after["tasks"][1].erase("description");
        after["tasks"][7]["title"] = "Renamed";
        break;
    case 2:
        after["tasks"].push_back(taskJson("T-99", "pending", "New"));
        break;
    case 3:
        after["plan"] = {{"approved", true}};
        after.erase("title");
        break;
    case 4:
        after["tasks"][5]["status"] = "done";
        break;
    default:
        std::swap(after["tasks"][2], after["tasks"][9]);
        break;
    }
    const auto textOf = [](const Snapshot &first, const Snapshot &second) {
        VersionDiffs diffs;
        QSignalSpy ready(&diffs, &VersionDiffs::diffReady);
        diffs.addVersion(Snapshot(), first);
        diffs.addVersion(first, second);
        if (!ready.wait())
            return QStringLiteral("(no diff)");
        return diffs.diffText(first.etag(), second.etag());
    };
    const Snapshot first = snapshotOf(before, 1);
    const Snapshot described = nextSnapshotOf(first, after, 2);
    QVERIFY(described.changes().isRelativeTo(first.sharedDocument()));
    const QString whole = textOf(first, snapshotOf(after, 2));
    QVERIFY(!whole.isEmpty());
    QCOMPARE(textOf(first, described), whole);
}

QTEST_MAIN(tst_VersionDiffs)
#include "tst_versiondiffs.moc"
