// SPDX-License-Identifier: MIT
//
// EditSettings: who the person is when they change a run, and how conflicts are handled.
// The session name goes into every history entry and override Runboard writes, so it is
// trimmed and kept on one line; an empty setting means the default.
// Thread: GUI thread (QSettings of the application).

#include "editsettings.h"

#include <QDir>
#include <QSettings>
#include <QSysInfo>

namespace runboard {

namespace {

const QString kSessionKey = QStringLiteral("editing/sessionName");
const QString kAutoRebaseKey = QStringLiteral("editing/autoRebase");

QString oneLine(const QString &text)
{
    return text.simplified();
}

} // namespace

QString EditSettings::defaultSessionName()
{
    QString login = qEnvironmentVariable("USER");
    if (login.isEmpty())
        login = qEnvironmentVariable("USERNAME");
    if (login.isEmpty())
        login = QDir::home().dirName();
    QString host = QSysInfo::machineHostName();
    if (host.isEmpty())
        host = QStringLiteral("localhost");
    return QStringLiteral("user:%1@%2").arg(oneLine(login), oneLine(host));
}

QString EditSettings::sessionName()
{
    const QString stored = oneLine(QSettings().value(kSessionKey).toString());
    return stored.isEmpty() ? defaultSessionName() : stored;
}

void EditSettings::setSessionName(const QString &name)
{
    const QString cleaned = oneLine(name);
    if (cleaned.isEmpty() || cleaned == defaultSessionName())
        QSettings().remove(kSessionKey);
    else
        QSettings().setValue(kSessionKey, cleaned);
}

bool EditSettings::autoRebase()
{
    return QSettings().value(kAutoRebaseKey, true).toBool();
}

void EditSettings::setAutoRebase(bool enabled)
{
    QSettings().setValue(kAutoRebaseKey, enabled);
}

} // namespace runboard
