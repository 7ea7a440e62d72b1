// SPDX-License-Identifier: MIT
//
// bench_json: how fast Runboard's JSON layer is on ADE-sized manifests, set beside Node.
//
// What it does, in one run: generates three deterministic manifests (~50 KB, ~1 MB, ~5 MB) into
// a temporary folder and has Node re-stringify them, so the files on disk are exactly the bytes
// ADE writes; checks that JsonWriter::write(JsonReader::parse(file)) reproduces those bytes;
// times parse, pretty write, deep copy, a one-operation patch and a one-field diff; then runs
// bench_json.js on the same files for JSON.parse / JSON.stringify(v, null, 2) and prints every
// figure next to Node's and next to the targets (docs/benchmarks.md).
//
// Method: std::chrono::steady_clock around each call, a few warm-up calls, then many timed
// ones; the median and the 90th percentile are reported. Destroying a result is never timed
// (drop-off-thread is the design for large documents), allocating it always is. The C++ and
// Node measurements run one after the other, never at the same time.
//
// Not a test: CTest never runs it, and the figures mean little on a busy machine; its exit
// status only reports broken output (a failed round trip) or, with --strict, a missed target.
//
// Thread: single-threaded; the QCoreApplication exists for QProcess.

#include "documentchanges.h"
#include "jsondiff.h"
#include "jsonpatch.h"
#include "jsonpointer.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "manifestgenerator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace runboard;

namespace {

using Clock = std::chrono::steady_clock;

enum ExitStatus { kOk = 0, kSetupFailed = 1, kRoundTripFailed = 2, kTargetMissed = 3 };

struct Stats
{
    double median = 0;
    double p90 = 0;
    bool valid = false;
};

Stats summarize(std::vector<double> samples)
{
    Stats stats;
    if (samples.empty())
        return stats;
    std::sort(samples.begin(), samples.end());
    const std::size_t n = samples.size();
    stats.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    stats.p90 = samples[std::max<std::size_t>(1, (n * 9 + 9) / 10) - 1];
    stats.valid = true;
    return stats;
}

// Every timed result feeds this, so the optimiser cannot prove the work unused.
volatile std::size_t g_sink = 0;

std::size_t observe(const Json &value)
{
    return value.size();
}
std::size_t observe(const std::string &text)
{
    return text.size();
}
std::size_t observe(const Result<Json> &result)
{
    return result.isOk() ? result->size() : 0;
}
std::size_t observe(const DocumentChanges &changes)
{
    return changes.changedMembers().size();
}

std::size_t observe(const JsonPatch &patch)
{
    return patch.operations().size();
}

template<typename Body>
Stats measure(int warmup, int iterations, Body body)
{
    std::vector<double> samples;
    samples.reserve(std::size_t(iterations));
    for (int i = 0; i < warmup + iterations; ++i) {
        const Clock::time_point start = Clock::now();
        const auto result = body();
        const Clock::time_point end = Clock::now();
        g_sink = g_sink + observe(result);
        if (i >= warmup)
            samples.push_back(std::chrono::duration<double, std::milli>(end - start).count());
        // `result` is destroyed here, after the clock stopped.
    }
    return summarize(std::move(samples));
}

void print(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

QString ms(double value)
{
    return QString::number(value, 'f', value < 10 ? 3 : 2);
}

QString cell(const Stats &stats)
{
    return stats.valid ? ms(stats.median) + QStringLiteral(" / ") + ms(stats.p90)
                       : QStringLiteral("-");
}

struct Figures
{
    Stats parse;
    Stats write;
    Stats copy;
    Stats patch;
    Stats diff;
    Stats changes; // DocumentChanges::between, what the service adds to every snapshot
    std::size_t diffOperations = 0;
    bool roundTrip = false;
    std::size_t firstDifference = 0;
};

struct NodeFigures
{
    Stats parse;
    Stats stringify;
    bool roundTrip = false;
};

struct Case
{
    QString name;  // file name stem
    QString label; // column heading
    std::size_t targetBytes = 0;
    int iterations = 0;
    QString path;
    std::string bytes;
    Figures figures;
    NodeFigures node;
};

struct NodeRun
{
    bool ok = false;
    QByteArray output;
    QString problem;
};

NodeRun runNode(const QString &node, const QStringList &arguments)
{
    NodeRun run;
    QProcess process;
    process.setProgram(node);
    process.setArguments(arguments);
    process.start();
    if (!process.waitForStarted()) {
        run.problem = QStringLiteral("cannot start %1: %2").arg(node, process.errorString());
        return run;
    }
    process.closeWriteChannel();
    process.waitForFinished(-1);
    run.output = process.readAllStandardOutput();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        run.problem = QStringLiteral("%1 %2 failed: %3")
                          .arg(node, arguments.join(QLatin1Char(' ')),
                               QString::fromUtf8(process.readAllStandardError()).trimmed());
        return run;
    }
    run.ok = true;
    return run;
}

QString findNode()
{
    const QString configured = QStringLiteral(RUNBOARD_BENCH_NODE);
    if (!configured.isEmpty() && QFile::exists(configured))
        return configured;
    return QStandardPaths::findExecutable(QStringLiteral("node"));
}

bool readBytes(const QString &path, std::string *bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray data = file.readAll();
    bytes->assign(data.constData(), std::size_t(data.size()));
    return true;
}

bool writeBytes(const QString &path, const std::string &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
           && file.write(bytes.data(), qint64(bytes.size())) == qint64(bytes.size());
}

// The value of the first "prefix: value" line; /proc files report a size of 0, so they are read
// whole rather than line by line until atEnd().
QString valueInFile(const QString &path, const QString &prefix)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (line.startsWith(prefix))
            return line.mid(line.indexOf(QLatin1Char(':')) + 1).trimmed();
    }
    return {};
}

