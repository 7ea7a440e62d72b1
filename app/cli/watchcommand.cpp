// SPDX-License-Identifier: MIT
//
// `watch BUNDLE [--seconds N]`: one ManifestService (watcher on) for the whole life of the
// process, in the main thread's event loop. First line {"event":"open",…} once the watch is
// armed (a script may change the file after it), then one line per observed change. Ends after
// N seconds, or on SIGINT/SIGTERM, with exit status 0.
// Thread: main thread.

#include "watchcommand.h"

#include "eventprinter.h"
#include "output.h"
#include "signalwatcher.h"

#include <QTimer>

namespace runboard::cli {

WatchCommand::WatchCommand()
    : Command(QStringLiteral("watch"), tr("Prints one JSON line per observed change of a run."))
{
    addPositional(QStringLiteral("BUNDLE"), tr("A run folder or its manifest.json."));
}

void WatchCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(valueOption(QStringLiteral("seconds"),
                                 tr("Stop after N seconds (default: until interrupted)."),
                                 tr("N")));
}

int WatchCommand::execute(const QCommandLineParser &parser, const QStringList &positionals)
{
    QString problem;
    const std::optional<int> seconds = secondsOption(parser, &problem);
    if (!problem.isEmpty())
        return usageError(problem);
    const Result<BundleLocation> location = locateBundle(positionals[0]);
    if (!location.isOk())
        return fail(location.error());

    ManifestService service(location.value());
    if (const Result<Snapshot> opened = service.open(); !opened.isOk())
        return fail(opened.error());
    EventPrinter printer(&service);
    printJson(EventPrinter::openEvent(service));

    SignalWatcher terminations;
    QObject::connect(&terminations, &SignalWatcher::terminationRequested, &service,
                     [] { QCoreApplication::exit(0); });
    if (seconds)
        QTimer::singleShot(std::chrono::seconds(*seconds), &service,
                           [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace runboard::cli
