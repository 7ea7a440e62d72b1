// SPDX-License-Identifier: MIT
//
// runboard-testwriter: "the other writer" that the multi-process tests run as a separate process.
// It changes a run bundle the way the writers Runboard shares a manifest with do: ADE and atomic
// editors (temp file + rename), editors that save in place (truncate and rewrite the inode),
// `git pull` / `git checkout` (unlink, recreate, write in pieces), ADE raising the generation
// without any lock, ADE committing from a version it read before another writer's commit, and
// other Runboard processes committing through ManifestStore.
//
// Design considerations
// - The raw writers (rename, inplace, git, bump, stale, churn) use plain POSIX calls, not
// GuardedFile:
//   they stand for programs that know nothing of Runboard, and a writer meant to expose a bug in
//   core must not share that bug. Only counter, crashloop and holdlock go through core, because
//   they play another Runboard process.
// - Every notable action prints one compact JSON line on stdout with a single write(2) of far
//   less than PIPE_BUF bytes. Nothing waits in a stdio buffer, so the parent sees each action as
//   soon as it happened, and a parent that SIGKILLs us never reads half a line.
// - counter and crashloop print "attempt" before a commit and "ack" only after it returned: a
//   parent that kills us knows the disk holds either the last acked value or the one in flight.
// - Errors go to stderr as one JSON line. Exit status: 0 ok, 1 failure, 2 usage.
// Thread: single-threaded, no event loop (holdlock blocks reading stdin).

#include "bundlelock.h"
#include "clock.h"
#include "error.h"
#include "jsonpatch.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "manifeststore.h"
#include "patchpolicy.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace runboard {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kDefaultGitPauseMs = 30;

const char kUsage[] = "usage: runboard-testwriter <command> ...\n"
                      "  rename FILE SOURCE                write SOURCE to a temp file, rename it "
                      "over FILE\n"
                      "  inplace FILE SOURCE               truncate FILE, write SOURCE into it\n"
                      "  git FILE SOURCE [--pause-ms N]    unlink FILE, recreate it, write half, "
                      "pause, write the rest\n"
                      "  bump BUNDLE [--title T] [--keep-etag]\n"
                      "                                    change the title and raise the "
                      "generation, without the lock\n"
                      "  stale BUNDLE [--title T] [--delay-ms N] [--ops FILE]\n"
                      "                                    read, wait for a line on stdin, then "
                      "commit on what was read, as ADE does\n"
                      "  counter BUNDLE --count N [--session S] [--pace-ms N]\n"
                      "                                    N commits incrementing /counter, "
                      "one every N ms\n"
                      "  crashloop BUNDLE                  commits incrementing /counter, "
                      "forever\n"
                      "  holdlock BUNDLE                   hold the bundle lock until stdin "
                      "closes\n"
                      "  churn BUNDLE --seconds S [--interval-us U]\n"
                      "                                    rewrite the manifest by rename every U "
                      "us (default 1000) for S seconds\n";

bool writeAll(int fd, const char *data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool writeAll(int fd, const QByteArray &bytes)
{
    return writeAll(fd, bytes.constData(), static_cast<std::size_t>(bytes.size()));
}

void emitLine(int fd, const Json &object)
{
    const std::string line = JsonWriter::write(object, JsonWriter::Style::Compact) + '\n';
    writeAll(fd, line.data(), line.size());
}

void report(const Json &event)
{
    emitLine(STDOUT_FILENO, event);
}

int fail(const Error &error)
{
    emitLine(STDERR_FILENO, Json{{"event", "error"},
                                 {"error", errorCodeName(error.code).toStdString()},
                                 {"message", error.message.toStdString()},
                                 {"details", error.details}});
    return kExitFailure;
}

int usage(const QString &problem)
{
    const QByteArray text = problem.toUtf8() + '\n' + kUsage;
    writeAll(STDERR_FILENO, text);
    return kExitUsage;
}

Error osError(const QString &what, const QString &path, int error)
{
    return Error{
        ErrorCode::IoError,
        QStringLiteral("%1 %2: %3").arg(what, path, QString::fromLocal8Bit(std::strerror(error))),
        Json{{"path", path.toStdString()}, {"errno", error}}};
}

Result<QByteArray> readWhole(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::IoError,
                     QStringLiteral("cannot read %1: %2").arg(path, file.errorString()),
                     Json{{"path", path.toStdString()}}};
    return file.readAll();
}

