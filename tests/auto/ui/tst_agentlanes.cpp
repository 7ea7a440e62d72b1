// SPDX-License-Identifier: MIT
// AgentLanes: what each lane says at a fixed now, the silence tones (good / amber / red),
// finished agents folded, clicks and keys, the clock moving only the ages, what a screen reader
// and a tooltip get, sizes from the font, and a picture under light and dark palettes.

#include "agentlanes.h"
#include "plaintext.h"
#include "theme.h"
#include "uitestutil.h"

#include <QAccessible>
#include <QApplication>
#include <QHelpEvent>
#include <QImage>
#include <QSignalSpy>
#include <QStyle>
#include <QTest>
#include <QToolTip>
#include <QVBoxLayout>

using namespace runboard;
using namespace runboard::test;

namespace {

using Tone = StatusStyle::Tone;

// An agent whose last sign of life was `silentSeconds` before fixedNow() (-1: none yet).
Manifest::Agent agent(const QString &session, const QString &role, const QString &status,
                      int silentSeconds = 60)
{
    Manifest::Agent result;
    result.sessionId = session;
    result.role = role;
    result.status = status;
    if (silentSeconds >= 0) {
        result.spawnedAt = fixedNow().addSecs(-3600);
        result.lastHeartbeatAt = fixedNow().addSecs(-silentSeconds);
    }
    return result;
}

// A run with a bit of everything: a lead, a quiet worker, an amber one, a stalled one whose
// cancellation was asked for, and two finished.
QList<Manifest::Agent> mixedRun()
{
    Manifest::Agent stalled = agent(QStringLiteral("worker-2"), QStringLiteral("worker"),
                                    QStringLiteral("running"), 12 * 60);
    stalled.displayName = QStringLiteral("Builder");
    stalled.currentStepId = QStringLiteral("T-8");
    stalled.cancellationRequested = true;
    return {
        agent(QStringLiteral("lead"), QStringLiteral("lead"), QStringLiteral("running")),
        agent(QStringLiteral("worker-1"), QStringLiteral("worker"), QStringLiteral("running"),
              4 * 60),
        agent(QStringLiteral("worker-3"), QStringLiteral("worker"), QStringLiteral("completed")),
        stalled,
        agent(QStringLiteral("worker-4"), QStringLiteral("worker"), QStringLiteral("running"),
              7 * 60),
        agent(QStringLiteral("worker-5"), QStringLiteral("validator"), QStringLiteral("failed"))};
}

} // namespace

class tst_AgentLanes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void laneSays_data();
    void laneSays();
    void finishedAgentsAreFolded();
    void layoutsFollowTheLanes();
    void clickOnALaneActivatesIt();
    void keysMoveAndEnterActivates();
    void tabbingInPicksALane();
    void clockMovesOnlyTheAges();
    void sameAgentsChangeNothing();
    void currentLaneFollowsItsAgent();
    void accessibleTextCarriesTheNumbers();
    void tooltipIsTheLanesSentence();
    void sizesComeFromTheFont();
    void paintsUnderLightAndDark_data();
    void paintsUnderLightAndDark();
};

