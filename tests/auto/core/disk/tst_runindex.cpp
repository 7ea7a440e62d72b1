// SPDX-License-Identifier: MIT
// RunIndex: run discovery for a worktree, ADE's index.json plus its self-healing scan
// (bundle format §1, scenarios 32-36).

#include "bundlelock.h"
#include "clock.h"
#include "guardedfile.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "resultcheck.h"
#include "runindex.h"
#include "tempbundle.h"
#include "testpaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace runboard;
using namespace std::chrono_literals;
using runboard::test::TempBundle;

namespace {

QByteArray bytesOf(const Json &value)
{
    const std::string text = JsonWriter::write(value);
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
           && file.write(bytes) == bytes.size();
}

Json parse(const QByteArray &bytes)
{
    Result<Json> parsed
        = JsonReader::parse(std::string_view(bytes.constData(), std::size_t(bytes.size())));
    return parsed.isOk() ? std::move(parsed).value() : Json();
}

QDateTime createdTime(int n)
{
    return QDateTime(QDate(2026, 7, 22), QTime(9, 0), Qt::UTC).addSecs(n);
}

QString createdAt(int n)
{
    return isoTimestamp(createdTime(n));
}

// Run n of a lane: created n seconds after 09:00 UTC, so ids and creation order agree.
QString runId(int n)
{
    return QStringLiteral("R-") + createdTime(n).toString(QStringLiteral("yyyyMMddHHmmss"))
           + QLatin1Char('-') + QString::number(n, 16).rightJustified(6, QLatin1Char('0'));
}

const QString kA = runId(1);
const QString kB = runId(2);
const QString kC = runId(3);

QStringList idsOf(const QList<RunSummary> &runs)
{
    QStringList ids;
    for (const RunSummary &run : runs)
        ids.append(run.runId);
    return ids;
}

QStringList scannedIdsOf(const QList<RunSummary> &runs)
{
    QStringList ids;
    for (const RunSummary &run : runs) {
        if (!run.fromIndex)
            ids.append(run.runId);
    }
    return ids;
}

QStringList titlesOf(const QList<RunSummary> &runs)
{
    QStringList titles;
    for (const RunSummary &run : runs)
        titles.append(run.title);
    return titles;
}

QStringList indexIdsOf(const QByteArray &indexBytes)
{
    QStringList ids;
    const Json index = parse(indexBytes);
    if (!index.is_object() || !index.contains("runs"))
        return {QStringLiteral("<no usable index>")};
    for (const Json &entry : index.at("runs"))
        ids.append(QString::fromStdString(entry.value("runId", std::string("<none>"))));
    return ids;
}

// The text of one entry as JSON.stringify(index, null, 2) lays it out, from "    {" to "    }".
QByteArray entryBlock(const QByteArray &indexBytes, const QString &id)
{
    const QByteArray marker = "    {\n      \"runId\": \"" + id.toUtf8() + '"';
    const qsizetype start = indexBytes.indexOf(marker);
    if (start < 0)
        return {};
    const qsizetype end = indexBytes.indexOf("\n    }", start);
    return end < 0 ? QByteArray() : indexBytes.mid(start, end + 6 - start);
}

// A worktree whose .ade/orchestration holds runs written the way ADE writes them.
class Lane
{
public:
    Lane() : m_bundle(kA) {}

    bool isValid() const { return m_bundle.isValid(); }
    QString worktree() const { return m_bundle.worktreePath(); }
    QString dir() const { return worktree() + QStringLiteral("/.ade/orchestration"); }
    QString index() const { return dir() + QStringLiteral("/index.json"); }
    QString runPath(const QString &id) const { return dir() + QLatin1Char('/') + id; }
    QString manifestPath(const QString &id) const
    {
        return runPath(id) + QStringLiteral("/manifest.json");
    }

    // Run n's manifest.json: "Run n", "Goal n", created at createdAt(n).
    Json addRun(int n) const
    {
        const QString id = runId(n);
        Json manifest = TempBundle::minimalManifest(id);
        manifest["createdAt"] = createdAt(n).toStdString();
        manifest["updatedAt"] = createdAt(n).toStdString();
        manifest["title"] = QStringLiteral("Run %1").arg(n).toStdString();
        manifest["goalSummary"] = QStringLiteral("Goal %1").arg(n).toStdString();
        return writeManifest(manifest) ? manifest : Json();
    }

    bool writeManifest(const Json &manifest) const
    {
        const QString id = QString::fromStdString(manifest.at("runId").get<std::string>());
        return writeBytes(manifestPath(id), bytesOf(manifest));
    }

    // What ADE does when it creates a run: the manifest, then the index entry.
    Result<void> createRun(int n) const
    {
        const Json manifest = addRun(n);
        return RunIndex::recordRun(dir(), manifest, runPath(runId(n)));
    }

    QByteArray indexBytes() const { return readBytes(index()); }
    bool writeIndex(const QByteArray &bytes) const { return writeBytes(index(), bytes); }
    bool writeIndex(const Json &index) const { return writeIndex(bytesOf(index)); }
    FileIdentity indexIdentity() const { return GuardedFile::identity(index()); }

