// SPDX-License-Identifier: MIT
// The Overview as pictures and "Needs you": what waits (Attention), the task counts per phase
// TaskModel keeps, the Tasks tab's filter words, the phase pipeline and the status bars (their
// numbers, clicks, keys and accessible text), and the whole Overview on a live run: a click on a
// segment filters the Tasks tab, "Needs you" lists what waits and takes the person there, and
// "every task done" is said once.

#include "attention.h"
#include "needsyoulist.h"
#include "overviewpanel.h"
#include "phasepipeline.h"
#include "runview.h"
#include "servicehost.h"
#include "statusbars.h"
#include "statusstyle.h"
#include "taskfilter.h"
#include "taskmodel.h"
#include "theme.h"
#include "uitestutil.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

using namespace runboard;
using namespace runboard::test;

namespace {

Json taskIn(const std::string &id, const std::string &phase, const std::string &status)
{
    Json task = taskJson(id, status, "Task " + id);
    task["phaseId"] = phase;
    return task;
}

Json agentJson(const std::string &id, const std::string &heartbeat,
               const std::string &role = "worker")
{
    return Json{{"sessionId", id},
                {"role", role},
                {"status", "running"},
                {"spawnedAt", "2026-07-22T09:00:00.000Z"},
                {"lastHeartbeatAt", heartbeat}};
}

// Planning: 2 done; developing: 3 done, 1 review, 2 in_progress, 4 pending; one task in a phase
// the manifest does not list.
Json phasedManifest(const QString &runId, int generation = 1)
{
    Json manifest = TempBundle::minimalManifest(runId, generation);
    manifest["phases"][0]["status"] = "done";
    manifest["phases"][1]["status"] = "active";
    manifest["currentPhase"] = "developing";
    Json &tasks = manifest["tasks"];
    tasks.push_back(taskIn("P-1", "planning", "done"));
    tasks.push_back(taskIn("P-2", "planning", "done"));
    int n = 0;
    for (const auto &[status, count] : {std::pair{"done", 3}, std::pair{"review", 1},
                                        std::pair{"in_progress", 2}, std::pair{"pending", 4}}) {
        for (int i = 0; i < count; ++i)
            tasks.push_back(taskIn("D-" + std::to_string(++n), "developing", status));
    }
    tasks.push_back(taskIn("X-1", "extra", "pending"));
    return manifest;
}

// "a b c" -> {"a", "b", "c"}
QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QPoint centreOf(const QRect &rect)
{
    return rect.center();
}

struct Opened
{
    std::unique_ptr<ServiceHost> host;
    RunHandle *run = nullptr;
};

void open(const TempBundle &bundle, RunView &view, Opened &opened)
{
    opened.host = std::make_unique<ServiceHost>();
    const Result<BundleLocation> location = ManifestStore::locate(bundle.bundlePath());
    QVERIFY(location.isOk());
    opened.run = opened.host->open(location.value());
    view.setRun(opened.run);
    QTRY_VERIFY(!view.snapshot().isNull());
}

} // namespace

class tst_Overview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void attentionListsWhatWaitsInOrder();
    void failedRunsAreTheLatestRunsThatFailed();
    void taskModelCountsPerPhaseAsRowsChange();
    void filterWords_data();
    void filterWords();
    void pipelineSaysEachPhase();
    void statusBarsStackEachPhase();
    void statusBarsAnswerTheKeyboard();
    void clickingASegmentFiltersTheTasksTab();
    void needsYouListsWhatWaitsAndTakesYouThere();
    void needsYouKeepsFocusThroughATick();
    void manyTasksInReviewAreOneLine();
    void everyTaskDoneIsSaidOnce();
    void picturesReadInLightAndDarkPalettes();
};

