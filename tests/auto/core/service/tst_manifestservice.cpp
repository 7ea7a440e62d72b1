// SPDX-License-Identifier: MIT
// ManifestService: a live run. External writers of every kind show up by themselves, in order;
// our own writes are recognised by content; broken, foreign or missing files suspend editing and
// keep the last good state; a sign of life ends a stall.

#include "jsonpatch.h"
#include "jsonwriter.h"
#include "manifestservice.h"
#include "resultcheck.h"
#include "tempbundle.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

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

// The first argument of every signal a spy recorded.
template<typename T>
QList<T> firstArgumentsIn(const QSignalSpy &spy)
{
    QList<T> list;
    for (const QList<QVariant> &args : spy)
        list << args.at(0).value<T>();
    return list;
}

QList<Snapshot> snapshotsIn(const QSignalSpy &spy)
{
    return firstArgumentsIn<Snapshot>(spy);
}

QList<ManifestService::Lifecycle> eventsIn(const QSignalSpy &spy)
{
    return firstArgumentsIn<ManifestService::Lifecycle>(spy);
}

// A user's patch replacing one member of the manifest.
ManifestStore::PatchRequest replacePatch(const QString &etag, const char *path,
                                         const std::string &value)
{
    ManifestStore::PatchRequest request;
    request.ifMatchEtag = etag;
    request.operations = Json::array({{{"op", "replace"}, {"path", path}, {"value", value}}});
    request.actor = Actor{ActorRole::User, QString()};
    return request;
}

ManifestStore::PatchRequest titlePatch(const QString &etag, const std::string &title)
{
    return replacePatch(etag, "/title", title);
}

// Another writer's commit built on `base`: the title changed (plus `ops`), the next generation of
// base with an etag of its own and a history entry in base's ring, as ADE's service writes it.
Json committedOn(const Json &base, const char *etag, const char *title, const char *ops = "[]")
{
    Result<JsonPatch> patch = JsonPatch::fromJson(Json::parse(ops));
    Result<Json> applied = patch.isOk() ? patch->apply(base) : Result<Json>(patch.error());
    if (!applied.isOk())
        qFatal("bad ops in test: %s", qPrintable(applied.error().message));
    Json next = std::move(applied).value();
    next["title"] = title;
    next["serverGeneration"] = base.at("serverGeneration").get<int>() + 1;
    next["etag"] = etag;
    next["updatedAt"] = "2026-07-22T10:00:00.000Z";
    next["history"].push_back(Json{{"etag", etag},
                                   {"at", "2026-07-22T10:00:00.000Z"},
                                   {"summary", "patch"},
                                   {"patchKindSummary", "/title\u00d71"}});
    return next;
}

QList<OverwriteReport> reportsIn(const QSignalSpy &spy)
{
    return firstArgumentsIn<OverwriteReport>(spy);
}

// A patch of /goalSummary, as the window sends it: the person's session and summary.
ManifestStore::PatchRequest goalPatch(const QString &etag, const std::string &goal)
{
    ManifestStore::PatchRequest request = replacePatch(etag, "/goalSummary", goal);
    request.actor.sessionId = QStringLiteral("user:ana@box");
    request.summary = QStringLiteral("user:ana@box: goalSummary \u2192 '")
                      + QString::fromStdString(goal) + u'\'';
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
    void ownCommitsSayWhichTaskTheyChanged();
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
    void aVersionNotBuiltOnOursIsReportedOverwritten();
    void overwrittenOrNot_data();
    void overwrittenOrNot();
    void onlyTheNewestOfOurCommitsCanBeOverwritten();
    void aQueuedConflictCarriesTheVersionThatCausedIt();

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
    // It says what differs from the version published before it, worked out on the service's
    // thread so that no view compares whole documents.
    const Snapshot first = snapshotsIn(*m_snapshots).constFirst();
    QVERIFY(!first.changes().isKnown());
    QVERIFY(seen.changes().isRelativeTo(first.sharedDocument()));
    QVERIFY(seen.changes().mayDiffer("title"));
    QVERIFY(seen.changes().mayDiffer("etag"));
    QVERIFY(!seen.changes().mayDiffer("tasks"));
}