void tst_AgentLanes::laneSays_data()
{
    QTest::addColumn<QString>("session");
    QTest::addColumn<QString>("displayName");
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("step");
    QTest::addColumn<int>("silentSeconds");
    QTest::addColumn<bool>("flagged");
    QTest::addColumn<bool>("cancellation");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("tone");

    QTest::newRow("stalled, cancellation requested")
        << "worker-2"
        << "Builder"
        << "worker"
        << "running"
        << "T-8" << 12 * 60 << false << true
        << "worker-2 (Builder), worker, on T-8, running, silent 12 min of 10 min: stalled, "
           "cancellation requested"
        << int(Tone::Bad);
    QTest::newRow("4 min is good")
        << "worker-1"
        << ""
        << "worker"
        << "running"
        << "T-3" << 4 * 60 << false << false
        << "worker-1, worker, on T-3, running, silent 4 min of 10 min" << int(Tone::Good);
    QTest::newRow("seconds") << "worker-1"
                             << ""
                             << "worker"
                             << "running"
                             << "" << 30 << false << false
                             << "worker-1, worker, running, silent 30 s of 10 min"
                             << int(Tone::Good);
    QTest::newRow("amber from half the threshold")
        << "worker-1"
        << ""
        << "worker"
        << "running"
        << "" << 5 * 60 << false << false << "worker-1, worker, running, silent 5 min of 10 min"
        << int(Tone::Warning);
    QTest::newRow("7 min is amber")
        << "worker-4"
        << ""
        << "worker"
        << "running"
        << "T-9" << 7 * 60 << false << false
        << "worker-4, worker, on T-9, running, silent 7 min of 10 min" << int(Tone::Warning);
    QTest::newRow("at the threshold, not past it")
        << "worker-1"
        << ""
        << "worker"
        << "running"
        << "" << 10 * 60 << false << false << "worker-1, worker, running, silent 10 min of 10 min"
        << int(Tone::Warning);
    QTest::newRow("just past the threshold")
        << "worker-1"
        << ""
        << "worker"
        << "running"
        << "" << 10 * 60 + 1 << false << false
        << "worker-1, worker, running, silent 10 min of 10 min: stalled" << int(Tone::Bad);
    QTest::newRow("a lead is never stalled by the clock")
        << "lead"
        << "Lead"
        << "lead"
        << "running"
        << "" << 12 * 60 << false << false << "lead (Lead), lead, running, silent 12 min of 10 min"
        << int(Tone::Warning);
    QTest::newRow("blocked is not stalled")
        << "worker-6"
        << ""
        << "worker"
        << "blocked"
        << "T-2" << 8 * 60 << false << false
        << "worker-6, worker, on T-2, blocked, silent 8 min of 10 min" << int(Tone::Warning);
    QTest::newRow("flagged by ADE's sweep")
        << "worker-7"
        << ""
        << "worker"
        << "running"
        << "" << 2 * 60 << true << false
        << "worker-7, worker, running, silent 2 min of 10 min: stalled" << int(Tone::Bad);
    QTest::newRow("no sign of life yet")
        << "worker-8"
        << ""
        << "worker"
        << "pending"
        << "" << -1 << false << false << "worker-8, worker, pending, no sign of life yet"
        << int(Tone::Neutral);
    QTest::newRow("agent text stays literal, one line")
        << "worker-9"
        << "<b>Bold</b>\nsecond line"
        << "worker"
        << "running"
        << "%1" << 60 << false << false
        << "worker-9 (<b>Bold</b> second line), worker, on %1, running, silent 1 min of 10 min"
        << int(Tone::Good);
}

void tst_AgentLanes::laneSays()
{
    QFETCH(QString, session);
    QFETCH(QString, displayName);
    QFETCH(QString, role);
    QFETCH(QString, status);
    QFETCH(QString, step);
    QFETCH(int, silentSeconds);
    QFETCH(bool, flagged);
    QFETCH(bool, cancellation);
    QFETCH(QString, text);
    QFETCH(int, tone);

    Manifest::Agent subject = agent(session, role, status, silentSeconds);
    subject.displayName = displayName;
    subject.currentStepId = step;
    subject.stalledFlag = flagged;
    subject.cancellationRequested = cancellation;
    AgentLanes lanes;
    lanes.setAgents({subject}, fixedNow());
    QCOMPARE(lanes.laneCount(), 1);
    QCOMPARE(lanes.laneText(0), text);
    QCOMPARE(int(lanes.laneTone(0)), tone);
    QCOMPARE(lanes.laneSessionId(0), session);
    QCOMPARE(lanes.laneText(1), QString());
    QCOMPARE(lanes.laneTone(1), Tone::None);
}

