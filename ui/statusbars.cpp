// SPDX-License-Identifier: MIT
//
// StatusBars: each phase's tasks, stacked by status.
//
// Design considerations
// - The counts come from TaskModel, which keeps them per phase and status as rows change; a
//   one-task change moves one count and this widget lays out a handful of rows again.
// - A segment with any task is at least a few pixels wide, so a single failed task among 10,000
//   is still there to see and click; the widest segment gives up the difference.
// - Colour is never the only signal: wide segments carry their count, every segment's tooltip
//   and the accessible description say status and count in words, and a legend line under the
//   bars names the colours.
// Invariants: m_segments is laid out for the current size and m_rows; -1 <= m_current <
// m_segments.size().
// Thread: GUI thread.

#include "statusbars.h"

#include "statusstyle.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace runboard {

namespace {

const QStringList &knownOrder()
{
    static const QStringList order = {
        QStringLiteral("done"),    QStringLiteral("review"),  QStringLiteral("in_progress"),
        QStringLiteral("claimed"), QStringLiteral("pending"), QStringLiteral("failed"),
    };
    return order;
}

QColor segmentColor(const QString &status, const QPalette &palette)
{
    const StatusStyle::Tone tone = StatusStyle::toneFor(status);
    // Waiting and unknown statuses are a quiet grey, not the near-black (or near-white) text
    // colour of their tone: a bar of pending tasks must not shout. The text colour at a third
    // over the window is such a grey on light and dark palettes alike (the palette's Mid is
    // nearly the window colour in some dark palettes).
    if (tone == StatusStyle::Tone::None || tone == StatusStyle::Tone::Neutral) {
        QColor grey = palette.color(QPalette::WindowText);
        grey.setAlphaF(0.33f);
        return grey;
    }
    QColor color = StatusStyle::color(tone, palette, StatusStyle::Surface::Window);
    // claimed and in_progress share a tone; claimed is the lighter of the two.
    if (status == QLatin1String("claimed"))
        color.setAlphaF(0.6);
    return color;
}

} // namespace

