// SPDX-License-Identifier: MIT
//
// The commit protocol against writers in other processes, for real: every "other writer" here is
// a runboard-testwriter process (tests/tools/testwriter.cpp) doing what ADE, git, an editor or
// another Runboard process does to a run bundle.
//
// What must hold across processes (DESIGN.md §3, the bug of ADE PR #375):
// - a commit replaces only the exact bytes it was based on: another process's generation bump,
//   a hand edit that keeps the etag and an older generation put back are conflicts, never
//   overwritten, and the conflict carries what the disk holds now;
// - generations never go backwards, even after an older manifest came back (.gen);
// - Runboard writers serialised by the BundleLock lose no update, however hard they contend;
// - a lock held by another process is an io_error naming the lock file and its holder;
// - a writer killed at any moment leaves a valid manifest holding its last acked or its in-flight
//   value, `.gen` at most one behind, temp files that removeStaleTempFiles() clears, and no lock
//   that stops the next writer;
// - a git-style unlink-and-recreate is never loaded as half a file.
// Nothing here sleeps: timing comes from the writers' own output lines (waitForReadyRead) and
// from QDeadlineTimer; the only pauses are inside the writer process, standing for slow writers.
// The crash trials draw their kill moments from a seeded generator (RUNBOARD_TEST_SEED overrides
// the seed) so a failing run can be replayed.

#include "bundlelock.h"
#include "guardedfile.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "manifestservice.h"
#include "manifeststore.h"
#include "manifestvalidator.h"
#include "resultcheck.h"
#include "tempbundle.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

using namespace runboard;
using namespace runboard::test;

namespace {

constexpr int kEventTimeoutMs = 30000;
constexpr int kFinishTimeoutMs = 120000;
constexpr int kContentionTimeoutMs = 600000;
constexpr quint32 kDefaultSeed = 0x5eed0375;

// One run of runboard-testwriter. Its stdout is read as JSON lines ("events"); stderr is kept
// for failure messages. A writer still running when the object goes away is killed, so a failed
// check never leaves processes behind.
class Writer
{
public:
    explicit Writer(const QStringList &arguments) : m_arguments(arguments)
    {
        m_process.start(QStringLiteral(RUNBOARD_TESTWRITER), arguments);
    }
    ~Writer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kFinishTimeoutMs);
        }
    }
    Writer(const Writer &) = delete;
    Writer &operator=(const Writer &) = delete;

    bool waitForStarted() { return m_process.waitForStarted(kEventTimeoutMs); }
    qint64 pid() const { return m_process.processId(); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    // Without blocking: has the writer exited? (Also reads whatever it printed meanwhile.)
    bool hasExited()
    {
        if (isRunning())
            m_process.waitForFinished(0);
        collect();
        return !isRunning();
    }

    // The next event called `name` after the one this last returned; nullopt when the writer
    // exits or the deadline passes first.
    std::optional<Json> waitForEvent(std::string_view name,
                                     QDeadlineTimer deadline = QDeadlineTimer(kEventTimeoutMs))
    {
        for (;;) {
            collect();
            while (m_next < m_events.size()) {
                const Json &event = m_events[m_next++];
                if (eventName(event) == name)
                    return event;
            }
            if (!isRunning() || deadline.hasExpired())
                return std::nullopt;
            m_process.waitForReadyRead(remainingMs(deadline));
        }
    }

    // Reads output until the deadline passes or the writer exits; the writer keeps running.
    void readUntil(QDeadlineTimer deadline)
    {
        while (isRunning() && !deadline.hasExpired()) {
            m_process.waitForReadyRead(remainingMs(deadline));
            collect();
        }
        collect();
    }

    void closeStdin() { m_process.closeWriteChannel(); }

    // A line on the writer's stdin (the stale writer waits for one).
    bool send(const QByteArray &line)
    {
        m_process.write(line + '\n');
        return m_process.waitForBytesWritten(kEventTimeoutMs);
    }

    // SIGKILL, then reap: a reaped pid is gone for kill(pid, 0), as for the stale file checks.
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(kFinishTimeoutMs);
        collect();
    }

    // Waits for the exit; true for a normal exit with status 0.
    bool finish(int timeoutMs = kFinishTimeoutMs)
    {
        if (isRunning())
            m_process.waitForFinished(timeoutMs);
        collect();
        return !isRunning() && m_process.exitStatus() == QProcess::NormalExit
               && m_process.exitCode() == 0;
    }

    bool crashed() const { return !isRunning() && m_process.exitStatus() == QProcess::CrashExit; }

    std::vector<Json> events(std::string_view name) const
    {
        std::vector<Json> found;
        std::copy_if(m_events.begin(), m_events.end(), std::back_inserter(found),
                     [name](const Json &event) { return eventName(event) == name; });
        return found;
    }

    const QList<QByteArray> &malformedLines() const { return m_malformed; }

    // For failure messages: what ran, how it ended, what it said on stderr.
    QByteArray diagnostics() const
    {
        QString state;
        if (isRunning())
            state = QStringLiteral("still running");
        else if (m_process.exitStatus() == QProcess::CrashExit)
            state = QStringLiteral("killed or crashed");
        else
            state = QStringLiteral("exit status %1").arg(m_process.exitCode());
        return (QStringLiteral("runboard-testwriter %1: %2; stderr: ")
                    .arg(m_arguments.join(QLatin1Char(' ')), state)
                    .toUtf8()
                + m_stderr);
    }

