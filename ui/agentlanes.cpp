// SPDX-License-Identifier: MIT
//
// AgentLanes: the Overview's picture of who is working and who has gone quiet.
//
// Design considerations
// - One lane per active agent, in manifest order, so a lane never jumps when an age ticks.
//   Finished agents (completed, failed) are folded into one line under the lanes ("and 3
//   finished: 2 completed, 1 failed"): the Overview is about work in progress, the Agents tab
//   lists everyone, and a run of hundreds of spent workers would otherwise push the live ones out
//   of view. The folded line is no lane: it cannot be current or activated.
// - The silence bar fills toward Manifest::kStallThreshold. Its tone: Good below half the
//   threshold, Warning (amber) from half of it, Bad (red) once Manifest::isStalled says so, the
//   one definition of a stall the tables and the CLI share. So a lead, or an agent that is not
//   running, turns amber when quiet but never red by the clock (ADE does not stall those), and
//   an agent ADE's sweep flagged is red at any age. A tick through the bar shows where amber
//   starts. Colour is never alone: the age text says "silent 12 min of 10 min: stalled", and a
//   cancellation request is a drawn mark plus words, kept at the lane's right edge so a long age
//   text elides before it does.
// - Every text is built when its agent changes or the clock moves, never in paintEvent():
//   setAgents() keeps the lanes whose agent did not change (texts, elision and all), setNow()
//   rebuilds only the age parts, and elision is redone on a resize or font change. paintEvent()
//   draws only the lanes that meet the event's rectangle, with colours fetched once per paint,
//   so a run of hundreds of agents in a scroll area costs the dozen lanes in view.
// - All sizes come from the font metrics (margins, lane height, bar size), so a scale factor of
//   2 or a large font stays readable; colours come from the palette and StatusStyle only.
// - Agents wrote the names, roles and step ids: they are drawn and spoken as plain text, with
//   line breaks folded (simplified()), and the tooltip goes through plainToolTip().
// - Screen readers: the accessible description carries the counts and the current lane's
//   sentence (the same numbers as the picture); a NameChanged / DescriptionChanged event goes out
//   whenever either changes, which includes the current lane moving and a tick that changes the
//   current lane's minutes (Qt 6.4's setAccessibleDescription() sends none itself).
// Thread: GUI thread.

#include "agentlanes.h"

#include "plaintext.h"
#include "threadcheck.h"

#include <QAccessible>
#include <QFocusEvent>
#include <QFontMetrics>
#include <QHash>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionFocusRect>
#include <QToolTip>

#include <chrono>

namespace runboard {

namespace {

using Tone = StatusStyle::Tone;

constexpr qint64 kStallSeconds
    = std::chrono::duration_cast<std::chrono::seconds>(Manifest::kStallThreshold).count();
// The share of the stall threshold from which a quiet agent turns amber.
constexpr qreal kWarningShare = 0.5;

void sendAccessibleEvent(QWidget *widget, QAccessible::Event type)
{
    QAccessibleEvent event(widget, type);
    QAccessible::updateAccessibility(&event);
}

// "silent 12 min of 10 min: stalled"; `silent` is -1 without a clock.
QString ageText(const QDateTime &liveness, qint64 silent, bool stalled)
{
    QString age;
    if (!liveness.isValid())
        age = AgentLanes::tr("no sign of life yet");
    else if (silent < 0)
        age = AgentLanes::tr("last sign of life at %1").arg(StatusStyle::formatTime(liveness));
    else
        age = AgentLanes::tr("silent %1 of %2")
                  .arg(StatusStyle::formatDuration(silent),
                       StatusStyle::formatDuration(kStallSeconds));
    return stalled ? AgentLanes::tr("%1: stalled").arg(age) : age;
}

QColor faded(QColor color, qreal alpha)
{
    color.setAlphaF(float(alpha));
    return color;
}

} // namespace

// The colours of one paint, fetched once rather than per lane.
struct AgentLanes::Colors
{
    explicit Colors(const QPalette &palette)
    {
        text = palette.color(QPalette::WindowText);
        for (const Tone tone :
             {Tone::Neutral, Tone::Active, Tone::Good, Tone::Warning, Tone::Bad, Tone::Muted}) {
            tones[int(tone)] = StatusStyle::color(tone, palette, StatusStyle::Surface::Window);
        }
        tones[int(Tone::None)] = text;
        groove = faded(text, 0.12);
        grooveLine = faded(text, 0.45);
        separator = faded(text, 0.15);
        current = StatusStyle::highlight(palette, 1.0);
        currentUnfocused = StatusStyle::highlight(palette, 0.5);
    }
    const QColor &of(Tone tone) const { return tones[int(tone)]; }

