// SPDX-License-Identifier: MIT
//
// NeedsYouList: the top of the Overview.
//
// Design considerations
// - The list is what Attention::collect() says, nothing of its own: the notifications and this
//   list cannot disagree.
// - The kShownItems lines are made once and filled in: a snapshot that changes what waits sets
//   texts, it does not build widgets (that cost milliseconds per snapshot). A clock tick changes
//   texts ("silent for 12 min"), not what waits; either way a keyboard user's focus stays on the
//   button it was on.
// - Each line's action only opens the guided action's dialog or preview; nothing is written
//   before the person applies it there.
// - Item texts come from the manifest (task ids, agent names, finding titles): plain text.
// Thread: GUI thread.

#include "needsyoulist.h"

#include "statusstyle.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMap>
#include <QPushButton>
#include <QVBoxLayout>

namespace runboard {

namespace {

StatusStyle::Tone toneOf(AttentionItem::Kind kind)
{
    switch (kind) {
    case AttentionItem::Kind::Conflict:
    case AttentionItem::Kind::ValidationFailed:
        return StatusStyle::Tone::Bad;
    case AttentionItem::Kind::AgentStalled:
    case AttentionItem::Kind::TaskReview:
        return StatusStyle::Tone::Warning;
    case AttentionItem::Kind::PlanApproval:
        return StatusStyle::Tone::Active;
    }
    return StatusStyle::Tone::Neutral;
}

bool sameThings(const QList<AttentionItem> &a, const QList<AttentionItem> &b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i) {
        if (!a.at(i).isSameThing(b.at(i)))
            return false;
    }
    return true;
}

} // namespace

