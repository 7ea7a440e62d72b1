// SPDX-License-Identifier: MIT
//
// HistoryModel: the history ring as a table.
//
// Design considerations
// - ADE appends to the ring and drops its oldest entry past 50, so a commit is one row inserted
//   at the bottom and (once full) one removed at the top; keyed by etag that is exactly what
//   RowModel emits, and a selected entry stays selected while newer ones arrive.
// - patchKindSummary can be hundreds of characters; the cell shows a prefix, the tooltip one
//   kind per line. For a commit whose version and the one before it Runboard saw, the cell says
//   what changed in words (VersionDiffs, via setWords()); the recorded kinds stay in the
//   tooltip and the sort role.
// Thread: GUI thread.

#include "historymodel.h"

#include "manifest.h"
#include "snapshot.h"

#include <QSet>

namespace runboard {

HistoryModel::HistoryModel(QObject *parent)
    : RowModel({tr("Etag"), tr("At"), tr("Summary"), tr("Kinds")},
               {tr("The version this commit produced"), QString(), QString(),
                tr("The places the commit changed, with counts")},
               parent)
{}

void HistoryModel::setSnapshot(const Snapshot &snapshot)
{
    const Manifest manifest(snapshot.sharedDocument(), snapshot.heartbeats());
    const QList<Manifest::HistoryEntry> entries = manifest.history();
    QList<Row> rows;
    rows.reserve(entries.size());
    QSet<QString> ring;
    for (const Manifest::HistoryEntry &entry : entries) {
        Row row;
        row.key = entry.etag;
        row.cells.resize(ColumnCount);
        row.cells[Etag].display = entry.etag;

        Cell &at = row.cells[At];
        at.display = StatusStyle::formatTime(entry.at);
        at.sort = entry.at.isValid() ? entry.at.toMSecsSinceEpoch() : qint64(0);
        at.toolTip = StatusStyle::isoToolTip(entry.at);

        row.cells[Summary].display = entry.summary;

        row.cells[Kinds] = kindsCell(entry.patchKindSummary, m_words.value(entry.etag));
        ring.insert(entry.etag);

        rows.append(std::move(row));
    }
    setRows(std::move(rows), Marking::Mark);
    m_words.removeIf([&ring](const auto &entry) { return !ring.contains(entry.key()); });
}

void HistoryModel::setWords(const QString &etag, const QString &summary)
{
    if (summary.isEmpty() || m_words.value(etag) == summary)
        return;
    const int row = rowOfKey(etag);
    if (row < 0)
        return;
    m_words.insert(etag, summary);
    QList<Cell> cells = cellsAt(row);
    cells[Kinds] = kindsCell(cells.at(Kinds).sort.toString(), summary);
    setRowCells({{row, std::move(cells)}}, Marking::DontMark);
}

RowModel::Cell HistoryModel::kindsCell(const QString &recorded, const QString &words) const
{
    Cell kinds;
    QString shown = words.isEmpty() ? recorded : words;
    if (shown.size() > kKindsDisplayLength)
        shown = shown.left(kKindsDisplayLength - 1) + QChar(0x2026);
    kinds.display = shown;
    kinds.sort = recorded; // what the commit recorded, for sorting and the details pane
    QString tip = recorded.split(QLatin1Char(',')).join(QLatin1Char('\n'));
    if (!words.isEmpty())
        kinds.toolTip
            = tr("In words (Runboard saw both versions): %1\nRecorded: %2").arg(words, tip);
    else if (shown != recorded || recorded.contains(QLatin1Char(',')))
        kinds.toolTip = tip;
    return kinds;
}

} // namespace runboard
