// SPDX-License-Identifier: MIT
// ManifestService: a live run. External writers of every kind show up by themselves, in order;
// our own writes are recognised by content; broken, foreign or missing files suspend editing and
// keep the last good state; a sign of life ends a stall.

#include "jsonwriter.h"
#include "manifestservice.h"
#include "resultcheck.h"
#include "tempbundle.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QtConcurrent>

#include <atomic>
#include <thread>

using namespace runboard;
using namespace runboard::test;

Q_DECLARE_METATYPE(runboard::ManifestService::Lifecycle)

namespace {

QByteArray bytesOf(const Json &manifest)
{
    const std::string text = JsonWriter::write(manifest);
    return QByteArray(text.data(), qsizetype(text.size()));
}

// How ADE and atomic editors write: a temp file renamed over the manifest.
void renameOver(const TempBundle &bundle, const QByteArray &bytes)
{
    const QString temp = bundle.bundlePath() + QStringLiteral("/incoming.part");
    QFile file(temp);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
    file.close();
    QVERIFY(::rename(QFile::encodeName(temp).constData(),
                     QFile::encodeName(bundle.manifestPath()).constData())
            == 0);
}

Json manifestAt(const TempBundle &bundle, int generation, const char *title)
{
    Json m = TempBundle::minimalManifest(bundle.runId(), generation);
    m["etag"] = "g" + std::to_string(generation) + "-external";
    m["title"] = title;
    return m;
}

QList<Snapshot> snapshotsIn(const QSignalSpy &spy)
{
    QList<Snapshot> list;
    for (const QList<QVariant> &args : spy)
        list << args.at(0).value<Snapshot>();
    return list;
}

QList<ManifestService::Lifecycle> eventsIn(const QSignalSpy &spy)
{
    QList<ManifestService::Lifecycle> list;
    for (const QList<QVariant> &args : spy)
        list << args.at(0).value<ManifestService::Lifecycle>();
    return list;
}

ManifestStore::PatchRequest titlePatch(const QString &etag, const std::string &title)
{
    ManifestStore::PatchRequest request;
    request.ifMatchEtag = etag;
    request.operations = Json::array({{{"op", "replace"}, {"path", "/title"}, {"value", title}}});
    request.actor = Actor{ActorRole::User, QString()};
    return request;
}

} // namespace

class tst_ManifestService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void opensAndPublishesTheInitialSnapshot();
    void refusesToOpenWhatIsNotARun();
    void anExternalChangeAppearsByItself();
    void ownWritesAreNotEchoed();
    void aManifestAndPlanChangedTogetherBothArrive();
    void aHandEditKeepingTheEtagIsAnExternalChange();
    void aStalePatchIsRefusedAndTheDiskStateShown();
    void aLowerGenerationIsARollback();
    void aForeignRunSuspendsUntilTheRunComesBack();
    void invalidJsonIsUnreadableAndKeepsTheLastGoodState();
    void aDeletedManifestSuspendsEditing();
    void gitStyleReplacementSettlesWithoutFalseAlarms();
    void heartbeatsUpdateTheSnapshotNotTheManifest();
    void aHeartbeatEndsAStall();
    void pollingModeNoticesChanges();
    void subscribersNeverSeeANewerStateThenAnOlderOne();

private:
    void start(ManifestService::Options options = {});

    std::unique_ptr<TempBundle> m_bundle;
    std::unique_ptr<ManifestService> m_service;
    std::unique_ptr<QSignalSpy> m_snapshots;
    std::unique_ptr<QSignalSpy> m_events;
};

void tst_ManifestService::init()
{
    qRegisterMetaType<ManifestService::Lifecycle>();
    m_bundle = std::make_unique<TempBundle>();
    QVERIFY(m_bundle->isValid());
    m_bundle->writeManifest(TempBundle::minimalManifest(m_bundle->runId()));
}

void tst_ManifestService::cleanup()
{
    m_events.reset();
    m_snapshots.reset();
    m_service.reset();
    m_bundle.reset();
}

void tst_ManifestService::start(ManifestService::Options options)
{
    m_service = std::make_unique<ManifestService>(
        ManifestStore::locate(m_bundle->bundlePath()).value(), std::move(options));
    m_snapshots = std::make_unique<QSignalSpy>(m_service.get(), &ManifestService::snapshotChanged);
    m_events = std::make_unique<QSignalSpy>(m_service.get(), &ManifestService::lifecycleChanged);
    RUNBOARD_VERIFY_OK(m_service->open());
    QTRY_COMPARE(m_snapshots->count(), 1);
}

