// SPDX-License-Identifier: MIT
//
// The core side of the security review (issue 16, docs/reliability.md). A manifest is written by
// agents: nothing in it is executed, and nothing in it is a path Runboard writes to. Writes go
// only to the run's own files, through temp files created exclusively (O_CREAT | O_EXCL |
// O_NOFOLLOW) in the run folder with the manifest's mode; a commit keeps the manifest's
// permissions and owner; and links planted in a run folder are never written through.

#include "faultinjection.h"
#include "guardedfile.h"
#include "manifestservice.h"
#include "manifeststore.h"
#include "manifestvalidator.h"
#include "programrun.h"
#include "resultcheck.h"
#include "tempbundle.h"
#include "testfiles.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace runboard;
using namespace runboard::test;

namespace {

// Every file below `folder` (links included, not followed), relative to it.
QStringList filesBelow(const QString &folder)
{
    QStringList names;
    QDirIterator it(folder, QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        names << QDir(folder).relativeFilePath(it.next());
    names.sort();
    return names;
}

// A valid manifest whose every path-like or id-like field points outside the run, and whose text
// would run commands if anything handed it to a shell.
Json hostileManifest(const QString &runId, const QString &outside)
{
    const std::string out = outside.toStdString();
    const std::string shell = "$(touch " + out + "/pwned-dollar) `touch " + out
                              + "/pwned-tick`; touch " + out + "/pwned-semicolon";
    Json manifest = TempBundle::minimalManifest(runId);
    manifest["bundlePath"] = out + "/bundle";
    manifest["title"] = shell;
    manifest["goalSummary"] = "<img src=\"file://" + out + "/pwned-img\"> " + shell;
    manifest["assets"] = Json::array({Json{{"id", "../../../outside-asset"},
                                           {"path", "../../../../" + out + "/pwned-asset"},
                                           {"kind", "doc"},
                                           {"version", 1}},
                                      Json{{"id", "A-2"},
                                           {"path", out + "/pwned-absolute"},
                                           {"kind", "html_spec"},
                                           {"version", 1}}});
    manifest["tasks"] = Json::array(
        {Json{{"id", "../../" + out + "/pwned-task"},
              {"title", shell},
              {"description", shell},
              {"filesHint", Json::array({"../../../" + out + "/pwned-hint", "/etc/passwd"})},
              {"validationGate", Json{{"required", false}, {"stepIds", Json::array()}}},
              {"status", "pending"},
              {"phaseId", "developing"}}});
    manifest["agents"].push_back(Json{{"sessionId", "../../" + out + "/pwned-session"},
                                      {"role", "worker"},
                                      {"goalSummary", shell},
                                      {"status", "running"},
                                      {"spawnedAt", "2026-07-22T09:30:15.120Z"}});
    return manifest;
}

} // namespace

class tst_Security : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void nothingInAManifestIsExecutedOrAPathToWrite();
    void tempFilesAreExclusiveInTheRunFolder_data();
    void tempFilesAreExclusiveInTheRunFolder();
    void aCommitKeepsTheManifestsModeAndOwner();
    void linksPlantedInTheRunFolderAreNeverWrittenThrough();
};

void tst_Security::cleanup()
{
    FaultInjection::setRecording(false);
}

