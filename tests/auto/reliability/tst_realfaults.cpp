// SPDX-License-Identifier: MIT
//
// Real faults, not simulated ones: a filesystem that fills up (a small tmpfs), a write past
// `ulimit -f`, a read-only filesystem, a lock held by a live process and one left by a killed one,
// temp files of dead writers, and the run folder removed under a live service. Each goes through
// the real `runboard-cli` (and, where the service is the one concerned, through ManifestService).
// Mounts happen in a mount namespace of this test process (MountSandbox), so nothing outlives it.
// No sleeps: processes are waited for by their output and exit, the service with QTRY_*.

#include "bundlelock.h"
#include "guardedfile.h"
#include "jsonwriter.h"
#include "manifestservice.h"
#include "manifeststore.h"
#include "mountsandbox.h"
#include "programrun.h"
#include "resultcheck.h"
#include "tempbundle.h"
#include "testfiles.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include <sys/resource.h>

using namespace runboard;
using namespace runboard::test;

namespace {

constexpr const char *kRunId = TempBundle::kDefaultRunId;
constexpr qsizetype kPadding = 650 * 1024; // the manifest of the bug report: 650 KB

// A run of `kRunId` under <root>/.ade/orchestration/ (root: a temporary folder of its own unless
// given), its manifest padded to `padding` bytes.
struct Run
{
    explicit Run(qsizetype padding = 0, const QString &root = QString())
    {
        bundle = (root.isEmpty() ? dir.path() : root) + QStringLiteral("/.ade/orchestration/")
                 + QLatin1String(kRunId);
        QDir().mkpath(bundle);
        Json manifest = TempBundle::minimalManifest(QLatin1String(kRunId));
        if (padding > 0)
            manifest["padding"] = std::string(std::size_t(padding), 'x');
        const std::string text = JsonWriter::write(manifest);
        before = QByteArray(text.data(), qsizetype(text.size()));
        writeWholeFile(manifestPath(), before);
    }
    QString manifestPath() const { return bundle + QStringLiteral("/manifest.json"); }
    QString etag() const { return etagOf(before); }

    QTemporaryDir dir;
    QString bundle;
    QByteArray before; // the manifest's bytes as written
};

ProgramOutcome cli(const QStringList &arguments, const QByteArray &input = QByteArray(),
                   const std::function<void()> &inChild = {})
{
    return runProgram(QStringLiteral(RUNBOARD_CLI), arguments, input, 30000, inChild);
}

// `runboard-cli patch` of the title, with ops on stdin.
ProgramOutcome patchTitle(const QString &bundle, const QString &etag, const QString &title,
                          const std::function<void()> &inChild = {})
{
    const QByteArray ops
        = R"([{"op":"replace","path":"/title","value":")" + title.toUtf8() + R"("}])";
    return cli({QStringLiteral("patch"), bundle, QStringLiteral("--if-match"), etag,
                QStringLiteral("--ops"), QStringLiteral("-"), QStringLiteral("--role"),
                QStringLiteral("lead"), QStringLiteral("--session"), QStringLiteral("S-lead")},
               ops, inChild);
}

// The pid of a process that has exited and been reaped: kill(pid, 0) says it is gone.
qint64 deadPid()
{
    QProcess gone;
    gone.start(QStringLiteral("/bin/true"), {});
    gone.waitForStarted();
    const qint64 pid = gone.processId();
    gone.waitForFinished();
    return pid;
}

// A test writer holding the run's lock, as another Runboard process in the middle of a commit;
// null if it did not get the lock.
std::unique_ptr<LiveProgram> lockHolder(const QString &bundle)
{
    auto holder = std::make_unique<LiveProgram>(QStringLiteral(RUNBOARD_TESTWRITER),
                                                QStringList{QStringLiteral("holdlock"), bundle});
    if (holder->waitFor("event", "locked").is_null()) {
        qWarning("holdlock: %s", holder->stderrText().constData());
        return nullptr;
    }
    return holder;
}

} // namespace

