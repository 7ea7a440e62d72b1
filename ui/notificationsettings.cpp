// SPDX-License-Identifier: MIT
//
// NotificationSettings: one on/off switch per kind of desktop notification.
//
// Design considerations
// - Stored under "notifications/<name>" with names that do not change when the enum is
//   reordered, so a setting survives an upgrade.
// - Absent means on: a person who never opened the Preferences gets every notice, the issue's
//   default; turning one off stores false.
// Thread: GUI thread (QSettings of the application).

#include "notificationsettings.h"

#include <QSettings>

namespace runboard {

namespace {

QString settingsKey(NotificationSettings::Notice notice)
{
    return QStringLiteral("notifications/") + NotificationSettings::name(notice);
}

} // namespace

QList<NotificationSettings::Notice> NotificationSettings::notices()
{
    return {Notice::AgentStalled, Notice::ValidationFailed, Notice::PlanApproval, Notice::Conflict,
            Notice::AllTasksDone};
}

std::optional<NotificationSettings::Notice> NotificationSettings::noticeFor(
    AttentionItem::Kind kind)
{
    switch (kind) {
    case AttentionItem::Kind::AgentStalled:
        return Notice::AgentStalled;
    case AttentionItem::Kind::ValidationFailed:
        return Notice::ValidationFailed;
    case AttentionItem::Kind::PlanApproval:
        return Notice::PlanApproval;
    case AttentionItem::Kind::Conflict:
        return Notice::Conflict;
    case AttentionItem::Kind::TaskReview:
        return std::nullopt;
    }
    return std::nullopt;
}

bool NotificationSettings::isEnabled(Notice notice)
{
    return QSettings().value(settingsKey(notice), true).toBool();
}

void NotificationSettings::setEnabled(Notice notice, bool enabled)
{
    if (enabled)
        QSettings().remove(settingsKey(notice));
    else
        QSettings().setValue(settingsKey(notice), false);
}

QString NotificationSettings::label(Notice notice)
{
    switch (notice) {
    case Notice::AgentStalled:
        return tr("An &agent stalls");
    case Notice::ValidationFailed:
        return tr("A &validation run fails");
    case Notice::PlanApproval:
        return tr("The &plan waits for approval");
    case Notice::Conflict:
        return tr("A change of mine is &in conflict");
    case Notice::AllTasksDone:
        return tr("&Every task is done");
    }
    return {};
}

QString NotificationSettings::accessibleName(Notice notice)
{
    switch (notice) {
    case Notice::AgentStalled:
        return tr("Notify when an agent stalls");
    case Notice::ValidationFailed:
        return tr("Notify when a validation run fails");
    case Notice::PlanApproval:
        return tr("Notify when the plan waits for approval");
    case Notice::Conflict:
        return tr("Notify when a change of mine is in conflict");
    case Notice::AllTasksDone:
        return tr("Notify when every task is done");
    }
    return {};
}

QString NotificationSettings::name(Notice notice)
{
    switch (notice) {
    case Notice::AgentStalled:
        return QStringLiteral("agentStalled");
    case Notice::ValidationFailed:
        return QStringLiteral("validationFailed");
    case Notice::PlanApproval:
        return QStringLiteral("planApproval");
    case Notice::Conflict:
        return QStringLiteral("conflict");
    case Notice::AllTasksDone:
        return QStringLiteral("allTasksDone");
    }
    return {};
}

} // namespace runboard
