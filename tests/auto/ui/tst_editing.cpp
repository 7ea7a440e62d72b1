// SPDX-License-Identifier: MIT
//
// Changing a run from the window, end to end: a MainWindow (offscreen) on a copy of the run ADE
// wrote, the guided actions triggered as a person would (menus' QActions, forms and previews
// answered through DialogAnswers), the file on disk checked after each change, and
// runboard-cli as the other process that changes the run meanwhile.

#include "changecontroller.h"
#include "dialoganswers.h"
#include "editsettings.h"
#include "eventlogmodel.h"
#include "guidedactions.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "needsyoulist.h"
#include "overviewpanel.h"
#include "patcheditor.h"
#include "runeditor.h"
#include "runview.h"
#include "servicehost.h"
#include "tempbundle.h"
#include "testpaths.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>

#include <functional>

using namespace runboard;
using namespace runboard::test;

namespace {

const QString kSession = QStringLiteral("user:ana@box");

Json withoutBookkeeping(Json manifest)
{
    for (const char *name : {"etag", "serverGeneration", "updatedAt", "history"})
        manifest.erase(name);
    return manifest;
}

qint64 generationOf(const Json &manifest)
{
    return manifest.at("serverGeneration").get<qint64>();
}

DialogAnswers::Answer accept(QVariantMap values = {})
{
    return {QDialog::Accepted, std::move(values)};
}

// A window on a copy of the ADE fixture, open and live.
struct Open
{
    Open() : bundle(TempBundle::copyOfWorktree(adeFixtureWorktree()))
    {
        window.openPath(bundle.bundlePath());
    }
    bool isLive() const
    {
        return window.run() && window.run()->isOpen() && window.runView()->isEditingAllowed()
               && !window.runView()->snapshot().isNull();
    }
    RunView *view() const { return window.runView(); }
    GuidedActions *actions() const { return window.runEditor()->actions(); }
    ChangeController *controller() const { return window.runEditor()->controller(); }
    qint64 shownGeneration() const { return view()->snapshot().serverGeneration(); }

    // The person sets a task's status from the menu and applies the preview; true once the
    // window shows the version it made.
    bool setStatusAndWait(const QString &taskId, const QString &status)
    {
        const qint64 before = shownGeneration();
        view()->selectTask(taskId);
        DialogAnswers::setNextAnswer(accept());
        actions()->statusAction(status)->trigger();
        return QTest::qWaitFor([&] { return shownGeneration() == before + 1; }, 10000);
    }

    TempBundle bundle;
    MainWindow window;
};

// Another process changes the run: runboard-cli patch as the lead, on the disk's etag.
bool otherProcessPatches(const TempBundle &bundle, const char *ops)
{
    const Json manifest = bundle.readManifest();
    QProcess cli;
    cli.start(QStringLiteral(RUNBOARD_CLI),
              {QStringLiteral("patch"), bundle.bundlePath(), QStringLiteral("--if-match"),
               QString::fromStdString(manifest.at("etag").get<std::string>()),
               QStringLiteral("--ops"), QStringLiteral("-"), QStringLiteral("--role"),
               QStringLiteral("lead")});
    cli.write(ops);
    cli.closeWriteChannel();
    return cli.waitForFinished(30000) && cli.exitCode() == 0;
}

} // namespace

class tst_Editing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void eachGuidedActionChangesExactlyItsValues_data();
    void eachGuidedActionChangesExactlyItsValues();
    void whatThePolicyRefusesIsOfferedDisabledWithTheReason();
    void aRefusedHandWrittenPatchIsShownAndKept();
    void undoAndRedoPutTheValuesBack();
    void undoKeepsAnotherProcessesUnrelatedChange();
    void undoRefusesWhenAnotherProcessChangedTheSameValue();
    void editingIsOffWhileTheRunIsSuspended();
    void oneChangeAtATime();
    void theEditMenuAndToolbarOfferEveryAction();
    void needsYouActionsChangeTheRun();

private:
    QTemporaryDir m_settingsDir;
};