    // Every name in the orchestration folder: a lock or temp file left behind shows up here.
    QStringList names() const
    {
        return QDir(dir()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
                                     QDir::Name);
    }

private:
    TempBundle m_bundle;
};

// How a test breaks a healthy two-run lane (runs 1 and 2, both in index.json).
enum class Damage {
    IndexDeleted,
    IndexReduced,
    NotJson,
    ManifestDeleted,
    WrongVersion,
    RunsNotArray,
    EntryWithoutTitle,
    EntryWithoutCreatedAt,
    DuplicateEntry,
    EscapingRunId,
    EntryForMissingFolder,
};

bool applyDamage(const Lane &lane, Damage damage)
{
    Json index = parse(lane.indexBytes());
    if (!index.is_object())
        return false;
    Json &runs = index["runs"];
    switch (damage) {
    case Damage::IndexDeleted:
        return QFile::remove(lane.index());
    case Damage::IndexReduced:
        runs.erase(1);
        break;
    case Damage::NotJson:
        return lane.writeIndex(QByteArray("{nope"));
    case Damage::ManifestDeleted:
        return QFile::remove(lane.manifestPath(kB));
    case Damage::WrongVersion:
        index["version"] = 2;
        break;
    case Damage::RunsNotArray:
        runs = Json::object();
        break;
    case Damage::EntryWithoutTitle:
        runs[1].erase("title");
        break;
    case Damage::EntryWithoutCreatedAt:
        runs[1].erase("createdAt");
        break;
    case Damage::DuplicateEntry: {
        Json older = runs[0];
        older["title"] = "Old title";
        runs.insert(runs.begin(), std::move(older));
        break;
    }
    case Damage::EscapingRunId: {
        // A real manifest sits where "<dir>/../escape" points: it must still not be followed.
        Json outside = TempBundle::minimalManifest(QStringLiteral("../escape"));
        if (!writeBytes(lane.dir() + QStringLiteral("/../escape/manifest.json"), bytesOf(outside)))
            return false;
        Json entry = runs[0];
        entry["runId"] = "../escape";
        runs.push_back(std::move(entry));
        break;
    }
    case Damage::EntryForMissingFolder: {
        Json entry = runs[0];
        entry["runId"] = "R-20260101000000-000000";
        runs.push_back(std::move(entry));
        break;
    }
    }
    return lane.writeIndex(index);
}

} // namespace

Q_DECLARE_METATYPE(Damage)
Q_DECLARE_METATYPE(runboard::ErrorCode)

class tst_RunIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void adeFixtureIsListedFromItsIndexUntouched();
    void threeRunsAreListedInCreationOrder(); // scenario 32
    void listingIsOrderedByCreationTime();
    void anEmptyOrchestrationFolderListsNothingAndWritesNothing();

    void damagedIndex_data();
    void damagedIndex(); // scenarios 33-36 and ADE's other reading rules
    void listingWithoutRepairWritesNothing_data();
    void listingWithoutRepairWritesNothing();
    void repairKeepsWhatTheIndexHeld();

    void foreignFoldersAreNotListed_data();
    void foreignFoldersAreNotListed();

    void limitReturnsTheNewestRuns_data();
    void limitReturnsTheNewestRuns();

    void recordRunMovesTheRunToTheEnd();
    void recordRunKeepsUnknownFieldsOfTheReplacedEntry();
    void recordRunNeverGoesBackToAnOlderGeneration();
    void recordRunRebuildsAMissingOrBrokenIndex_data();
    void recordRunRebuildsAMissingOrBrokenIndex();
    void recordRunRefuses_data();
    void recordRunRefuses();

    void orchestrationDirFromEachKindOfPath_data();
    void orchestrationDirFromEachKindOfPath();
    void noOrchestrationFolderIsNotFound();

    void aHeldLockIsAnIoErrorNamingTheLock();
    void anIndexThatCannotBeReadIsAnIoError();

private:
    // 260 runs (more than the cap of 250) listed by a healthy index; null on a setup failure.
    const Lane *manyRuns();
    std::unique_ptr<Lane> m_manyRuns;
};

// Built on first use: only the limit test needs it, and it is shared by all its rows.
const Lane *tst_RunIndex::manyRuns()
{
    if (m_manyRuns)
        return m_manyRuns.get();
    auto lane = std::make_unique<Lane>();
    if (!lane->isValid())
        return nullptr;
    Json runs = Json::array();
    for (int n = 1; n <= 260; ++n) {
        if (!lane->addRun(n).is_object())
            return nullptr;
        runs.push_back(Json{
            {"runId", runId(n).toStdString()},
            {"laneId", "L-test"},
            {"createdAt", createdAt(n).toStdString()},
            {"updatedAt", createdAt(n).toStdString()},
            {"title", QStringLiteral("Run %1").arg(n).toStdString()},
            {"goalSummary", QStringLiteral("Goal %1").arg(n).toStdString()},
            {"currentPhase", "planning"},
            {"etag", "g1-0a1b2c3d"},
            {"bundlePath", lane->runPath(runId(n)).toStdString()},
            {"status", "active"},
            {"agentCount", 1},
            {"taskCount", 0},
        });
    }
    if (!lane->writeIndex(Json{{"version", 1}, {"runs", runs}}))
        return nullptr;
    m_manyRuns = std::move(lane);
    return m_manyRuns.get();
}