// ADE's temp name, "<file>.<pid>.<ms>.<random base36>.tmp", so that Runboard's watcher and its
// stale temp file cleanup treat our leftovers exactly like ADE's.
QString tempNameFor(const QString &path)
{
    return path + QLatin1Char('.') + QString::number(QCoreApplication::applicationPid())
           + QLatin1Char('.') + QString::number(QDateTime::currentMSecsSinceEpoch())
           + QLatin1Char('.')
           + QString::number(QRandomGenerator::global()->generate() & 0xffffffu, 36)
           + QStringLiteral(".tmp");
}

// How ADE and editors with atomic saves write: temp file in the same folder, fsync, rename.
Result<void> renameOver(const QString &path, const QByteArray &bytes)
{
    const QString temp = tempNameFor(path);
    const QByteArray encodedTemp = QFile::encodeName(temp);
    const int fd = ::open(encodedTemp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return osError(QStringLiteral("cannot create"), temp, errno);
    const bool written = writeAll(fd, bytes) && ::fsync(fd) == 0;
    const int writeError = errno;
    if (::close(fd) != 0 || !written) {
        const int error = written ? errno : writeError;
        ::unlink(encodedTemp.constData());
        return osError(QStringLiteral("cannot write"), temp, error);
    }
    if (::rename(encodedTemp.constData(), QFile::encodeName(path).constData()) != 0) {
        const int error = errno;
        ::unlink(encodedTemp.constData());
        return osError(QStringLiteral("cannot rename over"), path, error);
    }
    return {};
}

int runRename(const QString &path, const QString &source)
{
    const Result<QByteArray> bytes = readWhole(source);
    if (!bytes.isOk())
        return fail(bytes.error());
    if (const Result<void> done = renameOver(path, bytes.value()); !done.isOk())
        return fail(done.error());
    report(Json{{"event", "renamed"}, {"path", path.toStdString()}, {"bytes", bytes->size()}});
    return kExitOk;
}

// How editors without atomic saves write: the same inode is truncated and filled again.
int runInPlace(const QString &path, const QString &source)
{
    const Result<QByteArray> bytes = readWhole(source);
    if (!bytes.isOk())
        return fail(bytes.error());
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(osError(QStringLiteral("cannot open"), path, errno));
    const bool written = writeAll(fd, bytes.value());
    const int writeError = errno;
    if (::close(fd) != 0 || !written)
        return fail(osError(QStringLiteral("cannot write"), path, written ? errno : writeError));
    report(Json{{"event", "rewritten"}, {"path", path.toStdString()}, {"bytes", bytes->size()}});
    return kExitOk;
}

// How `git pull` / `git checkout` replace a tracked file: the old name is unlinked, a new file is
// created empty and filled in more than one write. The pause between the halves stands for a slow
// writer, so readers can meet the missing, the empty and the half-written file.
int runGit(const QString &path, const QString &source, int pauseMs)
{
    const Result<QByteArray> bytes = readWhole(source);
    if (!bytes.isOk())
        return fail(bytes.error());
    const QByteArray encodedPath = QFile::encodeName(path);
    if (::unlink(encodedPath.constData()) != 0 && errno != ENOENT)
        return fail(osError(QStringLiteral("cannot unlink"), path, errno));
    report(Json{{"event", "unlinked"}});
    const int fd = ::open(encodedPath.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(osError(QStringLiteral("cannot create"), path, errno));
    report(Json{{"event", "created"}});
    const qsizetype half = bytes->size() / 2;
    if (!writeAll(fd, bytes->first(half))) {
        const int error = errno;
        ::close(fd);
        return fail(osError(QStringLiteral("cannot write"), path, error));
    }
    report(Json{{"event", "half-written"}, {"bytes", half}});
    std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
    const bool written = writeAll(fd, bytes->sliced(half));
    const int writeError = errno;
    if (::close(fd) != 0 || !written)
        return fail(osError(QStringLiteral("cannot write"), path, written ? errno : writeError));
    report(Json{{"event", "written"}, {"bytes", bytes->size()}});
    return kExitOk;
}

// A bundle's manifest as a writer reads it before changing it: parsed, with an integer
// serverGeneration and a string etag. `path` receives the manifest's path.
Result<Json> readCommitted(const QString &bundle, QString *path)
{
    const Result<BundleLocation> location = ManifestStore::locate(bundle);
    if (!location.isOk())
        return location.error();
    *path = location->manifestPath;
    const Result<QByteArray> bytes = readWhole(*path);
    if (!bytes.isOk())
        return bytes.error();
    Result<Json> parsed = JsonReader::parse(
        std::string_view(bytes->constData(), static_cast<std::size_t>(bytes->size())));
    if (!parsed.isOk())
        return parsed.error();
    const Json &document = parsed.value();
    const auto generationField = document.find("serverGeneration");
    const auto etagField = document.find("etag");
    if (!document.is_object() || generationField == document.end()
        || !generationField->is_number_integer() || etagField == document.end()
        || !etagField->is_string())
        return Error{ErrorCode::Unreadable,
                     *path + QStringLiteral(": no integer serverGeneration or string etag"),
                     Json{{"path", path->toStdString()}}};
    return parsed;
}

// What ADE's service sets when it commits: the generation, its etag, updatedAt and a history
// entry in a ring of 50.
void commitAsAde(Json &document, qint64 generation, const std::string &etag,
                 const std::string &summary, const std::string &kinds)
{
    const std::string at = isoTimestamp(QDateTime::currentDateTimeUtc()).toStdString();
    document["serverGeneration"] = generation;
    document["etag"] = etag;
    document["updatedAt"] = at;
    Json &history = document["history"];
    if (!history.is_array())
        history = Json::array();
    history.push_back(
        Json{{"etag", etag}, {"at", at}, {"summary", summary}, {"patchKindSummary", kinds}});
    const std::size_t limit = ManifestStore::kHistoryLimit;
    if (history.size() > limit)
        history.erase(history.begin(),
                      history.begin() + static_cast<std::ptrdiff_t>(history.size() - limit));
}

// What ADE (or a second ADE instance) does to a manifest it owns: a new title, the next
// generation with an etag of its own, history, all written by rename and without Runboard's
// lock, which ADE does not know. --keep-etag is a person editing the file by hand instead.
int runBump(const QString &bundle, const std::optional<QString> &title, bool keepEtag)
{
    QString path;
    Result<Json> read = readCommitted(bundle, &path);
    if (!read.isOk())
        return fail(read.error());
    Json document = std::move(read).value();
    qint64 generation = document.at("serverGeneration").get<qint64>();
    std::string etag = document.at("etag").get<std::string>();
    const QString newTitle
        = title.value_or(QStringLiteral("changed by runboard-testwriter %1 at %2")
                             .arg(QCoreApplication::applicationPid())
                             .arg(QDateTime::currentMSecsSinceEpoch()));
    document["title"] = newTitle.toStdString();
    if (!keepEtag) {
        ++generation;
        etag = "g" + std::to_string(generation) + "-external";
        commitAsAde(document, generation, etag, "external edit", "/title\u00d71");
    }
    const std::string text = JsonWriter::write(document);
    const QByteArray newBytes(text.data(), static_cast<qsizetype>(text.size()));
    if (const Result<void> done = renameOver(path, newBytes); !done.isOk())
        return fail(done.error());
    report(Json{{"event", "bumped"},
                {"etag", etag},
                {"serverGeneration", generation},
                {"title", newTitle.toStdString()}});
    return kExitOk;
}

// ADE's service committing from a version it read earlier, as it can when another process wrote
// in between (its disk check and its rename are not atomic, and it takes no cross-process lock):
// reads the manifest and says so, waits for a line on stdin (the parent commits meanwhile), then
// --delay-ms, then writes its change on what it read: a new title plus the ops of --ops FILE,
// the next generation of that version with an etag "g<gen>-<8 hex>" and an entry in its own
// history ring, by temp file and rename, without looking at the disk again.
int runStale(const QString &bundle, const std::optional<QString> &title, int delayMs,
             const std::optional<QString> &opsFile)
{
    QString path;
    Result<Json> read = readCommitted(bundle, &path);
    if (!read.isOk())
        return fail(read.error());
    Json document = std::move(read).value();
    Json ops = Json::array();
    if (opsFile) {
        const Result<QByteArray> text = readWhole(*opsFile);
        if (!text.isOk())
            return fail(text.error());
        Result<Json> parsed = JsonReader::parse(
            std::string_view(text->constData(), static_cast<std::size_t>(text->size())));
        if (!parsed.isOk())
            return fail(parsed.error());
        ops = std::move(parsed).value();
    }
    const Result<JsonPatch> patch = JsonPatch::fromJson(ops);
    if (!patch.isOk())
        return fail(patch.error());
    report(Json{{"event", "read"},
                {"etag", document.at("etag")},
                {"serverGeneration", document.at("serverGeneration")}});

    char c = 0;
    while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n') {
    }
    // The delay is part of the scenario (ADE's write landing a while after ours, once the
    // reader has long seen our version), not a wait for anything: the parent synchronises on
    // our output lines.
    if (delayMs > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));

    if (const Result<void> applied = patch->applyInPlace(document); !applied.isOk())
        return fail(applied.error());
    document["title"] = title.value_or(QStringLiteral("changed by a stale writer")).toStdString();
    const qint64 generation = document.at("serverGeneration").get<qint64>() + 1;
    const std::string etag = ManifestStore::makeEtag(generation).toStdString();
    commitAsAde(document, generation, etag, "patch",
                ManifestStore::summarizeOperations(ops).toStdString());
    const std::string text = JsonWriter::write(document);
    if (const Result<void> done
        = renameOver(path, QByteArray(text.data(), static_cast<qsizetype>(text.size())));
        !done.isOk())
        return fail(done.error());
    report(Json{{"event", "committed"}, {"etag", etag}, {"serverGeneration", generation}});
    return kExitOk;
}

