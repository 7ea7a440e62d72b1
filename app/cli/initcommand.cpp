// SPDX-License-Identifier: MIT
//
// `init DIR [--title T] [--goal G] [--lane-id L]`: RunCreator::create, then one line
// {"ok":true,"runId","bundlePath","etag"}. Side-file warnings (index.json, .gen) go to stderr
// only: the run exists and is usable, so the command still succeeds.
// Thread: main thread.

#include "initcommand.h"

#include "output.h"
#include "runcreator.h"

namespace runboard::cli {

InitCommand::InitCommand()
    : Command(QStringLiteral("init"),
              tr("Creates a new run under DIR/.ade/orchestration/<runId>/, as ADE's runCreate "
                 "does."))
{
    addPositional(QStringLiteral("DIR"), tr("The lane's worktree (an existing folder)."));
}

void InitCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(valueOption(QStringLiteral("title"), tr("The run's title."), tr("T")));
    parser.addOption(valueOption(QStringLiteral("goal"), tr("The goal summary."), tr("G")));
    parser.addOption(
        valueOption(QStringLiteral("lane-id"), tr("The lane id (default: local)."), tr("L")));
}

int InitCommand::execute(const QCommandLineParser &parser, const QStringList &positionals)
{
    RunCreator::Options options;
    options.title = parser.value(QStringLiteral("title"));
    options.goalSummary = parser.value(QStringLiteral("goal"));
    options.laneId = parser.value(QStringLiteral("lane-id"));
    const Result<RunCreator::Created> created = RunCreator::create(positionals[0], options);
    if (!created.isOk())
        return fail(created.error());
    for (const QString &warning : created->warnings)
        printDiagnostic(tr("runboard-cli init: warning: %1").arg(warning));
    printJson(Json{{"ok", true},
                   {"runId", utf8(created->location.runId)},
                   {"bundlePath", utf8(created->location.bundlePath)},
                   {"etag", utf8(created->etag)}});
    return 0;
}

} // namespace runboard::cli
