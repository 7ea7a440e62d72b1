// SPDX-License-Identifier: MIT
//
// GuidedActions: every guided change of a run as one QAction, shared by the Edit menu, the
// toolbar and the tables' context menus.
//
// Design considerations
// - The base of a change is captured when its action is triggered (DESIGN.md §8): what the
//   person saw then, not what is newest when they press Apply. Forms and previews carry that
//   snapshot; the ChangeController sends it as the ifMatch.
// - Only what the user role may do is offered: a status the policy refuses (the done gate) is
//   disabled with the policy's reason as its tooltip, and "Mark Done With Override…" is the way
//   past the gate. Everything is disabled, with the reason, while the run is not live or a
//   change is in flight.
// - Every action has a menu entry and an accessible name; the common ones have shortcuts
//   (Ctrl+1…6 statuses, Ctrl+Shift+D override, F2 edit task, Ctrl+Z / Ctrl+Shift+Z undo/redo).
// - Ids, titles and reasons shown in menus come from agents; they only ever appear as action
//   text and plain-text labels, and "&" in them is escaped so it cannot make a mnemonic.
// Thread: GUI thread.

#include "guidedactions.h"
#include "plaintext.h"

#include "changecontroller.h"
#include "dialoganswers.h"
#include "editdialogs.h"
#include "editsettings.h"
#include "manifest.h"
#include "previewdialog.h"
#include "rowmodel.h"
#include "runview.h"
#include "servicehost.h"
#include "validationmodel.h"

#include <QAction>
#include <QMenu>
#include <QRandomGenerator>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>

