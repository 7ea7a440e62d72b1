// SPDX-License-Identifier: MIT
//
// ActivityChart: the Overview's picture of how busy the last hour was.
//
// Design considerations
// - Columns are clock minutes (10:41:00–10:41:59), the current one at the right, so a commit
//   stays in its column until the minute turns and a clock tick within a minute changes nothing:
//   setNow() recounts only when the minute changes. A time up to a minute ahead of now (another
//   writer's clock) counts in the current minute rather than vanishing.
// - A commit counts once, by etag, whether the history ring lists it, Runboard saw it, or both.
//   Where both, the history's time is used (it is when the commit was made; Runboard only saw it
//   later) and the sighting says whose it was: Self is yours, anything else by others. The
//   history alone cannot tell whose a commit was, so commits Runboard never saw count as by
//   others. The version found on opening (Source::Initial) was made at some unknown time
//   before, so it counts only where the history lists it. A sighting without an etag cannot be
//   told apart from the rest and is left out.
// - Yours are stacked below, by others above, with a gap between: yours in the Active tone, by
//   others in the text colour at half strength (a mid grey on light and dark palettes alike;
//   the Muted tone is near-black on a light one, and the others' commits are the quiet part),
//   and the legend and the numbers say which is which: colour is never alone.
//   Validation runs are marks under their minute, a check for passed (Good) above a cross for
//   failed (Bad): shape and row tell them apart as well as colour.
// - Cheap: a new sighting of a new etag bumps one column; anything else recounts (the history
//   ring is short, the sightings of an hour a few thousand at most). Texts (the summary, the
//   scale, the axis and legend labels, the highlighted minute) are built when the counts, the
//   highlight or the width change; paintEvent() draws only the columns and rows that meet its
//   rectangle. Sightings older than two windows are dropped as the clock moves.
// - Sizes come from the font metrics and colours from the palette and StatusStyle only, so the
//   chart reads at a scale factor of 2 and on a dark palette.
// - Keyboard: Left / Right move a highlighted minute (Home / End to the ends), shown in the
//   chart's detail line, its tooltip and the accessible description, which starts with the
//   summary; NameChanged / DescriptionChanged events go out when they change (Qt 6.4's
//   setAccessibleDescription() sends none itself).
// Thread: GUI thread.

#include "activitychart.h"

#include "statusstyle.h"
#include "threadcheck.h"

#include <QAccessible>
#include <QFocusEvent>
#include <QFontMetrics>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QSet>
#include <QStyle>
#include <QStyleOptionFocusRect>
#include <QToolTip>

#include <algorithm>
#include <numeric>

namespace runboard {

namespace {

using Tone = StatusStyle::Tone;

constexpr qint64 kMsecsPerMinute = 60 * 1000;

// Whole minutes since the epoch, rounded down also before 1970.
qint64 minuteOf(const QDateTime &time)
{
    const qint64 msecs = time.toMSecsSinceEpoch();
    return msecs >= 0 ? msecs / kMsecsPerMinute
                      : -((-msecs + kMsecsPerMinute - 1) / kMsecsPerMinute);
}

// How strongly a sighting says whose a version was.
int weightOf(Snapshot::Source source)
{
    switch (source) {
    case Snapshot::Source::Self:
        return 2;
    case Snapshot::Source::External:
        return 1;
    case Snapshot::Source::Initial:
        break;
    }
    return 0;
}

void sendAccessibleEvent(QWidget *widget, QAccessible::Event type)
{
    QAccessibleEvent event(widget, type);
    QAccessible::updateAccessibility(&event);
}

QColor faded(QColor color, qreal alpha)
{
    color.setAlphaF(float(alpha));
    return color;
}

// A check mark in `box`.
void drawCheck(QPainter &painter, const QRectF &box)
{
    const QPointF points[] = {{box.left(), box.top() + box.height() * 0.55},
                              {box.left() + box.width() * 0.38, box.bottom()},
                              {box.right(), box.top()}};
    painter.drawPolyline(points, 3);
}

// A cross in `box`.
void drawCross(QPainter &painter, const QRectF &box)
{
    painter.drawLine(box.topLeft(), box.bottomRight());
    painter.drawLine(box.bottomLeft(), box.topRight());
}

} // namespace

// The colours of one paint, fetched once.
struct ActivityChart::Colors
{
    explicit Colors(const QPalette &palette)
        : text(palette.color(QPalette::WindowText)),
          own(StatusStyle::color(Tone::Active, palette, StatusStyle::Surface::Window)),
          external(faded(text, 0.5)),
          passed(StatusStyle::color(Tone::Good, palette, StatusStyle::Surface::Window)),
          failed(StatusStyle::color(Tone::Bad, palette, StatusStyle::Surface::Window)),
          axis(faded(text, 0.45)), guide(faded(text, 0.15)),
          highlight(StatusStyle::highlight(palette, 1.0)),
          highlightUnfocused(StatusStyle::highlight(palette, 0.5))
    {}

