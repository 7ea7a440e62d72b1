// SPDX-License-Identifier: MIT
//
// The commit protocol when the disk says no. FaultInjection (core/disk/syscalls.h) makes the N-th
// open, read, write, fsync, close, rename/exchange or folder fsync fail with the errno a real
// system gives (EIO, ENOSPC, EDQUOT, EROFS, EACCES). For every step, every errno and every N
// until a commit makes no more calls of that step, with the store as `runboard-cli patch` uses
// it (one-shot) and as the service does (caching, draft staged before the lock, chores after):
// - a fault before the manifest is replaced fails the commit with io_error naming the step
//   (details "step") and the file (details "path", and the message), at once (no lock timeout),
//   and manifest.json is byte for byte as it was;
// - a fault after it (the folder's fsync, .gen, index.json) leaves the commit standing, because
//   every reader already sees the new version, and is reported as a warning naming the file
//   (docs/reliability.md says why a failing folder fsync cannot fail the commit);
// - either way no temp file and no lock file are left, and the next commit on the same store
//   succeeds. The service does the same for every fault inside its commit.

#include "faultinjection.h"
#include "guardedfile.h"
#include "manifestservice.h"
#include "manifeststore.h"
#include "resultcheck.h"
#include "tempbundle.h"
#include "testfiles.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <cerrno>
#include <cstring>

using namespace runboard;
using namespace runboard::test;

using Step = FaultInjection::Step;

namespace {

// More calls of one step than any commit makes: a loop over N that gets here never ended.
constexpr int kMaxCalls = 60;
// A faulted commit answers at once; the lock's timeout (3 s) is what a wrong wait would cost.
constexpr qint64 kPromptMs = 2000;

const int kErrnos[] = {EIO, ENOSPC, EDQUOT, EROFS, EACCES};

const char *errnoName(int error)
{
    switch (error) {
    case EIO:
        return "EIO";
    case ENOSPC:
        return "ENOSPC";
    case EDQUOT:
        return "EDQUOT";
    case EROFS:
        return "EROFS";
    case EACCES:
        return "EACCES";
    }
    return "?";
}

// Every *.tmp and *.lock in the run folder and in the orchestration folder (index.json's).
QStringList leftovers(const TempBundle &bundle)
{
    QStringList found;
    for (const QString &folder :
         {bundle.bundlePath(), QFileInfo(bundle.bundlePath()).absolutePath()}) {
        const QStringList names = QDir(folder).entryList(
            {QStringLiteral("*.tmp"), QStringLiteral("*.lock"), QStringLiteral("*.rmlock")},
            QDir::Files | QDir::Hidden);
        for (const QString &name : names)
            found << folder + QLatin1Char('/') + name;
    }
    return found;
}

// Whether a fault on `path` during `step` comes before the manifest is replaced: on the manifest
// itself, its temp file, its lock, or the read of .gen the new generation depends on.
bool isBeforeTheReplace(const TempBundle &bundle, Step step, const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    if (QFileInfo(path).absolutePath() != bundle.bundlePath())
        return false; // index.json and its lock, in the orchestration folder
    if (name.startsWith(QStringLiteral("manifest.json")))
        return true;
    return name == QStringLiteral(".gen") && (step == Step::Open || step == Step::Read);
}

enum class Mode { OneShot, Caching };

} // namespace

class tst_FaultInjection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void everyStepAndErrnoOfACommit_data();
    void everyStepAndErrnoOfACommit();
    void everyStepAndErrnoOfAServiceCommit_data();
    void everyStepAndErrnoOfAServiceCommit();
    void aLockFileThatCannotBeMadeFailsAtOnce_data();
    void aLockFileThatCannotBeMadeFailsAtOnce();
    void faultsWhileReadingAreIoErrors_data();
    void faultsWhileReadingAreIoErrors();

private:
    void checkCommitUnderFault(Mode mode, Step step, int error, int nth, bool *fired);
};

void tst_FaultInjection::cleanup()
{
    FaultInjection::disarm();
}

void tst_FaultInjection::everyStepAndErrnoOfACommit_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("error");
    for (const Mode mode : {Mode::OneShot, Mode::Caching}) {
        for (const Step step : FaultInjection::kSteps) {
            for (const int error : kErrnos) {
                QTest::addRow("%s %s %s", mode == Mode::OneShot ? "one-shot" : "caching",
                              qPrintable(FaultInjection::stepName(step)), errnoName(error))
                    << int(mode) << int(step) << error;
            }
        }
    }
}

void tst_FaultInjection::everyStepAndErrnoOfACommit()
{
    QFETCH(int, mode);
    QFETCH(int, step);
    QFETCH(int, error);
    int firedCount = 0;
    for (int nth = 1;; ++nth) {
        QVERIFY2(nth < kMaxCalls, "a commit made more calls of one step than any should");
        bool fired = false;
        checkCommitUnderFault(Mode(mode), Step(step), error, nth, &fired);
        if (QTest::currentTestFailed()) {
            qWarning("at call %d of %s", nth, qPrintable(FaultInjection::stepName(Step(step))));
            return;
        }
        if (!fired)
            break;
        ++firedCount;
    }
    // Every step happens in a commit at least once (a folder fsync: the manifest's).
    QVERIFY(firedCount > 0);
}

