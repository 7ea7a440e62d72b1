// SPDX-License-Identifier: MIT
#pragma once

#include "documentchanges.h"
#include "guardedfile.h"
#include "json.h"

#include <QDateTime>
#include <QSharedDataPointer>
#include <QString>

#include <memory>

namespace runboard {

class SnapshotData;

// One observed state of a run's manifest.json: the exact bytes read or written, the parsed
// document, and where it came from. Immutable and implicitly shared, so it crosses threads by
// value (DESIGN.md §2, §5). The document is shared too, never copied per reader.
class Snapshot
{
public:
    enum class Source {
        Initial,  // the first read when a run is opened
        External, // somebody else changed the file
        Self,     // our own commit
    };

    Snapshot();
    Snapshot(FileSnapshot file, std::shared_ptr<const Json> document, Json heartbeats,
             Source source, quint64 sequence, QDateTime observedAt,
             DocumentChanges changes = DocumentChanges());
    Snapshot(const Snapshot &other);
    Snapshot &operator=(const Snapshot &other);
    // A move hands the reference over: the moved-from snapshot is null (a move assignment swaps).
    // Without these, std::move(snapshot) copied, and a holder that meant to hand over the last
    // reference (RunView to its diff job) kept one and freed megabytes of JSON where it ran.
    Snapshot(Snapshot &&other) noexcept;
    Snapshot &operator=(Snapshot &&other) noexcept;
    ~Snapshot();

    bool isNull() const;

    const FileSnapshot &file() const; // bytes + identity
    const QByteArray &bytes() const;  // exactly what is on disk
    const Json &document() const;     // the parsed manifest
    std::shared_ptr<const Json> sharedDocument() const;
    const Json &heartbeats() const; // heartbeats.json as read with it ({} when absent)
    Source source() const;
    quint64 sequence() const; // strictly increasing per open run
    QDateTime observedAt() const;
    // What differs from the document published before this one (changes().isRelativeTo() tells
    // whether a view's document is that one; unknown for the first): views update only that.
    const DocumentChanges &changes() const;

    QString runId() const;
    QString etag() const;
    qint64 serverGeneration() const;

    // The same state with other heartbeats (heartbeats.json changed, the manifest did not).
    Snapshot withHeartbeats(Json heartbeats, quint64 sequence) const;

private:
    QSharedDataPointer<SnapshotData> d;
};

} // namespace runboard
