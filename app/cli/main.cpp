// SPDX-License-Identifier: MIT
//
// `runboard-cli`: the command-line tool for scripts, agents and people on a terminal
// (DESIGN.md §7). main() only dispatches: the first argument names a Command, which parses the
// rest itself, so every command has its own --help and its own options. A missing or unknown
// command is a usage error (exit status 2).
// Thread: main thread; commands that live on (watch, serve, demo) run its event loop.

#include "command.h"
#include "output.h"
#include "version.h"

#include <QCoreApplication>
#include <QLoggingCategory>

namespace {

QString overview(const std::vector<std::unique_ptr<runboard::cli::Command>> &commands)
{
    QString text = QCoreApplication::translate(
        "main", "Usage: runboard-cli COMMAND [options]\n\n"
                "Inspect and patch multi-agent orchestration runs (ADE bundle format v1).\n"
                "Output is one JSON object per line; the exit status names the error class.\n\n"
                "Commands:\n");
    for (const auto &command : commands)
        text += QStringLiteral("  %1%2\n").arg(command->name(), -11).arg(command->description());
    text += QCoreApplication::translate(
        "main", "\nOptions:\n  -h, --help     Displays this help.\n"
                "  -v, --version  Displays version information.\n"
                "  --verbose      Logs each step of the protocol to stderr (with any command).\n\n"
                "Run 'runboard-cli COMMAND --help' for a command's options.\n");
    return text;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("runboard-cli"));
    QCoreApplication::setApplicationVersion(runboard::version());

    using namespace runboard::cli;
    const auto commands = Command::all();
    QStringList arguments = QCoreApplication::arguments().mid(1);
    // --verbose goes with any command, before or after its name: the protocol's debug log
    // (core/logging.h) on stderr, with times and threads, while stdout stays one JSON per line.
    if (arguments.removeAll(QStringLiteral("--verbose")) > 0) {
        qSetMessagePattern(QStringLiteral(
            "%{time hh:mm:ss.zzz} [%{threadid}] %{if-category}%{category}: %{endif}%{message}"));
        QLoggingCategory::setFilterRules(QStringLiteral("runboard.*.debug=true"));
    }
    if (arguments.isEmpty()) {
        printDiagnostic(overview(commands));
        printJson(usageErrorObject(QCoreApplication::translate("main", "no command given")));
        return kUsageExitStatus;
    }
    const QString first = arguments.takeFirst();
    if (first == QStringLiteral("--help") || first == QStringLiteral("-h")
        || first == QStringLiteral("help")) {
        printText(overview(commands));
        return 0;
    }
    if (first == QStringLiteral("--version") || first == QStringLiteral("-v")) {
        printText(QStringLiteral("runboard-cli %1\n").arg(runboard::version()));
        return 0;
    }
    for (const auto &command : commands) {
        if (command->name() == first)
            return command->run(arguments);
    }
    const QString message = QCoreApplication::translate("main", "unknown command '%1'").arg(first);
    printJson(usageErrorObject(message));
    printDiagnostic(
        QCoreApplication::translate("main", "runboard-cli: %1\nTry 'runboard-cli --help'.")
            .arg(message));
    return kUsageExitStatus;
}
