// SPDX-License-Identifier: MIT
//
// ChangeController: the person's changes on their way to the run, and back when they conflict.
//
// Design considerations
// - The base of a change is the version the person saw (DESIGN.md §8): its etag is the
//   request's ifMatch and its bytes the bytes the disk must still hold. A newer etag is never
//   swapped in silently: only a clean rebase verdict (the others touched nothing the change
//   reads or writes) lets a change go out again on a newer version, and then the Events tab
//   says so.
// - One change is in flight at a time (no double submission); the window never waits: the
//   request goes through the RunHandle to the service thread and the answer comes back as a
//   signal. Verdicts, words and inverse patches copy or walk whole documents, so they run in
//   QtConcurrent on immutable, shared documents; their results are dropped if the run changed.
// - Undo is a patch, never a restore: ManifestEdits::inverse of the exact versions before and
//   after the commit, guarded by tests, sent on the newest version. QUndoStack moves its index
//   before the outcome is known, so a refused undo or redo moves it back without submitting
//   anything (m_syncingStack).
// - Conflicts are kept until the person decides (apply on the new version, edit, discard);
//   while one waits, every newer version on disk re-judges it, so the dialog follows the disk.
//   Nothing here can drop the other writer's change: every write is a patch on the newest
//   version, judged first.
// - An "overwritten" report (a writer that skips the protocol replaced a version we committed)
//   becomes a conflict of the same kind, for commits this controller made only.
// Thread: GUI thread.

#include "changecontroller.h"

#include "backgroundrelease.h"
#include "changewords.h"
#include "editsettings.h"
#include "jsonpatch.h"
#include "manifestedits.h"
#include "servicehost.h"
#include "threadcheck.h"
#include "uilogging.h"

#include <QFutureWatcher>
#include <QRandomGenerator>
#include <QTimer>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

namespace runboard {

Q_LOGGING_CATEGORY(lcUi, "runboard.ui", QtInfoMsg)

// One entry of the undo stack: a commit the person made, undone and redone as inverse patches
// of the last commit made for it.
class PatchUndoCommand : public QUndoCommand
{
public:
    PatchUndoCommand(ChangeController *controller, const Change &change,
                     std::shared_ptr<const Json> before, std::shared_ptr<const Json> after)
        : QUndoCommand(change.title), m_controller(controller), m_summary(change.summary),
          m_before(std::move(before)), m_after(std::move(after))
    {}
    // Closing a run clears the stack: freeing its versions (a whole document each) is for the
    // document thread, not the GUI thread.
    ~PatchUndoCommand() override
    {
        releaseInBackground(std::move(m_before));
        releaseInBackground(std::move(m_after));
    }
    PatchUndoCommand(const PatchUndoCommand &) = delete;
    PatchUndoCommand &operator=(const PatchUndoCommand &) = delete;

    void undo() override
    {
        if (!m_controller->m_syncingStack)
            m_controller->submitInverse(this, Change::Kind::Undo);
    }

    void redo() override
    {
        // push() redoes at once; the change is already on disk.
        if (std::exchange(m_pushed, true) && !m_controller->m_syncingStack)
            m_controller->submitInverse(this, Change::Kind::Redo);
    }

