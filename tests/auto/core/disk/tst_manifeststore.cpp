// SPDX-License-Identifier: MIT
// ManifestStore: the commit protocol on real files. Every refusal leaves manifest.json byte for
// byte as it was; every write is one ADE would accept as its own.

#include "bundlelock.h"
#include "jsondiff.h"
#include "jsonwriter.h"
#include "manifeststore.h"
#include "resultcheck.h"
#include "tempbundle.h"
#include "testpaths.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace runboard;
using namespace runboard::test;

namespace {

const QDateTime kNow = QDateTime::fromMSecsSinceEpoch(1784712615123LL, Qt::UTC);

Clock fixedClock()
{
    return [] {
        return kNow;
    };
}

ManifestStore storeFor(const TempBundle &bundle)
{
    Result<BundleLocation> location = ManifestStore::locate(bundle.bundlePath());
    return ManifestStore(location.isOk() ? location.value() : BundleLocation{}, fixedClock());
}

ManifestStore::PatchRequest request(const QString &etag, const char *ops,
                                    ActorRole role = ActorRole::Lead,
                                    const QString &session = QStringLiteral("S-lead"))
{
    ManifestStore::PatchRequest r;
    r.ifMatchEtag = etag;
    r.operations = Json::parse(ops);
    r.actor = Actor{role, session};
    return r;
}

QString etagOf(const Json &manifest)
{
    return QString::fromStdString(manifest.at("etag").get<std::string>());
}

} // namespace

class tst_ManifestStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void locatesARunFolderOrItsManifest_data();
    void locatesARunFolderOrItsManifest();
    void readsTheRunWrittenByAde();
    void aPatchToAdeOutputChangesOnlyWhatItShould();
    void writesWhatAdeWrites();
    void keepsAHistoryRingOfFifty();
    void refusesAStaleEtag();
    void refusesWhenTheDiskAdvancedSinceLoading();
    void refusesAHandEditItHasNotSeen();
    void aRebaseIsJudgedUnderTheLock_data();
    void aRebaseIsJudgedUnderTheLock();
    void generationsNeverGoBackwards();
    void refusals_data();
    void refusals();
    void refusesWhileAnotherRunboardHoldsTheLock();
    void anEmptyPatchWritesNothing();
    void aPatchOfTestsOnlyWritesNothing_data();
    void aPatchOfTestsOnlyWritesNothing();
    void aLongLivedStoreKeepsTheIndexCurrent();
    void theCacheNeverStandsInForTheDisk();
    void aDraftMadeBeforeTheLockIsDroppedWhenTheDiskMoved();
    void versionsHandedOutNeverChange();
    void theStoreOwnsNamedThreads();
    void heartbeatsNeverTouchTheManifest();
    void heartbeatForAnUnknownAgent();
    void removesOnlyTempFilesOfDeadWriters_data();
    void removesOnlyTempFilesOfDeadWriters();
    void summarisesOperationsAsAdeDoes_data();
    void summarisesOperationsAsAdeDoes();
};

void tst_ManifestStore::locatesARunFolderOrItsManifest_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<bool>("found");
    QTest::newRow("run folder") << QString() << true;
    QTest::newRow("manifest.json") << QStringLiteral("/manifest.json") << true;
    QTest::newRow("another file") << QStringLiteral("/plan.md") << false;
    QTest::newRow("missing path") << QStringLiteral("/nope") << false;
}

void tst_ManifestStore::locatesARunFolderOrItsManifest()
{
    QFETCH(QString, suffix);
    QFETCH(bool, found);
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    bundle.writeFile(QStringLiteral("plan.md"), "# plan\n");
    const Result<BundleLocation> location = ManifestStore::locate(bundle.bundlePath() + suffix);
    QCOMPARE(location.isOk(), found);
    if (found) {
        QCOMPARE(location->bundlePath, bundle.bundlePath());
        QCOMPARE(location->manifestPath, bundle.manifestPath());
        QCOMPARE(location->runId, bundle.runId());
    } else {
        QCOMPARE(location.error().code, ErrorCode::NotFound);
        QVERIFY(location.error().message.contains(bundle.bundlePath()));
    }
}

void tst_ManifestStore::readsTheRunWrittenByAde()
{
    const QString fixture = adeFixtureWorktree();
    QVERIFY2(!fixture.isEmpty(), "tests/data/ade-worktree is missing");
    TempBundle bundle = TempBundle::copyOfWorktree(fixture);
    ManifestStore store = storeFor(bundle);
    const Result<ManifestStore::Loaded> loaded = store.load();
    RUNBOARD_VERIFY_OK(loaded);
    QCOMPARE(loaded->file.bytes, bundle.readFile(QStringLiteral("manifest.json")));
    const Json &doc = *loaded->document;
    QCOMPARE(doc.at("runId").get<std::string>(), bundle.runId().toStdString());
    QCOMPARE(doc.at("agents").size(), std::size_t(3));
    QCOMPARE(doc.at("tasks").size(), std::size_t(3));
    QCOMPARE(doc.at("serverGeneration").get<int>(), 6);
    const Result<Json> heartbeats = store.readHeartbeats();
    RUNBOARD_VERIFY_OK(heartbeats);
    QVERIFY(heartbeats->contains("S-worker-1"));
}

