// SPDX-License-Identifier: MIT
//
// etag_conflict in the window (issue 14), end to end: a MainWindow on a copy of the run ADE
// wrote, other processes changing it (runboard-cli as a careful writer, runboard-testwriter as
// a stale one that takes no lock and as busy agents), and the person's changes met by the bar,
// the dialog, auto-rebase and the overwritten report. After every scenario the file on disk must
// hold both sides, or the other side untouched.

#include "changecontroller.h"
#include "conflictdialog.h"
#include "dialoganswers.h"
#include "editdialogs.h"
#include "editsettings.h"
#include "eventlogmodel.h"
#include "guidedactions.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "patcheditor.h"
#include "runeditor.h"
#include "runview.h"
#include "servicehost.h"
#include "tempbundle.h"
#include "testpaths.h"
#include "uitestutil.h"

#include <QAction>
#include <QDockWidget>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace runboard;
using namespace runboard::test;

namespace {

constexpr int kProcessTimeoutMs = 60000;

DialogAnswers::Answer accept(QVariantMap values = {})
{
    return {QDialog::Accepted, std::move(values)};
}

Json taskOf(const Json &manifest, const char *id)
{
    for (const Json &task : manifest.at("tasks")) {
        if (task.at("id") == id)
            return task;
    }
    return Json();
}

QString text(const Json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
}

// A window on a run, open and live.
struct Open
{
    explicit Open(TempBundle copy) : bundle(std::move(copy))
    {
        window.openPath(bundle.bundlePath());
    }
    Open() : Open(TempBundle::copyOfWorktree(adeFixtureWorktree())) {}

    bool isLive() const
    {
        return window.run() && window.run()->isOpen() && view()->isEditingAllowed()
               && !view()->snapshot().isNull();
    }
    RunView *view() const { return window.runView(); }
    RunEditor *editor() const { return window.runEditor(); }
    ChangeController *controller() const { return editor()->controller(); }
    qint64 shown() const { return view()->snapshot().serverGeneration(); }
    bool showsGeneration(qint64 generation) const
    {
        return QTest::qWaitFor([&] { return shown() >= generation; }, kProcessTimeoutMs);
    }

    TempBundle bundle;
    MainWindow window;
};

// A careful other writer: runboard-cli patch as the lead, on the disk's etag.
bool cliPatches(const TempBundle &bundle, const char *ops)
{
    QProcess cli;
    cli.start(QStringLiteral(RUNBOARD_CLI),
              {QStringLiteral("patch"), bundle.bundlePath(), QStringLiteral("--if-match"),
               text(bundle.readManifest().at("etag")), QStringLiteral("--ops"), QStringLiteral("-"),
               QStringLiteral("--role"), QStringLiteral("lead")});
    cli.write(ops);
    cli.closeWriteChannel();
    return cli.waitForFinished(kProcessTimeoutMs) && cli.exitCode() == 0;
}

Change titleChange(const Snapshot &seen, const char *task, const char *title)
{
    const Json ops = Json::array({{{"op", "replace"},
                                   {"path", std::string("/tasks/{id:") + task + "}/title"},
                                   {"value", title}}});
    return Change::on(
        seen, QStringLiteral("Rename %1").arg(QLatin1String(task)),
        QStringLiteral("%1 title → %2").arg(QLatin1String(task), QLatin1String(title)), ops);
}

// Whether the bar has a button for the action.
bool offers(const MessageBar *bar, const QAction *action)
{
    const QList<QToolButton *> buttons = bar->findChildren<QToolButton *>();
    return std::any_of(buttons.begin(), buttons.end(), [action](const QToolButton *button) {
        return button->defaultAction() == action;
    });
}

// The first waiting conflict, once there is one and nothing is in flight.
const PendingConflict *waitForConflict(const Open &open)
{
    if (!QTest::qWaitFor(
            [&] {
                return !open.controller()->conflicts().isEmpty() && !open.controller()->isBusy();
            },
            kProcessTimeoutMs))
        return nullptr;
    return &open.controller()->conflicts().constFirst();
}

} // namespace

