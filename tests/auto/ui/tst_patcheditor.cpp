// SPDX-License-Identifier: MIT
//
// PatchEditor on a live run: where it says a patch is wrong (line, column, operation, path) for
// a table of broken patches, which pointers it offers as completions, saving and loading patch
// files, and telling the person when the run moved on since the patch's base.

#include "changecontroller.h"
#include "dialoganswers.h"
#include "editsettings.h"
#include "messagebar.h"
#include "patcheditor.h"
#include "runview.h"
#include "servicehost.h"
#include "tempbundle.h"
#include "testpaths.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCompleter>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace runboard;
using namespace runboard::test;

namespace {

// A RunView and a PatchEditor on a copy of the ADE fixture.
struct Editing
{
    Editing() : bundle(TempBundle::copyOfWorktree(adeFixtureWorktree()))
    {
        run = host.open(ManifestStore::locate(bundle.bundlePath()).value());
        view.setRun(run);
        controller.setRun(run);
    }
    bool isLive() const { return !view.snapshot().isNull() && view.isEditingAllowed(); }

    TempBundle bundle;
    ServiceHost host;
    RunHandle *run = nullptr;
    RunView view;
    ChangeController controller;
};

// Sets the text and waits for the editor to have checked it.
QStringList problemsOf(PatchEditor &editor, const QString &text)
{
    QSignalSpy validated(&editor, &PatchEditor::validated);
    editor.setText(text);
    if (!validated.wait(10000))
        return {QStringLiteral("(not validated)")};
    return editor.problems();
}

} // namespace

class tst_PatchEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void saysWhatIsWrongAndWhere_data();
    void saysWhatIsWrongAndWhere();
    void aGoodPatchShowsItsEffect();
    void completesTheManifestsRealPointers_data();
    void completesTheManifestsRealPointers();
    void completionInsertsThePointer();
    void savesAndLoadsPatchFiles();
    void aMissingOrHugeFileIsAClearError();
    void anUntouchedPatchFollowsTheRun();
    void saysWhenTheBaseIsNoLongerTheNewest();
    void appliesOnItsBaseAndKeepsItsText();

private:
    QTemporaryDir m_settingsDir;
};

void tst_PatchEditor::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("RunboardTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_patcheditor"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void tst_PatchEditor::init()
{
    QSettings().clear();
    EditSettings::setSessionName(QStringLiteral("user:ana@box"));
    DialogAnswers::clear();
}

void tst_PatchEditor::saysWhatIsWrongAndWhere_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("problem"); // the start of the first problem

    QTest::newRow("not JSON") << QStringLiteral("[\n  {\"op\": }\n]")
                              << QStringLiteral("Not JSON: line 2, column 10");
    QTest::newRow("unterminated string")
        << QStringLiteral("[\n  {\"op\": \"add, \"path\": \"/x\"}\n]")
        << QStringLiteral("Not JSON: line 2");
    QTest::newRow("not an array") << QStringLiteral("{\"op\": \"add\"}")
                                  << QStringLiteral("Not a JSON Patch");
    QTest::newRow("unknown op, second operation")
        << QStringLiteral(
               "[\n  {\"op\": \"test\", \"path\": \"/title\", \"value\": \"Login form\"},\n"
               "  {\"op\": \"frob\", \"path\": \"/title\"}\n]")
        << QStringLiteral("line 3, column 3: Not a JSON Patch");
    QTest::newRow("missing value")
        << QStringLiteral("[{\"op\": \"replace\", \"path\": \"/title\"}]")
        << QStringLiteral("line 1, column 2: Not a JSON Patch");
    QTest::newRow("unknown task") << QStringLiteral(
        "[\n  {\"op\": \"replace\", \"path\": \"/tasks/{id:T-9}/status\", "
        "\"value\": \"done\"}\n]")
                                  << QStringLiteral("line 2, column 3: invalid_patch: operation 0");
    QTest::newRow("unknown member in the path")
        << QStringLiteral("[\n\n  {\"op\": \"remove\", \"path\": \"/tasks/{id:T-1}/nope/x\"}\n]")
        << QStringLiteral("line 3, column 3: invalid_patch");
    QTest::newRow("failed test") << QStringLiteral(
        "[{\"op\": \"test\", \"path\": \"/title\", \"value\": \"Other\"}]")
                                 << QStringLiteral("line 1, column 2: invalid_patch");
    QTest::newRow("refused by the policy")
        << QStringLiteral("[{\"op\": \"replace\", \"path\": \"/etag\", \"value\": \"g9-x\"}]")
        << QStringLiteral("line 1, column 2: policy_denied");
    QTest::newRow("numeric index") << QStringLiteral(
        "[{\"op\": \"replace\", \"path\": \"/tasks/0/status\", \"value\": \"done\"}]")
                                   << QStringLiteral("line 1, column 2: policy_denied");
    QTest::newRow("done past the gate")
        << QStringLiteral("[{\"op\": \"replace\", \"path\": \"/tasks/{id:T-1}/status\", "
                          "\"value\": \"done\"}]")
        << QStringLiteral("line 1, column 2: validation_failed");
    QTest::newRow("an invalid run") << QStringLiteral(
        "[{\"op\": \"replace\", \"path\": \"/currentPhase\", \"value\": \"lunch\"}]")
                                    << QStringLiteral("validation_failed");
}

