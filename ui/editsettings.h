// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace runboard {

// The person's editing preferences, kept in the application's QSettings: the session name
// their changes are recorded under and whether a change that met a clean conflict is re-applied
// on the new version by itself. GUI thread.
class EditSettings
{
public:
    // "user:<login>@<host>", what the session name is until the person sets another.
    static QString defaultSessionName();
    static QString sessionName();
    static void setSessionName(const QString &name); // empty: back to the default

    static bool autoRebase(); // on by default
    static void setAutoRebase(bool enabled);
};

} // namespace runboard