void tst_FaultInjection::checkCommitUnderFault(Mode mode, Step step, int error, int nth,
                                               bool *fired)
{
    TempBundle bundle;
    QVERIFY(bundle.isValid());
    const QByteArray before = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId(), 4));
    QVERIFY(bundle.writeFile(QStringLiteral(".gen"), "4\n"));
    ManifestStore store(ManifestStore::locate(bundle.bundlePath()).value());
    if (mode == Mode::Caching) {
        store.setCaching(true);
        const Result<ManifestStore::Loaded> loaded = store.load();
        RUNBOARD_VERIFY_OK(loaded);
        store.remember(loaded.value());
    }

    FaultInjection::arm(step, nth, error);
    QElapsedTimer elapsed;
    elapsed.start();
    const Result<ManifestStore::Committed> first
        = store.commit(titlePatch(etagOf(before), QStringLiteral("under fault")));
    const qint64 took = elapsed.elapsed();
    store.waitForChores();
    *fired = FaultInjection::hasFired();
    const QString firedPath = FaultInjection::firedPath();
    FaultInjection::disarm();

    QStringList warnings;
    if (!*fired) {
        RUNBOARD_VERIFY_OK(first);
    } else if (isBeforeTheReplace(bundle, step, firedPath)) {
        if (mode == Mode::Caching && first.isOk()
            && QFileInfo(firedPath).fileName() == QStringLiteral(".gen")) {
            // The draft made ahead of the lock read .gen and failed; it was dropped, and the
            // commit read .gen again under the lock, where the decision is taken. Nothing was
            // decided on the failed read: the generation is the one .gen asks for.
            QCOMPARE(first->result.document->at("serverGeneration").get<int>(), 5);
        } else {
            QVERIFY2(!first.isOk(),
                     qPrintable(QStringLiteral("a fault on %1 went unnoticed").arg(firedPath)));
            const Error &failure = first.error();
            QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::IoError));
            QCOMPARE(QString::fromStdString(failure.details.value("step", std::string())),
                     FaultInjection::stepName(step));
            QCOMPARE(QString::fromStdString(failure.details.value("path", std::string())),
                     firedPath);
            QVERIFY2(failure.message.contains(firedPath), qPrintable(failure.message));
            QVERIFY2(failure.message.contains(QString::fromLocal8Bit(std::strerror(error))),
                     qPrintable(failure.message));
            QVERIFY2(took < kPromptMs, qPrintable(QStringLiteral("took %1 ms").arg(took)));
            QCOMPARE(readWholeFile(bundle.manifestPath()), before);
        }
    } else {
        // After the replace: the commit stands, and says what was not done.
        RUNBOARD_VERIFY_OK(first);
        QVERIFY(first->written);
        warnings << first->warnings;
        QCOMPARE(readWholeFile(bundle.manifestPath()), first->result.file.bytes);
    }
    QCOMPARE(leftovers(bundle), QStringList());

    // The next commit on the same store, on whatever the disk holds now.
    const QByteArray now = readWholeFile(bundle.manifestPath());
    const Result<ManifestStore::Committed> second
        = store.commit(titlePatch(etagOf(now), QStringLiteral("after the fault")));
    RUNBOARD_VERIFY_OK(second);
    QVERIFY(second->written);
    store.waitForChores();
    warnings << second->warnings;
    QCOMPARE(readWholeFile(bundle.manifestPath()), second->result.file.bytes);
    QCOMPARE(leftovers(bundle), QStringList());

    if (*fired && !isBeforeTheReplace(bundle, step, firedPath)) {
        // Named by the warnings of the commit or, for a chore done after it answered, the next.
        const QString named
            = step == Step::SyncFolder ? bundle.bundlePath() : QFileInfo(firedPath).fileName();
        QVERIFY2(warnings.join(u'\n').contains(named),
                 qPrintable(QStringLiteral("no warning names %1: %2")
                                .arg(named, warnings.join(QStringLiteral(" | ")))));
    }
}

void tst_FaultInjection::everyStepAndErrnoOfAServiceCommit_data()
{
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("error");
    for (const Step step : FaultInjection::kSteps) {
        for (const int error : kErrnos) {
            QTest::addRow("%s %s", qPrintable(FaultInjection::stepName(step)), errnoName(error))
                << int(step) << error;
        }
    }
}

