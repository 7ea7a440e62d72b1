// SPDX-License-Identifier: MIT
//
// EventLogModel: the run's event log.
//
// Design considerations
// - Newest first, so a new event is one beginInsertRows(0, 0): a view scrolled down to an older
//   event stays on it, and one at the top sees the new event arrive.
// - A snapshot is an event only when it carries a new document: heartbeats.json updates keep
//   the document pointer and would otherwise flood the log every few seconds.
// - The log is capped; the oldest rows go with beginRemoveRows.
// Thread: GUI thread.

#include "eventlogmodel.h"

#include "changewords.h"
#include "plaintext.h"

#include "manifest.h"
#include "statusstyle.h"

#include <QGuiApplication>
#include <QPalette>

namespace runboard {

EventLogModel::EventLogModel(QObject *parent) : QAbstractTableModel(parent) {}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventLogModel::kindName(EventKind kind)
{
    switch (kind) {
    case EventKind::Opened:
        return tr("opened");
    case EventKind::ExternalChange:
        return tr("external change");
    case EventKind::OwnChange:
        return tr("your patch");
    case EventKind::Conflict:
        return tr("conflict");
    case EventKind::Lifecycle:
        return tr("lifecycle");
    case EventKind::Error:
        return tr("error");
    case EventKind::Notification:
        return tr("notification");
    }
    return {};
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Event &event = m_events.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return event.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case Kind:
            return kindName(event.kind);
        case Detail:
            return event.detail;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Time)
            return StatusStyle::isoToolTip(event.at);
        if (index.column() == Detail && !event.toolTip.isEmpty())
            return plainToolTip(event.toolTip);
        return {};
    case Qt::ForegroundRole:
        if (index.column() != Kind)
            return {};
        if (event.kind == EventKind::Conflict || event.kind == EventKind::Error)
            return StatusStyle::color(StatusStyle::Tone::Bad, QGuiApplication::palette());
        if (event.kind == EventKind::Lifecycle)
            return StatusStyle::color(StatusStyle::Tone::Warning, QGuiApplication::palette());
        if (event.kind == EventKind::OwnChange)
            return StatusStyle::color(StatusStyle::Tone::Active, QGuiApplication::palette());
        return {};
    case KindRole:
        return int(event.kind);
    case SortRole:
        if (index.column() == Time)
            return event.at.toMSecsSinceEpoch();
        return data(index, Qt::DisplayRole);
    default:
        return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Kind:
        return tr("Kind");
    case Detail:
        return tr("Detail");
    }
    return {};
}

void EventLogModel::setSnapshot(const Snapshot &snapshot, const QDateTime &now)
{
    if (snapshot.isNull() || snapshot.sharedDocument() == m_lastDocument)
        return;
    m_lastDocument = snapshot.sharedDocument();
    const Manifest manifest(snapshot.sharedDocument());
    const QList<Manifest::HistoryEntry> history = manifest.history();
    Event event;
    event.at = snapshot.observedAt().isValid() ? snapshot.observedAt() : now;
    switch (snapshot.source()) {
    case Snapshot::Source::Initial:
        event.kind = EventKind::Opened;
        break;
    case Snapshot::Source::External:
        event.kind = EventKind::ExternalChange;
        break;
    case Snapshot::Source::Self:
        event.kind = EventKind::OwnChange;
        break;
    }
    event.etag = snapshot.etag();
    event.detail = tr("generation %1 (%2)").arg(snapshot.serverGeneration()).arg(snapshot.etag());
    if (!history.isEmpty() && history.constLast().etag == snapshot.etag()) {
        const Manifest::HistoryEntry &last = history.constLast();
        event.detail += QStringLiteral(": ") + last.summary;
        // Who, as the history entry says it (a session, or the person's name in a summary).
        const Json *entries = nullptr;
        if (const auto found = snapshot.document().find("history");
            found != snapshot.document().end() && found->is_array() && !found->empty())
            entries = &*found;
        const QString author = entries ? ChangeWords::historyAuthor(entries->back()) : QString();
        if (!author.isEmpty())
            event.detail += tr(" by %1").arg(author);
        event.toolTip = last.patchKindSummary.split(QLatin1Char(',')).join(QLatin1Char('\n'));
    }
    addEvent(std::move(event));
}

void EventLogModel::describeChange(const QString &etag, const QString &summary,
                                   const QString &sentences)
{
    if (summary.isEmpty())
        return;
    // The words come a few milliseconds after the row: it is among the newest.
    constexpr int kLookedAt = 20;
    for (int row = 0; row < qMin(int(m_events.size()), kLookedAt); ++row) {
        Event &event = m_events[row];
        if (event.etag != etag || event.kind != EventKind::ExternalChange)
            continue;
        if (!event.detail.endsWith(summary)) {
            event.detail += QStringLiteral(" \u2014 ") + summary;
            event.toolTip = sentences;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
        return;
    }
}

void EventLogModel::addLifecycle(ManifestService::Lifecycle lifecycle, const QString &message,
                                 const QDateTime &now)
{
    QString what;
    switch (lifecycle) {
    case ManifestService::Lifecycle::Suspended:
        what = tr("suspended");
        break;
    case ManifestService::Lifecycle::Resumed:
        what = tr("resumed");
        break;
    case ManifestService::Lifecycle::Unreadable:
        what = tr("unreadable");
        break;
    case ManifestService::Lifecycle::Deleted:
        what = tr("deleted");
        break;
    case ManifestService::Lifecycle::Rollback:
        what = tr("rollback");
        break;
    }
    addEvent({now, EventKind::Lifecycle, what + QStringLiteral(": ") + message, message, {}});
}

void EventLogModel::addEvent(Event event)
{
    beginInsertRows(QModelIndex(), 0, 0);
    m_events.prepend(std::move(event));
    endInsertRows();
    if (m_events.size() > kMaxEvents) {
        beginRemoveRows(QModelIndex(), kMaxEvents, int(m_events.size()) - 1);
        m_events.resize(kMaxEvents);
        endRemoveRows();
    }
}

void EventLogModel::describeOwnChange(const QString &etag, const QString &text,
                                      const QDateTime &now)
{
    // The snapshot of a change arrives just before its answer: it is among the newest rows.
    constexpr int kLookedAt = 20;
    for (int row = 0; row < qMin(int(m_events.size()), kLookedAt); ++row) {
        Event &event = m_events[row];
        if (event.etag != etag || event.kind != EventKind::OwnChange)
            continue;
        event.toolTip = event.detail;
        event.detail = text;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    addEvent({now, EventKind::OwnChange, text, QString(), etag});
}

void EventLogModel::clear()
{
    beginResetModel();
    m_events.clear();
    m_lastDocument.reset();
    endResetModel();
}

} // namespace runboard