enum class LoopMode { Counted, Endless };

// Another Runboard process: read-modify-write commits of /counter through the real commit
// protocol, re-reading and re-applying after each etag_conflict as a careful client would.
int runCommitLoop(const QString &bundle, LoopMode mode, qint64 count, const QString &session,
                  int paceMs = 0)
{
    const Result<BundleLocation> location = ManifestStore::locate(bundle);
    if (!location.isOk())
        return fail(location.error());
    ManifestStore store(location.value());
    qint64 acks = 0;
    qint64 conflicts = 0;
    while (mode == LoopMode::Endless || acks < count) {
        const Result<ManifestStore::Loaded> loaded = store.load();
        if (!loaded.isOk())
            return fail(loaded.error());
        const Json &document = *loaded->document;
        const auto counter = document.find("counter");
        const bool present = counter != document.end();
        if (present && !counter->is_number_integer())
            return fail(Error{ErrorCode::Unreadable,
                              location->manifestPath + QStringLiteral(": /counter is no integer"),
                              Json{{"path", location->manifestPath.toStdString()}}});
        const qint64 next = present ? counter->get<qint64>() + 1 : 1;

        ManifestStore::PatchRequest request;
        request.ifMatchEtag = QString::fromStdString(document.at("etag").get<std::string>());
        request.operations = Json::array(
            {Json{{"op", present ? "replace" : "add"}, {"path", "/counter"}, {"value", next}}});
        request.actor = Actor{ActorRole::Lead, session};
        if (mode == LoopMode::Endless)
            report(Json{{"event", "attempt"}, {"counter", next}});
        const Result<ManifestStore::Committed> committed = store.commit(request);
        if (!committed.isOk()) {
            if (committed.error().code == ErrorCode::EtagConflict) {
                ++conflicts;
                continue;
            }
            return fail(committed.error());
        }
        if (!committed->written)
            return fail(Error{ErrorCode::IoError,
                              QStringLiteral("the commit of /counter = %1 wrote nothing").arg(next),
                              Json::object()});
        ++acks;
        report(Json{
            {"event", "ack"}, {"counter", next}, {"etag", committed->result.document->at("etag")}});
        // The pace is the scenario (a busy agent committing every few ms), not a wait.
        if (paceMs > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(paceMs));
    }
    report(Json{{"event", "done"}, {"acks", acks}, {"conflicts", conflicts}});
    return kExitOk;
}

