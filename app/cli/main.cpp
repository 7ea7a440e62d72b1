// SPDX-License-Identifier: MIT
// `runboard-cli`: the command-line tool for scripts, agents and people on a terminal.

#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("runboard-cli"));
    QCoreApplication::setApplicationVersion(runboard::version());

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Inspect and patch multi-agent orchestration runs (ADE bundle format v1)."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);
    parser.showHelp(2);
}