// Every way in (the CLI's commands, serve's requests, the service, the store, the run index) on
// a manifest full of paths out of the run and shell text: only the run's own files are written,
// nothing appears outside, nothing ran.
void tst_Security::nothingInAManifestIsExecutedOrAPathToWrite()
{
    TempBundle bundle;
    QTemporaryDir outside;
    const Json hostile = hostileManifest(bundle.runId(), outside.path());
    RUNBOARD_VERIFY_OK(ManifestValidator::validateShape(hostile));
    const QByteArray bytes = bundle.writeManifest(hostile);
    const QString folder = bundle.bundlePath();
    const QString cli = QStringLiteral(RUNBOARD_CLI);
    const QString evilSession = QString::fromStdString(hostile.at("agents").back().at("sessionId"));

    for (const QStringList &arguments :
         {QStringList{QStringLiteral("show"), folder}, QStringList{QStringLiteral("get"), folder},
          QStringList{QStringLiteral("runs"), bundle.worktreePath()},
          QStringList{QStringLiteral("watch"), folder, QStringLiteral("--seconds"),
                      QStringLiteral("0")},
          QStringList{QStringLiteral("heartbeat"), folder, QStringLiteral("--session"),
                      evilSession}}) {
        const ProgramOutcome outcome = runProgram(cli, arguments);
        QVERIFY2(outcome.exitCode == 0, outcome.describe().constData());
    }
    // A patch that adds more of the same: an asset and a task with paths out of the run.
    const QByteArray ops = R"([{"op":"add","path":"/assets/-","value":{"id":"A-3","path":")"
                           + outside.path().toUtf8()
                           + R"(/pwned-new","kind":"doc","version":1}},)"
                             R"({"op":"replace","path":"/bundlePath","value":")"
                           + outside.path().toUtf8() + R"(/pwned-bundle"}])";
    const ProgramOutcome patched
        = runProgram(cli,
                     {QStringLiteral("patch"), folder, QStringLiteral("--if-match"), etagOf(bytes),
                      QStringLiteral("--ops"), QStringLiteral("-"), QStringLiteral("--role"),
                      QStringLiteral("user"), QStringLiteral("--session"), QStringLiteral("me")},
                     ops);
    // The policy decides whether a user may set bundlePath; either way nothing is written out.
    QVERIFY2(patched.exitCode == 0 || patched.exitCode == 5, patched.describe().constData());

    const QByteArray now = readWholeFile(bundle.manifestPath());
    const QByteArray requests
        = R"({"id":1,"cmd":"get"})"
          "\n"
          R"({"id":2,"cmd":"heartbeat","session":")"
          + evilSession.toUtf8()
          + R"("})"
            "\n"
            R"({"id":3,"cmd":"patch","ifMatch":")"
          + etagOf(now).toUtf8()
          + R"x(","ops":[{"op":"replace","path":"/title","value":"$(touch pwned)"}]})x"
            "\n"
            R"({"cmd":"quit"})"
            "\n";
    const ProgramOutcome served = runProgram(cli, {QStringLiteral("serve"), folder}, requests);
    QVERIFY2(served.exitCode == 0 && served.out.count("\"ok\":true") == 3,
             served.describe().constData());

    ManifestService::Options options;
    options.watch = false;
    ManifestService service(ManifestStore::locate(folder).value(), options);
    const Result<Snapshot> opened = service.open();
    RUNBOARD_VERIFY_OK(opened);
    RUNBOARD_VERIFY_OK(service.patch(titlePatch(opened->etag(), QStringLiteral("`touch x`"))));
    RUNBOARD_VERIFY_OK(service.heartbeat(evilSession));

    QCOMPARE(filesBelow(outside.path()), QStringList());
    QTRY_COMPARE(filesBelow(bundle.worktreePath()),
                 QStringList({QStringLiteral(".ade/orchestration/R-20260722093015-a1b2c3/.gen"),
                              QStringLiteral(".ade/orchestration/R-20260722093015-a1b2c3/"
                                             "heartbeats.json"),
                              QStringLiteral(".ade/orchestration/R-20260722093015-a1b2c3/"
                                             "manifest.json"),
                              QStringLiteral(".ade/orchestration/index.json")}));
}

void tst_Security::tempFilesAreExclusiveInTheRunFolder_data()
{
    QTest::addColumn<bool>("caching");
    QTest::newRow("one-shot (the CLI)") << false;
    QTest::newRow("caching (the service)") << true;
}

// Every file a commit creates is created exclusively, never through a link, beside the file it
// is for: temp files in the run folder (index.json's beside index.json), and nothing else.
void tst_Security::tempFilesAreExclusiveInTheRunFolder()
{
    QFETCH(bool, caching);
    TempBundle bundle;
    const QByteArray bytes = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    ManifestStore store(ManifestStore::locate(bundle.bundlePath()).value());
    store.setCaching(caching);
    if (caching)
        store.remember(store.load().value());
    FaultInjection::setRecording(true);
    RUNBOARD_VERIFY_OK(store.commit(titlePatch(etagOf(bytes), QStringLiteral("recorded"))));
    RUNBOARD_VERIFY_OK(store.recordHeartbeat(QStringLiteral("S-lead")));
    store.waitForChores();
    const QList<FaultInjection::Opened> opened = FaultInjection::opened();
    FaultInjection::setRecording(false);

    const QString orchestration = QFileInfo(bundle.bundlePath()).absolutePath();
    int created = 0;
    for (const FaultInjection::Opened &open : opened) {
        if (!(open.flags & O_CREAT))
            continue;
        ++created;
        const QString what = open.path + QStringLiteral(" flags 0%1").arg(open.flags, 0, 8);
        QVERIFY2((open.flags & O_EXCL) && (open.flags & O_NOFOLLOW), qPrintable(what));
        const QFileInfo info(open.path);
        QVERIFY2(info.absolutePath() == bundle.bundlePath() || info.absolutePath() == orchestration,
                 qPrintable(what));
        QVERIFY2(GuardedFile::isTempFileName(info.fileName())
                     || info.fileName().endsWith(QStringLiteral(".lock")),
                 qPrintable(what));
    }
    // The manifest's temp file, .gen's, heartbeats.json's, index.json's and two lock files.
    QVERIFY2(created >= 6, qPrintable(QString::number(created)));
}