    QColor tones[int(Tone::Muted) + 1];
    QColor text;
    QColor groove;
    QColor grooveLine;
    QColor separator;
    QColor current;
    QColor currentUnfocused;
};

AgentLanes::AgentLanes(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    updateMetrics();
    updateCounts();
    updateAccessibleText();
}

void AgentLanes::setAgents(const QList<Manifest::Agent> &agents, const QDateTime &now)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this);
    // The common case, a snapshot where no agent changed: the clock at most.
    bool same = true;
    int active = 0;
    int completed = 0;
    int failed = 0;
    for (const Manifest::Agent &agent : agents) {
        if (agent.status == QLatin1String("completed")) {
            ++completed;
        } else if (agent.status == QLatin1String("failed")) {
            ++failed;
        } else if (active < m_lanes.size() && sameAgent(m_lanes.at(active), agent)) {
            ++active;
        } else {
            same = false;
            break;
        }
    }
    if (same && active == m_lanes.size() && completed == m_completed && failed == m_failed) {
        setNow(now);
        return;
    }

    const QString currentId = laneSessionId(m_current);
    const int oldHeight = contentHeight();
    const bool clockMoved = now != m_now;
    m_now = now;
    // What is already built for an agent that did not change is kept, wherever it moved.
    QHash<QString, int> known;
    known.reserve(m_lanes.size());
    for (int i = int(m_lanes.size()) - 1; i >= 0; --i)
        known.insert(m_lanes.at(i).agent.sessionId, i);
    QList<Lane> lanes;
    lanes.reserve(agents.size());
    m_completed = 0;
    m_failed = 0;
    int newCurrent = -1;
    for (const Manifest::Agent &agent : agents) {
        if (agent.status == QLatin1String("completed")) {
            ++m_completed;
            continue;
        }
        if (agent.status == QLatin1String("failed")) {
            ++m_failed;
            continue;
        }
        const int index = int(lanes.size());
        const int old = known.value(agent.sessionId, -1);
        if (old >= 0 && sameAgent(m_lanes.at(old), agent)) {
            lanes.append(m_lanes.at(old));
            if (clockMoved)
                updateLaneTime(lanes.last());
        } else {
            lanes.append(makeLane(agent));
            updateLaneTime(lanes.last());
        }
        if (!currentId.isNull() && agent.sessionId == currentId && newCurrent < 0)
            newCurrent = index;
    }
    m_lanes = std::move(lanes);
    if (newCurrent < 0 && m_current >= 0 && !m_lanes.isEmpty())
        newCurrent = qMin(m_current, int(m_lanes.size()) - 1);
    updateCounts();
    // A lane more or fewer, or the folded line coming or going.
    if (contentHeight() != oldHeight)
        updateGeometry();
    update();
    if (newCurrent != m_current) {
        m_current = newCurrent;
        Q_EMIT currentLaneChanged(m_current);
    }
    updateAccessibleText();
}

void AgentLanes::setNow(const QDateTime &now)
{
    RUNBOARD_ASSERT_ON_THREAD_OF(this);
    if (now == m_now)
        return;
    m_now = now;
    bool changed = false;
    for (Lane &lane : m_lanes)
        changed |= updateLaneTime(lane);
    if (!changed)
        return;
    updateCounts();
    update();
    updateAccessibleText();
}

int AgentLanes::laneCount() const
{
    return int(m_lanes.size());
}

int AgentLanes::finishedCount() const
{
    return m_completed + m_failed;
}

QString AgentLanes::laneText(int lane) const
{
    return lane >= 0 && lane < m_lanes.size() ? m_lanes.at(lane).sentence : QString();
}

QString AgentLanes::laneSessionId(int lane) const
{
    return lane >= 0 && lane < m_lanes.size() ? m_lanes.at(lane).agent.sessionId : QString();
}

StatusStyle::Tone AgentLanes::laneTone(int lane) const
{
    return lane >= 0 && lane < m_lanes.size() ? m_lanes.at(lane).tone : Tone::None;
}

