// SPDX-License-Identifier: MIT
// ActivityChart: commits per clock minute over the last hour from the history ring and the
// versions Runboard saw, counted once per etag and told apart as yours and by others;
// validation runs in and out of the window; the clock moving the window; the summary a screen
// reader gets; keys, clicks and tooltips on a minute; sizes from the font; and a picture under
// light and dark palettes.

#include "activitychart.h"
#include "theme.h"
#include "uitestutil.h"

#include <QAccessible>
#include <QApplication>
#include <QHelpEvent>
#include <QImage>
#include <QStyle>
#include <QTest>
#include <QToolTip>

using namespace runboard;
using namespace runboard::test;

namespace {

using Origin = ActivityChart::Origin;

// Half a minute into the clock minute 10:00.
QDateTime now()
{
    return fixedNow().addSecs(30);
}

// Ten seconds into the clock minute `minutesAgo` before now()'s.
QDateTime minutesAgo(int minutes)
{
    return fixedNow().addSecs(-60 * minutes + 10);
}

Manifest::HistoryEntry entry(const QString &etag, const QDateTime &at)
{
    Manifest::HistoryEntry result;
    result.etag = etag;
    result.at = at;
    result.summary = QStringLiteral("a change");
    return result;
}

// "A@2 B@3": etag A two minutes ago, B three minutes ago.
QList<Manifest::HistoryEntry> historyOf(const QString &spec)
{
    QList<Manifest::HistoryEntry> history;
    const QStringList items = spec.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &item : items) {
        const QStringList parts = item.split(QLatin1Char('@'));
        history << entry(parts.at(0), minutesAgo(parts.at(1).toInt()));
    }
    return history;
}

// "A@1/self B@3/external C@0/initial", fed in that order.
void addSightings(ActivityChart &chart, const QString &spec)
{
    const QStringList items = spec.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &item : items) {
        const QStringList parts = item.split(QLatin1Char('@'));
        const QStringList when = parts.at(1).split(QLatin1Char('/'));
        Snapshot::Source source = Snapshot::Source::External;
        if (when.at(1) == QLatin1String("self"))
            source = Snapshot::Source::Self;
        else if (when.at(1) == QLatin1String("initial"))
            source = Snapshot::Source::Initial;
        chart.addSeenVersion(parts.at(0), minutesAgo(when.at(0).toInt()), source);
    }
}

// "2:1 3:2" for one commit two minutes ago and two three minutes ago; every other minute 0.
QString countsOf(const ActivityChart &chart, Origin origin)
{
    QStringList parts;
    for (int minute = 0; minute < ActivityChart::kMinutes; ++minute) {
        if (const int count = chart.commits(minute, origin))
            parts << QStringLiteral("%1:%2").arg(minute).arg(count);
    }
    return parts.join(QLatin1Char(' '));
}

// A point on the column of `minute`, found the way a user would: by pointing.
QPoint pointOnMinute(const ActivityChart &chart, int minute)
{
    const int y = chart.height() / 3;
    for (int x = 0; x < chart.width(); ++x) {
        if (chart.minuteAt(QPoint(x, y)) == minute) {
            int end = x;
            while (chart.minuteAt(QPoint(end + 1, y)) == minute)
                ++end;
            return QPoint((x + end) / 2, y);
        }
    }
    return QPoint(-1, -1);
}

// The brief's example hour: 3 commits of yours, 11 by others, 2 runs passed, 1 failed.
void fillBusyHour(ActivityChart &chart)
{
    chart.setNow(now());
    QList<Manifest::HistoryEntry> history;
    for (int i = 0; i < 11; ++i)
        history << entry(QStringLiteral("ext-%1").arg(i), minutesAgo(i * 5));
    history << entry(QStringLiteral("own-0"), minutesAgo(2));
    chart.setHistory(history);
    chart.addSeenVersion(QStringLiteral("own-0"), minutesAgo(2), Snapshot::Source::Self);
    chart.addSeenVersion(QStringLiteral("own-1"), minutesAgo(2), Snapshot::Source::Self);
    chart.addSeenVersion(QStringLiteral("own-2"), minutesAgo(40), Snapshot::Source::Self);
    chart.setValidationRuns(
        {{minutesAgo(1), true}, {minutesAgo(20), true}, {minutesAgo(20), false}});
}

} // namespace

