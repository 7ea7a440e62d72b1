// SPDX-License-Identifier: MIT
#pragma once

#include "attention.h"
#include "json.h"
#include "manifestedits.h"
#include "snapshot.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QAction;
class QMenu;
class QToolBar;
class QWidget;

namespace runboard {

class ChangeController;
class RunView;

// The guided changes of a run as actions: the Edit menu, the toolbar and the context menus of
// the Tasks, Agents and Validation tables all show the same QActions. An action takes the
// version on screen when it is triggered as its base, asks what it needs (a reason, an agent,
// a title), builds the patch (ManifestEdits) and shows its preview; Apply hands it to the
// ChangeController. Actions the run's state, the selection or the policy do not allow are
// disabled with the reason as their tooltip (and status tip). GUI thread.
class GuidedActions : public QObject
{
    Q_OBJECT

public:
    GuidedActions(RunView *view, ChangeController *controller, QWidget *dialogParent);
    ~GuidedActions() override;

    // One per task status, in ManifestEdits::taskStatuses() order; Ctrl+1 … Ctrl+6.
    const QList<QAction *> &statusActions() const { return m_statusActions; }
    QAction *statusAction(const QString &status) const;
    QMenu *statusMenu() const { return m_statusMenu; }
    QAction *markDoneWithOverrideAction() const { return m_markDone; }
    QAction *editTaskAction() const { return m_editTask; }
    QAction *reassignAction() const { return m_reassign; }
    QAction *releaseAction() const { return m_release; }
    QAction *requestCancellationAction() const { return m_cancel; }
    QAction *approvePlanAction() const { return m_approvePlan; }
    QAction *recordDecisionAction() const { return m_decision; }
    QAction *editRunDetailsAction() const { return m_runDetails; }
    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    QAction *preferencesAction() const { return m_preferences; }
    QList<QAction *> allActions() const;

    // Fills the Edit menu and the Edit toolbar.
    void populateEditMenu(QMenu *menu, QAction *patchEditorAction);
    void populateToolBar(QToolBar *toolBar, QAction *patchEditorAction);

    // Enables and explains every action for the run, selection and flight state shown now.
    void updateActions();

    // The "Needs you" action of a waiting item, on the version shown now: approve the plan,
    // mark a task in review done, request a stalled agent's cancellation, record a decision on
    // a failed validation run. Opens the same dialog or preview as the menu entry; nothing is
    // written before the person applies it. (Conflicts are RunEditor's.)
    void actOn(const AttentionItem &item);

Q_SIGNALS:
    // The person chose "Edit as Patch…" in a preview: open these operations on that base.
    void editAsPatchRequested(const runboard::Json &operations, const runboard::Snapshot &base);
    // Something the person should read in the status bar.
    void message(const QString &text);

private:
    struct Selection; // what the action works on, captured when it is triggered
    Selection selection() const;
    ManifestEdits::Context context() const;
    QAction *makeAction(const QString &text, const QString &name, const QString &tip);
    void setAvailable(QAction *action, bool available, const QString &why);
    // Shows the preview of an edit made on `base`; Apply sends it.
    void preview(const Snapshot &base, const Result<ManifestEdit> &edit);
    void showTaskMenu(const QPoint &at);
    void showAgentMenu(const QPoint &at);
    void showValidationMenu(const QPoint &at);

    void setStatus(const QString &status);
    void markDoneWithOverride(const QString &taskId);
    void editTask();
    void reassignTask();
    void releaseTasks();
    void requestCancellation();
    void approvePlan();
    void recordDecision(const QString &taskId, const QString &stepId);
    void editRunDetails();
    void openPreferences();

    RunView *m_view;
    ChangeController *m_controller;
    QPointer<QWidget> m_dialogParent;
    QList<QAction *> m_statusActions;
    QMenu *m_statusMenu = nullptr;
    QAction *m_markDone = nullptr;
    QAction *m_editTask = nullptr;
    QAction *m_reassign = nullptr;
    QAction *m_release = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_approvePlan = nullptr;
    QAction *m_decision = nullptr;
    QAction *m_runDetails = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QAction *m_preferences = nullptr;
    QHash<QAction *, QString> m_baseTips; // each action's own status tip, shown when enabled
};

} // namespace runboard