QString AgentLanes::finishedText() const
{
    return m_finishedText;
}

int AgentLanes::laneAt(const QPoint &pos) const
{
    if (pos.x() < 0 || pos.x() >= width() || pos.y() < 0 || m_laneHeight <= 0)
        return -1;
    const int lane = pos.y() / m_laneHeight;
    return lane < m_lanes.size() ? lane : -1;
}

QRect AgentLanes::laneRect(int lane) const
{
    if (lane < 0 || lane >= m_lanes.size())
        return {};
    return QRect(0, lane * m_laneHeight, width(), m_laneHeight);
}

int AgentLanes::currentLane() const
{
    return m_current;
}

void AgentLanes::setCurrentLane(int lane)
{
    moveCurrent(lane >= 0 && lane < m_lanes.size() ? lane : -1);
}

QSize AgentLanes::sizeHint() const
{
    return QSize(m_hintWidth, contentHeight());
}

QSize AgentLanes::minimumSizeHint() const
{
    return QSize(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 24, contentHeight());
}

bool AgentLanes::hasHeightForWidth() const
{
    return true;
}

int AgentLanes::heightForWidth(int width) const
{
    // Lanes elide rather than wrap: the height is the lanes', whatever the width.
    Q_UNUSED(width);
    return contentHeight();
}

bool AgentLanes::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int lane = laneAt(help->pos());
        if (lane >= 0) {
            QToolTip::showText(help->globalPos(), plainToolTip(laneText(lane)), this,
                               laneRect(lane));
        } else if (!m_finishedText.isEmpty() && finishedRect().contains(help->pos())) {
            QToolTip::showText(help->globalPos(), m_finishedText, this, finishedRect());
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QWidget::event(event);
}

void AgentLanes::paintEvent(QPaintEvent *event)
{
    QPainter painter(this);
    const QRect dirty = event->rect();
    painter.fillRect(dirty, palette().window());
    const Colors colors(palette());

    if (!m_lanes.isEmpty()) {
        const int first = qMax(0, dirty.top() / m_laneHeight);
        const int last = qMin(int(m_lanes.size()) - 1, dirty.bottom() / m_laneHeight);
        for (int lane = first; lane <= last; ++lane)
            paintLane(painter, m_lanes.at(lane), laneRect(lane), lane == m_current, colors);
    }
    const QRect finished = finishedRect();
    if (!finished.isNull() && finished.intersects(dirty)) {
        painter.setPen(colors.of(Tone::Muted));
        painter.setFont(font());
        painter.drawText(finished.adjusted(m_margin, 0, -m_margin, 0),
                         Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                         m_finishedText.isEmpty() ? m_emptyText : m_finishedText);
    }
}

