// SPDX-License-Identifier: MIT
#pragma once

#include "statusstyle.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QStringList>
#include <QVariant>

class QTimer;

namespace runboard {

// The shared base of the dashboard's tables: rows keyed by a stable id (task id, sessionId,
// etag), replaced as a whole by setRows() and turned into the smallest set of model signals, so
// views keep their selection, sort order and scroll position while the run changes under them.
class RowModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role {
        SortRole = Qt::UserRole + 1, // a number or time where the display text would sort wrong
        KeyRole,                     // the row's key (QString)
        ToneRole,                    // StatusStyle::Tone as int
    };

    struct Cell
    {
        QVariant display;
        QVariant sort; // invalid: sort by display
        QString toolTip;
        StatusStyle::Tone tone = StatusStyle::Tone::None;
        bool decorate = false; // show the tone's dot
        // The value depends on the clock (an age, a lease): a change of it alone is a tick, not
        // a change of the run, and does not highlight the row.
        bool ticking = false;

        bool operator==(const Cell &other) const = default;
    };

    struct Row
    {
        QString key;
        QList<Cell> cells;
    };

    enum class Marking {
        Mark,     // highlight rows whose data changed (when highlighting is on)
        DontMark, // a clock tick or the first fill
    };

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The key setRows() gives the `occurrence`-th (0-based) row with the same key.
    static QString occurrenceKey(const QString &key, int occurrence);

    QString keyAt(int row) const;
    int rowOfKey(const QString &key) const; // -1 when absent

    // Changed and inserted rows get a background that fades out over `duration` (off by default,
    // so tests and non-interactive users see no timer at all).
    void setHighlightChanges(bool enabled);
    bool highlightsChanges() const { return m_highlight; }
    bool isHighlighted(const QString &key) const { return m_changedAt.contains(key); }
    static constexpr int kHighlightMs = 1500;

protected:
    RowModel(QStringList headers, QStringList headerToolTips, QObject *parent);

    // Makes `rows` the model's content with removals, a layout change only if surviving rows
    // changed their order, insertions, and one dataChanged per run of neighbouring rows whose
    // changed columns are the same. Duplicate keys are told apart by their occurrence.
    void setRows(QList<Row> rows, Marking marking);
    // The fast path for a model that knows which rows changed: replaces the cells of those rows
    // (keys stay), given in ascending row order, and emits one dataChanged per run of
    // neighbouring rows whose changed columns are the same, as setRows() does.
    struct RowCells
    {
        int row = 0;
        QList<Cell> cells;
    };
    void setRowCells(QList<RowCells> changes, Marking marking);
    const QList<Cell> &cellsAt(int row) const { return m_rows.at(row).cells; }
    // Empties the model with a reset (another run, or none); the next fill is a first fill.
    void clearRows();

private:
    void rebuildIndex();
    void startFading();
    void fade();

    QStringList m_headers;
    QStringList m_headerToolTips;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOfKey;
    bool m_filled = false;

    bool m_highlight = false;
    QHash<QString, qint64> m_changedAt; // key -> m_elapsed ms
    QElapsedTimer m_elapsed;
    QTimer *m_fadeTimer = nullptr;
};

} // namespace runboard
