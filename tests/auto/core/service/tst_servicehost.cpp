// SPDX-License-Identifier: MIT
// ServiceHost/RunHandle: the GUI thread talks to a service in another thread only through
// queued calls and signals, and sees states in order.

#include "jsonwriter.h"
#include "servicehost.h"
#include "tempbundle.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace runboard;
using namespace runboard::test;

namespace {

void renameOver(const TempBundle &bundle, const Json &manifest)
{
    const std::string text = JsonWriter::write(manifest);
    const QString temp = bundle.bundlePath() + QStringLiteral("/incoming.part");
    QFile file(temp);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.data(), qint64(text.size()));
    file.close();
    QVERIFY(::rename(QFile::encodeName(temp).constData(),
                     QFile::encodeName(bundle.manifestPath()).constData())
            == 0);
}

ManifestStore::PatchRequest titlePatch(const QString &etag)
{
    ManifestStore::PatchRequest request;
    request.ifMatchEtag = etag;
    request.operations
        = Json::parse(R"([{"op":"replace","path":"/title","value":"From the GUI"}])");
    request.actor = Actor{ActorRole::User, QString()};
    return request;
}

// Opens the bundle's run and waits until it is open; nullptr when it did not open.
RunHandle *openRun(ServiceHost &host, const TempBundle &bundle)
{
    RunHandle *run = host.open(ManifestStore::locate(bundle.bundlePath()).value());
    QSignalSpy opened(run, &RunHandle::opened);
    return opened.wait() ? run : nullptr;
}

} // namespace

class tst_ServiceHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensInTheServiceThread();
    void reportsARunThatCannotBeOpened();
    void deliversExternalChangesInOrder();
    void patchesAndConflictsComeBackAsSignals();
    void anOverwriteIsForwarded();
    void closingWithRequestsInFlightIsSafe();
};

void tst_ServiceHost::opensInTheServiceThread()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ServiceHost host;
    RunHandle *run = host.open(ManifestStore::locate(bundle.bundlePath()).value());
    QSignalSpy opened(run, &RunHandle::opened);
    QVERIFY(opened.wait());
    QVERIFY(run->isOpen());
    QCOMPARE(run->state(), ManifestService::State::Live);
    QCOMPARE(run->snapshot().etag(), QStringLiteral("g1-0a1b2c3d"));
    QVERIFY(run->serviceThread() != nullptr);
    QVERIFY(run->serviceThread() != QThread::currentThread());
    QVERIFY2(run->watchModeDescription().contains(QStringLiteral("notifications")),
             qPrintable(run->watchModeDescription()));
}

void tst_ServiceHost::reportsARunThatCannotBeOpened()
{
    TempBundle bundle;
    QVERIFY(bundle.writeFile(QStringLiteral("manifest.json"), "[1, 2"));
    ServiceHost host;
    RunHandle *run = host.open(ManifestStore::locate(bundle.bundlePath()).value());
    QSignalSpy failed(run, &RunHandle::openFailed);
    QVERIFY(failed.wait());
    const auto error = failed.constFirst().at(0).value<Error>();
    QCOMPARE(error.code, ErrorCode::Unreadable);
    QVERIFY(error.message.contains(bundle.manifestPath()));
    QVERIFY(!run->isOpen());
}

void tst_ServiceHost::deliversExternalChangesInOrder()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ServiceHost host;
    RunHandle *run = host.open(ManifestStore::locate(bundle.bundlePath()).value());
    QSignalSpy snapshots(run, &RunHandle::snapshotChanged);
    QVERIFY(QSignalSpy(run, &RunHandle::opened).wait());
    for (int generation = 2; generation <= 6; ++generation) {
        Json next = TempBundle::minimalManifest(bundle.runId(), generation);
        renameOver(bundle, next);
        QTRY_COMPARE(run->snapshot().serverGeneration(), generation);
    }
    qint64 previous = 0;
    for (const QList<QVariant> &args : std::as_const(snapshots)) {
        const auto snapshot = args.at(0).value<Snapshot>();
        QVERIFY(snapshot.serverGeneration() > previous);
        previous = snapshot.serverGeneration();
    }
    QCOMPARE(previous, 6);
}