    // The versions around the last commit made for this entry (the change, its undo, its redo).
    void setVersions(std::shared_ptr<const Json> before, std::shared_ptr<const Json> after)
    {
        releaseInBackground(std::exchange(m_before, std::move(before)));
        releaseInBackground(std::exchange(m_after, std::move(after)));
    }
    const std::shared_ptr<const Json> &before() const { return m_before; }
    const std::shared_ptr<const Json> &after() const { return m_after; }
    const QString &summary() const { return m_summary; }

private:
    ChangeController *m_controller;
    QString m_summary;
    std::shared_ptr<const Json> m_before;
    std::shared_ptr<const Json> m_after;
    bool m_pushed = false;
};

namespace {

// A history entry's etag.
QString entryEtag(const Json &entry)
{
    const auto it = entry.find("etag");
    return it != entry.end() && it->is_string()
               ? QString::fromStdString(it->get_ref<const std::string &>())
               : QString();
}

// Who wrote the history entries `theirs` has and `base` does not.
QStringList newAuthors(const Json &base, const Json &theirs)
{
    QSet<QString> known;
    if (const auto history = base.find("history"); history != base.end() && history->is_array()) {
        for (const Json &entry : *history)
            known.insert(entryEtag(entry));
    }
    QStringList authors;
    const auto history = theirs.find("history");
    if (history == theirs.end() || !history->is_array())
        return authors;
    for (const Json &entry : *history) {
        if (known.contains(entryEtag(entry)))
            continue;
        const QString author = ChangeWords::historyAuthor(entry);
        if (!author.isEmpty() && !authors.contains(author))
            authors << author;
    }
    return authors;
}

// The verdict and the words of a conflict; runs in a worker on shared, immutable documents. The
// words of both sides are worked out on a second worker while this one judges: the dialog waits
// for all of it, and at 5 MB each part takes tens of milliseconds.
PendingConflict judged(PendingConflict conflict)
{
    const std::shared_ptr<const Json> base = conflict.change.base;
    const Snapshot theirs = conflict.theirs;
    const Result<JsonPatch> mine = JsonPatch::fromJson(conflict.change.operations);
    // The preview said it already; otherwise it takes a copy of the whole base.
    const bool describeYours = mine.isOk() && conflict.change.words.isEmpty();
    QFuture<QStringList> yourWords;
    if (describeYours) {
        yourWords = QtConcurrent::run([base, patch = mine.value()] {
            const Result<Json> yours = patch.apply(*base);
            return yours.isOk() ? ChangeWords::sentences(ChangeWords::describe(*base, *yours))
                                : QStringList();
        });
    }
    QFuture<QStringList> theirWords = QtConcurrent::run([base, theirs] {
        // Usually theirs is the version published right after the base: its changes name the
        // few tasks the other writer touched, and only those are described.
        if (theirs.changes().isRelativeTo(base)) {
            const auto [from, to] = theirs.changes().changedParts(*base, theirs.document());
            return ChangeWords::sentences(ChangeWords::describe(from, to));
        }
        return ChangeWords::sentences(ChangeWords::describe(*base, theirs.document()));
    });
    if (!mine.isOk()) {
        conflict.verdict = RebaseVerdict();
        conflict.verdict.kind = RebaseVerdict::Kind::CannotApply;
        conflict.verdict.failure = mine.error();
    } else {
        conflict.verdict = judgeRebase(*base, mine.value(), theirs.document());
        conflict.yourChanges = describeYours ? yourWords.result() : conflict.change.words;
    }
    conflict.authors = newAuthors(*base, theirs.document());
    conflict.theirChanges = theirWords.result();
    return conflict;
}

constexpr int kOwnEtagsKept = 64;
constexpr int kSummaryLimit = 200;

} // namespace

Change Change::on(const Snapshot &seen, QString title, QString summary, Json operations)
{
    Change change;
    change.title = std::move(title);
    change.summary = std::move(summary);
    change.operations = std::move(operations);
    change.base = seen.sharedDocument();
    change.target = seen;
    return change;
}

ChangeController::ChangeController(QObject *parent)
    : QObject(parent), m_undoStack(new QUndoStack(this))
{
    qRegisterMetaType<runboard::Change>();
    for (auto signal : {&QUndoStack::canUndoChanged, &QUndoStack::canRedoChanged})
        connect(m_undoStack, signal, this, &ChangeController::undoStateChanged);
    connect(m_undoStack, &QUndoStack::indexChanged, this, &ChangeController::undoStateChanged);
    connect(this, &ChangeController::busyChanged, this, &ChangeController::undoStateChanged);
}

ChangeController::~ChangeController() = default;

void ChangeController::setRun(RunHandle *run)
{
    if (m_run)
        disconnect(m_run, nullptr, this, nullptr);
    m_run = run;
    ++m_runGeneration;
    m_syncingStack = true;
    m_undoStack->clear();
    m_syncingStack = false;
    m_stackCommand = nullptr;
    m_ownEtags.clear();
    const bool hadConflicts = !m_conflicts.isEmpty();
    m_conflicts.clear();
    setBusy(false, std::nullopt);
    if (hadConflicts)
        Q_EMIT conflictsChanged();
    if (!run)
        return;
    connect(run, &RunHandle::patchFinished, this, &ChangeController::onPatchFinished);
    connect(run, &RunHandle::snapshotChanged, this, &ChangeController::onSnapshot);
    connect(run, &RunHandle::overwritten, this, &ChangeController::onOverwritten);
}

bool ChangeController::apply(Change change)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this); // the GUI thread
    if (isBusy() || !m_run || !m_run->isOpen() || change.target.isNull())
        return false;
    if (!change.base)
        change.base = change.target.sharedDocument();
    send(std::move(change));
    return true;
}

