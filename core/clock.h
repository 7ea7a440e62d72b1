// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QString>

#include <functional>

namespace runboard {

// The time source of everything that stamps or ages data (updatedAt, heartbeats, stalls), so
// tests can set it. Returns UTC.
using Clock = std::function<QDateTime()>;

Clock systemClock();

// ADE's timestamp form, Date.prototype.toISOString(): "2026-07-22T09:30:15.123Z".
QString isoTimestamp(const QDateTime &time);

// Parses ADE timestamps (and other ISO 8601 forms with an offset); invalid -> null QDateTime.
QDateTime parseIsoTimestamp(QStringView text);

} // namespace runboard