void tst_AgentLanes::finishedAgentsAreFolded()
{
    AgentLanes lanes;
    lanes.resize(lanes.sizeHint());
    lanes.setAgents(mixedRun(), fixedNow());
    // Active agents in manifest order; the finished ones are one line under them.
    QCOMPARE(lanes.laneCount(), 4);
    const QStringList sessions{lanes.laneSessionId(0), lanes.laneSessionId(1),
                               lanes.laneSessionId(2), lanes.laneSessionId(3)};
    QCOMPARE(sessions, QStringList({QStringLiteral("lead"), QStringLiteral("worker-1"),
                                    QStringLiteral("worker-2"), QStringLiteral("worker-4")}));
    QCOMPARE(lanes.finishedCount(), 2);
    QCOMPARE(lanes.finishedText(), QStringLiteral("and 2 finished: 1 completed, 1 failed"));
    // The folded line is no lane.
    const QRect last = lanes.laneRect(3);
    QCOMPARE(lanes.laneAt(QPoint(last.center().x(), last.bottom() + last.height() / 2)), -1);
    QVERIFY(lanes.sizeHint().height() > last.bottom() + 1);

    // Nothing finished: no folded line.
    lanes.setAgents(
        {agent(QStringLiteral("lead"), QStringLiteral("lead"), QStringLiteral("running"))},
        fixedNow());
    QCOMPARE(lanes.finishedCount(), 0);
    QCOMPARE(lanes.finishedText(), QString());
    QCOMPARE(lanes.sizeHint().height(), lanes.laneRect(0).height());
}

void tst_AgentLanes::layoutsFollowTheLanes()
{
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    auto *lanes = new AgentLanes(&window);
    layout->addWidget(lanes);
    layout->addStretch(1);
    lanes->setAgents(
        {agent(QStringLiteral("lead"), QStringLiteral("lead"), QStringLiteral("running"))},
        fixedNow());
    window.resize(lanes->sizeHint().width(), lanes->sizeHint().height() * 10);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_COMPARE(lanes->height(), lanes->sizeHint().height());
    const int oneLane = lanes->height();

    // The folded line coming: the layout hears of it.
    lanes->setAgents(
        {agent(QStringLiteral("lead"), QStringLiteral("lead"), QStringLiteral("running")),
         agent(QStringLiteral("w-1"), QStringLiteral("worker"), QStringLiteral("completed"))},
        fixedNow());
    QVERIFY(lanes->sizeHint().height() > oneLane);
    QTRY_COMPARE(lanes->height(), lanes->sizeHint().height());
    // A lane more.
    lanes->setAgents(
        {agent(QStringLiteral("lead"), QStringLiteral("lead"), QStringLiteral("running")),
         agent(QStringLiteral("w-2"), QStringLiteral("worker"), QStringLiteral("running")),
         agent(QStringLiteral("w-1"), QStringLiteral("worker"), QStringLiteral("completed"))},
        fixedNow());
    QTRY_COMPARE(lanes->height(), lanes->sizeHint().height());
    QCOMPARE(lanes->laneCount(), 2);
    QVERIFY(lanes->laneRect(1).bottom() < lanes->height());
}

void tst_AgentLanes::clickOnALaneActivatesIt()
{
    AgentLanes lanes;
    lanes.setAgents(mixedRun(), fixedNow());
    lanes.resize(lanes.sizeHint());
    lanes.show();
    QVERIFY(QTest::qWaitForWindowExposed(&lanes));
    QSignalSpy activated(&lanes, &AgentLanes::agentActivated);
    QSignalSpy current(&lanes, &AgentLanes::currentLaneChanged);

    const QPoint inLane2 = lanes.laneRect(2).center();
    QCOMPARE(lanes.laneAt(inLane2), 2);
    QTest::mouseClick(&lanes, Qt::LeftButton, {}, inLane2);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("worker-2"));
    QCOMPARE(lanes.currentLane(), 2);
    QCOMPARE(current.count(), 1);
    QCOMPARE(current.at(0).at(0).toInt(), 2);

    // A press on one lane and a release on another is no click.
    QTest::mousePress(&lanes, Qt::LeftButton, {}, lanes.laneRect(0).center());
    QTest::mouseRelease(&lanes, Qt::LeftButton, {}, lanes.laneRect(1).center());
    QCOMPARE(activated.count(), 1);
}

