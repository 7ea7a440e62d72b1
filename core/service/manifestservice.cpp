// SPDX-License-Identifier: MIT
//
// ManifestService: one open run, kept live and changed safely.
//
// Design considerations
// - One mutex per run serialises everything that reads or writes the bundle: watcher reloads,
//   patches and heartbeats (the seed bug of ADE PR #375 was a reload racing a write). Writers in
//   other processes are handled one level down, by the store's lock file and content checks.
// - Subscribers must never see a newer state followed by an older one. Every snapshot and
//   lifecycle event gets its sequence number under the mutex, and its delivery is posted to the
//   service thread's event queue while the mutex is still held: posting calls no user code, and
//   the queue keeps the order. Signals are then emitted from the event loop, with no lock held.
// - Own writes are recognised by content: after a commit the snapshot holds exactly the bytes we
//   wrote, so the watcher's echo of our own rename compares equal and publishes nothing. An
//   external edit, even one that lands a millisecond after ours, has other bytes and is shown.
// - `git pull` and editors leave a file missing or half-written for a moment. A missing or
//   unparsable manifest is looked at again a few times (tens of ms in all) before it is
//   reported, and the last good snapshot is kept while the run is not Live.
// - A manifest of another run (a branch checkout) suspends the run; when this run's manifest
//   comes back the run resumes. A lower generation than the one shown is a rollback: shown as
//   such, and never overwritten by a commit based on the newer state (the store refuses it).
// - Overwritten (DESIGN.md §8): a writer that skips the protocol can still replace a version we
//   committed. Each acknowledged commit is remembered until a later version decides it: a
//   version whose history lists our etag descends from it (a string comparison per history
//   entry); one that does not, but holds at every place our patch wrote the value we wrote,
//   took our change over; anything else overwrote it, and `overwritten` says so, after the
//   snapshot of the replacing version. The places are read, not patched again, so no version is
//   copied to decide. Our own next commit on top of a remembered one confirms it, which keeps
//   the list at one entry while we are the only writer. The base of a remembered commit is kept
//   as bytes, not parsed (a fraction of the memory; it is parsed only for a report).
// - A queued patch's answer (requestFinished) is posted behind the snapshot it refers to, and a
//   failed one carries the newest snapshot, so a subscriber has seen the version an outcome
//   talks about before it hears the outcome.
// Thread: see the class comment in the header.

#include "manifestservice.h"

#include "logging.h"
#include "threadcheck.h"

#include "backgroundrelease.h"
#include "guardedfile.h"
#include "jsondiff.h"
#include "jsonpatch.h"
#include "jsonpointer.h"
#include "jsonreader.h"
#include "patchfootprint.h"
#include "rebasingcommit.h"
#include "tsanannotations.h"

#include <QCoreApplication>
#include <QMutexLocker>
#include <QTimer>

#include <algorithm>
#include <optional>

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "ManifestService" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ManifestService)
};

QString stateName(ManifestService::State state)
{
    switch (state) {
    case ManifestService::State::Closed:
        return Tr::tr("closed");
    case ManifestService::State::Live:
        return Tr::tr("live");
    case ManifestService::State::Suspended:
        return Tr::tr("suspended");
    case ManifestService::State::Deleted:
        return Tr::tr("deleted");
    case ManifestService::State::Unreadable:
        return Tr::tr("unreadable");
    }
    return {};
}

bool agentIsFlaggedStalled(const Json &manifest, const std::string &sessionId)
{
    const auto agents = manifest.find("agents");
    if (agents == manifest.end() || !agents->is_array())
        return false;
    for (const Json &agent : *agents) {
        if (!agent.is_object())
            continue;
        const auto id = agent.find("sessionId");
        const auto stalled = agent.find("stalled");
        if (id != agent.end() && id->is_string() && id->get_ref<const std::string &>() == sessionId)
            return stalled != agent.end() && stalled->is_boolean() && stalled->get<bool>();
    }
    return false;
}

