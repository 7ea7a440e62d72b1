// SPDX-License-Identifier: MIT
#pragma once

#include "attention.h"
#include "manifeststore.h"
#include "runindex.h"
#include "servicehost.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMenu;
class QSettings;

namespace runboard {

class DesktopNotifier;
class RunEditor;
class RunView;
class ServiceHost;

// The top-level window: menus, the run view and its editor (guided actions, the patch editor),
// opening runs (a run folder, a manifest.json, or a worktree whose runs the user picks from),
// recent runs, drag and drop, and remembered layout.
// Runs are opened through its ServiceHost, so no bundle file is read on the GUI thread; finding
// out what a path is (run folder or worktree) runs on a worker thread too. GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a run folder, its manifest.json, or a worktree (one run: opened; several: a picker).
    // Asynchronous; errors show in a bar.
    void openPath(const QString &path);
    // The run folder asked for most recently (empty before any).
    QString runPath() const { return m_runPath; }
    RunHandle *run() const { return m_run; }
    RunView *runView() const { return m_view; }
    RunEditor *runEditor() const { return m_editor; }
    DesktopNotifier *notifier() const { return m_notifier; }
    QStringList recentRuns() const;

    void showError(const QString &message);

    static constexpr int kMaxRecent = 8;

Q_SIGNALS:
    // Several runs were found for a worktree and the picker is open (tests pick from it).
    void runPickerShown(QWidget *picker);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct Resolution
    {
        QString path;
        std::optional<BundleLocation> location;
        QList<RunSummary> runs; // a worktree with several runs
        QString error;
    };
    static Resolution resolve(const QString &path);

    void createMenus();
    void onResolved();
    void openLocation(const BundleLocation &location);
    void chooseFolder();
    void chooseManifest();
    void reload();
    void closeRun();
    void addRecent(const QString &path);
    void rebuildRecentMenu();
    void updateTitle();
    void updateStatus();
    void showAbout();
    void bringToFront();
    void showAttention(AttentionItem::Kind kind, const QString &key);
    void logNotice(const QString &text, const QString &details);

    ServiceHost *m_host = nullptr;
    QPointer<RunHandle> m_run;
    RunView *m_view = nullptr;
    RunEditor *m_editor = nullptr;
    DesktopNotifier *m_notifier = nullptr;
    QString m_runPath;
    QFutureWatcher<Resolution> *m_resolver = nullptr;
    QString m_pendingPath; // the newest path asked for; older resolutions are dropped
    QMenu *m_recentMenu = nullptr;
    QAction *m_reloadAction = nullptr;
    QAction *m_closeAction = nullptr;
    QLabel *m_stateLabel = nullptr;
};

} // namespace runboard
