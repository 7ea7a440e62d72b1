// SPDX-License-Identifier: MIT
//
// manifest.json replaced by something hostile: a folder, a symbolic link to a manifest elsewhere,
// a link loop, a dangling link, a FIFO, a link to a device, a 300 MB file, a file with a NUL byte.
// Every command finishes (nothing blocks on a special file), says what is wrong with which file
// and with the documented exit status, and leaves the folder (and whatever a link points at)
// exactly as it was; a live service reports the run unreadable or deleted, refuses changes, and
// is live again once the manifest is back. The documented choice for a link (docs/reliability.md):
// reads follow it, commits never write through it or replace it.

#include "manifestservice.h"
#include "manifeststore.h"
#include "programrun.h"
#include "tempbundle.h"
#include "testfiles.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace runboard;
using namespace runboard::test;

namespace {

constexpr int kFinishMs = 20000;
constexpr qint64 kHugeBytes = qint64(300) * 1024 * 1024;

// What a folder holds, as lstat sees it: names, kinds, sizes, times and link targets. A folder's
// own time is left out: taking the lock creates and removes a file in the run folder.
QStringList fingerprint(const QString &folder)
{
    QStringList entries;
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        struct stat st;
        if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
            continue;
        const bool isFolder = S_ISDIR(st.st_mode);
        entries << QStringLiteral("%1 mode=%2 size=%3 mtime=%4.%5 link=%6")
                       .arg(QDir(folder).relativeFilePath(path))
                       .arg(st.st_mode, 0, 8)
                       .arg(isFolder ? 0 : st.st_size)
                       .arg(isFolder ? 0 : st.st_mtim.tv_sec)
                       .arg(isFolder ? 0 : st.st_mtim.tv_nsec)
                       .arg(QFileInfo(path).symLinkTarget());
    }
    entries.sort();
    return entries;
}

// Puts `kind` where manifest.json was. `elsewhere` is a folder outside the run, for link targets.
bool replaceManifest(const TempBundle &bundle, const QString &kind, const QString &elsewhere,
                     const QByteArray &valid)
{
    const QString path = bundle.manifestPath();
    const QByteArray encoded = QFile::encodeName(path);
    QFile::remove(path);
    if (kind == QStringLiteral("folder"))
        return QDir().mkdir(path);
    if (kind == QStringLiteral("link elsewhere")) {
        const QString target = elsewhere + QStringLiteral("/manifest.json");
        return writeWholeFile(target, valid) && QFile::link(target, path);
    }
    if (kind == QStringLiteral("link loop"))
        return ::symlink("manifest.json", encoded.constData()) == 0;
    if (kind == QStringLiteral("dangling link"))
        return QFile::link(elsewhere + QStringLiteral("/nothing-here.json"), path);
    if (kind == QStringLiteral("fifo"))
        return ::mkfifo(encoded.constData(), 0644) == 0;
    if (kind == QStringLiteral("device link"))
        return QFile::link(QStringLiteral("/dev/zero"), path);
    if (kind == QStringLiteral("300 MB")) {
        // Sparse: the valid manifest, then zeros up to 300 MB, costing no disk space.
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(valid) == valid.size()
               && file.resize(kHugeBytes);
    }
    if (kind == QStringLiteral("NUL byte")) {
        QByteArray bytes = valid;
        bytes.insert(bytes.indexOf("\"title\""), '\0');
        return writeWholeFile(path, bytes);
    }
    return false;
}

ProgramOutcome cli(const QStringList &arguments, const QByteArray &input = QByteArray())
{
    return runProgram(QStringLiteral(RUNBOARD_CLI), arguments, input, kFinishMs);
}

} // namespace

class tst_HostileFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void manifestReplacedBy_data();
    void manifestReplacedBy();
    void aLiveServiceSeesItAndRecovers_data();
    void aLiveServiceSeesItAndRecovers();
};

void tst_HostileFiles::manifestReplacedBy_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("readExit");     // show, get, serve: 0 when the file can be read
    QTest::addColumn<QString>("readSays"); // in the message when it cannot
    QTest::addColumn<int>("patchExit");
    QTest::addColumn<QString>("patchSays");
    const QString isFolder = QStringLiteral("Is a directory");
    const QString loop = QStringLiteral("Too many levels of symbolic links");
    const QString tooLarge = QStringLiteral("bytes long, more than the");
    QTest::newRow("a folder") << QStringLiteral("folder") << 8 << isFolder << 8 << isFolder;
    QTest::newRow("a link to a manifest elsewhere")
        << QStringLiteral("link elsewhere") << 0 << QString() << 8
        << QStringLiteral("is a symbolic link");
    QTest::newRow("a link loop") << QStringLiteral("link loop") << 8 << loop << 8 << loop;
    QTest::newRow("a dangling link")
        << QStringLiteral("dangling link") << 7 << QStringLiteral("does not exist") << 7
        << QStringLiteral("does not exist");
    QTest::newRow("a FIFO") << QStringLiteral("fifo") << 8 << QStringLiteral("a FIFO") << 8
                            << QStringLiteral("a FIFO");
    QTest::newRow("a link to /dev/zero")
        << QStringLiteral("device link") << 8 << QStringLiteral("a character device") << 8
        << QStringLiteral("a character device");
    QTest::newRow("a 300 MB file") << QStringLiteral("300 MB") << 7 << tooLarge << 7 << tooLarge;
    QTest::newRow("a file with a NUL byte")
        << QStringLiteral("NUL byte") << 7 << QStringLiteral("line ") << 7
        << QStringLiteral("line ");
}