void tst_PatchEditor::saysWhatIsWrongAndWhere()
{
    QFETCH(QString, text);
    QFETCH(QString, problem);
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    const QStringList problems = problemsOf(editor, text);
    QVERIFY(!problems.isEmpty());
    QVERIFY2(problems.constFirst().startsWith(problem) || problems.constFirst().contains(problem),
             qPrintable(problems.join(QLatin1Char('\n'))));
    // The place is marked in the text and the problem leads there.
    if (problem.startsWith(QLatin1String("line"))) {
        QVERIFY(!editor.textEdit()->extraSelections().isEmpty());
        QVERIFY(editor.problemsView()->item(0)->data(Qt::UserRole).isValid());
    }
}

void tst_PatchEditor::aGoodPatchShowsItsEffect()
{
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    const QStringList problems = problemsOf(
        editor, QStringLiteral("[{\"op\": \"replace\", \"path\": \"/tasks/{id:T-2}/status\", "
                               "\"value\": \"in_progress\"}]"));
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.constFirst().startsWith(QStringLiteral("No problems: 1 operation")),
             qPrintable(problems.constFirst()));
    QVERIFY(editor.isValid());
    QVERIFY2(editor.effect().join(QLatin1Char('\n')).contains(QStringLiteral("T-2")),
             qPrintable(editor.effect().join(QLatin1Char('\n'))));
    QVERIFY(editor.applyAction()->isEnabled());
}

void tst_PatchEditor::completesTheManifestsRealPointers_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QStringList>("offered");
    QTest::newRow("top level") << QStringLiteral("/ta")
                               << QStringList{QStringLiteral("/tasks"), QStringLiteral("/title")};
    QTest::newRow("tasks by id") << QStringLiteral("/tasks/")
                                 << QStringList{QStringLiteral("/tasks/{id:T-1}"),
                                                QStringLiteral("/tasks/{id:T-2}"),
                                                QStringLiteral("/tasks/{id:T-3}"),
                                                QStringLiteral("/tasks/-")};
    QTest::newRow("agents by session")
        << QStringLiteral("/agents/{")
        << QStringList{QStringLiteral("/agents/{sessionId:S-lead}"),
                       QStringLiteral("/agents/{sessionId:S-worker-1}")};
    QTest::newRow("a task's members")
        << QStringLiteral("/tasks/{id:T-1}/st")
        << QStringList{QStringLiteral("/tasks/{id:T-1}/status"),
                       QStringLiteral("/tasks/{id:T-1}/validationGate")};
    QTest::newRow("positional array") << QStringLiteral("/tasks/{id:T-1}/filesHint/")
                                      << QStringList{QStringLiteral("/tasks/{id:T-1}/filesHint/0")};
}

void tst_PatchEditor::completesTheManifestsRealPointers()
{
    QFETCH(QString, prefix);
    QFETCH(QStringList, offered);
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    const QStringList completions = editor.completionsFor(prefix);
    for (const QString &pointer : offered)
        QVERIFY2(completions.contains(pointer),
                 qPrintable(pointer + QStringLiteral(" not in ") + completions.join(u' ')));
    QVERIFY(editor.completionsFor(QStringLiteral("/nope/")).isEmpty());
}

void tst_PatchEditor::completionInsertsThePointer()
{
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    editor.show();
    editor.setText(QStringLiteral("[{\"op\": \"remove\", \"path\": \"/tasks/{id:T-2"));
    QTextCursor cursor = editor.textEdit()->textCursor();
    cursor.movePosition(QTextCursor::End);
    editor.textEdit()->setTextCursor(cursor);
    editor.complete();
    QCompleter *completer = editor.completer();
    QVERIFY(completer->popup()->isVisible());
    QCOMPARE(completer->currentCompletion(), QStringLiteral("/tasks/{id:T-2}"));
    QTest::keyClick(completer->popup(), Qt::Key_Return);
    QVERIFY(editor.text().endsWith(QStringLiteral("\"/tasks/{id:T-2}")));
}

