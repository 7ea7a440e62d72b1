// SPDX-License-Identifier: MIT
//
// DesktopNotifier: what newly waits for a person, as desktop notifications.
//
// Design considerations
// - New means "not in the previous list" (isSameThing: kind and key), so a stall whose text
//   moves from "11 min" to "12 min" is announced once, and one that ends and comes back is
//   announced again. The first list after reset() is the baseline: what already waited when the
//   run opened is on the Overview's "Needs you" list, and a burst of notifications on opening a
//   run would teach the person to ignore them.
// - The person's own change (Snapshot::Source::Self) announces nothing except conflicts, which
//   other writers caused. Its items still become the previous list, so they are not announced
//   later either.
// - Quiet by construction: new items of one kind are collected for the grouping delay and go
//   out as one notification ("10 agents stalled", five named, "and 5 more"); after that, the
//   kind is held for the minimum interval, and what arrives meanwhile goes out grouped when it
//   ends. The hold counts from sending, not from arrival, so a steady trickle costs one
//   notification per interval.
// - An item that stopped waiting before its notification went out is dropped then; a
//   notification still on screen (no NotificationClosed yet) is replaced (replaces_id) by the
//   next one of its kind, which names the new items first and the earlier ones still waiting
//   after them.
// - The settings are read when a notification would go out, so a switch turned off in the
//   Preferences silences what is already collected.
// - Everything on the bus is asynchronous (asyncCall and QDBusPendingCallWatcher): the GUI
//   thread never waits for a notification server. Capabilities are asked once before the first
//   notification (again after a failure); the body is escaped where the server reads markup
//   ("body-markup"), since item texts carry manifest text that agents wrote.
// - Without a service (no session bus, nobody owns the name, a failed call) nothing is shown,
//   unavailable() is said once until a notification gets through again, and each notice is
//   still an Events-tab line through noticeDecided(). No dialog, ever.
// - Clicks (ActionInvoked, action "default") count only for ids this notifier sent since the
//   last reset(): the signal is broadcast to every application, and a notification of a run no
//   longer shown must not move the window to an unrelated task.
// Invariants: a Topic's hold timer runs only after a notification of its kind was built; the
// grouping timer runs only while the hold timer does not.
// Thread: GUI thread (asserted at the entry points).

#include "desktopnotifier.h"

#include "uilogging.h"

#include <QDBusError>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QGuiApplication>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QVariantMap>

#include <algorithm>
#include <utility>

namespace runboard {

Q_LOGGING_CATEGORY(lcNotify, "runboard.ui.notify", QtInfoMsg)

namespace {

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");
const QString kDefaultAction = QStringLiteral("default");
// A notification line is a sentence, not a document: manifest text past this is cut.
constexpr qsizetype kMaxLineLength = 200;

bool containsThing(const QList<AttentionItem> &items, const AttentionItem &item)
{
    return std::any_of(items.cbegin(), items.cend(),
                       [&item](const AttentionItem &other) { return other.isSameThing(item); });
}

// The notification spec's markup is a small subset of HTML: these three are all it needs
// escaped, and an entity such as &quot; is not something every server decodes.
QString escapeMarkup(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('&'))
            escaped += QStringLiteral("&amp;");
        else if (c == QLatin1Char('<'))
            escaped += QStringLiteral("&lt;");
        else if (c == QLatin1Char('>'))
            escaped += QStringLiteral("&gt;");
        else
            escaped += c;
    }
    return escaped;
}

QString oneLine(const QString &text)
{
    const QString line = text.simplified();
    if (line.size() <= kMaxLineLength)
        return line;
    return line.left(kMaxLineLength - 1) + QChar(0x2026);
}

} // namespace

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent), m_bus(bus)
{
    for (std::size_t i = 0; i < m_topics.size(); ++i) {
        const auto notice = Notice(i);
        Topic &entry = m_topics[i];
        entry.grouping = new QTimer(this);
        entry.grouping->setSingleShot(true);
        connect(entry.grouping, &QTimer::timeout, this, [this, notice] { flush(notice); });
        entry.hold = new QTimer(this);
        entry.hold->setSingleShot(true);
        connect(entry.hold, &QTimer::timeout, this, [this, notice] {
            if (!topic(notice).pending.isEmpty() || topic(notice).pendingDone)
                flush(notice);
        });
    }
    if (m_bus.isConnected()) {
        m_bus.connect(kService, kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                      SLOT(onActionInvoked(uint, QString)));
        m_bus.connect(kService, kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                      SLOT(onNotificationClosed(uint, uint)));
    }
}

