// SPDX-License-Identifier: MIT
//
// tst_cli: runboard-cli through the real binary (QProcess), as scripts and agents use it.
// Every command's success path, every documented exit status, bad input that must leave the
// bundle byte-for-byte unchanged, `watch` seeing another process's change, `serve` and `patch`
// processes committing at once without losing an acknowledged patch, and a short `demo`.
// No sleeps: the tests wait on process output and exit with timeouts.

#include "jsonpatch.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "manifeststore.h"
#include "programrun.h"
#include "resultcheck.h"
#include "tempbundle.h"
#include "testfiles.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdio>

using namespace runboard;
using namespace runboard::test;

namespace {

constexpr int kTimeoutMs = 30000;

using Outcome = ProgramOutcome;

Outcome runCli(const QStringList &arguments, const QByteArray &input = QByteArray())
{
    return runProgram(QStringLiteral(RUNBOARD_CLI), arguments, input, kTimeoutMs);
}

std::string str(const Json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

QByteArray compact(const Json &value)
{
    const std::string text = JsonWriter::write(value, JsonWriter::Style::Compact);
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

// One worktree with a run made by `init`, plus a corrupt bundle and assorted input files.
class Fixture
{
public:
    Fixture()
    {
        const Outcome init = runCli({QStringLiteral("init"), m_dir.path(),
                                     QStringLiteral("--title"), QStringLiteral("Fixture run")});
        if (init.exitCode != 0)
            return;
        bundle = QString::fromStdString(str(init.first(), "bundlePath"));
        etag = QString::fromStdString(str(init.first(), "etag"));
        manifest = bundle + QStringLiteral("/manifest.json");
        QDir().mkpath(path(QStringLiteral("corrupt/.ade/orchestration/R-20260101000000-000000")));
        corrupt = path(QStringLiteral("corrupt/.ade/orchestration/R-20260101000000-000000"));
        writeWholeFile(corrupt + QStringLiteral("/manifest.json"), "{\"version\": 1, \"runId\": ");
        QDir().mkpath(path(QStringLiteral("plainfolder")));
        writeWholeFile(path(QStringLiteral("ops-title.json")),
                       R"([{"op":"replace","path":"/title","value":"Patched"}])");
        writeWholeFile(path(QStringLiteral("ops-badjson.json")), "[{\"op\":");
        writeWholeFile(path(QStringLiteral("ops-object.json")), R"({"op":"replace"})");
        writeWholeFile(path(QStringLiteral("ops-unknown.json")),
                       R"([{"op":"frobnicate","path":"/title","value":1}])");
        writeWholeFile(path(QStringLiteral("ops-missing-path.json")),
                       R"([{"op":"replace","path":"/title","value":"ok"},)"
                       R"({"op":"replace","path":"/nope/deeper","value":1}])");
        writeWholeFile(path(QStringLiteral("ops-runid.json")),
                       R"([{"op":"replace","path":"/runId","value":"R-other"}])");
        writeWholeFile(path(QStringLiteral("ops-dup-task.json")),
                       R"([{"op":"add","path":"/tasks/-","value":{"id":"T-1","phaseId":"planning",)"
                       R"("title":"a","description":"","status":"pending",)"
                       R"("validationGate":{"required":false,"stepIds":[]}}},)"
                       R"({"op":"add","path":"/tasks/-","value":{"id":"T-1","phaseId":"planning",)"
                       R"("title":"b","description":"","status":"pending",)"
                       R"("validationGate":{"required":false,"stepIds":[]}}}])");
        writeWholeFile(path(QStringLiteral("a.json")), R"({"n":1,"list":[{"id":"x","v":1}]})");
        writeWholeFile(path(QStringLiteral("b.json")), R"({"n":2,"list":[{"id":"x","v":3}]})");
        writeWholeFile(path(QStringLiteral("scalar.json")), "41");
        writeWholeFile(path(QStringLiteral("base-other.json")),
                       R"({"version":1,"etag":"g9-other"})");
        writeWholeFile(
            path(QStringLiteral("ops-root.json")),
            R"([{"op":"test","path":"","value":41},{"op":"replace","path":"","value":[42]}])");
        valid = true;
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString worktree() const { return m_dir.path(); }

    // {bundle}, {manifest}, {corrupt}, {etag}, {dir} and {file:NAME} in arguments.
    QStringList expand(const QStringList &arguments) const
    {
        QStringList out;
        for (QString argument : arguments) {
            argument.replace(QStringLiteral("{bundle}"), bundle);
            argument.replace(QStringLiteral("{manifest}"), manifest);
            argument.replace(QStringLiteral("{corrupt}"), corrupt);
            argument.replace(QStringLiteral("{etag}"), etag);
            argument.replace(QStringLiteral("{dir}"), worktree());
            if (argument.startsWith(QStringLiteral("{file:")))
                argument = path(argument.mid(6).chopped(1));
            out << argument;
        }
        return out;
    }

    bool valid = false;
    QString bundle;
    QString manifest;
    QString corrupt;
    QString etag;

private:
    QTemporaryDir m_dir;
};

// Increments /counter through `get` + `patch` processes, retrying on etag_conflict.
class Patcher : public QObject
{
public:
    Patcher(QString bundle, int count) : m_bundle(std::move(bundle)), m_left(count) {}

    void start() { fetch(); }
    bool isDone() const { return m_left == 0 || !m_failure.isEmpty(); }
    int acks() const { return m_acks; }
    QString failure() const { return m_failure; }

private:
    void fetch()
    {
        auto *process = new QProcess(this);
        connect(process, &QProcess::finished, this, [this, process](int code) {
            process->deleteLater();
            const QList<Json> lines = jsonLines(process->readAllStandardOutput());
            if (code != 0 || lines.isEmpty()) {
                m_failure = QStringLiteral("get failed with %1").arg(code);
                return;
            }
            commit(QString::fromStdString(str(lines.first(), "etag")),
                   lines.first().value("value", 0));
        });
        process->start(QStringLiteral(RUNBOARD_CLI),
                       {QStringLiteral("get"), m_bundle, QStringLiteral("--pointer"),
                        QStringLiteral("/counter")});
    }

    void commit(const QString &etag, int value)
    {
        auto *process = new QProcess(this);
        connect(process, &QProcess::finished, this, [this, process](int code) {
            process->deleteLater();
            if (code == 0) {
                ++m_acks;
                --m_left;
            } else if (code != 3) {
                m_failure = QStringLiteral("patch failed with %1: %2")
                                .arg(code)
                                .arg(QString::fromUtf8(process->readAllStandardError()));
                return;
            }
            if (m_left > 0)
                fetch();
        });
        process->start(QStringLiteral(RUNBOARD_CLI),
                       {QStringLiteral("patch"), m_bundle, QStringLiteral("--if-match"), etag,
                        QStringLiteral("--ops"), QStringLiteral("-")});
        process->write(compact(
            Json::array({{{"op", "replace"}, {"path", "/counter"}, {"value", value + 1}}})));
        process->closeWriteChannel();
    }

    QString m_bundle;
    int m_left = 0;
    int m_acks = 0;
    QString m_failure;
};

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionAndHelp_data();
    void versionAndHelp();
    void initCreatesRun();
    void initNeverOverwrites();
    void successPaths_data();
    void successPaths();
    void patchCommits();
    void verboseTellsWhyAPatchConflicted();
    void aManifestThatIsANamedPipeIsRefused();
    void aFileSizeLimitIsAnIoError();
    void errors_data();
    void errors();
    void watchSeesExternalChange();
    void serveAndPatchLoseNothing();
    void diffWords();
    void patchRebase_data();
    void patchRebase();
    void serveRebasesAndReportsOverwrites();
    void demoDrivesRun();
};

void tst_Cli::versionAndHelp_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTest::newRow("version") << QStringList{QStringLiteral("--version")}
                             << QStringLiteral("runboard-cli 0.1");
    QTest::newRow("help") << QStringList{QStringLiteral("--help")} << QStringLiteral("Commands:");
    for (const char *command : {"init", "runs", "show", "get", "patch", "heartbeat", "diff",
                                "jsonpatch", "watch", "serve", "demo"}) {
        const QString name = QString::fromLatin1(command);
        QTest::newRow(command) << QStringList{name, QStringLiteral("--help")}
                               << QStringLiteral("Usage: runboard-cli ") + name;
    }
}

void tst_Cli::versionAndHelp()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const Outcome outcome = runCli(arguments);
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(QString::fromUtf8(outcome.out).contains(expected), outcome.out.constData());
}

void tst_Cli::initCreatesRun()
{
    QTemporaryDir dir;
    const Outcome outcome = runCli({QStringLiteral("init"), dir.path(), QStringLiteral("--title"),
                                    QStringLiteral("Login form"), QStringLiteral("--goal"),
                                    QStringLiteral("Add a login form"), QStringLiteral("--lane-id"),
                                    QStringLiteral("L-7")});
    QCOMPARE(outcome.exitCode, 0);
    QCOMPARE(outcome.lines.size(), 1);
    const Json line = outcome.first();
    QVERIFY(line.value("ok", false));
    const QString runId = QString::fromStdString(str(line, "runId"));
    QVERIFY2(QRegularExpression(QStringLiteral("^R-\\d{14}-[0-9a-f]{6}$")).match(runId).hasMatch(),
             qPrintable(runId));
    const QString bundle = QString::fromStdString(str(line, "bundlePath"));
    QCOMPARE(bundle, QDir(dir.path()).filePath(QStringLiteral(".ade/orchestration/") + runId));
    QVERIFY(QFileInfo(bundle + QStringLiteral("/artifacts/ui")).isDir());
    QVERIFY(QFileInfo(bundle + QStringLiteral("/artifacts/evidence")).isDir());
    QCOMPARE(readWholeFile(bundle + QStringLiteral("/.gen")), QByteArray("1\n"));
    const QByteArray plan = readWholeFile(bundle + QStringLiteral("/plan.md"));
    const QByteArray planStart
        = QByteArray("# Login form\n\n<sub>run id: ") + runId.toUtf8() + QByteArray(" · lane: L-7");
    QVERIFY2(plan.startsWith(planStart), plan.constData());
    QVERIFY(plan.endsWith("## Goal\n\nAdd a login form\n\n"));

    Result<BundleLocation> location = ManifestStore::locate(bundle);
    RUNBOARD_VERIFY_OK(location);
    const Result<ManifestStore::Loaded> loaded = ManifestStore(location.value()).load();
    RUNBOARD_VERIFY_OK(loaded);
    const Json &manifest = *loaded->document;
    QCOMPARE(str(manifest, "etag"), str(line, "etag"));
    QCOMPARE(manifest.value("serverGeneration", 0), 1);
    QCOMPARE(str(manifest, "currentPhase"), std::string("planning"));
    QCOMPARE(manifest["phases"].size(), std::size_t(4));
    QCOMPARE(str(manifest["phases"][0], "status"), std::string("active"));
    QCOMPARE(manifest["agents"].size(), std::size_t(1));
    QCOMPARE(str(manifest["agents"][0], "sessionId"), std::string("S-lead"));
    QCOMPARE(str(manifest["history"][0], "summary"), std::string("run created"));
    QCOMPARE(str(manifest["history"][0], "patchKindSummary"), std::string("init"));
    QVERIFY(manifest.contains("schemaCompatibility"));

    const Outcome runs = runCli({QStringLiteral("runs"), dir.path()});
    QCOMPARE(runs.exitCode, 0);
    QCOMPARE(runs.first()["runs"].size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(str(runs.first()["runs"][0], "runId")), runId);
}

void tst_Cli::initNeverOverwrites()
{
    // A second init makes a second run; runs lists both, oldest first.
    Fixture fixture;
    QVERIFY(fixture.valid);
    const QByteArray before = readWholeFile(fixture.manifest);
    const Outcome second = runCli({QStringLiteral("init"), fixture.worktree()});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(readWholeFile(fixture.manifest), before);
    const Outcome runs = runCli({QStringLiteral("runs"), fixture.worktree()});
    QCOMPARE(runs.first()["runs"].size(), std::size_t(2));
    // init into a path that is a file: not a folder.
    const Outcome onFile = runCli({QStringLiteral("init"), fixture.manifest});
    QCOMPARE(onFile.exitCode, 7);
    QCOMPARE(str(onFile.first(), "error"), std::string("not_found"));
}

void tst_Cli::successPaths_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected"); // a substring of stdout
    auto row = [](const char *name, QStringList arguments, const char *expected) {
        QTest::newRow(name) << arguments << QString::fromUtf8(expected);
    };
    row("show", {QStringLiteral("show"), QStringLiteral("{bundle}")}, "S-lead  lead  running");
    row("show --json",
        {QStringLiteral("show"), QStringLiteral("{manifest}"), QStringLiteral("--json")},
        R"("title":"Fixture run","currentPhase":"planning")");
    row("get", {QStringLiteral("get"), QStringLiteral("{bundle}")}, R"("manifest":{"version":1,)");
    row("get --pointer",
        {QStringLiteral("get"), QStringLiteral("{bundle}"), QStringLiteral("--pointer"),
         QStringLiteral("/agents/{sessionId:S-lead}/role")},
        R"("value":"lead")");
    row("heartbeat",
        {QStringLiteral("heartbeat"), QStringLiteral("{bundle}"), QStringLiteral("--session"),
         QStringLiteral("S-lead")},
        R"({"ok":true,"sessionId":"S-lead","lastHeartbeatAt":")");
    row("runs", {QStringLiteral("runs"), QStringLiteral("{dir}")}, R"("title":"Fixture run")");
    row("diff --words",
        {QStringLiteral("diff"), QStringLiteral("--words"), QStringLiteral("{file:a.json}"),
         QStringLiteral("{file:b.json}")},
        R"({"words":["/n 1 → 2","/list/{id:x} changed"],"groups":[{"topic":"other",)");
    row("diff",
        {QStringLiteral("diff"), QStringLiteral("{file:a.json}"), QStringLiteral("{file:b.json}")},
        R"([{"op":"replace","path":"/n","value":2},{"op":"replace","path":"/list/{id:x}/v","value":3}])");
    row("jsonpatch scalar root",
        {QStringLiteral("jsonpatch"), QStringLiteral("--doc"), QStringLiteral("{file:scalar.json}"),
         QStringLiteral("--ops"), QStringLiteral("{file:ops-root.json}")},
        "[42]\n");
}