class tst_RealFaults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aFullFilesystem();
    void aWriteBeyondTheFileSizeLimitIsAnIoError();
    void deadWritersTempFilesGoWithTheNextCommit();
    void aReadOnlyFilesystemFailsAtOnce_data();
    void aReadOnlyFilesystemFailsAtOnce();
    void aLockHeldByALiveProcessNamesItsHolder();
    void theStaleLockOfAKilledProcessIsTakenOver();
    void theRunFolderRemovedUnderALiveService();
    void theRunFolderRemovedUnderServe();

private:
    bool m_sandboxed = false;
    QString m_noSandbox;
};

void tst_RealFaults::initTestCase()
{
    m_sandboxed = MountSandbox::enter(&m_noSandbox);
    if (!m_sandboxed)
        qWarning("no mount namespace: %s", qPrintable(m_noSandbox));
}

// A full filesystem: a 2 MiB tmpfs holding a 650 KB manifest and a filler, so that the temp file
// of a commit does not fit. The CLI and both kinds of store report ENOSPC naming the temp file
// and leave everything as it was; once there is room, the next commit goes through.
void tst_RealFaults::aFullFilesystem()
{
    if (!m_sandboxed)
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here: %1").arg(m_noSandbox)));
    QTemporaryDir dir;
    const QString mountPoint = dir.filePath(QStringLiteral("fs"));
    QDir().mkpath(mountPoint);
    QString why;
    QVERIFY2(MountSandbox::mountTmpfs(mountPoint, 2 * 1024 * 1024, &why), qPrintable(why));
    const auto unmount = qScopeGuard([&] { MountSandbox::unmount(mountPoint); });
    const Run run(kPadding, mountPoint);
    const QString &bundle = run.bundle;
    const QString filler = mountPoint + QStringLiteral("/filler");
    QVERIFY(writeWholeFile(filler, QByteArray(900 * 1024, 'f')));
    const QString manifest = bundle + QStringLiteral("/manifest.json");

    const ProgramOutcome patched = patchTitle(bundle, run.etag(), QStringLiteral("no room"));
    QVERIFY2(patched.finished && patched.exitCode == 8, patched.describe().constData());
    QCOMPARE(patched.first().value("error", std::string()), std::string("io_error"));
    QVERIFY2(patched.message().contains(QStringLiteral("No space left on device"))
                 && patched.message().contains(QStringLiteral("manifest.json."))
                 && patched.message().contains(QStringLiteral(".tmp")),
             qPrintable(patched.message()));

    for (const bool caching : {false, true}) {
        ManifestStore store(ManifestStore::locate(bundle).value());
        store.setCaching(caching);
        if (caching)
            store.remember(store.load().value());
        const Result<ManifestStore::Committed> committed
            = store.commit(titlePatch(run.etag(), QStringLiteral("no room")));
        store.waitForChores();
        QVERIFY(!committed.isOk());
        QCOMPARE(errorCodeName(committed.error().code), errorCodeName(ErrorCode::IoError));
        QCOMPARE(committed.error().details.value("errno", 0), ENOSPC);
    }
    QCOMPARE(readWholeFile(manifest), run.before);
    QCOMPARE(filesLike(bundle, QStringLiteral("*.tmp")), QStringList());
    QCOMPARE(filesLike(bundle, QStringLiteral("*.lock")), QStringList());

    QVERIFY(QFile::remove(filler));
    const ProgramOutcome roomAgain = patchTitle(bundle, run.etag(), QStringLiteral("room"));
    QVERIFY2(roomAgain.exitCode == 0, roomAgain.describe().constData());
    QVERIFY(readWholeFile(manifest).contains("\"title\": \"room\""));
}

