// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QRect>
#include <QString>
#include <QWidget>

namespace runboard {

// The run's phases as a pipeline: one box per phase in manifest order, joined by arrows, each
// with its title, its status and done/total tasks; the active phase is marked (a thicker
// highlight frame and the word "active"). Boxes wrap onto more lines when the width runs out.
// Click or Enter on a phase asks for its tasks (phaseActivated); Left/Right move between
// phases. Palette-driven, sized from font metrics. GUI thread.
class PhasePipeline : public QWidget
{
    Q_OBJECT

public:
    struct Phase
    {
        QString id;
        QString title; // the id when the manifest has none (untrusted text)
        QString status;
        int done = 0;
        int total = 0;
        bool active = false;
        bool operator==(const Phase &other) const = default;
    };

    explicit PhasePipeline(QWidget *parent = nullptr);

    // Cheap when nothing changed.
    void setPhases(const QList<Phase> &phases);
    const QList<Phase> &phases() const { return m_phases; }

    // The sentence a phase says ("Build: active, 12 of 40 tasks done"): the box's tooltip and,
    // for the current phase, the accessible description.
    QString phaseText(int index) const;
    int phaseAt(const QPoint &position) const; // -1: none
    QRect phaseRect(int index) const;
    int currentPhase() const { return m_current; }
    void setCurrentPhase(int index);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

Q_SIGNALS:
    void phaseActivated(const QString &phaseId);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    // Box rects for `width`; the height they need goes into *height.
    QList<QRect> layoutFor(int width, int *height) const;
    int boxWidth() const;
    void relayout();
    void updateAccessibleText();

    QList<Phase> m_phases;
    QList<QRect> m_rects;
    int m_current = -1;
};

} // namespace runboard