class tst_Conflicts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void theSeedScenarioInTheWindow();
    void aDisjointChangeIsReappliedByItself();
    void theSameValueChangedIsShownSideBySide();
    void aRemovedTaskCannotApply();
    void theDialogFollowsTheDisk();
    void discardingKeepsTheirVersion();
    void editingTheConflictedPatchResolvesIt();
    void contentionLosesNothing();
    void anOverwriteIsToldAndCanBeReapplied();

private:
    QTemporaryDir m_settingsDir;
};

void tst_Conflicts::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("RunboardTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_conflicts"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void tst_Conflicts::init()
{
    QSettings().clear();
    EditSettings::setSessionName(QStringLiteral("user:ana@box"));
    DialogAnswers::clear();
}

void tst_Conflicts::cleanup()
{
    QCOMPARE(DialogAnswers::pendingAnswers(), 0);
    DialogAnswers::clear();
}

void tst_Conflicts::theSeedScenarioInTheWindow()
{
    EditSettings::setAutoRebase(false); // the person decides
    Open open;
    QTRY_VERIFY(open.isLive());
    const qint64 start = open.shown();

    // The person starts editing T-3 …
    open.view()->selectTask(QStringLiteral("T-3"));
    open.editor()->actions()->editTaskAction()->trigger();
    TaskEditDialog *form = nullptr;
    QTRY_VERIFY((form = open.window.findChild<TaskEditDialog *>()) != nullptr);
    QTRY_VERIFY(form->isVisible());
    // … while another process advances the run.
    QVERIFY(cliPatches(open.bundle,
                       R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"claimed"}])"));
    QVERIFY(open.showsGeneration(start + 1));
    form->fill({{QStringLiteral("title"), QStringLiteral("Check it in two browsers")}});
    DialogAnswers::setNextAnswer(accept()); // the preview
    form->accept();

    // A bar, not an overwrite: the other process's change is on disk, ours is not yet.
    QVERIFY(waitForConflict(open));
    MessageBar *bar = open.view()->conflictBar();
    QVERIFY(!bar->isHidden());
    QVERIFY2(bar->text().contains(QStringLiteral("changed on disk")), qPrintable(bar->text()));
    QVERIFY(offers(bar, open.editor()->applyConflictAction()));
    Json disk = open.bundle.readManifest();
    QCOMPARE(text(taskOf(disk, "T-2").at("status")), QStringLiteral("claimed"));
    QCOMPARE(text(taskOf(disk, "T-3").at("title")), QStringLiteral("End-to-end check"));

    // Review: the dialog says what the other side changed, in words, and that it applies.
    DialogAnswers::setNextAnswer(accept({{QStringLiteral("choice"), QStringLiteral("apply")}}));
    open.editor()->reviewConflictAction()->trigger();
    QTRY_COMPARE(DialogAnswers::answered().size(), 2); // the preview, then the conflict
    const QVariantMap dialog = DialogAnswers::answered().constLast().values;
    QCOMPARE(DialogAnswers::answered().constLast().name, QStringLiteral("conflictDialog"));
    QVERIFY2(dialog.value(QStringLiteral("theirs"))
                 .toString()
                 .contains(QStringLiteral("T-2: status pending → claimed")),
             qPrintable(dialog.value(QStringLiteral("theirs")).toString()));
    QVERIFY(dialog.value(QStringLiteral("yours")).toString().contains(QStringLiteral("T-3")));
    QVERIFY(dialog.value(QStringLiteral("verdict"))
                .toString()
                .startsWith(QStringLiteral("Applies cleanly")));

    // Apply to the new version: both changes on disk.
    QVERIFY(open.showsGeneration(start + 2));
    QTRY_VERIFY(open.controller()->conflicts().isEmpty());
    disk = open.bundle.readManifest();
    QCOMPARE(text(taskOf(disk, "T-2").at("status")), QStringLiteral("claimed"));
    QCOMPARE(text(taskOf(disk, "T-3").at("title")), QStringLiteral("Check it in two browsers"));
    QTRY_VERIFY(bar->isHidden());
}