    QColor text;
    QColor own;
    QColor external;
    QColor passed;
    QColor failed;
    QColor axis;
    QColor guide;
    QColor highlight;
    QColor highlightUnfocused;
};

ActivityChart::ActivityChart(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    updateMetrics();
    updateTexts();
    updateAccessibleText();
}

void ActivityChart::setHistory(const QList<Manifest::HistoryEntry> &history)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this);
    const auto same = [](const Manifest::HistoryEntry &a, const Manifest::HistoryEntry &b) {
        return a.etag == b.etag && a.at == b.at;
    };
    if (std::equal(history.cbegin(), history.cend(), m_history.cbegin(), m_history.cend(), same))
        return;
    m_history = history;
    m_historyEtags.clear();
    for (const Manifest::HistoryEntry &entry : history) {
        if (!entry.etag.isEmpty())
            m_historyEtags.insert(entry.etag);
    }
    recount();
}

void ActivityChart::addSeenVersion(const QString &etag, const QDateTime &at,
                                   Snapshot::Source source)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this);
    if (etag.isEmpty() || !at.isValid())
        return;
    // Too old to ever show.
    if (m_now.isValid() && minuteOf(at) < m_nowMinute - (kMinutes - 1))
        return;
    const auto found = m_seen.find(etag);
    if (found == m_seen.end()) {
        m_seen.insert(etag, Seen{at, source});
        if (m_historyEtags.contains(etag)) {
            // Already counted from the history; the sighting may only say it was yours.
            if (source == Snapshot::Source::Self)
                recount();
            return;
        }
        const int column = source == Snapshot::Source::Initial ? -1 : columnOf(at);
        if (column < 0)
            return;
        // The common case while a run is busy: one more commit in one column.
        auto &counts = source == Snapshot::Source::Self ? m_own : m_external;
        ++counts[column];
        m_max = qMax(m_max, m_own[column] + m_external[column]);
        updateTexts();
        updateAccessibleText();
        update();
        return;
    }
    // Seen before: keep the first sighting, and the strongest word on whose it was.
    bool changed = false;
    if (weightOf(source) > weightOf(found->source)) {
        found->source = source;
        changed = true;
    }
    if (at < found->at) {
        found->at = at;
        changed = true;
    }
    if (changed)
        recount();
}

void ActivityChart::setValidationRuns(const QList<ValidationMark> &runs)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this);
    const auto same = [](const ValidationMark &a, const ValidationMark &b) {
        return a.at == b.at && a.passed == b.passed;
    };
    if (std::equal(runs.cbegin(), runs.cend(), m_runs.cbegin(), m_runs.cend(), same))
        return;
    m_runs = runs;
    recount();
}

void ActivityChart::setNow(const QDateTime &now)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this);
    const qint64 minute = now.isValid() ? minuteOf(now) : 0;
    const bool moved = now.isValid() != m_now.isValid() || minute != m_nowMinute;
    m_now = now;
    m_nowMinute = minute;
    if (!moved)
        return;
    if (now.isValid())
        dropSeenBefore(minute - 2 * kMinutes);
    recount();
}

QList<ValidationMark> ActivityChart::validationMarksOf(
    const QList<Manifest::ChecklistItem> &checklist)
{
    QList<ValidationMark> marks;
    for (const Manifest::ChecklistItem &item : checklist) {
        for (const Manifest::ChecklistRun &run : item.runs) {
            const bool passed = run.status == QLatin1String("passed");
            if (!passed && run.status != QLatin1String("failed"))
                continue;
            const QDateTime at = run.endedAt.isValid() ? run.endedAt : run.startedAt;
            if (at.isValid())
                marks.append(ValidationMark{at, passed});
        }
    }
    return marks;
}

