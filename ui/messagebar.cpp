// SPDX-License-Identifier: MIT
//
// MessageBar: the non-modal notice strip.
//
// Design considerations
// - STYLE.md: state changes (suspended, deleted, unreadable, conflicts) surface as a bar first,
//   never as a dialog popping up over the user's work. The bar is a plain widget in the layout,
//   so it cannot steal focus or block input.
// - Its background is the kind's tone blended into the window colour and recomputed on palette
//   changes, so it fits light and dark desktops.
// - The bar is an accessibility "alert": screen readers announce it when it appears.
// Thread: GUI thread.

#include "messagebar.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace runboard {

MessageBar::MessageBar(QWidget *parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setAccessibleName(tr("Notice"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_icon = new QLabel(this);
    m_icon->setAlignment(Qt::AlignTop);
    layout->addWidget(m_icon);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    layout->addWidget(m_text, 1);
    m_actions = new QHBoxLayout;
    layout->addLayout(m_actions);
    m_close = new QToolButton(this);
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setToolTip(tr("Close"));
    m_close->setAccessibleName(tr("Close notice"));
    layout->addWidget(m_close, 0, Qt::AlignTop);
    connect(m_close, &QToolButton::clicked, this, &MessageBar::dismiss);

    hide();
}

void MessageBar::showMessage(Kind kind, const QString &text, Closable closable)
{
    m_kind = kind;
    clearActions();
    m_text->setText(text);
    m_text->setAccessibleName(text);
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    if (kind == Kind::Warning)
        icon = QStyle::SP_MessageBoxWarning;
    else if (kind == Kind::Error)
        icon = QStyle::SP_MessageBoxCritical;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(size, size));
    m_close->setVisible(closable == Closable::Yes);
    applyPalette();
    setAccessibleDescription(text);
    show();
}

void MessageBar::addAction(QAction *action)
{
    auto *button = new QToolButton(this);
    button->setDefaultAction(action);
    m_actions->addWidget(button);
}

void MessageBar::dismiss()
{
    if (isHidden())
        return;
    clearActions();
    hide();
}

QString MessageBar::text() const
{
    return m_text->text();
}

void MessageBar::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyPalette();
}

void MessageBar::applyPalette()
{
    StatusStyle::Tone tone = StatusStyle::Tone::Active;
    if (m_kind == Kind::Warning)
        tone = StatusStyle::Tone::Warning;
    else if (m_kind == Kind::Error)
        tone = StatusStyle::Tone::Bad;
    QPalette own = parentWidget() ? parentWidget()->palette() : QPalette();
    const QColor background = StatusStyle::barBackground(tone, own);
    // setPalette() sends a PaletteChange that lands here again; stop once nothing changes.
    if (palette().color(QPalette::Window) == background
        && palette().isBrushSet(QPalette::Active, QPalette::Window))
        return;
    own.setColor(QPalette::Window, background);
    setPalette(own);
}

void MessageBar::clearActions()
{
    while (QLayoutItem *item = m_actions->takeAt(0)) {
        delete item->widget();
        delete item;
    }
}

} // namespace runboard