namespace runboard {

namespace {

QString escapedForMenu(QString text)
{
    return text.replace(QLatin1Char('&'), QStringLiteral("&&"));
}

QIcon themeIcon(const char *name)
{
    return QIcon::fromTheme(QLatin1String(name));
}

} // namespace

struct GuidedActions::Selection
{
    Snapshot base;
    QStringList taskIds; // selected rows of the Tasks table, in view order
    QString agentId;     // the current row of the Agents table
    QString stepId;      // the current node of the Validation tree, when under a step
    QString itemTaskId;  // its checklist item's task, when it has one
};

GuidedActions::GuidedActions(RunView *view, ChangeController *controller, QWidget *dialogParent)
    : QObject(view), m_view(view), m_controller(controller), m_dialogParent(dialogParent)
{
    m_statusMenu = new QMenu(tr("Set &Status"), dialogParent);
    m_statusMenu->setObjectName(QStringLiteral("statusMenu"));
    m_statusMenu->setToolTipsVisible(true);
    int key = 0;
    for (const QString &status : ManifestEdits::taskStatuses()) {
        QAction *action = makeAction(status, QStringLiteral("setStatus_") + status,
                                     tr("Set the selected tasks' status to %1").arg(status));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + key++)));
        action->setData(status);
        connect(action, &QAction::triggered, this, [this, status] { setStatus(status); });
        m_statusActions << action;
        m_statusMenu->addAction(action);
    }
    m_statusMenu->menuAction()->setStatusTip(tr("Set the selected tasks' status"));

    m_markDone = makeAction(tr("Mark Done With &Override…"), QStringLiteral("markDoneOverride"),
                            tr("Mark the task done past its validation gate, with your reason"));
    m_markDone->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    connect(m_markDone, &QAction::triggered, this, [this] {
        const Selection chosen = selection();
        if (chosen.taskIds.size() == 1)
            markDoneWithOverride(chosen.taskIds.constFirst());
    });
    m_editTask = makeAction(tr("&Edit Task…"), QStringLiteral("editTask"),
                            tr("Change the task's title, description and priority"));
    m_editTask->setShortcut(QKeySequence(Qt::Key_F2));
    connect(m_editTask, &QAction::triggered, this, &GuidedActions::editTask);
    m_reassign = makeAction(tr("Re&assign Task…"), QStringLiteral("reassignTask"),
                            tr("Give the task to another agent"));
    m_reassign->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    connect(m_reassign, &QAction::triggered, this, &GuidedActions::reassignTask);
    m_release = makeAction(tr("Re&lease Task"), QStringLiteral("releaseTask"),
                           tr("Back to pending: clears the assignee, the claim and the lease"));
    m_release->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    connect(m_release, &QAction::triggered, this, &GuidedActions::releaseTasks);
    m_cancel = makeAction(tr("Request &Cancellation"), QStringLiteral("requestCancellation"),
                          tr("Ask the selected agent to stop (sets cancellationRequested)"));
    connect(m_cancel, &QAction::triggered, this, &GuidedActions::requestCancellation);
    m_approvePlan = makeAction(tr("A&pprove Plan…"), QStringLiteral("approvePlan"),
                               tr("Approve the run's plan as the person it waits for: the run "
                                  "moves on to developing"));
    connect(m_approvePlan, &QAction::triggered, this, &GuidedActions::approvePlan);
    m_decision = makeAction(tr("Record &Decision…"), QStringLiteral("recordDecision"),
                            tr("Add a decision to the run's decision log"));
    m_decision->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    connect(m_decision, &QAction::triggered, this, [this] {
        const Selection chosen = selection();
        recordDecision(chosen.taskIds.size() == 1 ? chosen.taskIds.constFirst() : QString(),
                       QString());
    });
    m_runDetails = makeAction(tr("Edit Run &Title and Goal…"), QStringLiteral("editRunDetails"),
                              tr("Change the run's title and goal summary"));
    connect(m_runDetails, &QAction::triggered, this, &GuidedActions::editRunDetails);

    m_undo = makeAction(tr("&Undo"), QStringLiteral("undo"),
                        tr("Put back what your last change changed, if nobody changed it since"));
    m_undo->setIcon(themeIcon("edit-undo"));
    m_undo->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Z)});
    connect(m_undo, &QAction::triggered, controller, &ChangeController::undo);
    m_redo = makeAction(tr("&Redo"), QStringLiteral("redo"), tr("Make the undone change again"));
    m_redo->setIcon(themeIcon("edit-redo"));
    m_redo->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    connect(m_redo, &QAction::triggered, controller, &ChangeController::redo);
    m_preferences = makeAction(tr("&Preferences…"), QStringLiteral("preferences"),
                               tr("Your session name and how conflicts are handled"));
    m_preferences->setMenuRole(QAction::PreferencesRole);
    connect(m_preferences, &QAction::triggered, this, &GuidedActions::openPreferences);

    m_markDone->setIcon(themeIcon("dialog-ok-apply"));
    m_editTask->setIcon(themeIcon("document-edit"));
    m_release->setIcon(themeIcon("edit-clear"));

    for (QTreeView *table : {view->taskView(), view->agentView(), view->validationView()})
        table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view->taskView(), &QWidget::customContextMenuRequested, this,
            &GuidedActions::showTaskMenu);
    connect(view->agentView(), &QWidget::customContextMenuRequested, this,
            &GuidedActions::showAgentMenu);
    connect(view->validationView(), &QWidget::customContextMenuRequested, this,
            &GuidedActions::showValidationMenu);
    connect(view, &RunView::selectionChanged, this, &GuidedActions::updateActions);
    connect(view, &RunView::snapshotShown, this, &GuidedActions::updateActions);
    connect(view, &RunView::editingAllowedChanged, this, &GuidedActions::updateActions);
    connect(controller, &ChangeController::busyChanged, this, &GuidedActions::updateActions);
    connect(controller, &ChangeController::undoStateChanged, this, &GuidedActions::updateActions);
    updateActions();
}

GuidedActions::~GuidedActions() = default;

QAction *GuidedActions::makeAction(const QString &text, const QString &name, const QString &tip)
{
    auto *action = new QAction(text, this);
    action->setObjectName(name);
    action->setStatusTip(tip);
    action->setToolTip(tip);
    action->setShortcutContext(Qt::WindowShortcut);
    m_baseTips.insert(action, tip);
    return action;
}

QAction *GuidedActions::statusAction(const QString &status) const
{
    for (QAction *action : m_statusActions) {
        if (action->data().toString() == status)
            return action;
    }
    return nullptr;
}

QList<QAction *> GuidedActions::allActions() const
{
    QList<QAction *> actions = m_statusActions;
    actions << m_markDone << m_editTask << m_reassign << m_release << m_cancel << m_approvePlan
            << m_decision << m_runDetails << m_undo << m_redo << m_preferences;
    return actions;
}

