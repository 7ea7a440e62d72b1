// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"
#include "manifestservice.h"
#include "rebaseverdict.h"
#include "servicehost.h" // Q_DECLARE_METATYPE(runboard::Error) for the signals
#include "snapshot.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <optional>

class QUndoStack;

namespace runboard {

class RunHandle;
class PatchUndoCommand;

// A change a person makes to the run: a JSON Patch made on the version they were looking at.
struct Change
{
    enum class Kind { Edit, Undo, Redo };
    Kind kind = Kind::Edit;
    QString title;   // what it does, for menus and messages: "Set T-3 status to done"
    QString summary; // the history's words, without who: "T-3 status → done"
    Json operations = Json::array();
    // The version the operations were made on (what a conflict is judged against).
    std::shared_ptr<const Json> base;
    // The version it is sent to: its etag is the request's ifMatch and its bytes the bytes the
    // disk must still hold. The base itself for a fresh change; a newer version once a clean
    // conflict was re-applied, or for an undo (whose tests guard every value it puts back).
    Snapshot target;
    QString origin;         // who made it in the window ("editor" for the patch editor)
    QStringList words;      // its effect in words on its base, when a preview worked it out
    int reapplied = 0;      // how often it went out again on a newer version
    QStringList metChanges; // re-applied: what the others had changed, in words
    QStringList metAuthors; // and who

    // A fresh change on the version the person is looking at.
    static Change on(const Snapshot &seen, QString title, QString summary, Json operations);
};

// A change of the person's that met a newer version on disk (or that another writer overwrote):
// the question the conflict bar and dialog put to the person.
struct PendingConflict
{
    enum class Origin { Conflict, Overwritten };
    quint64 id = 0;
    Origin origin = Origin::Conflict;
    Change change;
    Snapshot theirs;          // the newest version it was judged against
    RebaseVerdict verdict;    // mine (change.operations on change.base) against theirs
    QStringList theirChanges; // what changed on disk since change.base, in words
    QStringList authors;      // who made those changes, where the history says so
    QStringList yourChanges;  // what the change does to its base, in words
    int judgements = 0;       // > 1: the disk changed again while it waited
    QDateTime savedAt;        // Overwritten: when our version was committed
    QString overwrittenEtag;  // Overwritten: the etag of our version
};

// The editing half of the window for one open run (DESIGN.md §8): it sends a person's changes
// through the RunHandle (so the window never waits on disk), keeps one change in flight at a
// time, keeps the undo stack, and turns etag conflicts into questions. GUI thread; verdicts,
// words and inverse patches are worked out in QtConcurrent with values only.
class ChangeController : public QObject
{
    Q_OBJECT

public:
    explicit ChangeController(QObject *parent = nullptr);
    ~ChangeController() override;

    // The run changes go to (not owned; null: none). A new run starts a new undo stack.
    void setRun(RunHandle *run);
    RunHandle *run() const { return m_run; }

    // Sends the change, based on change.base. False (and nothing sent) while another change is
    // in flight or no run is open.
    bool apply(Change change);
    bool isBusy() const { return m_inFlight.has_value() || m_preparing; }
    // The change in flight, if any.
    const std::optional<Change> &inFlight() const { return m_inFlight; }

    QUndoStack *undoStack() const { return m_undoStack; }
    // Undo and redo of the stack's current command, as inverse patches on the newest version.
    void undo();
    void redo();

    const QList<PendingConflict> &conflicts() const { return m_conflicts; }
    const PendingConflict *conflict(quint64 id) const;
    // Re-applies a conflicted change on the version it was last judged against (when clean, or
    // with other operations the person edited): it leaves the list and goes out as a new change.
    bool applyConflictToNewVersion(quint64 id, std::optional<Json> operations = std::nullopt);
    // Drops the person's side of a conflict (the disk already holds the other side).
    void discardConflict(quint64 id);

    static constexpr int kMaxReapplies = 5;

Q_SIGNALS:
    void busyChanged(bool busy);
    // Words for the status bar while a change is in flight: "Applying: T-3 status → done…".
    void progressMessage(const QString &message);
    // The change is on disk: `result` is the version it made.
    void applied(const runboard::Change &change, const runboard::Snapshot &result);
    // The change made no difference (its tests held and it wrote nothing).
    void unchanged(const runboard::Change &change);
    // Refused for a reason other than a newer version (policy, validation, a bad operation,
    // the run suspended, the disk): the person's patch is in `change`, nothing was written.
    void failed(const runboard::Change &change, const runboard::Error &error);
    // A conflicted change was re-applied on a newer version by itself (auto-rebase).
    void reapplied(const runboard::Change &change, const runboard::Snapshot &onto,
                   const QStringList &theirChanges, const QStringList &authors);
    void conflictsChanged();
    void undoStateChanged();

private:
    friend class PatchUndoCommand;

    void send(Change change);
    void onPatchFinished(const ServiceOutcome &outcome);
    void onSnapshot(const Snapshot &snapshot);
    void onOverwritten(const OverwriteReport &report);
    void submitInverse(PatchUndoCommand *command, Change::Kind kind);
    void tellReapplied(const Change &change);
    void judge(PendingConflict conflict);
    void onJudged(PendingConflict conflict);
    void setBusy(bool preparing, std::optional<Change> inFlight);
    void listConflict(PendingConflict conflict);
    void resyncStack(Change::Kind failed);
    QString sessionSummary(const Change &change) const;

    QPointer<RunHandle> m_run;
    QUndoStack *m_undoStack = nullptr;
    std::optional<Change> m_inFlight;
    quint64 m_requestId = 0;
    PatchUndoCommand *m_stackCommand = nullptr; // the command an undo/redo in flight belongs to
    bool m_syncingStack = false;                // moving the stack's index without submitting
    quint64 m_runGeneration = 0;                // results of jobs for an earlier run are dropped
    bool m_preparing = false;                   // an undo/redo's inverse is being worked out
    QStringList m_ownEtags; // versions this controller committed (overwritten reports)
    QList<PendingConflict> m_conflicts;
    quint64 m_nextConflictId = 1;
};

} // namespace runboard

Q_DECLARE_METATYPE(runboard::Change)