void tst_Overview::attentionListsWhatWaitsInOrder()
{
    Attention::Inputs inputs;
    inputs.now = fixedNow();
    inputs.plan.state = QStringLiteral("ready");
    inputs.plan.requestedAt = fixedNow().addSecs(-300);
    inputs.reviewTaskIds = {QStringLiteral("T-8"), QStringLiteral("T-2")};
    const Json silent = agentJson("S-w", "2026-07-22T09:45:00.000Z");
    const Json fresh = agentJson("S-v", "2026-07-22T09:58:00.000Z");
    const Json lead = agentJson("S-lead", "2026-07-22T09:00:00.000Z", "lead");
    Json doc = TempBundle::minimalManifest(QStringLiteral("R-1"));
    doc["agents"] = Json::array({silent, fresh, lead});
    inputs.agents = Manifest(std::make_shared<const Json>(doc)).agents();
    inputs.failedRuns = {{QStringLiteral("V-1"),
                          QStringLiteral("C-1"),
                          QStringLiteral("r-2"),
                          QStringLiteral("T-3"),
                          QStringLiteral("Login fails"),
                          {}}};
    inputs.conflicts = {{7, QStringLiteral("T-1 status → done")}};

    const QList<AttentionItem> items = Attention::collect(inputs);
    QCOMPARE(items.size(), 6);
    QCOMPARE(items.at(0).kind, AttentionItem::Kind::Conflict);
    QCOMPARE(items.at(0).key, QStringLiteral("7"));
    QVERIFY(items.at(0).text.contains(QStringLiteral("T-1 status → done")));
    QCOMPARE(items.at(1).kind, AttentionItem::Kind::PlanApproval);
    QCOMPARE(items.at(1).text, QStringLiteral("The plan waits for approval (asked 5 min ago)"));
    // Only the worker silent past the threshold; the lead is never stalled by the clock.
    QCOMPARE(items.at(2).kind, AttentionItem::Kind::AgentStalled);
    QCOMPARE(items.at(2).key, QStringLiteral("S-w"));
    QCOMPARE(items.at(2).text, QStringLiteral("Agent S-w is stalled: silent for 15 min"));
    QCOMPARE(items.at(3).kind, AttentionItem::Kind::ValidationFailed);
    QCOMPARE(items.at(3).key, QStringLiteral("V-1/C-1/r-2"));
    QCOMPARE(items.at(3).text,
             QStringLiteral("Validation failed for T-3 (check C-1): Login fails"));
    QCOMPARE(items.at(4).key, QStringLiteral("T-8"));
    QCOMPARE(items.at(5).text, QStringLiteral("Task T-2 waits for review"));

    // A clock tick changes a text, not what waits.
    inputs.now = inputs.now.addSecs(60);
    const QList<AttentionItem> later = Attention::collect(inputs);
    QVERIFY(later != items);
    QVERIFY(later.at(2).isSameThing(items.at(2)));

    // A plan still drafting or approved waits for nobody here.
    for (const char *state : {"drafting", "approved", "changes_requested"}) {
        inputs.plan.state = QString::fromLatin1(state);
        for (const AttentionItem &item : Attention::collect(inputs))
            QVERIFY(item.kind != AttentionItem::Kind::PlanApproval);
    }
}

void tst_Overview::failedRunsAreTheLatestRunsThatFailed()
{
    Json doc = TempBundle::minimalManifest(QStringLiteral("R-1"));
    const auto run = [](const char *id, const char *status) {
        return Json{{"id", id}, {"status", status}, {"findings", Json::array()}};
    };
    Json failedThenPassed = {{"id", "C-1"},
                             {"stepId", "V-1"},
                             {"taskId", "T-1"},
                             {"runs", Json::array({run("r-1", "failed"), run("r-2", "passed")})}};
    Json passedThenFailed = {{"id", "C-2"},
                             {"stepId", "V-1"},
                             {"taskId", "T-2"},
                             {"runs", Json::array({run("r-3", "passed"), run("r-4", "failed")})}};
    passedThenFailed["runs"][1]["findings"].push_back(
        {{"id", "F-1"}, {"severity", "blocker"}, {"title", "Button <b>missing</b>"}});
    // latestRunId names the run that counts, wherever it sits.
    Json namedLatest = {{"id", "C-3"},
                        {"stepId", "V-2"},
                        {"latestRunId", "r-5"},
                        {"runs", Json::array({run("r-5", "failed"), run("r-6", "running")})}};
    Json noRuns = {{"id", "C-4"}, {"stepId", "V-2"}, {"runs", Json::array()}};
    doc["validationStrategy"]["checklist"]
        = Json::array({failedThenPassed, passedThenFailed, namedLatest, noRuns});

    const QList<FailedValidationRun> failed
        = Attention::failedRuns(Manifest(std::make_shared<const Json>(doc)).checklist());
    QCOMPARE(failed.size(), 2);
    QCOMPARE(failed.at(0).itemId, QStringLiteral("C-2"));
    QCOMPARE(failed.at(0).runId, QStringLiteral("r-4"));
    QCOMPARE(failed.at(0).taskId, QStringLiteral("T-2"));
    QCOMPARE(failed.at(0).title, QStringLiteral("Button <b>missing</b>")); // as written: plain text
    QCOMPARE(failed.at(1).itemId, QStringLiteral("C-3"));
    QCOMPARE(failed.at(1).runId, QStringLiteral("r-5"));
    QVERIFY(failed.at(1).taskId.isEmpty());
}