QString jsonEtagOf(const Json &manifest)
{
    return QString::fromStdString(manifest.value("etag", std::string()));
}

} // namespace

ManifestService::ManifestService(BundleLocation location, QObject *parent)
    : ManifestService(std::move(location), Options{}, parent)
{}

ManifestService::ManifestService(BundleLocation location, Options options, QObject *parent)
    : QObject(parent), m_location(location), m_options(std::move(options)),
      m_store(std::move(location), m_options.clock)
{
    // Commits reuse the parsed version the service already holds when the disk still has it.
    m_store.setCaching(true);
    qRegisterMetaType<runboard::Snapshot>();
    qRegisterMetaType<runboard::ServiceOutcome>();
    qRegisterMetaType<runboard::OverwriteReport>();
    qRegisterMetaType<runboard::ManifestStore::PatchRequest>();
}

ManifestService::~ManifestService()
{
    // Deleted in the service thread after the handle let go of it in the GUI thread
    // (RunHandle::~RunHandle); deleteLater's event queue is invisible to ThreadSanitizer.
    tsan::takeOver(this);
}

Result<Snapshot> ManifestService::open()
{
    Snapshot opened;
    {
        QMutexLocker lock(&m_mutex);
        m_store.removeStaleTempFiles();
        Result<ManifestStore::Loaded> loaded = m_store.load();
        if (!loaded.isOk())
            return loaded.error();
        m_store.remember(loaded.value());
        m_settleLeft = m_options.settleAttempts;
        m_state = State::Live;
        m_stateMessage.clear();
        refreshPlanLocked();
        opened = makeSnapshotLocked(loaded.value(), Snapshot::Source::Initial);
        publishLocked(opened);
        m_watchDescription = Tr::tr("not watching");
    }
    if (m_options.watch) {
        m_watcher
            = new ManifestWatcher(m_location.bundlePath,
                                  {QStringLiteral("manifest.json"),
                                   QStringLiteral("heartbeats.json"), QStringLiteral("plan.md")},
                                  m_options.watcher, this);
        connect(m_watcher, &ManifestWatcher::changeSuspected, this, &ManifestService::reload);
        QMutexLocker lock(&m_mutex);
        m_watchMode = m_watcher->mode();
        m_watchDescription = m_watcher->modeDescription();
    }
    return opened;
}

Result<Snapshot> ManifestService::patch(const ManifestStore::PatchRequest &request)
{
    QMutexLocker lock(&m_mutex);
    return patchLocked(request);
}

Result<Snapshot> ManifestService::patchRebasing(const ManifestStore::PatchRequest &request,
                                                const std::shared_ptr<const Json> &base,
                                                Snapshot *rebasedOnto)
{
    QMutexLocker lock(&m_mutex);
    return patchRebasingLocked(request, base, rebasedOnto);
}

Result<Snapshot> ManifestService::patchRebasingLocked(const ManifestStore::PatchRequest &request,
                                                      const std::shared_ptr<const Json> &base,
                                                      Snapshot *rebasedOnto)
{
    if (rebasedOnto)
        *rebasedOnto = Snapshot();
    if (!base)
        return patchLocked(request);
    // Both steps run here, under the mutex: no reload or request of this service comes
    // between the verdict and the commit; the store asks for the verdict under its lock, so no
    // process that takes it comes between them either.
    Snapshot committed;
    Snapshot newestSeen;
    const auto seen = [](const Snapshot &snapshot) {
        return SeenVersion{snapshot.etag(), snapshot.serverGeneration(), snapshot.sharedDocument(),
                           snapshot.bytes()};
    };
    const auto commit = [&](const ManifestStore::PatchRequest &attempt) -> Result<SeenVersion> {
        // The version a clean verdict under the store's lock lets it go onto, as a snapshot
        // (never published: the commit's result follows at once).
        ManifestStore::PatchRequest judged = attempt;
        if (attempt.rebase) {
            judged.rebase = [&, judge = attempt.rebase](const ManifestStore::Loaded &newest) {
                Result<void> verdict = judge(newest);
                if (verdict.isOk())
                    newestSeen
                        = makeSnapshotLocked(newest, Snapshot::Source::External, Changes::Skip);
                return verdict;
            };
        }
        Result<Snapshot> result = patchLocked(judged);
        if (!result.isOk())
            return result.error();
        committed = std::move(result).value();
        return seen(committed);
    };
    const auto newest = [&]() -> Result<SeenVersion> {
        // A failed commit looked at the disk already; look again for a later attempt.
        lookLocked();
        if (m_state != State::Live)
            return Error{ErrorCode::RunSuspended, m_stateMessage, Json::object()};
        newestSeen = m_snapshot;
        return seen(newestSeen);
    };
    const Result<RebasingCommit::Done> done = RebasingCommit(commit, newest).run(*base, request);
    if (!done.isOk())
        return done.error();
    if (rebasedOnto && done->rebasedOnto)
        *rebasedOnto = newestSeen;
    return committed;
}