void tst_Editing::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("RunboardTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_editing"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void tst_Editing::init()
{
    QSettings().clear();
    EditSettings::setSessionName(kSession);
    DialogAnswers::clear();
}

void tst_Editing::cleanup()
{
    QCOMPARE(DialogAnswers::pendingAnswers(), 0); // every queued answer was asked for
    DialogAnswers::clear();
}

using Select = std::function<void(RunView *)>;
using Trigger = std::function<void(GuidedActions *)>;
using Expect = std::function<void(Json &)>;
Q_DECLARE_METATYPE(Select)
Q_DECLARE_METATYPE(Trigger)
Q_DECLARE_METATYPE(Expect)

void tst_Editing::eachGuidedActionChangesExactlyItsValues_data()
{
    QTest::addColumn<Select>("select");
    QTest::addColumn<QVariantMap>("form"); // empty: the action has no form
    QTest::addColumn<Trigger>("trigger");
    QTest::addColumn<Expect>("expect");
    QTest::addColumn<QString>("words"); // in the preview and the history

    const auto task = [](const char *id) {
        return Select([id](RunView *view) { view->selectTask(QString::fromLatin1(id)); });
    };
    QTest::newRow("set status") << task("T-2") << QVariantMap() << Trigger([](GuidedActions *a) {
        a->statusAction(QStringLiteral("in_progress"))->trigger();
    }) << Expect([](Json &m) { m["tasks"][1]["status"] = "in_progress"; })
                                << QStringLiteral("T-2 status → in_progress");
    QTest::newRow("done with override")
        << task("T-1")
        << QVariantMap{{QStringLiteral("reason"), QStringLiteral("tests verified by hand")}}
        << Trigger([](GuidedActions *a) { a->markDoneWithOverrideAction()->trigger(); })
        << Expect([](Json &m) {
               Json &t = m["tasks"][0];
               t["status"] = "done";
               // Stamps and ids are the clock's and chance's: compared by shape below.
               m["userOverrides"] = Json::array();
           })
        << QStringLiteral("T-1 status → done (override: tests verified by hand)");
    QTest::newRow("release") << task("T-1") << QVariantMap() << Trigger([](GuidedActions *a) {
        a->releaseAction()->trigger();
    }) << Expect([](Json &m) {
        Json &t = m["tasks"][0];
        t["status"] = "pending";
        t.erase("assigneeSessionId");
        t.erase("claimedAt");
        t.erase("claimLeaseUntil");
    }) << QStringLiteral("T-1 released");
    QTest::newRow("edit task")
        << task("T-3")
        << QVariantMap{{QStringLiteral("title"), QStringLiteral("<b>End-to-end</b> check")},
                       {QStringLiteral("description"), QStringLiteral("In two browsers")},
                       {QStringLiteral("priority"), QStringLiteral("high")}}
        << Trigger([](GuidedActions *a) { a->editTaskAction()->trigger(); }) << Expect([](Json &m) {
               Json &t = m["tasks"][2];
               t["title"] = "<b>End-to-end</b> check";
               t["description"] = "In two browsers";
               t["priority"] = "high";
           })
        << QStringLiteral("T-3 title, description, priority edited");
    QTest::newRow("cancellation") << Select([](RunView *view) {
        view->showTab(RunView::AgentsTab);
        view->agentView()->setCurrentIndex(view->agentView()->model()->index(1, 0));
    }) << QVariantMap() << Trigger([](GuidedActions *a) {
        a->requestCancellationAction()->trigger();
    }) << Expect([](Json &m) { m["agents"][1]["cancellationRequested"] = true; })
                                  << QStringLiteral("S-worker-1 cancellation requested");
    QTest::newRow("run details")
        << Select([](RunView *) {})
        << QVariantMap{{QStringLiteral("title"), QStringLiteral("Login, v2")},
                       {QStringLiteral("goal"), QStringLiteral("Also passwordless")}}
        << Trigger([](GuidedActions *a) { a->editRunDetailsAction()->trigger(); })
        << Expect([](Json &m) {
               m["title"] = "Login, v2";
               m["goalSummary"] = "Also passwordless";
           })
        << QStringLiteral("run title, goal edited");
}

void tst_Editing::eachGuidedActionChangesExactlyItsValues()
{
    QFETCH(Select, select);
    QFETCH(QVariantMap, form);
    QFETCH(Trigger, trigger);
    QFETCH(Expect, expect);
    QFETCH(QString, words);

    Open open;
    QTRY_VERIFY(open.isLive());
    const Json base = open.bundle.readManifest();
    select(open.view());
    if (!form.isEmpty())
        DialogAnswers::setNextAnswer(accept(form));
    DialogAnswers::setNextAnswer(accept()); // the preview: Apply
    trigger(open.actions());

    QTRY_COMPARE(generationOf(open.bundle.readManifest()), generationOf(base) + 1);
    QTRY_COMPARE(open.shownGeneration(), generationOf(base) + 1);
    const Json after = open.bundle.readManifest();
    Json expected = withoutBookkeeping(base);
    expect(expected);
    Json actual = withoutBookkeeping(after);
    if (QString::fromLatin1(QTest::currentDataTag()) == QLatin1String("done with override")) {
        // The override pair carries the person, the reason and a task-scoped entry.
        const Json &override = actual.at("tasks").at(0).at("humanOverride");
        QVERIFY(override.at("byUserId") == Json(kSession.toStdString()));
        QVERIFY(override.at("reason") == Json("tests verified by hand"));
        QVERIFY(override.at("fromStatus") == Json("in_progress"));
        QCOMPARE(actual.at("userOverrides").size(), std::size_t(1));
        QVERIFY(actual.at("userOverrides").at(0).at("appliedToId") == Json("T-1"));
        actual["tasks"][0].erase("humanOverride");
        actual["userOverrides"] = Json::array();
    }
    QCOMPARE(QString::fromStdString(actual.dump(2)), QString::fromStdString(expected.dump(2)));

    // Committed as the user, the history naming the person and the change in words.
    const Json &entry = after.at("history").back();
    QVERIFY(entry.at("summary") == Json("patch"));
    QCOMPARE(QString::fromStdString(entry.at("patchKindSummary").get<std::string>()),
             kSession + QStringLiteral(": ") + words);
    // The preview showed the effect in words before it was applied.
    const QList<DialogAnswers::Answered> &answered = DialogAnswers::answered();
    QCOMPARE(answered.constLast().name, QStringLiteral("previewDialog"));
    QVERIFY(!answered.constLast().values.value(QStringLiteral("text")).toString().isEmpty());
    QVERIFY(answered.constLast()
                .values.value(QStringLiteral("json"))
                .toString()
                .contains(QStringLiteral("\"op\"")));
    // The result is said where the person looks: the status bar and the Events tab.
    QTRY_VERIFY(open.window.statusBar()->currentMessage().startsWith(QStringLiteral("Applied: ")));
    QVERIFY(open.view()->eventLogModel()->eventAt(0).detail.contains(words));
}

void tst_Editing::whatThePolicyRefusesIsOfferedDisabledWithTheReason()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    GuidedActions *actions = open.actions();
    // Nothing selected: the task actions say what to do first.
    QVERIFY(!actions->statusAction(QStringLiteral("review"))->isEnabled());
    QVERIFY(actions->statusAction(QStringLiteral("review"))
                ->toolTip()
                .contains(QStringLiteral("Select a task")));

    open.view()->selectTask(QStringLiteral("T-1")); // in_progress, gate V-1 not satisfied
    QAction *done = actions->statusAction(QStringLiteral("done"));
    QVERIFY(!done->isEnabled());
    QVERIFY2(done->toolTip().contains(QStringLiteral("V-1")), qPrintable(done->toolTip()));
    QVERIFY(!actions->statusAction(QStringLiteral("in_progress"))->isEnabled());
    QVERIFY(actions->statusAction(QStringLiteral("review"))->isEnabled());
    QVERIFY(actions->markDoneWithOverrideAction()->isEnabled());

    open.view()->selectTask(QStringLiteral("T-3")); // no gate required
    QVERIFY(actions->statusAction(QStringLiteral("done"))->isEnabled());
    QVERIFY(!actions->releaseAction()->isEnabled()); // nobody holds it
    QVERIFY(actions->releaseAction()->toolTip().contains(QStringLiteral("not claimed")));
    // The run is in planning and nobody approved its plan.
    QVERIFY(actions->approvePlanAction()->isEnabled());

    // The shortcut of a refused status does nothing either.
    open.view()->selectTask(QStringLiteral("T-1"));
    const QByteArray before = open.bundle.readFile(QStringLiteral("manifest.json"));
    done->trigger();
    QCOMPARE(DialogAnswers::answered().size(), 0);
    QCOMPARE(open.bundle.readFile(QStringLiteral("manifest.json")), before);
}

