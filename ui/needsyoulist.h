// SPDX-License-Identifier: MIT
#pragma once

#include "attention.h"

#include <QList>
#include <QWidget>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace runboard {

// "Needs you": what in the run waits for a person, one line each with its action one click
// away (Resolve…, Approve Plan…, Request Cancellation…, Record Decision…, Mark Done…) and a
// Show button that takes the person to the item. At most kShownItems lines; the rest are
// counted by kind underneath. Buttons, not painted items, so Tab reaches every action and
// screen readers read each line. GUI thread.
class NeedsYouList : public QWidget
{
    Q_OBJECT

public:
    enum class Action { Primary, Show };
    Q_ENUM(Action)
    static constexpr int kShownItems = 8;

    explicit NeedsYouList(QWidget *parent = nullptr);

    // Rebuilds the lines only when what waits changed; a text that only moved (an age) is set
    // in place, so focus stays on the button it was on.
    void setItems(const QList<AttentionItem> &items);
    const QList<AttentionItem> &items() const { return m_items; }

    // The words on an item's action button.
    static QString actionText(AttentionItem::Kind kind);

    // For tests and screen readers: the lines as shown, and the "and N more" line.
    QStringList shownTexts() const;
    QString moreText() const;
    QPushButton *actionButton(int line) const;
    QPushButton *showButton(int line) const;

Q_SIGNALS:
    void actionRequested(const runboard::AttentionItem &item,
                         runboard::NeedsYouList::Action action);

private:
    struct Line
    {
        QWidget *row = nullptr;
        QLabel *icon = nullptr;
        QLabel *text = nullptr;
        QPushButton *action = nullptr;
        QPushButton *show = nullptr;
    };
    Line makeLine(int index);
    void rebuild();
    void updateTitle();
    void updateMore(); // the "and N more" line under the shown lines

    QList<AttentionItem> m_items;
    QList<Line> m_lines; // kShownItems of them, the first m_shown visible
    int m_shown = 0;
    QLabel *m_title = nullptr;
    QLabel *m_empty = nullptr;
    QLabel *m_more = nullptr;
    QVBoxLayout *m_linesLayout = nullptr;
};

} // namespace runboard