void tst_Conflicts::aDisjointChangeIsReappliedByItself()
{
    Open open; // auto-rebase is on by default
    QTRY_VERIFY(open.isLive());
    const Snapshot seen = open.view()->snapshot();
    QVERIFY(cliPatches(open.bundle,
                       R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"claimed"}])"));
    QVERIFY(open.showsGeneration(seen.serverGeneration() + 1));
    QVERIFY(open.controller()->apply(titleChange(seen, "T-3", "Ours")));
    QVERIFY(open.showsGeneration(seen.serverGeneration() + 2));
    QTRY_VERIFY(!open.controller()->isBusy());
    QVERIFY(open.controller()->conflicts().isEmpty());
    const Json disk = open.bundle.readManifest();
    QCOMPARE(text(taskOf(disk, "T-2").at("status")), QStringLiteral("claimed"));
    QCOMPARE(text(taskOf(disk, "T-3").at("title")), QStringLiteral("Ours"));
    // The Events tab says it was re-applied, on what, and what the others had changed.
    const auto said = [&open] {
        for (int row = 0; row < open.view()->eventLogModel()->rowCount(); ++row) {
            const QString detail = open.view()->eventLogModel()->eventAt(row).detail;
            if (detail.startsWith(QStringLiteral("Re-applied your change"))
                && detail.contains(QStringLiteral("T-2: status pending → claimed")))
                return true;
        }
        return false;
    };
    QTRY_VERIFY(said());
}

void tst_Conflicts::theSameValueChangedIsShownSideBySide()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const Snapshot seen = open.view()->snapshot();
    QVERIFY(cliPatches(open.bundle,
                       R"([{"op":"replace","path":"/tasks/{id:T-3}/title","value":"Theirs"}])"));
    QVERIFY(open.showsGeneration(seen.serverGeneration() + 1));
    const QByteArray theirs = open.bundle.readFile(QStringLiteral("manifest.json"));
    QVERIFY(open.controller()->apply(titleChange(seen, "T-3", "Ours")));
    const PendingConflict *conflict = waitForConflict(open);
    QVERIFY(conflict);
    QCOMPARE(conflict->verdict.kind, RebaseVerdict::Kind::Conflicts);
    QCOMPARE(open.bundle.readFile(QStringLiteral("manifest.json")), theirs); // not re-applied
    QTRY_VERIFY(!open.view()->conflictBar()->isHidden());
    QVERIFY(!offers(open.view()->conflictBar(), open.editor()->applyConflictAction()));
    QVERIFY(offers(open.view()->conflictBar(), open.editor()->reviewConflictAction()));

    DialogAnswers::setNextAnswer({QDialog::Rejected, {}});
    open.editor()->openConflictDialog(conflict->id);
    QTRY_COMPARE(DialogAnswers::answered().size(), 1);
    const QVariantMap dialog = DialogAnswers::answered().constFirst().values;
    const QStringList rows = dialog.value(QStringLiteral("conflicts")).toStringList();
    QCOMPARE(rows, QStringList{QStringLiteral(
                       "/tasks/{id:T-3}/title | 'End-to-end check' | 'Theirs' | 'Ours'")});
    QVERIFY(dialog.value(QStringLiteral("verdict"))
                .toString()
                .startsWith(QStringLiteral("Conflicts on 1 place")));
    // Closing decides nothing: the conflict still waits.
    QCOMPARE(open.controller()->conflicts().size(), 1);
}