DesktopNotifier::~DesktopNotifier() = default;

void DesktopNotifier::setGroupingDelay(std::chrono::milliseconds delay)
{
    m_groupingDelay = delay;
}

void DesktopNotifier::setMinimumInterval(std::chrono::milliseconds interval)
{
    m_minimumInterval = interval;
}

void DesktopNotifier::setRunTitle(const QString &title)
{
    m_runTitle = title;
}

void DesktopNotifier::reset()
{
    Q_ASSERT(QThread::currentThread() == thread());
    qCDebug(lcNotify) << "reset: the next list is what already waits";
    for (Topic &entry : m_topics) {
        entry.grouping->stop();
        entry.hold->stop();
        entry.pending.clear();
        entry.pendingDone = false;
        entry.shownId = 0;
        entry.shown.clear();
    }
    m_current.clear();
    m_haveBaseline = false;
    m_outbox.clear();
    m_sent.clear();
    ++m_generation;
}

void DesktopNotifier::setAttention(const QList<AttentionItem> &items, Snapshot::Source source)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QList<AttentionItem> previous = std::exchange(m_current, items);
    if (!m_haveBaseline) {
        m_haveBaseline = true;
        qCDebug(lcNotify) << items.size()
                          << "item(s) already waited when the run opened: not announced";
        return;
    }

    // What waited before, by kind and key: a run with thousands of tasks in review must not
    // cost a comparison of every item with every other per snapshot. Kinds never announced
    // (tasks in review) are left out of it altogether.
    QSet<std::pair<int, QString>> waited;
    for (const AttentionItem &item : previous) {
        if (NotificationSettings::noticeFor(item.kind))
            waited.insert({int(item.kind), item.key});
    }
    std::array<QList<AttentionItem>, kNoticeCount> fresh;
    std::array<QList<AttentionItem>, kNoticeCount> own;
    for (const AttentionItem &item : items) {
        const std::optional<Notice> notice = NotificationSettings::noticeFor(item.kind);
        if (!notice || waited.contains({int(item.kind), item.key}))
            continue;
        if (source == Snapshot::Source::Self && item.kind != AttentionItem::Kind::Conflict)
            own[std::size_t(*notice)].append(item);
        else
            fresh[std::size_t(*notice)].append(item);
    }
    for (std::size_t i = 0; i < own.size(); ++i) {
        if (own[i].isEmpty())
            continue;
        const auto notice = Notice(i);
        qCDebug(lcNotify) << "skipped as the person's own change:"
                          << NotificationSettings::name(notice) << own[i].size();
        Q_EMIT noticeDecided(
            tr("Not announced, your own change: %1").arg(summaryFor(notice, int(own[i].size()))),
            bodyLines(notice, own[i]).join(QLatin1Char('\n')));
    }
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        if (!fresh[i].isEmpty())
            enqueue(Notice(i), fresh[i]);
    }
}

void DesktopNotifier::notifyAllTasksDone(Snapshot::Source source)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (source == Snapshot::Source::Initial) {
        qCDebug(lcNotify) << "all tasks were done when the run opened: not announced";
        return;
    }
    if (source == Snapshot::Source::Self) {
        qCDebug(lcNotify) << "skipped as the person's own change: all tasks done";
        Q_EMIT noticeDecided(
            tr("Not announced, your own change: %1").arg(summaryFor(Notice::AllTasksDone, 1)),
            QString());
        return;
    }
    topic(Notice::AllTasksDone).pendingDone = true;
    enqueue(Notice::AllTasksDone, {});
}

void DesktopNotifier::enqueue(Notice notice, const QList<AttentionItem> &items)
{
    Topic &entry = topic(notice);
    for (const AttentionItem &item : items) {
        if (!containsThing(entry.pending, item))
            entry.pending.append(item);
    }
    if (entry.hold->isActive()) {
        qCDebug(lcNotify) << "held:" << NotificationSettings::name(notice)
                          << "was notified less than" << m_minimumInterval.count()
                          << "ms ago; waiting:" << entry.pending.size();
        return;
    }
    if (entry.grouping->isActive()) {
        qCDebug(lcNotify) << "grouped:" << NotificationSettings::name(notice)
                          << "waiting:" << entry.pending.size();
        return;
    }
    qCDebug(lcNotify) << "collecting" << NotificationSettings::name(notice) << "for"
                      << m_groupingDelay.count() << "ms";
    entry.grouping->start(m_groupingDelay);
}