private:
    static std::string_view eventName(const Json &event)
    {
        const auto it = event.find("event");
        return it != event.end() && it->is_string()
                   ? std::string_view(it->get_ref<const std::string &>())
                   : std::string_view();
    }

    static int remainingMs(const QDeadlineTimer &deadline)
    {
        return static_cast<int>(std::clamp<qint64>(deadline.remainingTime(), 0, kEventTimeoutMs));
    }

    void collect()
    {
        m_stdout += m_process.readAllStandardOutput();
        m_stderr += m_process.readAllStandardError();
        for (qsizetype end = m_stdout.indexOf('\n'); end >= 0; end = m_stdout.indexOf('\n')) {
            const QByteArray line = m_stdout.first(end);
            m_stdout.remove(0, end + 1);
            Result<Json> parsed
                = JsonReader::parse(std::string_view(line.constData(), std::size_t(line.size())));
            if (parsed.isOk() && parsed->is_object())
                m_events.push_back(std::move(parsed).value());
            else
                m_malformed << line;
        }
    }

    QStringList m_arguments;
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    std::vector<Json> m_events;
    std::size_t m_next = 0;
    QList<QByteArray> m_malformed;
};

BundleLocation locationOf(const TempBundle &bundle)
{
    return BundleLocation{bundle.bundlePath(), bundle.manifestPath(), bundle.runId()};
}

QString stringAt(const Json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string()
               ? QString::fromStdString(it->get_ref<const std::string &>())
               : QStringLiteral("<missing>");
}

qint64 integerAt(const Json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_number_integer() ? it->get<qint64>() : -1;
}

// A patch of /goalSummary: a field no other writer in these tests touches, so that whatever the
// other writer changed (the title, the counter) can be checked for survival.
ManifestStore::PatchRequest goalPatch(const QString &ifMatchEtag, const QString &goal)
{
    ManifestStore::PatchRequest request;
    request.ifMatchEtag = ifMatchEtag;
    request.operations = Json::array(
        {Json{{"op", "replace"}, {"path", "/goalSummary"}, {"value", goal.toStdString()}}});
    request.actor = Actor{ActorRole::User, QString()};
    return request;
}

qint64 generationFile(const TempBundle &bundle)
{
    bool ok = false;
    const qint64 value = bundle.readFile(QStringLiteral(".gen")).trimmed().toLongLong(&ok);
    return ok ? value : -1;
}

bool writeWholeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
           && file.write(bytes) == bytes.size();
}

QByteArray manifestBytes(const Json &manifest)
{
    const std::string text = JsonWriter::write(manifest);
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

// QVERIFY2 and QFAIL take a C string. A message built in the call is a temporary that lives until
// the end of the check's statement, which is all they need.
const char *cString(const QByteArray &message)
{
    return message.constData();
}

QByteArray lockFileState(const QString &manifestPath)
{
    QFile lock(manifestPath + QStringLiteral(".lock"));
    if (!lock.open(QIODevice::ReadOnly))
        return QByteArrayLiteral("no lock file");
    return QByteArrayLiteral("lock file holds: ") + lock.readAll().toPercentEncoding(" ");
}

} // namespace

class tst_MultiProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void anotherProcessesBumpIsAConflictNotAClobber();
    void anEditKeepingTheEtagIsCaughtBySeenBytes_data();
    void anEditKeepingTheEtagIsCaughtBySeenBytes();
    void anOlderGenerationPutBackIsNeverOverwritten();
    void contendingWritersLoseNoUpdate();
    void aHeldLockIsAnIoErrorNamingItsHolder();
    void writersKilledAtRandomLeaveAValidRun();
    void anEmptyLockFileLeftByAKilledWriterDoesNotBlock();
    void aGitReplacementIsNeverLoadedAsHalfAFile();
    void aWriterThatOverwritesOursIsReported_data();
    void aWriterThatOverwritesOursIsReported();

private:
    void setUpRun(TempBundle &bundle, QByteArray *bytes);
};

void tst_MultiProcess::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(RUNBOARD_TESTWRITER)).isExecutable(), RUNBOARD_TESTWRITER);
}

// A run as ADE creates it: manifest.json at generation 1 and `.gen` saying so.
void tst_MultiProcess::setUpRun(TempBundle &bundle, QByteArray *bytes)
{
    QVERIFY(bundle.isValid());
    *bytes = bundle.writeManifest(TempBundle::minimalManifest(bundle.runId(), 1));
    QVERIFY(!bytes->isEmpty());
    QVERIFY(bundle.writeFile(QStringLiteral(".gen"), "1\n"));
}