void tst_Overview::taskModelCountsPerPhaseAsRowsChange()
{
    TaskModel model;
    QAbstractItemModelTester tester(&model);
    Json doc = phasedManifest(QStringLiteral("R-1"));
    const Snapshot first = snapshotOf(doc, 1);
    model.setSnapshot(first, fixedNow());
    QMap<QString, QMap<QString, int>> counts = model.statusCountsByPhase();
    QCOMPARE(counts.value(QStringLiteral("planning")),
             (QMap<QString, int>{{QStringLiteral("done"), 2}}));
    QCOMPARE(counts.value(QStringLiteral("developing")),
             (QMap<QString, int>{{QStringLiteral("done"), 3},
                                 {QStringLiteral("review"), 1},
                                 {QStringLiteral("in_progress"), 2},
                                 {QStringLiteral("pending"), 4}}));
    QCOMPARE(counts.value(QStringLiteral("extra")),
             (QMap<QString, int>{{QStringLiteral("pending"), 1}}));
    QCOMPARE(model.reviewTaskIds(), QStringList{QStringLiteral("D-4")});

    // One task moves (a one-task snapshot): its old cell leaves, its new one counts.
    doc["tasks"][2]["status"] = "review"; // D-1 done -> review
    doc["tasks"][5]["status"] = "done";   // D-4 review -> done
    model.setSnapshot(nextSnapshotOf(first, doc, 2), fixedNow());
    counts = model.statusCountsByPhase();
    QCOMPARE(counts.value(QStringLiteral("developing")).value(QStringLiteral("done")), 3);
    QCOMPARE(counts.value(QStringLiteral("developing")).value(QStringLiteral("review")), 1);
    QCOMPARE(model.reviewTaskIds(), QStringList{QStringLiteral("D-1")});

    // Several in review come back in row order.
    doc["tasks"][7]["status"] = "review"; // D-6
    doc["tasks"][3]["status"] = "review"; // D-2
    model.setSnapshot(snapshotOf(doc, 3), fixedNow());
    QCOMPARE(model.reviewTaskIds(),
             (QStringList{QStringLiteral("D-1"), QStringLiteral("D-2"), QStringLiteral("D-6")}));
    QCOMPARE(model.reviewTaskIds(2), (QStringList{QStringLiteral("D-1"), QStringLiteral("D-2")}));

    // A task in review that moves in the array (no status changed) moves in the answer.
    Json moved = doc["tasks"][7];
    doc["tasks"].erase(7);
    doc["tasks"].insert(doc["tasks"].begin() + 2, moved); // D-6 before D-1
    const Snapshot fourth = snapshotOf(doc, 4);
    model.setSnapshot(fourth, fixedNow());
    QCOMPARE(model.reviewTaskIds(2), (QStringList{QStringLiteral("D-6"), QStringLiteral("D-1")}));
    // A task leaving review in a one-task snapshot leaves the answer.
    doc["tasks"][2]["status"] = "done"; // D-6 review -> done
    model.setSnapshot(nextSnapshotOf(fourth, doc, 5), fixedNow());
    QCOMPARE(model.reviewTaskIds(2), (QStringList{QStringLiteral("D-1"), QStringLiteral("D-2")}));
    QCOMPARE(model.reviewTaskCount(), 2);

    model.clear();
    QVERIFY(model.statusCountsByPhase().isEmpty());
    QVERIFY(model.reviewTaskIds().isEmpty());
}