void tst_Cli::successPaths()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    Fixture fixture;
    QVERIFY(fixture.valid);
    const Outcome outcome = runCli(fixture.expand(arguments));
    QVERIFY2(outcome.exitCode == 0, outcome.err.constData());
    QVERIFY2(QString::fromUtf8(outcome.out).contains(expected), outcome.out.constData());
    QVERIFY(outcome.err.isEmpty());
}

void tst_Cli::patchCommits()
{
    Fixture fixture;
    QVERIFY(fixture.valid);
    const Outcome outcome
        = runCli(fixture.expand({QStringLiteral("patch"), QStringLiteral("{bundle}"),
                                 QStringLiteral("--if-match"), QStringLiteral("{etag}"),
                                 QStringLiteral("--ops"), QStringLiteral("-"),
                                 QStringLiteral("--role"), QStringLiteral("lead"),
                                 QStringLiteral("--session"), QStringLiteral("S-lead")}),
                 R"([{"op":"replace","path":"/title","value":"Patched"}])");
    QVERIFY2(outcome.exitCode == 0, outcome.err.constData());
    QCOMPARE(outcome.lines.size(), 1);
    QVERIFY(outcome.first().value("ok", false));
    QCOMPARE(outcome.first().value("serverGeneration", 0), 2);
    const Outcome get = runCli({QStringLiteral("get"), fixture.bundle, QStringLiteral("--pointer"),
                                QStringLiteral("/title")});
    QCOMPARE(str(get.first(), "value"), std::string("Patched"));
    QCOMPARE(str(get.first(), "etag"), str(outcome.first(), "etag"));
}

