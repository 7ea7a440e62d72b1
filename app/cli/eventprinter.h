// SPDX-License-Identifier: MIT
#pragma once

#include "manifestservice.h"

#include <QByteArray>
#include <QObject>

namespace runboard::cli {

// Prints a ManifestService's events as DESIGN.md §7 lines:
// {"event":"manifest","source":"external"|"self","etag","serverGeneration","t"},
// {"event":"lifecycle","state":…,"message":…} and, when another writer replaced a version we
// committed without building on it, {"event":"overwritten","etag":<ours>,"by":<theirs>,
// "serverGeneration":<theirs>,"ourGeneration","patch":[…],"summary","t"}. A snapshot whose
// manifest bytes did not change (a heartbeats.json update) prints nothing.
// Thread: the service's thread (here the main thread).
class EventPrinter : public QObject
{
    Q_OBJECT

public:
    explicit EventPrinter(ManifestService *service, QObject *parent = nullptr);

    // The line printed once the service is open: {"event":"open","runId","etag",…}.
    static Json openEvent(const ManifestService &service);
    static QString lifecycleName(ManifestService::Lifecycle event);

private:
    void printSnapshot(const runboard::Snapshot &snapshot);
    void printLifecycle(runboard::ManifestService::Lifecycle event, const QString &message);
    void printOverwritten(const runboard::OverwriteReport &report);

    QByteArray m_lastBytes;
};

} // namespace runboard::cli