void tst_ManifestStore::aPatchToAdeOutputChangesOnlyWhatItShould()
{
    const QString fixture = adeFixtureWorktree();
    QVERIFY2(!fixture.isEmpty(), "tests/data/ade-worktree is missing");
    TempBundle bundle = TempBundle::copyOfWorktree(fixture);
    ManifestStore store = storeFor(bundle);
    const Json before = *store.load()->document;
    const QByteArray beforeBytes = bundle.readFile(QStringLiteral("manifest.json"));

    const auto committed
        = store.commit(request(etagOf(before), R"([{"op":"replace","path":"/tasks/{id:T-2}/title",
                                                   "value":"Password rules"}])"));
    RUNBOARD_VERIFY_OK(committed);
    QVERIFY(committed->written);
    const Json after = bundle.readManifest();

    // The effect, as a patch: the value, generation, etag, updatedAt and one history entry.
    const Json changes = jsonDiff(before, after).toJson();
    QStringList paths;
    for (const Json &op : changes)
        paths << QString::fromStdString(op.at("op").get<std::string>() + " "
                                        + op.at("path").get<std::string>());
    QCOMPARE(paths, QStringList({QStringLiteral("replace /etag"),
                                 QStringLiteral("replace /serverGeneration"),
                                 QStringLiteral("replace /updatedAt"),
                                 QStringLiteral("replace /tasks/{id:T-2}/title"),
                                 QStringLiteral("add /history/6")}));
    QCOMPARE(after.at("serverGeneration").get<int>(), 7);
    QCOMPARE(bundle.readFile(QStringLiteral(".gen")), QByteArray("7\n"));
    QVERIFY(committed->warnings.isEmpty());

    // The worktree's index follows, as ADE's does after every persist.
    QFile index(bundle.worktreePath() + QStringLiteral("/.ade/orchestration/index.json"));
    QVERIFY(index.open(QIODevice::ReadOnly));
    const Json entry = Json::parse(index.readAll().toStdString()).at("runs").back();
    QCOMPARE(entry.at("etag").get<std::string>(), after.at("etag").get<std::string>());
    QCOMPARE(entry.at("runId").get<std::string>(), bundle.runId().toStdString());

    // The bytes: every other line is untouched (key order, spacing, escapes). Counted as a
    // multiset, the lines removed are the etag, generation, updatedAt and title; the lines added
    // are their replacements, the new history entry's opening brace and four members, and one
    // more "    }," (the old last entry's close gains a comma; "    }" lines stay as many).
    QMap<QByteArray, int> lineCount;
    for (const QByteArray &line : beforeBytes.split('\n'))
        ++lineCount[line];
    int added = 0;
    for (const QByteArray &line : bundle.readFile(QStringLiteral("manifest.json")).split('\n')) {
        if (lineCount.value(line) > 0)
            --lineCount[line];
        else
            ++added;
    }
    int removed = 0;
    for (const int left : std::as_const(lineCount))
        removed += left;
    QCOMPARE(removed, 4);
    QCOMPARE(added, 10);
    QVERIFY(!bundle.readFile(QStringLiteral("manifest.json")).endsWith('\n'));
}

void tst_ManifestStore::writesWhatAdeWrites()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId(), 4));
    ManifestStore store = storeFor(bundle);
    const auto committed = store.commit(request(
        QStringLiteral("g4-0a1b2c3d"), R"([{"op":"replace","path":"/title","value":"Renamed"}])"));
    RUNBOARD_VERIFY_OK(committed);
    const Json after = bundle.readManifest();
    const QString etag = etagOf(after);
    QVERIFY2(QRegularExpression(QStringLiteral("^g5-[0-9a-f]{8}$")).match(etag).hasMatch(),
             qPrintable(etag));
    QCOMPARE(after.at("updatedAt").get<std::string>(), std::string("2026-07-22T09:30:15.123Z"));
    const Json &last = after.at("history").back();
    QCOMPARE(QString::fromStdString(last.at("etag").get<std::string>()), etag);
    QCOMPARE(last.at("summary").get<std::string>(), std::string("patch"));
    QCOMPARE(QString::fromStdString(last.at("patchKindSummary").get<std::string>()),
             QStringLiteral("/title×1"));
    const std::string text = JsonWriter::write(after);
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")),
             QByteArray(text.data(), qsizetype(text.size())));
    QCOMPARE(bundle.tempFiles(), QStringList());
}

void tst_ManifestStore::keepsAHistoryRingOfFifty()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store = storeFor(bundle);
    QString etag = QStringLiteral("g1-0a1b2c3d");
    for (int i = 0; i < 55; ++i) {
        const auto committed = store.commit(
            request(etag, R"([{"op":"replace","path":"/goalSummary","value":"step"}])"));
        RUNBOARD_VERIFY_OK(committed);
        etag = etagOf(*committed->result.document);
    }
    const Json after = bundle.readManifest();
    QCOMPARE(after.at("history").size(), std::size_t(ManifestStore::kHistoryLimit));
    QCOMPARE(QString::fromStdString(after.at("history").back().at("etag").get<std::string>()),
             etag);
    QCOMPARE(after.at("serverGeneration").get<int>(), 56);
}

void tst_ManifestStore::refusesAStaleEtag()
{
    TempBundle bundle;
    const QByteArray original = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store = storeFor(bundle);
    const auto refused = store.commit(
        request(QStringLiteral("bogus-etag"), R"([{"op":"replace","path":"/title","value":"x"}])"));
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::EtagConflict);
    QCOMPARE(refused.error().details.at("etag").get<std::string>(), std::string("g1-0a1b2c3d"));
    QCOMPARE(refused.error().details.at("serverGeneration").get<int>(), 1);
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), original);
}

void tst_ManifestStore::refusesWhenTheDiskAdvancedSinceLoading()
{
    // The seed bug (ADE PR #375): loaded, then someone else advances the file; a patch made with
    // the old etag must not overwrite theirs.
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store = storeFor(bundle);
    const QString oldEtag = etagOf(*store.load()->document);

    Json theirs = TempBundle::minimalManifest(bundle.runId(), 2);
    theirs["etag"] = "g2-external";
    theirs["title"] = "Their title";
    const QByteArray theirBytes = bundle.writeManifest(theirs);

    const auto refused
        = store.commit(request(oldEtag, R"([{"op":"replace","path":"/title","value":"Mine"}])"));
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::EtagConflict);
    QCOMPARE(refused.error().details.at("etag").get<std::string>(), std::string("g2-external"));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), theirBytes);
    QCOMPARE(bundle.tempFiles(), QStringList());
}

