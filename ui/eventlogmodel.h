// SPDX-License-Identifier: MIT
#pragma once

#include "manifestservice.h"
#include "snapshot.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

#include <memory>

namespace runboard {

// What happened to the run while it was open, newest first: external changes, our own patches,
// conflicts, lifecycle changes (suspended, deleted, unreadable, resumed, rollback) and desktop
// notifications. A log, not a view of the manifest: rows are only ever inserted at the top and
// dropped at the bottom.
// GUI thread.
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Kind, Detail, ColumnCount };
    // Notification: what the desktop notifier decided (shown, off, not available), so the
    // Events tab still says what a notification would have.
    enum class EventKind {
        Opened,
        ExternalChange,
        OwnChange,
        Conflict,
        Lifecycle,
        Error,
        Notification
    };
    Q_ENUM(EventKind)
    enum Role { KindRole = Qt::UserRole + 1, SortRole };

    struct Event
    {
        QDateTime at;
        EventKind kind = EventKind::ExternalChange;
        QString detail;
        QString toolTip;
        QString etag; // the version the event is about, when it is about one
    };

    explicit EventLogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Logs a new version of the manifest (a heartbeats-only update of the same version is not
    // an event). `now` stamps it when the snapshot has no observation time.
    void setSnapshot(const Snapshot &snapshot, const QDateTime &now);
    void addLifecycle(ManifestService::Lifecycle event, const QString &message,
                      const QDateTime &now);
    void addEvent(Event event);
    // The person's change `etag` is on disk, said in words ("Applied: T-3 status → done —
    // generation 41"): the row its snapshot made says so instead of a second row.
    void describeOwnChange(const QString &etag, const QString &text, const QDateTime &now);
    // What version `etag` changed, in words (VersionDiffs' summary line and sentences, worked
    // out off the GUI thread after the version was logged): the row of another writer's change
    // says it after its generation. A change of the person's keeps the words it was applied
    // with.
    void describeChange(const QString &etag, const QString &summary, const QString &sentences);
    // A new run starts a new log (a reset).
    void clear();

    const Event &eventAt(int row) const { return m_events.at(row); }
    static QString kindName(EventKind kind);

    static constexpr int kMaxEvents = 1000;

private:
    QList<Event> m_events; // newest first
    std::shared_ptr<const Json> m_lastDocument;
};

} // namespace runboard