class tst_ActivityChart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void historyCountsPerMinute();
    void countedOncePerEtag_data();
    void countedOncePerEtag();
    void summaryTellsYoursFromOthers();
    void clockMovesTheWindow();
    void runsLeaveTheWindow();
    void marksFromTheChecklist();
    void accessibleTextCarriesTheNumbers();
    void keysMoveTheHighlightedMinute();
    void pointingAtAMinute();
    void sizesComeFromTheFont();
    void paintsUnderLightAndDark_data();
    void paintsUnderLightAndDark();
};

void tst_ActivityChart::historyCountsPerMinute()
{
    ActivityChart chart;
    chart.setNow(now());
    chart.setHistory(historyOf(QStringLiteral("A@0 B@1 C@1 D@59 E@60 F@75")));
    QCOMPARE(countsOf(chart, Origin::External), QStringLiteral("0:1 1:2 59:1"));
    QCOMPARE(countsOf(chart, Origin::Own), QString());
    QCOMPARE(chart.maxPerMinute(), 2);
    QCOMPARE(chart.commits(60, Origin::External), 0);
    QCOMPARE(chart.commits(-1, Origin::External), 0);

    // A time up to a minute ahead (another writer's clock) counts now; further ahead, not at
    // all.
    chart.setHistory({entry(QStringLiteral("A"), now().addSecs(40)),
                      entry(QStringLiteral("B"), now().addSecs(150))});
    QCOMPARE(countsOf(chart, Origin::External), QStringLiteral("0:1"));
}

void tst_ActivityChart::countedOncePerEtag_data()
{
    QTest::addColumn<QString>("history");
    QTest::addColumn<QString>("sightings");
    QTest::addColumn<QString>("own");
    QTest::addColumn<QString>("external");

    QTest::newRow("history only: by others") << "A@2"
                                             << ""
                                             << ""
                                             << "2:1";
    QTest::newRow("seen only, yours") << ""
                                      << "A@3/self"
                                      << "3:1"
                                      << "";
    QTest::newRow("seen only, by others") << ""
                                          << "A@3/external"
                                          << ""
                                          << "3:1";
    QTest::newRow("seen and listed, yours: once, at the history's time") << "A@2"
                                                                         << "A@1/self"
                                                                         << "2:1"
                                                                         << "";
    QTest::newRow("seen and listed, by others") << "A@2"
                                                << "A@1/external"
                                                << ""
                                                << "2:1";
    QTest::newRow("seen twice: the first time, and yours wins") << ""
                                                                << "A@3/external A@2/self"
                                                                << "3:1"
                                                                << "";
    QTest::newRow("found on opening: no commit time") << ""
                                                      << "A@0/initial"
                                                      << ""
                                                      << "";
    QTest::newRow("found on opening and listed") << "A@5"
                                                 << "A@0/initial"
                                                 << ""
                                                 << "5:1";
    QTest::newRow("found on opening, then seen as ours") << ""
                                                         << "A@4/initial A@4/self"
                                                         << "4:1"
                                                         << "";
    QTest::newRow("listed twice") << "A@2 A@2"
                                  << ""
                                  << ""
                                  << "2:1";
    QTest::newRow("a mix") << "A@2 B@2 C@7"
                           << "A@2/self D@2/self E@2/external C@7/external F@0/initial"
                           << "2:2"
                           << "2:2 7:1";
    QTest::newRow("seen before the window") << ""
                                            << "A@61/self B@60/external"
                                            << ""
                                            << "";
}