void tst_ManifestStore::refusesAHandEditItHasNotSeen()
{
    TempBundle bundle;
    const QByteArray seen = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store = storeFor(bundle);

    Json edited = TempBundle::minimalManifest(bundle.runId());
    edited["goalSummary"] = "Edited by hand, etag and generation kept";
    const QByteArray editedBytes = bundle.writeManifest(edited);

    ManifestStore::PatchRequest r = request(QStringLiteral("g1-0a1b2c3d"),
                                            R"([{"op":"replace","path":"/title","value":"x"}])");
    r.seenBytes = seen;
    const auto refused = store.commit(r);
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::EtagConflict);
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), editedBytes);
}

void tst_ManifestStore::aRebaseIsJudgedUnderTheLock_data()
{
    QTest::addColumn<bool>("caching");
    QTest::addColumn<bool>("clean");
    for (const bool caching : {false, true}) {
        for (const bool clean : {true, false}) {
            const QString name = QString::fromLatin1(clean ? "clean" : "refused")
                                 + QString::fromLatin1(caching ? ", caching" : ", one-shot");
            QTest::newRow(qPrintable(name)) << caching << clean;
        }
    }
}

// Auto-rebase: a request that may go onto a newer version asks for the verdict with the lock
// held, on exactly the version the commit then builds on; a refusal is the answer and nothing
// is written.
void tst_ManifestStore::aRebaseIsJudgedUnderTheLock()
{
    QFETCH(bool, caching);
    QFETCH(bool, clean);
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store = storeFor(bundle);
    store.setCaching(caching);
    if (caching)
        store.remember(store.load().value());
    const QString baseEtag = etagOf(*store.load()->document);

    Json theirs = TempBundle::minimalManifest(bundle.runId(), 2);
    theirs["etag"] = "g2-external";
    theirs["title"] = "Their title";
    const QByteArray theirBytes = bundle.writeManifest(theirs);

    ManifestStore::PatchRequest r
        = request(baseEtag, R"([{"op":"replace","path":"/goalSummary","value":"Mine"}])");
    int asked = 0;
    bool lockHeld = false;
    QByteArray judged;
    r.rebase = [&](const ManifestStore::Loaded &newest) -> Result<void> {
        ++asked;
        judged = newest.file.bytes;
        BundleLock other(bundle.manifestPath());
        lockHeld = !other.lock(std::chrono::milliseconds(0)).isOk();
        if (clean)
            return {};
        return Error{ErrorCode::EtagConflict, QStringLiteral("judged: not clean"), Json::object()};
    };
    const auto committed = store.commit(r);
    store.waitForChores();
    QCOMPARE(asked, 1);
    QCOMPARE(judged, theirBytes);
    QVERIFY(lockHeld);
    if (!clean) {
        QVERIFY(!committed.isOk());
        QCOMPARE(committed.error().message, QStringLiteral("judged: not clean"));
        QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), theirBytes);
        QCOMPARE(bundle.tempFiles(), QStringList());
        return;
    }
    RUNBOARD_VERIFY_OK(committed);
    QCOMPARE(etagOf(*committed->base.document), QStringLiteral("g2-external"));
    const Json disk = bundle.readManifest();
    QCOMPARE(disk.at("serverGeneration").get<int>(), 3);
    QCOMPARE(disk.at("title").get<std::string>(), std::string("Their title"));
    QCOMPARE(disk.at("goalSummary").get<std::string>(), std::string("Mine"));

    // Without the hook the same stale request is an etag_conflict, as ever.
    const QByteArray now = bundle.readFile(QStringLiteral("manifest.json"));
    const auto refused = store.commit(
        request(baseEtag, R"([{"op":"replace","path":"/goalSummary","value":"Again"}])"));
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::EtagConflict);
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), now);
}

void tst_ManifestStore::generationsNeverGoBackwards()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId(), 7));
    bundle.writeFile(QStringLiteral(".gen"), "7\n");
    // A git checkout brings back generation 3.
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId(), 3));
    ManifestStore store = storeFor(bundle);
    const auto committed = store.commit(request(
        QStringLiteral("g3-0a1b2c3d"), R"([{"op":"replace","path":"/title","value":"x"}])"));
    RUNBOARD_VERIFY_OK(committed);
    QCOMPARE(bundle.readManifest().at("serverGeneration").get<int>(), 8);
    QCOMPARE(bundle.readFile(QStringLiteral(".gen")), QByteArray("8\n"));
}

void tst_ManifestStore::refusals_data()
{
    QTest::addColumn<QByteArray>("ops");
    QTest::addColumn<int>("role");
    QTest::addColumn<QByteArray>("manifestOverride"); // replaces manifest.json when not empty
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("mentions");

    const auto lead = int(ActorRole::Lead);
    QTest::newRow("ops not an array") << QByteArray(R"({"op":"add"})") << lead << QByteArray()
                                      << ErrorCode::InvalidPatch << QString();
    QTest::newRow("missing target")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-9}/status","value":"done"}])")
        << lead << QByteArray() << ErrorCode::InvalidPatch << QStringLiteral("T-9");
    QTest::newRow("failed test op")
        << QByteArray(R"([{"op":"test","path":"/title","value":"other"}])") << lead << QByteArray()
        << ErrorCode::InvalidPatch << QStringLiteral("/title");
    QTest::newRow("lead may not change runId")
        << QByteArray(R"([{"op":"replace","path":"/runId","value":"R-x"}])") << lead << QByteArray()
        << ErrorCode::PolicyDenied << QStringLiteral("/runId");
    QTest::newRow("worker outside its allow-list")
        << QByteArray(R"([{"op":"replace","path":"/title","value":"x"}])") << int(ActorRole::Worker)
        << QByteArray() << ErrorCode::PolicyDenied << QStringLiteral("/title");
    QTest::newRow("no agents left (scenario 14)")
        << QByteArray(R"([{"op":"replace","path":"/agents","value":[]}])") << lead << QByteArray()
        << ErrorCode::PolicyDenied << QStringLiteral("sessionId");
    QTest::newRow("not a phase") << QByteArray(
        R"([{"op":"replace","path":"/currentPhase","value":"bogus"}])")
                                 << int(ActorRole::User) << QByteArray()
                                 << ErrorCode::ValidationFailed << QStringLiteral("bogus");
    QTest::newRow("duplicate task ids (scenario 15)")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-1","phaseId":"planning",
            "title":"a","description":"","status":"pending",
            "validationGate":{"required":false,"stepIds":[]}}},
            {"op":"add","path":"/tasks/-","value":{"id":"T-1","phaseId":"planning",
            "title":"b","description":"","status":"pending",
            "validationGate":{"required":false,"stepIds":[]}}}])")
        << lead << QByteArray() << ErrorCode::ValidationFailed << QStringLiteral("T-1");
    QTest::newRow("invalid JSON on disk")
        << QByteArray(R"([{"op":"replace","path":"/title","value":"x"}])") << lead
        << QByteArray("{\n  \"version\": 1,\n  \"runId\": \n}") << ErrorCode::Unreadable
        << QStringLiteral("line 4, column 1");
    QTest::newRow("not a v1 manifest")
        << QByteArray(R"([{"op":"replace","path":"/title","value":"x"}])") << lead
        << QByteArray(R"({"version": 2})") << ErrorCode::Unreadable << QStringLiteral("version");
    QTest::newRow("another run's manifest (a checkout)")
        << QByteArray(R"([{"op":"replace","path":"/title","value":"x"}])") << lead
        << QByteArray(R"({"version":1,"runId":"R-foreign-checkout","etag":"g1-0a1b2c3d",
                          "serverGeneration":1})")
        << ErrorCode::RunSuspended << QStringLiteral("R-foreign-checkout");
}

