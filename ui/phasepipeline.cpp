// SPDX-License-Identifier: MIT
//
// PhasePipeline: the phases as boxes joined by arrows.
//
// Design considerations
// - A run has a handful of phases, so the boxes are laid out whole on every data or size
//   change and painted whole; the tasks behind the numbers are counted by TaskModel as rows
//   change, never here.
// - Every box is as wide as the widest text asks (capped at ~24 characters, titles elided), so
//   the pipeline reads as a row of equals; it wraps where the width ends.
// - Colour is never the only signal: the active phase says "active" and has a thicker frame,
//   done phases say "done". The colours are StatusStyle's for the window palette, so a dark
//   palette gets its own readable tones.
// - Screen readers: the widget's accessible name is "Phases", its description the current
//   phase's sentence followed by all of them, updated as focus moves.
// Invariants: m_rects.size() == m_phases.size() after relayout(); -1 <= m_current < size.
// Thread: GUI thread.

#include "phasepipeline.h"

#include "statusstyle.h"

#include <QAccessible>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace runboard {

namespace {

constexpr int kMaxTitleChars = 24;

} // namespace

PhasePipeline::PhasePipeline(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Phases"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    QSizePolicy policy = sizePolicy();
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void PhasePipeline::setPhases(const QList<Phase> &phases)
{
    if (phases == m_phases)
        return;
    const QString currentId = m_current >= 0 ? m_phases.at(m_current).id : QString();
    m_phases = phases;
    m_current = -1;
    for (int i = 0; i < m_phases.size(); ++i) {
        if (!currentId.isNull() && m_phases.at(i).id == currentId)
            m_current = i;
    }
    relayout();
    updateAccessibleText();
    updateGeometry();
    update();
}

QString PhasePipeline::phaseText(int index) const
{
    if (index < 0 || index >= m_phases.size())
        return {};
    const Phase &phase = m_phases.at(index);
    const QString status = phase.active && phase.status != QLatin1String("active")
                               ? tr("%1, active").arg(phase.status)
                               : phase.status;
    return tr("%1: %2, %3 of %n task(s) done", nullptr, phase.total)
        .arg(phase.title, status.isEmpty() ? tr("no status") : status)
        .arg(phase.done);
}

int PhasePipeline::phaseAt(const QPoint &position) const
{
    for (int i = 0; i < m_rects.size(); ++i) {
        if (m_rects.at(i).contains(position))
            return i;
    }
    return -1;
}

QRect PhasePipeline::phaseRect(int index) const
{
    return index >= 0 && index < m_rects.size() ? m_rects.at(index) : QRect();
}

void PhasePipeline::setCurrentPhase(int index)
{
    if (index < -1 || index >= m_phases.size() || index == m_current)
        return;
    m_current = index;
    updateAccessibleText();
    update();
}

int PhasePipeline::boxWidth() const
{
    const QFontMetrics metrics = fontMetrics();
    QFont bold = font();
    bold.setBold(true); // the active phase's title
    const QFontMetrics boldMetrics(bold);
    int widest = metrics.averageCharWidth() * 10;
    for (int i = 0; i < m_phases.size(); ++i) {
        const Phase &phase = m_phases.at(i);
        widest = qMax(widest, boldMetrics.horizontalAdvance(phase.title.left(kMaxTitleChars)));
        widest
            = qMax(widest,
                   metrics.horizontalAdvance(tr("%1 of %2 done").arg(phase.done).arg(phase.total)));
    }
    return qMin(widest, boldMetrics.averageCharWidth() * kMaxTitleChars) + metrics.height() + 2;
}

QList<QRect> PhasePipeline::layoutFor(int width, int *height) const
{
    const QFontMetrics metrics = fontMetrics();
    const int box = boxWidth();
    const int boxHeight = metrics.lineSpacing() * 3 + metrics.height() * 3 / 4 + 4;
    const int arrow = metrics.height() * 3 / 2;
    const int gap = metrics.height() / 2;
    QList<QRect> rects;
    rects.reserve(m_phases.size());
    int x = 1;
    int y = 1;
    for (int i = 0; i < m_phases.size(); ++i) {
        if (x > 1 && x + box > width - 1) {
            x = 1;
            y += boxHeight + gap;
        }
        rects.append(QRect(x, y, box, boxHeight));
        x += box + arrow;
    }
    if (height)
        *height = m_phases.isEmpty() ? metrics.lineSpacing() + 2 : y + boxHeight + 2;
    return rects;
}

void PhasePipeline::relayout()
{
    m_rects = layoutFor(width(), nullptr);
}

QSize PhasePipeline::sizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    const int wanted = m_phases.size() * (boxWidth() + metrics.height() * 3 / 2);
    return QSize(qMax(wanted, metrics.averageCharWidth() * 40), heightForWidth(wanted));
}

QSize PhasePipeline::minimumSizeHint() const
{
    return QSize(boxWidth() + 2, fontMetrics().lineSpacing() + 2);
}

int PhasePipeline::heightForWidth(int width) const
{
    int height = 0;
    layoutFor(width, &height);
    return height;
}

bool PhasePipeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int index = phaseAt(help->pos());
        setToolTip(phaseText(index));
    } else if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        relayout();
        updateGeometry();
    }
    return QWidget::event(event);
}