// Sits on the BundleLock like a Runboard process in the middle of a long commit would, until
// the parent closes our stdin.
int runHoldLock(const QString &bundle)
{
    const Result<BundleLocation> location = ManifestStore::locate(bundle);
    if (!location.isOk())
        return fail(location.error());
    BundleLock lock(location->manifestPath);
    if (const Result<void> locked = lock.lock(); !locked.isOk())
        return fail(locked.error());
    report(Json{{"event", "locked"},
                {"pid", QCoreApplication::applicationPid()},
                {"lockFile", lock.lockFilePath().toStdString()}});
    char buffer[256];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    lock.unlock();
    report(Json{{"event", "unlocked"}});
    return kExitOk;
}

// A writer that never stops: ADE's service under load, or a script gone wild. Version N of the
// manifest read at the start has /counter = N and the title "churn N", written by temp file and
// rename (never in place, so every version on disk is whole) every `intervalUs`, for `seconds`.
// A reader can make version N's exact bytes itself (JsonWriter of the same document) and so tell
// whether what it was shown was ever on disk. Prints "started", then "done" with the last N.
int runChurn(const QString &bundle, int seconds, int intervalUs)
{
    const Result<BundleLocation> location = ManifestStore::locate(bundle);
    if (!location.isOk())
        return fail(location.error());
    const Result<QByteArray> bytes = readWhole(location->manifestPath);
    if (!bytes.isOk())
        return fail(bytes.error());
    Result<Json> parsed = JsonReader::parse(
        std::string_view(bytes->constData(), static_cast<std::size_t>(bytes->size())));
    if (!parsed.isOk())
        return fail(parsed.error());
    Json document = std::move(parsed).value();
    report(Json{{"event", "started"}});
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    qint64 version = 0;
    while (std::chrono::steady_clock::now() < end) {
        ++version;
        document["counter"] = version;
        document["title"] = "churn " + std::to_string(version);
        const std::string text = JsonWriter::write(document);
        if (const Result<void> done
            = renameOver(location->manifestPath,
                         QByteArray(text.data(), static_cast<qsizetype>(text.size())));
            !done.isOk())
            return fail(done.error());
        // The pace is the scenario (a write every interval), not a wait for anything.
        std::this_thread::sleep_for(std::chrono::microseconds(intervalUs));
    }
    report(Json{{"event", "done"}, {"last", version}});
    return kExitOk;
}