void tst_Overview::filterWords_data()
{
    QTest::addColumn<QString>("words");
    QTest::addColumn<QStringList>("ids");
    QTest::newRow("nothing") << QString()
                             << words("P-1 P-2 D-1 D-2 D-3 D-4 D-5 D-6 D-7 D-8 D-9 D-10 X-1");
    QTest::newRow("phase") << QStringLiteral("phase:planning") << words("P-1 P-2");
    QTest::newRow("phase and status")
        << QStringLiteral("phase:developing status:in_progress") << words("D-5 D-6");
    QTest::newRow("any case") << QStringLiteral("STATUS:Review") << words("D-4");
    QTest::newRow("exact, not a part") << QStringLiteral("phase:develop") << QStringList();
    QTest::newRow("quoted") << QStringLiteral("phase:\"extra\" status:pending") << words("X-1");
    QTest::newRow("phrase") << QStringLiteral("Task D-1") << words("D-1 D-10");
    QTest::newRow("phrase and field") << QStringLiteral("status:pending Task X") << words("X-1");
    QTest::newRow("made by filterWords")
        << TaskFilterProxy::filterWords(QStringLiteral("developing"), QStringLiteral("review"))
        << words("D-4");
}

void tst_Overview::filterWords()
{
    QFETCH(QString, words);
    QFETCH(QStringList, ids);
    TaskModel model;
    model.setSnapshot(snapshotOf(phasedManifest(QStringLiteral("R-1")), 1), fixedNow());
    TaskFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy);
    proxy.setFilterText(words);
    QStringList shown;
    for (int row = 0; row < proxy.rowCount(); ++row)
        shown << proxy.index(row, TaskModel::Id).data().toString();
    QCOMPARE(shown, ids);
}

void tst_Overview::pipelineSaysEachPhase()
{
    PhasePipeline pipeline;
    pipeline.resize(900, 200);
    pipeline.setPhases({{QStringLiteral("planning"), QStringLiteral("Planning"),
                         QStringLiteral("done"), 2, 2, false},
                        {QStringLiteral("developing"), QStringLiteral("Developing"),
                         QStringLiteral("active"), 3, 10, true},
                        {QStringLiteral("validating"), QStringLiteral("Validating"),
                         QStringLiteral("pending"), 0, 0, false}});
    pipeline.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pipeline));
    QCOMPARE(pipeline.phaseText(0), QStringLiteral("Planning: done, 2 of 2 task(s) done"));
    QCOMPARE(pipeline.phaseText(1), QStringLiteral("Developing: active, 3 of 10 task(s) done"));
    QCOMPARE(pipeline.phaseText(2), QStringLiteral("Validating: pending, 0 of 0 task(s) done"));
    QCOMPARE(pipeline.accessibleName(), QStringLiteral("Phases"));
    QVERIFY(pipeline.accessibleDescription().contains(pipeline.phaseText(1)));
    // Boxes in a row, left to right, none overlapping.
    QVERIFY(pipeline.phaseRect(0).right() < pipeline.phaseRect(1).left());
    QCOMPARE(pipeline.phaseRect(0).top(), pipeline.phaseRect(2).top());

    QSignalSpy activated(&pipeline, &PhasePipeline::phaseActivated);
    QTest::mouseClick(&pipeline, Qt::LeftButton, {}, centreOf(pipeline.phaseRect(2)));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("validating"));

    // The keyboard: focus starts on the active phase; Left, then Enter.
    pipeline.clearFocus(); // the click gave it focus
    pipeline.setCurrentPhase(-1);
    pipeline.setFocus();
    QTRY_VERIFY(pipeline.hasFocus());
    QCOMPARE(pipeline.currentPhase(), 1);
    QTest::keyClick(&pipeline, Qt::Key_Left);
    QCOMPARE(pipeline.currentPhase(), 0);
    QVERIFY(pipeline.accessibleDescription().startsWith(pipeline.phaseText(0)));
    QTest::keyClick(&pipeline, Qt::Key_Return);
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toString(), QStringLiteral("planning"));

    // Too narrow for a row: the boxes wrap, and the widget asks for the height.
    const int oneRow = pipeline.heightForWidth(900);
    QVERIFY(pipeline.heightForWidth(pipeline.phaseRect(0).width() + 10) > 2 * oneRow);
}