void tst_Conflicts::aRemovedTaskCannotApply()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const Snapshot seen = open.view()->snapshot();
    QVERIFY(cliPatches(open.bundle, R"([{"op":"remove","path":"/tasks/{id:T-3}"}])"));
    QVERIFY(open.showsGeneration(seen.serverGeneration() + 1));
    QVERIFY(open.controller()->apply(titleChange(seen, "T-3", "Ours")));
    const PendingConflict *conflict = waitForConflict(open);
    QVERIFY(conflict);
    QCOMPARE(conflict->verdict.kind, RebaseVerdict::Kind::CannotApply);
    DialogAnswers::setNextAnswer({QDialog::Rejected, {}});
    ConflictDialog *dialog = open.editor()->openConflictDialog(conflict->id);
    QVERIFY(dialog);
    QTRY_COMPARE(DialogAnswers::answered().size(), 1);
    const QString verdict
        = DialogAnswers::answered().constFirst().values.value(QStringLiteral("verdict")).toString();
    QVERIFY2(verdict.startsWith(QStringLiteral("Cannot apply"))
                 && verdict.contains(QStringLiteral("T-3")),
             qPrintable(verdict));
    QVERIFY(open.bundle.readManifest().at("tasks").size() == 2);
}

void tst_Conflicts::theDialogFollowsTheDisk()
{
    EditSettings::setAutoRebase(false);
    Open open;
    QTRY_VERIFY(open.isLive());
    const Snapshot seen = open.view()->snapshot();
    const qint64 start = seen.serverGeneration();
    QVERIFY(cliPatches(open.bundle,
                       R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"claimed"}])"));
    QVERIFY(open.showsGeneration(start + 1));
    QVERIFY(open.controller()->apply(titleChange(seen, "T-3", "Ours")));
    const PendingConflict *conflict = waitForConflict(open);
    QVERIFY(conflict);
    const quint64 id = conflict->id;

    // The person reviews it; the disk changes twice while the dialog is open.
    ConflictDialog *dialog = open.editor()->openConflictDialog(id);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(!dialog->values().value(QStringLiteral("changedAgain")).toBool());
    QVERIFY(cliPatches(open.bundle,
                       R"([{"op":"replace","path":"/tasks/{id:T-1}/priority","value":"low"}])"));
    QVERIFY(
        cliPatches(open.bundle, R"([{"op":"replace","path":"/goalSummary","value":"Theirs"}])"));
    QVERIFY(open.showsGeneration(start + 3));
    QTRY_VERIFY(open.controller()->conflict(id)
                && open.controller()->conflict(id)->theirs.serverGeneration() == start + 3);
    QTRY_VERIFY(dialog->values().value(QStringLiteral("changedAgain")).toBool());
    QVERIFY(dialog->values()
                .value(QStringLiteral("theirs"))
                .toString()
                .contains(QStringLiteral("T-1: priority high → low")));
    QVERIFY(dialog->applyButton()->isEnabled());

    // Applying targets the newest version: everybody's changes and ours on disk.
    dialog->applyButton()->click();
    QVERIFY(open.showsGeneration(start + 4));
    const Json disk = open.bundle.readManifest();
    QCOMPARE(disk.at("serverGeneration").get<qint64>(), start + 4);
    QCOMPARE(text(taskOf(disk, "T-2").at("status")), QStringLiteral("claimed"));
    QCOMPARE(text(taskOf(disk, "T-1").at("priority")), QStringLiteral("low"));
    QCOMPARE(text(disk.at("goalSummary")), QStringLiteral("Theirs"));
    QCOMPARE(text(taskOf(disk, "T-3").at("title")), QStringLiteral("Ours"));
}