void printMachine(const QString &nodeVersion)
{
    print(QStringLiteral("Machine"));
    print(QStringLiteral("  cpu:       %1 (%2 logical CPUs)")
              .arg(valueInFile(QStringLiteral("/proc/cpuinfo"), QStringLiteral("model name")),
                   QString::number(QThread::idealThreadCount())));
    print(
        QStringLiteral("  os:        %1, %2 %3")
            .arg(QSysInfo::prettyProductName(), QSysInfo::kernelType(), QSysInfo::kernelVersion()));
    print(QStringLiteral("  compiler:  g++ %1, Qt %2, nlohmann::json %3.%4.%5")
              .arg(QStringLiteral(__VERSION__), QString::fromLatin1(qVersion()),
                   QString::number(NLOHMANN_JSON_VERSION_MAJOR),
                   QString::number(NLOHMANN_JSON_VERSION_MINOR),
                   QString::number(NLOHMANN_JSON_VERSION_PATCH)));
#ifdef NDEBUG
    print(QStringLiteral("  build:     optimised, asserts off"));
#else
    print(QStringLiteral("  build:     asserts on (not a Release build): figures are not "
                         "representative"));
#endif
    print(QStringLiteral("  node:      %1")
              .arg(nodeVersion.isEmpty() ? QStringLiteral("not run") : nodeVersion));
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

// The one task field the diff pair differs in, and the value it takes in the second document.
Json otherStatus(const Json &status)
{
    return Json(status == "done" ? "failed" : "done");
}

bool measureCase(Case &c, int warmup, QString *problem)
{
    Result<Json> parsed = JsonReader::parse(c.bytes);
    if (!parsed.isOk()) {
        *problem = QStringLiteral("%1: %2").arg(c.path, parsed.error().message);
        return false;
    }
    const Json &doc = parsed.value();
    const std::string written = JsonWriter::write(doc, JsonWriter::Style::Pretty);
    c.figures.roundTrip = written == c.bytes;
    if (!c.figures.roundTrip) {
        const auto mismatch
            = std::mismatch(written.begin(), written.end(), c.bytes.begin(), c.bytes.end());
        c.figures.firstDifference = std::size_t(mismatch.first - written.begin());
    }

    const Json &tasks = doc.at("tasks");
    const std::string lastId = tasks.back().at("id").get<std::string>();
    const Result<JsonPointer> target = JsonPointer::parse(
        "/tasks/" + JsonPointer::escape(JsonPointer::predicateToken("id", lastId)) + "/status");
    if (!target.isOk()) {
        *problem = target.error().message;
        return false;
    }
    JsonPatch::Operation op;
    op.kind = JsonPatch::Operation::Kind::Replace;
    op.path = target.value();
    op.value = "done";
    const JsonPatch patch(std::vector<JsonPatch::Operation>{op});
    const Result<Json> patched = patch.apply(doc);
    if (!patched.isOk()) {
        *problem = patched.error().message;
        return false;
    }

    // The diff pair: two documents read from the same bytes (as two versions of a file would
    // be), the second with one field of the middle task changed.
    Json changed = JsonReader::parse(c.bytes).value();
    Json &middleStatus = changed.at("tasks").at(tasks.size() / 2).at("status");
    middleStatus = otherStatus(middleStatus);
    c.figures.diffOperations = jsonDiff(doc, changed).operations().size();

    const int n = c.iterations;
    c.figures.parse = measure(warmup, n, [&] { return JsonReader::parse(c.bytes); });
    c.figures.write
        = measure(warmup, n, [&] { return JsonWriter::write(doc, JsonWriter::Style::Pretty); });
    c.figures.copy = measure(warmup, n, [&] { return Json(doc); });
    c.figures.patch = measure(warmup, n, [&] { return patch.apply(doc); });
    c.figures.diff = measure(warmup, n, [&] { return jsonDiff(doc, changed); });
    const auto base = std::make_shared<const Json>(doc);
    const DocumentChanges found = DocumentChanges::between(base, changed);
    const std::vector<std::size_t> *positions = found.changedElements("tasks");
    if (!positions || *positions != std::vector<std::size_t>{tasks.size() / 2}) {
        *problem = QStringLiteral("DocumentChanges did not name exactly the changed task");
        return false;
    }
    c.figures.changes = measure(warmup, n, [&] { return DocumentChanges::between(base, changed); });
    return true;
}

bool readNodeFigures(const QByteArray &output, std::vector<Case> &cases, QString *nodeVersion,
                     QString *problem)
{
    std::size_t next = 0;
    for (const QByteArray &line : output.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const Result<Json> parsed
            = JsonReader::parse(std::string_view(line.constData(), std::size_t(line.size())));
        if (!parsed.isOk() || !parsed->is_object()) {
            *problem = QStringLiteral("unexpected output from bench_json.js: ")
                       + QString::fromUtf8(line);
            return false;
        }
        const Json &entry = parsed.value();
        if (entry.contains("node")) {
            *nodeVersion = QString::fromStdString(entry.at("node").get<std::string>());
            continue;
        }
        if (next >= cases.size())
            break;
        const auto stats = [](const Json &value) {
            Stats out;
            out.median = value.at("median").get<double>();
            out.p90 = value.at("p90").get<double>();
            out.valid = true;
            return out;
        };
        NodeFigures &node = cases[next++].node;
        node.parse = stats(entry.at("parse"));
        node.stringify = stats(entry.at("stringify"));
        node.roundTrip = entry.at("roundTrip").get<bool>();
    }
    return true;
}

QString padded(const QString &text, int width)
{
    return text.leftJustified(width, QLatin1Char(' '));
}

void printTable(const std::vector<Case> &cases)
{
    constexpr int kFirst = 36;
    constexpr int kColumn = 22;
    QString heading = padded(QStringLiteral("median / p90, ms"), kFirst);
    for (const Case &c : cases)
        heading += padded(QStringLiteral("%1 (%2 B)").arg(c.label, QString::number(c.bytes.size())),
                          kColumn);
    print(heading);
    const auto row = [&](const QString &name, Stats Figures::*mine) {
        QString line = padded(name, kFirst);
        for (const Case &c : cases)
            line += padded(cell(c.figures.*mine), kColumn);
        print(line);
    };
    const auto nodeRow = [&](const QString &name, Stats NodeFigures::*theirs) {
        QString line = padded(name, kFirst);
        for (const Case &c : cases)
            line += padded(cell(c.node.*theirs), kColumn);
        print(line);
    };
    row(QStringLiteral("JsonReader::parse"), &Figures::parse);
    nodeRow(QStringLiteral("  Node JSON.parse"), &NodeFigures::parse);
    row(QStringLiteral("JsonWriter::write (Pretty)"), &Figures::write);
    nodeRow(QStringLiteral("  Node JSON.stringify(v, null, 2)"), &NodeFigures::stringify);
    row(QStringLiteral("deep copy"), &Figures::copy);
    row(QStringLiteral("one-op patch (copy + apply)"), &Figures::patch);
    row(QStringLiteral("jsonDiff, one task field"), &Figures::diff);
    row(QStringLiteral("DocumentChanges, one task field"), &Figures::changes);
}

// Prints the verdicts; returns false when a target was missed.
bool printTargets(const std::vector<Case> &cases)
{
    bool allMet = true;
    const auto verdict = [&allMet](bool known, bool met) {
        if (!known)
            return QStringLiteral("n/a");
        allMet = allMet && met;
        return met ? QStringLiteral("met") : QStringLiteral("MISSED");
    };
    const auto compared = [&](const QString &title, Stats Figures::*mine,
                              Stats NodeFigures::*theirs, bool strictlyFaster) {
        QStringList parts;
        for (const Case &c : cases) {
            const Stats &ours = c.figures.*mine;
            const Stats &node = c.node.*theirs;
            const bool met
                = strictlyFaster ? ours.median < node.median : ours.median <= node.median;
            parts << QStringLiteral("%1 %2 (%3 vs %4)")
                         .arg(c.label, verdict(node.valid, met), ms(ours.median),
                              node.valid ? ms(node.median) : QStringLiteral("-"));
        }
        print(QStringLiteral("  %1: %2").arg(title, parts.join(QStringLiteral("; "))));
    };
    compared(QStringLiteral("writer faster than Node JSON.stringify"), &Figures::write,
             &NodeFigures::stringify, true);
    compared(QStringLiteral("reader at least as fast as Node JSON.parse"), &Figures::parse,
             &NodeFigures::parse, false);
    for (const Case &c : cases) {
        if (c.targetBytes != 1'000'000)
            continue;
        print(QStringLiteral("  one-op patch on 1 MB < 2 ms: %1 (%2 ms)")
                  .arg(verdict(true, c.figures.patch.median < 2.0), ms(c.figures.patch.median)));
        print(QStringLiteral("  diff of 1 MB, one task changed, < 5 ms: %1 (%2 ms, %3 op)")
                  .arg(verdict(true, c.figures.diff.median < 5.0), ms(c.figures.diff.median),
                       QString::number(c.figures.diffOperations)));
    }
    return allMet;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_json"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Times Runboard's JSON reader, writer, patch and diff on generated ADE "
                       "manifests (~50 KB, ~1 MB, ~5 MB) next to Node's JSON.parse and "
                       "JSON.stringify. See docs/benchmarks.md."));
    parser.addHelpOption();
    const QCommandLineOption quickOption(
        QStringLiteral("quick"), QStringLiteral("Few iterations: a smoke run, noisy figures."));
    const QCommandLineOption keepOption(
        QStringLiteral("keep"), QStringLiteral("Write the manifests into <dir> and keep them."),
        QStringLiteral("dir"));
    const QCommandLineOption noNodeOption(
        QStringLiteral("no-node"),
        QStringLiteral("Do not run Node (the files are then written by JsonWriter and the round "
                       "trip proves less)."));
    const QCommandLineOption strictOption(
        QStringLiteral("strict"), QStringLiteral("Exit with status 3 when a target is missed."));
    parser.addOptions({quickOption, keepOption, noNodeOption, strictOption});
    parser.process(app);

    const bool quick = parser.isSet(quickOption);
    const int warmup = quick ? 1 : 2;
    std::vector<Case> cases = {
        {QStringLiteral("m50k"), QStringLiteral("50 KB"), 50'000, quick ? 31 : 301, {}, {}, {}, {}},
        {QStringLiteral("m1m"), QStringLiteral("1 MB"), 1'000'000, quick ? 7 : 51, {}, {}, {}, {}},
        {QStringLiteral("m5m"), QStringLiteral("5 MB"), 5'000'000, quick ? 3 : 21, {}, {}, {}, {}},
    };

    QString node;
    if (!parser.isSet(noNodeOption)) {
        node = findNode();
        if (node.isEmpty()) {
            print(QStringLiteral("node was not found; install Node.js or pass --no-node"));
            return kSetupFailed;
        }
    }
    const QString script = QStringLiteral(RUNBOARD_BENCH_JSON_JS);

    QTemporaryDir temporary;
    QString folder = temporary.path();
    if (parser.isSet(keepOption)) {
        folder = parser.value(keepOption);
        QDir().mkpath(folder);
    } else if (!temporary.isValid()) {
        print(QStringLiteral("cannot create a temporary folder: ") + temporary.errorString());
        return kSetupFailed;
    }

    const QString loadBefore = loadAverage();
    for (Case &c : cases) {
        c.path = QDir(folder).filePath(c.name + QStringLiteral(".json"));
        const Json doc = bench::generateManifest(bench::shapeForSize(c.targetBytes));
        if (node.isEmpty()) {
            if (!writeBytes(c.path, JsonWriter::write(doc, JsonWriter::Style::Pretty))) {
                print(QStringLiteral("cannot write ") + c.path);
                return kSetupFailed;
            }
        } else {
            // nlohmann's own printer only carries the value to Node; the file is Node's text.
            const QString raw = QDir(folder).filePath(c.name + QStringLiteral(".raw.json"));
            if (!writeBytes(raw, doc.dump(2))) {
                print(QStringLiteral("cannot write ") + raw);
                return kSetupFailed;
            }
            const NodeRun normalized
                = runNode(node, {script, QStringLiteral("normalize"), raw, c.path});
            QFile::remove(raw);
            if (!normalized.ok) {
                print(normalized.problem);
                return kSetupFailed;
            }
        }
        if (!readBytes(c.path, &c.bytes)) {
            print(QStringLiteral("cannot read ") + c.path);
            return kSetupFailed;
        }
    }

    for (Case &c : cases) {
        QString problem;
        if (!measureCase(c, warmup, &problem)) {
            print(problem);
            return kSetupFailed;
        }
    }

    QString nodeVersion;
    if (!node.isEmpty()) {
        QStringList arguments = {script, QStringLiteral("bench"), QString::number(warmup)};
        for (const Case &c : cases)
            arguments << c.path + QLatin1Char(':') + QString::number(c.iterations);
        const NodeRun run = runNode(node, arguments);
        QString problem;
        if (!run.ok || !readNodeFigures(run.output, cases, &nodeVersion, &problem)) {
            print(run.ok ? problem : run.problem);
            return kSetupFailed;
        }
    }
    const QString loadAfter = loadAverage();

    printMachine(nodeVersion);
    print(
        QStringLiteral("  load avg:  %1 before, %2 after (1/5/15 min)").arg(loadBefore, loadAfter));
    print(QStringLiteral("  files:     %1%2")
              .arg(folder, parser.isSet(keepOption) ? QString() : QStringLiteral(" (removed)")));
    print(QStringLiteral("  method:    %1 warm-up + %2 / %3 / %4 timed iterations")
              .arg(QString::number(warmup), QString::number(cases[0].iterations),
                   QString::number(cases[1].iterations), QString::number(cases[2].iterations)));
    print(QString());
    printTable(cases);
    print(QString());
    print(QStringLiteral("Targets (medians)"));
    const bool targetsMet = printTargets(cases);
    print(QString());
    print(QStringLiteral("Round trip: JsonWriter::write(JsonReader::parse(file)) == file"));
    bool roundTrips = true;
    for (const Case &c : cases) {
        roundTrips = roundTrips && c.figures.roundTrip;
        const QString ours = c.figures.roundTrip
                                 ? QStringLiteral("identical")
                                 : QStringLiteral("DIFFERS at byte %1")
                                       .arg(QString::number(c.figures.firstDifference));
        const QString source = node.isEmpty()     ? QStringLiteral("file written by JsonWriter")
                               : c.node.roundTrip ? QStringLiteral("Node's own round trip ok")
                                                  : QStringLiteral("Node's own round trip FAILED");
        print(QStringLiteral("  %1: %2 (%3)").arg(c.label, ours, source));
    }

    if (!roundTrips)
        return kRoundTripFailed;
    if (!targetsMet && parser.isSet(strictOption))
        return kTargetMissed;
    return kOk;
}
