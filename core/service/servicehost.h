// SPDX-License-Identifier: MIT
#pragma once

#include "manifestservice.h"

#include <QObject>
#include <QPointer>

class QThread;

namespace runboard {

class ServiceHost;

// The GUI's handle on one open run. Lives in the GUI thread; its ManifestService lives in the
// host's service thread and is only ever reached through queued calls, so the GUI thread never
// waits on disk I/O or on the run's mutex. Deleting the handle closes the run.
// On open, planChanged (plan.md as read) may arrive before `opened`.
class RunHandle : public QObject
{
    Q_OBJECT

public:
    ~RunHandle() override;

    const BundleLocation &location() const { return m_location; }
    bool isOpen() const { return m_open; }
    // The newest state delivered so far (null until opened).
    Snapshot snapshot() const { return m_snapshot; }
    ManifestService::State state() const { return m_state; }
    // How the run is watched ("ext4, change notifications", "nfs, polling every 1000 ms"); known
    // once opened.
    QString watchModeDescription() const { return m_watchMode; }

    // Queued; the answer is patchFinished with the returned id. With a base (the version the
    // operations were made on), a clean conflict is re-applied on the newer version by the
    // service (ManifestService::patchRebasing) and the outcome says onto which.
    quint64 requestPatch(const ManifestStore::PatchRequest &request,
                         std::shared_ptr<const Json> rebaseFrom = nullptr);
    void requestReload();

    // For tests and diagnostics: the thread the service lives in.
    QThread *serviceThread() const;

Q_SIGNALS:
    void opened(const runboard::Snapshot &snapshot);
    void openFailed(const runboard::Error &error);
    void snapshotChanged(const runboard::Snapshot &snapshot);
    void lifecycleChanged(runboard::ManifestService::Lifecycle event, const QString &message);
    void planChanged(const QByteArray &plan);
    // After the snapshot the outcome refers to: the result, or for a conflict the version that
    // caused it (snapshotChanged was emitted for it first, unless it was already delivered).
    void patchFinished(const runboard::ServiceOutcome &outcome);
    // Another writer replaced a version we committed without building on it (DESIGN.md §8).
    void overwritten(const runboard::OverwriteReport &report);

private:
    friend class ServiceHost;
    RunHandle(BundleLocation location, QObject *parent);
    void onRequestFinished(const ServiceOutcome &outcome);
    void onSnapshot(const Snapshot &snapshot);
    void onLifecycle(ManifestService::Lifecycle event, const QString &message, quint64 sequence);

    BundleLocation m_location;
    QPointer<ManifestService> m_service;
    QString m_watchMode;
    Snapshot m_snapshot;
    ManifestService::State m_state = ManifestService::State::Closed;
    quint64 m_lastSequence = 0;
    quint64 m_nextRequest = 1;
    quint64 m_openRequest = 0;
    bool m_open = false;
};

// Owns the service thread (DESIGN.md §5), named "rb-service", started by the constructor and
// joined by the destructor, and opens runs in it. Lives in the GUI thread.
class ServiceHost : public QObject
{
    Q_OBJECT

public:
    explicit ServiceHost(QObject *parent = nullptr);
    ~ServiceHost() override; // closes every run, then stops the thread

    // Starts opening a run; the handle says `opened` or `openFailed`. The host owns the handle
    // until the caller deletes it.
    RunHandle *open(const BundleLocation &location,
                    ManifestService::Options options = ManifestService::Options());

private:
    QThread *m_thread = nullptr;
};

} // namespace runboard

Q_DECLARE_METATYPE(runboard::Error)
