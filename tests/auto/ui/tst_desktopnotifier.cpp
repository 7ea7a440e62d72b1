// SPDX-License-Identifier: MIT
// DesktopNotifier against a notification server of the test's own, on a private D-Bus session
// bus (a dbus-daemon started with a configuration that activates no services): what is new is
// announced once, grouped and rate-limited per kind; the person's own changes, tasks in review
// and what already waited are not; the settings are obeyed; clicks come back; markup is escaped
// where the server reads it; and without a service nothing breaks.

#include "desktopnotifier.h"
#include "editdialogs.h"
#include "notificationsettings.h"

#include <QCheckBox>
#include <QDBusConnection>
#include <QDBusContext>
#include <QDBusError>
#include <QElapsedTimer>
#include <QFile>
#include <QKeySequence>
#include <QPointer>
#include <QProcess>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

using namespace runboard;
using namespace std::chrono_literals;

namespace {

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");

// A bus of the test's own: no .service files, so nothing is activated behind its back.
const char kBusConfig[]
    = "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
      " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
      "<busconfig>\n"
      "  <type>session</type>\n"
      "  <listen>unix:dir=%1</listen>\n"
      "  <auth>EXTERNAL</auth>\n"
      "  <policy context=\"default\">\n"
      "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
      "    <allow eavesdrop=\"true\"/>\n"
      "    <allow own=\"*\"/>\n"
      "  </policy>\n"
      "</busconfig>\n";

AttentionItem stall(const QString &session)
{
    return {AttentionItem::Kind::AgentStalled, session,
            QStringLiteral("Agent %1 is stalled: silent for 11 min").arg(session)};
}

AttentionItem itemOf(AttentionItem::Kind kind, const QString &key)
{
    switch (kind) {
    case AttentionItem::Kind::AgentStalled:
        return stall(key);
    case AttentionItem::Kind::ValidationFailed:
        return {kind, key, QStringLiteral("Validation failed for T-1 (check %1)").arg(key)};
    case AttentionItem::Kind::PlanApproval:
        return {kind, QString(), QStringLiteral("The plan waits for approval")};
    case AttentionItem::Kind::Conflict:
        return {kind, key, QStringLiteral("Your change “%1” is in conflict").arg(key)};
    case AttentionItem::Kind::TaskReview:
        return {kind, key, QStringLiteral("Task %1 waits for review").arg(key)};
    }
    return {};
}

QList<AttentionItem> stalls(int count)
{
    QList<AttentionItem> items;
    for (int i = 1; i <= count; ++i)
        items.append(stall(QStringLiteral("S-%1").arg(i)));
    return items;
}

} // namespace

// Hears NotificationClosed on the notifier's connection (QtDBus connects bus signals to
// string-based slots only).
class ClosedListener : public QObject
{
    Q_OBJECT

Q_SIGNALS:
    void closed(uint id);

public Q_SLOTS:
    void onClosed(uint id, uint reason)
    {
        Q_UNUSED(reason)
        Q_EMIT closed(id);
    }
};

// Plays the desktop's notification server: records Notify calls, answers with ids, and sends
// ActionInvoked and NotificationClosed when the test says so.
class FakeNotificationServer : public QObject, protected QDBusContext
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    struct Call
    {
        QString appName;
        uint replacesId = 0;
        QString summary;
        QString body;
        QStringList actions;
        int timeout = 0;
        uint id = 0;
    };

    QList<Call> calls;
    QStringList capabilities{QStringLiteral("body"), QStringLiteral("actions")};
    bool refuseNotify = false;

    void click(uint id, const QString &action = QStringLiteral("default"))
    {
        Q_EMIT ActionInvoked(id, action);
    }
    void close(uint id) { Q_EMIT NotificationClosed(id, 2); }
    QStringList summaries() const
    {
        QStringList list;
        for (const Call &call : calls)
            list.append(call.summary);
        return list;
    }

