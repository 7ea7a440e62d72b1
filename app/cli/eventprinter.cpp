// SPDX-License-Identifier: MIT
//
// EventPrinter: the one place that turns service signals into event lines, shared by `watch`,
// `serve` and `demo` so the three speak exactly the same protocol. Manifest events are keyed on
// the bytes of manifest.json, not on the etag: a hand edit that keeps the etag is a change too.
// A rollback arrives as lifecycle "rollback" followed by the manifest event of the older version;
// an overwrite as the manifest event of the version that replaced ours, then "overwritten".
// Thread: the service's thread (the main thread in runboard-cli).

#include "eventprinter.h"

#include "output.h"

#include <QDateTime>

namespace runboard::cli {

EventPrinter::EventPrinter(ManifestService *service, QObject *parent) : QObject(parent)
{
    m_lastBytes = service->snapshot().bytes();
    connect(service, &ManifestService::snapshotChanged, this, &EventPrinter::printSnapshot);
    connect(service, &ManifestService::lifecycleChanged, this,
            [this](ManifestService::Lifecycle event, const QString &message, quint64) {
                printLifecycle(event, message);
            });
    connect(service, &ManifestService::overwritten, this, &EventPrinter::printOverwritten);
}

Json EventPrinter::openEvent(const ManifestService &service)
{
    const Snapshot snapshot = service.snapshot();
    return Json{{"event", "open"},
                {"runId", utf8(snapshot.runId())},
                {"bundlePath", utf8(service.location().bundlePath)},
                {"etag", utf8(snapshot.etag())},
                {"serverGeneration", snapshot.serverGeneration()},
                {"watchMode", utf8(service.watchModeDescription())}};
}

QString EventPrinter::lifecycleName(ManifestService::Lifecycle event)
{
    switch (event) {
    case ManifestService::Lifecycle::Suspended:
        return QStringLiteral("suspended");
    case ManifestService::Lifecycle::Resumed:
        return QStringLiteral("resumed");
    case ManifestService::Lifecycle::Unreadable:
        return QStringLiteral("unreadable");
    case ManifestService::Lifecycle::Deleted:
        return QStringLiteral("deleted");
    case ManifestService::Lifecycle::Rollback:
        return QStringLiteral("rollback");
    }
    return QStringLiteral("unreadable");
}

void EventPrinter::printSnapshot(const Snapshot &snapshot)
{
    if (snapshot.isNull() || snapshot.bytes() == m_lastBytes)
        return;
    m_lastBytes = snapshot.bytes();
    if (snapshot.source() == Snapshot::Source::Initial)
        return;
    const QDateTime at
        = snapshot.observedAt().isValid() ? snapshot.observedAt() : QDateTime::currentDateTimeUtc();
    printJson(Json{{"event", "manifest"},
                   {"source", snapshot.source() == Snapshot::Source::Self ? "self" : "external"},
                   {"etag", utf8(snapshot.etag())},
                   {"serverGeneration", snapshot.serverGeneration()},
                   {"t", at.toMSecsSinceEpoch()}});
}

void EventPrinter::printOverwritten(const OverwriteReport &report)
{
    const QDateTime at
        = report.detectedAt.isValid() ? report.detectedAt : QDateTime::currentDateTimeUtc();
    printJson(Json{{"event", "overwritten"},
                   {"etag", utf8(report.ourEtag)},
                   {"by", utf8(report.theirEtag)},
                   {"serverGeneration", report.theirGeneration},
                   {"ourGeneration", report.ourGeneration},
                   {"patch", report.ourOperations},
                   {"summary", utf8(report.ourSummary)},
                   {"t", at.toMSecsSinceEpoch()}});
}

void EventPrinter::printLifecycle(ManifestService::Lifecycle event, const QString &message)
{
    printJson(Json{
        {"event", "lifecycle"}, {"state", utf8(lifecycleName(event))}, {"message", utf8(message)}});
}

} // namespace runboard::cli