void tst_ActivityChart::countedOncePerEtag()
{
    QFETCH(QString, history);
    QFETCH(QString, sightings);
    QFETCH(QString, own);
    QFETCH(QString, external);

    // The same answer whichever comes first, the history or the sightings.
    ActivityChart historyFirst;
    historyFirst.setNow(now());
    historyFirst.setHistory(historyOf(history));
    addSightings(historyFirst, sightings);
    QCOMPARE(countsOf(historyFirst, Origin::Own), own);
    QCOMPARE(countsOf(historyFirst, Origin::External), external);

    ActivityChart sightingsFirst;
    sightingsFirst.setNow(now());
    addSightings(sightingsFirst, sightings);
    sightingsFirst.setHistory(historyOf(history));
    QCOMPARE(countsOf(sightingsFirst, Origin::Own), own);
    QCOMPARE(countsOf(sightingsFirst, Origin::External), external);

    // And before the clock is set at all.
    ActivityChart clockLast;
    clockLast.setHistory(historyOf(history));
    addSightings(clockLast, sightings);
    QCOMPARE(countsOf(clockLast, Origin::Own), QString());
    clockLast.setNow(now());
    QCOMPARE(countsOf(clockLast, Origin::Own), own);
    QCOMPARE(countsOf(clockLast, Origin::External), external);
}

void tst_ActivityChart::summaryTellsYoursFromOthers()
{
    ActivityChart chart;
    QCOMPARE(chart.summaryText(), QStringLiteral("Commits in the last hour: 0 (0 yours, 0 by "
                                                 "others); validation runs: 0 passed, 0 failed"));
    fillBusyHour(chart);
    QCOMPARE(chart.summaryText(), QStringLiteral("Commits in the last hour: 14 (3 yours, 11 by "
                                                 "others); validation runs: 2 passed, 1 failed"));
    QCOMPARE(chart.commits(2, Origin::Own), 2);
    QCOMPARE(chart.commits(40, Origin::Own), 1);
    QCOMPARE(chart.commits(0, Origin::External), 1);
    QCOMPARE(chart.commits(50, Origin::External), 1);
    QCOMPARE(chart.minuteText(2),
             QStringLiteral("2 min ago — commits: 2 (2 yours, 0 by others); validation runs: 0 "
                            "passed, 0 failed"));
    QCOMPARE(chart.minuteText(20),
             QStringLiteral("20 min ago — commits: 1 (0 yours, 1 by others); validation runs: 1 "
                            "passed, 1 failed"));
    QCOMPARE(chart.minuteText(0),
             QStringLiteral("This minute — commits: 1 (0 yours, 1 by others); validation runs: "
                            "0 passed, 0 failed"));
    QCOMPARE(chart.minuteText(60), QString());
}

void tst_ActivityChart::clockMovesTheWindow()
{
    ActivityChart chart;
    chart.setNow(now());
    chart.setHistory(historyOf(QStringLiteral("A@1")));
    chart.addSeenVersion(QStringLiteral("B"), minutesAgo(1), Snapshot::Source::Self);
    QCOMPARE(chart.commits(1, Origin::External), 1);

    // Within the same clock minute nothing moves.
    chart.setNow(now().addSecs(29));
    QCOMPARE(countsOf(chart, Origin::External), QStringLiteral("1:1"));
    QCOMPARE(countsOf(chart, Origin::Own), QStringLiteral("1:1"));

    chart.setNow(now().addSecs(2 * 60));
    QCOMPARE(countsOf(chart, Origin::External), QStringLiteral("3:1"));
    QCOMPARE(countsOf(chart, Origin::Own), QStringLiteral("3:1"));
    chart.setNow(now().addSecs(58 * 60));
    QCOMPARE(countsOf(chart, Origin::External), QStringLiteral("59:1"));
    chart.setNow(now().addSecs(59 * 60));
    QCOMPARE(countsOf(chart, Origin::External), QString());
    QCOMPARE(countsOf(chart, Origin::Own), QString());
    QCOMPARE(chart.maxPerMinute(), 0);
}