public Q_SLOTS:
    uint Notify(const QString &appName, uint replacesId, const QString &appIcon,
                const QString &summary, const QString &body, const QStringList &actions,
                const QVariantMap &hints, int timeout)
    {
        Q_UNUSED(appIcon)
        Q_UNUSED(hints)
        if (refuseNotify) {
            sendErrorReply(QDBusError::AccessDenied, QStringLiteral("not now"));
            return 0;
        }
        const uint id = replacesId != 0 ? replacesId : ++m_lastId;
        calls.append({appName, replacesId, summary, body, actions, timeout, id});
        return id;
    }
    void CloseNotification(uint id) { close(id); }
    QStringList GetCapabilities() { return capabilities; }
    QString GetServerInformation(QString &vendor, QString &version, QString &specVersion)
    {
        vendor = QStringLiteral("Runboard tests");
        version = QStringLiteral("1");
        specVersion = QStringLiteral("1.2");
        return QStringLiteral("tst_desktopnotifier");
    }

Q_SIGNALS:
    void ActionInvoked(uint id, const QString &actionKey);
    void NotificationClosed(uint id, uint reason);

private:
    uint m_lastId = 0;
};

class tst_DesktopNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void announcesWhatIsNew_data();
    void announcesWhatIsNew();
    void groupsManyIntoOne_data();
    void groupsManyIntoOne();
    void announcesOnlyWhatIsNew();
    void whatWaitedAtOpeningIsNotAnnounced();
    void heldForTheMinimumInterval_data();
    void heldForTheMinimumInterval();
    void settingOffSendsNone_data();
    void settingOffSendsNone();
    void allTasksDone_data();
    void allTasksDone();
    void clickActivates();
    void clicksOnOthersAreIgnored();
    void bodyEscapedWhereServerReadsMarkup_data();
    void bodyEscapedWhereServerReadsMarkup();
    void withoutServiceNothingBreaks_data();
    void withoutServiceNothingBreaks();
    void preferencesHoldOneSwitchPerKind();

private:
    std::unique_ptr<DesktopNotifier> makeNotifier(const QDBusConnection &bus);
    std::unique_ptr<DesktopNotifier> makeNotifier() { return makeNotifier(m_clientBus); }
    // Sends one more notice, later than anything before it, and waits until the server has it:
    // the calls before it are then all that the test's own step caused (callsBeforeMarker).
    [[nodiscard]] bool sendMarker(DesktopNotifier &notifier, const QList<AttentionItem> &current,
                                  bool markWithAllDone = true);
    QList<FakeNotificationServer::Call> callsBeforeMarker() const;
    QString nextName(const char *what);

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_busDir;
    QProcess m_daemon;
    QString m_address;
    QString m_marker;
    int m_connections = 0;
    QString m_serverName;
    QString m_clientName;
    QDBusConnection m_serverBus{QString()};
    QDBusConnection m_clientBus{QString()};
    std::unique_ptr<FakeNotificationServer> m_server;
};

