// SPDX-License-Identifier: MIT
//
// `runboard`: the desktop application.
//
// `runboard [PATH]` opens a run folder, its manifest.json or a worktree; `runboard --demo`
// starts `runboard-cli demo` on a temporary folder and opens the run it writes (the demo process
// ends with the window). The hidden `--screenshot FILE` option saves the window once the first
// snapshot is shown, then quits; `--screenshot-dir DIR` saves every tab (scripts/screenshots
// uses it), `--screenshot-delay MS` lets a live run move first. `--window-size WxH` and
// `--tab N` (hidden too) make screenshots reproducible. `--version` works without a display.
// Thread: GUI thread.

#include "demolauncher.h"
#include "mainwindow.h"
#include "runview.h"
#include "theme.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QTimer>
#include <QTreeView>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <utility>

namespace {

// Takes the screenshots of the hidden --screenshot / --screenshot-dir options: once the first
// snapshot is on screen and `delayMs` more have passed (a live demo run needs a few seconds to
// get interesting), shows each requested tab in turn, lets it paint, saves the window, and
// quits with 0 (1 when an image could not be written). In the Tasks and History tabs the first
// row is made current, so the details panes show something.
class ScreenshotTaker : public QObject
{
public:
    ScreenshotTaker(runboard::MainWindow *window, QList<std::pair<int, QString>> shots, int delayMs)
        : QObject(window), m_window(window), m_shots(std::move(shots))
    {
        connect(window->runView(), &runboard::RunView::snapshotShown, this, [this, delayMs] {
            if (m_started)
                return; // later snapshots must not start another series
            m_started = true;
            QTimer::singleShot(delayMs, this, &ScreenshotTaker::next);
        });
    }

private:
    void next()
    {
        if (m_shots.isEmpty()) {
            QCoreApplication::exit(m_failed ? 1 : 0);
            return;
        }
        const auto [tab, file] = m_shots.takeFirst();
        runboard::RunView *view = m_window->runView();
        view->showTab(runboard::RunView::Tab(tab));
        for (QTreeView *table : {view->taskView(), view->historyView()}) {
            if (!table->currentIndex().isValid() && table->model()->rowCount() > 0)
                table->setCurrentIndex(table->model()->index(0, 0));
        }
        // A moment for the layout and the paint of the tab just shown.
        QTimer::singleShot(200, this, [this, file] {
            if (!m_window->grab().save(file)) {
                std::fprintf(stderr, "runboard: could not write %s\n", qPrintable(file));
                m_failed = true;
            }
            next();
        });
    }

    runboard::MainWindow *m_window;
    QList<std::pair<int, QString>> m_shots;
    bool m_started = false;
    bool m_failed = false;
};

const char *const kTabFileNames[]
    = {"overview", "tasks", "agents", "plan", "validation", "history", "raw", "events"};

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
    // The installed desktop entry and icon (resources/): lets Wayland compositors and docks tie
    // the window to them. Run from a build folder, the theme has no such icon and Qt's default
    // stays.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.runboard.Runboard"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.runboard.Runboard")));

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
    QCommandLineOption screenshotDirOption(
        QStringLiteral("screenshot-dir"),
        QApplication::translate("main", "Save every tab to DIR/<tab>.png once the run is shown, "
                                        "then quit."),
        QStringLiteral("DIR"));
    screenshotDirOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotDirOption);
    QCommandLineOption delayOption(
        QStringLiteral("screenshot-delay"),
        QApplication::translate("main", "Wait MS milliseconds after the run is shown before the "
                                        "first screenshot (default 300)."),
        QStringLiteral("MS"));
    delayOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(delayOption);
    QCommandLineOption themeOption(
        QStringLiteral("theme"),
        QApplication::translate("main", "Colours: system, light or dark (for this start only; "
                                        "View > Theme keeps a choice)."),
        QStringLiteral("THEME"));
    parser.addOption(themeOption);
    parser.addPositionalArgument(
        QStringLiteral("path"),
        QApplication::translate("main", "A run folder, its manifest.json, or a worktree."),
        QStringLiteral("[path]"));
    parser.process(app);

    runboard::Theme::rememberSystem();
    bool knownTheme = true;
    const runboard::Theme::Mode theme
        = parser.isSet(themeOption)
              ? runboard::Theme::fromName(parser.value(themeOption), &knownTheme)
              : runboard::Theme::saved();
    if (!knownTheme) {
        std::fprintf(stderr, "runboard: unknown theme \"%s\" (system, light or dark)\n",
                     qPrintable(parser.value(themeOption)));
        return 2;
    }
    runboard::Theme::apply(theme);

    runboard::MainWindow window;
    if (parser.isSet(geometryOption)) {
        const QStringList size = parser.value(geometryOption).split(QLatin1Char('x'));
        if (size.size() == 2)
            window.resize(size.at(0).toInt(), size.at(1).toInt());
    }
    const int firstTab = parser.isSet(tabOption) ? parser.value(tabOption).toInt() : -1;
    if (firstTab >= 0)
        window.runView()->showTab(runboard::RunView::Tab(firstTab));
    QList<std::pair<int, QString>> shots;
    if (parser.isSet(screenshotOption))
        shots.append({qMax(firstTab, 0), parser.value(screenshotOption)});
    if (parser.isSet(screenshotDirOption)) {
        const QDir dir(parser.value(screenshotDirOption));
        for (int tab = 0; tab < int(std::size(kTabFileNames)); ++tab)
            shots.append({tab, dir.filePath(QString::fromLatin1(kTabFileNames[tab])
                                            + QStringLiteral(".png"))});
    }
    if (!shots.isEmpty()) {
        const int delay = parser.isSet(delayOption) ? parser.value(delayOption).toInt() : 300;
        new ScreenshotTaker(&window, std::move(shots), delay);
    }

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