void tst_PatchEditor::savesAndLoadsPatchFiles()
{
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    const QString text = QStringLiteral(
        "[\n  {\"op\": \"replace\", \"path\": \"/title\", \"value\": \"Ünïcode ✓\"}\n]\n");
    editor.setText(text);
    QVERIFY(editor.isModified());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("change.json"));
    QVERIFY(editor.saveTo(path).isOk());
    QVERIFY(!editor.isModified());
    QCOMPARE(editor.filePath(), path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), text);

    PatchEditor other(&editing.view, &editing.controller);
    QSignalSpy validated(&other, &PatchEditor::validated);
    QVERIFY(other.loadFrom(path).isOk());
    QCOMPARE(other.text(), text);
    QVERIFY(!other.isModified());
    QTRY_VERIFY(other.isValid());
}

void tst_PatchEditor::aMissingOrHugeFileIsAClearError()
{
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    editor.setText(QStringLiteral("[]"));
    QTemporaryDir dir;
    const Result<void> missing = editor.loadFrom(dir.filePath(QStringLiteral("nope.json")));
    QVERIFY(!missing.isOk());
    QVERIFY(missing.error().message.contains(QStringLiteral("nope.json")));
    QCOMPARE(editor.text(), QStringLiteral("[]"));
    const Result<void> unwritable
        = editor.saveTo(dir.filePath(QStringLiteral("no/such/dir/x.json")));
    QVERIFY(!unwritable.isOk());
    QVERIFY(unwritable.error().message.contains(QStringLiteral("x.json")));
}

void tst_PatchEditor::anUntouchedPatchFollowsTheRun()
{
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    QTRY_VERIFY(editor.isValid()); // the empty patch, checked
    Json changed = editing.bundle.readManifest();
    changed["tasks"][1]["title"] = "Followed";
    changed["serverGeneration"] = 7;
    changed["etag"] = "g7-0000beef";
    editing.bundle.writeManifest(changed);
    QTRY_COMPARE(editor.base().etag(), QStringLiteral("g7-0000beef"));
    QVERIFY(editor.baseBar()->isHidden());
    // The empty patch is not checked again on every version and still stands checked; what is
    // typed next is checked on the version the editor followed (the title is only there).
    QVERIFY(editor.isValid());
    QVERIFY(editor.effect().isEmpty());
    const QStringList problems = problemsOf(
        editor, QStringLiteral("[{\"op\": \"test\", \"path\": \"/tasks/{id:T-2}/title\", "
                               "\"value\": \"Followed\"}, {\"op\": \"replace\", \"path\": "
                               "\"/tasks/{id:T-2}/status\", \"value\": \"in_progress\"}]"));
    QVERIFY2(!problems.isEmpty() && problems.constFirst().startsWith(QStringLiteral("No problems")),
             qPrintable(problems.join(QLatin1Char('\n'))));
}

void tst_PatchEditor::saysWhenTheBaseIsNoLongerTheNewest()
{
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    const Snapshot base = editor.base();
    QCOMPARE(base.etag(), editing.view.snapshot().etag());
    QVERIFY(editor.baseBar()->isHidden());
    QVERIFY(!editor.isStarted());
    // The person starts writing: from now on the base stays what was on screen.
    editor.setText(QStringLiteral("[{\"op\": \"remove\", \"path\": \"/tasks/{id:T-3}\"}]"));
    QVERIFY(editor.isStarted());

    // Another writer changes the run: the editor says so, and what changed.
    Json changed = editing.bundle.readManifest();
    changed["tasks"][1]["status"] = "claimed";
    changed["serverGeneration"] = 7;
    changed["etag"] = "g7-0000beef";
    editing.bundle.writeManifest(changed);
    QTRY_VERIFY(!editor.baseBar()->isHidden());
    QTRY_VERIFY2(editor.baseBar()->text().contains(QStringLiteral("T-2")),
                 qPrintable(editor.baseBar()->text()));
    QCOMPARE(editor.base().etag(), base.etag()); // never swapped silently

    editor.rebaseAction()->trigger();
    QCOMPARE(editor.base().etag(), QStringLiteral("g7-0000beef"));
    QVERIFY(editor.baseBar()->isHidden());
}

void tst_PatchEditor::appliesOnItsBaseAndKeepsItsText()
{
    Editing editing;
    QTRY_VERIFY(editing.isLive());
    PatchEditor editor(&editing.view, &editing.controller);
    const QString text = QStringLiteral(
        "[{\"op\": \"replace\", \"path\": \"/tasks/{id:T-3}/title\", \"value\": \"Checked\"}]");
    problemsOf(editor, text);
    QVERIFY(editor.applyAction()->isEnabled());
    editor.applyAction()->trigger();
    QTRY_VERIFY(editing.bundle.readManifest().at("tasks").at(2).at("title") == Json("Checked"));
    QTRY_COMPARE(editor.base().serverGeneration(), qint64(7));
    QCOMPARE(editor.text(), text);
    // Applied once; the same text is not sent twice.
    QVERIFY(!editor.applyAction()->isEnabled());
}

QTEST_MAIN(tst_PatchEditor)
#include "tst_patcheditor.moc"