void tst_DesktopNotifier::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("RunboardTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_desktopnotifier"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());

    const QString daemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
    if (daemon.isEmpty()) {
        QFAIL("dbus-daemon was not found in PATH: install the Debian package dbus-daemon "
              "(scripts/deps lists it); this test runs its own private session bus");
    }
    QVERIFY(m_busDir.isValid());
    QFile config(m_busDir.filePath(QStringLiteral("bus.conf")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QString::fromUtf8(kBusConfig).arg(m_busDir.path()).toUtf8());
    config.close();
#ifdef Q_OS_LINUX
    // A test that dies (a crash, a closed pipe) takes its bus with it instead of leaving a
    // daemon behind.
    m_daemon.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    m_daemon.start(daemon, {QStringLiteral("--config-file=") + config.fileName(),
                            QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
    QVERIFY2(m_daemon.waitForStarted(10000), qPrintable(m_daemon.errorString()));
    // The daemon prints its address once it listens; waiting for that line is waiting for an
    // event, not for time.
    while (!m_daemon.canReadLine()) {
        QVERIFY2(m_daemon.waitForReadyRead(10000), m_daemon.readAllStandardError().constData());
    }
    m_address = QString::fromUtf8(m_daemon.readLine()).trimmed();
    QVERIFY(!m_address.isEmpty());
}

void tst_DesktopNotifier::cleanupTestCase()
{
    if (m_daemon.state() != QProcess::NotRunning) {
        m_daemon.kill();
        m_daemon.waitForFinished(10000);
    }
}

QString tst_DesktopNotifier::nextName(const char *what)
{
    return QString::fromLatin1(what) + QString::number(++m_connections);
}

void tst_DesktopNotifier::init()
{
    QSettings().clear();
    m_serverName = nextName("server");
    m_clientName = nextName("client");
    m_serverBus = QDBusConnection::connectToBus(m_address, m_serverName);
    m_clientBus = QDBusConnection::connectToBus(m_address, m_clientName);
    QVERIFY2(m_serverBus.isConnected(), qPrintable(m_serverBus.lastError().message()));
    QVERIFY2(m_clientBus.isConnected(), qPrintable(m_clientBus.lastError().message()));
    m_server = std::make_unique<FakeNotificationServer>();
    QVERIFY(m_serverBus.registerObject(kPath, m_server.get(),
                                       QDBusConnection::ExportAllSlots
                                           | QDBusConnection::ExportAllSignals));
    QVERIFY(m_serverBus.registerService(kService));
}

void tst_DesktopNotifier::cleanup()
{
    m_serverBus.unregisterService(kService);
    m_serverBus.unregisterObject(kPath);
    m_server.reset();
    m_serverBus = QDBusConnection(QString());
    m_clientBus = QDBusConnection(QString());
    QDBusConnection::disconnectFromBus(m_serverName);
    QDBusConnection::disconnectFromBus(m_clientName);
}

std::unique_ptr<DesktopNotifier> tst_DesktopNotifier::makeNotifier(const QDBusConnection &bus)
{
    auto notifier = std::make_unique<DesktopNotifier>(bus);
    notifier->setGroupingDelay(20ms);
    notifier->setMinimumInterval(60s);
    // The run just opened with nothing waiting.
    notifier->setAttention({}, Snapshot::Source::Initial);
    return notifier;
}

bool tst_DesktopNotifier::sendMarker(DesktopNotifier &notifier, const QList<AttentionItem> &current,
                                     bool markWithAllDone)
{
    // Collected for longer than the step before it: its timers have fired by the time this one
    // does, and the bus keeps the order of one connection's calls.
    notifier.setGroupingDelay(150ms);
    if (markWithAllDone) {
        notifier.notifyAllTasksDone(Snapshot::Source::External);
        m_marker = DesktopNotifier::summaryFor(DesktopNotifier::Notice::AllTasksDone, 1);
    } else {
        notifier.setAttention(
            current
                + QList<AttentionItem>{itemOf(AttentionItem::Kind::ValidationFailed,
                                              QStringLiteral("marker"))},
            Snapshot::Source::External);
        m_marker = DesktopNotifier::summaryFor(DesktopNotifier::Notice::ValidationFailed, 1);
    }
    return QTest::qWaitFor([this] { return m_server->summaries().contains(m_marker); }, 10000);
}

QList<FakeNotificationServer::Call> tst_DesktopNotifier::callsBeforeMarker() const
{
    QList<FakeNotificationServer::Call> before;
    for (const FakeNotificationServer::Call &call : std::as_const(m_server->calls)) {
        if (call.summary == m_marker)
            break;
        before.append(call);
    }
    return before;
}

void tst_DesktopNotifier::announcesWhatIsNew_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("source");
    QTest::addColumn<QString>("summary"); // empty: nothing is announced

    using K = AttentionItem::Kind;
    using S = Snapshot::Source;
    const auto row = [](const char *name, K kind, S source, const char *summary) {
        QTest::newRow(name) << int(kind) << int(source) << QString::fromUtf8(summary);
    };
    row("stall, another writer", K::AgentStalled, S::External, "An agent stalled");
    row("stall, seen on a clock tick", K::AgentStalled, S::Initial, "An agent stalled");
    row("stall, own change", K::AgentStalled, S::Self, "");
    row("failed run, another writer", K::ValidationFailed, S::External, "A validation run failed");
    row("failed run, own change", K::ValidationFailed, S::Self, "");
    row("plan, another writer", K::PlanApproval, S::External, "The plan waits for approval");
    row("plan, own change", K::PlanApproval, S::Self, "");
    row("conflict, another writer", K::Conflict, S::External, "A change of yours is in conflict");
    row("conflict, own change", K::Conflict, S::Self, "A change of yours is in conflict");
    row("task in review", K::TaskReview, S::External, "");
}

void tst_DesktopNotifier::announcesWhatIsNew()
{
    QFETCH(int, kind);
    QFETCH(int, source);
    QFETCH(QString, summary);

    auto notifier = makeNotifier();
    QSignalSpy decided(notifier.get(), &DesktopNotifier::noticeDecided);
    const AttentionItem item = itemOf(AttentionItem::Kind(kind), QStringLiteral("A-1"));
    notifier->setAttention({item}, Snapshot::Source(source));
    QVERIFY(sendMarker(*notifier, {item}));
    const QList<FakeNotificationServer::Call> calls = callsBeforeMarker();

    if (summary.isEmpty()) {
        QCOMPARE(calls.size(), 0);
        if (Snapshot::Source(source) == Snapshot::Source::Self) {
            QVERIFY(!decided.isEmpty());
            QVERIFY(decided.first().at(0).toString().startsWith(
                QStringLiteral("Not announced, your own change")));
        }
        return;
    }
    QCOMPARE(calls.size(), 1);
    const FakeNotificationServer::Call &call = calls.first();
    QCOMPARE(call.summary, summary);
    QCOMPARE(call.body, item.text);
    QCOMPARE(call.replacesId, 0u);
    QCOMPARE(call.actions, (QStringList{QStringLiteral("default"), QStringLiteral("Show")}));
    QCOMPARE(call.timeout, -1);
    QVERIFY(!call.appName.isEmpty());
    // The Events tab hears of it.
    QVERIFY(!decided.isEmpty());
    QCOMPARE(decided.first().at(0).toString(), QStringLiteral("Desktop notification: ") + summary);
    QCOMPARE(decided.first().at(1).toString(), item.text);
}

void tst_DesktopNotifier::groupsManyIntoOne_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QString>("lastLine");

    QTest::newRow("two") << 2 << QStringLiteral("2 agents stalled")
                         << stall(QStringLiteral("S-2")).text;
    QTest::newRow("five, all named")
        << 5 << QStringLiteral("5 agents stalled") << stall(QStringLiteral("S-5")).text;
    QTest::newRow("six") << 6 << QStringLiteral("6 agents stalled") << QStringLiteral("and 1 more");
    QTest::newRow("ten") << 10 << QStringLiteral("10 agents stalled")
                         << QStringLiteral("and 5 more");
}

