// SPDX-License-Identifier: MIT
#pragma once

#include <QPalette>
#include <QString>

namespace runboard {

// The window's colours: the desktop's own (System, the default: a dark desktop theme gives a
// dark Runboard), or Fusion with a light or a dark palette of Runboard's own. Every picture and
// status colour is derived from the palette at paint time (StatusStyle), so a switch restyles
// the open window. The choice is kept in QSettings ("view/theme"). GUI thread.
class Theme
{
public:
    enum class Mode { System, Light, Dark };

    // Notes the style and palette the application started with, so System can go back to them.
    // Call once, after QApplication exists and before apply().
    static void rememberSystem();
    static void apply(Mode mode);
    static Mode current();

    static Mode saved();
    static void save(Mode mode);

    // "system", "light", "dark" (the --theme option and the settings value); anything else
    // reads as System, with *ok set to false.
    static Mode fromName(const QString &name, bool *ok = nullptr);
    static QString name(Mode mode);

    // Fusion's dark palette as Runboard draws it: every role set, disabled text dimmed.
    static QPalette darkPalette();
};

} // namespace runboard
