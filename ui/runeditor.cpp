// SPDX-License-Identifier: MIT
//
// RunEditor: the editing half of the window, put together.
//
// Design considerations
// - What the person is told follows STYLE.md UI: progress and results in the status bar and
//   the Events tab, a refusal or a conflict as a non-modal bar, the conflict dialog only when the
//   person asks for it ("Review…"), opened with open() and never over another modal dialog (a
//   modal dialog blocks the bar, so the bar simply waits).
// - The person's patch is never lost: a refused change's operations stay behind the change bar's
//   "Edit as Patch…" and "Save Patch…" until the next change; a conflict keeps both sides until
//   the person decides; the patch editor keeps its text whatever happens.
// - Words for results and errors say what happened and what to do next, per error code.
// Thread: GUI thread.

#include "runeditor.h"

#include "changecontroller.h"
#include "conflictdialog.h"
#include "dialoganswers.h"
#include "eventlogmodel.h"
#include "guidedactions.h"
#include "jsonwriter.h"
#include "messagebar.h"
#include "patcheditor.h"
#include "runview.h"

#include <QAction>
#include <QCoreApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSaveFile>
#include <QStatusBar>

namespace runboard {

namespace {

constexpr int kResultShownMs = 10000;

QString errorOperation(const Error &error)
{
    const auto index = error.details.find("opIndex");
    if (index == error.details.end() || !index->is_number_integer() || index->get<qint64>() < 0)
        return {};
    const auto op = error.details.find("op");
    const auto path = error.details.find("path");
    QString text
        = QCoreApplication::translate("RunEditor", "operation %1").arg(index->get<std::size_t>());
    if (op != error.details.end() && op->is_string() && path != error.details.end()
        && path->is_string())
        text += QStringLiteral(" (%1 %2)")
                    .arg(QString::fromStdString(op->get<std::string>()),
                         QString::fromStdString(path->get<std::string>()));
    return text;
}

} // namespace

RunEditor::RunEditor(QMainWindow *window, RunView *view)
    : QObject(window), m_window(window), m_view(view)
{
    m_controller = new ChangeController(this);
    m_actions = new GuidedActions(view, m_controller, window);

    m_editor = new PatchEditor(view, m_controller);
    m_dock = new QDockWidget(tr("Patch Editor"), window);
    m_dock->setObjectName(QStringLiteral("patchEditorDock"));
    m_dock->setWidget(m_editor);
    m_dock->setAllowedAreas(Qt::AllDockWidgetAreas);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    m_dock->hide();
    m_editorAction = m_dock->toggleViewAction();
    m_editorAction->setText(tr("&Patch Editor"));
    m_editorAction->setObjectName(QStringLiteral("togglePatchEditor"));
    m_editorAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_editorAction->setStatusTip(tr("Write a JSON Patch by hand, checked as you type"));
    m_editorAction->setToolTip(m_editorAction->statusTip());
    connect(m_editorAction, &QAction::toggled, this, [this](bool shown) {
        if (!shown)
            return;
        // A first look gets room to write in: about 45 % of the window.
        if (!std::exchange(m_dockSized, true) && !m_dock->isFloating())
            m_window->resizeDocks({m_dock}, {m_window->width() * 45 / 100}, Qt::Horizontal);
        m_editor->textEdit()->setFocus(Qt::ShortcutFocusReason);
    });

    m_busy = new QProgressBar(window->statusBar());
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(window->fontMetrics().averageCharWidth() * 12);
    m_busy->setAccessibleName(tr("A change is being applied"));
    m_busy->hide();
    window->statusBar()->addPermanentWidget(m_busy);

    m_review = new QAction(tr("&Review…"), this);
    m_review->setObjectName(QStringLiteral("reviewConflict"));
    connect(m_review, &QAction::triggered, this, [this] {
        if (!m_controller->conflicts().isEmpty())
            openConflictDialog(m_controller->conflicts().constFirst().id);
    });
    m_applyConflict = new QAction(tr("Apply to the &New Version"), this);
    m_applyConflict->setObjectName(QStringLiteral("applyConflict"));
    connect(m_applyConflict, &QAction::triggered, this, [this] {
        if (!m_controller->conflicts().isEmpty())
            m_controller->applyConflictToNewVersion(m_controller->conflicts().constFirst().id);
    });
    m_saveConflict = new QAction(tr("&Save Patch…"), this);
    connect(m_saveConflict, &QAction::triggered, this, [this] {
        if (!m_controller->conflicts().isEmpty())
            savePatch(m_controller->conflicts().constFirst().change.operations);
    });
    m_editFailed = new QAction(tr("&Edit as Patch…"), this);
    m_editFailed->setObjectName(QStringLiteral("editFailedAsPatch"));
    connect(m_editFailed, &QAction::triggered, this,
            [this] { editAsPatch(m_failedOperations, m_failedBase); });
    m_saveFailed = new QAction(tr("&Save Patch…"), this);
    m_saveFailed->setObjectName(QStringLiteral("saveFailedPatch"));
    connect(m_saveFailed, &QAction::triggered, this, [this] { savePatch(m_failedOperations); });

    connect(m_actions, &GuidedActions::editAsPatchRequested, this, &RunEditor::editAsPatch);
    // A conflict taken into the editor is resolved once the edited patch is applied.
    connect(m_editor, &PatchEditor::conflictResolved, m_controller,
            &ChangeController::discardConflict);
    connect(m_actions, &GuidedActions::message, this,
            [this](const QString &text) { showStatus(text, kResultShownMs); });
    connect(m_controller, &ChangeController::busyChanged, this, &RunEditor::onBusyChanged);
    connect(m_controller, &ChangeController::progressMessage, this,
            [this](const QString &text) { showStatus(text); });
    connect(m_controller, &ChangeController::applied, this, &RunEditor::onApplied);
    connect(m_controller, &ChangeController::unchanged, this, &RunEditor::onUnchanged);
    connect(m_controller, &ChangeController::failed, this, &RunEditor::onFailed);
    connect(m_controller, &ChangeController::reapplied, this, &RunEditor::onReapplied);
    connect(m_controller, &ChangeController::conflictsChanged, this,
            &RunEditor::onConflictsChanged);
    connect(m_view, &RunView::attentionActionRequested, this, [this](const AttentionItem &item) {
        if (item.kind == AttentionItem::Kind::Conflict)
            openConflictDialog(item.key.toULongLong());
        else
            m_actions->actOn(item);
    });
}

RunEditor::~RunEditor() = default;

ConflictDialog *RunEditor::conflictDialog() const
{
    return m_conflictDialog;
}

void RunEditor::setRun(RunHandle *run)
{
    if (m_conflictDialog)
        m_conflictDialog->reject();
    m_loggedConflicts.clear();
    m_controller->setRun(run);
    m_editor->forgetBase();
    m_actions->updateActions();
}

void RunEditor::showStatus(const QString &text, int timeoutMs)
{
    m_window->statusBar()->showMessage(text, timeoutMs);
}

void RunEditor::onBusyChanged(bool busy)
{
    m_busy->setVisible(busy);
    if (!busy && m_window->statusBar()->currentMessage().endsWith(QChar(0x2026)))
        m_window->statusBar()->clearMessage();
}

void RunEditor::onApplied(const Change &change, const Snapshot &result)
{
    const QString what = change.summary.isEmpty() ? change.title : change.summary;
    const QString text
        = change.kind == Change::Kind::Edit
              ? tr("Applied: %1 — generation %2").arg(what).arg(result.serverGeneration())
              : tr("%1 — generation %2").arg(change.title).arg(result.serverGeneration());
    showStatus(text, kResultShownMs);
    m_view->eventLogModel()->describeOwnChange(result.etag(), text,
                                               QDateTime::currentDateTimeUtc());
    m_view->changeBar()->dismiss();
}

void RunEditor::onUnchanged(const Change &change)
{
    showStatus(
        change.kind == Change::Kind::Edit
            ? tr("Nothing to change: %1 leaves the run as it is").arg(change.title)
            : tr("%1: the values are already as they were; nothing was written").arg(change.title),
        kResultShownMs);
}

void RunEditor::onFailed(const Change &change, const Error &error)
{
    const QString what = change.summary.isEmpty() ? change.title : change.summary;
    QString next;
    switch (error.code) {
    case ErrorCode::PolicyDenied:
        next = tr("You may not make this change as the user role: %1. Change the patch (Edit as "
                  "Patch…) or ask the run's lead.")
                   .arg(error.message);
        break;
    case ErrorCode::ValidationFailed:
        next = tr("The run would not be valid after it: %1. Fix it in the patch editor.")
                   .arg(error.message);
        break;
    case ErrorCode::InvalidPatch: {
        const QString op = errorOperation(error);
        next = (op.isEmpty() ? tr("The patch does not apply: %1.").arg(error.message)
                             : tr("%1 does not apply: %2.").arg(op, error.message))
               + QLatin1Char(' ') + tr("Fix it in the patch editor.");
        break;
    }
    case ErrorCode::RunSuspended:
        next = tr("%1. Wait until the run is back; Save Patch… keeps your change in a file.")
                   .arg(error.message);
        break;
    case ErrorCode::IoError:
        next = tr("The manifest could not be written: %1. Check the disk and its permissions, "
                  "then apply again.")
                   .arg(error.message);
        break;
    case ErrorCode::EtagConflict:
    case ErrorCode::NotFound:
    case ErrorCode::Unreadable:
        next = error.message;
        break;
    }
    m_failedOperations = change.operations;
    m_failedBase = change.target;
    MessageBar *bar = m_view->changeBar();
    bar->showMessage(MessageBar::Kind::Error,
                     tr("Not applied: %1 (%2). %3").arg(what, errorCodeName(error.code), next),
                     MessageBar::Closable::Yes);
    bar->addAction(m_editFailed);
    bar->addAction(m_saveFailed);
    m_view->eventLogModel()->addEvent(
        {QDateTime::currentDateTimeUtc(), EventLogModel::EventKind::Error,
         tr("Not applied: %1 — %2: %3").arg(what, errorCodeName(error.code), error.message),
         error.message, change.target.etag()});
    showStatus(tr("Not applied: %1").arg(what), kResultShownMs);
}

void RunEditor::onReapplied(const Change &change, const Snapshot &onto, const QStringList &theirs,
                            const QStringList &authors)
{
    QStringList said;
    for (const QString &sentence : theirs) {
        if (!sentence.startsWith(QLatin1Char('+'))) // the history's own line adds nothing here
            said << sentence;
    }
    const QString who
        = authors.isEmpty() ? tr("another writer") : authors.join(QStringLiteral(", "));
    const QString what = said.isEmpty() ? tr("changed other things")
                                        : tr("changed %1").arg(said.join(QStringLiteral("; ")));
    m_view->eventLogModel()->addEvent(
        {QDateTime::currentDateTimeUtc(), EventLogModel::EventKind::OwnChange,
         tr("Re-applied your change “%1” on top of %2: %3 %4")
             .arg(change.summary.isEmpty() ? change.title : change.summary, onto.etag(), who, what),
         said.join(QLatin1Char('\n')), onto.etag()});
}

void RunEditor::onConflictsChanged()
{
    const QList<PendingConflict> &conflicts = m_controller->conflicts();
    QList<ConflictSummary> summaries;
    for (const PendingConflict &conflict : conflicts)
        summaries.append({conflict.id, conflict.change.summary.isEmpty()
                                           ? conflict.change.title
                                           : conflict.change.summary});
    m_view->setConflicts(summaries);
    MessageBar *bar = m_view->conflictBar();
    for (const PendingConflict &conflict : conflicts) {
        if (m_loggedConflicts.contains(conflict.id))
            continue;
        m_loggedConflicts << conflict.id;
        const QString what
            = conflict.change.summary.isEmpty() ? conflict.change.title : conflict.change.summary;
        m_view->eventLogModel()->addEvent(
            {QDateTime::currentDateTimeUtc(), EventLogModel::EventKind::Conflict,
             conflict.origin == PendingConflict::Origin::Overwritten
                 ? tr("Overwritten: your change “%1” (%2) was replaced by %3, which did not "
                      "build on it")
                       .arg(what, conflict.overwrittenEtag, conflict.theirs.etag())
                 : tr("Conflict: “%1” was made on an older version; the run is at %2")
                       .arg(what, conflict.theirs.etag()),
             conflict.theirChanges.join(QLatin1Char('\n')), conflict.theirs.etag()});
    }
    if (conflicts.isEmpty()) {
        bar->dismiss();
        return;
    }
    const PendingConflict &first = conflicts.constFirst();
    const QString what = first.change.summary.isEmpty() ? first.change.title : first.change.summary;
    QString text
        = first.origin == PendingConflict::Origin::Overwritten
              ? tr("Your change “%1”, saved at %2, was overwritten by another writer that had "
                   "not seen it.")
                    .arg(what, first.savedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
              : tr("The run changed on disk since you started this change: “%1”.").arg(what);
    switch (first.verdict.kind) {
    case RebaseVerdict::Kind::Clean:
        text += QLatin1Char(' ') + tr("It still applies cleanly on the new version.");
        break;
    case RebaseVerdict::Kind::Conflicts:
        text += QLatin1Char(' ')
                + tr("Both sides changed %n place(s).", nullptr,
                     int(first.verdict.conflicts.size()));
        break;
    case RebaseVerdict::Kind::CannotApply:
        text += QLatin1Char(' ') + tr("It no longer applies.");
        break;
    }
    if (conflicts.size() > 1)
        text += QLatin1Char(' ') + tr("(%n more waiting)", nullptr, int(conflicts.size() - 1));
    bar->showMessage(MessageBar::Kind::Warning, text);
    bar->addAction(m_review);
    m_applyConflict->setText(first.origin == PendingConflict::Origin::Overwritten
                                 ? tr("Re-&apply")
                                 : tr("Apply to the &New Version"));
    if (first.verdict.isClean())
        bar->addAction(m_applyConflict);
    if (first.origin == PendingConflict::Origin::Overwritten)
        bar->addAction(m_saveConflict);
}

ConflictDialog *RunEditor::openConflictDialog(quint64 conflictId)
{
    if (m_conflictDialog && m_conflictDialog->conflictId() == conflictId) {
        m_conflictDialog->raise();
        m_conflictDialog->activateWindow();
        return m_conflictDialog;
    }
    if (m_conflictDialog)
        m_conflictDialog->reject();
    auto *dialog = new ConflictDialog(m_controller, conflictId, m_window);
    m_conflictDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] { onConflictChoice(dialog); });
    DialogAnswers::open(dialog);
    return dialog;
}