void tst_ManifestService::opensAndPublishesTheInitialSnapshot()
{
    m_bundle->writeFile(QStringLiteral("plan.md"), "# Plan\n");
    start();
    const Snapshot first = snapshotsIn(*m_snapshots).constFirst();
    QCOMPARE(first.source(), Snapshot::Source::Initial);
    QCOMPARE(first.etag(), QStringLiteral("g1-0a1b2c3d"));
    QCOMPARE(first.bytes(), m_bundle->readFile(QStringLiteral("manifest.json")));
    QCOMPARE(m_service->state(), ManifestService::State::Live);
    QCOMPARE(m_service->plan(), QByteArray("# Plan\n"));
    QCOMPARE(m_service->watchMode(), ManifestWatcher::Mode::Notify);
    QVERIFY2(m_service->watchModeDescription().contains(QStringLiteral("notifications")),
             qPrintable(m_service->watchModeDescription()));
}

void tst_ManifestService::refusesToOpenWhatIsNotARun()
{
    QVERIFY(m_bundle->writeFile(QStringLiteral("manifest.json"), "{ not json"));
    ManifestService service(ManifestStore::locate(m_bundle->bundlePath()).value());
    const Result<Snapshot> opened = service.open();
    QVERIFY(!opened.isOk());
    QCOMPARE(opened.error().code, ErrorCode::Unreadable);
    QVERIFY(opened.error().message.contains(m_bundle->manifestPath()));
    QCOMPARE(service.state(), ManifestService::State::Closed);
}

void tst_ManifestService::anExternalChangeAppearsByItself()
{
    start();
    renameOver(*m_bundle, bytesOf(manifestAt(*m_bundle, 2, "Changed elsewhere")));
    QTRY_COMPARE(m_snapshots->count(), 2);
    const Snapshot seen = snapshotsIn(*m_snapshots).constLast();
    QCOMPARE(seen.source(), Snapshot::Source::External);
    QCOMPARE(seen.etag(), QStringLiteral("g2-external"));
    QCOMPARE(seen.document().at("title").get<std::string>(), std::string("Changed elsewhere"));
    QVERIFY(seen.sequence() > snapshotsIn(*m_snapshots).constFirst().sequence());
}

void tst_ManifestService::ownWritesAreNotEchoed()
{
    start();
    const Result<Snapshot> mine
        = m_service->patch(titlePatch(QStringLiteral("g1-0a1b2c3d"), "Mine"));
    RUNBOARD_VERIFY_OK(mine);
    QCOMPARE(mine->source(), Snapshot::Source::Self);
    QCOMPARE(mine->bytes(), m_bundle->readFile(QStringLiteral("manifest.json")));
    // An external change right after ours is the next thing subscribers see: the watcher's
    // echo of our own rename publishes nothing.
    renameOver(*m_bundle, bytesOf(manifestAt(*m_bundle, 5, "Theirs")));
    QTRY_COMPARE(m_snapshots->count(), 3);
    const QList<Snapshot> seen = snapshotsIn(*m_snapshots);
    QCOMPARE(seen.at(1).source(), Snapshot::Source::Self);
    QCOMPARE(seen.at(2).source(), Snapshot::Source::External);
    QCOMPARE(seen.at(2).etag(), QStringLiteral("g5-external"));
    m_service->reload();
    QCoreApplication::processEvents();
    QCOMPARE(m_snapshots->count(), 3);
}

void tst_ManifestService::aManifestAndPlanChangedTogetherBothArrive()
{
    // Format doc scenario 8 (ADE issue #408: one shared debounce dropped one of the two).
    m_bundle->writeFile(QStringLiteral("plan.md"), "# Plan\n");
    start();
    QSignalSpy plans(m_service.get(), &ManifestService::planChanged);
    renameOver(*m_bundle, bytesOf(manifestAt(*m_bundle, 2, "New title")));
    QVERIFY(m_bundle->writeFile(QStringLiteral("plan.md"), "# Plan\n\n## Goal\n\nNew goal\n"));
    QTRY_COMPARE(m_service->snapshot().etag(), QStringLiteral("g2-external"));
    QTRY_COMPARE(m_service->plan(), QByteArray("# Plan\n\n## Goal\n\nNew goal\n"));
    QTRY_VERIFY(!plans.isEmpty());
    QCOMPARE(plans.constLast().at(0).toByteArray(), QByteArray("# Plan\n\n## Goal\n\nNew goal\n"));
}

