// SPDX-License-Identifier: MIT
#pragma once

#include "rowmodel.h"

namespace runboard {

class Snapshot;

// The manifest's history ring (the last 50 commits), one row per entry keyed by etag, in file
// order (oldest first; views sort by time). GUI thread.
class HistoryModel : public RowModel
{
    Q_OBJECT

public:
    enum Column { Etag, At, Summary, Kinds, ColumnCount };

    explicit HistoryModel(QObject *parent = nullptr);

    void setSnapshot(const Snapshot &snapshot);
    // No run: no rows (a reset).
    void clear() { clearRows(); }

    // Kinds longer than this are shortened in the table; the tooltip has them all.
    static constexpr int kKindsDisplayLength = 80;
};

} // namespace runboard
