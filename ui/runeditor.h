// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"
#include "snapshot.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QAction;
class QDockWidget;
class QMainWindow;
class QProgressBar;

namespace runboard {

class ChangeController;
class ConflictDialog;
class GuidedActions;
class PatchEditor;
class RunHandle;
class RunView;
struct Change;
struct Error;

// Everything the main window adds to a RunView to change the run: the ChangeController, the
// guided actions, the patch editor in a dock, and what the person is told about their changes —
// progress and results in the status bar and the Events tab, refusals in the change bar with
// what to do next ("Edit as Patch…", "Save Patch…"), conflicts in the conflict bar ("Review…",
// "Apply to the New Version") and the conflict dialog. GUI thread.
class RunEditor : public QObject
{
    Q_OBJECT

public:
    RunEditor(QMainWindow *window, RunView *view);
    ~RunEditor() override;

    // The run being edited (not owned; null: none). Call after RunView::setRun.
    void setRun(RunHandle *run);

    ChangeController *controller() const { return m_controller; }
    GuidedActions *actions() const { return m_actions; }
    PatchEditor *patchEditor() const { return m_editor; }
    QDockWidget *patchEditorDock() const { return m_dock; }
    // Shows and hides the patch editor (Ctrl+Shift+E).
    QAction *patchEditorAction() const { return m_editorAction; }
    QAction *reviewConflictAction() const { return m_review; }
    QAction *applyConflictAction() const { return m_applyConflict; }

    // Opens (or raises) the dialog of a waiting conflict.
    ConflictDialog *openConflictDialog(quint64 conflictId);
    ConflictDialog *conflictDialog() const;
    // Asks for a file and writes the operations into it.
    void savePatch(const Json &operations);
    // Opens the operations in the patch editor on `base` and shows it.
    void editAsPatch(const Json &operations, const Snapshot &base);

private:
    void showStatus(const QString &text, int timeoutMs = 0);
    void onBusyChanged(bool busy);
    void onApplied(const Change &change, const Snapshot &result);
    void onUnchanged(const Change &change);
    void onFailed(const Change &change, const Error &error);
    void onReapplied(const Change &change, const Snapshot &onto, const QStringList &theirs,
                     const QStringList &authors);
    void onConflictsChanged();
    void onConflictChoice(ConflictDialog *dialog);

    QMainWindow *m_window;
    RunView *m_view;
    ChangeController *m_controller = nullptr;
    GuidedActions *m_actions = nullptr;
    PatchEditor *m_editor = nullptr;
    QDockWidget *m_dock = nullptr;
    QAction *m_editorAction = nullptr;
    QProgressBar *m_busy = nullptr;
    QAction *m_review = nullptr;
    QAction *m_applyConflict = nullptr;
    QAction *m_saveConflict = nullptr;
    QAction *m_editFailed = nullptr;
    QAction *m_saveFailed = nullptr;
    QPointer<ConflictDialog> m_conflictDialog;
    bool m_dockSized = false;         // the dock got its first width
    QList<quint64> m_loggedConflicts; // conflicts already told in the Events tab
    Json m_failedOperations;
    Snapshot m_failedBase;
};

} // namespace runboard
