// SPDX-License-Identifier: MIT
//
// `demo DIR [--seconds N]`: creates a realistic run under DIR and drives it live (DemoDriver)
// until N seconds have passed or SIGINT/SIGTERM arrives; exit status 0 either way. The first
// line is always {"event":"demo","bundlePath","runId"}: `runboard --demo` reads it to open the
// run.
// Thread: main thread.

#include "democommand.h"

#include "demodriver.h"
#include "output.h"
#include "signalwatcher.h"

#include <QDir>

namespace runboard::cli {

DemoCommand::DemoCommand()
    : Command(QStringLiteral("demo"),
              tr("Creates a run under DIR and simulates a live multi-agent run on it, including "
                 "writers that ignore the protocol."))
{
    addPositional(QStringLiteral("DIR"), tr("The worktree to create the run in (made if absent)."));
}

void DemoCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(valueOption(QStringLiteral("seconds"),
                                 tr("Stop after N seconds (default: until interrupted)."),
                                 tr("N")));
}

int DemoCommand::execute(const QCommandLineParser &parser, const QStringList &positionals)
{
    QString problem;
    const std::optional<int> seconds = secondsOption(parser, &problem);
    if (!problem.isEmpty())
        return usageError(problem);
    if (!QDir().mkpath(positionals[0]))
        return fail(Error{ErrorCode::IoError, tr("cannot create the folder %1").arg(positionals[0]),
                          Json{{"path", utf8(positionals[0])}}});

    DemoDriver driver(positionals[0]);
    if (const int status = driver.start(); status != 0)
        return status;
    SignalWatcher terminations;
    QObject::connect(&terminations, &SignalWatcher::terminationRequested, &driver,
                     &DemoDriver::stop);
    if (seconds)
        QTimer::singleShot(std::chrono::seconds(*seconds), &driver, &DemoDriver::stop);
    return QCoreApplication::exec();
}

} // namespace runboard::cli