void tst_ManifestService::ownCommitsSayWhichTaskTheyChanged()
{
    start();
    ManifestStore::PatchRequest add;
    add.ifMatchEtag = m_service->snapshot().etag();
    add.actor = Actor{ActorRole::Lead, QStringLiteral("S-lead")};
    add.operations = Json::array();
    for (const char *id : {"T-1", "T-2", "T-3"}) {
        add.operations.push_back(
            {{"op", "add"},
             {"path", "/tasks/-"},
             {"value",
              {{"id", id},
               {"phaseId", "developing"},
               {"title", "A task"},
               {"description", "Do it"},
               {"status", "pending"},
               {"validationGate", {{"required", false}, {"stepIds", Json::array()}}}}}});
    }
    const Result<Snapshot> added = m_service->patch(add);
    RUNBOARD_VERIFY_OK(added);
    QCOMPARE(added->changes().changedElements("tasks"), nullptr); // the array grew

    ManifestStore::PatchRequest request
        = replacePatch(added->etag(), "/tasks/{id:T-2}/title", "Renamed by the window");
    const Result<Snapshot> mine = m_service->patch(request);
    RUNBOARD_VERIFY_OK(mine);
    QVERIFY(mine->changes().isRelativeTo(added->sharedDocument()));
    QCOMPARE(*mine->changes().changedElements("tasks"), std::vector<std::size_t>{1});
    QVERIFY(mine->changes().mayDiffer("history"));
    QVERIFY(!mine->changes().mayDiffer("agents"));

    // Said from the patch, not by comparing: a title written with the value it had is named
    // (a comparison would not name it), and so is every place the commit's bookkeeping set.
    const Result<Snapshot> same
        = m_service->patch(replacePatch(mine->etag(), "/tasks/{id:T-3}/title", "A task"));
    RUNBOARD_VERIFY_OK(same);
    QVERIFY(same->changes().isRelativeTo(mine->sharedDocument()));
    QCOMPARE(*same->changes().changedElements("tasks"), std::vector<std::size_t>{2});
    for (const std::string_view member : ManifestStore::bookkeepingMembers())
        QVERIFY(same->changes().mayDiffer(member));
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
    // A thread that is joined, not a QFuture polled with isFinished(): the join orders the
    // patcher's last look at `done` before this frame goes, where ThreadSanitizer sees it
    // (isFinished() is decided inside libQt6Core, which TSan cannot see).
    std::atomic<bool> patching{true};
    std::thread patcher([this, &done, &committed, &patching] {
        while (!done || committed.load() < 2) {
            const Result<Snapshot> r
                = m_service->patch(titlePatch(m_service->snapshot().etag(), "ours"));
            committed += r.isOk() ? 1 : 0;
        }
        patching = false;
    });
    while (!done || patching)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    patcher.join();
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

// DESIGN.md §8: a writer that skips the protocol replaces the version we just committed with
// one built on our base. Our etag is not in its history and our change is not in it: we say so,
// once, after the snapshot of their version, with what a re-apply needs.
void tst_ManifestService::aVersionNotBuiltOnOursIsReportedOverwritten()
{
    start();
    QSignalSpy reports(m_service.get(), &ManifestService::overwritten);
    const Json base = m_bundle->readManifest();
    const Result<Snapshot> ours
        = m_service->patch(goalPatch(QStringLiteral("g1-0a1b2c3d"), "Ours"));
    RUNBOARD_VERIFY_OK(ours);

    renameOver(*m_bundle, bytesOf(committedOn(base, "g2-5ade5ade", "Theirs")));
    QVERIFY(reports.wait());
    QCOMPARE(m_service->snapshot().etag(), QStringLiteral("g2-5ade5ade"));
    QCOMPARE(snapshotsIn(*m_snapshots).constLast().etag(), QStringLiteral("g2-5ade5ade"));
    const OverwriteReport report = reportsIn(reports).constFirst();
    QCOMPARE(report.ourEtag, ours->etag());
    QCOMPARE(report.ourGeneration, qint64(2));
    QCOMPARE(report.theirEtag, QStringLiteral("g2-5ade5ade"));
    QCOMPARE(report.theirGeneration, qint64(2));
    QCOMPARE(report.theirs.etag(), QStringLiteral("g2-5ade5ade"));
    QCOMPARE(QString::fromStdString(report.ourOperations.dump()),
             QStringLiteral(R"([{"op":"replace","path":"/goalSummary","value":"Ours"}])"));
    QCOMPARE(report.ourSummary, QStringLiteral("user:ana@box: goalSummary \u2192 'Ours'"));
    QCOMPARE(report.actor.role, ActorRole::User);
    QCOMPARE(report.actor.sessionId, QStringLiteral("user:ana@box"));
    QVERIFY(report.committedAt.isValid());
    QVERIFY(report.detectedAt >= report.committedAt);
    QVERIFY(report.ourBase != nullptr);
    QCOMPARE(QString::fromStdString(report.ourBase->dump()), QString::fromStdString(base.dump()));

    // Decided once: further versions say nothing more.
    renameOver(*m_bundle, bytesOf(committedOn(m_bundle->readManifest(), "g3-5ade5ade", "Later")));
    QTRY_COMPARE(m_service->snapshot().etag(), QStringLiteral("g3-5ade5ade"));
    QCoreApplication::sendPostedEvents(m_service.get(), QEvent::MetaCall);
    QCOMPARE(reports.count(), 1);
}

void tst_ManifestService::overwrittenOrNot_data()
{
    QTest::addColumn<bool>("onOurs"); // their version is built on ours (else on our base)
    QTest::addColumn<QByteArray>("theirOps");
    QTest::addColumn<bool>("overwritten");
    QTest::newRow("built on our base") << false << QByteArray("[]") << true;
    QTest::newRow("built on ours") << true << QByteArray("[]") << false;
    QTest::newRow("our change re-applied by them")
        << false << QByteArray(R"([{"op":"replace","path":"/goalSummary","value":"Ours"}])")
        << false;
    QTest::newRow("our place changed again by them")
        << false << QByteArray(R"([{"op":"replace","path":"/goalSummary","value":"Other"}])")
        << true;
}

void tst_ManifestService::overwrittenOrNot()
{
    QFETCH(bool, onOurs);
    QFETCH(QByteArray, theirOps);
    QFETCH(bool, overwritten);
    start();
    QSignalSpy reports(m_service.get(), &ManifestService::overwritten);
    const Json base = m_bundle->readManifest();
    RUNBOARD_VERIFY_OK(m_service->patch(goalPatch(QStringLiteral("g1-0a1b2c3d"), "Ours")));
    const Json theirs = committedOn(onOurs ? m_bundle->readManifest() : base, "g9-5ade5ade",
                                    "Theirs", theirOps.constData());
    renameOver(*m_bundle, bytesOf(theirs));
    QTRY_COMPARE(m_service->snapshot().etag(), QStringLiteral("g9-5ade5ade"));
    // A report is posted right behind the snapshot it follows.
    QCoreApplication::sendPostedEvents(m_service.get(), QEvent::MetaCall);
    QCOMPARE(reports.count(), overwritten ? 1 : 0);
}

// Our commit on top of our own last commit confirms that one: only the newest can be reported,
// and an append of ours that they took over is found by its id.
void tst_ManifestService::onlyTheNewestOfOurCommitsCanBeOverwritten()
{
    start();
    QSignalSpy reports(m_service.get(), &ManifestService::overwritten);
    RUNBOARD_VERIFY_OK(m_service->patch(goalPatch(QStringLiteral("g1-0a1b2c3d"), "First")));
    const Json base = m_bundle->readManifest();
    ManifestStore::PatchRequest append;
    append.ifMatchEtag = QString::fromStdString(base.at("etag").get<std::string>());
    append.actor = Actor{ActorRole::Lead, QStringLiteral("S-lead")};
    append.operations = Json::parse(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9",
        "phaseId":"planning","title":"Nine","description":"","status":"pending",
        "validationGate":{"required":false,"stepIds":[]}}}])");
    const Result<Snapshot> second = m_service->patch(append);
    RUNBOARD_VERIFY_OK(second);

    // They took our task over (appended it themselves), built on the first commit.
    renameOver(*m_bundle, bytesOf(committedOn(base, "g3-5ade5ade", "Theirs",
                                              R"([{"op":"add","path":"/tasks/-","value":{
        "id":"T-9","phaseId":"planning","title":"Nine","description":"","status":"pending",
        "validationGate":{"required":false,"stepIds":[]}}}])")));
    QTRY_COMPARE(m_service->snapshot().etag(), QStringLiteral("g3-5ade5ade"));
    QCoreApplication::sendPostedEvents(m_service.get(), QEvent::MetaCall);
    QCOMPARE(reports.count(), 0);

    // Now our next commit, and a version built on the one before it.
    const Json before = m_bundle->readManifest();
    const Result<Snapshot> third
        = m_service->patch(goalPatch(QStringLiteral("g3-5ade5ade"), "Third"));
    RUNBOARD_VERIFY_OK(third);
    renameOver(*m_bundle, bytesOf(committedOn(before, "g4-5ade5ade", "Theirs again")));
    QVERIFY(reports.wait());
    QCOMPARE(reportsIn(reports).constFirst().ourEtag, third->etag());
    QCOMPARE(reportsIn(reports).constFirst().theirEtag, QStringLiteral("g4-5ade5ade"));
    QCoreApplication::sendPostedEvents(m_service.get(), QEvent::MetaCall);
    QCOMPARE(reports.count(), 1);
}