void tst_Overview::statusBarsStackEachPhase()
{
    StatusBars bars;
    bars.resize(800, 200);
    bars.setRows({{QStringLiteral("developing"),
                   QStringLiteral("Developing"),
                   {{QStringLiteral("pending"), 4},
                    {QStringLiteral("done"), 3},
                    {QStringLiteral("review"), 1},
                    {QStringLiteral("in_progress"), 2}}},
                  {QStringLiteral("big"),
                   QStringLiteral("Big"),
                   {{QStringLiteral("done"), 9999}, {QStringLiteral("failed"), 1}}}});
    bars.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bars));
    const QList<StatusBars::Segment> &segments = bars.segments();
    QCOMPARE(segments.size(), 6);
    QStringList order;
    for (int i = 0; i < 4; ++i)
        order << segments.at(i).status;
    QCOMPARE(order, (words("done review in_progress pending")));
    // Widths follow the shares and fill the bar; one task in 10,000 is still there to click.
    QCOMPARE(segments.at(0).rect.left() + segments.at(0).rect.width(), segments.at(1).rect.left());
    QVERIFY(segments.at(3).rect.width() > segments.at(1).rect.width() * 3);
    QCOMPARE(segments.at(3).rect.right(), segments.at(5).rect.right());
    QVERIFY(segments.at(5).rect.width() >= 3);
    QCOMPARE(bars.segmentText(1), QStringLiteral("Developing: 1 of 10 task(s) review (10 %)"));
    QCOMPARE(bars.rowText(0), QStringLiteral("Developing: 10 task(s) — 3 done, 1 review, "
                                             "2 in_progress, 4 pending"));
    QVERIFY(bars.accessibleDescription().contains(bars.rowText(1)));

    QSignalSpy activated(&bars, &StatusBars::segmentActivated);
    QTest::mouseClick(&bars, Qt::LeftButton, {}, centreOf(segments.at(5).rect));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("big"));
    QCOMPARE(activated.at(0).at(1).toString(), QStringLiteral("failed"));

    // The same rows again cost nothing: the current segment stays.
    const int current = bars.currentSegment();
    bars.setRows(bars.rows());
    QCOMPARE(bars.currentSegment(), current);
}

void tst_Overview::statusBarsAnswerTheKeyboard()
{
    StatusBars bars;
    bars.resize(800, 200);
    bars.setRows({{QStringLiteral("a"),
                   QStringLiteral("A"),
                   {{QStringLiteral("done"), 1}, {QStringLiteral("pending"), 1}}},
                  {QStringLiteral("b"), QStringLiteral("B"), {{QStringLiteral("failed"), 2}}}});
    bars.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bars));
    bars.setFocus();
    QTRY_VERIFY(bars.hasFocus());
    QCOMPARE(bars.currentSegment(), 0);
    QTest::keyClick(&bars, Qt::Key_Right);
    QCOMPARE(bars.currentSegment(), 1);
    QTest::keyClick(&bars, Qt::Key_Right); // the row ends here
    QCOMPARE(bars.currentSegment(), 1);
    QTest::keyClick(&bars, Qt::Key_Down);
    QCOMPARE(bars.currentSegment(), 2);
    QVERIFY(bars.accessibleDescription().startsWith(QStringLiteral("B: 2 of 2 task(s) failed")));
    QTest::keyClick(&bars, Qt::Key_Up);
    QCOMPARE(bars.currentSegment(), 0);
    QSignalSpy activated(&bars, &StatusBars::segmentActivated);
    QTest::keyClick(&bars, Qt::Key_Space);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(1).toString(), QStringLiteral("done"));
}

