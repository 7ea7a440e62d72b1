// SPDX-License-Identifier: MIT
#pragma once

#include "clock.h"
#include "error.h"
#include "manifeststore.h"
#include "manifestwatcher.h"
#include "snapshot.h"

#include <QByteArray>
#include <QMutex>
#include <QObject>

#include <memory>
#include <vector>

namespace runboard {

// The answer to a request made through the queued (asynchronous) interface.
struct ServiceOutcome
{
    quint64 requestId = 0;
    bool ok = false;
    // ok: the resulting state (open, patch). A failed patch: the newest state the service holds
    // once it looked at the disk; for etag_conflict, the version that caused the conflict.
    Snapshot snapshot;
    Error error;       // !ok
    QString watchMode; // open: the watcher's mode, as watchModeDescription() says it
    // A patch re-applied on a newer version (patchRebasing): the version it went onto.
    Snapshot rebasedOnto;
};

// One of our acknowledged commits that another writer replaced without building on it
// (DESIGN.md §8): the version that replaced it neither lists our etag in its history nor holds
// what our patch wrote. Writers that skip the commit protocol (ADE's service takes no
// cross-process lock) can do this; Runboard says so instead of losing the change silently.
struct OverwriteReport
{
    QString ourEtag;
    qint64 ourGeneration = 0;
    QString theirEtag;
    qint64 theirGeneration = 0;
    Json ourOperations = Json::array();
    QString ourSummary; // the request's summary (patchKindSummary) if it had one
    Actor actor;
    QDateTime committedAt;
    QDateTime detectedAt;
    // The version our patch was made on, for a re-apply through judgeRebase(); null only if it
    // could not be read back.
    std::shared_ptr<const Json> ourBase;
    Snapshot theirs; // the version that replaced ours
};

// One open run (DESIGN.md §2, §4, §5): the last good snapshot, the watcher, and every operation
// that reads or writes the bundle, serialised through the run's QMutex.
//
// Thread: a QObject of the service thread (create it there; its watcher and timers live there).
// open() must be called in that thread; patch(), heartbeat(), reload() and the getters may be
// called from any thread. Signals are delivered in the service thread, in sequence order, and
// never while the mutex is held.
class ManifestService : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Closed,     // open() not called yet, or it failed
        Live,       // the disk holds this run's manifest
        Suspended,  // the disk holds another run's manifest (a branch checkout): read-only
        Deleted,    // manifest.json is gone: read-only, last good snapshot kept
        Unreadable, // manifest.json is not valid JSON / not v1: read-only, last good kept
    };
    Q_ENUM(State)

    // Why two enums: State is what the run is in (a level, asked for with state()); Lifecycle is
    // what just happened to it (an edge, told once by lifecycleChanged). They share three names
    // because entering Suspended, Deleted or Unreadable is an event too, but Resumed (back to
    // Live from any of them) and Rollback (Live, with a generation older than the last seen)
    // are events with no state of their own, and Closed and Live are never announced.
    enum class Lifecycle { Suspended, Resumed, Unreadable, Deleted, Rollback };
    Q_ENUM(Lifecycle)

    struct Options
    {
        bool watch = true;
        ManifestWatcher::Options watcher;
        // A missing or unparsable file is looked at again this many times, this far apart,
        // before it is reported: `git pull` unlinks and recreates, editors truncate then write.
        int settleAttempts = 4;
        std::chrono::milliseconds settleDelay{15};
        Clock clock = systemClock();
    };

    // How many of our acknowledged commits are remembered until a later version decides them.
    static constexpr std::size_t kOwnCommitsKept = 16;

    explicit ManifestService(BundleLocation location, QObject *parent = nullptr);
    ManifestService(BundleLocation location, Options options, QObject *parent = nullptr);
    ~ManifestService() override;

    const BundleLocation &location() const { return m_location; }

    // Reads the run, removes temp files left by dead writers and starts watching. Errors:
    // NotFound, Unreadable, RunSuspended, IoError.
    Result<Snapshot> open();

    // The commit protocol. RunSuspended while the run is not Live. On success the new snapshot
    // (Source::Self) is returned and published; on EtagConflict the disk's state is published
    // first, so the caller can show what changed.
    Result<Snapshot> patch(const ManifestStore::PatchRequest &request);

    // patch(), with auto-rebase (DESIGN.md §8): when the file moved on since the request's
    // ifMatch, the operations (made on `base`) are judged against the newest version and, when
    // the verdict is clean, committed there (RebasingCommit), all under the run's mutex.
    // `rebasedOnto` receives the version they went onto (null when none). A verdict that is not
    // clean is an EtagConflict, as RebasingCommit::run describes it.
    Result<Snapshot> patchRebasing(const ManifestStore::PatchRequest &request,
                                   const std::shared_ptr<const Json> &base,
                                   Snapshot *rebasedOnto = nullptr);

    // Records a sign of life in heartbeats.json; clears the agent's `stalled` flag in the
    // manifest when it is set (a guarded commit, like any other).
    Result<QDateTime> heartbeat(const QString &sessionId);

    // Looks at the disk now (the watcher calls this; so can a Reload action).
    void reload();

    // The same operations for callers in other threads (the GUI): invoke them queued; the
    // answer comes as requestFinished with the same id.
    void openRequested(quint64 requestId);
    void patchRequested(quint64 requestId, const runboard::ManifestStore::PatchRequest &request);
    // With a base: patchRebasing().
    void patchRebasingRequested(quint64 requestId,
                                const runboard::ManifestStore::PatchRequest &request,
                                const std::shared_ptr<const runboard::Json> &base);

    Snapshot snapshot() const;
    State state() const;
    QString stateMessage() const;
    QByteArray plan() const; // plan.md, empty when absent
    ManifestWatcher::Mode watchMode() const;
    QString watchModeDescription() const;