void tst_HostileFiles::manifestReplacedBy()
{
    QFETCH(QString, kind);
    QFETCH(int, readExit);
    QFETCH(QString, readSays);
    QFETCH(int, patchExit);
    QFETCH(QString, patchSays);
    TempBundle bundle;
    QTemporaryDir elsewhere;
    const QByteArray valid = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    QVERIFY(replaceManifest(bundle, kind, elsewhere.path(), valid));
    const QStringList before = fingerprint(bundle.worktreePath());
    const QStringList targetBefore = fingerprint(elsewhere.path());
    const QString folder = bundle.bundlePath();

    for (const QString &command : {QStringLiteral("show"), QStringLiteral("get")}) {
        const ProgramOutcome read = cli({command, folder});
        QVERIFY2(read.finished && read.exitCode == readExit,
                 QByteArray(command.toUtf8() + ": " + read.describe()).constData());
        if (readExit != 0) {
            QVERIFY2(read.message().contains(readSays) && read.message().contains(folder),
                     qPrintable(read.message()));
        }
    }
    // serve opens the run as the window does; with its input closed it ends at once.
    const ProgramOutcome served = cli({QStringLiteral("serve"), folder});
    QVERIFY2(served.finished && served.exitCode == readExit, served.describe().constData());

    const QByteArray ops = R"([{"op":"replace","path":"/title","value":"hostile"}])";
    const ProgramOutcome patched
        = cli({QStringLiteral("patch"), folder, QStringLiteral("--if-match"), etagOf(valid),
               QStringLiteral("--ops"), QStringLiteral("-"), QStringLiteral("--role"),
               QStringLiteral("lead"), QStringLiteral("--session"), QStringLiteral("S-lead")},
              ops);
    QVERIFY2(patched.finished && patched.exitCode == patchExit, patched.describe().constData());
    QVERIFY2(patched.message().contains(patchSays), qPrintable(patched.message()));
    // A heartbeat reads the manifest (through a link too) and writes only heartbeats.json.
    const ProgramOutcome beat = cli({QStringLiteral("heartbeat"), folder,
                                     QStringLiteral("--session"), QStringLiteral("S-lead")});
    QVERIFY2(beat.finished && beat.exitCode == readExit, beat.describe().constData());
    if (readExit == 0)
        QVERIFY(QFile::remove(folder + QStringLiteral("/heartbeats.json")));

    // The run index of the worktree reads every run's manifest: it must not block either.
    const ProgramOutcome runs = cli({QStringLiteral("runs"), bundle.worktreePath()});
    QVERIFY2(runs.finished && runs.exitCode == 0, runs.describe().constData());

    QCOMPARE(fingerprint(bundle.worktreePath()), before);
    QCOMPARE(fingerprint(elsewhere.path()), targetBefore);
}

void tst_HostileFiles::aLiveServiceSeesItAndRecovers_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("state");
    const int unreadable = int(ManifestService::State::Unreadable);
    QTest::newRow("a folder") << QStringLiteral("folder") << unreadable;
    QTest::newRow("a link loop") << QStringLiteral("link loop") << unreadable;
    QTest::newRow("a dangling link")
        << QStringLiteral("dangling link") << int(ManifestService::State::Deleted);
    QTest::newRow("a FIFO") << QStringLiteral("fifo") << unreadable;
    QTest::newRow("a link to /dev/zero") << QStringLiteral("device link") << unreadable;
    QTest::newRow("a 300 MB file") << QStringLiteral("300 MB") << unreadable;
    QTest::newRow("a file with a NUL byte") << QStringLiteral("NUL byte") << unreadable;
}

// The watcher's path: the service shows the last good version, says what happened, refuses
// changes while the run is not live, and takes the manifest back when it returns.
void tst_HostileFiles::aLiveServiceSeesItAndRecovers()
{
    QFETCH(QString, kind);
    QFETCH(int, state);
    TempBundle bundle;
    QTemporaryDir elsewhere;
    const QByteArray valid = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestService::Options options;
    options.watcher.safetyPoll = std::chrono::milliseconds(50);
    ManifestService service(ManifestStore::locate(bundle.bundlePath()).value(), options);
    const Result<Snapshot> opened = service.open();
    QVERIFY(opened.isOk());

    QVERIFY(replaceManifest(bundle, kind, elsewhere.path(), valid));
    QTRY_COMPARE_WITH_TIMEOUT(int(service.state()), state, 10000);
    QCOMPARE(service.snapshot().bytes(), valid);
    const Result<Snapshot> patched = service.patch(titlePatch(opened->etag(), QStringLiteral("x")));
    QVERIFY(!patched.isOk());
    QCOMPARE(errorCodeName(patched.error().code), errorCodeName(ErrorCode::RunSuspended));

    if (QFileInfo(bundle.manifestPath()).isDir())
        QVERIFY(QDir().rmdir(bundle.manifestPath()));
    else
        QVERIFY(QFile::remove(bundle.manifestPath()));
    bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    QTRY_COMPARE_WITH_TIMEOUT(service.state(), ManifestService::State::Live, 10000);
    QVERIFY(service.patch(titlePatch(opened->etag(), QStringLiteral("back"))).isOk());
}

QTEST_GUILESS_MAIN(tst_HostileFiles)
#include "tst_hostilefiles.moc"