void AgentLanes::paintLane(QPainter &painter, const Lane &lane, const QRect &rect, bool current,
                           const Colors &colors) const
{
    if (current) {
        painter.fillRect(rect, hasFocus() ? colors.current : colors.currentUnfocused);
        if (hasFocus()) {
            QStyleOptionFocusRect option;
            option.initFrom(this);
            option.rect = rect.adjusted(1, 1, -1, -1);
            option.backgroundColor = palette().color(QPalette::Window);
            style()->drawPrimitive(QStyle::PE_FrameFocusRect, &option, &painter, this);
        }
    }
    painter.setPen(colors.separator);
    painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom());

    const int left = rect.left() + m_margin;
    const int right = rect.right() - m_margin;
    const int firstLine = rect.top() + m_margin;
    const int secondLine = firstLine + m_lineSpacing;
    constexpr int kFlags = Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine;

    // First line: who (bold), role and step, and the status word at the right.
    painter.setPen(colors.text);
    painter.setFont(m_boldFont);
    painter.drawText(QRect(left, firstLine, lane.nameWidth, m_lineSpacing), kFlags,
                     lane.elidedName);
    painter.setFont(font());
    if (!lane.elidedDetail.isEmpty()) {
        const int detailLeft = left + lane.nameWidth + m_margin * 2;
        painter.drawText(
            QRect(detailLeft, firstLine, right - lane.statusWidth - detailLeft, m_lineSpacing),
            kFlags, lane.elidedDetail);
    }
    painter.setPen(colors.of(lane.statusTone));
    painter.drawText(QRect(right - lane.statusWidth, firstLine, lane.statusWidth, m_lineSpacing),
                     kFlags, lane.statusText);

    // Second line: the silence bar, its age text, and the cancellation mark.
    const QRect bar(left, secondLine + (m_lineSpacing - m_barHeight) / 2, m_barWidth, m_barHeight);
    painter.fillRect(bar, colors.groove);
    if (lane.silentSeconds >= 0) {
        const int filled = qRound(bar.width() * lane.fill);
        if (filled > 0)
            painter.fillRect(QRect(bar.left(), bar.top(), filled, bar.height()),
                             colors.of(lane.tone));
    }
    painter.setPen(colors.grooveLine);
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    // Where amber starts, drawn through the bar.
    const int warningX = bar.left() + qRound(bar.width() * kWarningShare);
    painter.drawLine(warningX, bar.top() - m_barHeight / 3, warningX,
                     bar.bottom() + m_barHeight / 3);

    const Tone ageTone = lane.tone == Tone::Good ? Tone::None : lane.tone;
    painter.setPen(colors.of(ageTone));
    painter.drawText(
        QRect(bar.right() + 1 + m_margin * 2, secondLine, lane.ageWidth, m_lineSpacing), kFlags,
        lane.elidedAge);

    if (lane.agent.cancellationRequested) {
        // A "no entry" mark (a circle with a bar through it) and the words, at the right where
        // the age text cannot push them out.
        const QColor &cancelColor = colors.of(Tone::Warning);
        const int x = right - m_cancelBlockWidth;
        const int side = m_cancelMarkSide;
        const QRectF mark(x, secondLine + (m_lineSpacing - side) / 2.0, side, side);
        painter.save();
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(cancelColor, qMax(1.5, side / 7.0)));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(mark.adjusted(1, 1, -1, -1));
        const qreal inset = side * 0.28;
        painter.drawLine(QPointF(mark.left() + inset, mark.bottom() - inset),
                         QPointF(mark.right() - inset, mark.top() + inset));
        painter.restore();
        painter.setPen(cancelColor);
        painter.drawText(QRect(x + side + m_margin, secondLine, m_cancelWidth, m_lineSpacing),
                         kFlags, m_cancelText);
    }
}

void AgentLanes::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    for (Lane &lane : m_lanes)
        elideLane(lane);
}

void AgentLanes::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        updateMetrics();
        for (Lane &lane : m_lanes)
            measureLane(lane);
        updateGeometry();
        update();
    } else if (event->type() == QEvent::PaletteChange) {
        update();
    }
}

void AgentLanes::keyPressEvent(QKeyEvent *event)
{
    const int count = int(m_lanes.size());
    if (count == 0) {
        QWidget::keyPressEvent(event);
        return;
    }
    const int page = qMax(1, visibleRegion().boundingRect().height() / m_laneHeight - 1);
    switch (event->key()) {
    case Qt::Key_Up:
        moveCurrent(m_current < 0 ? 0 : qMax(0, m_current - 1));
        break;
    case Qt::Key_Down:
        moveCurrent(m_current < 0 ? 0 : qMin(count - 1, m_current + 1));
        break;
    case Qt::Key_PageUp:
        moveCurrent(qMax(0, m_current - page));
        break;
    case Qt::Key_PageDown:
        moveCurrent(qMin(count - 1, qMax(0, m_current) + page));
        break;
    case Qt::Key_Home:
        moveCurrent(0);
        break;
    case Qt::Key_End:
        moveCurrent(count - 1);
        break;
    case Qt::Key_Enter:
    case Qt::Key_Return:
        if (m_current < 0) {
            QWidget::keyPressEvent(event);
            return;
        }
        Q_EMIT agentActivated(m_lanes.at(m_current).agent.sessionId);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void AgentLanes::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressedLane = laneAt(event->position().toPoint());
    if (m_pressedLane >= 0)
        moveCurrent(m_pressedLane);
    event->accept();
}

void AgentLanes::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const int lane = laneAt(event->position().toPoint());
    if (lane >= 0 && lane == m_pressedLane)
        Q_EMIT agentActivated(m_lanes.at(lane).agent.sessionId);
    m_pressedLane = -1;
    event->accept();
}

