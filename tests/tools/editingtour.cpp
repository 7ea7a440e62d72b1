// SPDX-License-Identifier: MIT
//
// runboard-editing-tour: the pictures of changing a run from the window, for docs/screenshots.
//
// It does what a person does, on a copy of the run ADE wrote (tests/data/ade-worktree): selects
// a task and opens the Edit menu, asks for a status change and looks at its preview, writes a
// broken patch in the patch editor, and meets a conflict with another writer, once clean and
// once on the same value. Each step is saved as the window (with its open menu or dialog drawn
// where it sits), so the pictures show the real widgets with real data. The other writer is a
// second ManifestStore committing as the lead: a writer with its own lock and cache, as another
// process would be.
//
//   runboard-editing-tour OUTDIR      (scripts/screenshots runs it under xvfb-run)
//
// Waits are for conditions (QTest::qWaitFor), never fixed times, except the short pause that
// lets a widget paint before it is grabbed.
// Thread: main thread.

#include "changecontroller.h"
#include "conflictdialog.h"
#include "editsettings.h"
#include "guidedactions.h"
#include "mainwindow.h"
#include "manifeststore.h"
#include "patcheditor.h"
#include "previewdialog.h"
#include "runeditor.h"
#include "runview.h"
#include "servicehost.h"

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <cstdio>

namespace {

using namespace runboard;

constexpr int kTimeoutMs = 20000;

bool copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = to + source.mid(from.size());
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (!QFile::copy(source, target))
            return false;
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup);
    }
    return true;
}

class Tour
{
public:
    Tour(QString out, QString bundle) : m_out(std::move(out)), m_bundle(std::move(bundle)) {}

    int run()
    {
        m_window.resize(1280, 800);
        m_window.show();
        m_window.openPath(m_bundle);
        if (!wait([this] { return !view()->snapshot().isNull() && view()->isEditingAllowed(); }))
            return fail("the run did not open");

        // The Edit menu, on a task the policy lets the person change in some ways only.
        view()->showTab(RunView::TasksTab);
        view()->selectTask(QStringLiteral("T-1"));
        QMenu *edit = editMenu();
        edit->popup(m_window.mapToGlobal(QPoint(60, m_window.menuBar()->height())));
        settle();
        actions()->statusMenu()->popup(edit->mapToGlobal(
            edit->actionGeometry(actions()->statusMenu()->menuAction()).topRight()));
        settle();
        save("edit-menu", {edit, actions()->statusMenu()});
        actions()->statusMenu()->hide();
        edit->hide();

        // A guided change and its preview, JSON unfolded.
        view()->selectTask(QStringLiteral("T-2"));
        actions()->statusAction(QStringLiteral("in_progress"))->trigger();
        PreviewDialog *preview = nullptr;
        if (!wait([&] {
                return (preview = m_window.findChild<PreviewDialog *>()) != nullptr
                       && preview->preview().has_value();
            }))
            return fail("no preview");
        preview->jsonToggle()->setChecked(true);
        settle();
        save("edit-preview", {preview});
        preview->reject();

        // The patch editor with a patch that names a task the run does not have.
        runEditor()->patchEditorAction()->trigger();
        PatchEditor *editor = runEditor()->patchEditor();
        editor->newPatch();
        editor->setText(QStringLiteral(
            "[\n  {\"op\": \"add\", \"path\": \"/tasks/{id:T-2}/priority\", \"value\": \"high\"},\n"
            "  {\"op\": \"replace\", \"path\": \"/tasks/{id:T-9}/status\", \"value\": "
            "\"done\"}\n]\n"));
        if (!wait([editor] {
                return editor->problems().join(QString()).contains(QStringLiteral("T-9"));
            }))
            return fail(qPrintable(QStringLiteral("the editor did not say what is wrong: ")
                                   + editor->problems().join(QLatin1Char('\n'))));
        QTextCursor cursor = editor->textEdit()->textCursor();
        cursor.setPosition(64);
        editor->textEdit()->setTextCursor(cursor);
        settle();
        save("patch-editor", {});
        editor->setText(QStringLiteral("[\n]\n"));
        runEditor()->patchEditorDock()->hide();

        // A conflict that applies cleanly: the other writer changed another task.
        EditSettings::setAutoRebase(false);
        Snapshot seen = view()->snapshot();
        if (!otherWriter(R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"claimed"},
                             {"op":"add","path":"/tasks/{id:T-2}/assigneeSessionId","value":"S-worker-1"}])"))
            return fail("the other writer could not commit");
        if (!wait([&] { return view()->snapshot().serverGeneration() > seen.serverGeneration(); }))
            return fail("the other writer's version was not shown");
        controller()->apply(titleChange(seen, "Check it in two browsers"));
        if (!wait(
                [this] { return !controller()->conflicts().isEmpty() && !controller()->isBusy(); }))
            return fail("no conflict");
        view()->showTab(RunView::TasksTab);
        view()->selectTask(QStringLiteral("T-3"));
        settle();
        save("conflict-bar", {});
        ConflictDialog *dialog
            = runEditor()->openConflictDialog(controller()->conflicts().constFirst().id);
        settle();
        save("conflict-clean", {dialog});
        dialog->reject();
        controller()->discardConflict(controller()->conflicts().constFirst().id);