Result<Snapshot> ManifestService::patchLocked(const ManifestStore::PatchRequest &request)
{
    if (m_state != State::Live) {
        return Error{ErrorCode::RunSuspended,
                     Tr::tr("the run is %1 (%2); changes are refused until its manifest is back")
                         .arg(stateName(m_state), m_stateMessage),
                     Json{{"state", stateName(m_state).toStdString()}}};
    }
    ManifestStore::PatchRequest guarded = request;
    if (!guarded.seenBytes)
        guarded.seenBytes = m_snapshot.bytes();
    Result<ManifestStore::Committed> committed = m_store.commit(guarded);
    if (!committed.isOk()) {
        qCDebug(lcService).noquote()
            << "patch by" << request.actor.sessionId << "on" << request.ifMatchEtag
            << "refused:" << errorCodeName(committed.error().code) << "-"
            << committed.error().message;
        // Whatever made the commit fail may be a change on disk: show it now.
        if (committed.error().code != ErrorCode::InvalidPatch
            && committed.error().code != ErrorCode::PolicyDenied
            && committed.error().code != ErrorCode::ValidationFailed)
            lookLocked();
        return committed.error();
    }
    if (!committed->written)
        return m_snapshot;
    ManifestStore::Committed done = std::move(committed).value();
    qCDebug(lcService).noquote() << "patch by" << request.actor.sessionId << "on"
                                 << request.ifMatchEtag << "committed as"
                                 << jsonEtagOf(*done.result.document);
    rememberCommitLocked(request, done);
    Snapshot result = makeSnapshotLocked(done.result, Snapshot::Source::Self, Changes::Describe,
                                         &request, &done.base);
    publishLocked(result);
    releaseInBackground(std::move(done.base.document));
    return result;
}

Result<QDateTime> ManifestService::heartbeat(const QString &sessionId)
{
    QMutexLocker lock(&m_mutex);
    if (m_state != State::Live)
        return Error{ErrorCode::RunSuspended,
                     Tr::tr("the run is %1 (%2); heartbeats are refused until its manifest is back")
                         .arg(stateName(m_state), m_stateMessage),
                     Json{{"state", stateName(m_state).toStdString()}}};
    Result<QDateTime> recorded = m_store.recordHeartbeat(sessionId);
    if (!recorded.isOk())
        return recorded;

    const std::string session = sessionId.toStdString();
    if (agentIsFlaggedStalled(m_snapshot.document(), session)) {
        // A sign of life ends a stall; the flag lives in the manifest, so it takes a commit.
        ManifestStore::PatchRequest clear;
        clear.ifMatchEtag = m_snapshot.etag();
        clear.seenBytes = m_snapshot.bytes();
        clear.actor = Actor{ActorRole::Lead, QStringLiteral("runboard")};
        clear.operations = Json::array(
            {{{"op", "replace"},
              {"path", "/agents/"
                           + JsonPointer::escape(JsonPointer::predicateToken("sessionId", session))
                           + "/stalled"},
              {"value", false}}});
        Result<ManifestStore::Committed> committed = m_store.commit(clear);
        if (committed.isOk() && committed->written) {
            rememberCommitLocked(clear, committed.value());
            publishLocked(makeSnapshotLocked(committed->result, Snapshot::Source::Self,
                                             Changes::Describe, &clear, &committed->base));
            return recorded;
        }
    }
    const Json heartbeats = readHeartbeatsLocked();
    publishLocked(m_snapshot.withHeartbeats(heartbeats, ++m_sequence));
    return recorded;
}

