// SPDX-License-Identifier: MIT
//
// `serve BUNDLE`: a long-lived service for one run, as the GUI holds one. It keeps one
// ManifestService (watcher on) in the main thread's event loop, prints its events, and answers
// JSON requests read from stdin, one per line, each with one line carrying the request's `id`:
//   {"id":1,"cmd":"patch","ifMatch":…,"ops":[…],"role":…,"session":…,"summary":…,"rebase":true}
//   {"id":2,"cmd":"get"}  {"id":3,"cmd":"heartbeat","session":…}  {"cmd":"quit"}
// Answers have the shape of the matching command's output (ServeSession handles each line). A
// malformed request is answered with error "usage" and the service goes on; `quit` or EOF ends
// it with exit status 0.
// Invariant: requests are handled strictly in order, one at a time, on the main thread; stdin is
// read by LineReader, which never blocks the loop, so watcher events keep flowing.
// Thread: main thread.

#include "servecommand.h"

#include "eventprinter.h"
#include "linereader.h"
#include "output.h"
#include "servesession.h"
#include "signalwatcher.h"

namespace runboard::cli {

ServeCommand::ServeCommand()
    : Command(QStringLiteral("serve"),
              tr("Keeps a run open and answers JSON requests read from standard input, one per "
                 "line (patch, get, heartbeat, quit), while printing its events."))
{
    addPositional(QStringLiteral("BUNDLE"), tr("A run folder or its manifest.json."));
}

int ServeCommand::execute(const QCommandLineParser &, const QStringList &positionals)
{
    const Result<BundleLocation> location = locateBundle(positionals[0]);
    if (!location.isOk())
        return fail(location.error());
    ManifestService service(location.value());
    if (const Result<Snapshot> opened = service.open(); !opened.isOk())
        return fail(opened.error());
    EventPrinter printer(&service);
    printJson(EventPrinter::openEvent(service));

    ServeSession session(&service);
    LineReader reader;
    QObject::connect(&reader, &LineReader::lineReceived, &session,
                     [&session, &reader](const QByteArray &line) {
                         if (!session.handle(line)) {
                             reader.stop();
                             QCoreApplication::exit(0);
                         }
                     });
    QObject::connect(&reader, &LineReader::finished, &session, [] { QCoreApplication::exit(0); });
    SignalWatcher terminations;
    QObject::connect(&terminations, &SignalWatcher::terminationRequested, &session,
                     [] { QCoreApplication::exit(0); });
    reader.start();
    return QCoreApplication::exec();
}

} // namespace runboard::cli
