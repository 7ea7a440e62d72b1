// SPDX-License-Identifier: MIT
//
// Runboard left open for a long time on a busy run (CTest label `long`: CI runs it, a plain
// scripts/test does not):
// - another process rewrites manifest.json every millisecond for 10 s while the window's path
//   (ServiceHost, RunHandle) delivers it: every snapshot delivered is a version that was on disk,
//   byte for byte, in order, the run stays live, the newest version arrives once the writer
//   stops, and the GUI thread's timer never stalls;
// - 10,000 external changes seen by the watcher and 10,000 commits on one service: the process's
//   memory at the end is within 10 % of what it was after the first 1,000, and it holds the same
//   number of file descriptors.
// Bundles live on /dev/shm when there is one: fsync is free there, and what is measured is the
// service, not the disk.

#include "jsonwriter.h"
#include "manifestservice.h"
#include "manifeststore.h"
#include "programrun.h"
#include "resultcheck.h"
#include "servicehost.h"
#include "tempbundle.h"
#include "testfiles.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <cstdio>

#include <unistd.h>

using namespace runboard;
using namespace runboard::test;

namespace {

constexpr int kChurnSeconds = 10;
constexpr int kChanges = 10000;
constexpr int kWarmUp = 1000;
// The GUI thread's timer ticks every 5 ms; a gap longer than this is a stall a person sees.
constexpr qint64 kMaxStallMs = 250;

// Version N as runboard-testwriter's churn writes it (tests/tools/testwriter.cpp).
QByteArray churnVersion(Json document, qint64 version)
{
    document["counter"] = version;
    document["title"] = "churn " + std::to_string(version);
    const std::string text = JsonWriter::write(document);
    return QByteArray(text.data(), qsizetype(text.size()));
}

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * ::sysconf(_SC_PAGESIZE) : -1;
}

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                   .size());
}

// What the open descriptors are (their targets), for a failure message.
QString describeDescriptors()
{
    QStringList targets;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QFileInfo &fd :
         fds.entryInfoList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot))
        targets << fd.fileName() + QStringLiteral("→") + fd.symLinkTarget();
    return targets.join(QStringLiteral(", "));
}

// Another writer's version by temp file and rename (no fsync: this is not about the disk).
bool renameIn(const QString &manifest, const QByteArray &bytes)
{
    const QString temp = manifest + QStringLiteral(".incoming");
    return writeWholeFile(temp, bytes)
           && ::rename(QFile::encodeName(temp).constData(), QFile::encodeName(manifest).constData())
                  == 0;
}

} // namespace

class tst_LongLife : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void keepsUpWithAManifestRewrittenEveryMillisecond();
    void tenThousandChangesAndCommitsKeepMemoryAndDescriptorsFlat();
};

void tst_LongLife::initTestCase()
{
    if (QFileInfo(QStringLiteral("/dev/shm")).isWritable())
        qputenv("TMPDIR", "/dev/shm");
}