void ManifestService::reload()
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this); // the service thread, or the test that owns it
    QMutexLocker lock(&m_mutex);
    if (m_state == State::Closed)
        return;
    lookLocked();
}

namespace {

ServiceOutcome outcomeOf(quint64 requestId, const Result<Snapshot> &result)
{
    ServiceOutcome outcome;
    outcome.requestId = requestId;
    outcome.ok = result.isOk();
    if (result.isOk())
        outcome.snapshot = result.value();
    else
        outcome.error = result.error();
    return outcome;
}

} // namespace

void ManifestService::openRequested(quint64 requestId)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this); // the service thread, or the test that owns it
    ServiceOutcome outcome = outcomeOf(requestId, open());
    outcome.watchMode = watchModeDescription();
    Q_EMIT requestFinished(outcome);
}

void ManifestService::patchRequested(quint64 requestId, const ManifestStore::PatchRequest &request)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this); // the service thread, or the test that owns it
    QMutexLocker lock(&m_mutex);
    postOutcomeLocked(outcomeOf(requestId, patchLocked(request)));
}

void ManifestService::patchRebasingRequested(quint64 requestId,
                                             const ManifestStore::PatchRequest &request,
                                             const std::shared_ptr<const Json> &base)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this);
    QMutexLocker lock(&m_mutex);
    Snapshot rebasedOnto;
    ServiceOutcome outcome = outcomeOf(requestId, patchRebasingLocked(request, base, &rebasedOnto));
    outcome.rebasedOnto = rebasedOnto;
    postOutcomeLocked(std::move(outcome));
}

void ManifestService::postOutcomeLocked(ServiceOutcome outcome)
{
    // A failure refers to the disk as the service now knows it: for etag_conflict, the version
    // that caused it (patchLocked() looked at the disk and published it).
    if (!outcome.ok)
        outcome.snapshot = m_snapshot;
    // Queued behind the snapshot and any overwritten report it led to, so a subscriber has seen
    // the version an outcome refers to before it hears the outcome.
    QMetaObject::invokeMethod(
        this, tsan::handedOver([this, outcome] { Q_EMIT requestFinished(outcome); }),
        Qt::QueuedConnection);
}

Snapshot ManifestService::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_snapshot;
}

ManifestService::State ManifestService::state() const
{
    QMutexLocker lock(&m_mutex);
    return m_state;
}

QString ManifestService::stateMessage() const
{
    QMutexLocker lock(&m_mutex);
    return m_stateMessage;
}

QByteArray ManifestService::plan() const
{
    QMutexLocker lock(&m_mutex);
    return m_plan;
}

ManifestWatcher::Mode ManifestService::watchMode() const
{
    QMutexLocker lock(&m_mutex);
    return m_watchMode;
}

QString ManifestService::watchModeDescription() const
{
    QMutexLocker lock(&m_mutex);
    return m_watchDescription;
}