void tst_Editing::aRefusedHandWrittenPatchIsShownAndKept()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const QByteArray before = open.bundle.readFile(QStringLiteral("manifest.json"));
    open.window.runEditor()->patchEditorAction()->trigger();
    PatchEditor *editor = open.window.runEditor()->patchEditor();
    QVERIFY(open.window.runEditor()->patchEditorDock()->isVisibleTo(&open.window));
    editor->newPatch();
    const QString text = QStringLiteral(
        "[\n  {\"op\": \"replace\", \"path\": \"/runId\", \"value\": \"R-elsewhere\"}\n]\n");
    editor->setText(text);
    QTRY_VERIFY(editor->applyAction()->isEnabled());
    // The check as you type already says what the commit will say.
    QTRY_VERIFY(
        editor->problems().join(QLatin1Char('\n')).contains(QStringLiteral("policy_denied")));
    editor->applyAction()->trigger();

    MessageBar *bar = open.view()->changeBar();
    QTRY_VERIFY(!bar->isHidden());
    QCOMPARE(bar->kind(), MessageBar::Kind::Error);
    QVERIFY2(bar->text().contains(QStringLiteral("policy_denied")), qPrintable(bar->text()));
    QVERIFY(bar->text().contains(QStringLiteral("/runId")));
    QCOMPARE(open.bundle.readFile(QStringLiteral("manifest.json")), before);
    // The person's patch is kept, and saving it is one click away.
    QCOMPARE(editor->text(), text);
    bool offersSave = false;
    for (const QToolButton *button : bar->findChildren<QToolButton *>())
        offersSave |= button->defaultAction()
                      && button->defaultAction()->objectName() == QStringLiteral("saveFailedPatch");
    QVERIFY(offersSave);
    QVERIFY(
        open.view()->eventLogModel()->eventAt(0).detail.contains(QStringLiteral("policy_denied")));
}