// A commit keeps the manifest's permissions, and its owner and group where this process may give
// them (root may: checked with an owner that is not root; anybody else keeps their own). The
// temp file has them before it takes the manifest's name.
void tst_Security::aCommitKeepsTheManifestsModeAndOwner()
{
    TempBundle bundle;
    const QByteArray bytes = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    const QByteArray manifest = QFile::encodeName(bundle.manifestPath());
    QCOMPARE(::chmod(manifest.constData(), 0640), 0);
    const bool root = ::geteuid() == 0;
    const uid_t owner = root ? 65534 : ::geteuid(); // nobody
    const gid_t group = root ? 65534 : ::getegid();
    QCOMPARE(::chown(manifest.constData(), owner, group), 0);

    ManifestStore store(ManifestStore::locate(bundle.bundlePath()).value());
    FaultInjection::setRecording(true);
    struct stat staged = {};
    GuardedFile::Hooks hooks;
    hooks.afterRecheck = [&] {
        for (const FaultInjection::Opened &open : FaultInjection::opened()) {
            if (open.path.startsWith(bundle.manifestPath() + u'.') && (open.flags & O_CREAT))
                ::stat(QFile::encodeName(open.path).constData(), &staged);
        }
    };
    RUNBOARD_VERIFY_OK(store.commit(titlePatch(etagOf(bytes), QStringLiteral("kept")), hooks));

    struct stat after = {};
    QCOMPARE(::stat(manifest.constData(), &after), 0);
    QCOMPARE(after.st_mode & 07777, mode_t(0640));
    QCOMPARE(after.st_uid, owner);
    QCOMPARE(after.st_gid, group);
    QCOMPARE(staged.st_mode & 07777, mode_t(0640));
    QCOMPARE(staged.st_uid, owner);
    QCOMPARE(staged.st_gid, group);
}

// Links planted in a run folder (a checked-out repository can hold any): the manifest through a
// link is never written (its commit is refused), and the side files a commit or heartbeat
// replaces (.gen, heartbeats.json, index.json) replace the link itself, never what it points at.
void tst_Security::linksPlantedInTheRunFolderAreNeverWrittenThrough()
{
    TempBundle bundle;
    QTemporaryDir outside;
    const QByteArray bytes = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId()));
    const QString orchestration = QFileInfo(bundle.bundlePath()).absolutePath();
    const QList<std::pair<QString, QByteArray>> planted = {
        {bundle.bundlePath() + QStringLiteral("/.gen"), "1\n"},
        {bundle.bundlePath() + QStringLiteral("/heartbeats.json"), "{}\n"},
        {orchestration + QStringLiteral("/index.json"), R"({"version":1,"runs":[]})"},
    };
    for (const auto &[link, content] : planted) {
        const QString target
            = outside.filePath(QFileInfo(link).fileName() + QStringLiteral(".target"));
        QVERIFY(writeWholeFile(target, content));
        QVERIFY(QFile::link(target, link));
    }

    ManifestStore store(ManifestStore::locate(bundle.bundlePath()).value());
    const Result<ManifestStore::Committed> committed
        = store.commit(titlePatch(etagOf(bytes), QStringLiteral("side files")));
    RUNBOARD_VERIFY_OK(committed);
    RUNBOARD_VERIFY_OK(store.recordHeartbeat(QStringLiteral("S-lead")));
    for (const auto &[link, content] : planted) {
        const QString target
            = outside.filePath(QFileInfo(link).fileName() + QStringLiteral(".target"));
        QCOMPARE(readWholeFile(target), content);
    }
    // .gen and heartbeats.json are plain atomic writes: the link gives way to a file.
    QVERIFY(!QFileInfo(planted.at(0).first).isSymLink());
    QVERIFY(!QFileInfo(planted.at(1).first).isSymLink());
    // index.json is replaced only if it holds what was read (GuardedFile::replace), and never
    // when it is a link: the link stays, and the commit says index.json was not updated.
    QVERIFY(QFileInfo(planted.at(2).first).isSymLink());
    QVERIFY2(committed->warnings.join(u' ').contains(QStringLiteral("symbolic link")),
             qPrintable(committed->warnings.join(u' ')));

    // The manifest itself as a link to a manifest outside: read, never written.
    const QString target = outside.filePath(QStringLiteral("manifest.json"));
    const QByteArray current = readWholeFile(bundle.manifestPath());
    QVERIFY(writeWholeFile(target, current));
    QVERIFY(QFile::remove(bundle.manifestPath()));
    QVERIFY(QFile::link(target, bundle.manifestPath()));
    const Result<ManifestStore::Loaded> loaded = store.load();
    RUNBOARD_VERIFY_OK(loaded);
    const Result<ManifestStore::Committed> refused
        = store.commit(titlePatch(etagOf(current), QStringLiteral("through the link")));
    QVERIFY(!refused.isOk());
    QCOMPARE(errorCodeName(refused.error().code), errorCodeName(ErrorCode::IoError));
    QVERIFY2(refused.error().message.contains(QStringLiteral("symbolic link")),
             qPrintable(refused.error().message));
    QCOMPARE(readWholeFile(target), current);
    QVERIFY(QFileInfo(bundle.manifestPath()).isSymLink());
    QCOMPARE(bundle.tempFiles(), QStringList());
}

QTEST_GUILESS_MAIN(tst_Security)
#include "tst_security.moc"