// Through the queued interface, a conflict's answer carries the version that caused it, and
// its snapshot was published before the answer.
void tst_ManifestService::aQueuedConflictCarriesTheVersionThatCausedIt()
{
    start();
    QSignalSpy finished(m_service.get(), &ManifestService::requestFinished);
    QStringList order;
    connect(m_service.get(), &ManifestService::snapshotChanged, this,
            [&order](const Snapshot &snapshot) { order << snapshot.etag(); });
    connect(m_service.get(), &ManifestService::requestFinished, this,
            [&order](const ServiceOutcome &) { order << QStringLiteral("finished"); });
    renameOver(*m_bundle, bytesOf(manifestAt(*m_bundle, 2, "Theirs")));
    m_service->patchRequested(7, titlePatch(QStringLiteral("g1-0a1b2c3d"), "Mine"));
    QVERIFY(finished.wait());
    const auto outcome = finished.constFirst().at(0).value<ServiceOutcome>();
    QCOMPARE(outcome.requestId, quint64(7));
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.error.code, ErrorCode::EtagConflict);
    QCOMPARE(outcome.snapshot.etag(), QStringLiteral("g2-external"));
    QCOMPARE(order, (QStringList{QStringLiteral("g2-external"), QStringLiteral("finished")}));
    QCOMPARE(m_bundle->readManifest().at("title").get<std::string>(), std::string("Theirs"));
}

QTEST_GUILESS_MAIN(tst_ManifestService)
#include "tst_manifestservice.moc"