void tst_Editing::undoAndRedoPutTheValuesBack()
{
    Open open;
    open.window.show();
    open.window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&open.window));
    QTRY_VERIFY(open.isLive());
    const Json base = open.bundle.readManifest();
    open.view()->selectTask(QStringLiteral("T-2"));
    DialogAnswers::setNextAnswer(accept());
    open.actions()->statusAction(QStringLiteral("review"))->trigger();
    QTRY_COMPARE(open.shownGeneration(), generationOf(base) + 1);
    QCOMPARE(open.actions()->undoAction()->text(),
             QStringLiteral("&Undo Set T-2 status to review"));

    QTest::keyClick(&open.window, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(open.shownGeneration(), generationOf(base) + 2);
    Json undone = open.bundle.readManifest();
    QVERIFY(undone.at("tasks").at(1).at("status") == Json("pending"));
    QVERIFY(jsonEqual(withoutBookkeeping(undone), withoutBookkeeping(base)));
    QVERIFY(QString::fromStdString(
                undone.at("history").back().at("patchKindSummary").get<std::string>())
                .startsWith(kSession + QStringLiteral(": undo")));
    QTRY_VERIFY(open.actions()->redoAction()->isEnabled());
    QCOMPARE(open.actions()->redoAction()->text(),
             QStringLiteral("&Redo Set T-2 status to review"));

    QTest::keyClick(&open.window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(open.shownGeneration(), generationOf(base) + 3);
    QVERIFY(open.bundle.readManifest().at("tasks").at(1).at("status") == Json("review"));
    QTRY_VERIFY(open.actions()->undoAction()->isEnabled());
}

void tst_Editing::undoKeepsAnotherProcessesUnrelatedChange()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const qint64 start = open.shownGeneration();
    QVERIFY(open.setStatusAndWait(QStringLiteral("T-2"), QStringLiteral("review")));

    QVERIFY(otherProcessPatches(
        open.bundle,
        R"([{"op":"replace","path":"/tasks/{id:T-3}/status","value":"in_progress"}])"));
    QTRY_COMPARE(open.shownGeneration(), start + 2);
    open.actions()->undoAction()->trigger();
    QTRY_COMPARE(open.shownGeneration(), start + 3);
    const Json now = open.bundle.readManifest();
    QVERIFY(now.at("tasks").at(1).at("status") == Json("pending"));
    QVERIFY(now.at("tasks").at(2).at("status") == Json("in_progress"));
}

