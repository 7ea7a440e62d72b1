// SPDX-License-Identifier: MIT
//
// StatusStyle: the tones and time formats every view shares.
//
// Design considerations
// - Status colours are the only hard-coded colours in the UI. Each tone has a darker variant for
//   light bases and a lighter one for dark bases, chosen by the base colour's lightness, so the
//   text keeps its contrast whichever palette the desktop uses.
// - Colour is never the only signal: the status word is always shown as text too.
// Thread: GUI thread (QIcon/QPixmap).

#include "statusstyle.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QGuiApplication>
#include <QHash>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

namespace runboard {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StatusStyle", text);
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

} // namespace

StatusStyle::Tone StatusStyle::toneFor(QStringView status)
{
    static const QHash<QString, Tone> tones = {
        {QStringLiteral("pending"), Tone::Neutral},
        {QStringLiteral("drafting"), Tone::Neutral},
        {QStringLiteral("missing"), Tone::Neutral},
        {QStringLiteral("low"), Tone::Neutral},
        {QStringLiteral("running"), Tone::Active},
        {QStringLiteral("in_progress"), Tone::Active},
        {QStringLiteral("claimed"), Tone::Active},
        {QStringLiteral("active"), Tone::Active},
        {QStringLiteral("delivering"), Tone::Active},
        {QStringLiteral("drafted"), Tone::Active},
        {QStringLiteral("ready"), Tone::Active},
        {QStringLiteral("done"), Tone::Good},
        {QStringLiteral("completed"), Tone::Good},
        {QStringLiteral("passed"), Tone::Good},
        {QStringLiteral("approved"), Tone::Good},
        {QStringLiteral("succeeded"), Tone::Good},
        {QStringLiteral("delivered"), Tone::Good},
        {QStringLiteral("locked"), Tone::Good},
        {QStringLiteral("review"), Tone::Warning},
        {QStringLiteral("blocked"), Tone::Warning},
        {QStringLiteral("stalled"), Tone::Warning},
        {QStringLiteral("changes_requested"), Tone::Warning},
        {QStringLiteral("medium"), Tone::Warning},
        {QStringLiteral("high"), Tone::Warning},
        {QStringLiteral("interrupted"), Tone::Warning},
        {QStringLiteral("failed"), Tone::Bad},
        {QStringLiteral("rejected"), Tone::Bad},
        {QStringLiteral("blocker"), Tone::Bad},
        {QStringLiteral("skipped"), Tone::Muted},
        {QStringLiteral("cancelled"), Tone::Muted},
        {QStringLiteral("superseded"), Tone::Muted},
    };
    return tones.value(status.toString(), Tone::None);
}

QColor StatusStyle::color(Tone tone, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (tone) {
    case Tone::None:
        return {};
    case Tone::Neutral:
        return palette.color(QPalette::Text);
    case Tone::Active:
        return dark ? QColor(0x6c, 0xb6, 0xff) : QColor(0x0b, 0x5c, 0xad);
    case Tone::Good:
        return dark ? QColor(0x5f, 0xd3, 0x7a) : QColor(0x1a, 0x7f, 0x37);
    case Tone::Warning:
        return dark ? QColor(0xf2, 0xb8, 0x4b) : QColor(0x9a, 0x5b, 0x00);
    case Tone::Bad:
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x1c, 0x28);
    case Tone::Muted:
        return palette.color(QPalette::PlaceholderText);
    }
    return {};
}

QIcon StatusStyle::icon(Tone tone)
{
    static QHash<int, QIcon> cache;
    const QPalette palette = QGuiApplication::palette();
    // The key includes darkness so a palette switch at run time gets fresh dots.
    const int key = int(tone) * 2 + (isDark(palette) ? 1 : 0);
    const auto found = cache.constFind(key);
    if (found != cache.constEnd())
        return *found;
    QIcon result;
    const QColor fill = color(tone, palette);
    if (fill.isValid()) {
        QPixmap pixmap(12, 12);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawEllipse(QRectF(2, 2, 8, 8));
        painter.end();
        result = QIcon(pixmap);
    }
    cache.insert(key, result);
    return result;
}

QColor StatusStyle::highlight(const QPalette &palette, qreal strength)
{
    QColor color = palette.color(QPalette::Highlight);
    color.setAlphaF(float(0.35 * qBound(0.0, strength, 1.0)));
    return color;
}

QColor StatusStyle::barBackground(Tone tone, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Window);
    const QColor accent = tone == Tone::None || tone == Tone::Neutral
                              ? palette.color(QPalette::Highlight)
                              : color(tone, palette);
    const qreal mix = 0.22;
    return QColor::fromRgbF(float(base.redF() * (1 - mix) + accent.redF() * mix),
                            float(base.greenF() * (1 - mix) + accent.greenF() * mix),
                            float(base.blueF() * (1 - mix) + accent.blueF() * mix));
}

QString StatusStyle::formatDuration(qint64 seconds)
{
    seconds = qMax<qint64>(0, seconds);
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 24)
        return tr("%1 h %2 min").arg(hours).arg(minutes % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 d %2 h").arg(hours / 24).arg(hours % 24);
}

QString StatusStyle::formatTime(const QDateTime &time)
{
    if (!time.isValid())
        return QString();
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString StatusStyle::isoToolTip(const QDateTime &time)
{
    if (!time.isValid())
        return QString();
    return time.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace runboard