void tst_ActivityChart::runsLeaveTheWindow()
{
    ActivityChart chart;
    chart.setNow(now());
    chart.setValidationRuns({{minutesAgo(5), true},
                             {minutesAgo(30), false},
                             {minutesAgo(59), true},
                             {minutesAgo(61), true},
                             {now().addSecs(600), false}});
    QCOMPARE(chart.passedRuns(), 2);
    QCOMPARE(chart.failedRuns(), 1);
    QVERIFY(chart.minuteText(5).endsWith(QStringLiteral("1 passed, 0 failed")));
    QVERIFY(chart.minuteText(30).endsWith(QStringLiteral("0 passed, 1 failed")));

    chart.setNow(now().addSecs(60));
    QCOMPARE(chart.passedRuns(), 1);
    QCOMPARE(chart.failedRuns(), 1);
    QVERIFY(chart.minuteText(6).endsWith(QStringLiteral("1 passed, 0 failed")));
    // Half an hour on, the failure at -30 min has left, and the one stamped ten minutes ahead
    // (another clock) shows at its time.
    chart.setNow(now().addSecs(30 * 60));
    QCOMPARE(chart.passedRuns(), 1);
    QCOMPARE(chart.failedRuns(), 1);
    QVERIFY(chart.minuteText(20).endsWith(QStringLiteral("0 passed, 1 failed")));
    QVERIFY(chart.summaryText().endsWith(QStringLiteral("validation runs: 1 passed, 1 failed")));
}

void tst_ActivityChart::marksFromTheChecklist()
{
    Manifest::ChecklistRun passed;
    passed.status = QStringLiteral("passed");
    passed.startedAt = minutesAgo(9);
    passed.endedAt = minutesAgo(8);
    Manifest::ChecklistRun failedWithoutEnd;
    failedWithoutEnd.status = QStringLiteral("failed");
    failedWithoutEnd.startedAt = minutesAgo(4);
    Manifest::ChecklistRun running;
    running.status = QStringLiteral("running");
    running.startedAt = minutesAgo(1);
    Manifest::ChecklistRun timeless;
    timeless.status = QStringLiteral("passed");
    Manifest::ChecklistItem first;
    first.runs = {passed, running};
    Manifest::ChecklistItem second;
    second.runs = {failedWithoutEnd, timeless};

    const QList<ValidationMark> marks = ActivityChart::validationMarksOf({first, second});
    QCOMPARE(marks.size(), 2);
    QCOMPARE(marks.at(0).at, minutesAgo(8));
    QVERIFY(marks.at(0).passed);
    QCOMPARE(marks.at(1).at, minutesAgo(4));
    QVERIFY(!marks.at(1).passed);

    ActivityChart chart;
    chart.setNow(now());
    chart.setValidationRuns(marks);
    QCOMPARE(chart.passedRuns(), 1);
    QCOMPARE(chart.failedRuns(), 1);
}

void tst_ActivityChart::accessibleTextCarriesTheNumbers()
{
    ActivityChart chart;
    QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(&chart);
    QVERIFY(accessible);
    QCOMPARE(accessible->text(QAccessible::Name), QStringLiteral("Activity in the last hour"));
    fillBusyHour(chart);
    QCOMPARE(accessible->text(QAccessible::Description), chart.summaryText());

    // A new commit, counted the cheap way, reaches the screen reader too.
    chart.addSeenVersion(QStringLiteral("new"), now(), Snapshot::Source::External);
    QCOMPARE(accessible->text(QAccessible::Description),
             QStringLiteral("Commits in the last hour: 15 (3 yours, 12 by others); validation "
                            "runs: 2 passed, 1 failed"));

    chart.setHighlightedMinute(2);
    QCOMPARE(accessible->text(QAccessible::Description),
             chart.summaryText() + QStringLiteral(". Highlighted: ") + chart.minuteText(2));
    QVERIFY(accessible->text(QAccessible::Description)
                .endsWith(QStringLiteral("2 min ago — commits: 2 (2 yours, 0 by others); "
                                         "validation runs: 0 passed, 0 failed")));
    chart.setHighlightedMinute(-1);
    QCOMPARE(accessible->text(QAccessible::Description), chart.summaryText());
}

