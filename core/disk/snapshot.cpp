// SPDX-License-Identifier: MIT
//
// Snapshot: an immutable value. All members are set at construction; the shared document is
// const, so copies on different threads never race. The typed accessors read the few identity
// fields leniently: a snapshot may hold a document that failed validation (it is still what the
// disk says), and reading it must not throw.

#include "snapshot.h"

namespace runboard {

class SnapshotData : public QSharedData
{
public:
    FileSnapshot file;
    std::shared_ptr<const Json> document;
    Json heartbeats = Json::object();
    Snapshot::Source source = Snapshot::Source::Initial;
    quint64 sequence = 0;
    QDateTime observedAt;
    DocumentChanges changes;
};

namespace {

const Json &emptyDocument()
{
    static const Json empty = Json::object();
    return empty;
}

QString stringMember(const Json &doc, const char *key)
{
    const auto it = doc.find(key);
    if (it == doc.end() || !it->is_string())
        return {};
    return QString::fromStdString(it->get_ref<const std::string &>());
}

// The data of a null snapshot, shared: what a moved-from snapshot holds, without allocating.
const QSharedDataPointer<SnapshotData> &emptyData()
{
    static const QSharedDataPointer<SnapshotData> empty(new SnapshotData);
    return empty;
}

} // namespace

Snapshot::Snapshot() : d(new SnapshotData) {}

Snapshot::Snapshot(FileSnapshot file, std::shared_ptr<const Json> document, Json heartbeats,
                   Source source, quint64 sequence, QDateTime observedAt, DocumentChanges changes)
    : d(new SnapshotData)
{
    d->file = std::move(file);
    d->document = std::move(document);
    d->heartbeats = heartbeats.is_object() ? std::move(heartbeats) : Json::object();
    d->source = source;
    d->sequence = sequence;
    d->observedAt = std::move(observedAt);
    d->changes = std::move(changes);
}

Snapshot::Snapshot(const Snapshot &other) = default;
Snapshot &Snapshot::operator=(const Snapshot &other) = default;

Snapshot::Snapshot(Snapshot &&other) noexcept : d(emptyData())
{
    d.swap(other.d);
}

Snapshot &Snapshot::operator=(Snapshot &&other) noexcept
{
    d.swap(other.d);
    return *this;
}
Snapshot::~Snapshot() = default;

bool Snapshot::isNull() const
{
    return !d->document;
}

const FileSnapshot &Snapshot::file() const
{
    return d->file;
}

const QByteArray &Snapshot::bytes() const
{
    return d->file.bytes;
}

const Json &Snapshot::document() const
{
    return d->document ? *d->document : emptyDocument();
}

std::shared_ptr<const Json> Snapshot::sharedDocument() const
{
    return d->document;
}

const Json &Snapshot::heartbeats() const
{
    return d->heartbeats;
}

Snapshot::Source Snapshot::source() const
{
    return d->source;
}

quint64 Snapshot::sequence() const
{
    return d->sequence;
}

QDateTime Snapshot::observedAt() const
{
    return d->observedAt;
}

const DocumentChanges &Snapshot::changes() const
{
    return d->changes;
}

QString Snapshot::runId() const
{
    return stringMember(document(), "runId");
}

QString Snapshot::etag() const
{
    return stringMember(document(), "etag");
}

qint64 Snapshot::serverGeneration() const
{
    const auto it = document().find("serverGeneration");
    if (it == document().end() || !it->is_number_integer())
        return -1;
    return it->get<qint64>();
}

Snapshot Snapshot::withHeartbeats(Json heartbeats, quint64 sequence) const
{
    return Snapshot(d->file, d->document, std::move(heartbeats), d->source, sequence, d->observedAt,
                    d->changes);
}

} // namespace runboard