void tst_DesktopNotifier::groupsManyIntoOne()
{
    QFETCH(int, count);
    QFETCH(QString, summary);
    QFETCH(QString, lastLine);

    auto notifier = makeNotifier();
    // Stalls arriving one list after another within the grouping delay, as a tick finds them.
    QList<AttentionItem> items;
    for (const AttentionItem &item : stalls(count)) {
        items.append(item);
        notifier->setAttention(items, Snapshot::Source::External);
    }
    QVERIFY(sendMarker(*notifier, items));
    const QList<FakeNotificationServer::Call> calls = callsBeforeMarker();
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls.first().summary, summary);
    const QStringList lines = calls.first().body.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), std::min(count, DesktopNotifier::kMaxNamed) + (count > 5 ? 1 : 0));
    QCOMPARE(lines.first(), stall(QStringLiteral("S-1")).text);
    QCOMPARE(lines.last(), lastLine);
}

void tst_DesktopNotifier::announcesOnlyWhatIsNew()
{
    auto notifier = makeNotifier();
    notifier->setMinimumInterval(50ms);
    const AttentionItem first = stall(QStringLiteral("S-1"));
    notifier->setAttention({first}, Snapshot::Source::External);
    QTRY_COMPARE(m_server->calls.size(), 1);

    // The same stall with a newer text, then the plan: only the plan is new.
    AttentionItem later = first;
    later.text = QStringLiteral("Agent S-1 is stalled: silent for 12 min");
    const AttentionItem plan = itemOf(AttentionItem::Kind::PlanApproval, QString());
    notifier->setAttention({later, plan}, Snapshot::Source::External);
    QTRY_COMPARE(m_server->calls.size(), 2);
    QCOMPARE(m_server->calls.at(1).summary, QStringLiteral("The plan waits for approval"));

    // The stall ends and comes back: announced again, with the text it has now, replacing the
    // first notification, which is still on screen.
    notifier->setAttention({plan}, Snapshot::Source::External);
    notifier->setAttention({later, plan}, Snapshot::Source::External);
    QTRY_COMPARE(m_server->calls.size(), 3);
    QCOMPARE(m_server->calls.at(2).summary, QStringLiteral("An agent stalled"));
    QCOMPARE(m_server->calls.at(2).body, later.text);
    QCOMPARE(m_server->calls.at(2).replacesId, m_server->calls.at(0).id);
}