void tst_RunIndex::adeFixtureIsListedFromItsIndexUntouched()
{
    const QString fixture = runboard::test::adeFixtureWorktree();
    QVERIFY2(!fixture.isEmpty(), "tests/data/ade-worktree is missing");
    const TempBundle copy = TempBundle::copyOfWorktree(fixture);
    QVERIFY(copy.isValid());
    const QString dir = copy.worktreePath() + QStringLiteral("/.ade/orchestration");
    const QString index = dir + QStringLiteral("/index.json");
    const QByteArray before = readBytes(index);
    QVERIFY(!before.isEmpty());
    const FileIdentity identity = GuardedFile::identity(index);

    const Result<QList<RunSummary>> listed = RunIndex::list(copy.worktreePath());
    RUNBOARD_VERIFY_OK(listed);
    QCOMPARE(listed->size(), 1);
    const RunSummary &run = listed->first();
    QCOMPARE(run.runId, QStringLiteral("R-20261124105356-945f51"));
    QCOMPARE(run.laneId, QStringLiteral("L-peer"));
    QCOMPARE(run.title, QStringLiteral("Login form"));
    QCOMPARE(run.goalSummary, QStringLiteral("Add an email/password login form with validation"));
    QCOMPARE(run.currentPhase, QStringLiteral("planning"));
    QCOMPARE(run.etag, QStringLiteral("g6-f149e887"));
    QCOMPARE(run.status, QStringLiteral("active"));
    QCOMPARE(run.agentCount, 3);
    QCOMPARE(run.taskCount, 3);
    QCOMPARE(run.createdAt, QDateTime(QDate(2026, 11, 24), QTime(10, 53, 56, 764), Qt::UTC));
    QCOMPARE(run.updatedAt, QDateTime(QDate(2026, 11, 24), QTime(10, 54, 2, 349), Qt::UTC));
    QVERIFY(run.fromIndex);
    // The index says /home/dev/login-app/...; the run is here.
    QCOMPARE(run.bundlePath, copy.bundlePath());

    QCOMPARE(readBytes(index), before);
    QVERIFY(GuardedFile::identity(index) == identity);
    QVERIFY(!QFile::exists(index + QStringLiteral(".lock")));
}

void tst_RunIndex::threeRunsAreListedInCreationOrder()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    for (int n = 1; n <= 3; ++n)
        RUNBOARD_VERIFY_OK(lane.createRun(n));
    QCOMPARE(indexIdsOf(lane.indexBytes()), QStringList({kA, kB, kC}));
    const FileIdentity identity = lane.indexIdentity();

    const Result<QList<RunSummary>> listed = RunIndex::list(lane.worktree());
    RUNBOARD_VERIFY_OK(listed);
    QCOMPARE(idsOf(*listed), QStringList({kA, kB, kC}));
    QCOMPARE(titlesOf(*listed), QStringList({QStringLiteral("Run 1"), QStringLiteral("Run 2"),
                                             QStringLiteral("Run 3")}));
    for (int i = 0; i < 3; ++i) {
        const RunSummary &run = listed->at(i);
        QCOMPARE(run.goalSummary, QStringLiteral("Goal %1").arg(i + 1));
        QCOMPARE(run.createdAt, createdTime(i + 1));
        QCOMPARE(run.bundlePath, lane.runPath(run.runId));
        QCOMPARE(run.laneId, QStringLiteral("L-test"));
        QCOMPARE(run.currentPhase, QStringLiteral("planning"));
        QCOMPARE(run.etag, QStringLiteral("g1-0a1b2c3d"));
        QCOMPARE(run.status, QStringLiteral("active"));
        QCOMPARE(run.agentCount, 1);
        QCOMPARE(run.taskCount, 0);
        QVERIFY(run.fromIndex);
    }
    QVERIFY(lane.indexIdentity() == identity);
}

void tst_RunIndex::listingIsOrderedByCreationTime()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    Json runs = Json::array();
    // File order as recordRun leaves it (last updated last), creation times in three forms:
    // an offset that puts run "late" first in time although its text sorts after "early", and
    // a timestamp that does not parse, which sorts before everything.
    const std::pair<QString, QString> created[] = {
        {QStringLiteral("R-late"), QStringLiteral("2026-07-22T11:00:00.000+02:00")},
        {QStringLiteral("R-early"), QStringLiteral("2026-07-22T10:00:00.000Z")},
        {QStringLiteral("R-unknown"), QStringLiteral("yesterday")},
        {QStringLiteral("R-first"), QStringLiteral("2026-07-22T08:00:00.000Z")},
    };
    for (const auto &[id, at] : created) {
        Json manifest = TempBundle::minimalManifest(id);
        manifest["createdAt"] = at.toStdString();
        QVERIFY(lane.writeManifest(manifest));
        runs.push_back(Json{{"runId", id.toStdString()},
                            {"createdAt", at.toStdString()},
                            {"title", id.toStdString()},
                            {"bundlePath", lane.runPath(id).toStdString()}});
    }
    QVERIFY(lane.writeIndex(Json{{"version", 1}, {"runs", runs}}));
    const QByteArray before = lane.indexBytes();

    const Result<QList<RunSummary>> listed = RunIndex::list(lane.dir());
    RUNBOARD_VERIFY_OK(listed);
    QCOMPARE(idsOf(*listed), QStringList({QStringLiteral("R-unknown"), QStringLiteral("R-first"),
                                          QStringLiteral("R-late"), QStringLiteral("R-early")}));
    QVERIFY(!listed->at(0).createdAt.isValid());
    // A healthy index is not rewritten just because its order differs from the listing's.
    QCOMPARE(lane.indexBytes(), before);
}

void tst_RunIndex::anEmptyOrchestrationFolderListsNothingAndWritesNothing()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    QVERIFY(QDir(lane.runPath(kA)).removeRecursively());
    const Result<QList<RunSummary>> listed = RunIndex::list(lane.worktree());
    RUNBOARD_VERIFY_OK(listed);
    QVERIFY(listed->isEmpty());
    QVERIFY(lane.names().isEmpty());
}