void ChangeController::setBusy(bool preparing, std::optional<Change> inFlight)
{
    const bool was = isBusy();
    m_preparing = preparing;
    m_inFlight = std::move(inFlight);
    if (was != isBusy())
        Q_EMIT busyChanged(isBusy());
}

QString ChangeController::sessionSummary(const Change &change) const
{
    const QString said = EditSettings::sessionName() + QStringLiteral(": ")
                         + (change.summary.isEmpty() ? change.title : change.summary);
    QString words = said.simplified();
    if (words.size() > kSummaryLimit)
        words = words.left(kSummaryLimit - 1) + QChar(0x2026);
    return words;
}

void ChangeController::send(Change change)
{
    ManifestStore::PatchRequest request;
    request.ifMatchEtag = change.target.etag();
    request.seenBytes = change.target.bytes();
    request.operations = change.operations;
    request.actor = Actor{ActorRole::User, EditSettings::sessionName()};
    request.summary = sessionSummary(change);
    const QString what = change.summary.isEmpty() ? change.title : change.summary;
    Q_EMIT progressMessage(change.kind == Change::Kind::Edit ? tr("Applying: %1…").arg(what)
                                                             : tr("%1…").arg(change.title));
    // With auto-rebase the service re-applies a clean change on a newer version itself, under
    // the run's mutex; undo and redo always go that way (their tests guard what they put back).
    const bool rebase = change.kind != Change::Kind::Edit || EditSettings::autoRebase();
    std::shared_ptr<const Json> base = rebase ? change.base : nullptr;
    qCDebug(lcUi).noquote() << "submitting" << what << "on" << request.ifMatchEtag
                            << (base ? "(may be re-applied on a newer version)" : "");
    setBusy(false, std::move(change));
    m_requestId = m_run->requestPatch(request, std::move(base));
}

void ChangeController::onPatchFinished(const ServiceOutcome &outcome)
{
    if (!m_inFlight || outcome.requestId != m_requestId)
        return;
    Change change = *m_inFlight;
    qCDebug(lcUi).noquote()
        << "outcome:"
        << (outcome.ok
                ? QStringLiteral("ok, now at %1").arg(outcome.snapshot.etag())
                : errorCodeName(outcome.error.code) + QStringLiteral(" - ") + outcome.error.message)
        << (outcome.rebasedOnto.isNull()
                ? QString()
                : QStringLiteral("(re-applied on %1)").arg(outcome.rebasedOnto.etag()));
    if (outcome.ok && !outcome.rebasedOnto.isNull()) {
        // The service re-applied it on a newer version: that version is what it changed.
        change.target = outcome.rebasedOnto;
        ++change.reapplied;
        tellReapplied(change);
    }
    if (outcome.ok) {
        const Snapshot &result = outcome.snapshot;
        if (result.isNull() || result.etag() == change.target.etag()) {
            // Nothing was written: the operations' tests held and they changed nothing.
            m_stackCommand = nullptr;
            setBusy(false, std::nullopt);
            Q_EMIT unchanged(change);
            return;
        }
        m_ownEtags.append(result.etag());
        while (m_ownEtags.size() > kOwnEtagsKept)
            m_ownEtags.removeFirst();
        if (change.kind == Change::Kind::Edit) {
            m_syncingStack = true; // push() redoes; that must not submit anything
            m_undoStack->push(new PatchUndoCommand(this, change, change.target.sharedDocument(),
                                                   result.sharedDocument()));
            m_syncingStack = false;
        } else if (m_stackCommand) {
            m_stackCommand->setVersions(change.target.sharedDocument(), result.sharedDocument());
        }
        m_stackCommand = nullptr;
        setBusy(false, std::nullopt);
        if (change.reapplied > 0 && !change.metChanges.isEmpty())
            Q_EMIT reapplied(change, change.target, change.metChanges, change.metAuthors);
        Q_EMIT applied(change, result);
        return;
    }
    const Error &error = outcome.error;
    const bool undoRedo = change.kind != Change::Kind::Edit;
    // An undo or redo is refused with invalid_patch when one of its tests no longer holds:
    // someone changed a value it puts back. That is a conflict too, judged on the newest version.
    if (error.code == ErrorCode::EtagConflict
        || (undoRedo && error.code == ErrorCode::InvalidPatch)) {
        PendingConflict conflict;
        conflict.change = change;
        conflict.theirs = !outcome.snapshot.isNull()
                                  && outcome.snapshot.sequence() >= m_run->snapshot().sequence()
                              ? outcome.snapshot
                              : m_run->snapshot();
        judge(std::move(conflict));
        return;
    }
    if (undoRedo)
        resyncStack(change.kind);
    setBusy(false, std::nullopt);
    Q_EMIT failed(change, error);
}