void tst_DesktopNotifier::whatWaitedAtOpeningIsNotAnnounced()
{
    auto notifier = std::make_unique<DesktopNotifier>(m_clientBus);
    notifier->setGroupingDelay(20ms);
    const QList<AttentionItem> atOpening = stalls(3);
    notifier->setAttention(atOpening, Snapshot::Source::Initial);
    const AttentionItem fourth = stall(QStringLiteral("S-4"));
    notifier->setAttention(atOpening + QList<AttentionItem>{fourth}, Snapshot::Source::External);
    QVERIFY(sendMarker(*notifier, {}));
    QList<FakeNotificationServer::Call> calls = callsBeforeMarker();
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls.first().summary, QStringLiteral("An agent stalled"));
    QCOMPARE(calls.first().body, fourth.text);

    // Another run: its first list is what waited there, and a collected notice of the old run
    // never goes out.
    m_server->calls.clear();
    notifier->setGroupingDelay(20ms);
    notifier->setAttention({fourth, stall(QStringLiteral("S-5"))}, Snapshot::Source::External);
    notifier->reset();
    notifier->setAttention(stalls(8), Snapshot::Source::Initial);
    QVERIFY(sendMarker(*notifier, {}));
    calls = callsBeforeMarker();
    QCOMPARE(calls.size(), 0);
}

void tst_DesktopNotifier::heldForTheMinimumInterval_data()
{
    QTest::addColumn<bool>("closedBetween");
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QStringList>("keys");

    // Still on screen: the held stalls replace it, naming the earlier one after them.
    QTest::newRow("first still shown")
        << false << QStringLiteral("3 agents stalled")
        << QStringList{QStringLiteral("S-2"), QStringLiteral("S-3"), QStringLiteral("S-1")};
    QTest::newRow("first closed") << true << QStringLiteral("2 agents stalled")
                                  << QStringList{QStringLiteral("S-2"), QStringLiteral("S-3")};
}

void tst_DesktopNotifier::heldForTheMinimumInterval()
{
    QFETCH(bool, closedBetween);
    QFETCH(QString, summary);
    QFETCH(QStringList, keys);

    constexpr auto interval = 600ms;
    auto notifier = makeNotifier();
    notifier->setMinimumInterval(interval);
    QList<AttentionItem> items = stalls(1);
    notifier->setAttention(items, Snapshot::Source::External);
    QTRY_COMPARE(m_server->calls.size(), 1);
    QElapsedTimer sinceFirst;
    sinceFirst.start();
    const uint firstId = m_server->calls.first().id;
    if (closedBetween) {
        // The notifier says nothing about a close; another listener on its connection hears it
        // in the same dispatch, long before the hold ends.
        ClosedListener listener;
        QVERIFY(m_clientBus.connect(kService, kPath, kService, QStringLiteral("NotificationClosed"),
                                    &listener, SLOT(onClosed(uint, uint))));
        QSignalSpy closed(&listener, &ClosedListener::closed);
        m_server->close(firstId);
        QVERIFY(closed.wait());
    }

    // Two more while the first is recent: held, then sent together when the interval ends.
    items += stall(QStringLiteral("S-2"));
    notifier->setAttention(items, Snapshot::Source::External);
    items += stall(QStringLiteral("S-3"));
    notifier->setAttention(items, Snapshot::Source::External);
    QCOMPARE(m_server->calls.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->calls.size(), 2, 10000);
    // Coarse timers may fire a little early; the hold counts from sending, which was before
    // the server had the call.
    QVERIFY2(sinceFirst.elapsed() >= 500, QByteArray::number(sinceFirst.elapsed()).constData());
    const FakeNotificationServer::Call &second = m_server->calls.at(1);
    QCOMPARE(second.summary, summary);
    QCOMPARE(second.replacesId, closedBetween ? 0u : firstId);
    QStringList lines;
    for (const QString &key : std::as_const(keys))
        lines.append(stall(key).text);
    QCOMPARE(second.body, lines.join(QLatin1Char('\n')));

    QVERIFY(sendMarker(*notifier, items));
    const QList<FakeNotificationServer::Call> calls = callsBeforeMarker();
    QCOMPARE(calls.size(), 2);
}