void tst_RunIndex::damagedIndex_data()
{
    QTest::addColumn<Damage>("damage");
    QTest::addColumn<QStringList>("listed");
    QTest::addColumn<QStringList>("foundByScan");
    // Every damage but a deleted manifest is healed back to exactly the index ADE wrote.
    QTest::addColumn<bool>("restoresOriginal");

    QTest::newRow("scenario 33: index.json deleted")
        << Damage::IndexDeleted << QStringList{kA, kB} << QStringList{kA, kB} << true;
    QTest::newRow("scenario 34: index reduced to one of two")
        << Damage::IndexReduced << QStringList{kA, kB} << QStringList{kB} << true;
    QTest::newRow("scenario 35: index.json is {nope")
        << Damage::NotJson << QStringList{kA, kB} << QStringList{kA, kB} << true;
    QTest::newRow("scenario 36: one run's manifest deleted")
        << Damage::ManifestDeleted << QStringList{kA} << QStringList{} << false;
    QTest::newRow("version 2 counts as no index")
        << Damage::WrongVersion << QStringList{kA, kB} << QStringList{kA, kB} << true;
    QTest::newRow("runs not an array counts as no index")
        << Damage::RunsNotArray << QStringList{kA, kB} << QStringList{kA, kB} << true;
    QTest::newRow("entry without title dropped, run found by the scan")
        << Damage::EntryWithoutTitle << QStringList{kA, kB} << QStringList{kB} << true;
    QTest::newRow("entry without createdAt dropped, run found by the scan")
        << Damage::EntryWithoutCreatedAt << QStringList{kA, kB} << QStringList{kB} << true;
    QTest::newRow("two entries for one run: the later wins")
        << Damage::DuplicateEntry << QStringList{kA, kB} << QStringList{} << true;
    QTest::newRow("runId leading out of the folder dropped")
        << Damage::EscapingRunId << QStringList{kA, kB} << QStringList{} << true;
    QTest::newRow("entry for a run folder that is gone dropped")
        << Damage::EntryForMissingFolder << QStringList{kA, kB} << QStringList{} << true;
}

void tst_RunIndex::damagedIndex()
{
    QFETCH(Damage, damage);
    QFETCH(QStringList, listed);
    QFETCH(QStringList, foundByScan);
    QFETCH(bool, restoresOriginal);

    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    RUNBOARD_VERIFY_OK(lane.createRun(2));
    const QByteArray original = lane.indexBytes();
    QVERIFY(applyDamage(lane, damage));
    const QStringList namesBefore = lane.names();

    const Result<QList<RunSummary>> first = RunIndex::list(lane.worktree());
    RUNBOARD_VERIFY_OK(first);
    QCOMPARE(idsOf(*first), listed);
    QCOMPARE(scannedIdsOf(*first), foundByScan);
    QCOMPARE(titlesOf(*first).first(), QStringLiteral("Run 1"));
    for (const RunSummary &run : *first)
        QCOMPARE(run.bundlePath, lane.runPath(run.runId));

    // Repaired: exactly the runs listed, in JSON.stringify(v, null, 2) form.
    const QByteArray repaired = lane.indexBytes();
    QCOMPARE(indexIdsOf(repaired), listed);
    QVERIFY(repaired.startsWith("{\n  \"version\": 1,\n  \"runs\": [\n    {\n"));
    QVERIFY(repaired.endsWith("\n  ]\n}"));
    QCOMPARE(bytesOf(parse(repaired)), repaired);
    if (restoresOriginal)
        QCOMPARE(repaired, original);
    // Nothing left behind but index.json itself: no lock file, no temp file.
    QStringList expectedNames = namesBefore;
    if (!expectedNames.contains(QStringLiteral("index.json"))) {
        expectedNames.append(QStringLiteral("index.json"));
        expectedNames.sort();
    }
    QCOMPARE(lane.names(), expectedNames);

    // The repair holds: the next listing comes from the index alone and writes nothing.
    const FileIdentity identity = lane.indexIdentity();
    const Result<QList<RunSummary>> second = RunIndex::list(lane.worktree());
    RUNBOARD_VERIFY_OK(second);
    QCOMPARE(idsOf(*second), listed);
    QCOMPARE(scannedIdsOf(*second), QStringList());
    QVERIFY(lane.indexIdentity() == identity);
}

void tst_RunIndex::listingWithoutRepairWritesNothing_data()
{
    damagedIndex_data();
}

void tst_RunIndex::listingWithoutRepairWritesNothing()
{
    QFETCH(Damage, damage);
    QFETCH(QStringList, listed);
    QFETCH(QStringList, foundByScan);

    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    RUNBOARD_VERIFY_OK(lane.createRun(2));
    QVERIFY(applyDamage(lane, damage));
    const QStringList namesBefore = lane.names();
    const bool hadIndex = QFile::exists(lane.index());
    const QByteArray before = lane.indexBytes();
    const FileIdentity identity = lane.indexIdentity();

    for (int round = 0; round < 2; ++round) {
        const Result<QList<RunSummary>> runs
            = RunIndex::list(lane.worktree(), RunIndex::Repair::Never);
        RUNBOARD_VERIFY_OK(runs);
        QCOMPARE(idsOf(*runs), listed);
        QCOMPARE(scannedIdsOf(*runs), foundByScan);
    }
    QCOMPARE(QFile::exists(lane.index()), hadIndex);
    QCOMPARE(lane.indexBytes(), before);
    QVERIFY(lane.indexIdentity() == identity);
    QCOMPARE(lane.names(), namesBefore);
}

