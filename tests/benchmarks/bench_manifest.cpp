// SPDX-License-Identifier: MIT
//
// bench_manifest: the manifest service's figures, run by hand (docs/benchmarks.md).
//
// - Commit latency of a one-op patch (lock, fresh read, patch, policy, validation, write, fsync,
//   guarded swap, folder fsync; `.gen` and index.json before the answer in one-shot, after it in
//   the service) for ADE-like manifests of about 50 KB, 1 MB and 5 MB, next to the floor measured
//   in the same run: writing the same bytes to a temp file, fsync, rename, folder fsync. Three
//   ways: ManifestService::patch as the app and `serve` commit (the store's cache of the version
//   on disk is used; the snapshot is published), back to back and paced 50 ms apart; and a
//   one-shot ManifestStore::commit without a cache, as `runboard-cli patch` commits (it parses
//   and serialises the whole document).
// - External change to snapshot: another writer renames a new manifest into place; the time until
//   a subscriber in another thread (a RunHandle in this thread, the service in the host's thread)
//   holds the new snapshot.
// - Peak memory (VmHWM) of a process that holds a 5 MB run open and has seen one change; run
//   in a child process so nothing else inflates it.
// Timings use std::chrono::steady_clock; medians and 99th percentiles over many iterations.

#include "jsonwriter.h"
#include "manifestgenerator.h"
#include "manifestservice.h"
#include "manifeststore.h"
#include "servicehost.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using namespace runboard;
using SteadyClock = std::chrono::steady_clock;

namespace {

const QString kRunId = QStringLiteral("R-20260722093015-a1b2c3");

struct Stats
{
    double p50 = 0;
    double p99 = 0;
};

Stats statsOf(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double q) {
        return samples[std::min(samples.size() - 1, std::size_t(q * double(samples.size())))];
    };
    return Stats{at(0.5), at(0.99)};
}

double msSince(SteadyClock::time_point start)
{
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

QByteArray bytesOf(const Json &doc)
{
    const std::string text = JsonWriter::write(doc);
    return QByteArray(text.data(), qsizetype(text.size()));
}

Json manifestOfSize(std::size_t bytes)
{
    Json doc = bench::generateManifest(bench::shapeForSize(bytes));
    doc["runId"] = kRunId.toStdString();
    return doc;
}

QString makeBundle(const QTemporaryDir &dir, const Json &doc)
{
    const QString bundle = dir.path() + QStringLiteral("/.ade/orchestration/") + kRunId;
    QDir().mkpath(bundle);
    QFile file(bundle + QStringLiteral("/manifest.json"));
    if (file.open(QIODevice::WriteOnly))
        file.write(bytesOf(doc));
    return bundle;
}

// The floor: what any safe replace of these bytes costs on this disk.
void writeFsyncRename(const QString &folder, const QByteArray &bytes)
{
    const QByteArray temp = QFile::encodeName(folder + QStringLiteral("/floor.tmp"));
    const QByteArray target = QFile::encodeName(folder + QStringLiteral("/floor.json"));
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n <= 0)
            break;
        done += n;
    }
    ::fsync(fd);
    ::close(fd);
    ::rename(temp.constData(), target.constData());
    const int dirFd = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY);
    ::fsync(dirFd);
    ::close(dirFd);
}

std::string lastTaskId(const Json &doc)
{
    return doc.at("tasks").back().at("id").get<std::string>();
}

enum class CommitPath { Service, OneShot };