void tst_DesktopNotifier::settingOffSendsNone_data()
{
    QTest::addColumn<int>("notice");
    QTest::addColumn<bool>("offWhileCollecting");

    using N = NotificationSettings::Notice;
    for (const N notice : NotificationSettings::notices()) {
        const QByteArray name = NotificationSettings::name(notice).toUtf8();
        QTest::newRow(name.constData()) << int(notice) << false;
        QTest::newRow(QByteArray(name + ", turned off while collecting").constData())
            << int(notice) << true;
    }
}

void tst_DesktopNotifier::settingOffSendsNone()
{
    QFETCH(int, notice);
    QFETCH(bool, offWhileCollecting);
    const auto off = NotificationSettings::Notice(notice);

    if (!offWhileCollecting)
        NotificationSettings::setEnabled(off, false);
    auto notifier = makeNotifier();
    QSignalSpy decided(notifier.get(), &DesktopNotifier::noticeDecided);
    QList<AttentionItem> items;
    if (off == NotificationSettings::Notice::AllTasksDone) {
        notifier->notifyAllTasksDone(Snapshot::Source::External);
    } else {
        for (const AttentionItem::Kind kind :
             {AttentionItem::Kind::AgentStalled, AttentionItem::Kind::ValidationFailed,
              AttentionItem::Kind::PlanApproval, AttentionItem::Kind::Conflict}) {
            if (NotificationSettings::noticeFor(kind) == off)
                items.append(itemOf(kind, QStringLiteral("K-1")));
        }
        notifier->setAttention(items, Snapshot::Source::External);
    }
    if (offWhileCollecting)
        NotificationSettings::setEnabled(off, false);

    const bool markWithAllDone = off != NotificationSettings::Notice::AllTasksDone;
    QVERIFY(sendMarker(*notifier, items, markWithAllDone));
    QCOMPARE(callsBeforeMarker().size(), 0);
    QVERIFY(!decided.isEmpty());
    QCOMPARE(decided.first().at(0).toString(),
             QStringLiteral("Not shown, turned off in Preferences: ")
                 + DesktopNotifier::summaryFor(off, 1));

    // The others stay on.
    for (const NotificationSettings::Notice other : NotificationSettings::notices())
        QCOMPARE(NotificationSettings::isEnabled(other), other != off);
}

void tst_DesktopNotifier::allTasksDone_data()
{
    QTest::addColumn<int>("source");
    QTest::addColumn<bool>("announced");

    QTest::newRow("another writer") << int(Snapshot::Source::External) << true;
    QTest::newRow("own change") << int(Snapshot::Source::Self) << false;
    QTest::newRow("already done at opening") << int(Snapshot::Source::Initial) << false;
}