void tst_AgentLanes::keysMoveAndEnterActivates()
{
    AgentLanes lanes;
    lanes.setAgents(mixedRun(), fixedNow());
    lanes.resize(lanes.sizeHint());
    QSignalSpy activated(&lanes, &AgentLanes::agentActivated);
    QCOMPARE(lanes.currentLane(), -1);

    QTest::keyClick(&lanes, Qt::Key_Down);
    QCOMPARE(lanes.currentLane(), 0);
    QTest::keyClick(&lanes, Qt::Key_Down);
    QTest::keyClick(&lanes, Qt::Key_Down);
    QCOMPARE(lanes.currentLane(), 2);
    QTest::keyClick(&lanes, Qt::Key_Up);
    QCOMPARE(lanes.currentLane(), 1);
    QTest::keyClick(&lanes, Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("worker-1"));

    QTest::keyClick(&lanes, Qt::Key_End);
    QCOMPARE(lanes.currentLane(), 3);
    QTest::keyClick(&lanes, Qt::Key_Down); // stays on the last lane
    QCOMPARE(lanes.currentLane(), 3);
    QTest::keyClick(&lanes, Qt::Key_Enter);
    QCOMPARE(activated.count(), 2);
    QCOMPARE(activated.at(1).at(0).toString(), QStringLiteral("worker-4"));
    QTest::keyClick(&lanes, Qt::Key_Home);
    QCOMPARE(lanes.currentLane(), 0);
    QTest::keyClick(&lanes, Qt::Key_Up); // stays on the first
    QCOMPARE(lanes.currentLane(), 0);
}

void tst_AgentLanes::tabbingInPicksALane()
{
    QWidget window;
    auto *lanes = new AgentLanes(&window);
    lanes->setAgents(mixedRun(), fixedNow());
    lanes->resize(lanes->sizeHint());
    window.resize(lanes->size());
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    lanes->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(lanes->hasFocus());
    QCOMPARE(lanes->currentLane(), 0);
}

void tst_AgentLanes::clockMovesOnlyTheAges()
{
    AgentLanes lanes;
    lanes.setAgents(mixedRun(), fixedNow());
    lanes.setCurrentLane(1);
    QSignalSpy current(&lanes, &AgentLanes::currentLaneChanged);
    QCOMPARE(lanes.laneText(1),
             QStringLiteral("worker-1, worker, running, silent 4 min of 10 min"));
    QCOMPARE(lanes.laneTone(1), Tone::Good);

    lanes.setNow(fixedNow().addSecs(3 * 60));
    QCOMPARE(lanes.laneCount(), 4);
    QCOMPARE(lanes.currentLane(), 1);
    QCOMPARE(lanes.laneText(1),
             QStringLiteral("worker-1, worker, running, silent 7 min of 10 min"));
    QCOMPARE(lanes.laneTone(1), Tone::Warning);
    QCOMPARE(lanes.laneText(3),
             QStringLiteral("worker-4, worker, running, silent 10 min of 10 min"));

    lanes.setNow(fixedNow().addSecs(9 * 60));
    QCOMPARE(lanes.laneText(1),
             QStringLiteral("worker-1, worker, running, silent 13 min of 10 min: stalled"));
    QCOMPARE(lanes.laneTone(1), Tone::Bad);
    // The lead goes amber, never red, by the clock.
    QCOMPARE(lanes.laneTone(0), Tone::Warning);
    QCOMPARE(lanes.laneSessionId(2), QStringLiteral("worker-2"));
    QCOMPARE(lanes.finishedText(), QStringLiteral("and 2 finished: 1 completed, 1 failed"));
    QCOMPARE(current.count(), 0);
}