void tst_Overview::clickingASegmentFiltersTheTasksTab()
{
    TempBundle bundle;
    bundle.writeManifest(phasedManifest(bundle.runId()));
    RunView view;
    view.resize(1000, 700);
    view.show();
    Opened opened;
    open(bundle, view, opened);
    OverviewPanel *overview = view.overview();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    // The pipeline: the manifest's phases with their tasks.
    const QList<PhasePipeline::Phase> &phases = overview->pipeline()->phases();
    QCOMPARE(phases.size(), 4);
    QCOMPARE(phases.at(1).done, 3);
    QCOMPARE(phases.at(1).total, 10);
    QVERIFY(phases.at(1).active);
    QVERIFY(!phases.at(0).active);
    // The bars: a row per listed phase with tasks, and the unlisted phase under its id.
    StatusBars *bars = overview->statusBars();
    QCOMPARE(bars->rows().size(), 5);
    QCOMPARE(bars->rows().at(4).label, QStringLiteral("extra"));
    QCOMPARE(overview->taskCountsText(),
             QStringLiteral("13 task(s): 5 done, 1 review, 2 in_progress, 5 pending"));

    int reviewSegment = -1;
    for (int i = 0; i < bars->segments().size(); ++i) {
        if (bars->segments().at(i).status == QLatin1String("review"))
            reviewSegment = i;
    }
    QVERIFY(reviewSegment >= 0);
    QTest::mouseClick(bars, Qt::LeftButton, {}, centreOf(bars->segments().at(reviewSegment).rect));
    QCOMPARE(view.tabs()->currentIndex(), int(RunView::TasksTab));
    QCOMPARE(view.taskFilter()->text(), QStringLiteral("phase:developing status:review"));
    QCOMPARE(view.taskProxy()->rowCount(), 1);
    QCOMPARE(view.taskProxy()->index(0, TaskModel::Id).data().toString(), QStringLiteral("D-4"));

    // A phase in the pipeline: every task of it.
    view.showTab(RunView::OverviewTab);
    QTest::mouseClick(overview->pipeline(), Qt::LeftButton, {},
                      centreOf(overview->pipeline()->phaseRect(0)));
    QCOMPARE(view.taskFilter()->text(), QStringLiteral("phase:planning"));
    QCOMPARE(view.taskProxy()->rowCount(), 2);

    // Another writer finishes a task: the pictures follow.
    Json next = phasedManifest(bundle.runId(), 2);
    next["tasks"][6]["status"] = "done"; // D-5 in_progress -> done
    bundle.writeManifest(next);
    QTRY_COMPARE(overview->pipeline()->phases().at(1).done, 4);
    QCOMPARE(bars->rows().at(1).counts.value(QStringLiteral("in_progress")), 1);
}

