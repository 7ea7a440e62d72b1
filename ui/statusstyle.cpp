// SPDX-License-Identifier: MIT
//
// StatusStyle: the tones and time formats every view shares.
//
// Design considerations
// - Status colours are the only colours the UI picks itself, and only their hue is fixed: the
//   lightness is derived from the palette's Base and AlternateBase so the WCAG contrast is at
//   least 4.5:1 on both (light, dark and high-contrast palettes alike). Muted text is the
//   palette's placeholder colour pulled toward Text until it reads. Results are cached per
//   palette, so data() stays cheap.
// - Dots are drawn by an icon engine at the size and device pixel ratio asked for: crisp at 2x.
// - The change highlight is the palette's Highlight, faded so Text keeps its contrast on it.
// - Colour is never the only signal: the status word is always shown as text too.
// Thread: GUI thread (QIcon/QPixmap).

#include "statusstyle.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QGuiApplication>
#include <QHash>
#include <QIconEngine>
#include <QList>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

#include <cmath>
#include <utility>

namespace runboard {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StatusStyle", text);
}

// WCAG 2 relative luminance.
qreal relativeLuminance(const QColor &color)
{
    const auto channel = [](qreal c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
           + 0.0722 * channel(color.blueF());
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

QColor StatusStyle::color(Tone tone, const QPalette &palette, Surface surface)
{
    if (tone == Tone::None)
        return {};
    const QColor base
        = palette.color(surface == Surface::Items ? QPalette::Base : QPalette::Window);
    const QColor alternate
        = surface == Surface::Items ? palette.color(QPalette::AlternateBase) : base;
    if (tone == Tone::Neutral)
        return palette.color(surface == Surface::Items ? QPalette::Text : QPalette::WindowText);

    struct Key
    {
        int tone;
        QRgb base;
        QRgb alternate;
        QRgb text;
        bool operator==(const Key &other) const = default;
    };
    static QList<std::pair<Key, QColor>> cache;
    const Key key{
        int(tone), base.rgb(), alternate.rgb(),
        palette.color(surface == Surface::Items ? QPalette::Text : QPalette::WindowText).rgb()};
    for (const auto &[cachedKey, cached] : std::as_const(cache)) {
        if (cachedKey == key)
            return cached;
    }

    const auto worstContrast = [&](const QColor &candidate) {
        return qMin(contrastRatio(candidate, base), contrastRatio(candidate, alternate));
    };
    QColor result;
    if (tone == Tone::Muted) {
        // Placeholder grey, pulled toward the text colour until it reads.
        const QColor placeholder = palette.color(QPalette::PlaceholderText);
        const QColor text
            = palette.color(surface == Surface::Items ? QPalette::Text : QPalette::WindowText);
        for (int step = 0; step <= 20; ++step) {
            const qreal t = step / 20.0;
            result = QColor::fromRgbF(float(placeholder.redF() * (1 - t) + text.redF() * t),
                                      float(placeholder.greenF() * (1 - t) + text.greenF() * t),
                                      float(placeholder.blueF() * (1 - t) + text.blueF() * t));
            if (worstContrast(result) >= kMinimumContrast)
                break;
        }
    } else {
        // The tone's hue; lightness walks away from the base until the text reads.
        qreal hue = 0;
        qreal saturation = 0.8;
        switch (tone) {
        case Tone::Active:
            hue = 212;
            break;
        case Tone::Good:
            hue = 140;
            saturation = 0.65;
            break;
        case Tone::Warning:
            hue = 36;
            saturation = 0.9;
            break;
        case Tone::Bad:
            hue = 356;
            saturation = 0.75;
            break;
        default:
            break;
        }
        const bool darkBase = relativeLuminance(base) < 0.18;
        qreal best = 0;
        QColor bestColor;
        for (int step = 0; step <= 50; ++step) {
            const qreal lightness
                = darkBase ? 0.55 + 0.45 * step / 50.0 : 0.45 - 0.45 * step / 50.0;
            const QColor candidate
                = QColor::fromHslF(float(hue / 360.0), float(saturation), float(lightness));
            const qreal contrast = worstContrast(candidate);
            if (contrast > best) {
                best = contrast;
                bestColor = candidate;
            }
            if (contrast >= kMinimumContrast)
                break;
        }
        result = bestColor;
    }
    if (cache.size() > 64)
        cache.clear();
    cache.append({key, result});
    return result;
}

namespace {

// Paints the dot itself at the size and device pixel ratio asked for, so it stays crisp at 2x.
class DotIconEngine : public QIconEngine
{
public:
    explicit DotIconEngine(QColor color) : m_color(std::move(color)) {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        const qreal side = qMin(rect.width(), rect.height()) * 0.5;
        const QRectF dot(rect.x() + (rect.width() - side) / 2.0,
                         rect.y() + (rect.height() - side) / 2.0, side, side);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        QColor fill = m_color;
        if (mode == QIcon::Disabled)
            fill.setAlphaF(0.4f);
        painter->setBrush(fill);
        painter->drawEllipse(dot);
        painter->restore();
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    // `size` is in device pixels here (QIcon::pixmap() has multiplied it by `scale`).
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state,
                         qreal scale) override
    {
        QPixmap pixmap(size);
        pixmap.setDevicePixelRatio(scale);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        paint(&painter, QRect(0, 0, qRound(size.width() / scale), qRound(size.height() / scale)),
              mode, state);
        return pixmap;
    }

    QIconEngine *clone() const override { return new DotIconEngine(m_color); }

private:
    QColor m_color;
};

} // namespace

QIcon StatusStyle::icon(Tone tone)
{
    static QHash<QRgb, QIcon> cache;
    const QColor fill = color(tone, QGuiApplication::palette());
    if (!fill.isValid())
        return {};
    // Keyed by colour, so a palette switch at run time gets fresh dots.
    const auto found = cache.constFind(fill.rgb());
    if (found != cache.constEnd())
        return *found;
    const QIcon result(new DotIconEngine(fill));
    cache.insert(fill.rgb(), result);
    return result;
}

QColor StatusStyle::highlight(const QPalette &palette, qreal strength)
{
    // Highlight at up to 35 % over Base, less if Text would drop below the minimum contrast.
    const QColor base = palette.color(QPalette::Base);
    const QColor accent = palette.color(QPalette::Highlight);
    const QColor text = palette.color(QPalette::Text);
    qreal alpha = 0.35;
    for (; alpha > 0.05; alpha -= 0.05) {
        const QColor mixed
            = QColor::fromRgbF(float(base.redF() * (1 - alpha) + accent.redF() * alpha),
                               float(base.greenF() * (1 - alpha) + accent.greenF() * alpha),
                               float(base.blueF() * (1 - alpha) + accent.blueF() * alpha));
        if (contrastRatio(text, mixed) >= kMinimumContrast)
            break;
    }
    QColor color = accent;
    color.setAlphaF(float(alpha * qBound(0.0, strength, 1.0)));
    return color;
}

qreal StatusStyle::contrastRatio(const QColor &a, const QColor &b)
{
    const qreal la = relativeLuminance(a);
    const qreal lb = relativeLuminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

QColor StatusStyle::barBackground(Tone tone, const QPalette &palette)
{
    // The tone blended into the window colour, as much as the window's text stays readable.
    const QColor base = palette.color(QPalette::Window);
    const QColor accent = tone == Tone::None || tone == Tone::Neutral
                              ? palette.color(QPalette::Highlight)
                              : color(tone, palette, Surface::Window);
    const QColor text = palette.color(QPalette::WindowText);
    QColor mixed = base;
    for (qreal mix = 0.22; mix > 0.0; mix -= 0.02) {
        mixed = QColor::fromRgbF(float(base.redF() * (1 - mix) + accent.redF() * mix),
                                 float(base.greenF() * (1 - mix) + accent.greenF() * mix),
                                 float(base.blueF() * (1 - mix) + accent.blueF() * mix));
        if (contrastRatio(text, mixed) >= kMinimumContrast)
            break;
    }
    return mixed;
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