int ActivityChart::commits(int minutesAgo, Origin origin) const
{
    if (minutesAgo < 0 || minutesAgo >= kMinutes)
        return 0;
    const int column = kMinutes - 1 - minutesAgo;
    return origin == Origin::Own ? m_own[column] : m_external[column];
}

int ActivityChart::passedRuns() const
{
    return m_passedTotal;
}

int ActivityChart::failedRuns() const
{
    return m_failedTotal;
}

int ActivityChart::maxPerMinute() const
{
    return m_max;
}

QString ActivityChart::summaryText() const
{
    return m_summary;
}

QString ActivityChart::minuteText(int minutesAgo) const
{
    if (minutesAgo < 0 || minutesAgo >= kMinutes)
        return QString();
    const int column = kMinutes - 1 - minutesAgo;
    const QString when = minutesAgo == 0 ? tr("This minute") : tr("%1 min ago").arg(minutesAgo);
    return minuteLine(when, m_own[column] + m_external[column], m_own[column], m_external[column],
                      m_passed[column], m_failed[column]);
}

QString ActivityChart::minuteLine(const QString &when, int commits, int own, int external,
                                  int passed, int failed)
{
    return tr("%1 — commits: %2 (%3 yours, %4 by others); validation runs: %5 passed, %6 failed")
        .arg(when)
        .arg(commits)
        .arg(own)
        .arg(external)
        .arg(passed)
        .arg(failed);
}

int ActivityChart::highlightedMinute() const
{
    return m_highlighted;
}

void ActivityChart::setHighlightedMinute(int minutesAgo)
{
    if (minutesAgo < 0 || minutesAgo >= kMinutes)
        minutesAgo = -1;
    if (minutesAgo == m_highlighted)
        return;
    m_highlighted = minutesAgo;
    updateTexts();
    updateAccessibleText();
    update();
}

int ActivityChart::minuteAt(const QPoint &pos) const
{
    const QRect plot = plotRect();
    const QRect marks = marksRect();
    if (pos.x() < plot.left() || pos.x() > plot.right() || pos.y() < plot.top()
        || pos.y() > marks.bottom()) {
        return -1;
    }
    const qreal columnWidth = qreal(plot.width()) / kMinutes;
    const int column = qBound(0, int((pos.x() - plot.left()) / columnWidth), kMinutes - 1);
    return kMinutes - 1 - column;
}

QSize ActivityChart::sizeHint() const
{
    // 60 columns about three quarters of a digit wide each, or the legend and the detail line,
    // whichever is wider.
    const int columns = kMinutes * qMax(3, m_digit * 3 / 4);
    return QSize(2 * m_margin + qMax(columns, m_textWidth), m_height);
}

QSize ActivityChart::minimumSizeHint() const
{
    return QSize(2 * m_margin + kMinutes * qMax(2, m_digit / 3), m_height);
}

bool ActivityChart::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int minute = minuteAt(help->pos());
        if (minute >= 0) {
            const QRectF column = columnRect(kMinutes - 1 - minute);
            QToolTip::showText(help->globalPos(), minuteText(minute), this,
                               column.toAlignedRect().united(marksRect()));
        } else if (rect().contains(help->pos())) {
            QToolTip::showText(help->globalPos(), m_summary, this);
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QWidget::event(event);
}

void ActivityChart::paintEvent(QPaintEvent *event)
{
    QPainter painter(this);
    const QRect dirty = event->rect();
    painter.fillRect(dirty, palette().window());
    const Colors colors(palette());
    constexpr int kFlags = Qt::AlignVCenter | Qt::TextSingleLine;

    const QRect plot = plotRect();
    const QRect scale(plot.left(), m_margin, plot.width(), m_lineSpacing);
    if (scale.intersects(dirty)) {
        painter.setPen(colors.text);
        painter.drawText(scale, kFlags | Qt::AlignLeft, m_scaleText);
    }
    if (plot.united(marksRect()).intersects(dirty))
        paintColumns(painter, dirty, colors);

    const QRect axis = axisRect();
    if (axis.intersects(dirty)) {
        painter.setPen(colors.text);
        painter.drawText(axis, kFlags | Qt::AlignLeft, m_axisStart);
        painter.drawText(axis, kFlags | Qt::AlignHCenter, m_axisMiddle);
        painter.drawText(axis, kFlags | Qt::AlignRight, m_axisEnd);
    }
    if (legendRect().intersects(dirty))
        paintLegend(painter, colors);
    const QRect detail = detailRect();
    if (detail.intersects(dirty)) {
        painter.setPen(colors.text);
        painter.drawText(detail, kFlags | Qt::AlignLeft, m_detailElided);
    }
}