void tst_DesktopNotifier::allTasksDone()
{
    QFETCH(int, source);
    QFETCH(bool, announced);

    auto notifier = makeNotifier();
    notifier->setRunTitle(QStringLiteral("Ship <it>"));
    notifier->notifyAllTasksDone(Snapshot::Source(source));
    QVERIFY(sendMarker(*notifier, {}, /*markWithAllDone=*/false));
    const QList<FakeNotificationServer::Call> calls = callsBeforeMarker();
    QCOMPARE(calls.size(), announced ? 1 : 0);
    if (announced) {
        QCOMPARE(calls.first().summary, QStringLiteral("All tasks are done"));
        QCOMPARE(calls.first().body, QStringLiteral("Every task of “Ship <it>” is done."));
    }
}

void tst_DesktopNotifier::clickActivates()
{
    auto notifier = makeNotifier();
    QSignalSpy activated(notifier.get(), &DesktopNotifier::activated);
    QSignalSpy allDone(notifier.get(), &DesktopNotifier::allTasksDoneActivated);
    notifier->setAttention(stalls(3), Snapshot::Source::External);
    notifier->notifyAllTasksDone(Snapshot::Source::External);
    QTRY_COMPARE(m_server->calls.size(), 2);
    uint stallId = 0;
    uint doneId = 0;
    for (const FakeNotificationServer::Call &call : std::as_const(m_server->calls))
        (call.summary == QStringLiteral("3 agents stalled") ? stallId : doneId) = call.id;
    QVERIFY(stallId != 0 && doneId != 0);

    m_server->click(stallId);
    QVERIFY(activated.wait());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().at(0).value<AttentionItem::Kind>(),
             AttentionItem::Kind::AgentStalled);
    QCOMPARE(activated.first().at(1).toString(), QStringLiteral("S-1"));

    m_server->click(doneId);
    QVERIFY(allDone.wait());
    QCOMPARE(activated.size(), 1);
}

void tst_DesktopNotifier::clicksOnOthersAreIgnored()
{
    auto notifier = makeNotifier();
    QSignalSpy activated(notifier.get(), &DesktopNotifier::activated);
    notifier->setAttention(stalls(1), Snapshot::Source::External);
    QTRY_COMPARE(m_server->calls.size(), 1);
    const uint id = m_server->calls.first().id;

    // Another application's notification, another action, and ours after the run changed.
    m_server->click(id + 100);
    m_server->click(id, QStringLiteral("snooze"));
    notifier->reset();
    m_server->click(id);
    // A notification of the new run, clicked: the only activation.
    notifier->setAttention({}, Snapshot::Source::Initial);
    notifier->setAttention({stall(QStringLiteral("S-9"))}, Snapshot::Source::External);
    QTRY_COMPARE(m_server->calls.size(), 2);
    m_server->click(m_server->calls.at(1).id);
    QVERIFY(activated.wait());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().at(1).toString(), QStringLiteral("S-9"));
}

void tst_DesktopNotifier::bodyEscapedWhereServerReadsMarkup_data()
{
    QTest::addColumn<bool>("markup");
    QTest::addColumn<QString>("body");

    QTest::newRow("plain server") << false
                                  << QStringLiteral("Agent <b>x</b> & co is stalled: 'a' \"b\"");
    QTest::newRow("body-markup")
        << true << QStringLiteral("Agent &lt;b&gt;x&lt;/b&gt; &amp; co is stalled: 'a' \"b\"");
}

void tst_DesktopNotifier::bodyEscapedWhereServerReadsMarkup()
{
    QFETCH(bool, markup);
    QFETCH(QString, body);

    if (markup)
        m_server->capabilities.append(QStringLiteral("body-markup"));
    auto notifier = makeNotifier();
    QSignalSpy decided(notifier.get(), &DesktopNotifier::noticeDecided);
    const AttentionItem item{AttentionItem::Kind::AgentStalled, QStringLiteral("x"),
                             QStringLiteral("Agent <b>x</b> & co\nis stalled: 'a' \"b\"")};
    notifier->setAttention({item}, Snapshot::Source::External);
    QTRY_COMPARE(m_server->calls.size(), 1);
    QCOMPARE(m_server->calls.first().body, body);
    QCOMPARE(m_server->calls.first().summary, QStringLiteral("An agent stalled"));
    // The Events tab gets plain text, whatever the server reads.
    QTRY_COMPARE(decided.size(), 1);
    QCOMPARE(decided.first().at(1).toString(),
             QStringLiteral("Agent <b>x</b> & co is stalled: 'a' \"b\""));
}

