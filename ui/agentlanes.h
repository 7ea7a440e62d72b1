// SPDX-License-Identifier: MIT
#pragma once

#include "manifest.h"
#include "statusstyle.h"

#include <QDateTime>
#include <QFont>
#include <QList>
#include <QString>
#include <QWidget>

namespace runboard {

// The agents of a run as lanes, one per active agent: who it is, its role, its current step, its
// status, and how long it has been silent as a bar that fills toward the stall threshold. Agents
// that have finished (completed, failed) are folded into one line under the lanes. Painted, not
// built from child widgets, so hundreds of agents cost only the lanes in view. GUI thread.
class AgentLanes : public QWidget
{
    Q_OBJECT

public:
    explicit AgentLanes(QWidget *parent = nullptr);

    // The agents as the manifest lists them, at `now`. Lanes whose agent did not change keep
    // their precomputed texts, and an identical list at the same time changes nothing.
    void setAgents(const QList<Manifest::Agent> &agents, const QDateTime &now);
    // A clock tick: only the silence bars, ages and stalls move.
    void setNow(const QDateTime &now);

    // Lanes are the active agents in manifest order; finished ones are not lanes.
    int laneCount() const;
    int finishedCount() const;
    // What a lane says, the same sentence the tooltip and the accessible description use:
    // "worker-2 (Builder), worker, on T-8, running, silent 12 min of 10 min: stalled,
    // cancellation requested". Empty for a lane that does not exist.
    QString laneText(int lane) const;
    QString laneSessionId(int lane) const;
    // The tone of the lane's silence: Good under half the stall threshold, Warning from half of
    // it, Bad once Manifest::isStalled; Neutral with no sign of life yet. None off the lanes.
    StatusStyle::Tone laneTone(int lane) const;
    // The folded line, "and 3 finished: 2 completed, 1 failed"; empty when none has finished.
    QString finishedText() const;

    int laneAt(const QPoint &pos) const; // -1 off the lanes (the folded line is no lane)
    QRect laneRect(int lane) const;      // null for a lane that does not exist
    // The lane Up/Down move and Enter activates; -1 for none. It follows its agent across
    // setAgents() while that agent stays active.
    int currentLane() const;
    void setCurrentLane(int lane);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;

Q_SIGNALS:
    // A click on a lane, or Enter / Return on the current one.
    void agentActivated(const QString &sessionId);
    // The current lane moved (by key, click or setCurrentLane()); a scroll area holding the lanes
    // can ensureVisible() laneRect(lane).
    void currentLaneChanged(int lane);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    // The parts of an agent a lane shows, to tell a changed agent from an unchanged one.
    struct Lane
    {
        Manifest::Agent agent;
        QDateTime liveness; // Manifest::livenessOf(agent)

        // Built when the agent changes (and, elided, when the width or font does).
        QString nameText;     // "worker-2 (Builder)"
        QString detailText;   // "worker, on T-8"
        QString statusText;   // "running"
        QString elidedName;   // nameText fitted to the first line
        QString elidedDetail; // detailText fitted to what the name leaves
        int nameWidth = 0;    // of elidedName, in the bold font
        int statusWidth = 0;  // in the regular font
        StatusStyle::Tone statusTone = StatusStyle::Tone::None;

        // Built when the clock moves.
        qint64 silentSeconds = -1; // -1: no sign of life yet
        bool stalled = false;
        StatusStyle::Tone tone = StatusStyle::Tone::Neutral;
        qreal fill = 0;    // 0..1 of the stall threshold
        QString ageText;   // "silent 12 min of 10 min: stalled"
        QString elidedAge; // fitted between the bar and the cancellation mark
        int ageWidth = 0;  // of elidedAge
        QString sentence;  // laneText()
    };

    static bool sameAgent(const Lane &lane, const Manifest::Agent &agent);
    Lane makeLane(const Manifest::Agent &agent) const;
    // The time-dependent parts at m_now; true when anything drawn changed.
    bool updateLaneTime(Lane &lane) const;
    void updateSentence(Lane &lane) const;
    void measureLane(Lane &lane) const; // widths in the current fonts, then elideLane()
    void elideLane(Lane &lane) const;   // to the current width
    void elideAge(Lane &lane) const;
    void updateMetrics();
    void updateCounts();
    void updateAccessibleText();
    void moveCurrent(int lane);
    int contentHeight() const;
    QRect finishedRect() const;
    struct Colors;
    void paintLane(QPainter &painter, const Lane &lane, const QRect &rect, bool current,
                   const Colors &colors) const;

    QList<Lane> m_lanes;
    int m_completed = 0;
    int m_failed = 0;
    int m_stalled = 0;
    QString m_finishedText;
    QDateTime m_now;
    int m_current = -1;
    int m_pressedLane = -1;

    // Metrics, all from the font, so a scale factor of 2 or a large font scales everything.
    QFont m_boldFont;
    int m_margin = 0;
    int m_lineSpacing = 0;
    int m_laneHeight = 0;
    int m_finishedHeight = 0;
    int m_barWidth = 0;
    int m_barHeight = 0;
    int m_hintWidth = 0;
    QString m_cancelText;
    int m_cancelWidth = 0;
    int m_cancelMarkSide = 0;
    int m_cancelBlockWidth = 0; // the mark, a gap and the words
    QString m_emptyText;

    QString m_accessibleName;
    QString m_accessibleDescription;
};

} // namespace runboard