void ActivityChart::paintColumns(QPainter &painter, const QRect &dirty, const Colors &colors) const
{
    const QRect plot = plotRect();
    const QRect marks = marksRect();
    const qreal columnWidth = qreal(plot.width()) / kMinutes;
    const int first = qBound(0, int((dirty.left() - plot.left()) / columnWidth), kMinutes - 1);
    const int last = qBound(0, int((dirty.right() - plot.left()) / columnWidth), kMinutes - 1);

    if (m_highlighted >= 0) {
        const int column = kMinutes - 1 - m_highlighted;
        const QRectF whole = columnRect(column);
        const QRectF area(whole.left(), whole.top(), whole.width(), marks.bottom() - whole.top());
        painter.fillRect(area, hasFocus() ? colors.highlight : colors.highlightUnfocused);
        if (hasFocus()) {
            QStyleOptionFocusRect option;
            option.initFrom(this);
            option.rect = area.toAlignedRect();
            option.backgroundColor = palette().color(QPalette::Window);
            style()->drawPrimitive(QStyle::PE_FrameFocusRect, &option, &painter, this);
        }
    }

    // The top of the scale, the baseline, and ticks where the axis labels are.
    painter.setPen(colors.guide);
    painter.drawLine(plot.left(), plot.top(), plot.right(), plot.top());
    painter.setPen(colors.axis);
    painter.drawLine(plot.left(), plot.bottom(), plot.right(), plot.bottom());
    const int tick = m_margin;
    for (const int x : {plot.left(), plot.left() + plot.width() / 2, plot.right()})
        painter.drawLine(x, plot.bottom(), x, plot.bottom() + tick);

    const qreal unit = m_max > 0 ? qreal(plot.height() - 1) / m_max : 0;
    const qreal gap = qMax(1.0, columnWidth / 4);
    const qreal markSide = m_markSize;
    const qreal passRow = marks.top() + m_margin / 2.0;
    const qreal failRow = passRow + markSide + m_margin / 2.0;
    for (int column = first; column <= last; ++column) {
        const QRectF whole = columnRect(column);
        const qreal left = whole.left() + gap / 2;
        const qreal width = whole.width() - gap;
        const qreal own = m_own[column] * unit;
        const qreal external = m_external[column] * unit;
        const qreal base = plot.bottom();
        if (own > 0)
            painter.fillRect(QRectF(left, base - own, width, own), colors.own);
        if (external > 0) {
            // A pixel of gap between the two, so they read apart without colour.
            const qreal separation = own > 0 ? qMin(1.0, external / 2) : 0;
            painter.fillRect(QRectF(left, base - own - external, width, external - separation),
                             colors.external);
        }
    }

    // Validation marks, a row each for passed and failed.
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    const qreal penWidth = qMax(1.5, markSide / 6);
    for (int column = first; column <= last; ++column) {
        if (m_passed[column] == 0 && m_failed[column] == 0)
            continue;
        const qreal center = columnRect(column).center().x();
        if (m_passed[column] > 0) {
            painter.setPen(QPen(colors.passed, penWidth));
            drawCheck(painter, QRectF(center - markSide / 2, passRow, markSide, markSide));
        }
        if (m_failed[column] > 0) {
            painter.setPen(QPen(colors.failed, penWidth));
            drawCross(painter, QRectF(center - markSide / 2, failRow, markSide, markSide));
        }
    }
    painter.restore();
}