void PhasePipeline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    const QFontMetrics metrics = fontMetrics();
    if (m_phases.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignLeft | Qt::AlignVCenter, tr("This run has no phases."));
        return;
    }
    const int line = metrics.lineSpacing();
    for (int i = 0; i < m_phases.size(); ++i) {
        const Phase &phase = m_phases.at(i);
        const QRect box = m_rects.at(i);
        const StatusStyle::Tone tone
            = phase.active ? StatusStyle::Tone::Active : StatusStyle::toneFor(phase.status);
        const QColor toneColor = tone == StatusStyle::Tone::None
                                     ? pal.color(QPalette::WindowText)
                                     : StatusStyle::color(tone, pal, StatusStyle::Surface::Window);

        QColor fill = toneColor;
        fill.setAlphaF(phase.active ? 0.16 : 0.07);
        painter.setPen(
            QPen(phase.active ? pal.color(QPalette::Highlight) : toneColor, phase.active ? 3 : 1));
        painter.setBrush(fill);
        const qreal radius = metrics.height() / 3.0;
        painter.drawRoundedRect(QRectF(box).adjusted(1.5, 1.5, -1.5, -1.5), radius, radius);

        // The share of done tasks, as a thin bar along the bottom edge.
        if (phase.total > 0) {
            const int inner = box.width() - 8;
            const QRect progress(box.left() + 4, box.bottom() - 7,
                                 int(qint64(inner) * phase.done / phase.total), 3);
            painter.fillRect(progress, StatusStyle::color(StatusStyle::Tone::Good, pal,
                                                          StatusStyle::Surface::Window));
        }

        const QRect text
            = box.adjusted(metrics.height() / 2, metrics.height() / 4, -metrics.height() / 2, -8);
        QFont titleFont = font();
        titleFont.setBold(phase.active);
        painter.setFont(titleFont);
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(
            QRect(text.left(), text.top(), text.width(), line), Qt::AlignLeft,
            QFontMetrics(titleFont).elidedText(phase.title, Qt::ElideRight, text.width()));
        painter.setFont(font());
        painter.setPen(toneColor);
        const QString status = phase.active && phase.status != QLatin1String("active")
                                   ? tr("%1 · active").arg(phase.status)
                                   : phase.status;
        painter.drawText(QRect(text.left(), text.top() + line, text.width(), line), Qt::AlignLeft,
                         metrics.elidedText(status, Qt::ElideRight, text.width()));
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(QRect(text.left(), text.top() + 2 * line, text.width(), line),
                         Qt::AlignLeft,
                         metrics.elidedText(tr("%1 of %2 done").arg(phase.done).arg(phase.total),
                                            Qt::ElideRight, text.width()));

        if (i == m_current && hasFocus()) {
            painter.setPen(QPen(pal.color(QPalette::Highlight), 1, Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(QRectF(box).adjusted(4.5, 4.5, -4.5, -4.5), radius, radius);
        }

        // An arrow to the next box when it sits on the same line.
        if (i + 1 < m_rects.size() && m_rects.at(i + 1).top() == box.top()) {
            const QRect next = m_rects.at(i + 1);
            const int y = box.center().y();
            const int from = box.right() + metrics.height() / 4;
            const int to = next.left() - metrics.height() / 4;
            painter.setPen(QPen(pal.color(QPalette::WindowText), 1.5));
            painter.drawLine(from, y, to, y);
            const int head = metrics.height() / 4;
            QPainterPath arrowHead;
            arrowHead.moveTo(to, y);
            arrowHead.lineTo(to - head, y - head);
            arrowHead.lineTo(to - head, y + head);
            arrowHead.closeSubpath();
            painter.fillPath(arrowHead, pal.color(QPalette::WindowText));
        }
    }
}

void PhasePipeline::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void PhasePipeline::mousePressEvent(QMouseEvent *event)
{
    const int index = phaseAt(event->position().toPoint());
    if (event->button() != Qt::LeftButton || index < 0) {
        QWidget::mousePressEvent(event);
        return;
    }
    setCurrentPhase(index);
    Q_EMIT phaseActivated(m_phases.at(index).id);
}

void PhasePipeline::keyPressEvent(QKeyEvent *event)
{
    if (m_phases.isEmpty()) {
        QWidget::keyPressEvent(event);
        return;
    }
    switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Up:
        setCurrentPhase(qMax(0, m_current - 1));
        break;
    case Qt::Key_Right:
    case Qt::Key_Down:
        setCurrentPhase(qMin(int(m_phases.size()) - 1, m_current + 1));
        break;
    case Qt::Key_Home:
        setCurrentPhase(0);
        break;
    case Qt::Key_End:
        setCurrentPhase(int(m_phases.size()) - 1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        if (m_current >= 0)
            Q_EMIT phaseActivated(m_phases.at(m_current).id);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void PhasePipeline::focusInEvent(QFocusEvent *event)
{
    if (m_current < 0 && !m_phases.isEmpty()) {
        int active = 0;
        for (int i = 0; i < m_phases.size(); ++i) {
            if (m_phases.at(i).active)
                active = i;
        }
        setCurrentPhase(active);
    }
    QWidget::focusInEvent(event);
    update();
}

void PhasePipeline::focusOutEvent(QFocusEvent *event)
{
    QWidget::focusOutEvent(event);
    update();
}

void PhasePipeline::updateAccessibleText()
{
    QStringList all;
    for (int i = 0; i < m_phases.size(); ++i)
        all << phaseText(i);
    const QString description
        = m_phases.isEmpty()
              ? tr("This run has no phases.")
              : (m_current >= 0 ? phaseText(m_current) + QStringLiteral(". ") : QString())
                    + tr("%n phase(s): ", nullptr, int(m_phases.size()))
                    + all.join(QStringLiteral("; "));
    if (description != accessibleDescription())
        setAccessibleDescription(description);
}

} // namespace runboard