// --verbose answers "why did my write conflict?" on stderr, step by step, and leaves stdout as
// it is (one JSON line); without it stderr carries only the sentence.
void tst_Cli::verboseTellsWhyAPatchConflicted()
{
    Fixture fixture;
    QVERIFY(fixture.valid);
    const QStringList stale = fixture.expand(
        {QStringLiteral("patch"), QStringLiteral("{bundle}"), QStringLiteral("--if-match"),
         QStringLiteral("g0-stale"), QStringLiteral("--ops"), QStringLiteral("-"),
         QStringLiteral("--session"), QStringLiteral("S-lead")});
    const QByteArray ops = R"([{"op":"replace","path":"/title","value":"Mine"}])";
    const QByteArray before = readWholeFile(fixture.manifest);

    const Outcome quiet = runCli(stale, ops);
    QCOMPARE(quiet.exitCode, 3);
    QVERIFY(!quiet.err.contains("runboard.store"));

    const Outcome verbose = runCli(QStringList{QStringLiteral("--verbose")} + stale, ops);
    QCOMPARE(verbose.exitCode, 3);
    QCOMPARE(verbose.out, quiet.out);
    const QString log = QString::fromUtf8(verbose.err);
    const QString etag = fixture.etag;
    for (const QString &step :
         QStringList{QStringLiteral("runboard.store: commit"), QStringLiteral("ifMatch g0-stale"),
                     QStringLiteral("runboard.lock: taken"),
                     QStringLiteral("the disk moved on: it is at ") + etag,
                     QStringLiteral("runboard.lock: released")})
        QVERIFY2(log.contains(step), qPrintable(step + QStringLiteral(" not in:\n") + log));
    QVERIFY(log.indexOf(QStringLiteral("lock: taken")) < log.indexOf(QStringLiteral("moved on")));
    QCOMPARE(readWholeFile(fixture.manifest), before);
}

// `show` on a run whose manifest.json is a FIFO used to wait for a writer for good.
void tst_Cli::aManifestThatIsANamedPipeIsRefused()
{
    Fixture fixture;
    QVERIFY(fixture.valid);
    QVERIFY(QFile::remove(fixture.manifest));
    QVERIFY(::mkfifo(QFile::encodeName(fixture.manifest).constData(), 0600) == 0);
    for (const QString &command : {QStringLiteral("show"), QStringLiteral("get")}) {
        const Outcome outcome = runCli({command, fixture.bundle});
        QCOMPARE(outcome.exitCode, 8); // io_error, at once (runCli gives up after its timeout)
        QCOMPARE(str(outcome.first(), "error"), std::string("io_error"));
        QVERIFY2(outcome.err.contains("named pipe"), outcome.err.constData());
    }
}