void tst_DesktopNotifier::withoutServiceNothingBreaks_data()
{
    QTest::addColumn<QString>("situation");
    QTest::newRow("no bus") << QStringLiteral("no bus");
    QTest::newRow("nobody owns the name") << QStringLiteral("no server");
    QTest::newRow("the server refuses") << QStringLiteral("refused");
}

void tst_DesktopNotifier::withoutServiceNothingBreaks()
{
    QFETCH(QString, situation);

    QDBusConnection bus = m_clientBus;
    const QString noBusName = nextName("nobus");
    if (situation == QStringLiteral("no bus")) {
        bus = QDBusConnection::connectToBus(
            QStringLiteral("unix:path=") + m_busDir.filePath(QStringLiteral("nobody-listens")),
            noBusName);
        QVERIFY(!bus.isConnected());
    } else if (situation == QStringLiteral("no server")) {
        QVERIFY(m_serverBus.unregisterService(kService));
    } else {
        m_server->refuseNotify = true;
    }

    {
        auto notifier = makeNotifier(bus);
        QSignalSpy unavailable(notifier.get(), &DesktopNotifier::unavailable);
        QSignalSpy decided(notifier.get(), &DesktopNotifier::noticeDecided);
        const QList<AttentionItem> first = stalls(1);
        notifier->setAttention(first, Snapshot::Source::External);
        QTRY_COMPARE(unavailable.size(), 1);
        QVERIFY(!unavailable.first().at(0).toString().isEmpty());
        QTRY_COMPARE(decided.size(), 1);
        QCOMPARE(decided.first().at(0).toString(),
                 QStringLiteral("Not shown, no notification service: An agent stalled"));

        // Later notices: each still said for the Events tab, the unavailability only once.
        const QList<AttentionItem> more
            = first + QList<AttentionItem>{itemOf(AttentionItem::Kind::PlanApproval, {})};
        notifier->setAttention(more, Snapshot::Source::External);
        notifier->notifyAllTasksDone(Snapshot::Source::External);
        QTRY_COMPARE(decided.size(), 3);
        QCOMPARE(unavailable.size(), 1);
        QCOMPARE(m_server->calls.size(), 0);
    }
    if (situation == QStringLiteral("no bus"))
        QDBusConnection::disconnectFromBus(noBusName);
}

void tst_DesktopNotifier::preferencesHoldOneSwitchPerKind()
{
    for (const NotificationSettings::Notice notice : NotificationSettings::notices())
        QVERIFY(NotificationSettings::isEnabled(notice));

    // Deletes itself once closed; the pointer follows.
    QPointer<PreferencesDialog> dialog = new PreferencesDialog;
    QSet<QChar> mnemonics;
    for (const NotificationSettings::Notice notice : NotificationSettings::notices()) {
        QCheckBox *box = dialog->notificationBox(notice);
        QVERIFY(box);
        QVERIFY(box->isChecked());
        QCOMPARE(box->accessibleName(), NotificationSettings::accessibleName(notice));
        const QKeySequence mnemonic = QKeySequence::mnemonic(box->text());
        QVERIFY2(!mnemonic.isEmpty(), qPrintable(box->text()));
        const QChar key = QChar(int(mnemonic[0].key())).toLower();
        QVERIFY2(!mnemonics.contains(key), qPrintable(box->text()));
        mnemonics.insert(key);
    }
    dialog->fill({{QStringLiteral("notify/agentStalled"), false}});
    QCOMPARE(dialog->values().value(QStringLiteral("notify/agentStalled")).toBool(), false);
    QCOMPARE(dialog->values().value(QStringLiteral("notify/conflict")).toBool(), true);
    dialog->accept();
    QVERIFY(!NotificationSettings::isEnabled(NotificationSettings::Notice::AgentStalled));
    QVERIFY(NotificationSettings::isEnabled(NotificationSettings::Notice::Conflict));
    delete dialog.data();
}

QTEST_MAIN(tst_DesktopNotifier)
#include "tst_desktopnotifier.moc"