StatusBars::StatusBars(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Tasks by phase and status"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

int StatusBars::statusRank(const QString &status)
{
    const qsizetype known = knownOrder().indexOf(status);
    return known >= 0 ? int(known) : int(knownOrder().size());
}

void StatusBars::setRows(const QList<Row> &rows)
{
    if (rows == m_rows)
        return;
    QString currentPhase;
    QString currentStatus;
    if (m_current >= 0) {
        currentPhase = m_rows.at(m_segments.at(m_current).row).phaseId;
        currentStatus = m_segments.at(m_current).status;
    }
    m_rows = rows;
    relayout();
    m_current = -1;
    for (int i = 0; i < m_segments.size(); ++i) {
        if (m_rows.at(m_segments.at(i).row).phaseId == currentPhase
            && m_segments.at(i).status == currentStatus)
            m_current = i;
    }
    updateAccessibleText();
    updateGeometry();
    update();
}

int StatusBars::labelWidth() const
{
    const QFontMetrics metrics = fontMetrics();
    int widest = 0;
    for (const Row &row : m_rows)
        widest = qMax(widest, metrics.horizontalAdvance(row.label));
    return qMin(widest, metrics.averageCharWidth() * 20) + metrics.averageCharWidth();
}

int StatusBars::countWidth() const
{
    return fontMetrics().horizontalAdvance(tr("%n task(s)", nullptr, 99999))
           + fontMetrics().averageCharWidth();
}

int StatusBars::rowHeight() const
{
    return fontMetrics().height() * 3 / 2;
}

void StatusBars::relayout()
{
    m_segments.clear();
    const int barLeft = labelWidth();
    const int barWidth = qMax(10, width() - barLeft - countWidth());
    const int minimum = qMax(3, fontMetrics().averageCharWidth() / 2);
    for (int r = 0; r < m_rows.size(); ++r) {
        const Row &row = m_rows.at(r);
        QList<std::pair<QString, int>> parts;
        int total = 0;
        for (auto it = row.counts.cbegin(); it != row.counts.cend(); ++it) {
            if (it.value() <= 0)
                continue;
            parts.append({it.key(), it.value()});
            total += it.value();
        }
        if (total == 0)
            continue;
        std::sort(parts.begin(), parts.end(), [](const auto &a, const auto &b) {
            const int ra = statusRank(a.first);
            const int rb = statusRank(b.first);
            return ra != rb ? ra < rb : a.first < b.first;
        });
        // Widths: proportional, at least `minimum`, the widest absorbing the rounding.
        QList<int> widths;
        int used = 0;
        int widest = 0;
        for (int i = 0; i < parts.size(); ++i) {
            const int w = qMax(minimum, int(qint64(barWidth) * parts.at(i).second / total));
            widths << w;
            used += w;
            if (w > widths.at(widest))
                widest = i;
        }
        widths[widest] = qMax(minimum, widths.at(widest) + barWidth - used);
        const int top = r * rowHeight() + rowHeight() / 6;
        int x = barLeft;
        for (int i = 0; i < parts.size(); ++i) {
            m_segments.append(Segment{r, parts.at(i).first, parts.at(i).second,
                                      QRect(x, top, widths.at(i), rowHeight() * 2 / 3)});
            x += widths.at(i);
        }
    }
}

int StatusBars::segmentAt(const QPoint &position) const
{
    for (int i = 0; i < m_segments.size(); ++i) {
        if (m_segments.at(i).rect.contains(position))
            return i;
    }
    return -1;
}

QString StatusBars::segmentText(int index) const
{
    if (index < 0 || index >= m_segments.size())
        return {};
    const Segment &segment = m_segments.at(index);
    int total = 0;
    for (const int count : m_rows.at(segment.row).counts)
        total += count;
    return tr("%1: %2 of %n task(s) %3 (%4 %)", nullptr, total)
        .arg(m_rows.at(segment.row).label)
        .arg(segment.count)
        .arg(segment.status.isEmpty() ? tr("without status") : segment.status)
        .arg(total > 0 ? qRound(100.0 * segment.count / total) : 0);
}

QString StatusBars::rowText(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    QList<std::pair<QString, int>> parts;
    int total = 0;
    for (auto it = m_rows.at(row).counts.cbegin(); it != m_rows.at(row).counts.cend(); ++it) {
        if (it.value() > 0) {
            parts.append({it.key(), it.value()});
            total += it.value();
        }
    }
    std::sort(parts.begin(), parts.end(), [](const auto &a, const auto &b) {
        const int ra = statusRank(a.first);
        const int rb = statusRank(b.first);
        return ra != rb ? ra < rb : a.first < b.first;
    });
    QStringList words;
    for (const auto &[status, count] : std::as_const(parts))
        words << tr("%1 %2").arg(count).arg(status.isEmpty() ? tr("without status") : status);
    return tr("%1: %n task(s)", nullptr, total).arg(m_rows.at(row).label)
           + (words.isEmpty() ? QString()
                              : QStringLiteral(" — ") + words.join(QStringLiteral(", ")));
}

void StatusBars::setCurrentSegment(int index)
{
    if (index < -1 || index >= m_segments.size() || index == m_current)
        return;
    m_current = index;
    updateAccessibleText();
    update();
}

QSize StatusBars::sizeHint() const
{
    return QSize(fontMetrics().averageCharWidth() * 60,
                 qMax(1, int(m_rows.size())) * rowHeight() + fontMetrics().lineSpacing() + 4);
}

QSize StatusBars::minimumSizeHint() const
{
    return QSize(labelWidth() + countWidth() + 40, sizeHint().height());
}

bool StatusBars::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int index = segmentAt(help->pos());
        if (index >= 0)
            QToolTip::showText(help->globalPos(), segmentText(index), this,
                               m_segments.at(index).rect);
        else
            QToolTip::hideText();
        return true;
    }
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        relayout();
        updateGeometry();
    }
    return QWidget::event(event);
}

