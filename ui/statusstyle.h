// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QIcon>
#include <QString>
#include <QStringView>

class QPalette;

namespace runboard {

// How a status value looks: one small set of tones shared by every table and the overview, so
// "failed" is the same red everywhere. Colours are picked for the palette at hand (light or
// dark); everything else in the UI uses the system palette. GUI thread only (icons, palettes).
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

    // A text colour for the tone that reads on `palette`'s base colour; invalid for None.
    static QColor color(Tone tone, const QPalette &palette);
    // A small filled dot in the tone's colour for the application palette (cached).
    static QIcon icon(Tone tone);
    // The background of a row that just changed, `strength` 0..1 (1 = just now).
    static QColor highlight(const QPalette &palette, qreal strength);
    // A bar background for MessageBar: the tone blended into the window colour.
    static QColor barBackground(Tone tone, const QPalette &palette);

    // "12 s", "4 min", "2 h 05 min", "3 d 4 h": short, for table cells. Negative is treated as 0.
    static QString formatDuration(qint64 seconds);
    // A local, second-precision time for table cells; the ISO UTC form goes into tooltips.
    static QString formatTime(const QDateTime &time);
    static QString isoToolTip(const QDateTime &time);
};

} // namespace runboard