// Under `ulimit -f` a write past the limit raised SIGXFSZ, which killed `patch` mid-commit
// (exit 153, no message) and left its temp file and the lock behind. It is an io_error now,
// the manifest as it was, nothing left over.
void tst_Cli::aFileSizeLimitIsAnIoError()
{
    Fixture fixture;
    QVERIFY(fixture.valid);
    const QByteArray before = readWholeFile(fixture.manifest);
    const qint64 limit = 1024; // the lock file fits; the manifest's temp file does not
    QVERIFY(before.size() > limit);

    QProcess process;
    process.setChildProcessModifier([] {
        const struct rlimit small = {rlim_t(1024), rlim_t(1024)};
        ::setrlimit(RLIMIT_FSIZE, &small);
    });
    process.start(QStringLiteral(RUNBOARD_CLI),
                  fixture.expand({QStringLiteral("patch"), QStringLiteral("{bundle}"),
                                  QStringLiteral("--if-match"), QStringLiteral("{etag}"),
                                  QStringLiteral("--ops"), QStringLiteral("{file:ops-title.json}"),
                                  QStringLiteral("--session"), QStringLiteral("S-lead")}));
    QVERIFY(process.waitForFinished(kTimeoutMs));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit); // not killed by SIGXFSZ
    QCOMPARE(process.exitCode(), 8);
    const QList<Json> lines = jsonLines(process.readAllStandardOutput());
    QCOMPARE(lines.size(), 1);
    QCOMPARE(str(lines.first(), "error"), std::string("io_error"));
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(err.contains("File too large") && err.contains(".tmp"), err.constData());
    QCOMPARE(readWholeFile(fixture.manifest), before);
    QCOMPARE(QDir(fixture.bundle).entryList({QStringLiteral("*.tmp")}, QDir::Files), QStringList());
    QVERIFY(!QFile::exists(fixture.manifest + QStringLiteral(".lock")));

    // A later commit without the limit goes through, and removes what a writer that died left
    // (here: a process that has exited, as one killed by SIGXFSZ had).
    QProcess finished;
    finished.start(QStringLiteral("true"), {});
    QVERIFY(finished.waitForStarted());
    const qint64 deadPid = finished.processId();
    QVERIFY(finished.waitForFinished());
    const QString leftover
        = fixture.bundle + QStringLiteral("/manifest.json.%1.1753176615120.k3j2a.tmp").arg(deadPid);
    QVERIFY(writeWholeFile(leftover, QByteArray(100 * 1024, ' ')));
    const Outcome after = runCli(fixture.expand(
        {QStringLiteral("patch"), QStringLiteral("{bundle}"), QStringLiteral("--if-match"),
         QStringLiteral("{etag}"), QStringLiteral("--ops"), QStringLiteral("{file:ops-title.json}"),
         QStringLiteral("--session"), QStringLiteral("S-lead")}));
    QVERIFY2(after.exitCode == 0, after.err.constData());
    QVERIFY(!QFile::exists(leftover));
}

void tst_Cli::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("error");   // the JSON "error" member
    QTest::addColumn<QString>("message"); // a substring of stderr
    const QString b = QStringLiteral("{bundle}");
    const QString patch = QStringLiteral("patch");
    const QString ifMatch = QStringLiteral("--if-match");
    const QString ops = QStringLiteral("--ops");
    auto row = [](const char *name, QStringList arguments, int code, const char *error,
                  const char *message, QByteArray input = QByteArray()) {
        QTest::newRow(name) << arguments << input << code << QString::fromLatin1(error)
                            << QString::fromUtf8(message);
    };
    const QString noSuch = QStringLiteral("{dir}/no/such/run");
    const QString plain = QStringLiteral("{dir}/plainfolder");
    const QString corrupt = QStringLiteral("{corrupt}");

    row("no command", {}, 2, "usage", "Usage: runboard-cli COMMAND");
    row("unknown command", {QStringLiteral("frob")}, 2, "usage", "unknown command 'frob'");
    row("unknown option", {QStringLiteral("show"), b, QStringLiteral("--frob")}, 2, "usage",
        "Unknown option 'frob'");
    row("missing argument", {QStringLiteral("show")}, 2, "usage", "missing argument BUNDLE");
    row("extra argument", {QStringLiteral("get"), b, b}, 2, "usage", "unexpected argument");

    for (const QString &command : {QStringLiteral("show"), QStringLiteral("get"),
                                   QStringLiteral("watch"), QStringLiteral("serve")}) {
        row(qPrintable(command + QStringLiteral(" missing path")), {command, noSuch}, 7,
            "not_found", "does not exist");
        row(qPrintable(command + QStringLiteral(" not a bundle")), {command, plain}, 7, "not_found",
            "is not a run bundle");
        row(qPrintable(command + QStringLiteral(" corrupt")), {command, corrupt}, 7, "unreadable",
            "manifest.json");
    }
    row("runs missing path", {QStringLiteral("runs"), noSuch}, 7, "not_found", "no/such/run");
    row("runs not a worktree", {QStringLiteral("runs"), plain}, 7, "not_found", "plainfolder");
    row("heartbeat missing path",
        {QStringLiteral("heartbeat"), noSuch, QStringLiteral("--session"),
         QStringLiteral("S-lead")},
        7, "not_found", "does not exist");
    row("heartbeat corrupt",
        {QStringLiteral("heartbeat"), corrupt, QStringLiteral("--session"),
         QStringLiteral("S-lead")},
        7, "unreadable", "manifest.json");
    row("heartbeat unknown session",
        {QStringLiteral("heartbeat"), b, QStringLiteral("--session"), QStringLiteral("S-nobody")},
        7, "not_found", "agent S-nobody is not in run");
    row("heartbeat no session", {QStringLiteral("heartbeat"), b}, 2, "usage", "--session");
    row("get bad pointer",
        {QStringLiteral("get"), b, QStringLiteral("--pointer"), QStringLiteral("title")}, 2,
        "usage", "--pointer");
    row("get missing value",
        {QStringLiteral("get"), b, QStringLiteral("--pointer"), QStringLiteral("/nope")}, 7,
        "not_found", "nothing at /nope");
    row("watch bad seconds",
        {QStringLiteral("watch"), b, QStringLiteral("--seconds"), QStringLiteral("soon")}, 2,
        "usage", "--seconds");

    row("patch missing path",
        {patch, noSuch, ifMatch, QStringLiteral("{etag}"), ops,
         QStringLiteral("{file:ops-title.json}")},
        7, "not_found", "does not exist");
    row("patch not a bundle",
        {patch, plain, ifMatch, QStringLiteral("{etag}"), ops,
         QStringLiteral("{file:ops-title.json}")},
        7, "not_found", "is not a run bundle");
    row("patch corrupt",
        {patch, corrupt, ifMatch, QStringLiteral("g1-x"), ops,
         QStringLiteral("{file:ops-title.json}")},
        7, "unreadable", "manifest.json");
    row("patch no if-match", {patch, b, ops, QStringLiteral("{file:ops-title.json}")}, 2, "usage",
        "--if-match ETAG is required");
    row("patch no ops", {patch, b, ifMatch, QStringLiteral("{etag}")}, 2, "usage",
        "--ops FILE|- is required");
    row("patch unknown role",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("{file:ops-title.json}"),
         QStringLiteral("--role"), QStringLiteral("boss")},
        2, "usage", "unknown role 'boss'");
    row("patch stale etag",
        {patch, b, ifMatch, QStringLiteral("g0-stale"), ops,
         QStringLiteral("{file:ops-title.json}")},
        3, "etag_conflict", "not at g0-stale");
    row("patch ops not json",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops,
         QStringLiteral("{file:ops-badjson.json}")},
        4, "invalid_patch", "is not valid JSON");
    row("patch ops not array",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops,
         QStringLiteral("{file:ops-object.json}")},
        4, "invalid_patch", "array");
    row("patch unknown op",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops,
         QStringLiteral("{file:ops-unknown.json}")},
        4, "invalid_patch", "frobnicate");
    row("patch ops missing",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("{dir}/nothing.json")}, 7,
        "not_found", "nothing.json does not exist");
    row("patch stdin not json",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("-")}, 4, "invalid_patch",
        "standard input", "not json");
    row("patch unresolved path",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops,
         QStringLiteral("{file:ops-missing-path.json}")},
        4, "invalid_patch", "operation 1");
    row("patch policy",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("{file:ops-runid.json}"),
         QStringLiteral("--role"), QStringLiteral("lead")},
        5, "policy_denied", "/runId");
    row("patch validation",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops,
         QStringLiteral("{file:ops-dup-task.json}")},
        6, "validation_failed", "duplicate id T-1");

    const QString rebase = QStringLiteral("--rebase");
    const QString base = QStringLiteral("--base");
    row("patch rebase without base",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("{file:ops-title.json}"),
         rebase},
        2, "usage", "--rebase needs --base FILE: the manifest the patch was made on");
    row("patch base without rebase",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("{file:ops-title.json}"),
         base, QStringLiteral("{file:a.json}")},
        2, "usage", "--base is only used with --rebase");
    row("patch base and ops both stdin",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("-"), rebase, base,
         QStringLiteral("-")},
        2, "usage", "only one of --ops and --base");
    row("patch base not a manifest",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("{file:ops-title.json}"),
         rebase, base, QStringLiteral("{file:a.json}")},
        7, "unreadable", "is neither a manifest nor what `runboard-cli get` prints");
    row("patch base not json",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("{file:ops-title.json}"),
         rebase, base, QStringLiteral("{file:ops-badjson.json}")},
        7, "unreadable", "the base");
    row("patch base of another version",
        {patch, b, ifMatch, QStringLiteral("{etag}"), ops, QStringLiteral("{file:ops-title.json}"),
         rebase, base, QStringLiteral("{file:base-other.json}")},
        2, "usage", "--base is the version g9-other but --if-match says");
    row("diff bookkeeping without words",
        {QStringLiteral("diff"), QStringLiteral("--bookkeeping"), QStringLiteral("{file:a.json}"),
         QStringLiteral("{file:b.json}")},
        2, "usage", "--bookkeeping is only used with --words");
    row("diff missing file",
        {QStringLiteral("diff"), QStringLiteral("{file:a.json}"),
         QStringLiteral("{dir}/none.json")},
        7, "not_found", "none.json does not exist");
    row("diff not json",
        {QStringLiteral("diff"), QStringLiteral("{file:ops-badjson.json}"),
         QStringLiteral("{file:a.json}")},
        7, "unreadable", "is not valid JSON");
    row("jsonpatch no doc",
        {QStringLiteral("jsonpatch"), ops, QStringLiteral("{file:ops-root.json}")}, 2, "usage",
        "--doc");
    row("jsonpatch failed test",
        {QStringLiteral("jsonpatch"), QStringLiteral("--doc"), QStringLiteral("{file:a.json}"), ops,
         QStringLiteral("{file:ops-root.json}")},
        4, "invalid_patch", "operation 0");
    row("jsonpatch ops not array",
        {QStringLiteral("jsonpatch"), QStringLiteral("--doc"), QStringLiteral("{file:a.json}"), ops,
         QStringLiteral("{file:ops-object.json}")},
        4, "invalid_patch", "array");
    row("init missing folder", {QStringLiteral("init"), noSuch}, 7, "not_found", "no/such/run");
}