void tst_ManifestService::aHandEditKeepingTheEtagIsAnExternalChange()
{
    start();
    Json edited = TempBundle::minimalManifest(m_bundle->runId());
    edited["goalSummary"] = "edited by hand";
    renameOver(*m_bundle, bytesOf(edited));
    QTRY_COMPARE(m_snapshots->count(), 2);
    const Snapshot seen = snapshotsIn(*m_snapshots).constLast();
    QCOMPARE(seen.source(), Snapshot::Source::External);
    QCOMPARE(seen.etag(), QStringLiteral("g1-0a1b2c3d"));
    QCOMPARE(seen.document().at("goalSummary").get<std::string>(), std::string("edited by hand"));
}

void tst_ManifestService::aStalePatchIsRefusedAndTheDiskStateShown()
{
    ManifestService::Options unwatched;
    unwatched.watch = false;
    start(unwatched);
    const QByteArray theirs = bytesOf(manifestAt(*m_bundle, 2, "Theirs"));
    renameOver(*m_bundle, theirs);
    const Result<Snapshot> refused
        = m_service->patch(titlePatch(QStringLiteral("g1-0a1b2c3d"), "Mine"));
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::EtagConflict);
    QCOMPARE(m_bundle->readFile(QStringLiteral("manifest.json")), theirs);
    // Even without a watcher, the conflict brought the new state in.
    QTRY_COMPARE(m_snapshots->count(), 2);
    QCOMPARE(snapshotsIn(*m_snapshots).constLast().etag(), QStringLiteral("g2-external"));
}

void tst_ManifestService::aLowerGenerationIsARollback()
{
    m_bundle->writeManifest(manifestAt(*m_bundle, 9, "Newer"));
    start();
    renameOver(*m_bundle, bytesOf(manifestAt(*m_bundle, 4, "Checked out")));
    QTRY_COMPARE(m_snapshots->count(), 2);
    QTRY_COMPARE(eventsIn(*m_events), QList{ManifestService::Lifecycle::Rollback});
    QVERIFY(m_events->constFirst().at(1).toString().contains(QStringLiteral("9")));
    QCOMPARE(m_service->snapshot().serverGeneration(), 4);
    // A patch based on the newer state is refused; the older file stays.
    const Result<Snapshot> refused
        = m_service->patch(titlePatch(QStringLiteral("g9-external"), "x"));
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::EtagConflict);
    QCOMPARE(m_bundle->readManifest().at("title").get<std::string>(), std::string("Checked out"));
}

void tst_ManifestService::aForeignRunSuspendsUntilTheRunComesBack()
{
    start();
    const QByteArray own = m_bundle->readFile(QStringLiteral("manifest.json"));
    Json foreign = TempBundle::minimalManifest(QStringLiteral("R-foreign-checkout"));
    renameOver(*m_bundle, bytesOf(foreign));
    QTRY_COMPARE(eventsIn(*m_events), QList{ManifestService::Lifecycle::Suspended});
    QCOMPARE(m_service->state(), ManifestService::State::Suspended);
    QVERIFY(m_service->stateMessage().contains(QStringLiteral("R-foreign-checkout")));

    const Result<Snapshot> refused
        = m_service->patch(titlePatch(QStringLiteral("g1-0a1b2c3d"), "x"));
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::RunSuspended);
    QCOMPARE(m_service->heartbeat(QStringLiteral("S-lead")).error().code, ErrorCode::RunSuspended);
    QCOMPARE(m_bundle->readManifest().at("runId").get<std::string>(),
             std::string("R-foreign-checkout"));
    QCOMPARE(m_service->snapshot().bytes(), own); // the last good state is kept

    renameOver(*m_bundle, own);
    QTRY_COMPARE(eventsIn(*m_events), (QList{ManifestService::Lifecycle::Suspended,
                                             ManifestService::Lifecycle::Resumed}));
    QCOMPARE(m_service->state(), ManifestService::State::Live);
    RUNBOARD_VERIFY_OK(m_service->patch(titlePatch(QStringLiteral("g1-0a1b2c3d"), "Back")));
}