void tst_LongLife::keepsUpWithAManifestRewrittenEveryMillisecond()
{
    TempBundle bundle;
    const Json base = TempBundle::minimalManifest(bundle.runId());
    const QByteArray initial = bundle.writeManifest(base);
    ServiceHost host;
    RunHandle *run = host.open(ManifestStore::locate(bundle.bundlePath()).value());
    QSignalSpy opened(run, &RunHandle::opened);
    QVERIFY(opened.wait());

    qint64 lastVersion = 0;
    int delivered = 0;
    QStringList wrong;
    connect(run, &RunHandle::snapshotChanged, this, [&](const Snapshot &snapshot) {
        ++delivered;
        const qint64 version = snapshot.document().value("counter", qint64(0));
        if (version <= lastVersion)
            wrong << QStringLiteral("version %1 after %2").arg(version).arg(lastVersion);
        else if (snapshot.bytes() != churnVersion(base, version))
            wrong << QStringLiteral("version %1 is not what was written").arg(version);
        lastVersion = version;
    });
    int lifecycleEvents = 0;
    connect(run, &RunHandle::lifecycleChanged, this, [&] { ++lifecycleEvents; });
    QElapsedTimer sinceTick;
    qint64 longestStall = 0;
    QTimer tick;
    connect(&tick, &QTimer::timeout, this,
            [&] { longestStall = std::max(longestStall, sinceTick.restart()); });

    QProcess writer;
    writer.start(QStringLiteral(RUNBOARD_TESTWRITER),
                 {QStringLiteral("churn"), bundle.bundlePath(), QStringLiteral("--seconds"),
                  QString::number(kChurnSeconds)});
    QSignalSpy finished(&writer, &QProcess::finished);
    sinceTick.start();
    tick.start(5);
    QVERIFY(finished.wait((kChurnSeconds + 30) * 1000));
    tick.stop();
    QCOMPARE(writer.exitCode(), 0);
    const QList<Json> lines = jsonLines(writer.readAllStandardOutput());
    QVERIFY(!lines.isEmpty());
    const qint64 last = lines.last().value("last", qint64(0));
    QVERIFY2(last > kChurnSeconds * 100, qPrintable(QString::number(last)));

    // The newest version is shown soon after the writer stops; nothing else was ever shown.
    QTRY_COMPARE_WITH_TIMEOUT(lastVersion, last, 5000);
    QCOMPARE(run->snapshot().bytes(), readWholeFile(bundle.manifestPath()));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QStringLiteral("; "))));
    QCOMPARE(lifecycleEvents, 0);
    QVERIFY(initial != run->snapshot().bytes());
    qInfo("%lld versions written in %d s, %d delivered, longest GUI-thread stall %lld ms", last,
          kChurnSeconds, delivered, longestStall);
    QVERIFY2(delivered > kChurnSeconds * 10, qPrintable(QString::number(delivered)));
    QVERIFY2(longestStall < kMaxStallMs, qPrintable(QString::number(longestStall)));
}

void tst_LongLife::tenThousandChangesAndCommitsKeepMemoryAndDescriptorsFlat()
{
    TempBundle bundle;
    const Json base = TempBundle::minimalManifest(bundle.runId());
    bundle.writeManifest(base);
    ManifestService service(ManifestStore::locate(bundle.bundlePath()).value());
    RUNBOARD_VERIFY_OK(service.open());
    QSignalSpy changed(&service, &ManifestService::snapshotChanged);

    qint64 rssAfterWarmUp = 0;
    int fdsAfterWarmUp = 0;
    QString descriptorsAfterWarmUp;
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 1; i <= kChanges; ++i) {
        // Another writer's version, seen through the watcher (never asked for)...
        const QByteArray external = churnVersion(service.snapshot().document(), i);
        QVERIFY(renameIn(bundle.manifestPath(), external));
        while (service.snapshot().bytes() != external)
            QVERIFY2(changed.wait(5000), qPrintable(QStringLiteral("change %1 not seen").arg(i)));
        // ...and a commit on it.
        const Result<Snapshot> committed = service.patch(
            titlePatch(service.snapshot().etag(), QStringLiteral("commit %1").arg(i)));
        RUNBOARD_VERIFY_OK(committed);
        changed.clear();
        if (i == kWarmUp) {
            rssAfterWarmUp = residentBytes();
            fdsAfterWarmUp = openDescriptors();
            descriptorsAfterWarmUp = describeDescriptors();
        }
    }
    // Let the last chores and queued deliveries finish before counting. The count after the
    // warm-up may include a commit's transient descriptors (the lock file until the chores
    // release it, a temp file): none may have been added since, fewer is the same at rest.
    // (Once in a CI run the count came back only after 5 s; the message now names them.)
    QTRY_VERIFY2_WITH_TIMEOUT(openDescriptors() <= fdsAfterWarmUp,
                              qPrintable(QStringLiteral("%1 descriptors open, %2 after the "
                                                        "warm-up (then: %3); now: %4")
                                             .arg(openDescriptors())
                                             .arg(fdsAfterWarmUp)
                                             .arg(descriptorsAfterWarmUp, describeDescriptors())),
                              15000);
    const qint64 rssAtEnd = residentBytes();
    qInfo("%d changes and commits in %lld ms; RSS %lld KiB after %d, %lld KiB at the end; %d "
          "descriptors",
          kChanges, elapsed.elapsed(), rssAfterWarmUp / 1024, kWarmUp, rssAtEnd / 1024,
          fdsAfterWarmUp);
    QVERIFY2(rssAtEnd <= rssAfterWarmUp + rssAfterWarmUp / 10,
             qPrintable(
                 QStringLiteral("RSS grew from %1 to %2 bytes").arg(rssAfterWarmUp).arg(rssAtEnd)));
}

QTEST_GUILESS_MAIN(tst_LongLife)
#include "tst_longlife.moc"
