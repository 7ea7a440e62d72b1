// SPDX-License-Identifier: MIT
#pragma once

#include "attention.h"
#include "notificationsettings.h"
#include "snapshot.h"

#include <QDBusConnection>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <array>
#include <chrono>

class QTimer;

namespace runboard {

// Announces what newly waits for a person through the desktop's notification service
// (org.freedesktop.Notifications over D-Bus): an agent stalled, a validation run failed, the plan
// waits for approval, a change of the person's is in conflict, every task is done.
//
// It is told what waits (setAttention, the list the Overview's "Needs you" shows) and announces
// only what is new since the list before, grouped per kind and at most one notification per kind
// per minimum interval. Without a notification service nothing breaks: it says so once
// (unavailable) and every decision still reaches the Events tab (noticeDecided). GUI thread.
class DesktopNotifier : public QObject
{
    Q_OBJECT

public:
    using Notice = NotificationSettings::Notice;

    // `bus` is where the notification service is looked for: the session bus, or a private bus
    // in tests. A bus that is not connected makes every notice "not shown".
    explicit DesktopNotifier(const QDBusConnection &bus = QDBusConnection::sessionBus(),
                             QObject *parent = nullptr);
    ~DesktopNotifier() override;

    // What waits now. Items not in the previous list (AttentionItem::isSameThing) are new; new
    // stalls, failed runs, plan approvals and conflicts are announced, tasks in review never.
    // When `source` is Self the person's own change made the version shown, so nothing is
    // announced except conflicts (which others caused). The first list after reset() (or
    // construction) is what already waited when the run opened: it is announced by nothing.
    void setAttention(const QList<AttentionItem> &items, Snapshot::Source source);
    // The run's tasks all became done. Not announced for the person's own change (Self) nor for
    // the version the run opened with (Initial).
    void notifyAllTasksDone(Snapshot::Source source);
    // The open run's title, named in the "all tasks done" notification.
    void setRunTitle(const QString &title);
    // Another run is shown (or none): forgets what waited, drops what was about to be sent, and
    // stops answering clicks on notifications sent before.
    void reset();

    // How long new items are collected before one notification per kind goes out.
    void setGroupingDelay(std::chrono::milliseconds delay);
    std::chrono::milliseconds groupingDelay() const { return m_groupingDelay; }
    // The shortest time between two notifications of one kind; what arrives meanwhile is held
    // and sent, grouped, when it ends.
    void setMinimumInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds minimumInterval() const { return m_minimumInterval; }

    static constexpr std::chrono::milliseconds kDefaultGroupingDelay{2000};
    static constexpr std::chrono::milliseconds kDefaultMinimumInterval{60000};
    // How many items a notification's body names before "and N more".
    static constexpr int kMaxNamed = 5;

    // The summary line of a notification about `count` things of one kind ("3 agents stalled").
    static QString summaryFor(Notice notice, int count);

Q_SIGNALS:
    // The person clicked a notification about attention items ("Show"): `kind` and `key` are
    // those of the first item it named.
    void activated(runboard::AttentionItem::Kind kind, const QString &key);
    // The person clicked the "all tasks are done" notification (no attention item stands for
    // it, hence a signal of its own).
    void allTasksDoneActivated();
    // What was decided about a notice, for the Events tab: shown, off in the Preferences, not
    // announced as the person's own change, not shown for want of a service. `details` is the
    // body in plain text.
    void noticeDecided(const QString &text, const QString &details);
    // No notification service could be reached (no session bus, nobody owns the name, a call
    // failed). Said once, and again only after a notification got through in between.
    void unavailable(const QString &reason);

private Q_SLOTS:
    // QtDBus delivers bus signals to string-based slots only (no member-function-pointer form).
    void onActionInvoked(uint id, const QString &actionKey);
    void onNotificationClosed(uint id, uint reason);

private:
    static constexpr int kNoticeCount = 5;

    // One kind of notice: what waits to be sent and the notification on screen.
    struct Topic
    {
        QList<AttentionItem> pending; // new, not yet sent, in order of arrival
        bool pendingDone = false;     // AllTasksDone has no items
        QTimer *grouping = nullptr;   // collects new items for a short while
        QTimer *hold = nullptr;       // runs for the minimum interval after a notification
        uint shownId = 0;             // the notification on screen (0: none known)
        QList<AttentionItem> shown;   // what it names
    };
    // A notification built and on its way to the service.
    struct Outgoing
    {
        Notice notice = Notice::AgentStalled;
        QString summary;
        QStringList lines; // the body, plain text, one line each
        uint replacesId = 0;
        QList<AttentionItem> items;
        quint64 generation = 0;
    };
    // A notification the service accepted, for clicks.
    struct Sent
    {
        Notice notice = Notice::AgentStalled;
        AttentionItem::Kind kind = AttentionItem::Kind::AgentStalled;
        QString key;
    };
    enum class Service { Unknown, Asking, Ready };

    Topic &topic(Notice notice) { return m_topics[std::size_t(notice)]; }
    void enqueue(Notice notice, const QList<AttentionItem> &items);
    void flush(Notice notice);
    void send(Outgoing outgoing);
    void askCapabilities();
    void callNotify(const Outgoing &outgoing);
    void onNotified(const Outgoing &outgoing, uint id);
    void refuse(const Outgoing &outgoing, const QString &reason);
    void sayUnavailable(const QString &reason);
    QStringList bodyLines(Notice notice, const QList<AttentionItem> &items) const;
    bool isWaiting(const AttentionItem &item) const;

    QDBusConnection m_bus;
    std::array<Topic, kNoticeCount> m_topics;
    QList<AttentionItem> m_current;
    bool m_haveBaseline = false;
    QString m_runTitle;
    std::chrono::milliseconds m_groupingDelay = kDefaultGroupingDelay;
    std::chrono::milliseconds m_minimumInterval = kDefaultMinimumInterval;
    Service m_service = Service::Unknown;
    bool m_bodyMarkup = false;
    QList<Outgoing> m_outbox; // built while the service's capabilities were being asked
    QHash<uint, Sent> m_sent;
    bool m_unavailableSaid = false;
    quint64 m_generation = 0; // counts reset(): replies for an older run are not the new run's
};

} // namespace runboard