void tst_Overview::needsYouListsWhatWaitsAndTakesYouThere()
{
    TempBundle bundle;
    Json manifest = phasedManifest(bundle.runId());
    manifest["agents"].push_back(agentJson("S-w", "2026-07-22T09:00:00.000Z"));
    manifest["planSpec"] = {{"approval", {{"state", "ready"}}}};
    bundle.writeManifest(manifest);
    RunView view;
    view.setClock([] { return fixedNow(); });
    QSignalSpy attention(&view, &RunView::attentionChanged);
    view.resize(1000, 700);
    view.show();
    Opened opened;
    open(bundle, view, opened);

    NeedsYouList *needsYou = view.overview()->needsYou();
    QTRY_COMPARE(needsYou->shownTexts(),
                 (QStringList{QStringLiteral("The plan waits for approval"),
                              QStringLiteral("Agent S-w is stalled: silent for 1 h 00 min"),
                              QStringLiteral("Task D-4 waits for review")}));
    QCOMPARE(view.attention().size(), 3);
    QVERIFY(!attention.isEmpty());
    QCOMPARE(attention.constLast().at(0).value<QList<AttentionItem>>(), view.attention());
    QCOMPARE(needsYou->actionButton(0)->text(), QStringLiteral("Approve Plan…"));
    QCOMPARE(needsYou->actionButton(1)->text(), QStringLiteral("Request Cancellation…"));
    QCOMPARE(needsYou->actionButton(2)->text(), QStringLiteral("Mark Done…"));
    QCOMPARE(needsYou->showButton(2)->accessibleName(),
             QStringLiteral("Show: Task D-4 waits for review"));

    // Show takes the person to the item.
    QTest::mouseClick(needsYou->showButton(2), Qt::LeftButton);
    QCOMPARE(view.tabs()->currentIndex(), int(RunView::TasksTab));
    QCOMPARE(view.selectedTaskIds(), QStringList{QStringLiteral("D-4")});
    view.showTab(RunView::OverviewTab);
    QTest::mouseClick(needsYou->showButton(1), Qt::LeftButton);
    QCOMPARE(view.tabs()->currentIndex(), int(RunView::AgentsTab));
    QCOMPARE(view.currentAgentId(), QStringLiteral("S-w"));

    // The action goes to whoever carries it out (RunEditor), with the item.
    QSignalSpy asked(&view, &RunView::attentionActionRequested);
    QTest::mouseClick(needsYou->actionButton(0), Qt::LeftButton);
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.at(0).at(0).value<AttentionItem>().kind, AttentionItem::Kind::PlanApproval);

    // A change of the person's in conflict joins the top of the list; resolved, it leaves.
    view.setConflicts({{3, QStringLiteral("T-1 status → done")}});
    QCOMPARE(needsYou->shownTexts().constFirst(),
             QStringLiteral("Your change “T-1 status → done” is in conflict with a newer version"));
    QCOMPARE(needsYou->actionButton(0)->text(), QStringLiteral("Resolve…"));
    view.setConflicts({});
    QCOMPARE(needsYou->shownTexts().size(), 3);

    // The review is done elsewhere: the line goes.
    Json next = manifest;
    next["tasks"][5]["status"] = "done";
    next["serverGeneration"] = 2;
    bundle.writeManifest(next);
    QTRY_COMPARE(needsYou->shownTexts().size(), 2);
}

void tst_Overview::needsYouKeepsFocusThroughATick()
{
    NeedsYouList list;
    const AttentionItem stall{AttentionItem::Kind::AgentStalled, QStringLiteral("S-w"),
                              QStringLiteral("Agent S-w is stalled: silent for 11 min")};
    list.setItems({stall});
    list.show();
    QVERIFY(QTest::qWaitForWindowExposed(&list));
    QPushButton *button = list.actionButton(0);
    button->setFocus();
    QTRY_VERIFY(button->hasFocus());
    AttentionItem later = stall;
    later.text = QStringLiteral("Agent S-w is stalled: silent for 12 min");
    list.setItems({later});
    QCOMPARE(list.actionButton(0), button); // the same button, still focused
    QVERIFY(button->hasFocus());
    QCOMPARE(list.shownTexts(), QStringList{later.text});

    // More than fit: the rest counted by kind.
    QList<AttentionItem> many;
    for (int i = 0; i < NeedsYouList::kShownItems + 3; ++i)
        many.append({AttentionItem::Kind::TaskReview, QStringLiteral("T-%1").arg(i),
                     QStringLiteral("Task T-%1 waits for review").arg(i)});
    list.setItems(many);
    QCOMPARE(list.shownTexts().size(), NeedsYouList::kShownItems);
    QCOMPARE(list.moreText(), QStringLiteral("and 3 more (Tasks in review: 3)"));
}

void tst_Overview::manyTasksInReviewAreOneLine()
{
    TempBundle bundle;
    Json manifest = TempBundle::minimalManifest(bundle.runId());
    for (int i = 1; i <= 1500; ++i)
        manifest["tasks"].push_back(
            taskIn("T-" + std::to_string(i), "developing", i % 3 == 0 ? "review" : "pending"));
    bundle.writeManifest(manifest);
    RunView view;
    Opened opened;
    open(bundle, view, opened);

    // Ten named (the first in row order), the other 490 one line that counts them; the list
    // shows eight lines and counts the two named and 490 it has no room for.
    const QList<AttentionItem> &items = view.attention();
    QCOMPARE(items.size(), Attention::kNamedReviewTasks + 1);
    QCOMPARE(items.at(0).key, QStringLiteral("T-3"));
    QCOMPARE(items.at(9).key, QStringLiteral("T-30"));
    QCOMPARE(items.constLast().key, QString());
    QCOMPARE(items.constLast().count, 490);
    QCOMPARE(items.constLast().text, QStringLiteral("490 more tasks wait for review"));
    NeedsYouList *needsYou = view.overview()->needsYou();
    QCOMPARE(needsYou->moreText(), QStringLiteral("and 492 more (Tasks in review: 492)"));

    // Show All on that line (when shown) filters the Tasks tab to every task in review.
    view.showAttention(AttentionItem::Kind::TaskReview, QString());
    QCOMPARE(view.taskFilter()->text(), QStringLiteral("status:review"));
    QCOMPARE(view.taskProxy()->rowCount(), 500);

    NeedsYouList list;
    list.setItems({items.constLast()});
    QVERIFY(!list.actionButton(0)->isVisibleTo(&list));
    QCOMPARE(list.showButton(0)->text(), QStringLiteral("Show All"));
}

