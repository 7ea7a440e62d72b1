// SPDX-License-Identifier: MIT
#pragma once

#include "manifest.h"
#include "snapshot.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QWidget>

#include <array>

namespace runboard {

// A validation run as the activity chart marks it: when it ended and how.
struct ValidationMark
{
    QDateTime at;
    bool passed = false;
};

// Activity in the last hour, one column per clock minute (60 in all, the current minute at the
// right): the commits the manifest's history ring lists and the versions Runboard saw, counted
// once per etag and stacked as yours (below) and by others (above), with validation runs as
// pass / fail marks under the columns. GUI thread.
class ActivityChart : public QWidget
{
    Q_OBJECT

public:
    enum class Origin { Own, External };
    static constexpr int kMinutes = 60;

    explicit ActivityChart(QWidget *parent = nullptr);

    // The manifest's history ring as it stands; the same list again changes nothing. The ring
    // does not say who committed: an entry counts as yours only if Runboard saw it as Self.
    void setHistory(const QList<Manifest::HistoryEntry> &history);
    // A version Runboard read or wrote. Self counts as yours, External as by others; Initial, the
    // version found on opening, counts only if the history lists its etag (its commit time is
    // unknown otherwise). Where the history lists the etag too, the version counts once, at the
    // history's time. An empty etag cannot be told apart and is ignored.
    void addSeenVersion(const QString &etag, const QDateTime &at, Snapshot::Source source);
    void setValidationRuns(const QList<ValidationMark> &runs);
    // Moves the window; nothing is recounted until the clock minute changes.
    void setNow(const QDateTime &now);

    // The finished checklist runs of a manifest as marks: passed and failed runs at their end
    // (their start when the end is missing); running ones are left out.
    static QList<ValidationMark> validationMarksOf(const QList<Manifest::ChecklistItem> &checklist);

    // Commits in the clock minute `minutesAgo` (0 = the current minute, 59 the oldest shown); 0
    // outside the window.
    int commits(int minutesAgo, Origin origin) const;
    int passedRuns() const; // in the window
    int failedRuns() const;
    int maxPerMinute() const; // the tallest column, what the scale label says
    // "Commits in the last hour: 14 (3 yours, 11 by others); validation runs: 2 passed, 1
    // failed", which the accessible description starts with.
    QString summaryText() const;
    // "12 min ago — commits: 3 (2 yours, 1 by others); validation runs: 1 passed, 0 failed"
    QString minuteText(int minutesAgo) const;

    // The minute Left / Right move, shown in the chart, tooltip and accessible description; -1
    // for none. It stays at its distance from now as the clock moves.
    int highlightedMinute() const;
    void setHighlightedMinute(int minutesAgo);
    int minuteAt(const QPoint &pos) const; // -1 off the columns

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    struct Seen
    {
        QDateTime at;
        Snapshot::Source source = Snapshot::Source::Initial;
    };
    struct Colors;

    // Recounts the columns and runs at m_now, rebuilds the texts and repaints.
    void recount();
    void dropSeenBefore(qint64 minute);
    // Which column a time falls in, -1 outside the window.
    int columnOf(const QDateTime &at) const;
    static QString minuteLine(const QString &when, int commits, int own, int external, int passed,
                              int failed);
    void updateMetrics();
    void updateTexts();
    void updateAccessibleText();
    // Geometry, from the font metrics and the width.
    QRectF columnRect(int column) const; // the whole plot height of a column
    QRect plotRect() const;
    QRect marksRect() const;
    QRect axisRect() const;
    QRect legendRect() const;
    QRect detailRect() const;
    void paintColumns(QPainter &painter, const QRect &dirty, const Colors &colors) const;
    void paintLegend(QPainter &painter, const Colors &colors) const;

    QList<Manifest::HistoryEntry> m_history;
    QSet<QString> m_historyEtags;
    QHash<QString, Seen> m_seen; // by etag
    QList<ValidationMark> m_runs;
    QDateTime m_now;
    qint64 m_nowMinute = 0; // minutes since the epoch, valid with m_now

    // Per column, 0 the oldest minute, kMinutes - 1 the current one.
    std::array<int, kMinutes> m_own{};
    std::array<int, kMinutes> m_external{};
    std::array<int, kMinutes> m_passed{};
    std::array<int, kMinutes> m_failed{};
    int m_passedTotal = 0;
    int m_failedTotal = 0;
    int m_max = 0;
    int m_highlighted = -1; // minutes ago

    // Texts, rebuilt when the counts change, never in paintEvent().
    QString m_summary;
    QString m_detailElided; // the highlighted minute's text, else the summary, fitted
    QString m_scaleText;
    QString m_axisStart;
    QString m_axisMiddle;
    QString m_axisEnd;
    QString m_legendOwn;
    QString m_legendExternal;
    QString m_legendPassed;
    QString m_legendFailed;
    std::array<int, 4> m_legendWidths{};

    // Metrics, all from the font.
    int m_margin = 0;
    int m_lineSpacing = 0;
    int m_plotHeight = 0;
    int m_markSize = 0;
    int m_digit = 0;
    int m_textWidth = 0; // the legend's or the longest detail line's, whichever is wider
    int m_height = 0;

    QString m_accessibleName;
    QString m_accessibleDescription;
};

} // namespace runboard