// Back to back, every commit starts the moment the previous one answered, while the work it left
// in the background (the copy of the new version for the next commit, freeing the old one,
// index.json) is still running on this 2-core machine: the most commits per second. Paced,
// commits come `pace` apart, as from people and agents, whose patches are each the result of
// some work: the latency of one commit.
void benchCommit(std::size_t size, int iterations, CommitPath path,
                 std::chrono::milliseconds pace = std::chrono::milliseconds(0))
{
    QTemporaryDir dir;
    const Json doc = manifestOfSize(size);
    const QByteArray bytes = bytesOf(doc);
    const QString bundle = makeBundle(dir, doc);
    const BundleLocation location = ManifestStore::locate(bundle).value();
    ManifestService::Options options;
    options.watch = false; // only this process writes; the watcher would only add noise
    ManifestService service(location, options);
    if (path == CommitPath::Service && !service.open().isOk()) {
        std::printf("could not open the run\n");
        return;
    }

    std::vector<double> floor;
    std::vector<double> commit;
    const std::string taskPath = "/tasks/{id:" + lastTaskId(doc) + "}/status";
    QString etag = QString::fromStdString(doc.at("etag").get<std::string>());
    auto due = SteadyClock::now();
    for (int i = 0; i < iterations + 2; ++i) {
        due += pace;
        std::this_thread::sleep_until(due); // the workload's pace, not a wait for anything
        auto start = SteadyClock::now();
        writeFsyncRename(bundle, bytes);
        if (i >= 2)
            floor.push_back(msSince(start));

        ManifestStore::PatchRequest request;
        request.ifMatchEtag = etag;
        request.operations = Json::array(
            {{{"op", "replace"}, {"path", taskPath}, {"value", i % 2 ? "review" : "in_progress"}}});
        request.actor = Actor{ActorRole::Lead, QStringLiteral("S-lead")};
        start = SteadyClock::now();
        QString error;
        if (path == CommitPath::Service) {
            const Result<Snapshot> committed = service.patch(request);
            if (committed.isOk())
                etag = committed->etag();
            else
                error = committed.error().message;
        } else {
            ManifestStore store(location);
            const auto committed = store.commit(request);
            if (committed.isOk())
                etag = QString::fromStdString(
                    committed->result.document->at("etag").get<std::string>());
            else
                error = committed.error().message;
        }
        const double took = msSince(start);
        // The service's thread goes back to its event loop between requests and delivers the
        // snapshot it queued; without this the queued snapshots of every commit would pile up
        // here, holding each version alive. Nobody subscribes, so the previous version is let go
        // as it is in the app once the window has shown the new one.
        QCoreApplication::sendPostedEvents();
        if (!error.isEmpty()) {
            std::printf("commit failed: %s\n", qPrintable(error));
            return;
        }
        if (i >= 2)
            commit.push_back(took);
    }
    const Stats f = statsOf(floor);
    const Stats c = statsOf(commit);
    std::printf("%-8s %-8s %9lld B  floor p50 %7.2f p99 %7.2f | commit p50 %7.2f p99 %7.2f | "
                "p50 ratio %.2fx\n",
                size < 100000    ? "50 KB"
                : size < 2000000 ? "1 MB"
                                 : "5 MB",
                path == CommitPath::OneShot ? "one-shot"
                : pace.count() > 0          ? "paced"
                                            : "service",
                qlonglong(bytes.size()), f.p50, f.p99, c.p50, c.p99, c.p50 / f.p50);
}

void benchExternalChange(std::size_t size, int iterations)
{
    QTemporaryDir dir;
    Json doc = manifestOfSize(size);
    const QString bundle = makeBundle(dir, doc);
    ServiceHost host;
    RunHandle *run = host.open(ManifestStore::locate(bundle).value());
    {
        QEventLoop loop;
        QObject::connect(run, &RunHandle::opened, &loop, &QEventLoop::quit);
        QObject::connect(run, &RunHandle::openFailed, &loop, &QEventLoop::quit);
        loop.exec();
    }
    std::vector<double> samples;
    const QByteArray temp = QFile::encodeName(bundle + QStringLiteral("/external.part"));
    const QByteArray target = QFile::encodeName(bundle + QStringLiteral("/manifest.json"));
    for (int i = 0; i < iterations + 2; ++i) {
        const qint64 generation = doc.at("serverGeneration").get<qint64>() + 1;
        doc["serverGeneration"] = generation;
        doc["etag"] = "g" + std::to_string(generation) + "-external";
        const QByteArray bytes = bytesOf(doc);
        QFile file(QString::fromLocal8Bit(temp));
        if (!file.open(QIODevice::WriteOnly))
            return;
        file.write(bytes);
        file.close();

        QEventLoop loop;
        QObject::connect(run, &RunHandle::snapshotChanged, &loop, [&](const Snapshot &s) {
            if (s.serverGeneration() == generation)
                loop.quit();
        });
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        const auto start = SteadyClock::now();
        ::rename(temp.constData(), target.constData());
        loop.exec();
        const double took = msSince(start);
        if (run->snapshot().serverGeneration() != generation) {
            std::printf("change %d not delivered within 5 s\n", i);
            return;
        }
        if (i >= 2)
            samples.push_back(took);
        // Let the watcher's debounce and safety timers settle between changes.
        QEventLoop pause;
        QTimer::singleShot(20, &pause, &QEventLoop::quit);
        pause.exec();
    }
    const Stats s = statsOf(samples);
    std::printf("%-8s external change -> snapshot in the GUI thread: p50 %6.2f ms  p99 %6.2f ms "
                "(%zu changes)\n",
                size < 100000    ? "50 KB"
                : size < 2000000 ? "1 MB"
                                 : "5 MB",
                s.p50, s.p99, samples.size());
}

// The peak resident set of this process image. ru_maxrss would include the parent's peak from
// before exec(); VmHWM belongs to the new image only.
long maxRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLong();
    }
    return -1;
}