void ActivityChart::paintLegend(QPainter &painter, const Colors &colors) const
{
    const QRect legend = legendRect();
    const qreal side = m_markSize;
    const qreal top = legend.top() + (legend.height() - side) / 2.0;
    int x = legend.left();
    const auto label = [&](const QString &text, int width) {
        x += int(side) + m_margin;
        painter.setPen(colors.text);
        painter.drawText(QRect(x, legend.top(), width, legend.height()),
                         Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, text);
        x += width + m_margin * 3;
    };
    painter.fillRect(QRectF(x, top, side, side), colors.own);
    label(m_legendOwn, m_legendWidths[0]);
    painter.fillRect(QRectF(x, top, side, side), colors.external);
    label(m_legendExternal, m_legendWidths[1]);

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal penWidth = qMax(1.5, side / 6);
    painter.setPen(QPen(colors.passed, penWidth));
    drawCheck(painter, QRectF(x, top, side, side));
    painter.restore();
    label(m_legendPassed, m_legendWidths[2]);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(colors.failed, penWidth));
    drawCross(painter, QRectF(x, top, side, side));
    painter.restore();
    label(m_legendFailed, m_legendWidths[3]);
}

void ActivityChart::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateTexts();
}

void ActivityChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        updateMetrics();
        updateTexts();
        updateGeometry();
        update();
    } else if (event->type() == QEvent::PaletteChange) {
        update();
    }
}

void ActivityChart::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Left:
        setHighlightedMinute(m_highlighted < 0 ? 0 : qMin(kMinutes - 1, m_highlighted + 1));
        break;
    case Qt::Key_Right:
        setHighlightedMinute(m_highlighted < 0 ? 0 : qMax(0, m_highlighted - 1));
        break;
    case Qt::Key_Home:
        setHighlightedMinute(kMinutes - 1);
        break;
    case Qt::Key_End:
        setHighlightedMinute(0);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void ActivityChart::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    const int minute = minuteAt(event->position().toPoint());
    if (minute >= 0)
        setHighlightedMinute(minute);
    event->accept();
}

void ActivityChart::focusInEvent(QFocusEvent *event)
{
    QWidget::focusInEvent(event);
    // Tabbing in highlights the current minute at once; a click picks its own.
    if (m_highlighted < 0 && event->reason() != Qt::MouseFocusReason)
        setHighlightedMinute(0);
    update();
}

void ActivityChart::focusOutEvent(QFocusEvent *event)
{
    QWidget::focusOutEvent(event);
    update();
}

void ActivityChart::recount()
{
    m_own.fill(0);
    m_external.fill(0);
    m_passed.fill(0);
    m_failed.fill(0);
    m_passedTotal = 0;
    m_failedTotal = 0;
    if (m_now.isValid()) {
        QSet<QString> counted;
        for (const Manifest::HistoryEntry &entry : std::as_const(m_history)) {
            if (!entry.etag.isEmpty()) {
                if (counted.contains(entry.etag))
                    continue;
                counted.insert(entry.etag);
            }
            const int column = columnOf(entry.at);
            if (column < 0)
                continue;
            const auto seen
                = entry.etag.isEmpty() ? m_seen.constEnd() : m_seen.constFind(entry.etag);
            const bool own = seen != m_seen.constEnd() && seen->source == Snapshot::Source::Self;
            ++(own ? m_own : m_external)[column];
        }
        for (auto it = m_seen.cbegin(); it != m_seen.cend(); ++it) {
            if (it->source == Snapshot::Source::Initial || m_historyEtags.contains(it.key()))
                continue;
            const int column = columnOf(it->at);
            if (column >= 0)
                ++(it->source == Snapshot::Source::Self ? m_own : m_external)[column];
        }
        for (const ValidationMark &run : std::as_const(m_runs)) {
            const int column = columnOf(run.at);
            if (column < 0)
                continue;
            if (run.passed) {
                ++m_passed[column];
                ++m_passedTotal;
            } else {
                ++m_failed[column];
                ++m_failedTotal;
            }
        }
    }
    m_max = 0;
    for (int column = 0; column < kMinutes; ++column)
        m_max = qMax(m_max, m_own[column] + m_external[column]);
    updateTexts();
    updateAccessibleText();
    update();
}

void ActivityChart::dropSeenBefore(qint64 minute)
{
    for (auto it = m_seen.begin(); it != m_seen.end();) {
        if (minuteOf(it->at) < minute)
            it = m_seen.erase(it);
        else
            ++it;
    }
}

int ActivityChart::columnOf(const QDateTime &at) const
{
    if (!at.isValid() || !m_now.isValid())
        return -1;
    qint64 minutesAgo = m_nowMinute - minuteOf(at);
    if (minutesAgo == -1)
        minutesAgo = 0; // another clock a little ahead
    if (minutesAgo < 0 || minutesAgo >= kMinutes)
        return -1;
    return int(kMinutes - 1 - minutesAgo);
}