void GuidedActions::populateEditMenu(QMenu *menu, QAction *patchEditorAction)
{
    menu->setToolTipsVisible(true);
    menu->addAction(m_undo);
    menu->addAction(m_redo);
    menu->addSeparator();
    menu->addMenu(m_statusMenu);
    menu->addAction(m_markDone);
    menu->addAction(m_editTask);
    menu->addAction(m_reassign);
    menu->addAction(m_release);
    menu->addSeparator();
    menu->addAction(m_cancel);
    menu->addSeparator();
    menu->addAction(m_approvePlan);
    menu->addAction(m_decision);
    menu->addAction(m_runDetails);
    menu->addSeparator();
    if (patchEditorAction)
        menu->addAction(patchEditorAction);
    menu->addSeparator();
    menu->addAction(m_preferences);
}

void GuidedActions::populateToolBar(QToolBar *toolBar, QAction *patchEditorAction)
{
    toolBar->addAction(m_undo);
    toolBar->addAction(m_redo);
    toolBar->addSeparator();
    QAction *status = m_statusMenu->menuAction();
    toolBar->addAction(status);
    if (auto *button = qobject_cast<QToolButton *>(toolBar->widgetForAction(status)))
        button->setPopupMode(QToolButton::InstantPopup);
    toolBar->addAction(m_markDone);
    toolBar->addAction(m_editTask);
    toolBar->addAction(m_release);
    toolBar->addSeparator();
    toolBar->addAction(m_approvePlan);
    if (patchEditorAction) {
        toolBar->addSeparator();
        toolBar->addAction(patchEditorAction);
    }
}

GuidedActions::Selection GuidedActions::selection() const
{
    Selection chosen;
    chosen.base = m_view->snapshot();
    chosen.taskIds = m_view->selectedTaskIds();
    chosen.agentId = m_view->currentAgentId();
    const RunView::ValidationRef ref = m_view->currentValidationRef();
    chosen.stepId = ref.stepId;
    if (!ref.itemId.isEmpty() && !chosen.base.isNull()) {
        const Manifest manifest(chosen.base.sharedDocument());
        for (const Manifest::ChecklistItem &item : manifest.checklist()) {
            if (item.id == ref.itemId) {
                chosen.itemTaskId = item.taskId;
                if (chosen.stepId.isEmpty())
                    chosen.stepId = item.stepId;
                break;
            }
        }
    }
    return chosen;
}

ManifestEdits::Context GuidedActions::context() const
{
    return ManifestEdits::Context{EditSettings::sessionName(), QDateTime::currentDateTimeUtc(),
                                  QRandomGenerator::global()->generate()};
}

void GuidedActions::setAvailable(QAction *action, bool available, const QString &why)
{
    action->setEnabled(available);
    const QString tip = available || why.isEmpty() ? m_baseTips.value(action) : why;
    action->setToolTip(plainToolTip(tip)); // reasons name ids an agent wrote
    action->setStatusTip(tip);
}

