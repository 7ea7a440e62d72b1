// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMap>
#include <QRect>
#include <QString>
#include <QWidget>

namespace runboard {

// Per phase, a bar of its tasks stacked by status in the status colours: one row per phase
// (label left, count right), segments in a fixed status order, each as wide as its share.
// Clicking a segment, or Enter on the current one, asks for those tasks (segmentActivated);
// arrows move between segments (Left/Right) and phases (Up/Down). Every segment's numbers are
// in its tooltip, the current one's in the accessible description. GUI thread.
class StatusBars : public QWidget
{
    Q_OBJECT

public:
    struct Row
    {
        QString phaseId;           // "" for tasks without a phase
        QString label;             // untrusted text
        QMap<QString, int> counts; // status -> tasks
        bool operator==(const Row &other) const = default;
    };
    struct Segment
    {
        int row = -1;
        QString status;
        int count = 0;
        QRect rect;
    };

    explicit StatusBars(QWidget *parent = nullptr);

    // Cheap when nothing changed.
    void setRows(const QList<Row> &rows);
    const QList<Row> &rows() const { return m_rows; }

    // The segments in paint order (rows top to bottom, statuses in statusOrder()).
    const QList<Segment> &segments() const { return m_segments; }
    int segmentAt(const QPoint &position) const; // index into segments(), -1: none
    // "Build: 5 of 40 tasks review (12 %)".
    QString segmentText(int index) const;
    // "Build: 40 tasks — 20 done, 5 review, …": a row's sentence.
    QString rowText(int row) const;
    int currentSegment() const { return m_current; }
    void setCurrentSegment(int index);

    // The order statuses stack in: finished first, then what waits for a person, work in
    // flight, waiting, failed; unknown statuses last, alphabetically.
    static int statusRank(const QString &status);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void segmentActivated(const QString &phaseId, const QString &status);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    int labelWidth() const;
    int countWidth() const;
    int rowHeight() const;
    void relayout();
    void moveInRow(int step);
    void moveToRow(int step);
    void updateAccessibleText();

    QList<Row> m_rows;
    QList<Segment> m_segments;
    int m_current = -1;
};

} // namespace runboard