// ADE PR #375 across processes: our snapshot is stale because another process (ADE, another ADE
// instance, `git pull`) advanced the manifest; a commit with the old etag must not win.
void tst_MultiProcess::anotherProcessesBumpIsAConflictNotAClobber()
{
    TempBundle bundle;
    QByteArray initial;
    setUpRun(bundle, &initial);
    if (QTest::currentTestFailed())
        return;
    ManifestStore store(locationOf(bundle));
    const Result<ManifestStore::Loaded> seen = store.load();
    RUNBOARD_VERIFY_OK(seen);
    const QString seenEtag = stringAt(*seen->document, "etag");

    Writer bump({QStringLiteral("bump"), bundle.bundlePath(), QStringLiteral("--title"),
                 QStringLiteral("Changed by another process")});
    QVERIFY2(bump.finish(), bump.diagnostics().constData());
    const std::vector<Json> bumped = bump.events("bumped");
    QCOMPARE(bumped.size(), std::size_t(1));
    const QString theirEtag = stringAt(bumped.front(), "etag");
    QCOMPARE(theirEtag, QStringLiteral("g2-external"));
    QCOMPARE(integerAt(bumped.front(), "serverGeneration"), qint64(2));
    const QByteArray theirs = bundle.readFile(QStringLiteral("manifest.json"));
    QVERIFY(theirs != initial);

    const Result<ManifestStore::Committed> stale
        = store.commit(goalPatch(seenEtag, QStringLiteral("Written from a stale snapshot")));
    QVERIFY2(!stale.isOk(), "a commit with the old etag overwrote the other process's manifest");
    QCOMPARE(errorCodeName(stale.error().code), QStringLiteral("etag_conflict"));
    QCOMPARE(stringAt(stale.error().details, "etag"), theirEtag);
    QCOMPARE(integerAt(stale.error().details, "serverGeneration"), qint64(2));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), theirs);
    QCOMPARE(bundle.tempFiles(), QStringList());

    // The conflict says enough to redo the edit on their version, and theirs survives it.
    const Result<ManifestStore::Committed> redone
        = store.commit(goalPatch(theirEtag, QStringLiteral("Written after looking")));
    RUNBOARD_VERIFY_OK(redone);
    const Json after = bundle.readManifest();
    QCOMPARE(stringAt(after, "title"), QStringLiteral("Changed by another process"));
    QCOMPARE(stringAt(after, "goalSummary"), QStringLiteral("Written after looking"));
    QCOMPARE(integerAt(after, "serverGeneration"), qint64(3));
    QCOMPARE(generationFile(bundle), qint64(3));
    QCOMPARE(bundle.tempFiles(), QStringList());
}

void tst_MultiProcess::anEditKeepingTheEtagIsCaughtBySeenBytes_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("hand edit saved by rename") << QStringLiteral("bump");
    QTest::newRow("hand edit saved in place") << QStringLiteral("inplace");
}

// A person edits manifest.json and keeps etag and generation as they were: the etag check alone
// cannot see it, the bytes the requester was shown can.
void tst_MultiProcess::anEditKeepingTheEtagIsCaughtBySeenBytes()
{
    QFETCH(QString, how);
    TempBundle bundle;
    QByteArray initial;
    setUpRun(bundle, &initial);
    if (QTest::currentTestFailed())
        return;
    ManifestStore store(locationOf(bundle));
    const Result<ManifestStore::Loaded> seen = store.load();
    RUNBOARD_VERIFY_OK(seen);
    const QString etag = stringAt(*seen->document, "etag");
    const FileIdentity before = GuardedFile::identity(bundle.manifestPath());

    const QString title = QStringLiteral("Fixed a typo by hand");
    if (how == QStringLiteral("bump")) {
        Writer edit({QStringLiteral("bump"), bundle.bundlePath(), QStringLiteral("--keep-etag"),
                     QStringLiteral("--title"), title});
        QVERIFY2(edit.finish(), edit.diagnostics().constData());
        QCOMPARE(edit.events("bumped").size(), std::size_t(1));
        QCOMPARE(stringAt(edit.events("bumped").front(), "etag"), etag);
        QCOMPARE(integerAt(edit.events("bumped").front(), "serverGeneration"), qint64(1));
    } else {
        Json edited = *seen->document;
        edited["title"] = title.toStdString();
        const QString source = bundle.worktreePath() + QStringLiteral("/edited.json");
        QVERIFY(writeWholeFile(source, manifestBytes(edited)));
        Writer edit({QStringLiteral("inplace"), bundle.manifestPath(), source});
        QVERIFY2(edit.finish(), edit.diagnostics().constData());
        QCOMPARE(GuardedFile::identity(bundle.manifestPath()).inode, before.inode);
    }
    const QByteArray handEdited = bundle.readFile(QStringLiteral("manifest.json"));
    QVERIFY(handEdited != initial);
    QCOMPARE(stringAt(bundle.readManifest(), "etag"), etag);

    ManifestStore::PatchRequest request = goalPatch(etag, QStringLiteral("Runboard's edit"));
    request.seenBytes = seen->file.bytes;
    const Result<ManifestStore::Committed> blind = store.commit(request);
    QVERIFY2(!blind.isOk(), "a commit based on bytes no longer on disk succeeded");
    QCOMPARE(errorCodeName(blind.error().code), QStringLiteral("etag_conflict"));
    QCOMPARE(stringAt(blind.error().details, "etag"), etag);
    QCOMPARE(integerAt(blind.error().details, "serverGeneration"), qint64(1));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), handEdited);
    QCOMPARE(bundle.tempFiles(), QStringList());

    // Shown the hand-edited version, the same edit goes through on top of it.
    request.seenBytes = handEdited;
    const Result<ManifestStore::Committed> informed = store.commit(request);
    RUNBOARD_VERIFY_OK(informed);
    const Json after = bundle.readManifest();
    QCOMPARE(stringAt(after, "title"), title);
    QCOMPARE(stringAt(after, "goalSummary"), QStringLiteral("Runboard's edit"));
    QCOMPARE(integerAt(after, "serverGeneration"), qint64(2));
}

