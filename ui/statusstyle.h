// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QIcon>
#include <QString>
#include <QStringView>

class QPalette;

namespace runboard {

// How a status value looks: one small set of tones shared by every table and the overview, so
// "failed" is the same red everywhere. Colours are derived from the palette at hand (light,
// dark or anything between), so they stay readable when the desktop switches; everything else in
// the UI uses the system palette as it is. GUI thread only (icons, palettes).
class StatusStyle
{
public:
    enum class Tone {
        None,    // not a status: default text colour
        Neutral, // waiting (pending, drafting)
        Active,  // work in progress (running, in_progress, claimed, active)
        Good,    // finished well (done, completed, passed, approved)
        Warning, // needs a look (blocked, review, stalled, expired lease)
        Bad,     // failed, rejected, blocker findings
        Muted,   // out of the way (skipped, cancelled, superseded)
    };

    // The tone of an ADE status word (task, agent, phase, checklist run, finding severity, …).
    static Tone toneFor(QStringView status);

    // Where the text goes: item views (Base and AlternateBase rows) or the window (labels).
    enum class Surface { Items, Window };

    // A text colour for the tone, derived for `palette`: the tone's hue at the lightness that
    // reads on the surface's background colours with at least kMinimumContrast (or as close as
    // the palette allows); invalid for None. Cached per palette.
    static QColor color(Tone tone, const QPalette &palette, Surface surface = Surface::Items);
    // A filled dot in the tone's colour for the application palette, drawn at whatever size and
    // device pixel ratio it is asked for (cached per colour).
    static QIcon icon(Tone tone);
    // The background of a row that just changed, `strength` 0..1 (1 = just now): the palette's
    // Highlight, faint enough that Text stays readable on it.
    static QColor highlight(const QPalette &palette, qreal strength);
    // A bar background for MessageBar: the tone blended into the window colour.
    static QColor barBackground(Tone tone, const QPalette &palette);

    // WCAG 2 contrast ratio of two opaque colours, 1 (same) to 21 (black on white).
    static qreal contrastRatio(const QColor &a, const QColor &b);
    // WCAG AA for normal text.
    static constexpr qreal kMinimumContrast = 4.5;

    // "12 s", "4 min", "2 h 05 min", "3 d 4 h": short, for table cells. Negative is treated as 0.
    static QString formatDuration(qint64 seconds);
    // A local, second-precision time for table cells; the ISO UTC form goes into tooltips.
    static QString formatTime(const QDateTime &time);
    static QString isoToolTip(const QDateTime &time);
};

} // namespace runboard