void tst_ManifestService::invalidJsonIsUnreadableAndKeepsTheLastGoodState()
{
    start();
    const QByteArray good = m_bundle->readFile(QStringLiteral("manifest.json"));
    renameOver(*m_bundle, "{\n  \"version\": 1,\n  \"runId\": ");
    QTRY_COMPARE(eventsIn(*m_events), QList{ManifestService::Lifecycle::Unreadable});
    QCOMPARE(m_service->state(), ManifestService::State::Unreadable);
    QVERIFY2(m_service->stateMessage().contains(QStringLiteral("line 3")),
             qPrintable(m_service->stateMessage()));
    QCOMPARE(m_service->snapshot().bytes(), good);
    QCOMPARE(m_service->patch(titlePatch(QStringLiteral("g1-0a1b2c3d"), "x")).error().code,
             ErrorCode::RunSuspended);

    renameOver(*m_bundle, bytesOf(manifestAt(*m_bundle, 2, "Repaired")));
    QTRY_COMPARE(eventsIn(*m_events), (QList{ManifestService::Lifecycle::Unreadable,
                                             ManifestService::Lifecycle::Resumed}));
    QTRY_COMPARE(m_service->snapshot().etag(), QStringLiteral("g2-external"));
}

void tst_ManifestService::aDeletedManifestSuspendsEditing()
{
    start();
    const QByteArray good = m_bundle->readFile(QStringLiteral("manifest.json"));
    QVERIFY(QFile::remove(m_bundle->manifestPath()));
    QTRY_COMPARE(eventsIn(*m_events), QList{ManifestService::Lifecycle::Deleted});
    QCOMPARE(m_service->state(), ManifestService::State::Deleted);
    QCOMPARE(m_service->patch(titlePatch(QStringLiteral("g1-0a1b2c3d"), "x")).error().code,
             ErrorCode::RunSuspended);
    QVERIFY(!QFile::exists(m_bundle->manifestPath())); // nothing recreated it

    renameOver(*m_bundle, good);
    QTRY_COMPARE(m_service->state(), ManifestService::State::Live);
    QCOMPARE(eventsIn(*m_events),
             (QList{ManifestService::Lifecycle::Deleted, ManifestService::Lifecycle::Resumed}));
    QCOMPARE(m_snapshots->count(), 1); // the same bytes came back: nothing new to show
}

void tst_ManifestService::gitStyleReplacementSettlesWithoutFalseAlarms()
{
    start();
    const QByteArray next = bytesOf(manifestAt(*m_bundle, 2, "Pulled"));
    const QString path = m_bundle->manifestPath();
    // git unlinks, creates, and writes in pieces; the event loop runs between the steps, so the
    // watcher sees every intermediate state.
    auto file = std::make_shared<QFile>(path);
    QTimer::singleShot(0, this, [path] { QFile::remove(path); });
    QTimer::singleShot(2, this, [file] { QVERIFY(file->open(QIODevice::WriteOnly)); });
    QTimer::singleShot(4, this, [file, next] {
        file->write(next.left(next.size() / 2));
        file->flush();
    });
    QTimer::singleShot(8, this, [file, next] {
        file->write(next.mid(next.size() / 2));
        file->close();
    });
    QTRY_COMPARE(m_service->snapshot().etag(), QStringLiteral("g2-external"));
    QCOMPARE(eventsIn(*m_events), QList<ManifestService::Lifecycle>());
    QCOMPARE(m_service->state(), ManifestService::State::Live);
}

void tst_ManifestService::heartbeatsUpdateTheSnapshotNotTheManifest()
{
    start();
    const QByteArray before = m_bundle->readFile(QStringLiteral("manifest.json"));
    const Result<QDateTime> at = m_service->heartbeat(QStringLiteral("S-lead"));
    RUNBOARD_VERIFY_OK(at);
    QTRY_COMPARE(m_snapshots->count(), 2);
    const Snapshot seen = snapshotsIn(*m_snapshots).constLast();
    QVERIFY(seen.heartbeats().contains("S-lead"));
    QCOMPARE(seen.bytes(), before);
    QCOMPARE(m_bundle->readFile(QStringLiteral("manifest.json")), before);
    QCOMPARE(m_service->heartbeat(QStringLiteral("S-ghost")).error().code, ErrorCode::NotFound);
}