// Every outcome comes after the version it refers to: the result of a commit, or for a conflict
// the version that caused it, even when the watcher has not reported that version yet.
void tst_ServiceHost::patchesAndConflictsComeBackAsSignals()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ServiceHost host;
    RunHandle *run = openRun(host, bundle);
    QVERIFY(run != nullptr);
    QSignalSpy finished(run, &RunHandle::patchFinished);
    QStringList shownWhenFinished; // "<the handle's etag> <the outcome's etag>"
    connect(run, &RunHandle::patchFinished, this,
            [run, &shownWhenFinished](const ServiceOutcome &outcome) {
                shownWhenFinished << run->snapshot().etag() + QLatin1Char(' ')
                                         + outcome.snapshot.etag();
            });

    const quint64 first = run->requestPatch(titlePatch(run->snapshot().etag()));
    QVERIFY(finished.wait());
    auto outcome = finished.takeFirst().at(0).value<ServiceOutcome>();
    QCOMPARE(outcome.requestId, first);
    QVERIFY(outcome.ok);
    QCOMPARE(outcome.snapshot.source(), Snapshot::Source::Self);
    QCOMPARE(bundle.readManifest().at("title").get<std::string>(), std::string("From the GUI"));
    const QString ours = outcome.snapshot.etag();
    QCOMPARE(shownWhenFinished.takeFirst(), ours + QLatin1Char(' ') + ours);

    const quint64 second = run->requestPatch(titlePatch(QStringLiteral("g1-0a1b2c3d")));
    QVERIFY(finished.wait());
    outcome = finished.takeFirst().at(0).value<ServiceOutcome>();
    QCOMPARE(outcome.requestId, second);
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.error.code, ErrorCode::EtagConflict);
    QCOMPARE(shownWhenFinished.takeFirst(), ours + QLatin1Char(' ') + ours);

    Json theirs = TempBundle::minimalManifest(bundle.runId(), 7);
    theirs["etag"] = "g7-external";
    renameOver(bundle, theirs);
    run->requestPatch(titlePatch(ours));
    QVERIFY(finished.wait());
    outcome = finished.takeFirst().at(0).value<ServiceOutcome>();
    QCOMPARE(outcome.error.code, ErrorCode::EtagConflict);
    QCOMPARE(outcome.snapshot.etag(), QStringLiteral("g7-external"));
    QCOMPARE(shownWhenFinished.takeFirst(), QStringLiteral("g7-external g7-external"));
}

void tst_ServiceHost::anOverwriteIsForwarded()
{
    TempBundle bundle;
    const Json base = TempBundle::minimalManifest(bundle.runId());
    bundle.writeManifest(base);
    ServiceHost host;
    RunHandle *run = openRun(host, bundle);
    QVERIFY(run != nullptr);
    QSignalSpy finished(run, &RunHandle::patchFinished);
    QSignalSpy overwritten(run, &RunHandle::overwritten);
    run->requestPatch(titlePatch(run->snapshot().etag()));
    QVERIFY(finished.wait());
    const auto ours = finished.takeFirst().at(0).value<ServiceOutcome>();
    QVERIFY(ours.ok);

    // Built on our base, not on ours: our title is gone.
    Json theirs = base;
    theirs["etag"] = "g2-external";
    theirs["serverGeneration"] = 2;
    theirs["goalSummary"] = "Theirs";
    renameOver(bundle, theirs);
    QVERIFY(overwritten.wait());
    const auto report = overwritten.constFirst().at(0).value<OverwriteReport>();
    QCOMPARE(report.ourEtag, ours.snapshot.etag());
    QCOMPARE(report.theirEtag, QStringLiteral("g2-external"));
    QCOMPARE(run->snapshot().etag(), QStringLiteral("g2-external"));
    QVERIFY(report.ourBase != nullptr);
    QCOMPARE(report.ourBase->at("title").get<std::string>(), std::string("Test run"));
}

void tst_ServiceHost::closingWithRequestsInFlightIsSafe()
{
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    auto host = std::make_unique<ServiceHost>();
    RunHandle *run = host->open(ManifestStore::locate(bundle.bundlePath()).value());
    QVERIFY(QSignalSpy(run, &RunHandle::opened).wait());
    for (int i = 0; i < 20; ++i)
        run->requestPatch(titlePatch(run->snapshot().etag()));
    delete run;   // answers still in flight are dropped, not delivered to a dead object
    host.reset(); // stops the thread; the service is deleted there
    QVERIFY(bundle.readManifest().is_object());
    QCOMPARE(bundle.tempFiles(), QStringList());
}

QTEST_GUILESS_MAIN(tst_ServiceHost)
#include "tst_servicehost.moc"
