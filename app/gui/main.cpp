// SPDX-License-Identifier: MIT
// `runboard`: the desktop application.

#include "mainwindow.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <cstring>

int main(int argc, char *argv[])
{
    // Answer --version without a display, so packaging checks work on headless machines.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::printf("runboard %s\n", qPrintable(runboard::version()));
            return 0;
        }
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("runboard"));
    QApplication::setApplicationDisplayName(QStringLiteral("Runboard"));
    QApplication::setOrganizationName(QStringLiteral("Runboard"));
    QApplication::setApplicationVersion(runboard::version());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Watch and safely edit a multi-agent orchestration run."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("path"),
        QApplication::translate("main", "A run folder, its manifest.json, or a worktree."),
        QStringLiteral("[path]"));
    parser.process(app);

    runboard::MainWindow window;
    if (!parser.positionalArguments().isEmpty())
        window.setRunPath(parser.positionalArguments().constFirst());
    window.show();
    return QApplication::exec();
}