void tst_Conflicts::discardingKeepsTheirVersion()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const Snapshot seen = open.view()->snapshot();
    QVERIFY(cliPatches(open.bundle,
                       R"([{"op":"replace","path":"/tasks/{id:T-3}/title","value":"Theirs"}])"));
    QVERIFY(open.showsGeneration(seen.serverGeneration() + 1));
    const QByteArray theirs = open.bundle.readFile(QStringLiteral("manifest.json"));
    QVERIFY(open.controller()->apply(titleChange(seen, "T-3", "Ours")));
    const PendingConflict *conflict = waitForConflict(open);
    QVERIFY(conflict);
    DialogAnswers::setNextAnswer(accept({{QStringLiteral("choice"), QStringLiteral("discard")}}));
    open.editor()->openConflictDialog(conflict->id);
    QTRY_VERIFY(open.controller()->conflicts().isEmpty());
    QTRY_VERIFY(open.view()->conflictBar()->isHidden());
    QCOMPARE(open.bundle.readFile(QStringLiteral("manifest.json")), theirs);
    QVERIFY(
        open.view()->eventLogModel()->eventAt(0).detail.startsWith(QStringLiteral("Discarded")));
}

void tst_Conflicts::editingTheConflictedPatchResolvesIt()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const Snapshot seen = open.view()->snapshot();
    const qint64 start = seen.serverGeneration();
    QVERIFY(cliPatches(open.bundle,
                       R"([{"op":"replace","path":"/tasks/{id:T-3}/title","value":"Theirs"}])"));
    QVERIFY(open.showsGeneration(start + 1));
    QVERIFY(open.controller()->apply(titleChange(seen, "T-3", "Ours")));
    const PendingConflict *conflict = waitForConflict(open);
    QVERIFY(conflict);

    // Edit Patch: the editor opens on the new version with the conflicting operation marked.
    DialogAnswers::setNextAnswer(accept({{QStringLiteral("choice"), QStringLiteral("edit")}}));
    open.editor()->openConflictDialog(conflict->id);
    PatchEditor *editor = open.editor()->patchEditor();
    QTRY_COMPARE(editor->base().serverGeneration(), start + 1);
    QTRY_VERIFY(editor->problems()
                    .join(QLatin1Char('\n'))
                    .contains(QStringLiteral("/tasks/{id:T-3}/title")));
    QVERIFY(open.editor()->patchEditorDock()->isVisibleTo(&open.window));
    QCOMPARE(open.controller()->conflicts().size(), 1); // still waiting until applied

    QSignalSpy validated(editor, &PatchEditor::validated);
    editor->setText(QStringLiteral("[{\"op\": \"replace\", \"path\": \"/tasks/{id:T-3}/title\", "
                                   "\"value\": \"Theirs, and ours\"}]"));
    QVERIFY(validated.wait(10000));
    editor->applyAction()->trigger();
    QVERIFY(open.showsGeneration(start + 2));
    QCOMPARE(text(taskOf(open.bundle.readManifest(), "T-3").at("title")),
             QStringLiteral("Theirs, and ours"));
    QTRY_VERIFY(open.controller()->conflicts().isEmpty());
}