void tst_ManifestStore::refusals()
{
    QFETCH(QByteArray, ops);
    QFETCH(int, role);
    QFETCH(QByteArray, manifestOverride);
    QFETCH(ErrorCode, code);
    QFETCH(QString, mentions);

    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    if (!manifestOverride.isEmpty())
        QVERIFY(bundle.writeFile(QStringLiteral("manifest.json"), manifestOverride));
    const QByteArray before = bundle.readFile(QStringLiteral("manifest.json"));
    ManifestStore store = storeFor(bundle);

    ManifestStore::PatchRequest r;
    r.ifMatchEtag = QStringLiteral("g1-0a1b2c3d");
    r.operations = Json::parse(ops.toStdString());
    r.actor = Actor{ActorRole(role), QStringLiteral("S-lead")};
    const auto refused = store.commit(r);
    QVERIFY(!refused.isOk());
    QCOMPARE(errorCodeName(refused.error().code), errorCodeName(code));
    QVERIFY2(refused.error().message.contains(mentions), qPrintable(refused.error().message));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), before);
    QVERIFY(!QFile::exists(bundle.bundlePath() + QStringLiteral("/.gen")));
    QCOMPARE(bundle.tempFiles(), QStringList());
}

void tst_ManifestStore::refusesWhileAnotherRunboardHoldsTheLock()
{
    TempBundle bundle;
    const QByteArray before = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    BundleLock other(bundle.manifestPath());
    RUNBOARD_VERIFY_OK(other.lock());
    ManifestStore store = storeFor(bundle);
    store.setLockTimeout(std::chrono::milliseconds(50));
    const auto refused = store.commit(request(QStringLiteral("g1-0a1b2c3d"),
                                              R"([{"op":"replace","path":"/title","value":"x"}])"));
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::IoError);
    QVERIFY(refused.error().message.contains(QStringLiteral("manifest.json.lock")));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), before);
}

// With caching on (as the service runs it) a commit patches a kept working copy and copies the
// text of what the patch did not write. What it writes must still be exactly the writer's text
// of base + patch, a refused or failed patch must leave no trace in the next commit, and a
// version written by someone else must be used instead of the cache.
void tst_ManifestStore::theCacheNeverStandsInForTheDisk()
{
    TempBundle bundle;
    Json manifest = TempBundle::minimalManifest(bundle.runId(), 3);
    for (int i = 1; i <= 5; ++i)
        manifest["tasks"].push_back(
            Json{{"id", "T-" + std::to_string(i)},
                 {"phaseId", "developing"},
                 {"title", "task " + std::to_string(i)},
                 {"description", ""},
                 {"status", "pending"},
                 {"validationGate", Json{{"required", true}, {"stepIds", Json::array()}}}});
    bundle.writeManifest(manifest);
    ManifestStore store = storeFor(bundle);
    store.setCaching(true);
    store.remember(store.load().value());

    const auto commitAndCheck = [&](const QString &etag, const char *ops) {
        const auto committed = store.commit(request(etag, ops));
        if (!committed.isOk())
            return errorCodeName(committed.error().code);
        const QByteArray onDisk = bundle.readFile(QStringLiteral("manifest.json"));
        const std::string rewritten = JsonWriter::write(bundle.readManifest());
        // Byte for byte what the writer makes of the same document.
        if (onDisk != QByteArray(rewritten.data(), qsizetype(rewritten.size())))
            return QStringLiteral("not the writer's text");
        return QStringLiteral("ok");
    };
    QString etag = etagOf(manifest);
    QCOMPARE(
        commitAndCheck(etag, R"([{"op":"replace","path":"/tasks/{id:T-2}/title","value":"a"}])"),
        QStringLiteral("ok"));
    etag = etagOf(bundle.readManifest());
    QCOMPARE(commitAndCheck(
                 etag, R"([{"op":"replace","path":"/tasks/{id:T-4}/status","value":"claimed"}])"),
             QStringLiteral("ok"));
    etag = etagOf(bundle.readManifest());

    // Refused after being applied to the working copy (the done gate; a validation failure),
    // and failed while being applied (a test op): none of it may reach the next commit.
    QCOMPARE(commitAndCheck(etag,
                            R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])"),
             errorCodeName(ErrorCode::ValidationFailed));
    QCOMPARE(
        commitAndCheck(etag, R"([{"op":"replace","path":"/tasks/{id:T-3}/title","value":""}])"),
        errorCodeName(ErrorCode::ValidationFailed));
    QCOMPARE(commitAndCheck(etag, R"([{"op":"replace","path":"/tasks/{id:T-5}/title","value":"x"},
                                     {"op":"test","path":"/tasks/{id:T-5}/status","value":"done"}])"),
             errorCodeName(ErrorCode::InvalidPatch));
    QCOMPARE(commitAndCheck(etag, R"([{"op":"add","path":"/tasks/-","value":{"id":"T-6",
                                     "phaseId":"developing","title":"six","description":"",
                                     "status":"pending","validationGate":{"required":false,
                                     "stepIds":[]}}}])"),
             QStringLiteral("ok"));
    Json now = bundle.readManifest();
    QCOMPARE(now.at("tasks").size(), std::size_t(6));
    QCOMPARE(now.at("tasks")[0].at("status").get<std::string>(), std::string("pending"));
    QCOMPARE(now.at("tasks")[2].at("title").get<std::string>(), std::string("task 3"));
    QCOMPARE(now.at("tasks")[4].at("title").get<std::string>(), std::string("task 5"));
    QCOMPARE(now.at("tasks")[1].at("title").get<std::string>(), std::string("a"));
    QCOMPARE(now.at("tasks")[3].at("status").get<std::string>(), std::string("claimed"));

    // Someone else writes (in another spacing, keeping nothing of our layout): the next commit
    // is based on their version and their content survives.
    now["tasks"][0]["title"] = "theirs";
    now["serverGeneration"] = now.at("serverGeneration").get<int>() + 1;
    now["etag"] = "g" + std::to_string(now.at("serverGeneration").get<int>()) + "-0badc0de";
    bundle.writeFile(QStringLiteral("manifest.json"), QByteArray::fromStdString(now.dump(4)));
    QCOMPARE(
        commitAndCheck(etag, R"([{"op":"replace","path":"/tasks/{id:T-6}/title","value":"b"}])"),
        errorCodeName(ErrorCode::EtagConflict));
    QCOMPARE(commitAndCheck(etagOf(now),
                            R"([{"op":"replace","path":"/tasks/{id:T-6}/title","value":"b"}])"),
             QStringLiteral("ok"));
    const Json last = bundle.readManifest();
    QCOMPARE(last.at("tasks")[0].at("title").get<std::string>(), std::string("theirs"));
    QCOMPARE(last.at("tasks")[5].at("title").get<std::string>(), std::string("b"));
}