void ChangeController::tellReapplied(const Change &change)
{
    // What the others had changed, in words, for the Events tab; worked out off this thread.
    auto *watcher = new QFutureWatcher<QPair<QStringList, QStringList>>(this);
    const quint64 generation = m_runGeneration;
    connect(watcher, &QFutureWatcher<QPair<QStringList, QStringList>>::finished, this,
            [this, watcher, generation, change] {
                watcher->deleteLater();
                if (generation == m_runGeneration)
                    Q_EMIT reapplied(change, change.target, watcher->result().first,
                                     watcher->result().second);
            });
    watcher->setFuture(QtConcurrent::run([base = change.base, onto = change.target] {
        return qMakePair(ChangeWords::sentences(ChangeWords::describe(*base, onto.document())),
                         newAuthors(*base, onto.document()));
    }));
}

void ChangeController::judge(PendingConflict conflict)
{
    auto *watcher = new QFutureWatcher<PendingConflict>(this);
    const quint64 generation = m_runGeneration;
    connect(watcher, &QFutureWatcher<PendingConflict>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == m_runGeneration)
            onJudged(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(&judged, std::move(conflict)));
}

void ChangeController::onJudged(PendingConflict conflict)
{
    if (conflict.id != 0) {
        // A conflict that waits for the person, judged again on a newer version.
        for (PendingConflict &listed : m_conflicts) {
            if (listed.id != conflict.id)
                continue;
            if (conflict.theirs.sequence() <= listed.theirs.sequence())
                return; // an older judgement finished late
            conflict.judgements = listed.judgements + 1;
            listed = std::move(conflict);
            Q_EMIT conflictsChanged();
            return;
        }
        if (conflict.judgements == 0)
            listConflict(std::move(conflict)); // an overwritten report, judged the first time
        return;
    }

    // The change in flight met a newer version.
    Change change = conflict.change;
    const bool mayReapply = change.kind != Change::Kind::Edit || EditSettings::autoRebase();
    qCDebug(lcUi).noquote() << "judged against" << conflict.theirs.etag() << ":"
                            << (conflict.verdict.isClean() ? "clean" : "not clean")
                            << (mayReapply ? "" : "(auto-rebase is off)") << "tries so far"
                            << change.reapplied;
    if (conflict.verdict.isClean() && mayReapply && change.reapplied < kMaxReapplies
        && !conflict.theirs.isNull()) {
        change.target = conflict.theirs;
        ++change.reapplied;
        change.metChanges = conflict.theirChanges;
        change.metAuthors = conflict.authors;
        // Another writer is busy with the file: wait a little, a random amount, so two
        // re-appliers do not meet again and again.
        const int backoff = int(QRandomGenerator::global()->bounded(5, 25)) * change.reapplied;
        const quint64 generation = m_runGeneration;
        m_inFlight = change;
        QTimer::singleShot(backoff, this, [this, change, generation] {
            if (generation != m_runGeneration || !m_run || !m_inFlight)
                return;
            send(change);
        });
        return;
    }
    if (change.kind != Change::Kind::Edit) {
        resyncStack(change.kind);
        conflict.change.kind = Change::Kind::Edit;
    }
    setBusy(false, std::nullopt);
    listConflict(std::move(conflict));
}

void ChangeController::listConflict(PendingConflict conflict)
{
    if (conflict.id == 0)
        conflict.id = m_nextConflictId++;
    conflict.judgements = 1;
    m_conflicts.append(std::move(conflict));
    Q_EMIT conflictsChanged();
}

void ChangeController::onSnapshot(const Snapshot &snapshot)
{
    for (const PendingConflict &conflict : std::as_const(m_conflicts)) {
        if (snapshot.sequence() <= conflict.theirs.sequence()
            || snapshot.sharedDocument() == conflict.theirs.sharedDocument())
            continue;
        PendingConflict again = conflict;
        again.theirs = snapshot;
        judge(std::move(again));
    }
}