std::optional<int> nonNegativeInt(const QString &text)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    return ok && value >= 0 ? std::optional<int>(value) : std::nullopt;
}

int run(const QStringList &arguments)
{
    if (arguments.size() < 2)
        return usage(QStringLiteral("no command given"));
    const QString command = arguments.at(1);

    QCommandLineParser parser;
    const QCommandLineOption pauseOption(QStringLiteral("pause-ms"),
                                         QStringLiteral("pause between the halves"),
                                         QStringLiteral("N"));
    const QCommandLineOption titleOption(QStringLiteral("title"), QStringLiteral("new title"),
                                         QStringLiteral("T"));
    const QCommandLineOption keepEtagOption(QStringLiteral("keep-etag"),
                                            QStringLiteral("a hand edit: keep etag and "
                                                           "generation"));
    const QCommandLineOption delayOption(
        QStringLiteral("delay-ms"), QStringLiteral("pause before writing"), QStringLiteral("N"));
    const QCommandLineOption opsOption(QStringLiteral("ops"),
                                       QStringLiteral("a JSON Patch to apply as well"),
                                       QStringLiteral("FILE"));
    const QCommandLineOption countOption(QStringLiteral("count"),
                                         QStringLiteral("number of commits"), QStringLiteral("N"));
    const QCommandLineOption paceOption(QStringLiteral("pace-ms"),
                                        QStringLiteral("milliseconds between commits"),
                                        QStringLiteral("N"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("how long"),
                                           QStringLiteral("S"));
    const QCommandLineOption intervalOption(QStringLiteral("interval-us"),
                                            QStringLiteral("between writes"), QStringLiteral("U"),
                                            QStringLiteral("1000"));
    const QCommandLineOption sessionOption(QStringLiteral("session"),
                                           QStringLiteral("the lead's session id"),
                                           QStringLiteral("S"), QStringLiteral("S-lead"));
    int positionalCount = 1;
    if (command == QStringLiteral("rename") || command == QStringLiteral("inplace")) {
        positionalCount = 2;
    } else if (command == QStringLiteral("git")) {
        positionalCount = 2;
        parser.addOption(pauseOption);
    } else if (command == QStringLiteral("bump")) {
        parser.addOption(titleOption);
        parser.addOption(keepEtagOption);
    } else if (command == QStringLiteral("stale")) {
        parser.addOption(titleOption);
        parser.addOption(delayOption);
        parser.addOption(opsOption);
    } else if (command == QStringLiteral("counter")) {
        parser.addOption(countOption);
        parser.addOption(sessionOption);
        parser.addOption(paceOption);
    } else if (command == QStringLiteral("churn")) {
        parser.addOption(secondsOption);
        parser.addOption(intervalOption);
    } else if (command != QStringLiteral("crashloop") && command != QStringLiteral("holdlock")) {
        return usage(QStringLiteral("unknown command: ") + command);
    }

    if (!parser.parse(QStringList{arguments.at(0)} + arguments.mid(2)))
        return usage(parser.errorText());
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != positionalCount)
        return usage(QStringLiteral("%1 takes %2 argument(s), got %3")
                         .arg(command)
                         .arg(positionalCount)
                         .arg(positional.size()));

    if (command == QStringLiteral("rename"))
        return runRename(positional.at(0), positional.at(1));
    if (command == QStringLiteral("inplace"))
        return runInPlace(positional.at(0), positional.at(1));
    if (command == QStringLiteral("git")) {
        std::optional<int> pause = kDefaultGitPauseMs;
        if (parser.isSet(pauseOption))
            pause = nonNegativeInt(parser.value(pauseOption));
        if (!pause)
            return usage(QStringLiteral("--pause-ms takes a number of milliseconds"));
        return runGit(positional.at(0), positional.at(1), *pause);
    }
    if (command == QStringLiteral("bump"))
        return runBump(positional.at(0),
                       parser.isSet(titleOption) ? std::optional(parser.value(titleOption))
                                                 : std::nullopt,
                       parser.isSet(keepEtagOption));
    if (command == QStringLiteral("stale")) {
        const std::optional<int> delay
            = parser.isSet(delayOption) ? nonNegativeInt(parser.value(delayOption)) : 0;
        if (!delay)
            return usage(QStringLiteral("--delay-ms takes a number of milliseconds"));
        return runStale(
            positional.at(0),
            parser.isSet(titleOption) ? std::optional(parser.value(titleOption)) : std::nullopt,
            *delay,
            parser.isSet(opsOption) ? std::optional(parser.value(opsOption)) : std::nullopt);
    }
    if (command == QStringLiteral("counter")) {
        const std::optional<int> count
            = parser.isSet(countOption) ? nonNegativeInt(parser.value(countOption)) : std::nullopt;
        if (!count)
            return usage(QStringLiteral("counter needs --count N"));
        const std::optional<int> pace
            = parser.isSet(paceOption) ? nonNegativeInt(parser.value(paceOption)) : 0;
        if (!pace)
            return usage(QStringLiteral("--pace-ms takes a number of milliseconds"));
        return runCommitLoop(positional.at(0), LoopMode::Counted, *count,
                             parser.value(sessionOption), *pace);
    }
    if (command == QStringLiteral("churn")) {
        const std::optional<int> seconds = nonNegativeInt(parser.value(secondsOption));
        const std::optional<int> interval = nonNegativeInt(parser.value(intervalOption));
        if (!seconds || !interval)
            return usage(QStringLiteral("churn needs --seconds S and takes --interval-us U"));
        return runChurn(positional.at(0), *seconds, *interval);
    }
    if (command == QStringLiteral("crashloop"))
        return runCommitLoop(positional.at(0), LoopMode::Endless, 0, QStringLiteral("S-lead"));
    return runHoldLock(positional.at(0));
}

} // namespace

} // namespace runboard

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("runboard-testwriter"));
    return runboard::run(QCoreApplication::arguments());
}