// Bug: under `ulimit -f 100` a patch of a 650 KB manifest was killed by SIGXFSZ (exit 153, no
// message), leaving its temp file and the lock behind. A write past the limit is an io_error.
void tst_RealFaults::aWriteBeyondTheFileSizeLimitIsAnIoError()
{
    const Run run(kPadding);
    const QString &bundle = run.bundle;
    // What a shell does for `ulimit -f 100`; SIGXFSZ as a shell leaves it, at its default.
    const auto limitFileSize = [] {
        struct rlimit limit = {};
        ::getrlimit(RLIMIT_FSIZE, &limit);
        limit.rlim_cur = 100 * 1024;
        ::setrlimit(RLIMIT_FSIZE, &limit);
        ::signal(SIGXFSZ, SIG_DFL);
    };
    const ProgramOutcome patched
        = patchTitle(bundle, run.etag(), QStringLiteral("too large"), limitFileSize);
    QVERIFY2(patched.finished && !patched.crashed, patched.describe().constData());
    QCOMPARE(patched.exitCode, 8);
    QCOMPARE(patched.first().value("error", std::string()), std::string("io_error"));
    QVERIFY2(patched.message().contains(QStringLiteral("File too large"))
                 && patched.message().contains(QStringLiteral(".tmp")),
             qPrintable(patched.message()));
    QCOMPARE(readWholeFile(run.manifestPath()), run.before);
    QCOMPARE(filesLike(bundle, QStringLiteral("*.tmp")), QStringList());
    QCOMPARE(filesLike(bundle, QStringLiteral("*.lock")), QStringList());

    const ProgramOutcome unlimited = patchTitle(bundle, run.etag(), QStringLiteral("fits"));
    QVERIFY2(unlimited.exitCode == 0, unlimited.describe().constData());
}

// Bug: a dead writer's temp file stayed for good; later `patch` commits took its stale lock over
// but only the service's open removed leftovers. Every commit removes them now, the CLI's and the
// service's, and keeps those of live writers.
void tst_RealFaults::deadWritersTempFilesGoWithTheNextCommit()
{
    const Run run;
    const QString &bundle = run.bundle;
    const qint64 gone = deadPid();
    const QString stamp = QString::number(QDateTime::currentMSecsSinceEpoch());
    const QString dead = QStringLiteral("manifest.json.%1.%2.k3j2a.tmp").arg(gone).arg(stamp);
    const QString alive = QStringLiteral("manifest.json.%1.%2.abc12.tmp")
                              .arg(QCoreApplication::applicationPid())
                              .arg(stamp);
    QVERIFY(writeWholeFile(bundle + u'/' + dead, QByteArray(100 * 1024, '{')));
    QVERIFY(writeWholeFile(bundle + u'/' + alive, QByteArray(10, '{')));

    const ProgramOutcome patched = patchTitle(bundle, run.etag(), QStringLiteral("swept"));
    QVERIFY2(patched.exitCode == 0, patched.describe().constData());
    QCOMPARE(filesLike(bundle, QStringLiteral("*.tmp")), QStringList({alive}));

    // The service: open() sweeps, and so does each commit after it.
    ManifestService::Options options;
    options.watch = false;
    ManifestService service(ManifestStore::locate(bundle).value(), options);
    const Result<Snapshot> opened = service.open();
    RUNBOARD_VERIFY_OK(opened);
    QVERIFY(writeWholeFile(bundle + u'/' + dead, QByteArray(100 * 1024, '{')));
    RUNBOARD_VERIFY_OK(service.patch(titlePatch(opened->etag(), QStringLiteral("swept again"))));
    // The dead writer's file and the version the commit displaced are removed by the store's
    // chores, after the answer.
    QTRY_COMPARE(filesLike(bundle, QStringLiteral("*.tmp")), QStringList({alive}));
}

void tst_RealFaults::aReadOnlyFilesystemFailsAtOnce_data()
{
    QTest::addColumn<bool>("staleLock");
    QTest::newRow("no lock file") << false;
    QTest::newRow("a stale lock of a killed process") << true;
}

