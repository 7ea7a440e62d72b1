// SPDX-License-Identifier: MIT
//
// `runboard`: the desktop application.
//
// `runboard [PATH]` opens a run folder, its manifest.json or a worktree; `runboard --demo`
// starts `runboard-cli demo` on a temporary folder and opens the run it writes (the demo process
// ends with the window). The hidden `--screenshot FILE` option saves the window once the first
// snapshot is shown, then quits (scripts/screenshots uses it). `--window-size WxH` and `--tab N`
// (hidden too) make screenshots reproducible. `--version` works without a display. Thread: GUI
// thread.

#include "demolauncher.h"
#include "mainwindow.h"
#include "runview.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>
#include <cstring>

namespace {

// Saves the window to `file` after the first snapshot has been painted, then quits with 0 (or 1
// when the image could not be written).
void arrangeScreenshot(runboard::MainWindow *window, const QString &file)
{
    auto *once = new QObject(window);
    QObject::connect(
        window->runView(), &runboard::RunView::snapshotShown, once, [window, file, once] {
            delete once; // later snapshots must not take another picture
            // Let the layout and the first paint settle: one more turn of the event loop after the
            // models have been filled.
            QTimer::singleShot(300, window, [window, file] {
                const bool saved = window->grab().save(file);
                if (!saved)
                    std::fprintf(stderr, "runboard: could not write %s\n", qPrintable(file));
                QCoreApplication::exit(saved ? 0 : 1);
            });
        });
}

} // namespace

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
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QApplication::translate("main", "Start a simulated live run (runboard-cli demo) and open "
                                        "it."));
    parser.addOption(demoOption);
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Save the window to FILE once the run is shown, then "
                                        "quit."),
        QStringLiteral("FILE"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotOption);
    QCommandLineOption geometryOption(QStringLiteral("window-size"),
                                      QApplication::translate("main", "Window size, WxH."),
                                      QStringLiteral("WxH"));
    geometryOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(geometryOption);
    QCommandLineOption tabOption(QStringLiteral("tab"),
                                 QApplication::translate("main", "The tab to show first (0-7)."),
                                 QStringLiteral("N"));
    tabOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(tabOption);
    parser.addPositionalArgument(
        QStringLiteral("path"),
        QApplication::translate("main", "A run folder, its manifest.json, or a worktree."),
        QStringLiteral("[path]"));
    parser.process(app);

    runboard::MainWindow window;
    if (parser.isSet(geometryOption)) {
        const QStringList size = parser.value(geometryOption).split(QLatin1Char('x'));
        if (size.size() == 2)
            window.resize(size.at(0).toInt(), size.at(1).toInt());
    }
    if (parser.isSet(tabOption))
        window.runView()->showTab(runboard::RunView::Tab(parser.value(tabOption).toInt()));
    if (parser.isSet(screenshotOption))
        arrangeScreenshot(&window, parser.value(screenshotOption));

    // Owned by the window: it is destroyed, and the demo process terminated, with the window.
    if (parser.isSet(demoOption)) {
        auto *demo = new runboard::DemoLauncher(&window);
        QObject::connect(demo, &runboard::DemoLauncher::ready, &window,
                         &runboard::MainWindow::openPath);
        QObject::connect(demo, &runboard::DemoLauncher::failed, &window,
                         &runboard::MainWindow::showError);
        demo->start();
    } else if (!parser.positionalArguments().isEmpty()) {
        window.openPath(parser.positionalArguments().constFirst());
    }
    window.show();
    return QApplication::exec();
}