void tst_ActivityChart::keysMoveTheHighlightedMinute()
{
    ActivityChart chart;
    fillBusyHour(chart);
    QCOMPARE(chart.highlightedMinute(), -1);
    QTest::keyClick(&chart, Qt::Key_Left);
    QCOMPARE(chart.highlightedMinute(), 0);
    QTest::keyClick(&chart, Qt::Key_Left);
    QTest::keyClick(&chart, Qt::Key_Left);
    QCOMPARE(chart.highlightedMinute(), 2);
    QVERIFY(chart.accessibleDescription().endsWith(chart.minuteText(2)));
    QTest::keyClick(&chart, Qt::Key_Right);
    QCOMPARE(chart.highlightedMinute(), 1);
    QTest::keyClick(&chart, Qt::Key_Home);
    QCOMPARE(chart.highlightedMinute(), 59);
    QTest::keyClick(&chart, Qt::Key_Left); // the oldest minute is the end
    QCOMPARE(chart.highlightedMinute(), 59);
    QTest::keyClick(&chart, Qt::Key_End);
    QCOMPARE(chart.highlightedMinute(), 0);
    QTest::keyClick(&chart, Qt::Key_Right); // now is the other end
    QCOMPARE(chart.highlightedMinute(), 0);

    // The highlight keeps its distance from now as the clock moves.
    chart.setHighlightedMinute(2);
    chart.setNow(now().addSecs(60));
    QCOMPARE(chart.highlightedMinute(), 2);
    QVERIFY(chart.accessibleDescription().endsWith(chart.minuteText(2)));
    QVERIFY(chart.minuteText(2).contains(QStringLiteral("commits: 0")));
}

void tst_ActivityChart::pointingAtAMinute()
{
    ActivityChart chart;
    fillBusyHour(chart);
    chart.resize(chart.sizeHint());
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));

    const QPoint onTwo = pointOnMinute(chart, 2);
    QVERIFY(onTwo.x() >= 0);
    // The newest minute is at the right.
    QVERIFY(pointOnMinute(chart, 0).x() > onTwo.x());
    QVERIFY(pointOnMinute(chart, 59).x() < onTwo.x());
    QCOMPARE(chart.minuteAt(QPoint(0, 0)), -1);

    QHelpEvent help(QEvent::ToolTip, onTwo, chart.mapToGlobal(onTwo));
    QApplication::sendEvent(&chart, &help);
    QTRY_COMPARE(QToolTip::text(), chart.minuteText(2));
    QToolTip::hideText();

    QTest::mouseClick(&chart, Qt::LeftButton, {}, pointOnMinute(chart, 20));
    QCOMPARE(chart.highlightedMinute(), 20);
}

void tst_ActivityChart::sizesComeFromTheFont()
{
    ActivityChart small;
    QFont font = small.font();
    font.setPointSize(9);
    small.setFont(font);
    ActivityChart large;
    font.setPointSize(18);
    large.setFont(font);
    QVERIFY(large.sizeHint().height() > small.sizeHint().height() * 3 / 2);
    QVERIFY(large.sizeHint().width() > small.sizeHint().width() * 3 / 2);
    // Room for the plot and five lines of text.
    QVERIFY(small.sizeHint().height() >= 8 * QFontMetrics(small.font()).height());
    QVERIFY(small.minimumSizeHint().width() >= ActivityChart::kMinutes * 2);
}

void tst_ActivityChart::paintsUnderLightAndDark_data()
{
    QTest::addColumn<QPalette>("palette");
    QTest::addColumn<qreal>("scale");
    QTest::newRow("light") << QApplication::style()->standardPalette() << 1.0;
    QTest::newRow("dark") << Theme::darkPalette() << 1.0;
    QTest::newRow("light at 2x") << QApplication::style()->standardPalette() << 2.0;
    QTest::newRow("dark at 2x") << Theme::darkPalette() << 2.0;
}

void tst_ActivityChart::paintsUnderLightAndDark()
{
    QFETCH(QPalette, palette);
    QFETCH(qreal, scale);
    ActivityChart chart;
    chart.setPalette(palette);
    fillBusyHour(chart);
    chart.setHighlightedMinute(20);
    chart.resize(chart.sizeHint());

    QImage image(chart.size() * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::transparent);
    chart.render(&image);
    int distinct = 0;
    QCOMPARE(QColor(commonestColor(image, &distinct)), palette.color(QPalette::Window));
    QVERIFY2(distinct > 8, qPrintable(QString::number(distinct)));

    const QImage grabbed = chart.grab().toImage();
    QCOMPARE(QColor(commonestColor(grabbed, &distinct)), palette.color(QPalette::Window));
    QVERIFY(distinct > 8);
}

QTEST_MAIN(tst_ActivityChart)
#include "tst_activitychart.moc"