// `git checkout` of an older commit puts a lower generation back. That is a change like any
// other: a commit based on the newer state must not overwrite it, and a commit based on it must
// not reuse a generation (or etag) that was already handed out.
void tst_MultiProcess::anOlderGenerationPutBackIsNeverOverwritten()
{
    TempBundle bundle;
    QByteArray older;
    setUpRun(bundle, &older);
    if (QTest::currentTestFailed())
        return;
    const QString olderCopy = bundle.worktreePath() + QStringLiteral("/older-manifest.json");
    QVERIFY(writeWholeFile(olderCopy, older));
    ManifestStore store(locationOf(bundle));
    const Result<ManifestStore::Loaded> first = store.load();
    RUNBOARD_VERIFY_OK(first);
    const QString olderEtag = stringAt(*first->document, "etag");

    std::set<QString> etagsSeen{olderEtag};
    QString newestEtag = olderEtag;
    qint64 newestGeneration = 1;
    for (int i = 0; i < 2; ++i) {
        const Result<ManifestStore::Committed> step
            = store.commit(goalPatch(newestEtag, QStringLiteral("step %1").arg(i)));
        RUNBOARD_VERIFY_OK(step);
        newestEtag = stringAt(*step->result.document, "etag");
        newestGeneration = integerAt(*step->result.document, "serverGeneration");
        etagsSeen.insert(newestEtag);
    }
    QCOMPARE(newestGeneration, qint64(3));

    Writer checkout({QStringLiteral("rename"), bundle.manifestPath(), olderCopy});
    QVERIFY2(checkout.finish(), checkout.diagnostics().constData());
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), older);

    const Result<ManifestStore::Committed> onNewer
        = store.commit(goalPatch(newestEtag, QStringLiteral("Based on the newer state")));
    QVERIFY2(!onNewer.isOk(), "a commit on the newer state overwrote the older manifest");
    QCOMPARE(errorCodeName(onNewer.error().code), QStringLiteral("etag_conflict"));
    QCOMPARE(stringAt(onNewer.error().details, "etag"), olderEtag);
    QCOMPARE(integerAt(onNewer.error().details, "serverGeneration"), qint64(1));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), older);
    QCOMPARE(bundle.tempFiles(), QStringList());

    const Result<ManifestStore::Committed> onOlder
        = store.commit(goalPatch(olderEtag, QStringLiteral("Based on the older state")));
    RUNBOARD_VERIFY_OK(onOlder);
    const Json &result = *onOlder->result.document;
    const qint64 generation = integerAt(result, "serverGeneration");
    QVERIFY2(generation > newestGeneration,
             qPrintable(QStringLiteral("generation %1 after %2 was seen")
                            .arg(generation)
                            .arg(newestGeneration)));
    const QString etag = stringAt(result, "etag");
    QVERIFY2(etagsSeen.count(etag) == 0, qPrintable(etag));
    QVERIFY2(etag.startsWith(QStringLiteral("g%1-").arg(generation)), qPrintable(etag));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), onOlder->result.file.bytes);
    QCOMPARE(generationFile(bundle), generation);
}