void ManifestService::lookLocked()
{
    refreshPlanLocked();

    Result<FileSnapshot> file = GuardedFile::read(m_location.manifestPath);
    if (file.isOk() && file->exists && m_state == State::Live
        && file->bytes == m_snapshot.bytes()) {
        // Our own write, a touch, or a spurious event. heartbeats.json may have moved on.
        qCDebug(lcService) << "look: the disk holds the version shown; nothing new";
        m_settleLeft = m_options.settleAttempts;
        const QByteArray before = m_heartbeatsBytes;
        const Json heartbeats = readHeartbeatsLocked();
        if (m_heartbeatsBytes != before)
            publishLocked(m_snapshot.withHeartbeats(heartbeats, ++m_sequence));
        return;
    }

    if (!file.isOk() || !file->exists) {
        const State next = file.isOk() ? State::Deleted : State::Unreadable;
        const QString message = file.isOk() ? Tr::tr("%1 was deleted").arg(m_location.manifestPath)
                                            : file.error().message;
        if (m_state == next && m_stateMessage == message)
            return;
        if (m_settleLeft > 0) {
            qCDebug(lcService).noquote()
                << "look:" << message << "- looking again before saying so";
            scheduleSettleLocked();
            return;
        }
        qCDebug(lcService).noquote() << "look:" << message;
        setStateLocked(next, message);
        announceLocked(next == State::Deleted ? Lifecycle::Deleted : Lifecycle::Unreadable,
                       message);
        return;
    }

    Result<ManifestStore::Loaded> loaded = m_store.parse(std::move(file).value());
    if (!loaded.isOk()) {
        const Error &error = loaded.error();
        if (error.code == ErrorCode::RunSuspended) {
            // A whole, valid manifest of another run: no need to wait for it to settle.
            if (m_state == State::Suspended && m_stateMessage == error.message)
                return;
            setStateLocked(State::Suspended, error.message);
            announceLocked(Lifecycle::Suspended, error.message);
            return;
        }
        if (m_state == State::Unreadable && m_stateMessage == error.message)
            return;
        if (m_settleLeft > 0) {
            qCDebug(lcService).noquote()
                << "look:" << error.message << "- looking again (a writer may be half-way)";
            scheduleSettleLocked();
            return;
        }
        qCDebug(lcService).noquote() << "look:" << error.message;
        setStateLocked(State::Unreadable, error.message);
        announceLocked(Lifecycle::Unreadable, error.message);
        return;
    }

    m_settleLeft = m_options.settleAttempts;
    m_store.remember(loaded.value());
    if (m_state != State::Live) {
        setStateLocked(State::Live, QString());
        announceLocked(Lifecycle::Resumed, Tr::tr("%1 is back").arg(m_location.manifestPath));
    }
    if (loaded->file.bytes == m_snapshot.bytes())
        return; // the same version came back (e.g. after a deletion); nothing new to show

    Snapshot next = makeSnapshotLocked(loaded.value(), Snapshot::Source::External);
    const qint64 before = m_snapshot.serverGeneration();
    qCDebug(lcService).noquote() << "look: another writer's version" << next.etag() << "replaces"
                                 << m_snapshot.etag();
    if (next.serverGeneration() < before) {
        announceLocked(Lifecycle::Rollback,
                       Tr::tr("the manifest went back from generation %1 to %2 (a git checkout or "
                              "revert?)")
                           .arg(before)
                           .arg(next.serverGeneration()));
    }
    publishLocked(next);
    judgeOwnCommitsLocked(next);
}

void ManifestService::rememberCommitLocked(const ManifestStore::PatchRequest &request,
                                           const ManifestStore::Committed &committed)
{
    // A commit on our own last commit confirms it (and everything before it): the disk held it
    // under the lock. Anything else still remembered is decided by the version we built on.
    const Json &base = *committed.base.document;
    if (!m_ownCommits.empty()) {
        const auto etag = base.find("etag");
        if (etag != base.end() && etag->is_string()
            && QString::fromStdString(etag->get_ref<const std::string &>())
                   == m_ownCommits.back().etag) {
            m_ownCommits.clear();
        } else {
            judgeOwnCommitsLocked(
                makeSnapshotLocked(committed.base, Snapshot::Source::External, Changes::Skip));
        }
    }
    const Json &result = *committed.result.document;
    OwnCommit own;
    own.etag = QString::fromStdString(result.value("etag", std::string()));
    own.generation = result.value("serverGeneration", qint64(0));
    own.operations = request.operations;
    own.summary = request.summary;
    own.actor = request.actor;
    own.committedAt = m_options.clock();
    own.baseBytes = committed.base.file.bytes;
    own.result = committed.result.document;
    m_ownCommits.push_back(std::move(own));
    if (m_ownCommits.size() > kOwnCommitsKept)
        m_ownCommits.erase(m_ownCommits.begin());
}