void AgentLanes::focusInEvent(QFocusEvent *event)
{
    QWidget::focusInEvent(event);
    // Tabbing in shows a current lane at once; a click picks its own.
    if (m_current < 0 && !m_lanes.isEmpty() && event->reason() != Qt::MouseFocusReason)
        moveCurrent(0);
    update(laneRect(m_current));
}

void AgentLanes::focusOutEvent(QFocusEvent *event)
{
    QWidget::focusOutEvent(event);
    update(laneRect(m_current));
}

bool AgentLanes::sameAgent(const Lane &lane, const Manifest::Agent &agent)
{
    const Manifest::Agent &known = lane.agent;
    return known.sessionId == agent.sessionId && known.status == agent.status
           && known.role == agent.role && known.displayName == agent.displayName
           && known.currentStepId == agent.currentStepId && known.stalledFlag == agent.stalledFlag
           && known.cancellationRequested == agent.cancellationRequested
           && lane.liveness == Manifest::livenessOf(agent);
}

AgentLanes::Lane AgentLanes::makeLane(const Manifest::Agent &agent) const
{
    Lane lane;
    lane.agent = agent;
    lane.liveness = Manifest::livenessOf(agent);

    // Agents wrote these: one line each, shown as they are.
    const QString session = agent.sessionId.simplified();
    const QString display = agent.displayName.simplified();
    if (session.isEmpty())
        lane.nameText = display.isEmpty() ? tr("(no session id)") : display;
    else if (display.isEmpty() || display == session)
        lane.nameText = session;
    else
        lane.nameText = tr("%1 (%2)").arg(session, display);

    QStringList detail;
    const QString role = agent.role.simplified();
    if (!role.isEmpty())
        detail << role;
    const QString step = agent.currentStepId.simplified();
    if (!step.isEmpty())
        detail << tr("on %1").arg(step);
    lane.detailText = detail.join(QStringLiteral(", "));

    const QString status = agent.status.simplified();
    lane.statusText = status.isEmpty() ? tr("no status") : status;
    lane.statusTone = StatusStyle::toneFor(agent.status);
    measureLane(lane);
    return lane;
}

bool AgentLanes::updateLaneTime(Lane &lane) const
{
    qint64 silent = -1;
    if (lane.liveness.isValid() && m_now.isValid())
        silent = qMax<qint64>(0, lane.liveness.secsTo(m_now));
    const bool stalled = Manifest::isStalled(lane.agent, m_now);
    Tone tone = Tone::Neutral;
    if (stalled)
        tone = Tone::Bad;
    else if (silent >= 0)
        tone = silent >= kStallSeconds * kWarningShare ? Tone::Warning : Tone::Good;
    const qreal fill = silent < 0 ? 0.0 : qMin<qreal>(1.0, qreal(silent) / kStallSeconds);

    const QString age = ageText(lane.liveness, silent, stalled);

    const bool changed = silent != lane.silentSeconds || stalled != lane.stalled
                         || tone != lane.tone || age != lane.ageText;
    lane.silentSeconds = silent;
    lane.stalled = stalled;
    lane.tone = tone;
    lane.fill = fill;
    if (age != lane.ageText || lane.sentence.isEmpty()) {
        lane.ageText = age;
        elideAge(lane);
        updateSentence(lane);
    }
    return changed;
}

void AgentLanes::updateSentence(Lane &lane) const
{
    QStringList parts{lane.nameText};
    if (!lane.detailText.isEmpty())
        parts << lane.detailText;
    parts << lane.statusText << lane.ageText;
    if (lane.agent.cancellationRequested)
        parts << m_cancelText;
    lane.sentence = parts.join(QStringLiteral(", "));
}

void AgentLanes::measureLane(Lane &lane) const
{
    const QFontMetrics metrics = fontMetrics();
    lane.statusWidth = metrics.horizontalAdvance(lane.statusText);
    elideLane(lane);
}

void AgentLanes::elideLane(Lane &lane) const
{
    const QFontMetrics metrics = fontMetrics();
    const QFontMetrics bold(m_boldFont);
    const int gap = m_margin * 2;
    const int available = qMax(0, width() - 2 * m_margin - lane.statusWidth - gap);
    // The name comes first; the role and step get what it leaves, but at least two fifths when
    // the name is long.
    int nameRoom = available;
    if (!lane.detailText.isEmpty()) {
        const int detailWidth = metrics.horizontalAdvance(lane.detailText);
        nameRoom = qMax(available * 3 / 5, available - detailWidth - gap);
    }
    lane.elidedName = bold.elidedText(lane.nameText, Qt::ElideRight, nameRoom);
    lane.nameWidth = bold.horizontalAdvance(lane.elidedName);
    const int detailRoom = available - lane.nameWidth - gap;
    lane.elidedDetail = detailRoom > metrics.horizontalAdvance(QStringLiteral("…")) * 2
                            ? metrics.elidedText(lane.detailText, Qt::ElideRight, detailRoom)
                            : QString();
    elideAge(lane);
}