// Four Runboard processes increment one counter as fast as they can. The lock serialises them
// and the etag check turns every lost race into a retry: no increment may be lost or doubled.
void tst_MultiProcess::contendingWritersLoseNoUpdate()
{
    constexpr int kWriters = 4;
    constexpr int kCommitsEach = 250;
    constexpr int kTotal = kWriters * kCommitsEach;
    TempBundle bundle;
    QByteArray initial;
    setUpRun(bundle, &initial);
    if (QTest::currentTestFailed())
        return;

    QElapsedTimer timer;
    timer.start();
    std::vector<std::unique_ptr<Writer>> writers;
    for (int i = 0; i < kWriters; ++i)
        writers.push_back(std::make_unique<Writer>(
            QStringList{QStringLiteral("counter"), bundle.bundlePath(), QStringLiteral("--count"),
                        QString::number(kCommitsEach)}));
    // Sequential waits cannot stall the others: each prints ~15 KB, well below a pipe's buffer.
    for (const auto &writer : writers)
        QVERIFY2(writer->finish(kContentionTimeoutMs), writer->diagnostics().constData());
    const qint64 elapsedMs = timer.elapsed();

    std::vector<qint64> acked;
    qint64 conflicts = 0;
    for (const auto &writer : writers) {
        QVERIFY2(writer->malformedLines().isEmpty(),
                 writer->malformedLines().join('\n').constData());
        const std::vector<Json> acks = writer->events("ack");
        for (const Json &ack : acks)
            acked.push_back(integerAt(ack, "counter"));
        const std::vector<Json> done = writer->events("done");
        QCOMPARE(done.size(), std::size_t(1));
        QCOMPARE(integerAt(done.front(), "acks"), qint64(kCommitsEach));
        QCOMPARE(acks.size(), std::size_t(kCommitsEach));
        conflicts += integerAt(done.front(), "conflicts");
    }
    QCOMPARE(acked.size(), std::size_t(kTotal));
    std::sort(acked.begin(), acked.end());
    for (int i = 0; i < kTotal; ++i)
        QVERIFY2(acked[std::size_t(i)] == i + 1,
                 qPrintable(QStringLiteral("acked counter values are not 1..%1: position %2 holds "
                                           "%3 (a lost or doubled increment)")
                                .arg(kTotal)
                                .arg(i)
                                .arg(acked[std::size_t(i)])));

    const Json last = bundle.readManifest();
    QCOMPARE(integerAt(last, "counter"), qint64(kTotal));
    QCOMPARE(integerAt(last, "serverGeneration"), qint64(1 + kTotal));
    QCOMPARE(generationFile(bundle), qint64(1 + kTotal));
    const Json &history = last.at("history");
    QCOMPARE(history.size(), std::size_t(ManifestStore::kHistoryLimit));
    QCOMPARE(stringAt(history.back(), "etag"), stringAt(last, "etag"));
    QCOMPARE(bundle.tempFiles(), QStringList());
    QVERIFY2(!QFileInfo::exists(bundle.manifestPath() + QStringLiteral(".lock")),
             lockFileState(bundle.manifestPath()).constData());
    QVERIFY(!QFileInfo::exists(bundle.manifestPath() + QStringLiteral(".lock.rmlock")));
    qInfo("%d writers x %d commits: %lld ms, %lld etag conflicts retried", kWriters, kCommitsEach,
          elapsedMs, conflicts);
}

// Another Runboard process sits on the lock: our commit waits its timeout and then says who
// holds which lock, with the manifest untouched; once the holder lets go, the commit succeeds.
void tst_MultiProcess::aHeldLockIsAnIoErrorNamingItsHolder()
{
    TempBundle bundle;
    QByteArray initial;
    setUpRun(bundle, &initial);
    if (QTest::currentTestFailed())
        return;
    ManifestStore store(locationOf(bundle));
    const Result<ManifestStore::Loaded> seen = store.load();
    RUNBOARD_VERIFY_OK(seen);
    const QString etag = stringAt(*seen->document, "etag");

    Writer holder({QStringLiteral("holdlock"), bundle.bundlePath()});
    const std::optional<Json> locked = holder.waitForEvent("locked");
    QVERIFY2(locked, holder.diagnostics().constData());
    const qint64 holderPid = holder.pid();
    QCOMPARE(integerAt(*locked, "pid"), holderPid);
    const QString lockFile = bundle.manifestPath() + QStringLiteral(".lock");

    QElapsedTimer timer;
    timer.start();
    const Result<ManifestStore::Committed> refused
        = store.commit(goalPatch(etag, QStringLiteral("While another process holds the lock")));
    const qint64 waitedMs = timer.elapsed();
    QVERIFY2(!refused.isOk(), "a commit went through while another process held the lock");
    QCOMPARE(errorCodeName(refused.error().code), QStringLiteral("io_error"));
    QVERIFY2(refused.error().message.contains(lockFile), qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(QString::number(holderPid)),
             qPrintable(refused.error().message));
    QCOMPARE(integerAt(refused.error().details, "holderPid"), holderPid);
    const qint64 timeoutMs = BundleLock::kDefaultTimeout.count();
    QVERIFY2(
        waitedMs >= timeoutMs - 100 && waitedMs < timeoutMs + 10000,
        qPrintable(
            QStringLiteral("waited %1 ms for a %2 ms lock timeout").arg(waitedMs).arg(timeoutMs)));
    QCOMPARE(bundle.readFile(QStringLiteral("manifest.json")), initial);
    QCOMPARE(bundle.tempFiles(), QStringList());

    holder.closeStdin();
    QVERIFY2(holder.waitForEvent("unlocked"), holder.diagnostics().constData());
    QVERIFY2(holder.finish(), holder.diagnostics().constData());
    const Result<ManifestStore::Committed> after
        = store.commit(goalPatch(etag, QStringLiteral("After the holder let go")));
    RUNBOARD_VERIFY_OK(after);
    QCOMPARE(integerAt(bundle.readManifest(), "serverGeneration"), qint64(2));
    QVERIFY(!QFileInfo::exists(lockFile));
}