namespace {

// Whether `theirs` lists `etag` as one of its versions: in its history ring, or as its own etag
// (our very version, written again by somebody else).
bool listsVersion(const Json &theirs, const std::string &etag)
{
    const auto own = theirs.find("etag");
    if (own != theirs.end() && own->is_string() && own->get_ref<const std::string &>() == etag)
        return true;
    const auto history = theirs.find("history");
    if (history == theirs.end() || !history->is_array())
        return false;
    return std::any_of(history->begin(), history->end(), [&etag](const Json &entry) {
        const auto entryEtag = entry.is_object() ? entry.find("etag") : entry.end();
        return entry.is_object() && entryEtag != entry.end() && entryEtag->is_string()
               && entryEtag->get_ref<const std::string &>() == etag;
    });
}

// Whether `theirs` holds what our patch wrote: every place an op wrote has the value our result
// has there (or is absent in both). Tests are skipped (they guarded our base, not the result);
// an append is found by the key of what it appended. Reading the places, not applying the ops
// again, keeps a change they re-applied from looking lost (an append applied twice would not
// equal theirs).
bool holdsOurChange(const Json &operations, const Json &ours, const Json &theirs)
{
    const Result<JsonPatch> patch = JsonPatch::fromJson(operations);
    if (!patch.isOk())
        return false;
    const auto samePlace = [&](const JsonPointer &place) {
        const Json *mine = place.find(ours);
        const Json *other = place.find(theirs);
        return mine == nullptr ? other == nullptr : other != nullptr && jsonEqual(*mine, *other);
    };
    for (const JsonPatch::Operation &op : patch->operations()) {
        if (op.kind == JsonPatch::Operation::Kind::Test)
            continue;
        if (op.kind == JsonPatch::Operation::Kind::Move && !samePlace(op.from))
            return false;
        JsonPointer place = op.path;
        if (!place.isRoot() && place.back() == "-") {
            const std::string key = jsonElementKeyToken(op.value);
            if (op.kind != JsonPatch::Operation::Kind::Add || key.empty()) {
                // An element without a key: look for an equal one.
                const Json *array = place.parent().find(theirs);
                if (array == nullptr || !array->is_array()
                    || std::none_of(array->begin(), array->end(), [&op](const Json &element) {
                           return jsonEqual(element, op.value);
                       })) {
                    return false;
                }
                continue;
            }
            place = place.parent().child(key);
        }
        if (!samePlace(place))
            return false;
    }
    return true;
}

} // namespace

void ManifestService::judgeOwnCommitsLocked(const Snapshot &theirs)
{
    if (m_ownCommits.empty())
        return;
    const Json &document = theirs.document();
    // The newest commit of ours that this version descends from confirms itself and the older
    // ones; those after it were not built on, so each either survives in it or was overwritten.
    std::size_t first = 0;
    for (std::size_t i = m_ownCommits.size(); i-- > 0;) {
        if (listsVersion(document, m_ownCommits[i].etag.toStdString())) {
            first = i + 1;
            break;
        }
    }
    for (std::size_t i = first; i < m_ownCommits.size(); ++i) {
        OwnCommit &own = m_ownCommits[i];
        if (holdsOurChange(own.operations, *own.result, document))
            continue;
        qCDebug(lcService).noquote() << "overwritten: our commit" << own.etag << "is not in"
                                     << theirs.etag() << "(built on an older version)";
        OverwriteReport report;
        report.ourEtag = own.etag;
        report.ourGeneration = own.generation;
        report.theirEtag = theirs.etag();
        report.theirGeneration = theirs.serverGeneration();
        report.ourOperations = std::move(own.operations);
        report.ourSummary = own.summary;
        report.actor = own.actor;
        report.committedAt = own.committedAt;
        report.detectedAt = m_options.clock();
        Result<Json> base = JsonReader::parse(std::string_view(
            own.baseBytes.constData(), static_cast<std::size_t>(own.baseBytes.size())));
        if (base.isOk())
            report.ourBase = std::make_shared<const Json>(std::move(base).value());
        report.theirs = theirs;
        QMetaObject::invokeMethod(this,
                                  tsan::handedOver([this, report] { Q_EMIT overwritten(report); }),
                                  Qt::QueuedConnection);
    }
    m_ownCommits.clear();
}