void GuidedActions::updateActions()
{
    const Selection chosen = selection();
    QString blocked = m_view->editingBlockedReason();
    if (blocked.isEmpty() && m_controller->isBusy())
        blocked = tr("A change is being applied; wait for its answer");
    const bool open = blocked.isEmpty() && !chosen.base.isNull();
    const Json *doc = open ? &chosen.base.document() : nullptr;
    const QString noTask = tr("Select a task in the Tasks tab first");
    const QString oneTask = tr("Select exactly one task");

    // Statuses: allowed when at least one selected task changes and none is refused.
    QHash<QString, QString> refusal;
    QHash<QString, int> changing;
    // Predicted for the first kMaxPredicted selected tasks; the commit judges all of them.
    constexpr int kMaxPredicted = 100;
    if (doc) {
        const Manifest manifest(chosen.base.sharedDocument());
        for (const QString &id : chosen.taskIds.mid(0, kMaxPredicted)) {
            const std::optional<Manifest::Task> task = manifest.taskById(id);
            for (const ManifestEdits::StatusChoice &choice :
                 ManifestEdits::statusChoices(*doc, id)) {
                if (choice.allowed)
                    ++changing[choice.status];
                else if (!task || choice.status != task->status)
                    refusal.insert(choice.status, choice.reason);
            }
        }
    }
    for (QAction *action : m_statusActions) {
        const QString status = action->data().toString();
        QString why = blocked;
        if (why.isEmpty() && chosen.taskIds.isEmpty())
            why = noTask;
        else if (why.isEmpty() && refusal.contains(status))
            why = refusal.value(status);
        else if (why.isEmpty() && changing.value(status) == 0)
            why = chosen.taskIds.size() == 1
                      ? tr("%1 is already %2").arg(chosen.taskIds.constFirst(), status)
                      : tr("The selected tasks are already %1").arg(status);
        setAvailable(action, why.isEmpty(), why);
    }
    m_statusMenu->menuAction()->setEnabled(open && !chosen.taskIds.isEmpty());

    const std::optional<Manifest::Task> task
        = doc && chosen.taskIds.size() == 1
              ? Manifest(chosen.base.sharedDocument()).taskById(chosen.taskIds.constFirst())
              : std::nullopt;
    const QString single = !blocked.isEmpty()           ? blocked
                           : chosen.taskIds.isEmpty()   ? noTask
                           : chosen.taskIds.size() != 1 ? oneTask
                                                        : QString();
    setAvailable(m_markDone, single.isEmpty() && task && task->status != QLatin1String("done"),
                 !single.isEmpty() ? single : tr("The task is done already"));
    setAvailable(m_editTask, single.isEmpty() && task.has_value(), single);
    setAvailable(m_reassign, single.isEmpty() && task.has_value(), single);
    const Result<ManifestEdit> release
        = doc ? ManifestEdits::releaseTasks(*doc, chosen.taskIds)
              : Result<ManifestEdit>(Error{ErrorCode::NotFound, QString(), Json::object()});
    setAvailable(m_release, open && !chosen.taskIds.isEmpty() && release.isOk(),
                 !blocked.isEmpty() ? blocked
                 : chosen.taskIds.isEmpty()
                     ? noTask
                     : (release.isOk() ? QString() : release.error().message));

    const Result<ManifestEdit> cancel
        = doc && !chosen.agentId.isEmpty()
              ? ManifestEdits::requestCancellation(*doc, chosen.agentId)
              : Result<ManifestEdit>(Error{ErrorCode::NotFound, QString(), Json::object()});
    setAvailable(m_cancel, cancel.isOk(),
                 !blocked.isEmpty()         ? blocked
                 : chosen.agentId.isEmpty() ? tr("Select an agent in the Agents tab first")
                 : cancel.isOk()            ? QString()
                                            : cancel.error().message);
    setAvailable(m_approvePlan, doc && ManifestEdits::planNeedsApproval(*doc),
                 !blocked.isEmpty() ? blocked
                                    : tr("The plan does not wait for approval (it is approved, "
                                         "or the run is past planning)"));
    setAvailable(m_decision, open, blocked);
    setAvailable(m_runDetails, open, blocked);

    QUndoStack *stack = m_controller->undoStack();
    const QString undoBlocked = !blocked.isEmpty() ? blocked : tr("Nothing to undo");
    setAvailable(m_undo, open && stack->canUndo(), undoBlocked);
    m_undo->setText(stack->canUndo() ? tr("&Undo %1").arg(escapedForMenu(stack->undoText()))
                                     : tr("&Undo"));
    setAvailable(m_redo, open && stack->canRedo(),
                 !blocked.isEmpty() ? blocked : tr("Nothing to redo"));
    m_redo->setText(stack->canRedo() ? tr("&Redo %1").arg(escapedForMenu(stack->redoText()))
                                     : tr("&Redo"));
}

void GuidedActions::showTaskMenu(const QPoint &at)
{
    updateActions();
    QMenu menu(m_view);
    menu.setToolTipsVisible(true);
    menu.addMenu(m_statusMenu);
    menu.addAction(m_markDone);
    menu.addAction(m_editTask);
    menu.addAction(m_reassign);
    menu.addAction(m_release);
    menu.addSeparator();
    menu.addAction(m_decision);
    menu.exec(m_view->taskView()->viewport()->mapToGlobal(at));
}

void GuidedActions::showAgentMenu(const QPoint &at)
{
    updateActions();
    QMenu menu(m_view);
    menu.setToolTipsVisible(true);
    menu.addAction(m_cancel);
    menu.exec(m_view->agentView()->viewport()->mapToGlobal(at));
}