void ChangeController::onOverwritten(const OverwriteReport &report)
{
    if (!m_ownEtags.contains(report.ourEtag) || !report.ourBase)
        return; // not a change this window made
    qCDebug(lcUi).noquote() << "our change" << report.ourEtag << "was overwritten by"
                            << report.theirEtag;
    PendingConflict conflict;
    conflict.id = m_nextConflictId++;
    conflict.origin = PendingConflict::Origin::Overwritten;
    QString summary = report.ourSummary;
    const QString prefix = EditSettings::sessionName() + QStringLiteral(": ");
    if (summary.startsWith(prefix))
        summary = summary.mid(prefix.size());
    conflict.change.title = tr("Re-apply “%1”").arg(summary);
    conflict.change.summary = summary;
    conflict.change.operations = report.ourOperations;
    conflict.change.base = report.ourBase;
    conflict.change.target = report.theirs;
    conflict.theirs = report.theirs;
    conflict.savedAt = report.committedAt;
    conflict.overwrittenEtag = report.ourEtag;
    judge(std::move(conflict));
}

const PendingConflict *ChangeController::conflict(quint64 id) const
{
    for (const PendingConflict &listed : m_conflicts) {
        if (listed.id == id)
            return &listed;
    }
    return nullptr;
}

bool ChangeController::applyConflictToNewVersion(quint64 id, std::optional<Json> operations)
{
    if (isBusy() || !m_run || !m_run->isOpen())
        return false;
    for (qsizetype i = 0; i < m_conflicts.size(); ++i) {
        if (m_conflicts.at(i).id != id)
            continue;
        const PendingConflict conflict = m_conflicts.takeAt(i);
        if (!operations && !conflict.verdict.isClean()) {
            m_conflicts.insert(i, conflict);
            return false;
        }
        Change change = conflict.change;
        change.target = conflict.theirs;
        if (operations) {
            // Edited by the person on the new version: that version is their base now.
            change.operations = std::move(*operations);
            change.base = conflict.theirs.sharedDocument();
            change.words.clear();
        }
        Q_EMIT conflictsChanged();
        send(std::move(change));
        return true;
    }
    return false;
}

void ChangeController::discardConflict(quint64 id)
{
    const auto removed
        = m_conflicts.removeIf([id](const PendingConflict &conflict) { return conflict.id == id; });
    if (removed > 0)
        Q_EMIT conflictsChanged();
}

void ChangeController::undo()
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this); // the GUI thread
    if (!isBusy() && m_run && m_run->isOpen() && m_undoStack->canUndo())
        m_undoStack->undo();
}

void ChangeController::redo()
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this); // the GUI thread
    if (!isBusy() && m_run && m_run->isOpen() && m_undoStack->canRedo())
        m_undoStack->redo();
}

void ChangeController::submitInverse(PatchUndoCommand *command, Change::Kind kind)
{
    m_stackCommand = command;
    setBusy(true, std::nullopt);
    const QString title = kind == Change::Kind::Undo ? tr("Undo %1").arg(command->text())
                                                     : tr("Redo %1").arg(command->text());
    Q_EMIT progressMessage(tr("%1…").arg(title));
    auto *watcher = new QFutureWatcher<Json>(this);
    const quint64 generation = m_runGeneration;
    const std::shared_ptr<const Json> after = command->after();
    const QString summary = command->summary();
    connect(watcher, &QFutureWatcher<Json>::finished, this,
            [this, watcher, generation, kind, title, summary, after] {
                watcher->deleteLater();
                if (generation != m_runGeneration || !m_run)
                    return;
                Json operations = watcher->result();
                if (operations.empty()) {
                    // The values are as the entry wants them already (someone else put them
                    // back): nothing to write, and the stack stays where it moved.
                    m_stackCommand = nullptr;
                    setBusy(false, std::nullopt);
                    Change nothing;
                    nothing.kind = kind;
                    nothing.title = title;
                    Q_EMIT unchanged(nothing);
                    return;
                }
                Change change;
                change.kind = kind;
                change.title = title;
                change.summary = kind == Change::Kind::Undo ? tr("undo: %1").arg(summary)
                                                            : tr("redo: %1").arg(summary);
                change.operations = std::move(operations);
                change.base = after;
                change.target = m_run->snapshot();
                m_preparing = false;
                send(std::move(change));
            });
    watcher->setFuture(QtConcurrent::run(
        [before = command->before(), after] { return ManifestEdits::inverse(*before, *after); }));
}

void ChangeController::resyncStack(Change::Kind failed)
{
    m_syncingStack = true;
    if (failed == Change::Kind::Undo)
        m_undoStack->redo();
    else if (failed == Change::Kind::Redo)
        m_undoStack->undo();
    m_syncingStack = false;
    m_stackCommand = nullptr;
}

} // namespace runboard
