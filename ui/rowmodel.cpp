// SPDX-License-Identifier: MIT
//
// RowModel: incremental table updates keyed by id.
//
// Design considerations
// - A run changes a field at a time (a task's status, an agent's heartbeat). Resetting the model
//   on every snapshot would drop the selection, the current index and the scroll position of
//   every view, and a sort proxy would re-sort everything. So setRows() diffs by key: removed
//   rows go with beginRemoveRows, new ones come with beginInsertRows, and a changed row gets one
//   dataChanged spanning only its changed columns.
// - Rows are kept in the manifest's order; sorting is the proxy's job. If surviving rows swap
//   places (a hand edit reordered the array) we emit a layout change with the persistent indexes
//   moved along, which keeps selections intact too.
// - Keys must be unique for the diff to work, but the file is hand-editable: a duplicate key
//   gets its occurrence number appended, which is stable as long as the order is.
// - A model that knows which rows changed (TaskModel compares its source per task) uses
//   setRowCells() instead, which looks at that row only: with 10,000 rows, diffing every row
//   on every snapshot would cost more than the change it finds.
// - Highlighting fades with a 100 ms timer that runs only while something is highlighted.
// Invariants: m_rowOfKey maps every row's key to its index; all rows have columnCount() cells.
// Thread: GUI thread.

#include "rowmodel.h"
#include "plaintext.h"

#include <QGuiApplication>
#include <QPalette>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <vector>

namespace runboard {

RowModel::RowModel(QStringList headers, QStringList headerToolTips, QObject *parent)
    : QAbstractTableModel(parent), m_headers(std::move(headers)),
      m_headerToolTips(std::move(headerToolTips))
{
    m_elapsed.start();
}

int RowModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RowModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant RowModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Cell &cell = row.cells.at(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return cell.display;
    case Qt::ToolTipRole:
        return cell.toolTip.isEmpty() ? QVariant() : QVariant(plainToolTip(cell.toolTip));
    case Qt::ForegroundRole:
        if (cell.tone == StatusStyle::Tone::None)
            return {};
        return StatusStyle::color(cell.tone, QGuiApplication::palette());
    case Qt::DecorationRole:
        if (!cell.decorate || cell.tone == StatusStyle::Tone::None)
            return {};
        return StatusStyle::icon(cell.tone);
    case Qt::BackgroundRole: {
        const auto changed = m_changedAt.constFind(row.key);
        if (changed == m_changedAt.constEnd())
            return {};
        const qint64 age = m_elapsed.elapsed() - *changed;
        return StatusStyle::highlight(QGuiApplication::palette(),
                                      1.0 - qreal(age) / qreal(kHighlightMs));
    }
    case SortRole:
        return cell.sort.isValid() ? cell.sort : cell.display;
    case KeyRole:
        return row.key;
    case ToneRole:
        return int(cell.tone);
    default:
        return {};
    }
}

QVariant RowModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= m_headers.size())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return m_headers.at(section);
    if (role == Qt::ToolTipRole && section < m_headerToolTips.size()
        && !m_headerToolTips.at(section).isEmpty())
        return m_headerToolTips.at(section);
    return {};
}

QString RowModel::keyAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).key : QString();
}

int RowModel::rowOfKey(const QString &key) const
{
    return m_rowOfKey.value(key, -1);
}

void RowModel::setHighlightChanges(bool enabled)
{
    m_highlight = enabled;
    if (!enabled && !m_changedAt.isEmpty()) {
        m_changedAt.clear();
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1),
                               {Qt::BackgroundRole});
    }
}

QString RowModel::occurrenceKey(const QString &key, int occurrence)
{
    return occurrence > 0 ? key + QStringLiteral("\u0001") + QString::number(occurrence) : key;
}

void RowModel::rebuildIndex()
{
    m_rowOfKey.clear();
    m_rowOfKey.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOfKey.insert(m_rows.at(i).key, i);
}