void GuidedActions::showValidationMenu(const QPoint &at)
{
    updateActions();
    const Selection chosen = selection();
    QMenu menu(m_view);
    menu.setToolTipsVisible(true);
    const QString blocked = m_view->editingBlockedReason();
    if (!chosen.itemTaskId.isEmpty()) {
        const QString taskId = chosen.itemTaskId;
        QAction *done
            = menu.addAction(tr("Mark %1 Done With Override…").arg(escapedForMenu(taskId)), this,
                             [this, taskId] { markDoneWithOverride(taskId); });
        done->setEnabled(blocked.isEmpty() && !m_controller->isBusy());
    }
    const QString about = !chosen.itemTaskId.isEmpty() ? chosen.itemTaskId : chosen.stepId;
    QAction *decision = menu.addAction(
        about.isEmpty() ? tr("Record Decision…")
                        : tr("Record Decision About %1…").arg(escapedForMenu(about)),
        this, [this, chosen] { recordDecision(chosen.itemTaskId, chosen.stepId); });
    decision->setEnabled(blocked.isEmpty() && !m_controller->isBusy());
    menu.exec(m_view->validationView()->viewport()->mapToGlobal(at));
}

void GuidedActions::preview(const Snapshot &base, const Result<ManifestEdit> &edit)
{
    if (!edit.isOk()) {
        Q_EMIT message(edit.error().message);
        return;
    }
    const ManifestEdit made = edit.value();
    auto *dialog
        = new PreviewDialog(made.title, base, made.operations,
                            Actor{ActorRole::User, EditSettings::sessionName()}, m_dialogParent);
    connect(dialog, &PreviewDialog::editRequested, this, &GuidedActions::editAsPatchRequested);
    connect(dialog, &QDialog::accepted, this, [this, dialog, base, made] {
        if (!dialog->preview() || !dialog->preview()->isValid())
            return;
        Change change = Change::on(base, made.title, made.summary, made.operations);
        change.words = dialog->preview()->sentences;
        if (!m_controller->apply(std::move(change)))
            Q_EMIT message(tr("Not applied: another change is still being applied, or the run "
                              "is not open. Your change: %1")
                               .arg(made.summary));
    });
    DialogAnswers::open(dialog);
}

void GuidedActions::setStatus(const QString &status)
{
    const Selection chosen = selection();
    if (chosen.base.isNull() || chosen.taskIds.isEmpty())
        return;
    preview(chosen.base,
            ManifestEdits::setTaskStatus(chosen.base.document(), chosen.taskIds, status));
}

void GuidedActions::markDoneWithOverride(const QString &taskId)
{
    const Snapshot base = m_view->snapshot();
    if (base.isNull())
        return;
    const std::optional<Manifest::Task> task = Manifest(base.sharedDocument()).taskById(taskId);
    if (!task)
        return;
    QString gate;
    for (const ManifestEdits::StatusChoice &choice :
         ManifestEdits::statusChoices(base.document(), taskId)) {
        if (choice.status == QLatin1String("done"))
            gate = choice.allowed ? tr("%1's validation gate is satisfied; an override records "
                                       "that you decided it anyway.")
                                        .arg(taskId)
                                  : choice.reason;
    }
    auto *dialog = new OverrideDialog(*task, gate, EditSettings::sessionName(), m_dialogParent);
    connect(dialog, &QDialog::accepted, this, [this, dialog, base, taskId] {
        preview(base, ManifestEdits::markDoneWithOverride(base.document(), taskId, dialog->reason(),
                                                          context()));
    });
    DialogAnswers::open(dialog);
}

void GuidedActions::editTask()
{
    const Selection chosen = selection();
    if (chosen.base.isNull() || chosen.taskIds.size() != 1)
        return;
    const QString taskId = chosen.taskIds.constFirst();
    const std::optional<Manifest::Task> task
        = Manifest(chosen.base.sharedDocument()).taskById(taskId);
    if (!task)
        return;
    auto *dialog = new TaskEditDialog(*task, m_dialogParent);
    const Snapshot base = chosen.base;
    connect(dialog, &QDialog::accepted, this, [this, dialog, base, taskId] {
        preview(base, ManifestEdits::editTask(
                          base.document(), taskId,
                          {dialog->title(), dialog->description(), dialog->priority()}));
    });
    DialogAnswers::open(dialog);
}