void AgentLanes::elideAge(Lane &lane) const
{
    const QFontMetrics metrics = fontMetrics();
    const int left = m_margin + m_barWidth + m_margin * 2;
    int right = width() - m_margin;
    if (lane.agent.cancellationRequested)
        right -= m_cancelBlockWidth + m_margin * 2;
    lane.elidedAge = metrics.elidedText(lane.ageText, Qt::ElideRight, qMax(0, right - left));
    lane.ageWidth = metrics.horizontalAdvance(lane.elidedAge);
}

void AgentLanes::updateMetrics()
{
    const QFontMetrics metrics = fontMetrics();
    m_boldFont = font();
    m_boldFont.setBold(true);
    const int digit = metrics.horizontalAdvance(QLatin1Char('0'));
    m_margin = qMax(2, digit / 2);
    m_lineSpacing = qMax(metrics.lineSpacing(), QFontMetrics(m_boldFont).lineSpacing());
    m_laneHeight = 2 * m_lineSpacing + 2 * m_margin + 1;
    m_finishedHeight = m_lineSpacing + 2 * m_margin;
    m_barWidth = digit * 12;
    m_barHeight = qMax(4, metrics.ascent() * 2 / 3);
    m_cancelText = tr("cancellation requested");
    m_emptyText = tr("No agents yet");
    m_cancelWidth = metrics.horizontalAdvance(m_cancelText);
    m_cancelMarkSide = m_barHeight + m_barHeight / 2;
    m_cancelBlockWidth = m_cancelMarkSide + m_margin + m_cancelWidth;
    // Wide enough for the longest second line: the bar, a stalled agent's age and the
    // cancellation mark.
    const int longestAge
        = metrics.horizontalAdvance(ageText(QDateTime::currentDateTimeUtc(), 59 * 60, true));
    m_hintWidth = m_margin + m_barWidth + m_margin * 2 + longestAge + m_margin * 2
                  + m_cancelBlockWidth + m_margin;
}

void AgentLanes::updateCounts()
{
    m_stalled = 0;
    for (const Lane &lane : std::as_const(m_lanes))
        m_stalled += lane.stalled ? 1 : 0;
    const int finished = m_completed + m_failed;
    m_finishedText = finished == 0 ? QString()
                                   : tr("and %1 finished: %2 completed, %3 failed")
                                         .arg(finished)
                                         .arg(m_completed)
                                         .arg(m_failed);
}

void AgentLanes::updateAccessibleText()
{
    const QString name = tr("Agent lanes");
    QString description = tr("Active agents: %1, stalled: %2, finished: %3 (%4 completed, "
                             "%5 failed)")
                              .arg(m_lanes.size())
                              .arg(m_stalled)
                              .arg(m_completed + m_failed)
                              .arg(m_completed)
                              .arg(m_failed);
    if (m_current >= 0) {
        description += tr("; lane %1 of %2: %3")
                           .arg(m_current + 1)
                           .arg(m_lanes.size())
                           .arg(m_lanes.at(m_current).sentence);
    }
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

void AgentLanes::moveCurrent(int lane)
{
    if (lane == m_current)
        return;
    update(laneRect(m_current));
    m_current = lane;
    update(laneRect(m_current));
    Q_EMIT currentLaneChanged(m_current);
    updateAccessibleText();
}

int AgentLanes::contentHeight() const
{
    const int lanes = int(m_lanes.size()) * m_laneHeight;
    // The folded line, or "No agents yet".
    return finishedRect().isNull() ? lanes : lanes + m_finishedHeight;
}

QRect AgentLanes::finishedRect() const
{
    if (!m_lanes.isEmpty() && m_completed + m_failed == 0)
        return {};
    return QRect(0, int(m_lanes.size()) * m_laneHeight, width(), m_finishedHeight);
}

} // namespace runboard