// With caching on, a commit on the cached version starts its text and temp file before it has
// the lock. Whatever the disk did meanwhile, the commit must decide on what the disk holds under
// the lock: the early draft is dropped (with its temp file) when the disk or `.gen` moved.
void tst_ManifestStore::aDraftMadeBeforeTheLockIsDroppedWhenTheDiskMoved()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId(), 3));
    bundle.writeFile(QStringLiteral(".gen"), "3\n");
    ManifestStore store = storeFor(bundle);
    store.setCaching(true);
    store.remember(store.load().value());
    const QString etag = etagOf(bundle.readManifest());

    // A hand edit that keeps etag and generation: the patch lands on the edited version, and a
    // test op that only the edited version passes succeeds.
    Json edited = bundle.readManifest();
    edited["goalSummary"] = "edited by hand";
    bundle.writeManifest(edited);
    auto committed = store.commit(
        request(etag, R"([{"op":"test","path":"/goalSummary","value":"edited by hand"},
                 {"op":"replace","path":"/title","value":"mine"}])"));
    RUNBOARD_VERIFY_OK(committed);
    Json now = bundle.readManifest();
    QCOMPARE(now.at("goalSummary").get<std::string>(), std::string("edited by hand"));
    QCOMPARE(now.at("title").get<std::string>(), std::string("mine"));
    QCOMPARE(now.at("serverGeneration").get<int>(), 4);
    store.waitForChores(); // the displaced version goes after the answer
    QCOMPARE(bundle.tempFiles(), QStringList());

    // Another writer advanced the file: etag_conflict, their bytes untouched, no temp file.
    Json theirs = now;
    theirs["serverGeneration"] = 5;
    theirs["etag"] = "g5-external";
    theirs["title"] = "theirs";
    const QByteArray theirBytes = bundle.writeManifest(theirs);
    committed = store.commit(
        request(etagOf(now), R"([{"op":"replace","path":"/title","value":"mine again"}])"));
    QVERIFY(!committed.isOk());
    QCOMPARE(committed.error().code, ErrorCode::EtagConflict);
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), theirBytes);
    QCOMPARE(bundle.tempFiles(), QStringList());

    // The lock cannot be had: nothing is left behind either.
    store.remember(store.load().value());
    store.setLockTimeout(std::chrono::milliseconds(50));
    {
        BundleLock other(bundle.manifestPath());
        RUNBOARD_VERIFY_OK(other.lock());
        committed = store.commit(request(QStringLiteral("g5-external"),
                                         R"([{"op":"replace","path":"/title","value":"x"}])"));
        QVERIFY(!committed.isOk());
        QCOMPARE(committed.error().code, ErrorCode::IoError);
        QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), theirBytes);
        QCOMPARE(bundle.tempFiles(), QStringList());
    }

    // While the commit waits for another Runboard's lock (its draft staged), that Runboard
    // commits; first one that keeps the manifest and raises .gen (after a git checkout), then
    // one that rewrites the manifest keeping its etag. Each time the draft must be dropped.
    store.setLockTimeout(std::chrono::milliseconds(5000));
    const auto commitWhileLocked = [&](const std::function<void()> &otherWriter) {
        BundleLock other(bundle.manifestPath());
        RUNBOARD_VERIFY_OK(other.lock());
        QFuture<Result<ManifestStore::Committed>> pending = QtConcurrent::run([&] {
            return store.commit(request(QStringLiteral("g5-external"),
                                        R"([{"op":"replace","path":"/title","value":"ours"}])"));
        });
        // The draft's temp file shows that the commit got as far as waiting for the lock.
        const auto staged = [&] {
            return bundle.tempFiles().size();
        };
        QTRY_COMPARE_WITH_TIMEOUT(staged(), qsizetype(1), 5000);
        otherWriter();
        other.unlock();
        committed = pending.result();
    };
    commitWhileLocked([&] { bundle.writeFile(QStringLiteral(".gen"), "40\n"); });
    RUNBOARD_VERIFY_OK(committed);
    now = bundle.readManifest();
    QCOMPARE(now.at("serverGeneration").get<int>(), 41);
    QVERIFY(etagOf(now).startsWith(QStringLiteral("g41-")));
    QCOMPARE(now.at("title").get<std::string>(), std::string("ours"));
    store.waitForChores();
    QCOMPARE(bundle.tempFiles(), QStringList());

    theirs = now;
    theirs["etag"] = "g5-external"; // an editor put the old etag back, with its own title
    theirs["title"] = "edited while you waited";
    theirs["goalSummary"] = "theirs";
    bundle.writeManifest(theirs);
    store.remember(store.load().value());
    Json meanwhile = theirs;
    meanwhile["goalSummary"] = "changed again, etag kept";
    commitWhileLocked([&] { bundle.writeManifest(meanwhile); });
    RUNBOARD_VERIFY_OK(committed);
    now = bundle.readManifest();
    QCOMPARE(now.at("goalSummary").get<std::string>(), std::string("changed again, etag kept"));
    QCOMPARE(now.at("title").get<std::string>(), std::string("ours"));
    store.waitForChores();
    QCOMPARE(bundle.tempFiles(), QStringList());
}