void GuidedActions::reassignTask()
{
    const Selection chosen = selection();
    if (chosen.base.isNull() || chosen.taskIds.size() != 1)
        return;
    const QString taskId = chosen.taskIds.constFirst();
    const Manifest manifest(chosen.base.sharedDocument());
    const std::optional<Manifest::Task> task = manifest.taskById(taskId);
    if (!task)
        return;
    auto *dialog = new ReassignDialog(*task, manifest.agents(), m_dialogParent);
    const Snapshot base = chosen.base;
    connect(dialog, &QDialog::accepted, this, [this, dialog, base, taskId] {
        preview(base, ManifestEdits::reassignTask(base.document(), taskId, dialog->sessionId(),
                                                  context()));
    });
    DialogAnswers::open(dialog);
}

void GuidedActions::releaseTasks()
{
    const Selection chosen = selection();
    if (!chosen.base.isNull() && !chosen.taskIds.isEmpty())
        preview(chosen.base, ManifestEdits::releaseTasks(chosen.base.document(), chosen.taskIds));
}

void GuidedActions::requestCancellation()
{
    const Selection chosen = selection();
    if (!chosen.base.isNull() && !chosen.agentId.isEmpty())
        preview(chosen.base,
                ManifestEdits::requestCancellation(chosen.base.document(), chosen.agentId));
}

void GuidedActions::approvePlan()
{
    const Snapshot base = m_view->snapshot();
    if (!base.isNull())
        preview(base, ManifestEdits::approvePlan(base.document(), m_view->plan(), context()));
}

void GuidedActions::recordDecision(const QString &taskId, const QString &stepId)
{
    const Snapshot base = m_view->snapshot();
    if (base.isNull())
        return;
    auto *dialog = new DecisionDialog(taskId, stepId, m_dialogParent);
    connect(dialog, &QDialog::accepted, this, [this, dialog, base] {
        preview(base, ManifestEdits::recordDecision(base.document(), dialog->summary(),
                                                    {dialog->taskId(), dialog->stepId(), QString()},
                                                    context()));
    });
    DialogAnswers::open(dialog);
}

void GuidedActions::editRunDetails()
{
    const Snapshot base = m_view->snapshot();
    if (base.isNull())
        return;
    const Manifest manifest(base.sharedDocument());
    auto *dialog = new RunDetailsDialog(manifest.title(), manifest.goalSummary(), m_dialogParent);
    connect(dialog, &QDialog::accepted, this, [this, dialog, base] {
        preview(base,
                ManifestEdits::editRunDetails(base.document(), dialog->title(), dialog->goal()));
    });
    DialogAnswers::open(dialog);
}

void GuidedActions::actOn(const AttentionItem &item)
{
    const Snapshot base = m_view->snapshot();
    if (base.isNull() || !m_view->isEditingAllowed()) {
        Q_EMIT message(m_view->editingBlockedReason());
        return;
    }
    switch (item.kind) {
    case AttentionItem::Kind::PlanApproval:
        approvePlan();
        break;
    case AttentionItem::Kind::TaskReview:
        if (item.key.isEmpty()) // the line for many tasks has no one task to mark
            break;
        preview(base,
                ManifestEdits::setTaskStatus(base.document(), {item.key}, QStringLiteral("done")));
        break;
    case AttentionItem::Kind::AgentStalled:
        preview(base, ManifestEdits::requestCancellation(base.document(), item.key));
        break;
    case AttentionItem::Kind::ValidationFailed: {
        // key: "<stepId>/<itemId>/<runId>"; the decision refers to the item's task and step.
        const QString stepId = item.key.section(QLatin1Char('/'), 0, 0);
        const QString itemId = item.key.section(QLatin1Char('/'), 1, 1);
        QString taskId;
        for (const Manifest::ChecklistItem &entry : Manifest(base.sharedDocument()).checklist()) {
            if (entry.id == itemId) {
                taskId = entry.taskId;
                break;
            }
        }
        recordDecision(taskId, stepId);
        break;
    }
    case AttentionItem::Kind::Conflict:
        break;
    }
}

void GuidedActions::openPreferences()
{
    DialogAnswers::open(new PreferencesDialog(m_dialogParent));
}

} // namespace runboard