void tst_Editing::undoRefusesWhenAnotherProcessChangedTheSameValue()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const qint64 start = open.shownGeneration();
    QVERIFY(open.setStatusAndWait(QStringLiteral("T-2"), QStringLiteral("review")));

    QVERIFY(otherProcessPatches(
        open.bundle, R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"failed"}])"));
    QTRY_COMPARE(open.shownGeneration(), start + 2);
    const QByteArray theirs = open.bundle.readFile(QStringLiteral("manifest.json"));
    open.actions()->undoAction()->trigger();

    // A conflict, not an overwrite: the bar says so, the file is the other process's.
    QTRY_VERIFY(!open.view()->conflictBar()->isHidden());
    QTRY_VERIFY(!open.controller()->isBusy());
    QCOMPARE(open.bundle.readFile(QStringLiteral("manifest.json")), theirs);
    QCOMPARE(open.controller()->conflicts().size(), 1);
    const PendingConflict &conflict = open.controller()->conflicts().constFirst();
    QCOMPARE(conflict.verdict.kind, RebaseVerdict::Kind::Conflicts);
    QVERIFY(open.view()->conflictBar()->text().contains(QStringLiteral("changed on disk")));
    // The undo did not happen: it can still be asked for.
    QVERIFY(open.controller()->undoStack()->canUndo());
}

void tst_Editing::editingIsOffWhileTheRunIsSuspended()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    open.window.runEditor()->patchEditorAction()->trigger();
    PatchEditor *editor = open.window.runEditor()->patchEditor();
    const QString text
        = QStringLiteral("[{\"op\": \"replace\", \"path\": \"/title\", \"value\": \"Kept\"}]\n");
    editor->setText(text);
    QTRY_VERIFY(editor->applyAction()->isEnabled());

    Json foreign = open.bundle.readManifest();
    foreign["runId"] = "R-20990101000000-aaaaaa";
    open.bundle.writeManifest(foreign);
    QTRY_VERIFY(!open.view()->isEditingAllowed());
    open.view()->selectTask(QStringLiteral("T-2"));
    for (QAction *action : open.actions()->allActions()) {
        if (action == open.actions()->preferencesAction())
            continue;
        QVERIFY2(!action->isEnabled(), qPrintable(action->objectName()));
        QVERIFY2(action->toolTip().contains(QStringLiteral("suspended")),
                 qPrintable(action->objectName() + QLatin1Char(' ') + action->toolTip()));
    }
    QVERIFY(!editor->applyAction()->isEnabled());
    QVERIFY(editor->applyAction()->toolTip().contains(QStringLiteral("suspended")));
    QCOMPARE(editor->text(), text);
}

void tst_Editing::oneChangeAtATime()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const Snapshot seen = open.view()->snapshot();
    const Json ops = Json::parse(R"([{"op":"replace","path":"/title","value":"One"}])");
    QVERIFY(open.controller()->apply(
        Change::on(seen, QStringLiteral("One"), QStringLiteral("one"), ops)));
    QVERIFY(open.controller()->isBusy());
    // While it is in flight nothing else goes out, and the actions say why.
    QVERIFY(!open.controller()->apply(
        Change::on(seen, QStringLiteral("Two"), QStringLiteral("two"), ops)));
    QVERIFY(!open.actions()->editRunDetailsAction()->isEnabled());
    QVERIFY(open.actions()->editRunDetailsAction()->toolTip().contains(
        QStringLiteral("being applied")));
    QTRY_VERIFY(!open.controller()->isBusy());
    QVERIFY(open.bundle.readManifest().at("title") == Json("One"));
    QCOMPARE(open.controller()->undoStack()->count(), 1);
    QVERIFY(open.actions()->editRunDetailsAction()->isEnabled());
}