// Child mode: open a 5 MB run through a ServiceHost, see one external change, report peak RSS.
int rssChild()
{
    const long baseline = maxRssKiB();
    QTemporaryDir dir;
    std::size_t fileBytes = 0;
    QString bundle;
    {
        Json doc = manifestOfSize(5000000);
        fileBytes = std::size_t(bytesOf(doc).size());
        bundle = makeBundle(dir, doc);
    } // the generator's document is gone before the run is opened
    ServiceHost host;
    RunHandle *run = host.open(ManifestStore::locate(bundle).value());
    QEventLoop loop;
    QObject::connect(run, &RunHandle::opened, &loop, &QEventLoop::quit);
    loop.exec();
    const long opened = maxRssKiB();
    std::printf("{\"fileBytes\":%zu,\"baselineKiB\":%ld,\"openKiB\":%ld", fileBytes, baseline,
                opened);
    // One external change: old and new snapshot coexist for a moment.
    QFile file(bundle + QStringLiteral("/manifest.json"));
    file.open(QIODevice::ReadOnly);
    QByteArray bytes = file.readAll();
    file.close();
    const qsizetype title = bytes.indexOf("\"title\": \"");
    bytes.insert(title + 10, "Changed: "); // any other bytes make a new snapshot
    QFile next(bundle + QStringLiteral("/next.part"));
    next.open(QIODevice::WriteOnly);
    next.write(bytes);
    next.close();
    QEventLoop change;
    QObject::connect(run, &RunHandle::snapshotChanged, &change, &QEventLoop::quit);
    QTimer::singleShot(5000, &change, &QEventLoop::quit);
    QFile::rename(bundle + QStringLiteral("/next.part"), bundle + QStringLiteral("/manifest.json"));
    change.exec();
    std::printf(",\"afterChangeKiB\":%ld}\n", maxRssKiB());
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.contains(QStringLiteral("--rss-child")))
        return rssChild();
    const bool quick = args.contains(QStringLiteral("--quick"));
    // --without draftAhead,recycle,layout,shapeChange: the store's shortcuts to leave out, to
    // measure what each buys (docs/benchmarks.md). --commits-only: the commit figures alone.
    ManifestStore::Shortcuts shortcuts;
    const qsizetype without = args.indexOf(QStringLiteral("--without"));
    if (without >= 0 && without + 1 < args.size()) {
        for (const QString &name : args.at(without + 1).split(u',')) {
            bool *const off = name == u"draftAhead"    ? &shortcuts.draftAhead
                              : name == u"recycle"     ? &shortcuts.recycle
                              : name == u"layout"      ? &shortcuts.layout
                              : name == u"shapeChange" ? &shortcuts.shapeChange
                                                       : nullptr;
            if (!off) {
                std::fprintf(stderr, "bench_manifest: no shortcut named %s\n", qPrintable(name));
                return 2;
            }
            *off = false;
        }
        ManifestStore::setShortcuts(shortcuts);
    }
    const bool commitsOnly = args.contains(QStringLiteral("--commits-only"));

    double load[3] = {0, 0, 0};
    if (FILE *f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = -1;
        std::fclose(f);
    }
    std::printf("bench_manifest: load average %.2f %.2f %.2f; temp folder %s; shortcuts off: %s\n",
                load[0], load[1], load[2], qPrintable(QDir::tempPath()),
                without >= 0 ? qPrintable(args.value(without + 1)) : "none");

    std::printf("\nCommit latency (ms), one-op patch, vs. write+fsync+rename+folder fsync floor\n");
    std::printf("service: ManifestService::patch back to back; paced: the same, 50 ms apart; "
                "one-shot: an uncached ManifestStore::commit (runboard-cli patch)\n");
    const std::chrono::milliseconds paced(50);
    benchCommit(50000, quick ? 20 : 200, CommitPath::Service);
    benchCommit(50000, quick ? 20 : 100, CommitPath::Service, paced);
    benchCommit(1000000, quick ? 10 : 100, CommitPath::Service);
    benchCommit(1000000, quick ? 10 : 100, CommitPath::Service, paced);
    benchCommit(5000000, quick ? 5 : 30, CommitPath::Service);
    benchCommit(5000000, quick ? 5 : 30, CommitPath::Service, paced);
    benchCommit(50000, quick ? 20 : 200, CommitPath::OneShot);
    benchCommit(1000000, quick ? 10 : 100, CommitPath::OneShot);
    benchCommit(5000000, quick ? 5 : 30, CommitPath::OneShot);
    if (commitsOnly)
        return 0;

    std::printf("\nExternal change -> snapshot delivered to a subscriber in another thread\n");
    benchExternalChange(50000, quick ? 20 : 100);
    benchExternalChange(1000000, quick ? 20 : 100);
    benchExternalChange(5000000, quick ? 5 : 30);

    std::printf("\nPeak memory with a 5 MB manifest open (child process, VmHWM)\n");
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--rss-child")});
    child.waitForFinished(120000);
    std::printf("%s", child.readAllStandardOutput().constData());
    return 0;
}