bool DesktopNotifier::isWaiting(const AttentionItem &item) const
{
    return containsThing(m_current, item);
}

void DesktopNotifier::flush(Notice notice)
{
    Topic &entry = topic(notice);
    const bool done = std::exchange(entry.pendingDone, false);
    QList<AttentionItem> items;
    const QList<AttentionItem> pending = std::exchange(entry.pending, {});
    for (const AttentionItem &item : pending) {
        // The list's current text: "silent for 12 min" rather than the 11 it was collected at.
        const auto now
            = std::find_if(m_current.cbegin(), m_current.cend(),
                           [&item](const AttentionItem &other) { return other.isSameThing(item); });
        if (now == m_current.cend())
            qCDebug(lcNotify) << "dropped, no longer waiting:" << item.key;
        else
            items.append(*now);
    }
    if (items.isEmpty() && !done)
        return;

    const int count = done ? 1 : int(items.size());
    if (!NotificationSettings::isEnabled(notice)) {
        qCDebug(lcNotify) << "off in the settings:" << NotificationSettings::name(notice);
        Q_EMIT noticeDecided(
            tr("Not shown, turned off in Preferences: %1").arg(summaryFor(notice, count)),
            bodyLines(notice, items).join(QLatin1Char('\n')));
        return;
    }

    Outgoing outgoing;
    outgoing.notice = notice;
    outgoing.generation = m_generation;
    if (entry.shownId != 0) {
        outgoing.replacesId = entry.shownId;
        for (const AttentionItem &earlier : std::as_const(entry.shown)) {
            if (isWaiting(earlier) && !containsThing(items, earlier))
                items.append(earlier);
        }
    }
    outgoing.items = items;
    outgoing.summary = summaryFor(notice, done ? 1 : int(items.size()));
    outgoing.lines = bodyLines(notice, items);
    qCDebug(lcNotify) << "notifying" << NotificationSettings::name(notice) << "about"
                      << outgoing.items.size() << "item(s), new:" << count
                      << "replaces:" << outgoing.replacesId;
    entry.hold->start(m_minimumInterval);
    send(std::move(outgoing));
}

QStringList DesktopNotifier::bodyLines(Notice notice, const QList<AttentionItem> &items) const
{
    if (notice == Notice::AllTasksDone) {
        return {m_runTitle.isEmpty() ? tr("Every task of the run is done.")
                                     : tr("Every task of “%1” is done.").arg(oneLine(m_runTitle))};
    }
    QStringList lines;
    const qsizetype named = std::min<qsizetype>(items.size(), kMaxNamed);
    for (qsizetype i = 0; i < named; ++i)
        lines.append(oneLine(items.at(i).text));
    if (items.size() > named)
        lines.append(tr("and %n more", nullptr, int(items.size() - named)));
    return lines;
}

QString DesktopNotifier::summaryFor(Notice notice, int count)
{
    switch (notice) {
    case Notice::AgentStalled:
        return count == 1 ? tr("An agent stalled") : tr("%n agents stalled", nullptr, count);
    case Notice::ValidationFailed:
        return count == 1 ? tr("A validation run failed")
                          : tr("%n validation runs failed", nullptr, count);
    case Notice::PlanApproval:
        return tr("The plan waits for approval");
    case Notice::Conflict:
        return count == 1 ? tr("A change of yours is in conflict")
                          : tr("%n changes of yours are in conflict", nullptr, count);
    case Notice::AllTasksDone:
        return tr("All tasks are done");
    }
    return {};
}

void DesktopNotifier::send(Outgoing outgoing)
{
    if (!m_bus.isConnected()) {
        const QString reason = m_bus.lastError().isValid() ? m_bus.lastError().message()
                                                           : tr("there is no session bus");
        refuse(outgoing, reason);
        sayUnavailable(reason);
        return;
    }
    switch (m_service) {
    case Service::Ready:
        callNotify(outgoing);
        return;
    case Service::Asking:
        m_outbox.append(std::move(outgoing));
        return;
    case Service::Unknown:
        m_outbox.append(std::move(outgoing));
        askCapabilities();
        return;
    }
}