void tst_RunIndex::repairKeepsWhatTheIndexHeld()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    Json index = parse(lane.indexBytes());
    // Members ADE does not write (a newer ADE, another tool) survive a repair.
    index["x-tool"] = "another indexer";
    index["runs"][0]["pinned"] = true;
    index["runs"][0]["agentCount"] = 1.5;
    QVERIFY(lane.writeIndex(index));
    const QByteArray keptBlock = entryBlock(lane.indexBytes(), kA);
    QVERIFY(keptBlock.contains("\"pinned\": true"));
    // Run 2 was created while the index was not updated (another machine, a crash, git).
    QVERIFY(lane.addRun(2).is_object());

    const Result<QList<RunSummary>> listed = RunIndex::list(lane.worktree());
    RUNBOARD_VERIFY_OK(listed);
    QCOMPARE(idsOf(*listed), QStringList({kA, kB}));
    QCOMPARE(scannedIdsOf(*listed), QStringList({kB}));
    QCOMPARE(listed->at(0).agentCount, 1);

    const QByteArray repaired = lane.indexBytes();
    QCOMPARE(indexIdsOf(repaired), QStringList({kA, kB}));
    QVERIFY2(repaired.contains(keptBlock), repaired.constData());
    const Json reread = parse(repaired);
    QCOMPARE(QString::fromStdString(reread.value("x-tool", std::string())),
             QStringLiteral("another indexer"));
    const Json &added = reread.at("runs").at(1);
    QCOMPARE(QString::fromStdString(added.at("bundlePath").get<std::string>()), lane.runPath(kB));
    QCOMPARE(QString::fromStdString(added.at("status").get<std::string>()),
             QStringLiteral("active"));
    QCOMPARE(QString::fromStdString(added.at("title").get<std::string>()), QStringLiteral("Run 2"));
}

void tst_RunIndex::foreignFoldersAreNotListed_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QByteArray>("manifest"); // empty: no manifest.json at all

    Json otherRun = TempBundle::minimalManifest(QStringLiteral("R-20260722090009-000009"));
    Json version2 = TempBundle::minimalManifest(QStringLiteral("R-20260722090010-00000a"));
    version2["version"] = 2;
    Json noCreatedAt = TempBundle::minimalManifest(QStringLiteral("R-20260722090011-00000b"));
    noCreatedAt.erase("createdAt");

    QTest::newRow("runId is another folder's")
        << QStringLiteral("R-checked-out-elsewhere") << bytesOf(otherRun);
    QTest::newRow("version 2") << QStringLiteral("R-20260722090010-00000a") << bytesOf(version2);
    QTest::newRow("not JSON") << QStringLiteral("R-20260722090012-00000c")
                              << QByteArray("{\"version\": 1, \"runId\": ");
    QTest::newRow("a JSON array") << QStringLiteral("R-20260722090013-00000d") << QByteArray("[]");
    QTest::newRow("no createdAt") << QStringLiteral("R-20260722090011-00000b")
                                  << bytesOf(noCreatedAt);
    QTest::newRow("no manifest.json") << QStringLiteral("artifacts") << QByteArray();
}

void tst_RunIndex::foreignFoldersAreNotListed()
{
    QFETCH(QString, folder);
    QFETCH(QByteArray, manifest);

    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    QVERIFY(QDir().mkpath(lane.runPath(folder)));
    if (!manifest.isEmpty())
        QVERIFY(writeBytes(lane.manifestPath(folder), manifest));
    const QByteArray before = lane.indexBytes();
    const FileIdentity identity = lane.indexIdentity();

    const Result<QList<RunSummary>> listed = RunIndex::list(lane.worktree());
    RUNBOARD_VERIFY_OK(listed);
    QCOMPARE(idsOf(*listed), QStringList({kA}));
    // Nothing new was found, so the healthy index stays as it is.
    QCOMPARE(lane.indexBytes(), before);
    QVERIFY(lane.indexIdentity() == identity);

    // Rebuilding from scratch does not admit the folder either.
    QVERIFY(QFile::remove(lane.index()));
    RUNBOARD_VERIFY_OK(RunIndex::list(lane.worktree()));
    QCOMPARE(lane.indexBytes(), before);
}

void tst_RunIndex::limitReturnsTheNewestRuns_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("count");

    QTest::newRow("default 100") << int(RunIndex::kDefaultLimit) << 100;
    QTest::newRow("5") << 5 << 5;
    QTest::newRow("250") << 250 << 250;
    QTest::newRow("251 capped at 250") << 251 << 250;
    QTest::newRow("10000 capped at 250") << 10000 << 250;
    QTest::newRow("0 means at least 1") << 0 << 1;
    QTest::newRow("negative means at least 1") << -7 << 1;
}

void tst_RunIndex::limitReturnsTheNewestRuns()
{
    QFETCH(int, limit);
    QFETCH(int, count);

    const Lane *lane = manyRuns();
    QVERIFY(lane);
    const FileIdentity identity = lane->indexIdentity();
    const Result<QList<RunSummary>> listed
        = RunIndex::list(lane->worktree(), RunIndex::Repair::IfNeeded, limit);
    RUNBOARD_VERIFY_OK(listed);
    QCOMPARE(listed->size(), count);
    // The last `limit` runs in creation order, as ADE's runList slices them.
    QCOMPARE(listed->first().runId, runId(260 - count + 1));
    QCOMPARE(listed->last().runId, runId(260));
    for (qsizetype i = 1; i < listed->size(); ++i)
        QVERIFY(listed->at(i - 1).createdAt < listed->at(i).createdAt);
    QVERIFY(lane->indexIdentity() == identity);
}