// A Runboard writer dies (SIGKILL) at a random moment of its commit loop, 200 times over. Each
// time the run must be as the protocol promises, and the next writer must be able to go on.
void tst_MultiProcess::writersKilledAtRandomLeaveAValidRun()
{
    constexpr int kTrials = 200;
    bool seedOk = false;
    const quint32 envSeed = qEnvironmentVariable("RUNBOARD_TEST_SEED").toUInt(&seedOk, 0);
    const quint32 seed = seedOk ? envSeed : kDefaultSeed;
    QRandomGenerator random(seed);

    TempBundle bundle;
    QByteArray initial;
    setUpRun(bundle, &initial);
    if (QTest::currentTestFailed())
        return;
    ManifestStore store(locationOf(bundle));

    int leftTempFiles = 0;
    int unackedCommits = 0;
    int leftLockFiles = 0;
    int leftEmptyLockFiles = 0;
    int genBehind = 0;
    qint64 counterBefore = 0;
    QElapsedTimer timer;
    timer.start();
    for (int trial = 0; trial < kTrials; ++trial) {
        const QByteArray where
            = QStringLiteral("trial %1 (seed 0x%2): ").arg(trial).arg(seed, 0, 16).toUtf8();
        Writer writer({QStringLiteral("crashloop"), bundle.bundlePath()});
        // The kill moment: after its first attempt line, 0-2 acks, then 0-40 ms more.
        QVERIFY2(writer.waitForEvent("attempt"), cString(where + writer.diagnostics()));
        const int acksFirst = int(random.bounded(3));
        for (int i = 0; i < acksFirst; ++i)
            QVERIFY2(writer.waitForEvent("ack"), cString(where + writer.diagnostics()));
        writer.readUntil(
            QDeadlineTimer(std::chrono::microseconds(random.bounded(40001)), Qt::PreciseTimer));
        QVERIFY2(writer.isRunning(),
                 cString(where + "it stopped on its own: " + writer.diagnostics()));
        writer.kill();
        QVERIFY2(writer.crashed(), cString(where + writer.diagnostics()));
        QVERIFY2(writer.malformedLines().isEmpty(),
                 cString(where + writer.malformedLines().join('\n')));

        const std::vector<Json> attempts = writer.events("attempt");
        const std::vector<Json> acks = writer.events("ack");
        const qint64 lastAttempt = integerAt(attempts.back(), "counter");
        const qint64 lastAcked = acks.empty() ? counterBefore : integerAt(acks.back(), "counter");

        const Result<ManifestStore::Loaded> loaded = store.load();
        QVERIFY2(loaded.isOk(), cString(where + failureText(loaded)));
        const Json &manifest = *loaded->document;
        const Result<void> shape = ManifestValidator::validateShape(manifest);
        QVERIFY2(shape.isOk(), cString(where + failureText(shape)));
        const auto counterField = manifest.find("counter");
        const qint64 counter = counterField == manifest.end() ? 0 : integerAt(manifest, "counter");
        QVERIFY2(counter == lastAcked || counter == lastAttempt,
                 cString(where
                         + QStringLiteral("/counter is %1; the last acked value was %2, the one in "
                                          "flight %3")
                               .arg(counter)
                               .arg(lastAcked)
                               .arg(lastAttempt)
                               .toUtf8()));
        if (counter != lastAcked)
            ++unackedCommits;

        const qint64 generation = integerAt(manifest, "serverGeneration");
        const qint64 genFile = generationFile(bundle);
        QVERIFY2(genFile == generation || genFile == generation - 1,
                 cString(where
                         + QStringLiteral(".gen holds %1, the manifest generation %2")
                               .arg(genFile)
                               .arg(generation)
                               .toUtf8()));
        if (genFile != generation)
            ++genBehind;

        const QStringList leftovers = bundle.tempFiles();
        if (!leftovers.isEmpty())
            ++leftTempFiles;
        const QFileInfo lockFile(bundle.manifestPath() + QStringLiteral(".lock"));
        if (lockFile.exists())
            ++leftLockFiles;
        if (lockFile.exists() && lockFile.size() == 0)
            ++leftEmptyLockFiles;
        QCOMPARE(store.removeStaleTempFiles(), int(leftovers.size()));
        QVERIFY2(bundle.tempFiles().isEmpty(),
                 cString(where + bundle.tempFiles().join(QLatin1Char(' ')).toUtf8()));

        // The next writer must get past whatever the dead one left, its lock included.
        const Result<ManifestStore::Committed> next = store.commit(
            goalPatch(stringAt(manifest, "etag"), QStringLiteral("after crash %1").arg(trial)));
        QVERIFY2(next.isOk(),
                 cString(where + failureText(next) + "; " + lockFileState(bundle.manifestPath())));
        QCOMPARE(integerAt(*next->result.document, "serverGeneration"),
                 std::max(generation, genFile) + 1);
        QCOMPARE(generationFile(bundle), generation + 1);
        counterBefore = counter;
    }
    qInfo("%d kills in %lld ms (seed 0x%x): %d left a temp file, %d an unacked commit on disk, "
          "%d a .gen one behind, %d a lock file (%d of them empty)",
          kTrials, timer.elapsed(), seed, leftTempFiles, unackedCommits, genBehind, leftLockFiles,
          leftEmptyLockFiles);
}