NeedsYouList::NeedsYouList(QWidget *parent) : QWidget(parent)
{
    setAccessibleName(tr("Needs you"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    layout->addWidget(m_title);
    m_empty = new QLabel(tr("Nothing waits for you."), this);
    m_empty->setAccessibleName(tr("Needs you: nothing"));
    layout->addWidget(m_empty);
    m_linesLayout = new QVBoxLayout;
    m_linesLayout->setSpacing(2);
    layout->addLayout(m_linesLayout);
    m_more = new QLabel(this);
    m_more->setTextFormat(Qt::PlainText);
    m_more->setWordWrap(true);
    m_more->hide();
    layout->addWidget(m_more);
    for (int i = 0; i < kShownItems; ++i)
        m_lines.append(makeLine(i));
    rebuild();
}

QString NeedsYouList::actionText(AttentionItem::Kind kind)
{
    switch (kind) {
    case AttentionItem::Kind::Conflict:
        return tr("Resolve…");
    case AttentionItem::Kind::PlanApproval:
        return tr("Approve Plan…");
    case AttentionItem::Kind::AgentStalled:
        return tr("Request Cancellation…");
    case AttentionItem::Kind::ValidationFailed:
        return tr("Record Decision…");
    case AttentionItem::Kind::TaskReview:
        return tr("Mark Done…");
    }
    return {};
}

void NeedsYouList::setItems(const QList<AttentionItem> &items)
{
    if (items == m_items)
        return;
    const bool sameLines = sameThings(items, m_items);
    m_items = items;
    if (!sameLines) {
        rebuild();
        return;
    }
    for (int i = 0; i < m_shown; ++i) {
        const AttentionItem &item = m_items.at(i);
        const Line &line = m_lines.at(i);
        line.text->setText(item.text);
        line.row->setAccessibleName(item.text);
        line.action->setAccessibleName(actionText(item.kind) + QLatin1Char(' ') + item.text);
        line.show->setAccessibleName(tr("Show: %1").arg(item.text));
    }
    updateTitle();
    updateMore();
}

void NeedsYouList::updateTitle()
{
    int waiting = 0;
    for (const AttentionItem &item : std::as_const(m_items))
        waiting += item.count;
    m_title->setText(waiting == 0 ? tr("Needs you")
                                  : tr("Needs you (%1)").arg(QLocale().toString(waiting)));
}

void NeedsYouList::rebuild()
{
    updateTitle();
    m_empty->setVisible(m_items.isEmpty());
    m_shown = qMin(int(m_items.size()), kShownItems);
    const int size = fontMetrics().height() * 2 / 3;
    for (int i = 0; i < m_lines.size(); ++i) {
        const Line &line = m_lines.at(i);
        if (i >= m_shown) {
            line.row->hide();
            continue;
        }
        const AttentionItem &item = m_items.at(i);
        line.row->setAccessibleName(item.text);
        line.icon->setPixmap(StatusStyle::icon(toneOf(item.kind)).pixmap(size, size));
        line.icon->setAccessibleName(Attention::kindName(item.kind));
        line.text->setText(item.text);
        line.action->setText(actionText(item.kind));
        line.action->setAccessibleName(actionText(item.kind) + QLatin1Char(' ') + item.text);
        // The line that stands for many tasks in review has no one task to act on.
        const bool many = item.kind == AttentionItem::Kind::TaskReview && item.key.isEmpty();
        line.action->setVisible(!many);
        line.show->setText(many ? tr("Show All") : tr("Show"));
        line.show->setAccessibleName(tr("Show: %1").arg(item.text));
        line.row->show();
    }
    updateMore();
}

NeedsYouList::Line NeedsYouList::makeLine(int index)
{
    Line line;
    line.row = new QWidget(this);
    auto *rowLayout = new QHBoxLayout(line.row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    line.icon = new QLabel(line.row);
    rowLayout->addWidget(line.icon);
    line.text = new QLabel(line.row);
    line.text->setTextFormat(Qt::PlainText);
    line.text->setWordWrap(true);
    line.text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rowLayout->addWidget(line.text, 1);
    line.action = new QPushButton(line.row);
    line.action->setAutoDefault(false);
    rowLayout->addWidget(line.action);
    line.show = new QPushButton(line.row);
    line.show->setAutoDefault(false);
    rowLayout->addWidget(line.show);
    connect(line.action, &QPushButton::clicked, this, [this, index] {
        if (index < m_shown)
            Q_EMIT actionRequested(m_items.at(index), Action::Primary);
    });
    connect(line.show, &QPushButton::clicked, this, [this, index] {
        if (index < m_shown)
            Q_EMIT actionRequested(m_items.at(index), Action::Show);
    });
    line.row->hide();
    m_linesLayout->addWidget(line.row);
    return line;
}

void NeedsYouList::updateMore()
{
    const int shown = m_shown;
    if (m_items.size() > shown) {
        QMap<int, int> byKind;
        for (int i = shown; i < m_items.size(); ++i)
            byKind[int(m_items.at(i).kind)] += m_items.at(i).count;
        QStringList parts;
        for (auto it = byKind.cbegin(); it != byKind.cend(); ++it)
            parts << tr("%1: %2")
                         .arg(Attention::kindName(AttentionItem::Kind(it.key())))
                         .arg(it.value());
        int hidden = 0;
        for (const int count : std::as_const(byKind))
            hidden += count;
        m_more->setText(
            tr("and %n more (%1)", nullptr, hidden).arg(parts.join(QStringLiteral(", "))));
        m_more->show();
    } else {
        m_more->clear();
        m_more->hide();
    }
}

QStringList NeedsYouList::shownTexts() const
{
    QStringList texts;
    for (int i = 0; i < m_shown; ++i)
        texts << m_lines.at(i).text->text();
    return texts;
}

QString NeedsYouList::moreText() const
{
    return m_more->isHidden() ? QString() : m_more->text();
}

QPushButton *NeedsYouList::actionButton(int line) const
{
    return line >= 0 && line < m_shown ? m_lines.at(line).action : nullptr;
}

QPushButton *NeedsYouList::showButton(int line) const
{
    return line >= 0 && line < m_shown ? m_lines.at(line).show : nullptr;
}

} // namespace runboard