void tst_Cli::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(int, exitCode);
    QFETCH(QString, error);
    QFETCH(QString, message);
    Fixture fixture;
    QVERIFY(fixture.valid);
    const QByteArray manifestBefore = readWholeFile(fixture.manifest);
    const QByteArray corruptBefore
        = readWholeFile(fixture.corrupt + QStringLiteral("/manifest.json"));
    const QStringList folderBefore
        = QDir(fixture.bundle).entryList(QDir::AllEntries | QDir::Hidden);

    const Outcome outcome = runCli(fixture.expand(arguments), input);
    QCOMPARE(outcome.exitCode, exitCode);
    QCOMPARE(outcome.lines.size(), 1);
    QCOMPARE(outcome.first().value("ok", true), false);
    QCOMPARE(QString::fromStdString(str(outcome.first(), "error")), error);
    QVERIFY2(QString::fromUtf8(outcome.err).contains(message), outcome.err.constData());
    if (error == QStringLiteral("etag_conflict")) {
        QCOMPARE(QString::fromStdString(str(outcome.first(), "etag")), fixture.etag);
        QCOMPARE(outcome.first().value("serverGeneration", 0), 1);
    }
    if (arguments.contains(QStringLiteral("{file:ops-missing-path.json}")))
        QCOMPARE(outcome.first().value("opIndex", -1), 1);

    QCOMPARE(readWholeFile(fixture.manifest), manifestBefore);
    QCOMPARE(readWholeFile(fixture.corrupt + QStringLiteral("/manifest.json")), corruptBefore);
    QCOMPARE(QDir(fixture.bundle).entryList(QDir::AllEntries | QDir::Hidden), folderBefore);
}

void tst_Cli::watchSeesExternalChange()
{
    Fixture fixture;
    QVERIFY(fixture.valid);
    QProcess watch;
    watch.start(QStringLiteral(RUNBOARD_CLI), {QStringLiteral("watch"), fixture.bundle,
                                               QStringLiteral("--seconds"), QStringLiteral("60")});
    QByteArray out;
    connect(&watch, &QProcess::readyReadStandardOutput, this,
            [&] { out += watch.readAllStandardOutput(); });
    QTRY_VERIFY_WITH_TIMEOUT(out.contains("\"event\":\"open\""), kTimeoutMs);

    const Outcome patched = runCli(
        {QStringLiteral("patch"), fixture.bundle, QStringLiteral("--if-match"), fixture.etag,
         QStringLiteral("--ops"), fixture.path(QStringLiteral("ops-title.json"))});
    QCOMPARE(patched.exitCode, 0);
    const QByteArray expected = R"({"event":"manifest","source":"external","etag":")"
                                + QByteArray::fromStdString(str(patched.first(), "etag"))
                                + R"(","serverGeneration":2,"t":)";
    QTRY_VERIFY_WITH_TIMEOUT(out.contains(expected), kTimeoutMs);

    // A foreign runId suspends the run; its own manifest coming back resumes it.
    const QByteArray own = readWholeFile(fixture.manifest);
    QByteArray foreign = own;
    foreign.replace(fixture.bundle.section(u'/', -1).toUtf8(), "R-foreign-checkout");
    QVERIFY(writeWholeFile(fixture.manifest, foreign));
    QTRY_VERIFY_WITH_TIMEOUT(out.contains(R"({"event":"lifecycle","state":"suspended")"),
                             kTimeoutMs);
    QVERIFY(writeWholeFile(fixture.manifest, own));
    QTRY_VERIFY_WITH_TIMEOUT(out.contains(R"({"event":"lifecycle","state":"resumed")"), kTimeoutMs);

    watch.terminate(); // SIGTERM: a clean end, exit status 0
    QVERIFY(watch.waitForFinished(kTimeoutMs));
    QCOMPARE(watch.exitStatus(), QProcess::NormalExit);
    QCOMPARE(watch.exitCode(), 0);
}

