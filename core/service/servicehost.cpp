// SPDX-License-Identifier: MIT
//
// ServiceHost and RunHandle: the bridge between the GUI thread and the service thread.
//
// Design considerations
// - A ManifestService is constructed here, moved to the service thread before anything else
//   happens to it, and opened there by a queued call; its watcher and timers are created inside
//   open(), so they belong to the service thread (DESIGN.md §5).
// - Every request goes to the service as a queued call and every answer comes back as a signal
//   over a queued connection. Qt drops queued deliveries to a receiver that no longer exists,
//   so a handle may be deleted while requests are in flight.
// - Snapshots and lifecycle events carry one sequence counter; the handle ignores anything not
//   newer than what it has delivered, so the GUI can never show an older state after a newer one.
//   A patch's outcome carries the snapshot it refers to, delivered (if new) before patchFinished,
//   so the GUI has always seen the version an outcome talks about.
// - Closing deletes the service with deleteLater() in its own thread; objects still waiting for
//   that when the thread stops are deleted as the thread finishes.
// Thread: both classes live in the GUI thread.

#include "servicehost.h"

#include "tsanannotations.h"

#include <QThread>

namespace runboard {

RunHandle::RunHandle(BundleLocation location, QObject *parent)
    : QObject(parent), m_location(std::move(location))
{}

RunHandle::~RunHandle()
{
    if (ManifestService *const service = m_service.data()) {
        // This thread is done with the service, and with what it shares with the service's
        // thread (the guard's reference, strings, the snapshot), before that thread deletes the
        // service: the connections are cut here rather than in ~QObject, the shared values let
        // go of first.
        disconnect(service, nullptr, this, nullptr);
        m_service.clear();
        m_location = BundleLocation();
        m_watchMode.clear();
        m_snapshot = Snapshot();
        tsan::handOff(service); // taken over in ~ManifestService
        service->deleteLater();
    }
}

quint64 RunHandle::requestPatch(const ManifestStore::PatchRequest &request,
                                std::shared_ptr<const Json> rebaseFrom)
{
    const quint64 id = m_nextRequest++;
    if (!m_service) {
        ServiceOutcome refused;
        refused.requestId = id;
        refused.error = Error{ErrorCode::RunSuspended, tr("the run is not open"), Json::object()};
        QMetaObject::invokeMethod(
            this, tsan::handedOver([this, refused] { Q_EMIT patchFinished(refused); }),
            Qt::QueuedConnection);
        return id;
    }
    QMetaObject::invokeMethod(
        m_service.data(),
        tsan::handedOver([service = m_service.data(), id, request, base = std::move(rebaseFrom)] {
            if (base)
                service->patchRebasingRequested(id, request, base);
            else
                service->patchRequested(id, request);
        }),
        Qt::QueuedConnection);
    return id;
}

void RunHandle::requestReload()
{
    if (m_service)
        QMetaObject::invokeMethod(m_service.data(), &ManifestService::reload, Qt::QueuedConnection);
}

QThread *RunHandle::serviceThread() const
{
    return m_service ? m_service->thread() : nullptr;
}

void RunHandle::onRequestFinished(const ServiceOutcome &outcome)
{
    if (outcome.requestId != m_openRequest) {
        // The version the outcome refers to is shown first (it is not newer than what was
        // delivered when its snapshotChanged came ahead of this).
        if (!outcome.snapshot.isNull())
            onSnapshot(outcome.snapshot);
        Q_EMIT patchFinished(outcome);
        return;
    }
    if (!outcome.ok) {
        Q_EMIT openFailed(outcome.error);
        return;
    }
    m_open = true;
    m_state = ManifestService::State::Live;
    m_watchMode = outcome.watchMode;
    onSnapshot(outcome.snapshot);
    Q_EMIT opened(m_snapshot);
}

void RunHandle::onSnapshot(const Snapshot &snapshot)
{
    if (snapshot.sequence() <= m_lastSequence)
        return;
    m_lastSequence = snapshot.sequence();
    m_snapshot = snapshot;
    Q_EMIT snapshotChanged(snapshot);
}

void RunHandle::onLifecycle(ManifestService::Lifecycle event, const QString &message,
                            quint64 sequence)
{
    if (sequence <= m_lastSequence)
        return;
    m_lastSequence = sequence;
    switch (event) {
    case ManifestService::Lifecycle::Suspended:
        m_state = ManifestService::State::Suspended;
        break;
    case ManifestService::Lifecycle::Deleted:
        m_state = ManifestService::State::Deleted;
        break;
    case ManifestService::Lifecycle::Unreadable:
        m_state = ManifestService::State::Unreadable;
        break;
    case ManifestService::Lifecycle::Resumed:
        m_state = ManifestService::State::Live;
        break;
    case ManifestService::Lifecycle::Rollback:
        break;
    }
    Q_EMIT lifecycleChanged(event, message);
}

ServiceHost::ServiceHost(QObject *parent) : QObject(parent), m_thread(new QThread(this))
{
    qRegisterMetaType<runboard::Error>();
    m_thread->setObjectName(QStringLiteral("rb-service")); // top -H, gdb: 15 characters at most
    m_thread->start();
}

ServiceHost::~ServiceHost()
{
    // Handles are children: delete them first so their services are scheduled for deletion in
    // the service thread, which deletes them as it finishes.
    const QList<RunHandle *> handles
        = findChildren<RunHandle *>(QString(), Qt::FindDirectChildrenOnly);
    qDeleteAll(handles);
    m_thread->quit();
    m_thread->wait();
}

RunHandle *ServiceHost::open(const BundleLocation &location, ManifestService::Options options)
{
    auto *handle = new RunHandle(location, this);
    auto *service = new ManifestService(location, std::move(options));
    service->moveToThread(m_thread);
    handle->m_service = service;

    // Queued by name, not by Qt's choice at each emit: the connection then carries its argument
    // types from here, rather than the service thread adding them on its first emit while this
    // thread may be tearing the connection down (RunHandle::~RunHandle).
    connect(service, &ManifestService::requestFinished, handle, &RunHandle::onRequestFinished,
            Qt::QueuedConnection);
    connect(service, &ManifestService::snapshotChanged, handle, &RunHandle::onSnapshot,
            Qt::QueuedConnection);
    connect(service, &ManifestService::lifecycleChanged, handle, &RunHandle::onLifecycle,
            Qt::QueuedConnection);
    connect(service, &ManifestService::planChanged, handle, &RunHandle::planChanged,
            Qt::QueuedConnection);
    connect(service, &ManifestService::overwritten, handle, &RunHandle::overwritten,
            Qt::QueuedConnection);

    handle->m_openRequest = handle->m_nextRequest++;
    QMetaObject::invokeMethod(service, tsan::handedOver([service, id = handle->m_openRequest] {
                                  service->openRequested(id);
                              }),
                              Qt::QueuedConnection);
    return handle;
}

} // namespace runboard