void RunEditor::onConflictChoice(ConflictDialog *dialog)
{
    const quint64 id = dialog->conflictId();
    const PendingConflict *conflict = m_controller->conflict(id);
    if (!conflict)
        return;
    switch (dialog->choice()) {
    case ConflictDialog::Choice::Apply:
        if (!m_controller->applyConflictToNewVersion(id))
            showStatus(tr("Not applied yet: another change is in flight, or the verdict is not "
                          "clean; the conflict is still waiting"),
                       kResultShownMs);
        break;
    case ConflictDialog::Choice::Edit: {
        QList<PatchEditor::Note> notes;
        for (const std::size_t op : conflict->verdict.conflictingOps)
            notes.append({op, tr("operation %1 meets a change of the others: see the conflict's "
                                 "places (base / theirs / yours)")
                                  .arg(op)});
        for (const RebaseVerdict::Conflict &place : conflict->verdict.conflicts)
            notes.append({conflict->verdict.conflictingOps.empty()
                              ? 0
                              : conflict->verdict.conflictingOps.front(),
                          tr("both changed %1").arg(QString::fromStdString(place.pointer))});
        m_editor->openPatch(conflict->change.operations, conflict->theirs, notes, id);
        m_dock->show();
        m_dock->raise();
        break;
    }
    case ConflictDialog::Choice::Discard: {
        const QString what = conflict->change.summary;
        m_controller->discardConflict(id);
        m_view->eventLogModel()->addEvent({QDateTime::currentDateTimeUtc(),
                                           EventLogModel::EventKind::Conflict,
                                           tr("Discarded your change “%1”; the run keeps the "
                                              "other writer's version")
                                               .arg(what),
                                           {},
                                           {}});
        break;
    }
    case ConflictDialog::Choice::Save:
        savePatch(conflict->change.operations);
        break;
    case ConflictDialog::Choice::None:
        break;
    }
}

void RunEditor::editAsPatch(const Json &operations, const Snapshot &base)
{
    m_editor->openPatch(operations, base);
    m_dock->show();
    m_dock->raise();
}

void RunEditor::savePatch(const Json &operations)
{
    auto *dialog = new QFileDialog(m_window, tr("Save Patch"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    dialog->setNameFilters({tr("JSON Patch (*.json)"), tr("All files (*)")});
    connect(dialog, &QFileDialog::fileSelected, this, [this, operations](const QString &path) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly)
            || file.write(QByteArray::fromStdString(JsonWriter::write(operations) + "\n")) < 0
            || !file.commit()) {
            m_view->showNotice(
                MessageBar::Kind::Error,
                tr("The patch could not be saved to %1: %2").arg(path, file.errorString()));
            return;
        }
        showStatus(tr("Patch saved to %1").arg(path), kResultShownMs);
    });
    dialog->open();
}

} // namespace runboard