void tst_RunIndex::recordRunMovesTheRunToTheEnd()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    Json manifestA;
    for (int n = 1; n <= 3; ++n) {
        RUNBOARD_VERIFY_OK(lane.createRun(n));
        if (n == 1)
            manifestA = parse(readBytes(lane.manifestPath(kA)));
    }
    QVERIFY(manifestA.is_object());
    // Things the record must not touch: an unknown top-level member, an unknown field of
    // another entry, and a stale entry (its folder is gone) that only list() would drop.
    Json index = parse(lane.indexBytes());
    index["x-tool"] = "another indexer";
    index["runs"][1]["pinned"] = true;
    Json stale = index["runs"][2];
    stale["runId"] = "R-20260101000000-000000";
    index["runs"].push_back(stale);
    QVERIFY(lane.writeIndex(index));
    const QByteArray before = lane.indexBytes();

    // A commit of run 1: new etag and phase, one more agent, two tasks.
    manifestA["etag"] = "g2-12345678";
    manifestA["serverGeneration"] = 2;
    manifestA["updatedAt"] = "2026-07-22T10:00:00.000Z";
    manifestA["currentPhase"] = "developing";
    manifestA["agents"].push_back(Json{{"sessionId", "S-worker"},
                                       {"role", "worker"},
                                       {"goalSummary", "Build it"},
                                       {"status", "running"},
                                       {"spawnedAt", "2026-07-22T10:00:00.000Z"}});
    manifestA["tasks"] = Json::array({Json{{"id", "T-1"}}, Json{{"id", "T-2"}}});
    QVERIFY(lane.writeManifest(manifestA));
    const QString recordedPath = QStringLiteral("/home/dev/elsewhere/.ade/orchestration/") + kA;
    RUNBOARD_VERIFY_OK(
        RunIndex::recordRun(lane.dir(), manifestA, recordedPath, QStringLiteral("suspended")));

    const QByteArray after = lane.indexBytes();
    QCOMPARE(indexIdsOf(after),
             QStringList({kB, kC, QStringLiteral("R-20260101000000-000000"), kA}));
    for (const QString &id : {kB, kC, QStringLiteral("R-20260101000000-000000")}) {
        const QByteArray block = entryBlock(before, id);
        QVERIFY(!block.isEmpty());
        QVERIFY2(after.contains(block), qPrintable(id));
    }
    // The whole file, spelled out: the fresh entry in ADE's field order, everything else kept.
    Json expected = parse(before);
    expected["runs"].erase(0);
    expected["runs"].push_back(Json{
        {"runId", kA.toStdString()},
        {"laneId", "L-test"},
        {"createdAt", createdAt(1).toStdString()},
        {"updatedAt", "2026-07-22T10:00:00.000Z"},
        {"title", "Run 1"},
        {"goalSummary", "Goal 1"},
        {"currentPhase", "developing"},
        {"etag", "g2-12345678"},
        {"bundlePath", recordedPath.toStdString()},
        {"status", "suspended"},
        {"agentCount", 2},
        {"taskCount", 2},
    });
    QCOMPARE(after, bytesOf(expected));
    QVERIFY(!after.endsWith('\n'));
    QVERIFY(!QFile::exists(lane.index() + QStringLiteral(".lock")));

    // Listing drops the stale entry and still orders by creation; run 1 shows its new state.
    const Result<QList<RunSummary>> listed = RunIndex::list(lane.worktree());
    RUNBOARD_VERIFY_OK(listed);
    QCOMPARE(idsOf(*listed), QStringList({kA, kB, kC}));
    const RunSummary &a = listed->first();
    QCOMPARE(a.etag, QStringLiteral("g2-12345678"));
    QCOMPARE(a.currentPhase, QStringLiteral("developing"));
    QCOMPARE(a.updatedAt, QDateTime(QDate(2026, 7, 22), QTime(10, 0), Qt::UTC));
    QCOMPARE(a.agentCount, 2);
    QCOMPARE(a.taskCount, 2);
    QCOMPARE(a.status, QStringLiteral("suspended"));
    QCOMPARE(a.bundlePath, lane.runPath(kA));
    QVERIFY(a.fromIndex);
}

// Recordings can arrive out of order (a deferred one of the app's after another process's newer
// one): the entry of a run only moves to newer generations. Other etag forms are not compared.
void tst_RunIndex::recordRunNeverGoesBackToAnOlderGeneration()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    Json manifest = parse(readBytes(lane.manifestPath(kA)));
    QVERIFY(manifest.is_object());
    const auto recordAt = [&](const char *etag, const char *title) {
        manifest["etag"] = etag;
        manifest["title"] = title;
        return RunIndex::recordRun(lane.dir(), manifest, lane.runPath(kA));
    };
    const auto recordedTitle = [&] {
        return QString::fromStdString(
            parse(lane.indexBytes()).at("runs").back().at("title").get<std::string>());
    };

    RUNBOARD_VERIFY_OK(recordAt("g12-0000000c", "twelve"));
    const QByteArray atTwelve = lane.indexBytes();
    RUNBOARD_VERIFY_OK(recordAt("g11-0000000b", "eleven"));
    QCOMPARE(lane.indexBytes(), atTwelve); // nothing written, not even the same bytes again
    RUNBOARD_VERIFY_OK(recordAt("g9-00000009", "nine")); // fewer digits, still older
    QCOMPARE(recordedTitle(), QStringLiteral("twelve"));

    RUNBOARD_VERIFY_OK(recordAt("g12-ffffffff", "twelve again")); // the same generation
    QCOMPARE(recordedTitle(), QStringLiteral("twelve again"));
    RUNBOARD_VERIFY_OK(recordAt("g13-0000000d", "thirteen"));
    QCOMPARE(recordedTitle(), QStringLiteral("thirteen"));
    RUNBOARD_VERIFY_OK(recordAt("hand-made", "not an etag of ours"));
    QCOMPARE(recordedTitle(), QStringLiteral("not an etag of ours"));
    RUNBOARD_VERIFY_OK(recordAt("g2-00000002", "after a foreign etag"));
    QCOMPARE(recordedTitle(), QStringLiteral("after a foreign etag"));
    QVERIFY(!QFile::exists(lane.index() + QStringLiteral(".lock")));
}

