// SPDX-License-Identifier: MIT
#pragma once

#include "attention.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

namespace runboard {

// Which desktop notifications the person wants, kept in the application's QSettings (one switch
// per notice, all on by default). The notifier reads them when it sends, so a change in the
// Preferences counts from the next notification on. GUI thread.
class NotificationSettings
{
    Q_DECLARE_TR_FUNCTIONS(NotificationSettings)

public:
    // What a desktop notification can be about: four of the attention kinds (tasks in review
    // are the person's own pace, never announced) and the run finishing.
    enum class Notice {
        AgentStalled,
        ValidationFailed,
        PlanApproval,
        Conflict,
        AllTasksDone,
    };

    // Every notice, in the order the Preferences list them.
    static QList<Notice> notices();
    // The notice that announces `kind`; none for TaskReview.
    static std::optional<Notice> noticeFor(AttentionItem::Kind kind);

    static bool isEnabled(Notice notice); // on by default
    static void setEnabled(Notice notice, bool enabled);

    // The Preferences checkbox's text (with its mnemonic) and accessible name.
    static QString label(Notice notice);
    static QString accessibleName(Notice notice);
    // A stable name for settings and dialog values ("agentStalled").
    static QString name(Notice notice);
};

} // namespace runboard