void tst_Editing::theEditMenuAndToolbarOfferEveryAction()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    QMenu *edit = nullptr;
    for (QAction *menu : open.window.menuBar()->actions()) {
        if (menu->text() == QStringLiteral("&Edit"))
            edit = menu->menu();
    }
    QVERIFY(edit);
    QList<QAction *> inMenus = edit->actions();
    inMenus += open.actions()->statusMenu()->actions();
    for (QAction *action : open.actions()->allActions()) {
        QVERIFY2(inMenus.contains(action), qPrintable(action->objectName()));
        QVERIFY2(!action->text().isEmpty() && !action->statusTip().isEmpty(),
                 qPrintable(action->objectName()));
    }
    QVERIFY(inMenus.contains(open.window.runEditor()->patchEditorAction()));
    // The common ones have shortcuts.
    for (QAction *action :
         {open.actions()->undoAction(), open.actions()->redoAction(),
          open.actions()->markDoneWithOverrideAction(), open.actions()->editTaskAction(),
          open.window.runEditor()->patchEditorAction()})
        QVERIFY2(!action->shortcut().isEmpty(), qPrintable(action->objectName()));
    for (QAction *action : open.actions()->statusActions())
        QVERIFY(!action->shortcut().isEmpty());
    auto *toolBar = open.window.findChild<QToolBar *>(QStringLiteral("editToolBar"));
    QVERIFY(toolBar);
    QVERIFY(toolBar->actions().contains(open.actions()->undoAction()));
    QVERIFY(toolBar->actions().contains(open.actions()->markDoneWithOverrideAction()));
}

void tst_Editing::needsYouActionsChangeTheRun()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    // Another writer puts T-3 (no validation gate) in review.
    QVERIFY(otherProcessPatches(
        open.bundle, R"([{"op":"replace","path":"/tasks/{id:T-3}/status","value":"review"}])"));
    NeedsYouList *needsYou = open.view()->overview()->needsYou();
    const auto lineOf = [needsYou](const QString &text) {
        return int(needsYou->shownTexts().indexOf(text));
    };
    QTRY_VERIFY(lineOf(QStringLiteral("Task T-3 waits for review")) >= 0);
    // The fixture's worker has been silent since November: stalled by the clock.
    const int stalled = [needsYou] {
        for (int i = 0; i < needsYou->items().size(); ++i) {
            if (needsYou->items().at(i).kind == AttentionItem::Kind::AgentStalled)
                return i;
        }
        return -1;
    }();
    QVERIFY(stalled >= 0);
    QCOMPARE(needsYou->items().at(stalled).key, QStringLiteral("S-worker-1"));

    // Mark Done…: the preview, then Apply.
    qint64 generation = generationOf(open.bundle.readManifest());
    DialogAnswers::setNextAnswer(accept());
    QTest::mouseClick(needsYou->actionButton(lineOf(QStringLiteral("Task T-3 waits for review"))),
                      Qt::LeftButton);
    QTRY_COMPARE(generationOf(open.bundle.readManifest()), generation + 1);
    QVERIFY(open.bundle.readManifest().at("tasks").at(2).at("status") == Json("done"));
    QCOMPARE(DialogAnswers::answered().constLast().name, QStringLiteral("previewDialog"));
    QTRY_COMPARE(lineOf(QStringLiteral("Task T-3 waits for review")), -1);

    // Request Cancellation… on the stalled agent.
    generation = generationOf(open.bundle.readManifest());
    int line = -1;
    for (int i = 0; i < needsYou->items().size(); ++i) {
        if (needsYou->items().at(i).kind == AttentionItem::Kind::AgentStalled)
            line = i;
    }
    QVERIFY(line >= 0);
    DialogAnswers::setNextAnswer(accept());
    QTest::mouseClick(needsYou->actionButton(line), Qt::LeftButton);
    QTRY_COMPARE(generationOf(open.bundle.readManifest()), generation + 1);
    const Json after = open.bundle.readManifest();
    QVERIFY(after.at("agents").at(1).at("sessionId") == Json("S-worker-1"));
    QVERIFY(after.at("agents").at(1).at("cancellationRequested") == Json(true));
}

QTEST_MAIN(tst_Editing)
#include "tst_editing.moc"