// The random kills above meet this state now and then: a writer killed between QLockFile
// creating manifest.json.lock and writing its pid into it leaves an empty lock file. Nobody holds
// it (the dead writer's flock went with it), so the next writer must take it over within its
// lock timeout, as it does with a lock that names a dead pid. Staged here so that it does not
// take a lucky kill to see it.
void tst_MultiProcess::anEmptyLockFileLeftByAKilledWriterDoesNotBlock()
{
    TempBundle bundle;
    QByteArray initial;
    setUpRun(bundle, &initial);
    if (QTest::currentTestFailed())
        return;
    ManifestStore store(locationOf(bundle));
    const QString lockFile = bundle.manifestPath() + QStringLiteral(".lock");
    QVERIFY(writeWholeFile(lockFile, QByteArray()));

    QElapsedTimer timer;
    timer.start();
    const Result<ManifestStore::Committed> next
        = store.commit(goalPatch(stringAt(TempBundle::minimalManifest(bundle.runId(), 1), "etag"),
                                 QStringLiteral("After a writer died taking the lock")));
    QVERIFY2(next.isOk(), cString(failureText(next) + "; " + lockFileState(bundle.manifestPath())));
    QVERIFY(timer.elapsed() < BundleLock::kDefaultTimeout.count());
    QVERIFY(!QFileInfo::exists(lockFile));
}

// `git pull` unlinks manifest.json, creates it empty and writes it in pieces. A load during that
// may fail (not found, unreadable) but never returns the half file as a manifest; that is why
// the service retries before it reports "deleted" or "unreadable".
void tst_MultiProcess::aGitReplacementIsNeverLoadedAsHalfAFile()
{
    TempBundle bundle;
    QByteArray first;
    setUpRun(bundle, &first);
    if (QTest::currentTestFailed())
        return;
    Json other = TempBundle::minimalManifest(bundle.runId(), 2);
    other["title"] = "Checked out from the other branch";
    const QByteArray second = manifestBytes(other);
    const QString firstSource = bundle.worktreePath() + QStringLiteral("/first.json");
    const QString secondSource = bundle.worktreePath() + QStringLiteral("/second.json");
    QVERIFY(writeWholeFile(firstSource, first));
    QVERIFY(writeWholeFile(secondSource, second));
    ManifestStore store(locationOf(bundle));

    for (int round = 0; round < 4; ++round) {
        const bool toSecond = round % 2 == 0;
        const QByteArray &from = toSecond ? first : second;
        const QByteArray &to = toSecond ? second : first;
        const QByteArray where = QByteArrayLiteral("round ") + QByteArray::number(round) + ": ";
        Writer git({QStringLiteral("git"), bundle.manifestPath(),
                    toSecond ? secondSource : firstSource, QStringLiteral("--pause-ms"),
                    QStringLiteral("200")});
        QVERIFY2(git.waitForStarted(), cString(where + git.diagnostics()));

        // Loads go from the old version through failures to the new one, never backwards.
        enum Phase { Old, Replacing, New } phase = Old;
        int complete = 0;
        int notFound = 0;
        int unreadable = 0;
        do {
            const Result<ManifestStore::Loaded> loaded = store.load();
            if (loaded.isOk()) {
                ++complete;
                if (loaded->file.bytes == to) {
                    phase = New;
                } else {
                    QVERIFY2(loaded->file.bytes == from,
                             cString(where + "a load returned bytes that are neither version: "
                                     + loaded->file.bytes));
                    QVERIFY2(phase == Old,
                             cString(where + "the replaced version was loaded again"));
                }
                continue;
            }
            QVERIFY2(phase != New,
                     cString(where + "a load failed after the new version was complete: "
                             + failureText(loaded)));
            phase = Replacing;
            if (loaded.error().code == ErrorCode::NotFound)
                ++notFound;
            else if (loaded.error().code == ErrorCode::Unreadable)
                ++unreadable;
            else
                QFAIL(cString(where
                              + "a load failed with something else than not found or "
                                "unreadable: "
                              + failureText(loaded)));
        } while (!git.hasExited());
        QVERIFY2(git.finish(), cString(where + git.diagnostics()));
        QVERIFY2(!git.events("half-written").empty(), cString(where + git.diagnostics()));
        // A 200 ms half-written file cannot be missed by a loop of loads.
        QVERIFY2(unreadable > 0, cString(where + "no load met the half-written file"));

        const Result<ManifestStore::Loaded> settled = store.load();
        RUNBOARD_VERIFY_OK(settled);
        QCOMPARE(settled->file.bytes, to);
        qInfo("git replacement, round %d: %d complete loads, %d not found, %d unreadable", round,
              complete, notFound, unreadable);
    }
}