void ManifestService::publishLocked(Snapshot snapshot)
{
    releaseDocumentOf(std::exchange(m_snapshot, snapshot));
    QMetaObject::invokeMethod(
        this, tsan::handedOver([this, snapshot] { Q_EMIT snapshotChanged(snapshot); }),
        Qt::QueuedConnection);
}

void ManifestService::announceLocked(Lifecycle event, const QString &message)
{
    const quint64 sequence = ++m_sequence;
    QMetaObject::invokeMethod(this, tsan::handedOver([this, event, message, sequence] {
                                  Q_EMIT lifecycleChanged(event, message, sequence);
                              }),
                              Qt::QueuedConnection);
}

void ManifestService::setStateLocked(State state, const QString &message)
{
    m_state = state;
    m_stateMessage = message;
}

void ManifestService::scheduleSettleLocked()
{
    --m_settleLeft;
    QTimer::singleShot(m_options.settleDelay, this, &ManifestService::reload);
}

Snapshot ManifestService::makeSnapshotLocked(const ManifestStore::Loaded &loaded,
                                             Snapshot::Source source, Changes changes,
                                             const ManifestStore::PatchRequest *committed,
                                             const ManifestStore::Loaded *committedOn)
{
    // What differs from the version shown so far is worked out here, on the service thread,
    // once, so that no view compares whole documents on the GUI thread. Our own commit on that
    // very version says it without comparing: its patch's footprint and the bookkeeping.
    DocumentChanges described;
    const std::shared_ptr<const Json> shown = m_snapshot.sharedDocument();
    if (changes == Changes::Describe && loaded.document) {
        std::optional<JsonPatch> patch;
        if (committed && committedOn && committedOn->document == shown) {
            Result<JsonPatch> parsed = JsonPatch::fromJson(committed->operations);
            if (parsed.isOk())
                patch = std::move(parsed).value();
        }
        described
            = patch ? DocumentChanges::afterPatch(shown, *loaded.document, PatchFootprint(*patch),
                                                  ManifestStore::bookkeepingMembers())
                    : DocumentChanges::between(shown, *loaded.document);
    }
    return Snapshot(loaded.file, loaded.document, readHeartbeatsLocked(), source, ++m_sequence,
                    m_options.clock(), std::move(described));
}

Json ManifestService::readHeartbeatsLocked()
{
    const Result<FileSnapshot> file
        = GuardedFile::read(m_location.filePath(QStringLiteral("heartbeats.json")));
    if (!file.isOk() || !file->exists) {
        m_heartbeatsBytes.clear();
        return Json::object();
    }
    m_heartbeatsBytes = file->bytes;
    // Display data only: a half-written or hand-broken heartbeats.json must not stop the run.
    Result<Json> parsed = JsonReader::parse(
        std::string_view(file->bytes.constData(), static_cast<std::size_t>(file->bytes.size())));
    if (!parsed.isOk() || !parsed->is_object())
        return Json::object();
    return std::move(parsed).value();
}

bool ManifestService::refreshPlanLocked()
{
    const Result<FileSnapshot> file
        = GuardedFile::read(m_location.filePath(QStringLiteral("plan.md")));
    const QByteArray plan = file.isOk() && file->exists ? file->bytes : QByteArray();
    if (plan == m_plan)
        return false;
    m_plan = plan;
    QMetaObject::invokeMethod(this, tsan::handedOver([this, plan] { Q_EMIT planChanged(plan); }),
                              Qt::QueuedConnection);
    return true;
}

} // namespace runboard
