// SPDX-License-Identifier: MIT
//
// HistoryModel: the history ring as a table.
//
// Design considerations
// - ADE appends to the ring and drops its oldest entry past 50, so a commit is one row inserted
//   at the bottom and (once full) one removed at the top; keyed by etag that is exactly what
//   RowModel emits, and a selected entry stays selected while newer ones arrive.
// - patchKindSummary can be hundreds of characters; the cell shows a prefix, the tooltip one
//   kind per line.
// Thread: GUI thread.

#include "historymodel.h"

#include "manifest.h"
#include "snapshot.h"

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

        Cell &kinds = row.cells[Kinds];
        QString shown = entry.patchKindSummary;
        if (shown.size() > kKindsDisplayLength)
            shown = shown.left(kKindsDisplayLength - 1) + QChar(0x2026);
        kinds.display = shown;
        kinds.sort = entry.patchKindSummary;
        if (shown != entry.patchKindSummary || entry.patchKindSummary.contains(QLatin1Char(',')))
            kinds.toolTip = entry.patchKindSummary.split(QLatin1Char(',')).join(QLatin1Char('\n'));

        rows.append(std::move(row));
    }
    setRows(std::move(rows), Marking::Mark);
}

} // namespace runboard