// A long-lived store patches its own working copy in place, and reuses a version it made once
// nobody else holds it: no version a commit or a read handed out (the window shows them, the undo
// stack keeps them) may change with a later commit, and what is written must always be exactly
// the new version.
void tst_ManifestStore::versionsHandedOutNeverChange()
{
    TempBundle bundle;
    Json manifest = TempBundle::minimalManifest(bundle.runId());
    manifest["tasks"].push_back(
        Json{{"id", "T-1"},
             {"phaseId", "developing"},
             {"title", "task"},
             {"description", ""},
             {"status", "pending"},
             {"validationGate", Json{{"required", false}, {"stepIds", Json::array()}}}});
    bundle.writeManifest(manifest);
    ManifestStore store = storeFor(bundle);
    store.setCaching(true);
    const ManifestStore::Loaded read = store.load().value();
    store.remember(read);
    const std::string readText = JsonWriter::write(*read.document);
    QString etag = etagOf(manifest);

    // Commits title n; an empty answer when what is on disk is exactly the committed version.
    const auto commitTitle = [&](int n, ManifestStore::Committed *committed) -> QString {
        const std::string ops
            = R"([{"op":"replace","path":"/title","value":"title )" + std::to_string(n) + R"("}])";
        const auto done = store.commit(request(etag, ops.c_str()));
        if (!done.isOk())
            return done.error().message;
        *committed = done.value();
        etag = etagOf(*committed->result.document);
        const std::string expected = JsonWriter::write(*committed->result.document);
        if (bundle.readFile(QStringLiteral("manifest.json"))
            != QByteArray(expected.data(), qsizetype(expected.size())))
            return QStringLiteral("not what was committed");
        if (bundle.readManifest().at("title") != Json("title " + std::to_string(n)))
            return QStringLiteral("not the new title");
        return QString();
    };

    std::vector<std::pair<std::shared_ptr<const Json>, std::string>> handedOut;
    for (int n = 1; n <= 8; ++n) {
        ManifestStore::Committed committed;
        QCOMPARE(commitTitle(n, &committed), QString());
        for (const auto &document : {committed.result.document, committed.base.document})
            handedOut.emplace_back(document, JsonWriter::write(*document));
    }
    QCOMPARE(JsonWriter::write(*read.document), readText);
    for (const auto &[document, text] : handedOut)
        QCOMPARE(JsonWriter::write(*document), text);

    // Once nobody else holds them, the cache patches old versions again instead of copying: the
    // same documents come back two commits later (seen in where their tasks live; the root object
    // is moved into a new allocation each time, its members' storage is not).
    handedOut.clear();
    std::vector<const Json *> documents;
    for (int n = 9; n <= 14; ++n) {
        ManifestStore::Committed committed;
        QCOMPARE(commitTitle(n, &committed), QString());
        documents.push_back(&committed.result.document->at("tasks")[0]);
    }
    QCOMPARE(documents[4], documents[2]);
    QCOMPARE(documents[5], documents[3]);
}

void tst_ManifestStore::anEmptyPatchWritesNothing()
{
    TempBundle bundle;
    const QByteArray before = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store = storeFor(bundle);
    const auto committed = store.commit(request(QStringLiteral("g1-0a1b2c3d"), "[]"));
    RUNBOARD_VERIFY_OK(committed);
    QVERIFY(!committed->written);
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), before);
}

void tst_ManifestStore::aPatchOfTestsOnlyWritesNothing_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<bool>("caching");
    for (const bool caching : {false, true}) {
        for (const ActorRole role :
             {ActorRole::Lead, ActorRole::Worker, ActorRole::Validator, ActorRole::User}) {
            const QString name
                = actorRoleName(role)
                  + (caching ? QStringLiteral(", caching") : QStringLiteral(", one-shot"));
            QTest::newRow(qPrintable(name)) << int(role) << caching;
        }
    }
}

