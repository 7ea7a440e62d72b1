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

namespace runboard {

// The answer to a request made through the queued (asynchronous) interface.
struct ServiceOutcome
{
    quint64 requestId = 0;
    bool ok = false;
    Snapshot snapshot; // ok: the resulting state (open, patch)
    Error error;       // !ok
    QString watchMode; // open: the watcher's mode, as watchModeDescription() says it
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

    // Records a sign of life in heartbeats.json; clears the agent's `stalled` flag in the
    // manifest when it is set (a guarded commit, like any other).
    Result<QDateTime> heartbeat(const QString &sessionId);

    // Looks at the disk now (the watcher calls this; so can a Reload action).
    void reload();

    // The same operations for callers in other threads (the GUI): invoke them queued; the
    // answer comes as requestFinished with the same id.
    void openRequested(quint64 requestId);
    void patchRequested(quint64 requestId, const runboard::ManifestStore::PatchRequest &request);

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

private:
    // All of these run with m_mutex held.
    void lookLocked();
    void publishLocked(Snapshot snapshot);
    void announceLocked(Lifecycle event, const QString &message);
    void setStateLocked(State state, const QString &message);
    void scheduleSettleLocked();
    Snapshot makeSnapshotLocked(const ManifestStore::Loaded &loaded, Snapshot::Source source);
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

    ManifestWatcher *m_watcher = nullptr; // service thread only
    ManifestWatcher::Mode m_watchMode = ManifestWatcher::Mode::Notify;
    QString m_watchDescription;
};

} // namespace runboard

Q_DECLARE_METATYPE(runboard::Snapshot)
Q_DECLARE_METATYPE(runboard::ServiceOutcome)
Q_DECLARE_METATYPE(runboard::ManifestStore::PatchRequest)
