// SPDX-License-Identifier: MIT

#include "clock.h"

namespace runboard {

Clock systemClock()
{
    return [] {
        return QDateTime::currentDateTimeUtc();
    };
}

QString isoTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime parseIsoTimestamp(QStringView text)
{
    QDateTime parsed = QDateTime::fromString(text.toString(), Qt::ISODateWithMs);
    if (!parsed.isValid())
        parsed = QDateTime::fromString(text.toString(), Qt::ISODate);
    return parsed.isValid() ? parsed.toUTC() : QDateTime();
}

} // namespace runboard