void DesktopNotifier::askCapabilities()
{
    m_service = Service::Asking;
    const QDBusMessage call = QDBusMessage::createMethodCall(kService, kPath, kInterface,
                                                             QStringLiteral("GetCapabilities"));
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this](QDBusPendingCallWatcher *finished) {
                finished->deleteLater();
                const QDBusPendingReply<QStringList> reply = *finished;
                const QList<Outgoing> waiting = std::exchange(m_outbox, {});
                if (reply.isError()) {
                    m_service = Service::Unknown;
                    qCDebug(lcNotify) << "no notification service:" << reply.error().name()
                                      << reply.error().message();
                    for (const Outgoing &outgoing : waiting)
                        refuse(outgoing, reply.error().message());
                    sayUnavailable(reply.error().message());
                    return;
                }
                m_service = Service::Ready;
                m_bodyMarkup = reply.value().contains(QStringLiteral("body-markup"));
                qCDebug(lcNotify) << "service capabilities:" << reply.value();
                for (const Outgoing &outgoing : waiting)
                    callNotify(outgoing);
            });
}

void DesktopNotifier::callNotify(const Outgoing &outgoing)
{
    if (outgoing.generation != m_generation) {
        qCDebug(lcNotify) << "dropped, built for a run no longer shown:" << outgoing.summary;
        return;
    }
    const QString body = outgoing.lines.join(QLatin1Char('\n'));
    QVariantMap hints;
    const QString desktopEntry = QGuiApplication::desktopFileName();
    if (!desktopEntry.isEmpty())
        hints.insert(QStringLiteral("desktop-entry"), desktopEntry);
    QDBusMessage call
        = QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("Notify"));
    call << QGuiApplication::applicationDisplayName() << outgoing.replacesId << desktopEntry
         << outgoing.summary << (m_bodyMarkup ? escapeMarkup(body) : body)
         << QStringList{kDefaultAction, tr("Show")} << hints << qint32(-1);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, outgoing](QDBusPendingCallWatcher *finished) {
                finished->deleteLater();
                const QDBusPendingReply<uint> reply = *finished;
                if (reply.isError()) {
                    m_service = Service::Unknown;
                    qCDebug(lcNotify)
                        << "Notify failed:" << reply.error().name() << reply.error().message();
                    refuse(outgoing, reply.error().message());
                    sayUnavailable(reply.error().message());
                    return;
                }
                onNotified(outgoing, reply.value());
            });
}

void DesktopNotifier::onNotified(const Outgoing &outgoing, uint id)
{
    if (outgoing.generation != m_generation) {
        qCDebug(lcNotify) << "notified for a run no longer shown:" << id;
        return;
    }
    m_unavailableSaid = false;
    Topic &entry = topic(outgoing.notice);
    entry.shownId = id;
    entry.shown = outgoing.items;
    Sent sent;
    sent.notice = outgoing.notice;
    if (!outgoing.items.isEmpty()) {
        sent.kind = outgoing.items.constFirst().kind;
        sent.key = outgoing.items.constFirst().key;
    }
    m_sent.insert(id, sent);
    qCDebug(lcNotify) << "notified, id" << id << outgoing.summary;
    Q_EMIT noticeDecided(tr("Desktop notification: %1").arg(outgoing.summary),
                         outgoing.lines.join(QLatin1Char('\n')));
}

void DesktopNotifier::refuse(const Outgoing &outgoing, const QString &reason)
{
    if (outgoing.generation != m_generation)
        return;
    qCDebug(lcNotify) << "not shown:" << outgoing.summary << "-" << reason;
    Q_EMIT noticeDecided(tr("Not shown, no notification service: %1").arg(outgoing.summary),
                         outgoing.lines.join(QLatin1Char('\n')));
}

void DesktopNotifier::sayUnavailable(const QString &reason)
{
    if (std::exchange(m_unavailableSaid, true))
        return;
    Q_EMIT unavailable(reason);
}

void DesktopNotifier::onActionInvoked(uint id, const QString &actionKey)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const auto found = m_sent.constFind(id);
    if (found == m_sent.cend() || actionKey != kDefaultAction) {
        qCDebug(lcNotify) << "action" << actionKey << "on" << id << "is not ours: ignored";
        return;
    }
    // A copy: whoever is told may reset() and with it m_sent.
    const Sent sent = *found;
    qCDebug(lcNotify) << "clicked:" << id << NotificationSettings::name(sent.notice) << sent.key;
    if (sent.notice == Notice::AllTasksDone)
        Q_EMIT allTasksDoneActivated();
    else
        Q_EMIT activated(sent.kind, sent.key);
}

void DesktopNotifier::onNotificationClosed(uint id, uint reason)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_sent.remove(id))
        return;
    qCDebug(lcNotify) << "closed:" << id << "reason" << reason;
    for (Topic &entry : m_topics) {
        if (entry.shownId == id) {
            entry.shownId = 0;
            entry.shown.clear();
        }
    }
}

} // namespace runboard