void tst_AgentLanes::sameAgentsChangeNothing()
{
    AgentLanes lanes;
    lanes.setAgents(mixedRun(), fixedNow());
    lanes.setCurrentLane(2);
    const QString description = lanes.accessibleDescription();
    QSignalSpy current(&lanes, &AgentLanes::currentLaneChanged);
    lanes.setAgents(mixedRun(), fixedNow());
    QCOMPARE(current.count(), 0);
    QCOMPARE(lanes.accessibleDescription(), description);
    // The same agents a minute later are a clock tick.
    lanes.setAgents(mixedRun(), fixedNow().addSecs(60));
    QCOMPARE(lanes.laneText(1),
             QStringLiteral("worker-1, worker, running, silent 5 min of 10 min"));
    QCOMPARE(lanes.currentLane(), 2);
}

void tst_AgentLanes::currentLaneFollowsItsAgent()
{
    AgentLanes lanes;
    QList<Manifest::Agent> agents = mixedRun();
    lanes.setAgents(agents, fixedNow());
    lanes.setCurrentLane(2);
    QCOMPARE(lanes.laneSessionId(2), QStringLiteral("worker-2"));
    QSignalSpy current(&lanes, &AgentLanes::currentLaneChanged);

    // A new agent ahead of it: the current lane moves with worker-2.
    agents.insert(
        1, agent(QStringLiteral("worker-0"), QStringLiteral("worker"), QStringLiteral("running")));
    lanes.setAgents(agents, fixedNow());
    QCOMPARE(lanes.laneCount(), 5);
    QCOMPARE(lanes.currentLane(), 3);
    QCOMPARE(lanes.laneSessionId(3), QStringLiteral("worker-2"));
    QCOMPARE(current.count(), 1);

    // It finishes: the current lane stays where it was, on the agent that is there now.
    agents[4].status = QStringLiteral("completed");
    lanes.setAgents(agents, fixedNow());
    QCOMPARE(lanes.laneCount(), 4);
    QCOMPARE(lanes.currentLane(), 3);
    QCOMPARE(lanes.laneSessionId(3), QStringLiteral("worker-4"));
    QCOMPARE(lanes.finishedText(), QStringLiteral("and 3 finished: 2 completed, 1 failed"));

    // Everyone gone.
    lanes.setAgents({}, fixedNow());
    QCOMPARE(lanes.currentLane(), -1);
    QCOMPARE(lanes.laneCount(), 0);
}

void tst_AgentLanes::accessibleTextCarriesTheNumbers()
{
    AgentLanes lanes;
    lanes.setAgents(mixedRun(), fixedNow());
    QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(&lanes);
    QVERIFY(accessible);
    QCOMPARE(accessible->text(QAccessible::Name), QStringLiteral("Agent lanes"));
    QCOMPARE(accessible->text(QAccessible::Description),
             QStringLiteral("Active agents: 4, stalled: 1, finished: 2 (1 completed, 1 failed)"));

    lanes.setCurrentLane(2);
    QCOMPARE(accessible->text(QAccessible::Description),
             QStringLiteral("Active agents: 4, stalled: 1, finished: 2 (1 completed, 1 failed); "
                            "lane 3 of 4: ")
                 + lanes.laneText(2));
    QVERIFY(accessible->text(QAccessible::Description).contains(QStringLiteral("12 min")));
    QVERIFY(accessible->text(QAccessible::Description)
                .contains(QStringLiteral("cancellation requested")));

    // The clock moves the numbers a screen reader gets, too.
    lanes.setCurrentLane(1);
    lanes.setNow(fixedNow().addSecs(7 * 60));
    QCOMPARE(accessible->text(QAccessible::Description),
             QStringLiteral("Active agents: 4, stalled: 3, finished: 2 (1 completed, 1 failed); "
                            "lane 2 of 4: worker-1, worker, running, silent 11 min of 10 min: "
                            "stalled"));
}