void tst_ManifestService::aHeartbeatEndsAStall()
{
    Json manifest = TempBundle::minimalManifest(m_bundle->runId());
    manifest["agents"].push_back({{"sessionId", "S-worker"},
                                  {"role", "worker"},
                                  {"goalSummary", "Build"},
                                  {"status", "running"},
                                  {"spawnedAt", "2026-07-22T09:30:15.120Z"},
                                  {"stalled", true}});
    m_bundle->writeManifest(manifest);
    start();
    RUNBOARD_VERIFY_OK(m_service->heartbeat(QStringLiteral("S-worker")));
    QTRY_COMPARE(m_snapshots->count(), 2);
    const Snapshot seen = snapshotsIn(*m_snapshots).constLast();
    QCOMPARE(seen.source(), Snapshot::Source::Self);
    QCOMPARE(seen.serverGeneration(), 2);
    QVERIFY(!m_bundle->readManifest().at("agents").at(1).at("stalled").get<bool>());
    QVERIFY(seen.heartbeats().contains("S-worker"));
}

void tst_ManifestService::pollingModeNoticesChanges()
{
    ManifestService::Options options;
    options.watcher.forcePolling = true;
    options.watcher.pollInterval = std::chrono::milliseconds(20);
    start(options);
    QCOMPARE(m_service->watchMode(), ManifestWatcher::Mode::Polling);
    QVERIFY(m_service->watchModeDescription().contains(QStringLiteral("polling")));
    renameOver(*m_bundle, bytesOf(manifestAt(*m_bundle, 2, "Polled")));
    QTRY_COMPARE(m_service->snapshot().etag(), QStringLiteral("g2-external"));
}

void tst_ManifestService::subscribersNeverSeeANewerStateThenAnOlderOne()
{
    // An external writer thread raises the generation by 1000 at a time while another thread
    // commits patches through the service and the watcher reloads in this thread. Every state
    // the disk goes through has a higher generation than the one before, so subscribers must
    // see generations that never go down, and sequence numbers that always go up.
    start();
    std::atomic<bool> done{false};
    std::atomic<int> committed{0};
    std::thread writer([this, &done, &committed] {
        // Start once a commit of ours is through, so the two writers certainly overlap.
        while (committed.load() == 0)
            std::this_thread::yield();
        for (int i = 1; i <= 60; ++i) {
            const QByteArray bytes = bytesOf(manifestAt(*m_bundle, 1000 * i, "external"));
            const QString temp = m_bundle->bundlePath() + QStringLiteral("/w.part");
            QFile file(temp);
            if (!file.open(QIODevice::WriteOnly))
                break;
            file.write(bytes);
            file.close();
            ::rename(QFile::encodeName(temp).constData(),
                     QFile::encodeName(m_bundle->manifestPath()).constData());
            std::this_thread::yield();
        }
        done = true;
    });
    QFuture<void> patcher = QtConcurrent::run([this, &done, &committed] {
        while (!done || committed.load() < 2) {
            const Result<Snapshot> r
                = m_service->patch(titlePatch(m_service->snapshot().etag(), "ours"));
            committed += r.isOk() ? 1 : 0;
        }
    });
    while (!done || !patcher.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    writer.join();

    QTRY_COMPARE(m_service->snapshot().bytes(),
                 m_bundle->readFile(QStringLiteral("manifest.json")));
    QTRY_COMPARE(snapshotsIn(*m_snapshots).constLast().bytes(),
                 m_bundle->readFile(QStringLiteral("manifest.json")));
    const QList<Snapshot> seen = snapshotsIn(*m_snapshots);
    for (int i = 1; i < seen.size(); ++i) {
        QVERIFY2(seen.at(i).sequence() > seen.at(i - 1).sequence(), qPrintable(QString::number(i)));
        QVERIFY2(seen.at(i).serverGeneration() >= seen.at(i - 1).serverGeneration(),
                 qPrintable(QStringLiteral("generation %1 after %2")
                                .arg(seen.at(i).serverGeneration())
                                .arg(seen.at(i - 1).serverGeneration())));
    }
    QVERIFY(eventsIn(*m_events).isEmpty());
    qInfo("%d commits of ours, %lld snapshots seen", committed.load(), qlonglong(seen.size()));
    QVERIFY(committed.load() >= 2);
}

QTEST_GUILESS_MAIN(tst_ManifestService)
#include "tst_manifestservice.moc"