// Bug: on a read-only filesystem `patch` waited the full 3 s lock timeout and then said
// "permission denied". A permanent error fails at once and says what it is; a stale lock on a
// read-only filesystem (nobody can take it over) is no reason to wait either. Reading still works.
void tst_RealFaults::aReadOnlyFilesystemFailsAtOnce()
{
    QFETCH(bool, staleLock);
    if (!m_sandboxed)
        QSKIP(qPrintable(QStringLiteral("cannot mount read-only here: %1").arg(m_noSandbox)));
    const Run run;
    const QString &bundle = run.bundle;
    const QString lockFile = bundle + QStringLiteral("/manifest.json.lock");
    if (staleLock) {
        const std::unique_ptr<LiveProgram> holder = lockHolder(bundle);
        QVERIFY(holder);
        holder->kill();
        QVERIFY(QFileInfo::exists(lockFile));
    }
    QString why;
    QVERIFY2(MountSandbox::makeReadOnly(bundle, &why), qPrintable(why));
    auto readOnly = qScopeGuard([&] { MountSandbox::unmount(bundle); });

    const qint64 timeout = BundleLock::kDefaultTimeout.count();
    for (const QStringList &arguments :
         {QStringList{QStringLiteral("heartbeat"), bundle, QStringLiteral("--session"),
                      QStringLiteral("S-lead")},
          QStringList()}) {
        const ProgramOutcome refused = arguments.isEmpty()
                                           ? patchTitle(bundle, run.etag(), QStringLiteral("ro"))
                                           : cli(arguments);
        QVERIFY2(refused.finished && refused.exitCode == 8, refused.describe().constData());
        QVERIFY2(refused.message().contains(QStringLiteral("Read-only file system")),
                 qPrintable(refused.message()));
        QVERIFY2(refused.elapsedMs < timeout, refused.describe().constData());
    }
    const ProgramOutcome shown = cli({QStringLiteral("show"), bundle, QStringLiteral("--json")});
    QVERIFY2(shown.exitCode == 0, shown.describe().constData());

    ManifestService::Options options;
    options.watch = false;
    ManifestService service(ManifestStore::locate(bundle).value(), options);
    const Result<Snapshot> opened = service.open();
    RUNBOARD_VERIFY_OK(opened);
    QElapsedTimer elapsed;
    elapsed.start();
    const Result<Snapshot> patched
        = service.patch(titlePatch(opened->etag(), QStringLiteral("read-only")));
    QVERIFY(elapsed.elapsed() < timeout);
    QVERIFY(!patched.isOk());
    QVERIFY2(patched.error().message.contains(QStringLiteral("Read-only file system")),
             qPrintable(patched.error().message));
    QCOMPARE(service.state(), ManifestService::State::Live);
    QCOMPARE(readWholeFile(run.manifestPath()), run.before);

    readOnly.dismiss();
    QVERIFY(MountSandbox::unmount(bundle));
    RUNBOARD_VERIFY_OK(service.patch(titlePatch(opened->etag(), QStringLiteral("writable"))));
    QTRY_COMPARE(filesLike(bundle, QStringLiteral("*.tmp")), QStringList());
}

// Another Runboard process in the middle of a commit: `patch` waits its timeout, then says who
// holds the lock (application, pid, host); once the holder lets go, the patch goes through.
void tst_RealFaults::aLockHeldByALiveProcessNamesItsHolder()
{
    const Run run;
    const QString &bundle = run.bundle;
    const std::unique_ptr<LiveProgram> holder = lockHolder(bundle);
    QVERIFY(holder);

    const ProgramOutcome waited = patchTitle(bundle, run.etag(), QStringLiteral("waited"));
    QVERIFY2(waited.exitCode == 8, waited.describe().constData());
    QVERIFY(waited.elapsedMs >= BundleLock::kDefaultTimeout.count());
    const QString message = waited.message();
    QVERIFY2(message.contains(QStringLiteral("process %1").arg(holder->pid()))
                 && message.contains(QSysInfo::machineHostName())
                 && message.contains(QStringLiteral("runboard-testwriter")),
             qPrintable(message));
    QCOMPARE(readWholeFile(run.manifestPath()), run.before);

    holder->closeStdin();
    QVERIFY(!holder->waitFor("event", "unlocked").is_null());
    QCOMPARE(holder->finish(), 0);
    const ProgramOutcome after = patchTitle(bundle, run.etag(), QStringLiteral("after"));
    QVERIFY2(after.exitCode == 0, after.describe().constData());
}