void tst_RunIndex::recordRunKeepsUnknownFieldsOfTheReplacedEntry()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    Json index = parse(lane.indexBytes());
    index["runs"][0]["pinned"] = true;
    index["runs"][0]["title"] = "A title the manifest no longer has";
    QVERIFY(lane.writeIndex(index));

    const Json manifest = parse(readBytes(lane.manifestPath(kA)));
    RUNBOARD_VERIFY_OK(RunIndex::recordRun(lane.dir(), manifest, lane.runPath(kA)));
    const Json entry = parse(lane.indexBytes()).at("runs").at(0);
    QVERIFY(entry.value("pinned", false));
    QCOMPARE(QString::fromStdString(entry.at("title").get<std::string>()), QStringLiteral("Run 1"));
    // Known fields first, in ADE's order, the carried-over field after them.
    std::vector<std::string> keys;
    for (const auto &member : entry.items())
        keys.push_back(member.key());
    QCOMPARE(QString::fromStdString(keys.back()), QStringLiteral("pinned"));
    QCOMPARE(QString::fromStdString(keys.front()), QStringLiteral("runId"));
}

void tst_RunIndex::recordRunRebuildsAMissingOrBrokenIndex_data()
{
    QTest::addColumn<QByteArray>("index"); // empty: no index.json

    QTest::newRow("missing") << QByteArray();
    QTest::newRow("not JSON") << QByteArray("{nope");
    QTest::newRow("version 2") << QByteArray("{\"version\": 2, \"runs\": []}");
}

void tst_RunIndex::recordRunRebuildsAMissingOrBrokenIndex()
{
    QFETCH(QByteArray, index);

    const Lane lane;
    QVERIFY(lane.isValid());
    const Json manifestA = lane.addRun(1);
    QVERIFY(lane.addRun(2).is_object());
    if (!index.isEmpty())
        QVERIFY(lane.writeIndex(index));

    RUNBOARD_VERIFY_OK(RunIndex::recordRun(lane.dir(), manifestA, lane.runPath(kA)));
    const QByteArray written = lane.indexBytes();
    // Run 2, found by the scan, is not lost; run 1 was recorded last.
    QCOMPARE(indexIdsOf(written), QStringList({kB, kA}));
    QCOMPARE(bytesOf(parse(written)), written);
    const Result<QList<RunSummary>> listed = RunIndex::list(lane.worktree());
    RUNBOARD_VERIFY_OK(listed);
    QCOMPARE(idsOf(*listed), QStringList({kA, kB}));
    QCOMPARE(scannedIdsOf(*listed), QStringList());
}

void tst_RunIndex::recordRunRefuses_data()
{
    QTest::addColumn<QString>("folder"); // relative to the orchestration folder
    QTest::addColumn<QByteArray>("manifest");
    QTest::addColumn<QString>("status");
    QTest::addColumn<ErrorCode>("code");

    const Json good = TempBundle::minimalManifest(kC);
    Json version2 = good;
    version2["version"] = 2;
    Json escaping = TempBundle::minimalManifest(QStringLiteral(".."));
    Json noRunId = good;
    noRunId.erase("runId");
    const QString active = QStringLiteral("active");

    QTest::newRow("version 2 manifest")
        << QString() << bytesOf(version2) << active << ErrorCode::Unreadable;
    QTest::newRow("manifest without runId")
        << QString() << bytesOf(noRunId) << active << ErrorCode::Unreadable;
    QTest::newRow("runId that is no folder name")
        << QString() << bytesOf(escaping) << active << ErrorCode::Unreadable;
    QTest::newRow("unknown status")
        << QString() << bytesOf(good) << QStringLiteral("paused") << ErrorCode::ValidationFailed;
    QTest::newRow("no such folder")
        << QStringLiteral("missing") << bytesOf(good) << active << ErrorCode::NotFound;
}

void tst_RunIndex::recordRunRefuses()
{
    QFETCH(QString, folder);
    QFETCH(QByteArray, manifest);
    QFETCH(QString, status);
    QFETCH(ErrorCode, code);

    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    const QByteArray before = lane.indexBytes();
    const FileIdentity identity = lane.indexIdentity();
    const QStringList names = lane.names();

    const QString dir = folder.isEmpty() ? lane.dir() : lane.dir() + QLatin1Char('/') + folder;
    const Result<void> refused
        = RunIndex::recordRun(dir, parse(manifest), lane.runPath(kC), status);
    QVERIFY(!refused.isOk());
    QCOMPARE(errorCodeName(refused.error().code), errorCodeName(code));
    QVERIFY(!refused.error().message.isEmpty());
    QCOMPARE(lane.indexBytes(), before);
    QVERIFY(lane.indexIdentity() == identity);
    QCOMPARE(lane.names(), names);
}

void tst_RunIndex::orchestrationDirFromEachKindOfPath_data()
{
    QTest::addColumn<QString>("relative"); // to the worktree
    QTest::addColumn<bool>("found");

    const QString run = QStringLiteral("/.ade/orchestration/") + kA;
    QTest::newRow("worktree") << QString() << true;
    QTest::newRow("worktree with trailing slash") << QStringLiteral("/") << true;
    QTest::newRow("worktree, unclean") << QStringLiteral("/.ade/../") << true;
    QTest::newRow(".ade folder") << QStringLiteral("/.ade") << true;
    QTest::newRow("orchestration folder") << QStringLiteral("/.ade/orchestration") << true;
    QTest::newRow("orchestration folder/") << QStringLiteral("/.ade/orchestration/") << true;
    QTest::newRow("index.json") << QStringLiteral("/.ade/orchestration/index.json") << true;
    QTest::newRow("run folder") << run << true;
    QTest::newRow("manifest.json") << run + QStringLiteral("/manifest.json") << true;
    QTest::newRow("folder inside a run") << run + QStringLiteral("/artifacts") << false;
    QTest::newRow("other folder of the worktree") << QStringLiteral("/src") << false;
    QTest::newRow("path that does not exist") << QStringLiteral("/nope") << false;
}