void StatusBars::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QPalette &pal = palette();
    const QFontMetrics metrics = fontMetrics();
    if (m_rows.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignLeft | Qt::AlignTop, tr("No tasks yet."));
        return;
    }
    const int labelW = labelWidth();
    for (int r = 0; r < m_rows.size(); ++r) {
        const QRect line(0, r * rowHeight(), width(), rowHeight());
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(QRect(0, line.top(), labelW - metrics.averageCharWidth(), line.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(m_rows.at(r).label, Qt::ElideRight,
                                            labelW - metrics.averageCharWidth()));
        int total = 0;
        for (const int count : m_rows.at(r).counts)
            total += count;
        painter.drawText(QRect(width() - countWidth(), line.top(), countWidth(), line.height()),
                         Qt::AlignRight | Qt::AlignVCenter, tr("%n task(s)", nullptr, total));
    }
    for (int i = 0; i < m_segments.size(); ++i) {
        const Segment &segment = m_segments.at(i);
        const QColor color = segmentColor(segment.status, pal);
        painter.fillRect(segment.rect.adjusted(0, 0, -1, 0), color);
        const QString count = QString::number(segment.count);
        if (metrics.horizontalAdvance(count) + 6 < segment.rect.width()) {
            // The count in whichever of black or white reads on the segment.
            const QColor blended = QColor::fromRgbF(
                color.redF() * color.alphaF()
                    + pal.color(QPalette::Window).redF() * (1 - color.alphaF()),
                color.greenF() * color.alphaF()
                    + pal.color(QPalette::Window).greenF() * (1 - color.alphaF()),
                color.blueF() * color.alphaF()
                    + pal.color(QPalette::Window).blueF() * (1 - color.alphaF()));
            painter.setPen(StatusStyle::contrastRatio(blended, Qt::black)
                                   >= StatusStyle::contrastRatio(blended, Qt::white)
                               ? Qt::black
                               : Qt::white);
            painter.drawText(segment.rect, Qt::AlignCenter, count);
        }
        if (i == m_current && hasFocus()) {
            painter.setPen(QPen(pal.color(QPalette::WindowText), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(segment.rect.adjusted(1, 1, -2, -1));
        }
    }
    // The legend: the statuses present, in their colours and words.
    QStringList present;
    for (const Segment &segment : m_segments) {
        if (!present.contains(segment.status))
            present << segment.status;
    }
    std::sort(present.begin(), present.end(), [](const QString &a, const QString &b) {
        return statusRank(a) != statusRank(b) ? statusRank(a) < statusRank(b) : a < b;
    });
    int x = labelW;
    const int y = int(m_rows.size()) * rowHeight() + 2;
    const int swatch = metrics.height() * 2 / 3;
    for (const QString &status : std::as_const(present)) {
        const QString word = status.isEmpty() ? tr("without status") : status;
        painter.fillRect(QRect(x, y + (metrics.height() - swatch) / 2, swatch, swatch),
                         segmentColor(status, pal));
        x += swatch + metrics.averageCharWidth() / 2;
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(QRect(x, y, width() - x, metrics.height()), Qt::AlignLeft, word);
        x += metrics.horizontalAdvance(word) + metrics.averageCharWidth() * 2;
    }
}

void StatusBars::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void StatusBars::mousePressEvent(QMouseEvent *event)
{
    const int index = segmentAt(event->position().toPoint());
    if (event->button() != Qt::LeftButton || index < 0) {
        QWidget::mousePressEvent(event);
        return;
    }
    setCurrentSegment(index);
    const Segment &segment = m_segments.at(index);
    Q_EMIT segmentActivated(m_rows.at(segment.row).phaseId, segment.status);
}

void StatusBars::moveInRow(int step)
{
    if (m_current < 0) {
        setCurrentSegment(m_segments.isEmpty() ? -1 : 0);
        return;
    }
    const int next = m_current + step;
    if (next >= 0 && next < m_segments.size()
        && m_segments.at(next).row == m_segments.at(m_current).row)
        setCurrentSegment(next);
}

void StatusBars::moveToRow(int step)
{
    if (m_current < 0) {
        setCurrentSegment(m_segments.isEmpty() ? -1 : 0);
        return;
    }
    const int row = m_segments.at(m_current).row;
    // The first segment of the nearest row in that direction that has any.
    if (step > 0) {
        for (int i = m_current + 1; i < m_segments.size(); ++i) {
            if (m_segments.at(i).row != row) {
                setCurrentSegment(i);
                return;
            }
        }
    } else {
        int target = -1;
        for (int i = m_current - 1; i >= 0; --i) {
            if (m_segments.at(i).row != row) {
                target = i;
                const int targetRow = m_segments.at(i).row;
                while (target > 0 && m_segments.at(target - 1).row == targetRow)
                    --target;
                break;
            }
        }
        if (target >= 0)
            setCurrentSegment(target);
    }
}

void StatusBars::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Left:
        moveInRow(-1);
        break;
    case Qt::Key_Right:
        moveInRow(+1);
        break;
    case Qt::Key_Up:
        moveToRow(-1);
        break;
    case Qt::Key_Down:
        moveToRow(+1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        if (m_current >= 0) {
            const Segment &segment = m_segments.at(m_current);
            Q_EMIT segmentActivated(m_rows.at(segment.row).phaseId, segment.status);
        }
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void StatusBars::focusInEvent(QFocusEvent *event)
{
    if (m_current < 0 && !m_segments.isEmpty())
        setCurrentSegment(0);
    QWidget::focusInEvent(event);
    update();
}

void StatusBars::focusOutEvent(QFocusEvent *event)
{
    QWidget::focusOutEvent(event);
    update();
}

void StatusBars::updateAccessibleText()
{
    QStringList rows;
    for (int r = 0; r < m_rows.size(); ++r)
        rows << rowText(r);
    const QString description
        = m_rows.isEmpty()
              ? tr("No tasks yet.")
              : (m_current >= 0 ? segmentText(m_current) + QStringLiteral(". ") : QString())
                    + rows.join(QStringLiteral("; "));
    if (description != accessibleDescription())
        setAccessibleDescription(description);
}

} // namespace runboard
