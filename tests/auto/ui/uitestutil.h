// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"
#include "snapshot.h"
#include "tempbundle.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QHash>
#include <QImage>
#include <QSignalSpy>

#include <memory>

namespace runboard::test {

// A snapshot of `manifest` as the service would deliver it, without any disk.
inline Snapshot snapshotOf(const Json &manifest, quint64 sequence,
                           Snapshot::Source source = Snapshot::Source::External,
                           const Json &heartbeats = Json::object())
{
    FileSnapshot file;
    file.exists = true;
    file.bytes = QByteArray::fromStdString(manifest.dump());
    return Snapshot(file, std::make_shared<const Json>(manifest), heartbeats, source, sequence,
                    QDateTime::fromString(QStringLiteral("2026-07-22T10:00:00Z"), Qt::ISODate));
}

// The snapshot after `previous`, saying what differs from it as the service does.
inline Snapshot nextSnapshotOf(const Snapshot &previous, const Json &manifest, quint64 sequence)
{
    FileSnapshot file;
    file.exists = true;
    file.bytes = QByteArray::fromStdString(manifest.dump());
    auto document = std::make_shared<const Json>(manifest);
    DocumentChanges changes = DocumentChanges::between(previous.sharedDocument(), *document);
    return Snapshot(file, std::move(document), Json::object(), Snapshot::Source::External, sequence,
                    QDateTime::fromString(QStringLiteral("2026-07-22T10:00:00Z"), Qt::ISODate),
                    std::move(changes));
}

// The colour most pixels of `image` have; *distinct: how many colours it has.
inline QRgb commonestColor(const QImage &image, int *distinct)
{
    QHash<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            ++counts[image.pixel(x, y)];
    }
    *distinct = int(counts.size());
    QRgb best = 0;
    int bestCount = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > bestCount) {
            best = it.key();
            bestCount = it.value();
        }
    }
    return best;
}

inline QDateTime fixedNow()
{
    return QDateTime::fromString(QStringLiteral("2026-07-22T10:00:00Z"), Qt::ISODate);
}

inline Json taskJson(const std::string &id, const std::string &status,
                     const std::string &title = "A task")
{
    return Json{
        {"id", id},         {"phaseId", "developing"},
        {"title", title},   {"description", "Do it"},
        {"status", status}, {"validationGate", {{"required", false}, {"stepIds", Json::array()}}}};
}

// The signals a model emitted, for "exactly one dataChanged, no reset" checks.
struct ModelSpies
{
    explicit ModelSpies(QAbstractItemModel *model)
        : reset(model, &QAbstractItemModel::modelReset),
          changed(model, &QAbstractItemModel::dataChanged),
          inserted(model, &QAbstractItemModel::rowsInserted),
          removed(model, &QAbstractItemModel::rowsRemoved),
          layout(model, &QAbstractItemModel::layoutChanged)
    {}
    void clear()
    {
        reset.clear();
        changed.clear();
        inserted.clear();
        removed.clear();
        layout.clear();
    }
    QSignalSpy reset;
    QSignalSpy changed;
    QSignalSpy inserted;
    QSignalSpy removed;
    QSignalSpy layout;
};

} // namespace runboard::test