void tst_MultiProcess::aWriterThatOverwritesOursIsReported_data()
{
    QTest::addColumn<QString>("writer");   // stale: built on our base; bump: built on ours
    QTest::addColumn<int>("delayMs");      // how long the stale writer waits after our commit
    QTest::addColumn<bool>("reapplies");   // the stale writer applies our patch as well
    QTest::addColumn<bool>("overwritten"); // what the service must report
    QTest::newRow("at once, on our base") << QStringLiteral("stale") << 0 << false << true;
    QTest::newRow("after a delay, on our base") << QStringLiteral("stale") << 400 << false << true;
    QTest::newRow("our change re-applied by them") << QStringLiteral("stale") << 0 << true << false;
    QTest::newRow("built on ours") << QStringLiteral("bump") << 0 << false << false;
}

// Issue 14, measured with ADE: a writer that takes no lock read generation 1, we committed
// generation 2, and it renamed its own generation 2 (built on 1) over ours. The protocol cannot
// stop a writer that does not take part in it, but the service must notice and say so exactly
// once, with both etags; a writer that built on ours, or took our change over, is no overwrite.
void tst_MultiProcess::aWriterThatOverwritesOursIsReported()
{
    QFETCH(QString, writer);
    QFETCH(int, delayMs);
    QFETCH(bool, reapplies);
    QFETCH(bool, overwritten);
    TempBundle bundle;
    QByteArray initial;
    setUpRun(bundle, &initial);
    if (QTest::currentTestFailed())
        return;
    const QString opsPath = bundle.worktreePath() + QStringLiteral("/ours.json");
    const Json ourOps = goalPatch(QString(), QStringLiteral("Ours")).operations;
    QVERIFY(writeWholeFile(opsPath, manifestBytes(ourOps)));

    ManifestService service(locationOf(bundle));
    QSignalSpy reports(&service, &ManifestService::overwritten);
    RUNBOARD_VERIFY_OK(service.open());
    const QString baseEtag = service.snapshot().etag();

    std::unique_ptr<Writer> other;
    if (writer == QStringLiteral("stale")) {
        QStringList arguments{QStringLiteral("stale"),      bundle.bundlePath(),
                              QStringLiteral("--title"),    QStringLiteral("Theirs"),
                              QStringLiteral("--delay-ms"), QString::number(delayMs)};
        if (reapplies)
            arguments << QStringLiteral("--ops") << opsPath;
        other = std::make_unique<Writer>(arguments);
        const std::optional<Json> read = other->waitForEvent("read");
        QVERIFY2(read, other->diagnostics().constData());
        QCOMPARE(stringAt(*read, "etag"), baseEtag);
    }
    const Result<Snapshot> ours = service.patch(goalPatch(baseEtag, QStringLiteral("Ours")));
    RUNBOARD_VERIFY_OK(ours);
    if (other) {
        QVERIFY(other->send("go"));
    } else {
        other = std::make_unique<Writer>(QStringList{QStringLiteral("bump"), bundle.bundlePath(),
                                                     QStringLiteral("--title"),
                                                     QStringLiteral("Theirs")});
    }
    QVERIFY2(other->finish(), other->diagnostics().constData());
    const std::vector<Json> done
        = other->events(writer == QStringLiteral("stale") ? "committed" : "bumped");
    QCOMPARE(done.size(), std::size_t(1));
    const QString theirEtag = stringAt(done.front(), "etag");

    QTRY_COMPARE_WITH_TIMEOUT(service.snapshot().etag(), theirEtag, kEventTimeoutMs);
    // A report is posted right behind the snapshot of the version it is about.
    QCoreApplication::sendPostedEvents(&service, QEvent::MetaCall);
    QCOMPARE(reports.count(), overwritten ? 1 : 0);
    const Json onDisk = Json::parse(bundle.readFile(QStringLiteral("manifest.json")).toStdString());
    QCOMPARE(stringAt(onDisk, "title"), QStringLiteral("Theirs"));
    QCOMPARE(stringAt(onDisk, "goalSummary") == QStringLiteral("Ours"), !overwritten);
    if (!overwritten)
        return;
    const auto report = reports.constFirst().at(0).value<OverwriteReport>();
    QCOMPARE(report.ourEtag, ours->etag());
    QCOMPARE(report.ourGeneration, qint64(2));
    QCOMPARE(report.theirEtag, theirEtag);
    QCOMPARE(report.theirGeneration, qint64(2));
    QCOMPARE(manifestBytes(report.ourOperations), manifestBytes(ourOps));
    QVERIFY(report.ourBase != nullptr);
    QCOMPARE(stringAt(*report.ourBase, "etag"), baseEtag);
    QCOMPARE(report.theirs.etag(), theirEtag);
}

QTEST_GUILESS_MAIN(tst_MultiProcess)
#include "tst_multiprocess.moc"
