// SPDX-License-Identifier: MIT
// The temporary-bundle helper every service test builds on.

#include "tempbundle.h"
#include "testpaths.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

using namespace runboard;
using namespace runboard::test;

class tst_TempBundle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void layoutFollowsAdeBundleFormat();
    void filesRoundTrip();
    void removedWithItsObject();
    void copiesTheAdeFixture();
    void minimalManifestIsV1();
};

void tst_TempBundle::layoutFollowsAdeBundleFormat()
{
    TempBundle bundle(QStringLiteral("R-20260101000000-abcdef"));
    QVERIFY(bundle.isValid());
    QCOMPARE(bundle.bundlePath(),
             bundle.worktreePath() + QStringLiteral("/.ade/orchestration/R-20260101000000-abcdef"));
    QVERIFY(QFileInfo(bundle.bundlePath()).isDir());
    QCOMPARE(bundle.manifestPath(), bundle.bundlePath() + QStringLiteral("/manifest.json"));
}

void tst_TempBundle::filesRoundTrip()
{
    TempBundle bundle;
    QVERIFY(bundle.writeFile(QStringLiteral(".gen"), "7\n"));
    QCOMPARE(bundle.readFile(QStringLiteral(".gen")), QByteArray("7\n"));
    QVERIFY(bundle.writeFile(QStringLiteral(".gen"), "8\n"));
    QCOMPARE(bundle.readFile(QStringLiteral(".gen")), QByteArray("8\n"));
    QCOMPARE(bundle.readFile(QStringLiteral("absent")), QByteArray());
}

void tst_TempBundle::removedWithItsObject()
{
    QString worktree;
    {
        TempBundle bundle;
        QVERIFY(bundle.writeFile(QStringLiteral("manifest.json"), "{}"));
        worktree = bundle.worktreePath();
        QVERIFY(QDir(worktree).exists());
    }
    QVERIFY(!QDir(worktree).exists());
}

void tst_TempBundle::copiesTheAdeFixture()
{
    const QString fixture = adeFixtureWorktree();
    QVERIFY2(!fixture.isEmpty(), "tests/data/ade-worktree is missing");
    TempBundle bundle = TempBundle::copyOfWorktree(fixture);
    QVERIFY(bundle.isValid());
    QCOMPARE(bundle.runId(), QStringLiteral("R-20261124105356-945f51"));
    QFile original(fixture + QStringLiteral("/.ade/orchestration/") + bundle.runId()
                   + QStringLiteral("/manifest.json"));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), original.readAll());
    // The copy is writable even though the fixture is read-only.
    QVERIFY(bundle.writeFile(QStringLiteral("heartbeats.json"), "{}\n"));
}

void tst_TempBundle::minimalManifestIsV1()
{
    const Json m = TempBundle::minimalManifest(QStringLiteral("R-x"), 3);
    QCOMPARE(m.at("version").get<int>(), 1);
    QCOMPARE(m.at("runId").get<std::string>(), std::string("R-x"));
    QCOMPARE(m.at("serverGeneration").get<int>(), 3);
    QCOMPARE(m.at("etag").get<std::string>(), std::string("g3-0a1b2c3d"));
    QCOMPARE(m.at("agents").size(), std::size_t(1));
    QCOMPARE(m.at("phases").size(), std::size_t(4));
    QVERIFY(jsonEqual(m.at("history").back().at("etag"), m.at("etag")));
}

QTEST_GUILESS_MAIN(tst_TempBundle)
#include "tst_tempbundle.moc"