        // A conflict on the same value: base, theirs and yours side by side.
        seen = view()->snapshot();
        if (!otherWriter(
                R"([{"op":"replace","path":"/tasks/{id:T-3}/title","value":"End-to-end check, Firefox only"}])"))
            return fail("the other writer could not commit");
        if (!wait([&] { return view()->snapshot().serverGeneration() > seen.serverGeneration(); }))
            return fail("the other writer's version was not shown");
        controller()->apply(titleChange(seen, "Check it in two browsers"));
        if (!wait(
                [this] { return !controller()->conflicts().isEmpty() && !controller()->isBusy(); }))
            return fail("no conflict");
        dialog = runEditor()->openConflictDialog(controller()->conflicts().constFirst().id);
        settle();
        save("conflict-conflicting", {dialog});
        dialog->reject();
        return m_failed ? 1 : 0;
    }

private:
    RunView *view() const { return m_window.runView(); }
    RunEditor *runEditor() const { return m_window.runEditor(); }
    GuidedActions *actions() const { return runEditor()->actions(); }
    ChangeController *controller() const { return runEditor()->controller(); }

    QMenu *editMenu() const
    {
        for (QAction *action : m_window.menuBar()->actions()) {
            if (action->menu() && action->text() == QStringLiteral("&Edit"))
                return action->menu();
        }
        return nullptr;
    }

    static Change titleChange(const Snapshot &seen, const char *title)
    {
        return Change::on(
            seen, QStringLiteral("Rename T-3"),
            QStringLiteral("T-3 title → %1").arg(QLatin1String(title)),
            Json::array(
                {{{"op", "replace"}, {"path", "/tasks/{id:T-3}/title"}, {"value", title}}}));
    }

    bool otherWriter(const char *ops)
    {
        ManifestStore store(ManifestStore::locate(m_bundle).value());
        const Result<ManifestStore::Loaded> loaded = store.load();
        if (!loaded.isOk())
            return false;
        ManifestStore::PatchRequest request;
        request.ifMatchEtag
            = QString::fromStdString(loaded->document->at("etag").get<std::string>());
        request.operations = Json::parse(ops);
        request.actor = Actor{ActorRole::Lead, QStringLiteral("S-lead")};
        return store.commit(request).isOk();
    }

    static bool wait(const std::function<bool()> &condition)
    {
        return QTest::qWaitFor(condition, kTimeoutMs);
    }

    // Lets layouts and paints of what was just shown happen before a grab.
    static void settle() { QTest::qWait(150); }

    // The window, with the given top-level widgets (menus, dialogs) drawn where they are.
    void save(const char *name, const QList<QWidget *> &onTop)
    {
        QPixmap picture = m_window.grab();
        QPainter painter(&picture);
        for (QWidget *widget : onTop) {
            QPoint at = m_window.mapFromGlobal(widget->mapToGlobal(QPoint(0, 0)));
            if (widget->isWindow() && qobject_cast<QDialog *>(widget)) {
                // Window managers centre dialogs over their parent; offscreen ones may not.
                at = QPoint((picture.width() / picture.devicePixelRatio() - widget->width()) / 2,
                            (picture.height() / picture.devicePixelRatio() - widget->height()) / 3);
            }
            const QPixmap shown = widget->grab();
            painter.drawPixmap(at, shown);
            // A thin frame where a window manager would draw one.
            painter.setPen(m_window.palette().color(QPalette::Mid));
            painter.drawRect(
                QRect(at, shown.deviceIndependentSize().toSize()).adjusted(-1, -1, 0, 0));
        }
        painter.end();
        const QString file
            = m_out + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png");
        if (!picture.save(file)) {
            std::fprintf(stderr, "runboard-editing-tour: could not write %s\n", qPrintable(file));
            m_failed = true;
            return;
        }
        std::printf("runboard-editing-tour: wrote %s\n", qPrintable(file));
    }

    int fail(const char *what)
    {
        std::fprintf(stderr, "runboard-editing-tour: %s\n", what);
        return 1;
    }

    QString m_out;
    QString m_bundle;
    MainWindow m_window;
    bool m_failed = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("RunboardTour"));
    QApplication::setApplicationName(QStringLiteral("runboard-editing-tour"));
    const QStringList arguments = QApplication::arguments();
    if (arguments.size() != 2) {
        std::fprintf(stderr, "usage: runboard-editing-tour OUTDIR\n");
        return 2;
    }
    QTemporaryDir scratch;
    const QString worktree = scratch.path() + QStringLiteral("/worktree");
    if (!scratch.isValid() || !copyTree(QStringLiteral(RUNBOARD_TOUR_WORKTREE), worktree)) {
        std::fprintf(stderr, "runboard-editing-tour: could not copy the sample run\n");
        return 1;
    }
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, scratch.path());
    runboard::EditSettings::setSessionName(QStringLiteral("user:ana@box"));
    QDir().mkpath(arguments.at(1));
    const QString bundle = worktree + QStringLiteral("/.ade/orchestration/R-20261124105356-945f51");
    return Tour(arguments.at(1), bundle).run();
}