// What undo's and scripts' guards send: tests that change nothing. Passing, they answer ok with
// the fresh base and write nothing, for every role (the policy never blames the `test` op for
// the commit's own etag or generation); failing, they are invalid_patch naming the op. The file
// stays byte for byte as it was either way.
void tst_ManifestStore::aPatchOfTestsOnlyWritesNothing()
{
    QFETCH(int, role);
    QFETCH(bool, caching);
    TempBundle bundle;
    const QByteArray before = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store = storeFor(bundle);
    store.setCaching(caching);
    const auto actor = ActorRole(role);
    const QString session = actor == ActorRole::Lead ? QStringLiteral("S-lead") : QString();

    const auto passing = store.commit(request(QStringLiteral("g1-0a1b2c3d"),
                                              R"([{"op":"test","path":"/version","value":1},
                                                  {"op":"test","path":"/etag","value":"g1-0a1b2c3d"}])",
                                              actor, session));
    RUNBOARD_VERIFY_OK(passing);
    QVERIFY(!passing->written);
    QCOMPARE(passing->result.file.bytes, before);
    QCOMPARE(etagOf(*passing->result.document), QStringLiteral("g1-0a1b2c3d"));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), before);

    const auto failing = store.commit(request(QStringLiteral("g1-0a1b2c3d"),
                                              R"([{"op":"test","path":"/version","value":1},
                                                  {"op":"test","path":"/title","value":"other"}])",
                                              actor, session));
    QVERIFY(!failing.isOk());
    QCOMPARE(failing.error().code, ErrorCode::InvalidPatch);
    QCOMPARE(failing.error().details.value("opIndex", -1), 1);
    QVERIFY2(failing.error().message.contains(QStringLiteral("/title")),
             qPrintable(failing.error().message));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), before);

    // A stale etag is still a conflict, tests or not.
    const auto stale
        = store.commit(request(QStringLiteral("g0-00000000"),
                               R"([{"op":"test","path":"/version","value":1}])", actor, session));
    QVERIFY(!stale.isOk());
    QCOMPARE(stale.error().code, ErrorCode::EtagConflict);
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), before);
}

// With caching on (the service's store), .gen and index.json are written after the commit
// returns: in the end they follow the newest commit, a failure is reported with the next commit,
// and the store does not go away before its last chores are done.
void tst_ManifestStore::aLongLivedStoreKeepsTheIndexCurrent()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    const QString indexPath
        = bundle.worktreePath() + QStringLiteral("/.ade/orchestration/index.json");
    const auto indexedEtag = [&] {
        QFile index(indexPath);
        if (!index.open(QIODevice::ReadOnly))
            return QStringLiteral("<no index>");
        return etagOf(Json::parse(index.readAll().toStdString()).at("runs").back());
    };
    QString etag = etagOf(bundle.readManifest());
    const auto commitTitle = [&](ManifestStore &store, int n) {
        const std::string ops
            = R"([{"op":"replace","path":"/title","value":"title )" + std::to_string(n) + R"("}])";
        Result<ManifestStore::Committed> committed = store.commit(request(etag, ops.c_str()));
        if (committed.isOk())
            etag = etagOf(*committed->result.document);
        return committed;
    };

    {
        ManifestStore store = storeFor(bundle);
        store.setCaching(true);
        for (int n = 1; n <= 20; ++n) {
            const auto committed = commitTitle(store, n);
            RUNBOARD_VERIFY_OK(committed);
            QVERIFY(committed->warnings.isEmpty());
        }
        store.waitForChores();
        QCOMPARE(indexedEtag(), etag);

        // index.json cannot be written (a folder stands in its place): the commit stands, and
        // the next one says what went wrong.
        QVERIFY(QFile::remove(indexPath));
        QVERIFY(QDir().mkdir(indexPath));
        const QString unindexed = etag;
        auto committed = commitTitle(store, 21);
        RUNBOARD_VERIFY_OK(committed);
        QVERIFY(committed->warnings.isEmpty());
        store.waitForChores();
        QVERIFY(QDir().rmdir(indexPath));
        committed = commitTitle(store, 22);
        RUNBOARD_VERIFY_OK(committed);
        QCOMPARE(committed->warnings.size(), 1);
        QVERIFY2(committed->warnings.first().contains(QStringLiteral("index.json was not updated"))
                     && committed->warnings.first().contains(indexPath),
                 qPrintable(committed->warnings.first()));
        QVERIFY(etag != unindexed);

        // The same for .gen (a folder in its place cannot be replaced by a file).
        const QString genPath = bundle.bundlePath() + QStringLiteral("/.gen");
        store.waitForChores();
        QVERIFY(QFile::remove(genPath));
        QVERIFY(QDir().mkdir(genPath));
        committed = commitTitle(store, 23);
        RUNBOARD_VERIFY_OK(committed);
        QVERIFY(committed->warnings.isEmpty());
        store.waitForChores();
        QVERIFY(QDir().rmdir(genPath));
        committed = commitTitle(store, 24);
        RUNBOARD_VERIFY_OK(committed);
        QCOMPARE(committed->warnings.size(), 1);
        QVERIFY2(committed->warnings.first().contains(QStringLiteral(".gen was not updated"))
                     && committed->warnings.first().contains(genPath),
                 qPrintable(committed->warnings.first()));
        RUNBOARD_VERIFY_OK(commitTitle(store, 25));
    }
    QCOMPARE(indexedEtag(), etag);
    const Json last = bundle.readManifest();
    QCOMPARE(last.at("title").get<std::string>(), std::string("title 25"));
    QCOMPARE(bundle.readFile(QStringLiteral(".gen")),
             QByteArray::number(last.at("serverGeneration").get<qint64>()) + '\n');
    QCOMPARE(bundle.tempFiles(), QStringList());
    QVERIFY(!QFile::exists(bundle.bundlePath() + QStringLiteral("/manifest.json.lock")));
}

namespace {

// The kernel's names of this process's threads (what `top -H` and gdb show).
QStringList threadNames()
{
    QStringList names;
    const QStringList tasks
        = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &task : tasks) {
        QFile comm(QStringLiteral("/proc/self/task/%1/comm").arg(task));
        if (comm.open(QIODevice::ReadOnly))
            names << QString::fromUtf8(comm.readAll().trimmed());
    }
    return names;
}

} // namespace