void tst_Cli::serveAndPatchLoseNothing()
{
    Fixture fixture;
    QVERIFY(fixture.valid);
    const Outcome seeded
        = runCli({QStringLiteral("patch"), fixture.bundle, QStringLiteral("--if-match"),
                  fixture.etag, QStringLiteral("--ops"), QStringLiteral("-")},
                 R"([{"op":"add","path":"/counter","value":0}])");
    QCOMPARE(seeded.exitCode, 0);

    constexpr int kServePatches = 12;
    constexpr int kPatchers = 3;
    constexpr int kPatchesEach = 4;

    QProcess serve;
    serve.start(QStringLiteral(RUNBOARD_CLI), {QStringLiteral("serve"), fixture.bundle});
    QByteArray pending;
    int serveAcks = 0;
    int nextId = 1;
    int conflicts = 0;
    QString serveFailure;
    bool opened = false;
    const auto send = [&](Json request) {
        request["id"] = nextId++;
        serve.write(compact(request) + '\n');
    };
    const auto askState = [&] {
        send(Json{{"cmd", "get"}});
    };
    connect(&serve, &QProcess::readyReadStandardOutput, this, [&] {
        pending += serve.readAllStandardOutput();
        qsizetype newline = 0;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QList<Json> lines = jsonLines(pending.left(newline));
            pending.remove(0, newline + 1);
            if (lines.isEmpty())
                continue;
            const Json &line = lines.first();
            if (str(line, "event") == "open") {
                opened = true;
                askState();
                continue;
            }
            if (!line.contains("id"))
                continue;
            if (line.contains("manifest")) {
                const int value = line["manifest"].value("counter", -1);
                send(Json{{"cmd", "patch"},
                          {"ifMatch", str(line, "etag")},
                          {"ops", Json::array({{{"op", "replace"},
                                                {"path", "/counter"},
                                                {"value", value + 1}}})}});
            } else if (line.value("ok", false)) {
                if (++serveAcks < kServePatches)
                    askState();
            } else if (str(line, "error") == "etag_conflict") {
                ++conflicts;
                askState();
            } else {
                serveFailure = QString::fromUtf8(compact(line));
            }
        }
    });

    std::vector<std::unique_ptr<Patcher>> patchers;
    for (int i = 0; i < kPatchers; ++i) {
        patchers.push_back(std::make_unique<Patcher>(fixture.bundle, kPatchesEach));
        patchers.back()->start();
    }
    const auto allDone = [&] {
        for (const auto &patcher : patchers) {
            if (!patcher->isDone())
                return false;
        }
        return serveAcks == kServePatches || !serveFailure.isEmpty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(allDone(), 45000);
    QVERIFY(opened);
    QVERIFY2(serveFailure.isEmpty(), qPrintable(serveFailure));
    int acks = serveAcks;
    for (const auto &patcher : patchers) {
        QVERIFY2(patcher->failure().isEmpty(), qPrintable(patcher->failure()));
        acks += patcher->acks();
    }
    QCOMPARE(acks, kServePatches + kPatchers * kPatchesEach);

    serve.write(R"({"cmd":"quit"})"
                "\n");
    QVERIFY(serve.waitForFinished(kTimeoutMs));
    QCOMPARE(serve.exitCode(), 0);
    const Outcome final = runCli({QStringLiteral("get"), fixture.bundle,
                                  QStringLiteral("--pointer"), QStringLiteral("/counter")});
    QCOMPARE(final.first().value("value", -1), acks);
    QCOMPARE(final.first().value("serverGeneration", 0), 2 + acks);
}

// `diff --words` on two versions of a run: one line, the sentences, the groups with the places
// they cover, and a summary line.
void tst_Cli::diffWords()
{
    Fixture fixture;
    QVERIFY(fixture.valid);
    const QString before = fixture.path(QStringLiteral("before.json"));
    QVERIFY(writeWholeFile(before, readWholeFile(fixture.manifest)));
    const Outcome patched
        = runCli({QStringLiteral("patch"), fixture.bundle, QStringLiteral("--if-match"),
                  fixture.etag, QStringLiteral("--ops"), QStringLiteral("-")},
                 R"([{"op":"replace","path":"/title","value":"Patched"},
                     {"op":"add","path":"/agents/{sessionId:S-lead}/cancellationRequested",
                      "value":true}])");
    QCOMPARE(patched.exitCode, 0);
    const Outcome words
        = runCli({QStringLiteral("diff"), QStringLiteral("--words"), before, fixture.manifest});
    QVERIFY2(words.exitCode == 0, words.err.constData());
    QCOMPARE(words.lines.size(), 1);
    const Json line = words.first();
    QCOMPARE(
        compact(line["words"]),
        QByteArray(
            R"(["Run: title 'Fixture run' → 'Patched'",)"
            R"("S-lead: cancellation requested",)"
            R"x("+1 history entry: patch /title×1,/agents/{sessionId:S-lead}/cance… (S-lead)"])x"));
    QCOMPARE(compact(line["groups"][0]),
             QByteArray(R"({"topic":"run","subject":"Run",)"
                        R"("sentence":"Run: title 'Fixture run' → 'Patched'",)"
                        R"("details":["title 'Fixture run' → 'Patched'"],"pointers":["/title"]})"));
    QCOMPARE(str(line, "summary"),
             std::string("Run title → 'Patched'; S-lead cancellation requested"));
    const Outcome bookkeeping = runCli({QStringLiteral("diff"), QStringLiteral("--words"),
                                        QStringLiteral("--bookkeeping"), before, fixture.manifest});
    QVERIFY(str(bookkeeping.first()["groups"][0], "sentence").find("serverGeneration 1 → 2")
            != std::string::npos);
}