void tst_RunIndex::orchestrationDirFromEachKindOfPath()
{
    QFETCH(QString, relative);
    QFETCH(bool, found);

    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    QVERIFY(QDir().mkpath(lane.runPath(kA) + QStringLiteral("/artifacts")));
    QVERIFY(QDir().mkpath(lane.worktree() + QStringLiteral("/src")));

    const Result<QString> dir = RunIndex::orchestrationDir(lane.worktree() + relative);
    if (found) {
        RUNBOARD_VERIFY_OK(dir);
        QCOMPARE(*dir, lane.dir());
        const Result<QList<RunSummary>> listed
            = RunIndex::list(lane.worktree() + relative, RunIndex::Repair::Never);
        RUNBOARD_VERIFY_OK(listed);
        QCOMPARE(idsOf(*listed), QStringList({kA}));
    } else {
        QVERIFY(!dir.isOk());
        QCOMPARE(dir.error().code, ErrorCode::NotFound);
        QVERIFY2(dir.error().message.contains(lane.worktree()), qPrintable(dir.error().message));
        const Result<QList<RunSummary>> listed = RunIndex::list(lane.worktree() + relative);
        QVERIFY(!listed.isOk());
        QCOMPARE(listed.error().code, ErrorCode::NotFound);
    }
}

void tst_RunIndex::noOrchestrationFolderIsNotFound()
{
    QTemporaryDir plain;
    QVERIFY(plain.isValid());
    const Result<QList<RunSummary>> listed = RunIndex::list(plain.path());
    QVERIFY(!listed.isOk());
    QCOMPARE(listed.error().code, ErrorCode::NotFound);
    QVERIFY2(listed.error().message.contains(QStringLiteral(".ade/orchestration")),
             qPrintable(listed.error().message));
    // Looking did not create anything.
    QVERIFY(QDir(plain.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
}

void tst_RunIndex::aHeldLockIsAnIoErrorNamingTheLock()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    RUNBOARD_VERIFY_OK(lane.createRun(1));
    RUNBOARD_VERIFY_OK(lane.createRun(2));
    const QString lockPath = lane.index() + QStringLiteral(".lock");

    BundleLock other(lane.index());
    RUNBOARD_VERIFY_OK(other.lock());
    QCOMPARE(other.lockFilePath(), lockPath);

    // A healthy index needs no lock to be listed.
    RUNBOARD_VERIFY_OK(
        RunIndex::list(lane.worktree(), RunIndex::Repair::IfNeeded, RunIndex::kDefaultLimit, 20ms));

    const Json manifest = parse(readBytes(lane.manifestPath(kA)));
    const Result<void> recorded = RunIndex::recordRun(lane.dir(), manifest, lane.runPath(kA),
                                                      QStringLiteral("active"), 20ms);
    QVERIFY(!recorded.isOk());
    QCOMPARE(recorded.error().code, ErrorCode::IoError);
    QVERIFY2(recorded.error().message.contains(lockPath), qPrintable(recorded.error().message));

    QVERIFY(QFile::remove(lane.index()));
    const Result<QList<RunSummary>> repair = RunIndex::list(
        lane.worktree(), RunIndex::Repair::IfNeeded, RunIndex::kDefaultLimit, 20ms);
    QVERIFY(!repair.isOk());
    QCOMPARE(repair.error().code, ErrorCode::IoError);
    QVERIFY2(repair.error().message.contains(lockPath), qPrintable(repair.error().message));
    QVERIFY(!QFile::exists(lane.index()));

    // Read-only callers are not held up by a writer.
    const Result<QList<RunSummary>> readOnly
        = RunIndex::list(lane.worktree(), RunIndex::Repair::Never, RunIndex::kDefaultLimit, 20ms);
    RUNBOARD_VERIFY_OK(readOnly);
    QCOMPARE(idsOf(*readOnly), QStringList({kA, kB}));

    other.unlock();
    RUNBOARD_VERIFY_OK(RunIndex::list(lane.worktree()));
    QCOMPARE(indexIdsOf(lane.indexBytes()), QStringList({kA, kB}));
    QVERIFY(!QFile::exists(lockPath));
}

void tst_RunIndex::anIndexThatCannotBeReadIsAnIoError()
{
    const Lane lane;
    QVERIFY(lane.isValid());
    const Json manifest = lane.addRun(1);
    QVERIFY(manifest.is_object());
    // Not "no index": something is there that we cannot read, so it must not be replaced.
    QVERIFY(QDir().mkpath(lane.index()));

    for (const RunIndex::Repair repair : {RunIndex::Repair::Never, RunIndex::Repair::IfNeeded}) {
        const Result<QList<RunSummary>> listed = RunIndex::list(lane.worktree(), repair);
        QVERIFY(!listed.isOk());
        QCOMPARE(listed.error().code, ErrorCode::IoError);
        QVERIFY2(listed.error().message.contains(lane.index()), qPrintable(listed.error().message));
    }
    const Result<void> recorded = RunIndex::recordRun(lane.dir(), manifest, lane.runPath(kA));
    QVERIFY(!recorded.isOk());
    QCOMPARE(recorded.error().code, ErrorCode::IoError);
    QVERIFY(QFileInfo(lane.index()).isDir());
    QVERIFY(!QFile::exists(lane.index() + QStringLiteral(".lock")));
}

QTEST_GUILESS_MAIN(tst_RunIndex)
#include "tst_runindex.moc"