void ActivityChart::updateMetrics()
{
    const QFontMetrics metrics = fontMetrics();
    m_digit = metrics.horizontalAdvance(QLatin1Char('0'));
    m_margin = qMax(2, m_digit / 2);
    m_lineSpacing = metrics.lineSpacing();
    m_plotHeight = 5 * m_lineSpacing;
    m_markSize = qMax(5, metrics.ascent() * 2 / 3);

    m_axisStart = tr("-60 min");
    m_axisMiddle = tr("-30 min");
    m_axisEnd = tr("now");
    m_legendOwn = tr("yours");
    m_legendExternal = tr("by others");
    m_legendPassed = tr("validation passed");
    m_legendFailed = tr("failed");
    m_legendWidths
        = {metrics.horizontalAdvance(m_legendOwn), metrics.horizontalAdvance(m_legendExternal),
           metrics.horizontalAdvance(m_legendPassed), metrics.horizontalAdvance(m_legendFailed)};
    m_textWidth = 0;
    for (const int width : m_legendWidths)
        m_textWidth += m_markSize + m_margin + width + m_margin * 3;
    // The detail line at its longest, two-digit numbers and all.
    m_textWidth
        = qMax(m_textWidth,
               metrics.horizontalAdvance(minuteLine(tr("%1 min ago").arg(59), 99, 99, 99, 99, 99)));
    m_height = detailRect().bottom() + 1 + m_margin;
}

void ActivityChart::updateTexts()
{
    const int own = std::accumulate(m_own.cbegin(), m_own.cend(), 0);
    const int external = std::accumulate(m_external.cbegin(), m_external.cend(), 0);
    m_summary = tr("Commits in the last hour: %1 (%2 yours, %3 by others); validation runs: %4 "
                   "passed, %5 failed")
                    .arg(own + external)
                    .arg(own)
                    .arg(external)
                    .arg(m_passedTotal)
                    .arg(m_failedTotal);
    m_scaleText = tr("max %1 per minute").arg(m_max);
    const QString detail = m_highlighted >= 0 ? minuteText(m_highlighted) : m_summary;
    m_detailElided = fontMetrics().elidedText(detail, Qt::ElideRight, detailRect().width());
}

void ActivityChart::updateAccessibleText()
{
    const QString name = tr("Activity in the last hour");
    QString description = m_summary;
    if (m_highlighted >= 0)
        description += tr(". Highlighted: %1").arg(minuteText(m_highlighted));
    if (name != m_accessibleName) {
        m_accessibleName = name;
        setAccessibleName(name);
        sendAccessibleEvent(this, QAccessible::NameChanged);
    }
    if (description != m_accessibleDescription) {
        m_accessibleDescription = description;
        setAccessibleDescription(description);
        sendAccessibleEvent(this, QAccessible::DescriptionChanged);
    }
}

QRectF ActivityChart::columnRect(int column) const
{
    const QRect plot = plotRect();
    const qreal columnWidth = qreal(plot.width()) / kMinutes;
    return QRectF(plot.left() + column * columnWidth, plot.top(), columnWidth, plot.height());
}

// Rows, top to bottom: the scale label, the plot, the validation marks, the axis labels, the
// legend, and the detail line (the highlighted minute, else the summary).
QRect ActivityChart::plotRect() const
{
    return QRect(m_margin, m_margin + m_lineSpacing, qMax(kMinutes, width() - 2 * m_margin),
                 m_plotHeight);
}

QRect ActivityChart::marksRect() const
{
    const QRect plot = plotRect();
    return QRect(plot.left(), plot.bottom() + 1, plot.width(), 2 * m_markSize + 2 * m_margin);
}

QRect ActivityChart::axisRect() const
{
    const QRect marks = marksRect();
    return QRect(marks.left(), marks.bottom() + 1, marks.width(), m_lineSpacing);
}

QRect ActivityChart::legendRect() const
{
    const QRect axis = axisRect();
    return QRect(axis.left(), axis.bottom() + 1 + m_margin, axis.width(), m_lineSpacing);
}

QRect ActivityChart::detailRect() const
{
    const QRect legend = legendRect();
    return QRect(legend.left(), legend.bottom() + 1, legend.width(), m_lineSpacing);
}

} // namespace runboard