void tst_Cli::patchRebase_data()
{
    QTest::addColumn<QByteArray>("setup");  // committed first (as lead), before the base is read
    QTest::addColumn<QByteArray>("theirs"); // another writer's commit after the base was read
    QTest::addColumn<QByteArray>("mine");   // made on the base
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("expected"); // members the answer must have, as compact JSON

    const QByteArray task = R"([{"op":"add","path":"/tasks/-","value":{"id":"T-1",
        "phaseId":"planning","title":"Login form","description":"","status":"pending",
        "validationGate":{"required":false,"stepIds":[]}}}])";
    QTest::newRow("clean") << QByteArray()
                           << QByteArray(R"([{"op":"replace","path":"/title","value":"Theirs"}])")
                           << QByteArray(
                                  R"([{"op":"replace","path":"/goalSummary","value":"Mine"}])")
                           << 0 << QByteArray(R"({"ok":true,"serverGeneration":3})");
    QTest::newRow("nobody else wrote")
        << QByteArray() << QByteArray()
        << QByteArray(R"([{"op":"replace","path":"/goalSummary","value":"Mine"}])") << 0
        << QByteArray(R"({"ok":true,"serverGeneration":2})");
    QTest::newRow("conflicting")
        << QByteArray() << QByteArray(R"([{"op":"replace","path":"/title","value":"Theirs"}])")
        << QByteArray(R"([{"op":"replace","path":"/title","value":"Mine"}])") << 3
        << QByteArray(R"({"ok":false,"error":"etag_conflict","serverGeneration":2,)"
                      R"("conflicts":[{"path":"/title","base":"Fixture run","theirs":"Theirs",)"
                      R"("yours":"Mine"}],"conflictingOps":[0]})");
    QTest::newRow("removed target")
        << task << QByteArray(R"([{"op":"remove","path":"/tasks/{id:T-1}"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/title","value":"Sign-in"}])") << 3
        << QByteArray(R"({"ok":false,"error":"etag_conflict","serverGeneration":3,)"
                      R"("cannotApply":"task T-1 was removed, so operation 0 (replace )"
                      R"(/tasks/{id:T-1}/title) no longer applies","opIndex":0})");
}

// `patch --rebase`: made on what the script read (saved from `get`), re-applied on the newest
// version when the other writer touched nothing it changes; otherwise exit 3 with the reason,
// and the file is exactly the other writer's.
void tst_Cli::patchRebase()
{
    QFETCH(QByteArray, setup);
    QFETCH(QByteArray, theirs);
    QFETCH(QByteArray, mine);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, expected);
    Fixture fixture;
    QVERIFY(fixture.valid);
    const auto commit = [&](const QString &etag, const QByteArray &ops) {
        const Outcome done = runCli(
            {QStringLiteral("patch"), fixture.bundle, QStringLiteral("--if-match"), etag,
             QStringLiteral("--ops"), QStringLiteral("-"), QStringLiteral("--role"),
             QStringLiteral("lead"), QStringLiteral("--session"), QStringLiteral("S-lead")},
            ops);
        return done.exitCode == 0 ? QString::fromStdString(str(done.first(), "etag")) : QString();
    };
    if (!setup.isEmpty())
        QVERIFY(!commit(fixture.etag, setup).isEmpty());

    const Outcome read = runCli({QStringLiteral("get"), fixture.bundle});
    QCOMPARE(read.exitCode, 0);
    const QString basePath = fixture.path(QStringLiteral("base.json"));
    QVERIFY(writeWholeFile(basePath, read.out));
    const QString baseEtag = QString::fromStdString(str(read.first(), "etag"));
    QString theirEtag = baseEtag;
    if (!theirs.isEmpty()) {
        theirEtag = commit(baseEtag, theirs);
        QVERIFY(!theirEtag.isEmpty());
    }
    const QByteArray before = readWholeFile(fixture.manifest);
    const QString minePath = fixture.path(QStringLiteral("mine.json"));
    QVERIFY(writeWholeFile(minePath, mine));

    const Outcome outcome = runCli(
        {QStringLiteral("patch"), fixture.bundle, QStringLiteral("--if-match"), baseEtag,
         QStringLiteral("--ops"), minePath, QStringLiteral("--role"), QStringLiteral("lead"),
         QStringLiteral("--rebase"), QStringLiteral("--base"), basePath});
    QCOMPARE(outcome.exitCode, exitCode);
    QCOMPARE(outcome.lines.size(), 1);
    const Json answer = outcome.first();
    const Json wanted = Json::parse(expected.toStdString());
    for (auto it = wanted.begin(); it != wanted.end(); ++it)
        QCOMPARE(compact(answer.value(it.key(), Json())), compact(it.value()));
    if (exitCode != 0) {
        QCOMPARE(QString::fromStdString(str(answer, "etag")), theirEtag);
        QCOMPARE(readWholeFile(fixture.manifest), before);
        QCOMPARE(QDir(fixture.bundle).entryList({QStringLiteral("*.tmp")}, QDir::Files),
                 QStringList());
        return;
    }
    QCOMPARE(answer.contains("rebasedOnto"), theirEtag != baseEtag);
    if (theirEtag != baseEtag)
        QCOMPARE(QString::fromStdString(str(answer, "rebasedOnto")), theirEtag);
    // Exactly the other writer's version with my ops applied, plus the commit's bookkeeping.
    const QByteArray after = readWholeFile(fixture.manifest);
    const Json written = Json::parse(after.toStdString());
    Result<JsonPatch> ops = JsonPatch::fromJson(Json::parse(mine.toStdString()));
    RUNBOARD_VERIFY_OK(ops);
    Result<Json> expectedDocument = ops->apply(Json::parse(before.toStdString()));
    RUNBOARD_VERIFY_OK(expectedDocument);
    for (const char *member : {"serverGeneration", "updatedAt", "etag", "history"})
        expectedDocument.value()[member] = written.at(member);
    const std::string text = JsonWriter::write(expectedDocument.value());
    QCOMPARE(after, QByteArray(text.data(), qsizetype(text.size())));
    QCOMPARE(str(written, "etag"), str(answer, "etag"));
    QCOMPARE(str(written["history"].back(), "etag"), str(answer, "etag"));
}

namespace {

// One `serve` process answered request by request: each call writes a request and reads lines
// until the answer with its id; event lines are kept.
class ServeProcess
{
public:
    explicit ServeProcess(const QString &bundle)
    {
        m_process.start(QStringLiteral(RUNBOARD_CLI), {QStringLiteral("serve"), bundle});
    }
    ~ServeProcess()
    {
        m_process.write(R"({"cmd":"quit"})"
                        "\n");
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(kTimeoutMs))
            m_process.kill();
    }

    Json request(Json body)
    {
        body["id"] = ++m_lastId;
        m_process.write(compact(body) + '\n');
        return waitFor([this](const Json &line) { return line.value("id", 0) == m_lastId; });
    }

    // The next line `accept` takes (earlier lines are kept as events); null on timeout.
    template<typename Accept>
    Json waitFor(Accept accept)
    {
        QDeadlineTimer deadline(kTimeoutMs);
        for (;;) {
            for (qsizetype i = m_checked; i < m_lines.size(); ++i) {
                if (accept(m_lines[i])) {
                    m_checked = i + 1;
                    return m_lines[i];
                }
            }
            m_checked = m_lines.size();
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return Json();
            m_process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
            m_pending += m_process.readAllStandardOutput();
            const qsizetype end = m_pending.lastIndexOf('\n');
            if (end >= 0) {
                m_lines += jsonLines(m_pending.left(end + 1));
                m_pending.remove(0, end + 1);
            }
        }
    }

private:
    QProcess m_process;
    QByteArray m_pending;
    QList<Json> m_lines;
    qsizetype m_checked = 0;
    int m_lastId = 0;
};

} // namespace