void tst_AgentLanes::tooltipIsTheLanesSentence()
{
    QList<Manifest::Agent> agents = mixedRun();
    agents[1].displayName = QStringLiteral("<a href=\"x\">click</a>");
    AgentLanes lanes;
    lanes.setAgents(agents, fixedNow());
    lanes.resize(lanes.sizeHint());
    lanes.show();
    QVERIFY(QTest::qWaitForWindowExposed(&lanes));

    for (int lane : {1, 2}) {
        const QPoint pos = lanes.laneRect(lane).center();
        QHelpEvent help(QEvent::ToolTip, pos, lanes.mapToGlobal(pos));
        QApplication::sendEvent(&lanes, &help);
        QTRY_COMPARE(QToolTip::text(), plainToolTip(lanes.laneText(lane)));
    }
    // Markup an agent wrote is escaped, not rendered.
    const QPoint pos = lanes.laneRect(1).center();
    QHelpEvent help(QEvent::ToolTip, pos, lanes.mapToGlobal(pos));
    QApplication::sendEvent(&lanes, &help);
    QTRY_VERIFY(QToolTip::text().contains(QStringLiteral("&lt;a href")));
    QToolTip::hideText();
}

void tst_AgentLanes::sizesComeFromTheFont()
{
    AgentLanes small;
    QFont font = small.font();
    font.setPointSize(9);
    small.setFont(font);
    small.setAgents(mixedRun(), fixedNow());
    AgentLanes large;
    font.setPointSize(18);
    large.setFont(font);
    large.setAgents(mixedRun(), fixedNow());

    QVERIFY(large.sizeHint().height() > small.sizeHint().height() * 3 / 2);
    QVERIFY(large.sizeHint().width() > small.sizeHint().width() * 3 / 2);
    QCOMPARE(large.heightForWidth(100), large.sizeHint().height());
    QCOMPARE(large.heightForWidth(1000), large.sizeHint().height());
    large.resize(large.sizeHint());
    small.resize(small.sizeHint());
    QVERIFY(large.laneRect(0).height() > small.laneRect(0).height() * 3 / 2);
    // Two lines of text fit in a lane.
    QVERIFY(small.laneRect(0).height() >= 2 * QFontMetrics(small.font()).height());
}

void tst_AgentLanes::paintsUnderLightAndDark_data()
{
    QTest::addColumn<QPalette>("palette");
    QTest::addColumn<qreal>("scale");
    QTest::newRow("light") << QApplication::style()->standardPalette() << 1.0;
    QTest::newRow("dark") << Theme::darkPalette() << 1.0;
    QTest::newRow("light at 2x") << QApplication::style()->standardPalette() << 2.0;
    QTest::newRow("dark at 2x") << Theme::darkPalette() << 2.0;
}

void tst_AgentLanes::paintsUnderLightAndDark()
{
    QFETCH(QPalette, palette);
    QFETCH(qreal, scale);
    AgentLanes lanes;
    lanes.setPalette(palette);
    lanes.setAgents(mixedRun(), fixedNow());
    lanes.setCurrentLane(1);
    lanes.resize(lanes.sizeHint());

    QImage image(lanes.size() * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::transparent);
    lanes.render(&image);
    int distinct = 0;
    // The background is the palette's window, and something is drawn on it.
    QCOMPARE(QColor(commonestColor(image, &distinct)), palette.color(QPalette::Window));
    QVERIFY2(distinct > 8, qPrintable(QString::number(distinct)));

    // grab() draws the same widget.
    const QImage grabbed = lanes.grab().toImage();
    QCOMPARE(QColor(commonestColor(grabbed, &distinct)), palette.color(QPalette::Window));
    QVERIFY(distinct > 8);
}

QTEST_MAIN(tst_AgentLanes)
#include "tst_agentlanes.moc"
