// SPDX-License-Identifier: MIT
//
// bench_conflicts: what an etag conflict costs to explain (docs/benchmarks.md), run by hand.
//
// - ChangeWords::describe on two versions of an ADE-like manifest (1 MB and 5 MB) that differ as
//   one commit makes them differ: one task changed (status, assignee, title), plus the commit's
//   etag, serverGeneration, updatedAt and a history entry. Target at 1 MB: 5 ms.
// - judgeRebase of a 10-op patch (status and title of 5 tasks) on the same manifests, against a
//   newer version with another task changed by another writer: a clean verdict, which includes
//   applying the patch to the newer version (one copy of the document). Target at 1 MB: 5 ms.
//   A conflicting verdict (the other writer changed a task the patch changes) is timed as well:
//   it also applies the patch to the base, for the "yours" values.
// The results are checked (sentences, verdict kind) so a broken build cannot post good figures.
// Timings: std::chrono::steady_clock, 3 warm-up calls, then medians and 99th percentiles;
// destroying results is not timed. The load average is printed before and after: figures
// taken while other builds run are inflated.

#include "changewords.h"
#include "jsonpatch.h"
#include "jsonwriter.h"
#include "manifestgenerator.h"
#include "rebaseverdict.h"

#include <QCoreApplication>
#include <QFile>
#include <QString>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace runboard;
using SteadyClock = std::chrono::steady_clock;

namespace {

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

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

// `base` as another writer's commit leaves it: the task at `index` changed, and the bookkeeping.
Json committedChange(const Json &base, std::size_t index, const char *title)
{
    Json next = base;
    Json &task = next["tasks"][index];
    task["status"] = "review";
    task["assigneeSessionId"] = "S-worker-2";
    task["title"] = title;
    const qint64 generation = next.value("serverGeneration", qint64(1)) + 1;
    // Appended piece by piece: g++ 12 -O2 warns (-Wrestrict, a false positive) about
    // "literal" + std::string.
    std::string etag = "g";
    etag += std::to_string(generation);
    etag += "-0b0e0e0f";
    next["serverGeneration"] = generation;
    next["etag"] = etag;
    next["updatedAt"] = "2026-11-24T12:00:00.000Z";
    Json &history = next["history"];
    history.push_back(Json{{"etag", etag},
                           {"at", "2026-11-24T12:00:00.000Z"},
                           {"summary", "patch"},
                           {"patchKindSummary", "user:ana@box: task changed"}});
    if (history.size() > 50)
        history.erase(history.begin());
    return next;
}

std::string taskToken(const Json &doc, std::size_t index)
{
    return "{id:" + doc.at("tasks")[index].at("id").get<std::string>() + "}";
}

// Status and title of five tasks spread over the document: ten ops.
JsonPatch tenOps(const Json &base)
{
    Json ops = Json::array();
    const std::size_t tasks = base.at("tasks").size();
    for (std::size_t k = 1; k <= 5; ++k) {
        const std::string task = "/tasks/" + taskToken(base, k * tasks / 6);
        ops.push_back(Json{{"op", "replace"}, {"path", task + "/status"}, {"value", "done"}});
        ops.push_back(Json{{"op", "replace"}, {"path", task + "/title"}, {"value", "Mine"}});
    }
    return JsonPatch::fromJson(ops).value();
}

template<typename Run>
Stats timeIt(int iterations, Run run)
{
    for (int i = 0; i < 3; ++i)
        run();
    std::vector<double> samples;
    samples.reserve(std::size_t(iterations));
    for (int i = 0; i < iterations; ++i) {
        const auto start = SteadyClock::now();
        const auto result = run();
        samples.push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
        (void)result; // destroyed here, after the clock stopped
    }
    return statsOf(std::move(samples));
}

bool benchSize(std::size_t bytes, int iterations)
{
    const Json base = bench::generateManifest(bench::shapeForSize(bytes));
    const std::size_t size = JsonWriter::write(base).size();
    const std::size_t tasks = base.at("tasks").size();
    const Json theirs = committedChange(base, 0, "Fix login");

    // Words for one commit: the check keeps a broken build from posting a figure.
    const QList<ChangeGroup> groups = ChangeWords::describe(base, theirs);
    if (groups.size() != 2 || groups.first().details.size() != 3) {
        std::printf("describe said %s\n",
                    qPrintable(ChangeWords::sentences(groups).join(QStringLiteral(" | "))));
        return false;
    }
    const Stats words = timeIt(iterations, [&] { return ChangeWords::describe(base, theirs); });

    const JsonPatch mine = tenOps(base);
    if (!judgeRebase(base, mine, theirs).isClean()) {
        std::printf("the 10-op patch should rebase cleanly\n");
        return false;
    }
    const Stats clean = timeIt(iterations, [&] { return judgeRebase(base, mine, theirs); });
    const Json touched = committedChange(base, tasks / 6, "Theirs");
    if (judgeRebase(base, mine, touched).kind != RebaseVerdict::Kind::Conflicts) {
        std::printf("the 10-op patch should conflict\n");
        return false;
    }
    const Stats conflicting = timeIt(iterations, [&] { return judgeRebase(base, mine, touched); });

    std::printf("%5.2f MB, %5zu tasks | describe  p50 %6.2f ms  p99 %6.2f ms | judgeRebase "
                "clean p50 %6.2f ms  p99 %6.2f ms | conflicts p50 %6.2f ms  p99 %6.2f ms\n",
                double(size) / (1024.0 * 1024.0), tasks, words.p50, words.p99, clean.p50, clean.p99,
                conflicting.p50, conflicting.p99);
    std::printf("           sentences: %s\n",
                qPrintable(ChangeWords::sentences(groups).join(QStringLiteral(" | "))));
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const bool quick = QCoreApplication::arguments().contains(QStringLiteral("--quick"));
#ifdef NDEBUG
    const char *build = "Release";
#else
    const char *build = "Debug (asserts on: figures mean little)";
#endif
    std::printf("bench_conflicts: %s build, load average %s\n", build, qPrintable(loadAverage()));
    bool ok = benchSize(1024 * 1024, quick ? 11 : 101);
    ok = benchSize(5 * 1024 * 1024, quick ? 5 : 21) && ok;
    std::printf("bench_conflicts: load average %s at the end\n", qPrintable(loadAverage()));
    return ok ? 0 : 1;
}