void tst_Overview::everyTaskDoneIsSaidOnce()
{
    TempBundle bundle;
    Json manifest = phasedManifest(bundle.runId());
    bundle.writeManifest(manifest);
    RunView view;
    QSignalSpy done(&view, &RunView::allTasksDone);
    Opened opened;
    open(bundle, view, opened);
    QCOMPARE(done.size(), 0);

    for (Json &task : manifest["tasks"])
        task["status"] = "done";
    manifest["serverGeneration"] = 2;
    bundle.writeManifest(manifest);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(done.at(0).at(0).value<Snapshot::Source>(), Snapshot::Source::External);

    // Still all done after another change: no second time.
    manifest["title"] = "Renamed";
    manifest["serverGeneration"] = 3;
    bundle.writeManifest(manifest);
    QTRY_COMPARE(view.title(), QStringLiteral("Renamed"));
    QCOMPARE(done.size(), 1);

    // A run opened when it was already finished is no news either.
    RunView again;
    QSignalSpy doneAgain(&again, &RunView::allTasksDone);
    Opened reopened;
    open(bundle, again, reopened);
    QCOMPARE(doneAgain.size(), 0);
}

void tst_Overview::picturesReadInLightAndDarkPalettes()
{
    const QPalette light = QApplication::style()->standardPalette();
    for (const QPalette &palette : {light, Theme::darkPalette()}) {
        StatusBars bars;
        bars.setPalette(palette);
        bars.resize(600, 120);
        QMap<QString, int> counts;
        for (const char *status : {"done", "review", "in_progress", "claimed", "pending", "failed"})
            counts.insert(QString::fromLatin1(status), 5);
        bars.setRows({{QStringLiteral("p"), QStringLiteral("Phase"), counts}});
        const QImage image = bars.grab().toImage();
        const QColor window = palette.color(QPalette::Window);
        // Each status colour stands out from the window behind it, and its count reads on it.
        for (const StatusBars::Segment &segment : bars.segments()) {
            const QColor fill = image.pixelColor(segment.rect.left() + 1, segment.rect.top() + 1);
            const StatusStyle::Tone tone = StatusStyle::toneFor(segment.status);
            if (tone != StatusStyle::Tone::Neutral && segment.status != QLatin1String("claimed"))
                QVERIFY2(StatusStyle::contrastRatio(fill, window) >= StatusStyle::kMinimumContrast,
                         qPrintable(segment.status));
            const qreal onFill = qMax(StatusStyle::contrastRatio(fill, Qt::black),
                                      StatusStyle::contrastRatio(fill, Qt::white));
            QVERIFY2(onFill >= StatusStyle::kMinimumContrast, qPrintable(segment.status));
        }
        PhasePipeline pipeline;
        pipeline.setPalette(palette);
        pipeline.resize(600, 100);
        pipeline.setPhases(
            {{QStringLiteral("a"), QStringLiteral("A"), QStringLiteral("active"), 1, 2, true}});
        const QImage drawn = pipeline.grab().toImage();
        int differing = 0;
        for (int y = 0; y < drawn.height(); y += 2) {
            for (int x = 0; x < drawn.width(); x += 2)
                differing += drawn.pixelColor(x, y) != palette.color(QPalette::Window) ? 1 : 0;
        }
        QVERIFY(differing > 50); // something was drawn
    }
}

QTEST_MAIN(tst_Overview)
#include "tst_overview.moc"
