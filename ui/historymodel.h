// SPDX-License-Identifier: MIT
#pragma once

#include "rowmodel.h"

#include <QHash>

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
    // What the commit `etag` changed, in words (VersionDiffs' summary line), for a commit whose
    // version and the one before it Runboard saw: the Kinds cell says it, and its tooltip keeps
    // the kinds the commit recorded.
    void setWords(const QString &etag, const QString &summary);
    // No run: no rows (a reset).
    void clear()
    {
        clearRows();
        m_words.clear();
    }

    // Kinds longer than this are shortened in the table; the tooltip has them all.
    static constexpr int kKindsDisplayLength = 80;

private:
    Cell kindsCell(const QString &recorded, const QString &words) const;

    QHash<QString, QString> m_words; // etag -> summary line, for entries in the ring
};

} // namespace runboard
