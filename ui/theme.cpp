// SPDX-License-Identifier: MIT
//
// Theme: System, Light or Dark.
//
// Design considerations
// - System is whatever the desktop gives (its style and palette, a dark one included); Light and
//   Dark are Fusion, the one style that takes a palette as it is on every platform.
// - The dark palette sets every role the widgets read, for the Disabled group too, so no role
//   falls back to a light default (Fusion derives Light/Mid/Dark/Shadow from the Button colour
//   given to the QPalette constructor).
// - Nothing here chooses a status colour: StatusStyle derives them from whatever palette is in
//   force, with their contrast (tst_statusstyle, tst_overview).
// Thread: GUI thread.

#include "theme.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace runboard {

namespace {

QString s_systemStyle;
QPalette s_systemPalette;
bool s_remembered = false;
Theme::Mode s_current = Theme::Mode::System;

} // namespace

void Theme::rememberSystem()
{
    if (s_remembered)
        return;
    s_systemStyle = QApplication::style()->name();
    s_systemPalette = QApplication::palette();
    s_remembered = true;
}

void Theme::apply(Mode mode)
{
    rememberSystem();
    s_current = mode;
    switch (mode) {
    case Mode::System:
        if (QApplication::style()->name().compare(s_systemStyle, Qt::CaseInsensitive) != 0)
            QApplication::setStyle(QStyleFactory::create(s_systemStyle));
        QApplication::setPalette(s_systemPalette);
        return;
    case Mode::Light:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    case Mode::Dark:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        return;
    }
}

Theme::Mode Theme::current()
{
    return s_current;
}

Theme::Mode Theme::saved()
{
    return fromName(QSettings().value(QStringLiteral("view/theme")).toString());
}

void Theme::save(Mode mode)
{
    QSettings().setValue(QStringLiteral("view/theme"), name(mode));
}

Theme::Mode Theme::fromName(const QString &name, bool *ok)
{
    const QString lower = name.trimmed().toLower();
    bool known = true;
    Mode mode = Mode::System;
    if (lower == QLatin1String("light"))
        mode = Mode::Light;
    else if (lower == QLatin1String("dark"))
        mode = Mode::Dark;
    else if (lower != QLatin1String("system"))
        known = false;
    if (ok)
        *ok = known;
    return mode;
}

QString Theme::name(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    case Mode::System:
        break;
    }
    return QStringLiteral("system");
}

QPalette Theme::darkPalette()
{
    const QColor window(0x2d, 0x2d, 0x30);
    const QColor button(0x3a, 0x3a, 0x3e);
    const QColor text(0xe8, 0xe8, 0xe8);
    const QColor dimmed(0x8a, 0x8a, 0x8a);
    QPalette palette(button, window); // derives Light, Midlight, Mid, Dark, Shadow from button
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, QColor(0x1f, 0x1f, 0x22));
    palette.setColor(QPalette::AlternateBase, QColor(0x27, 0x27, 0x2b));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::ToolTipBase, QColor(0x3f, 0x3f, 0x46));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, dimmed);
    palette.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe6));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    palette.setColor(QPalette::LinkVisited, QColor(0xb4, 0x9c, 0xff));
    for (const QPalette::ColorRole role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, dimmed);
    palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x55));
    return palette;
}

} // namespace runboard
