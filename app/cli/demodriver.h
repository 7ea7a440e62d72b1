// SPDX-License-Identifier: MIT
#pragma once

#include "manifestservice.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <optional>

namespace runboard::cli {

// Drives a simulated run through a ManifestService the way ADE's agents would: a lead, three
// workers and a validator claim, progress, validate and release tasks within policy, send
// heartbeats, and one worker falls silent and stalls. Now and then "another process" writes the
// file without the protocol (atomic rename, git-style unlink + recreate, a foreign-runId swap
// that is undone a few ticks later). Every action prints one JSON line.
// Thread: the main thread, which owns the service and the tick timer.
class DemoDriver : public QObject
{
    Q_OBJECT

public:
    explicit DemoDriver(QString directory, QObject *parent = nullptr);
    ~DemoDriver() override;

    // Creates and opens the run and prints {"event":"demo",…}; returns 0 or an exit status.
    int start();
    // Ends the demo after the current step: undoes a pending foreign swap, prints the last line
    // and leaves the event loop with exit status 0.
    void stop();

private:
    void tick();
    bool seed();
    void actWorker(const QString &sessionId);
    void actValidator();
    void actLead();
    void sendHeartbeats();
    void writeExternally();
    void restoreForeignSwap();

    Result<Snapshot> commit(const QString &actorSession, ActorRole role, Json operations,
                            const QString &summary);
    void report(const QString &actorSession, const QString &action, const QString &taskId,
                const Result<Snapshot> &result, const QString &detail = QString());
    const Json &document() const;

    QString m_directory;
    ManifestService *m_service = nullptr;
    QTimer m_timer;
    qint64 m_tick = 0;
    int m_externalCount = 0;
    std::optional<QByteArray> m_swappedOut; // the run's bytes while a foreign manifest is there
    qint64 m_swapTick = 0;
    qint64 m_stallFlaggedTick = -1;
    bool m_triedEarlyDone = false;
    bool m_stopped = false;
    Snapshot m_view; // the state the current tick decides on
};

} // namespace runboard::cli