void tst_Conflicts::contentionLosesNothing()
{
    // Two other processes commit every ~20 ms for about 10 s while the person applies 50
    // changes to other tasks, each made on the version on screen, with auto-rebase.
    TempBundle bundle;
    Json manifest = TempBundle::minimalManifest(bundle.runId());
    for (int i = 1; i <= 50; ++i)
        manifest["tasks"].push_back(taskJson("T-" + std::to_string(i), "pending"));
    bundle.writeManifest(manifest);
    Open open(std::move(bundle));
    QTRY_VERIFY(open.isLive());

    constexpr int kCommitsEach = 450;
    QList<QProcess *> others;
    for (const char *session : {"S-one", "S-two"}) {
        auto *other = new QProcess(this);
        other->start(QStringLiteral(RUNBOARD_TESTWRITER),
                     {QStringLiteral("counter"), open.bundle.bundlePath(),
                      QStringLiteral("--count"), QString::number(kCommitsEach),
                      QStringLiteral("--session"), QLatin1String(session),
                      QStringLiteral("--pace-ms"), QStringLiteral("20")});
        QVERIFY(other->waitForStarted());
        others << other;
    }
    for (int i = 1; i <= 50; ++i) {
        const std::string id = "T-" + std::to_string(i);
        const std::string title = "mine " + std::to_string(i);
        const QByteArray ours = QByteArray::fromStdString(id + " title → " + title);
        QVERIFY(open.controller()->apply(
            titleChange(open.view()->snapshot(), id.c_str(), title.c_str())));
        QVERIFY(QTest::qWaitFor([&] { return !open.controller()->isBusy(); }, kProcessTimeoutMs));
        QVERIFY2(open.controller()->conflicts().isEmpty(),
                 qPrintable(QStringLiteral("change %1 ended as a conflict").arg(i)));
    }
    qint64 acked = 0;
    for (QProcess *other : std::as_const(others)) {
        QVERIFY(other->waitForFinished(kProcessTimeoutMs));
        QCOMPARE(other->exitCode(), 0);
        acked += other->readAllStandardOutput().count("\"event\":\"ack\"");
    }
    QCOMPARE(acked, 2 * kCommitsEach);
    const Json disk = open.bundle.readManifest();
    QCOMPARE(disk.at("counter").get<qint64>(), acked); // every acknowledged increment, once
    for (int i = 1; i <= 50; ++i) {
        const std::string id = "T-" + std::to_string(i);
        QCOMPARE(text(taskOf(disk, id.c_str()).at("title")),
                 QString::fromStdString("mine " + std::to_string(i)));
    }
}

void tst_Conflicts::anOverwriteIsToldAndCanBeReapplied()
{
    Open open;
    QTRY_VERIFY(open.isLive());
    const qint64 start = open.shown();
    // A writer that takes no lock (as ADE's service) reads the run now and writes later.
    QProcess stale;
    stale.start(QStringLiteral(RUNBOARD_TESTWRITER),
                {QStringLiteral("stale"), open.bundle.bundlePath(), QStringLiteral("--title"),
                 QStringLiteral("Theirs")});
    QVERIFY(stale.waitForReadyRead(kProcessTimeoutMs));
    QVERIFY(stale.readLine().contains("\"event\":\"read\""));

    // The person's change is committed …
    QVERIFY(open.controller()->apply(titleChange(open.view()->snapshot(), "T-3", "Ours")));
    QVERIFY(open.showsGeneration(start + 1));
    QTRY_VERIFY(!open.controller()->isBusy());
    // … and replaced by the stale writer's version, built on the one before it.
    stale.write("go\n");
    QVERIFY(stale.waitForFinished(kProcessTimeoutMs));
    QCOMPARE(stale.exitCode(), 0);

    const PendingConflict *conflict = waitForConflict(open);
    QVERIFY(conflict);
    QCOMPARE(conflict->origin, PendingConflict::Origin::Overwritten);
    MessageBar *bar = open.view()->conflictBar();
    QTRY_VERIFY(!bar->isHidden());
    QVERIFY2(bar->text().contains(QStringLiteral("was overwritten by another writer that had not "
                                                 "seen it")),
             qPrintable(bar->text()));
    QVERIFY(bar->text().contains(QStringLiteral("T-3 title → Ours")));
    Json disk = open.bundle.readManifest();
    QCOMPARE(text(disk.at("title")), QStringLiteral("Theirs"));
    QCOMPARE(text(taskOf(disk, "T-3").at("title")), QStringLiteral("End-to-end check"));

    // Re-apply: through the verdict (clean: they changed the run's title only).
    QVERIFY(conflict->verdict.isClean());
    open.editor()->applyConflictAction()->trigger();
    QVERIFY(open.showsGeneration(start + 2));
    disk = open.bundle.readManifest();
    QCOMPARE(text(disk.at("title")), QStringLiteral("Theirs"));
    QCOMPARE(text(taskOf(disk, "T-3").at("title")), QStringLiteral("Ours"));
    QTRY_VERIFY(open.controller()->conflicts().isEmpty());
}

QTEST_MAIN(tst_Conflicts)
#include "tst_conflicts.moc"