Q_SIGNALS:
    void snapshotChanged(const runboard::Snapshot &snapshot);
    void lifecycleChanged(runboard::ManifestService::Lifecycle event, const QString &message,
                          quint64 sequence);
    void planChanged(const QByteArray &plan);
    void requestFinished(const runboard::ServiceOutcome &outcome);
    // After the snapshotChanged of the version that replaced ours.
    void overwritten(const runboard::OverwriteReport &report);

private:
    // An acknowledged commit of ours, until a later version of the file decides its fate.
    struct OwnCommit
    {
        QString etag;
        qint64 generation = 0;
        Json operations;
        QString summary;
        Actor actor;
        QDateTime committedAt;
        // The base as bytes, not parsed: a parsed document takes many times the memory of
        // its text, and the base is needed only for a report. Parsed then.
        QByteArray baseBytes;
        std::shared_ptr<const Json> result; // what we wrote
    };

    Result<Snapshot> patchLocked(const ManifestStore::PatchRequest &request);
    Result<Snapshot> patchRebasingLocked(const ManifestStore::PatchRequest &request,
                                         const std::shared_ptr<const Json> &base,
                                         Snapshot *rebasedOnto);
    void postOutcomeLocked(ServiceOutcome outcome);
    void rememberCommitLocked(const ManifestStore::PatchRequest &request,
                              const ManifestStore::Committed &committed);
    // Decides every remembered commit against a newer version of the file: confirmed (its etag
    // is in the version's history, or the version is ours), kept (the version holds what it
    // wrote) or overwritten (reported, with `theirs` as the replacing version).
    void judgeOwnCommitsLocked(const Snapshot &theirs);

    // All of these run with m_mutex held.
    void lookLocked();
    void publishLocked(Snapshot snapshot);
    void announceLocked(Lifecycle event, const QString &message);
    void setStateLocked(State state, const QString &message);
    void scheduleSettleLocked();
    // Describe: the snapshot says what differs from m_snapshot's document (one comparison of
    // the two, or for our commit `committed` made on `committedOn`, its patch's footprint);
    // Skip for snapshots that are judged but never published.
    enum class Changes { Describe, Skip };
    Snapshot makeSnapshotLocked(const ManifestStore::Loaded &loaded, Snapshot::Source source,
                                Changes changes = Changes::Describe,
                                const ManifestStore::PatchRequest *committed = nullptr,
                                const ManifestStore::Loaded *committedOn = nullptr);
    Json readHeartbeatsLocked();
    bool refreshPlanLocked();

    BundleLocation m_location;
    Options m_options;
    ManifestStore m_store;

    mutable QMutex m_mutex;
    Snapshot m_snapshot;
    quint64 m_sequence = 0;
    State m_state = State::Closed;
    QString m_stateMessage;
    QByteArray m_heartbeatsBytes;
    QByteArray m_plan;
    int m_settleLeft = 0;

    std::vector<OwnCommit> m_ownCommits; // oldest first

    ManifestWatcher *m_watcher = nullptr; // service thread only
    ManifestWatcher::Mode m_watchMode = ManifestWatcher::Mode::Notify;
    QString m_watchDescription;
};

} // namespace runboard

Q_DECLARE_METATYPE(runboard::Snapshot)
Q_DECLARE_METATYPE(runboard::ServiceOutcome)
Q_DECLARE_METATYPE(runboard::OverwriteReport)
Q_DECLARE_METATYPE(runboard::ManifestStore::PatchRequest)