// serve's "rebase": true takes the version named by ifMatch as the base (one it published); a
// writer that skips the protocol and replaces serve's commit is announced as "overwritten".
void tst_Cli::serveRebasesAndReportsOverwrites()
{
    Fixture fixture;
    QVERIFY(fixture.valid);
    ServeProcess serve(fixture.bundle);
    QVERIFY(
        !serve.waitFor([](const Json &line) { return str(line, "event") == "open"; }).is_null());
    const Json first = serve.request(Json{{"cmd", "get"}});
    const std::string baseEtag = str(first, "etag");
    QCOMPARE(QString::fromStdString(baseEtag), fixture.etag);

    const Outcome other = runCli(
        {QStringLiteral("patch"), fixture.bundle, QStringLiteral("--if-match"), fixture.etag,
         QStringLiteral("--ops"), fixture.path(QStringLiteral("ops-title.json"))});
    QCOMPARE(other.exitCode, 0);
    const std::string theirEtag = str(other.first(), "etag");

    const Json goal
        = Json::array({{{"op", "replace"}, {"path", "/goalSummary"}, {"value", "Mine"}}});
    const Json rebased = serve.request(
        Json{{"cmd", "patch"}, {"ifMatch", baseEtag}, {"ops", goal}, {"rebase", true}});
    QVERIFY2(rebased.value("ok", false), compact(rebased).constData());
    QCOMPARE(str(rebased, "rebasedOnto"), theirEtag);
    QCOMPARE(rebased.value("serverGeneration", 0), 3);

    const Json title = Json::array({{{"op", "replace"}, {"path", "/title"}, {"value", "Mine"}}});
    const Json conflicting = serve.request(
        Json{{"cmd", "patch"}, {"ifMatch", baseEtag}, {"ops", title}, {"rebase", true}});
    QCOMPARE(str(conflicting, "error"), std::string("etag_conflict"));
    QCOMPARE(compact(conflicting["conflicts"]),
             QByteArray(R"([{"path":"/title","base":"Fixture run","theirs":"Patched",)"
                        R"("yours":"Mine"}])"));

    const Json unknown = serve.request(
        Json{{"cmd", "patch"}, {"ifMatch", "g0-unknown"}, {"ops", goal}, {"rebase", true}});
    QCOMPARE(str(unknown, "error"), std::string("etag_conflict"));
    QVERIFY2(str(unknown, "message").find("not one of the last 16 versions") != std::string::npos,
             compact(unknown).constData());
    QCOMPARE(str(unknown, "etag"), str(rebased, "etag"));

    // A writer without the protocol replaces serve's commit with one built on the version
    // before it: serve says so.
    const QByteArray beforeOurs = readWholeFile(fixture.manifest);
    const Json ours = serve.request(Json{
        {"cmd", "patch"},
        {"ifMatch", str(rebased, "etag")},
        {"ops", Json::array({{{"op", "replace"}, {"path", "/goalSummary"}, {"value", "Ours"}}})},
        {"summary", "goal -> Ours"}});
    QVERIFY2(ours.value("ok", false), compact(ours).constData());
    Json stale = Json::parse(beforeOurs.toStdString());
    stale["title"] = "Written without the lock";
    stale["serverGeneration"] = 4;
    stale["etag"] = "g4-5ade5ade";
    stale["history"].push_back(Json{{"etag", "g4-5ade5ade"},
                                    {"at", "2026-07-22T10:00:00.000Z"},
                                    {"summary", "patch"},
                                    {"patchKindSummary", "/title×1"}});
    const std::string text = JsonWriter::write(stale);
    const QString temp = fixture.bundle + QStringLiteral("/manifest.json.stale.tmp");
    QVERIFY(writeWholeFile(temp, QByteArray(text.data(), qsizetype(text.size()))));
    // As ADE writes: a temp file renamed over the manifest, which is never missing.
    QCOMPARE(std::rename(QFile::encodeName(temp).constData(),
                         QFile::encodeName(fixture.manifest).constData()),
             0);
    const Json event
        = serve.waitFor([](const Json &line) { return str(line, "event") == "overwritten"; });
    QVERIFY(!event.is_null());
    QCOMPARE(str(event, "etag"), str(ours, "etag"));
    QCOMPARE(str(event, "by"), std::string("g4-5ade5ade"));
    QCOMPARE(event.value("serverGeneration", 0), 4);
    QCOMPARE(event.value("ourGeneration", 0), 4);
    QCOMPARE(compact(event["patch"]),
             QByteArray(R"([{"op":"replace","path":"/goalSummary","value":"Ours"}])"));
    QCOMPARE(str(event, "summary"), std::string("goal -> Ours"));
    QVERIFY(event.value("t", qint64(0)) > 0);
}

void tst_Cli::demoDrivesRun()
{
    QTemporaryDir dir;
    const Outcome outcome = runCli(
        {QStringLiteral("demo"), dir.path(), QStringLiteral("--seconds"), QStringLiteral("3")});
    QVERIFY2(outcome.exitCode == 0, outcome.err.constData());
    QVERIFY(outcome.lines.size() > 5);
    const Json first = outcome.first();
    QCOMPARE(str(first, "event"), std::string("demo"));
    bool claimed = false;
    bool external = false;
    for (const Json &line : outcome.lines) {
        claimed = claimed || (str(line, "action") == "claim" && line.value("ok", false));
        external = external || str(line, "event") == "external-writer";
    }
    QVERIFY2(claimed, outcome.out.constData());
    QVERIFY2(external, outcome.out.constData());
    QCOMPARE(str(outcome.lines.last(), "event"), std::string("demo-finished"));

    Result<BundleLocation> location
        = ManifestStore::locate(QString::fromStdString(str(first, "bundlePath")));
    RUNBOARD_VERIFY_OK(location);
    const Result<ManifestStore::Loaded> loaded = ManifestStore(location.value()).load();
    RUNBOARD_VERIFY_OK(loaded);
    const Json &manifest = *loaded->document;
    QVERIFY(manifest.value("serverGeneration", 0) > 3);
    QVERIFY(manifest["agents"].size() >= 3 && manifest["agents"].size() <= 6);
    QVERIFY(manifest["tasks"].size() >= 20 && manifest["tasks"].size() <= 40);
    QVERIFY(!manifest["validationStrategy"]["steps"].empty());
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