void RowModel::setRows(QList<Row> rows, Marking marking)
{
    const int columns = columnCount();
    QHash<QString, int> seen;
    QSet<QString> nextKeys;
    for (Row &row : rows) {
        row.cells.resize(columns);
        row.key = occurrenceKey(row.key, seen[row.key]++);
        nextKeys.insert(row.key);
    }
    const bool mark = marking == Marking::Mark && m_highlight && m_filled;
    const qint64 now = m_elapsed.elapsed();

    // 1. Removals, bottom up, one signal per contiguous run.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (nextKeys.contains(m_rows.at(i).key))
            continue;
        const int last = i;
        while (i > 0 && !nextKeys.contains(m_rows.at(i - 1).key))
            --i;
        beginRemoveRows(QModelIndex(), i, last);
        for (int r = i; r <= last; ++r)
            m_changedAt.remove(m_rows.at(r).key);
        m_rows.remove(i, last - i + 1);
        endRemoveRows();
    }
    rebuildIndex();

    // 2. Surviving rows in a new order: a layout change that carries persistent indexes along.
    QStringList wanted;
    for (const Row &row : std::as_const(rows)) {
        if (m_rowOfKey.contains(row.key))
            wanted.append(row.key);
    }
    bool reordered = false;
    for (int i = 0; i < wanted.size(); ++i) {
        if (m_rows.at(i).key != wanted.at(i)) {
            reordered = true;
            break;
        }
    }
    if (reordered) {
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList before = persistentIndexList();
        QStringList beforeKeys;
        for (const QModelIndex &index : before)
            beforeKeys.append(m_rows.at(index.row()).key);
        QList<Row> reorderedRows;
        reorderedRows.reserve(m_rows.size());
        for (const QString &key : std::as_const(wanted))
            reorderedRows.append(m_rows.at(m_rowOfKey.value(key)));
        m_rows = std::move(reorderedRows);
        rebuildIndex();
        QModelIndexList after;
        for (int i = 0; i < before.size(); ++i)
            after.append(index(m_rowOfKey.value(beforeKeys.at(i)), before.at(i).column()));
        changePersistentIndexList(before, after);
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    }

    // 3. Insertions, top down, one signal per contiguous run of new keys.
    for (int pos = 0; pos < rows.size();) {
        if (pos < m_rows.size() && m_rows.at(pos).key == rows.at(pos).key) {
            ++pos;
            continue;
        }
        int end = pos;
        while (end < rows.size() && !m_rowOfKey.contains(rows.at(end).key))
            ++end;
        beginInsertRows(QModelIndex(), pos, end - 1);
        for (int r = pos; r < end; ++r) {
            m_rows.insert(r, rows.at(r));
            if (mark)
                m_changedAt.insert(rows.at(r).key, now);
        }
        endInsertRows();
        pos = end;
        rebuildIndex();
    }

    // 4. Changes: one dataChanged per run of rows with the same changed column span.
    QList<RowCells> changes;
    changes.reserve(rows.size());
    for (int r = 0; r < rows.size(); ++r)
        changes.append({r, std::move(rows[r].cells)});
    setRowCells(std::move(changes), marking);

    m_filled = true;
    startFading();
}

void RowModel::setRowCells(QList<RowCells> changes, Marking marking)
{
    const int columns = columnCount();
    const bool mark = marking == Marking::Mark && m_highlight && m_filled;
    const qint64 now = m_elapsed.elapsed();
    int runFirst = -1;
    int runLast = -1;
    int spanFirst = -1;
    int spanLast = -1;
    const auto flush = [&] {
        if (runFirst >= 0)
            Q_EMIT dataChanged(index(runFirst, spanFirst), index(runLast, spanLast));
        runFirst = -1;
    };
    for (RowCells &change : changes) {
        Q_ASSERT(change.row >= 0 && change.row < m_rows.size());
        change.cells.resize(columns);
        Row &current = m_rows[change.row];
        int first = -1;
        int last = -1;
        bool meaningful = false;
        for (int c = 0; c < columns; ++c) {
            if (current.cells.at(c) == change.cells.at(c))
                continue;
            if (first < 0)
                first = c;
            last = c;
            if (!(current.cells.at(c).ticking && change.cells.at(c).ticking))
                meaningful = true;
        }
        if (first < 0)
            continue;
        current.cells = std::move(change.cells);
        if (mark && meaningful)
            m_changedAt.insert(current.key, now);
        if (runFirst >= 0 && runLast == change.row - 1 && spanFirst == first && spanLast == last) {
            runLast = change.row;
            continue;
        }
        flush();
        runFirst = runLast = change.row;
        spanFirst = first;
        spanLast = last;
    }
    flush();
    startFading();
}

void RowModel::clearRows()
{
    beginResetModel();
    m_rows.clear();
    m_rowOfKey.clear();
    m_changedAt.clear();
    m_filled = false;
    endResetModel();
    if (m_fadeTimer)
        m_fadeTimer->stop();
}

void RowModel::startFading()
{
    if (m_changedAt.isEmpty())
        return;
    if (!m_fadeTimer) {
        m_fadeTimer = new QTimer(this);
        m_fadeTimer->setInterval(100);
        connect(m_fadeTimer, &QTimer::timeout, this, &RowModel::fade);
    }
    if (!m_fadeTimer->isActive())
        m_fadeTimer->start();
}

void RowModel::fade()
{
    const qint64 now = m_elapsed.elapsed();
    std::vector<int> rows;
    rows.reserve(std::size_t(m_changedAt.size()));
    for (auto it = m_changedAt.begin(); it != m_changedAt.end();) {
        const int row = m_rowOfKey.value(it.key(), -1);
        if (row >= 0)
            rows.push_back(row);
        if (row < 0 || now - it.value() >= kHighlightMs)
            it = m_changedAt.erase(it);
        else
            ++it;
    }
    if (m_changedAt.isEmpty())
        m_fadeTimer->stop();
    // One dataChanged per run of adjacent rows, not one from the first to the last: a view works
    // out the rectangle of every index in the range it is given, and fifty highlighted rows
    // spread over a 5,000-task run made that a 5,000-row range, 10-15 ms of the GUI thread
    // every 100 ms while they faded.
    std::sort(rows.begin(), rows.end());
    const int lastColumn = columnCount() - 1;
    for (std::size_t i = 0; i < rows.size();) {
        std::size_t end = i + 1;
        while (end < rows.size() && rows[end] == rows[end - 1] + 1)
            ++end;
        Q_EMIT dataChanged(index(rows[i], 0), index(rows[end - 1], lastColumn),
                           {Qt::BackgroundRole});
        i = end;
    }
}

} // namespace runboard