// A Runboard process killed while it held the lock: the next writer takes the stale lock over
// at once (its process is gone), and commits.
void tst_RealFaults::theStaleLockOfAKilledProcessIsTakenOver()
{
    const Run run;
    const QString &bundle = run.bundle;
    const std::unique_ptr<LiveProgram> holder = lockHolder(bundle);
    QVERIFY(holder);
    holder->kill();
    QVERIFY(QFileInfo::exists(bundle + QStringLiteral("/manifest.json.lock")));

    const ProgramOutcome patched = patchTitle(bundle, run.etag(), QStringLiteral("taken over"));
    QVERIFY2(patched.exitCode == 0, patched.describe().constData());
    QVERIFY2(patched.elapsedMs < BundleLock::kDefaultTimeout.count(),
             patched.describe().constData());
    QVERIFY(!QFileInfo::exists(bundle + QStringLiteral("/manifest.json.lock")));
}

// The run folder removed while a service has it open (`rm -rf` of a worktree, a branch switch
// that drops it): the run is reported deleted, changes are refused, and nothing is created again
// in its place; when the run comes back, it is live again.
void tst_RealFaults::theRunFolderRemovedUnderALiveService()
{
    const Run run;
    const QString &bundle = run.bundle;
    ManifestService::Options options;
    options.watcher.safetyPoll = std::chrono::milliseconds(50);
    ManifestService service(ManifestStore::locate(bundle).value(), options);
    QSignalSpy lifecycle(&service, &ManifestService::lifecycleChanged);
    const Result<Snapshot> opened = service.open();
    RUNBOARD_VERIFY_OK(opened);

    QVERIFY(QDir(bundle).removeRecursively());
    QTRY_COMPARE_WITH_TIMEOUT(service.state(), ManifestService::State::Deleted, 10000);
    QVERIFY(!lifecycle.isEmpty());
    QCOMPARE(lifecycle.last().at(0).value<ManifestService::Lifecycle>(),
             ManifestService::Lifecycle::Deleted);
    QCOMPARE(service.snapshot().bytes(), run.before); // the last good version stays on show

    const Result<Snapshot> patched = service.patch(titlePatch(opened->etag(), QStringLiteral("x")));
    QVERIFY(!patched.isOk());
    QCOMPARE(errorCodeName(patched.error().code), errorCodeName(ErrorCode::RunSuspended));
    const Result<QDateTime> beat = service.heartbeat(QStringLiteral("S-lead"));
    QVERIFY(!beat.isOk());
    QVERIFY(!QFileInfo::exists(bundle));

    const Run back(0, run.dir.path());
    QTRY_COMPARE_WITH_TIMEOUT(service.state(), ManifestService::State::Live, 10000);
    RUNBOARD_VERIFY_OK(service.patch(titlePatch(opened->etag(), QStringLiteral("back"))));
}

// The same through `serve`, as a script holds a run: a lifecycle line says the run was
// deleted, a patch is answered with run_suspended, and quit still ends it cleanly.
void tst_RealFaults::theRunFolderRemovedUnderServe()
{
    const Run run;
    const QString &bundle = run.bundle;
    LiveProgram serve(QStringLiteral(RUNBOARD_CLI), {QStringLiteral("serve"), bundle});
    QVERIFY2(!serve.waitFor("event", "open").is_null(), serve.stderrText().constData());

    QVERIFY(QDir(bundle).removeRecursively());
    const Json deleted = serve.waitForLine([](const Json &line) {
        return line.value("event", std::string()) == "lifecycle"
               && line.value("state", std::string()) == "deleted";
    });
    QVERIFY2(!deleted.is_null(), serve.stderrText().constData());
    QVERIFY(serve.send(R"({"id":1,"cmd":"patch","ifMatch":")" + run.etag().toUtf8()
                       + R"(","ops":[{"op":"replace","path":"/title","value":"x"}]})"));
    const Json answer = serve.waitFor("id", 1);
    QCOMPARE(answer.value("error", std::string()), std::string("run_suspended"));
    QVERIFY(serve.send(R"({"cmd":"quit"})"));
    QCOMPARE(serve.finish(), 0);
    QVERIFY(!QFileInfo::exists(bundle));
}

QTEST_GUILESS_MAIN(tst_RealFaults)
#include "tst_realfaults.moc"