// The service over the same faults, for every fault that fails its commit: the caller gets the
// io_error, the run stays live and shows what it showed, and the service commits again.
void tst_FaultInjection::everyStepAndErrnoOfAServiceCommit()
{
    QFETCH(int, step);
    QFETCH(int, error);
    for (int nth = 1;; ++nth) {
        QVERIFY(nth < kMaxCalls);
        TempBundle bundle;
        const QByteArray before = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
        ManifestService::Options options;
        options.watch = false;
        auto service = std::make_unique<ManifestService>(
            ManifestStore::locate(bundle.bundlePath()).value(), options);
        const Result<Snapshot> opened = service->open();
        RUNBOARD_VERIFY_OK(opened);

        FaultInjection::arm(Step(step), nth, error);
        const Result<Snapshot> first
            = service->patch(titlePatch(opened->etag(), QStringLiteral("under fault")));
        if (first.isOk()) {
            // The fault, if any, came after the commit answered, or in the draft made ahead of
            // the lock, which was dropped: the store's matrix covers both. Once it no longer
            // fires at all, N is past every call of this step.
            service.reset(); // waits for the chores
            if (!FaultInjection::hasFired())
                break;
            FaultInjection::disarm();
            continue;
        }
        QVERIFY(FaultInjection::hasFired());
        const QString firedPath = FaultInjection::firedPath();
        FaultInjection::disarm();
        QCOMPARE(errorCodeName(first.error().code), errorCodeName(ErrorCode::IoError));
        QCOMPARE(QString::fromStdString(first.error().details.value("step", std::string())),
                 FaultInjection::stepName(Step(step)));
        QVERIFY2(first.error().message.contains(firedPath), qPrintable(first.error().message));
        QCOMPARE(readWholeFile(bundle.manifestPath()), before);
        QCOMPARE(service->state(), ManifestService::State::Live);
        QCOMPARE(service->snapshot().bytes(), before);
        QCOMPARE(leftovers(bundle), QStringList());

        const Result<Snapshot> second
            = service->patch(titlePatch(opened->etag(), QStringLiteral("after the fault")));
        RUNBOARD_VERIFY_OK(second);
        QCOMPARE(readWholeFile(bundle.manifestPath()), second->bytes());
        service.reset(); // waits for the chores
        QCOMPARE(leftovers(bundle), QStringList());
    }
}

void tst_FaultInjection::aLockFileThatCannotBeMadeFailsAtOnce_data()
{
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("error");
    for (const Step step : {Step::Open, Step::Write}) {
        for (const int error : kErrnos) {
            QTest::addRow("%s %s", qPrintable(FaultInjection::stepName(step)), errnoName(error))
                << int(step) << error;
        }
    }
}

// A lock that cannot be created for any reason but "it exists" is no lock to wait for: the
// answer comes at once and says why, not after the timeout with "permission denied".
void tst_FaultInjection::aLockFileThatCannotBeMadeFailsAtOnce()
{
    QFETCH(int, step);
    QFETCH(int, error);
    TempBundle bundle;
    const QString manifest = bundle.manifestPath();
    BundleLock lock(manifest);
    FaultInjection::arm(Step(step), 1, error);
    QElapsedTimer elapsed;
    elapsed.start();
    const Result<void> locked = lock.lock(std::chrono::seconds(10));
    QVERIFY(elapsed.elapsed() < kPromptMs);
    QVERIFY(!locked.isOk());
    QCOMPARE(FaultInjection::firedPath(), manifest + QStringLiteral(".lock"));
    QCOMPARE(locked.error().details.value("errno", 0), error);
    QCOMPARE(QString::fromStdString(locked.error().details.value("step", std::string())),
             FaultInjection::stepName(Step(step)));
    QVERIFY2(locked.error().message.contains(QString::fromLocal8Bit(std::strerror(error))),
             qPrintable(locked.error().message));
    QVERIFY(!lock.isLocked());
    QVERIFY(!QFileInfo::exists(manifest + QStringLiteral(".lock")));
    FaultInjection::disarm();
    RUNBOARD_VERIFY_OK(lock.lock());
}

void tst_FaultInjection::faultsWhileReadingAreIoErrors_data()
{
    QTest::addColumn<int>("step");
    QTest::newRow("open") << int(Step::Open);
    QTest::newRow("read") << int(Step::Read);
}

// Reading (show, get, the watcher's look, a commit's fresh base) under a failing disk: an
// io_error that names the file and the step, never a half-read manifest.
void tst_FaultInjection::faultsWhileReadingAreIoErrors()
{
    QFETCH(int, step);
    TempBundle bundle;
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    const ManifestStore store(ManifestStore::locate(bundle.bundlePath()).value());
    FaultInjection::arm(Step(step), 1, EIO);
    const Result<ManifestStore::Loaded> loaded = store.load();
    QVERIFY(!loaded.isOk());
    QCOMPARE(errorCodeName(loaded.error().code), errorCodeName(ErrorCode::IoError));
    QCOMPARE(QString::fromStdString(loaded.error().details.value("step", std::string())),
             FaultInjection::stepName(Step(step)));
    QVERIFY(loaded.error().message.contains(bundle.manifestPath()));
    FaultInjection::disarm();
    RUNBOARD_VERIFY_OK(store.load());
}

QTEST_GUILESS_MAIN(tst_FaultInjection)
#include "tst_faultinjection.moc"
