// SPDX-License-Identifier: MIT
//
// `runs DIR`: ADE's runList for a worktree, strictly read-only (Repair::Never), so listing runs
// never rewrites index.json under a running ADE. One line: {"ok":true,"runs":[…]}, oldest first.
// Thread: main thread.

#include "runscommand.h"

#include "clock.h"
#include "output.h"
#include "runindex.h"

namespace runboard::cli {

RunsCommand::RunsCommand()
    : Command(QStringLiteral("runs"),
              tr("Lists the runs of a worktree (index.json plus a scan of the run folders); "
                 "changes nothing on disk."))
{
    addPositional(QStringLiteral("DIR"),
                  tr("A worktree, its .ade/orchestration folder, or a run folder."));
}

int RunsCommand::execute(const QCommandLineParser &, const QStringList &positionals)
{
    const Result<QList<RunSummary>> runs
        = RunIndex::list(positionals[0], RunIndex::Repair::Never, RunIndex::kMaxLimit);
    if (!runs.isOk())
        return fail(runs.error());
    Json list = Json::array();
    for (const RunSummary &run : runs.value()) {
        list.push_back(Json{{"runId", utf8(run.runId)},
                            {"laneId", utf8(run.laneId)},
                            {"title", utf8(run.title)},
                            {"goalSummary", utf8(run.goalSummary)},
                            {"currentPhase", utf8(run.currentPhase)},
                            {"etag", utf8(run.etag)},
                            {"bundlePath", utf8(run.bundlePath)},
                            {"status", utf8(run.status)},
                            {"createdAt", utf8(isoTimestamp(run.createdAt))},
                            {"updatedAt", utf8(isoTimestamp(run.updatedAt))},
                            {"agentCount", run.agentCount},
                            {"taskCount", run.taskCount},
                            {"fromIndex", run.fromIndex}});
    }
    printJson(Json{{"ok", true}, {"runs", std::move(list)}});
    return 0;
}

} // namespace runboard::cli