// A store's helper threads carry names while they exist, and are joined with the store: none
// is left behind by a store that is gone.
void tst_ManifestStore::theStoreOwnsNamedThreads()
{
    QVERIFY(QFileInfo::exists(QStringLiteral("/proc/self/task"))); // Linux, as Runboard is
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    const QStringList before = threadNames();
    QVERIFY(!before.contains(QStringLiteral("rb-staging")));
    QFile mainComm(QStringLiteral("/proc/self/comm"));
    QVERIFY(mainComm.open(QIODevice::ReadOnly));
    const QString mainName = QString::fromUtf8(mainComm.readAll().trimmed());
    {
        ManifestStore store = storeFor(bundle);
        store.setCaching(true);
        QString etag = etagOf(*store.load()->document);
        for (const char *title : {"one", "two"}) {
            const auto committed
                = store.commit(request(etag, (R"([{"op":"replace","path":"/title","value":")"
                                              + std::string(title) + R"("}])")
                                                 .c_str()));
            RUNBOARD_VERIFY_OK(committed);
            etag = etagOf(*committed->result.document);
        }
        // The staging thread always runs its task (the commit waits on a semaphore the task
        // releases); the chores may be run by a commit that waits for them, which keeps its own
        // name.
        const QStringList names = threadNames();
        QVERIFY2(names.contains(QStringLiteral("rb-staging")), qPrintable(names.join(u',')));
    }
    // Joined: QThread::wait() has returned for both. Qt's threads are detached, so the kernel
    // may list a thread for a moment after it returned; wait for that, not for the store.
    QTRY_VERIFY2(!threadNames().contains(QStringLiteral("rb-staging")),
                 qPrintable(threadNames().join(u',')));
    QTRY_VERIFY2(!threadNames().contains(QStringLiteral("rb-chores")),
                 qPrintable(threadNames().join(u',')));
    // This thread's own name is kept, though it may have run a chores task itself.
    QFile comm(QStringLiteral("/proc/self/comm"));
    QVERIFY(comm.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(comm.readAll().trimmed()), mainName);
}

void tst_ManifestStore::heartbeatsNeverTouchTheManifest()
{
    // Format doc scenario 19: manifest.json and .gen bytes unchanged, heartbeats.json updated.
    TempBundle bundle;
    const QByteArray before = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    bundle.writeFile(QStringLiteral(".gen"), "1\n");
    bundle.writeFile(QStringLiteral("heartbeats.json"),
                     "{\n  \"S-other\": \"2026-01-01T00:00:00.000Z\"\n}\n");
    ManifestStore store = storeFor(bundle);
    const Result<QDateTime> at = store.recordHeartbeat(QStringLiteral("S-lead"));
    RUNBOARD_VERIFY_OK(at);
    QCOMPARE(at.value(), kNow);
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), before);
    QCOMPARE(bundle.readFile(QStringLiteral(".gen")), QByteArray("1\n"));
    QCOMPARE(bundle.readFile(QStringLiteral("heartbeats.json")),
             QByteArray("{\n  \"S-other\": \"2026-01-01T00:00:00.000Z\",\n"
                        "  \"S-lead\": \"2026-07-22T09:30:15.123Z\"\n}\n"));
}

void tst_ManifestStore::heartbeatForAnUnknownAgent()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store = storeFor(bundle);
    const Result<QDateTime> refused = store.recordHeartbeat(QStringLiteral("S-ghost"));
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::NotFound);
    QVERIFY(refused.error().message.contains(QStringLiteral("S-ghost")));
    QVERIFY(!QFile::exists(bundle.bundlePath() + QStringLiteral("/heartbeats.json")));
}

void tst_ManifestStore::removesOnlyTempFilesOfDeadWriters_data()
{
    QTest::addColumn<QString>("by");
    QTest::newRow("asked") << QStringLiteral("asked");
    QTest::newRow("a one-shot store's commit (the CLI)") << QStringLiteral("one-shot");
    QTest::newRow("a caching store's commit (the service), in its chores")
        << QStringLiteral("caching");
}

void tst_ManifestStore::removesOnlyTempFilesOfDeadWriters()
{
    QFETCH(QString, by);
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    const QString dead = QStringLiteral("manifest.json.999999999.1753176615120.k3j2a.tmp");
    const QString alive = QStringLiteral("manifest.json.%1.1753176615120.abc12.tmp")
                              .arg(QCoreApplication::applicationPid());
    QVERIFY(bundle.writeFile(dead, "{"));
    QVERIFY(bundle.writeFile(alive, "{"));
    {
        ManifestStore store(ManifestStore::locate(bundle.bundlePath()).value()); // real clock
        if (by == QLatin1String("asked")) {
            QCOMPARE(store.removeStaleTempFiles(), 1);
        } else {
            store.setCaching(by == QLatin1String("caching"));
            if (by == QLatin1String("caching"))
                store.remember(store.load().value());
            const QString etag = etagOf(*store.load()->document);
            QVERIFY(store
                        .commit(request(
                            etag, R"([{"op":"replace","path":"/goalSummary","value":"Mine"}])"))
                        .isOk());
        }
    } // a store joins its chores when it goes
    QCOMPARE(bundle.tempFiles(), QStringList({alive}));
    QVERIFY(!QFile::exists(bundle.manifestPath() + QStringLiteral(".lock")));
}

void tst_ManifestStore::summarisesOperationsAsAdeDoes_data()
{
    QTest::addColumn<QByteArray>("ops");
    QTest::addColumn<QString>("summary");
    QTest::newRow("one") << QByteArray(
        R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
                         << QStringLiteral("/tasks/{id:T-1}/status×1");
    QTest::newRow("deep paths cut at four pieces")
        << QByteArray(R"([{"op":"add","path":"/validationStrategy/checklist/{id:C-1}/runs/-"},
                          {"op":"replace","path":"/title"},
                          {"op":"replace","path":"/validationStrategy/checklist/{id:C-1}/latestRunId"}])")
        << QStringLiteral("/validationStrategy/checklist/{id:C-1}×2,/title×1");
}

void tst_ManifestStore::summarisesOperationsAsAdeDoes()
{
    QFETCH(QByteArray, ops);
    QFETCH(QString, summary);
    QCOMPARE(ManifestStore::summarizeOperations(Json::parse(ops.toStdString())), summary);
}

QTEST_GUILESS_MAIN(tst_ManifestStore)
#include "tst_manifeststore.moc"
