// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"
#include "patchpreview.h"
#include "snapshot.h"

#include <QFutureWatcher>
#include <QWidget>

#include <optional>

class QAction;
class QCompleter;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QStringListModel;
class QTimer;
class QToolBar;

namespace runboard {

class ChangeController;
class JsonHighlighter;
class MessageBar;
class RunView;
struct Change;

// The patch editor: a JSON Patch as text, made against one version of the run (its base, the
// version on screen when the patch was started), checked as it is typed and applied with the
// base's etag. It says what is wrong and where (line and column, operation, path), offers the
// manifest's real pointers as completions (Ctrl+Space, and after "/" in a path), shows the
// effect in words, opens and saves patch files, and says when the run has moved on since its
// base and what changed. Its text is never thrown away by a failure or by the run's state.
// Lives in a dock of the main window. GUI thread.
class PatchEditor : public QWidget
{
    Q_OBJECT

public:
    PatchEditor(RunView *view, ChangeController *controller, QWidget *parent = nullptr);
    ~PatchEditor() override;

    // A remark on one operation, shown in the problems list (e.g. "conflicts with theirs").
    struct Note
    {
        std::size_t opIndex = 0;
        QString text;
    };
    // Shows `operations` as text on `base` (its etag becomes the ifMatch). Asks first when the
    // text was changed and not saved.
    // `conflictId`: the waiting conflict this patch resolves once it is applied (0: none).
    void openPatch(const Json &operations, const Snapshot &base,
                   const QList<Note> &notes = QList<Note>(), quint64 conflictId = 0);
    // An empty patch on the version on screen.
    void newPatch();
    // Another run (or none) is on screen: the text stays, its base becomes that run's first
    // version on screen.
    void forgetBase();

    Snapshot base() const { return m_base; }
    QString text() const;
    void setText(const QString &text); // as if typed
    QString filePath() const { return m_filePath; }
    bool isModified() const;
    // Whether the patch was started: typed into, opened, or loaded. Until then its base follows
    // the version on screen.
    bool isStarted() const;

    // The problems found in the text, in words with their place ("line 3, column 5: …"), or
    // one line saying there are none; and the effect in words. Current after validated().
    QStringList problems() const;
    QStringList effect() const;
    bool isValid() const; // parses, is a JSON Patch, and applies on the base
    // Pointers one level below `prefix`'s parent in the base version, as completions of it.
    QStringList completionsFor(const QString &prefix) const;

    Result<void> saveTo(const QString &path);
    Result<void> loadFrom(const QString &path);

    QPlainTextEdit *textEdit() const { return m_text; }
    QListWidget *problemsView() const { return m_problems; }
    QCompleter *completer() const { return m_completer; }
    QAction *applyAction() const { return m_apply; }
    QAction *newAction() const { return m_new; }
    QAction *openAction() const { return m_open; }
    QAction *saveAction() const { return m_save; }
    QAction *saveAsAction() const { return m_saveAs; }
    QAction *rebaseAction() const { return m_rebase; }
    MessageBar *baseBar() const { return m_baseBar; }

    // Offers completions at the cursor now (what Ctrl+Space does).
    void complete();

Q_SIGNALS:
    // The text was checked (and, when it parses, its effect worked out).
    void validated();
    // The patch opened for a waiting conflict was applied: that conflict is resolved.
    void conflictResolved(quint64 conflictId);

private:
    struct Position
    {
        int offset = 0;
        int line = 1;
        int column = 1;
    };
    Position positionOf(int offset) const;
    std::optional<Position> positionOfOperation(std::size_t index) const;
    void scheduleValidation();
    void validate();
    void onPreviewReady();
    void showProblems(QList<QPair<QString, int>> problems);
    void updateBase();
    void updateActions();
    void apply();
    void chooseFileToOpen();
    void chooseFileToSave();
    void save();
    void useNewestBase();
    void onChangeApplied(const Change &change, const Snapshot &result);
    void insertCompletion(const QString &completion);
    void confirmDiscard(const QString &what, const std::function<void()> &then);

    RunView *m_view;
    ChangeController *m_controller;
    Snapshot m_base;
    QString m_filePath;
    QString m_appliedText;            // the text as last applied; Apply waits for an edit after it
    QList<Note> m_notes;              // remarks on operations, from a conflict
    quint64 m_conflictId = 0;         // the conflict the text resolves, if it came from one
    bool m_started = false;           // see isStarted()
    std::optional<Json> m_operations; // the text as a JSON Patch, when it is one
    std::optional<PatchPreview> m_preview;
    quint64 m_validation = 0; // bumps with every check; late previews are dropped
    QFutureWatcher<PatchPreview> *m_previewWatcher = nullptr;
    QFutureWatcher<QStringList> *m_newsWatcher = nullptr;

    QToolBar *m_toolBar = nullptr;
    MessageBar *m_baseBar = nullptr;
    QLabel *m_baseLabel = nullptr;
    QPlainTextEdit *m_text = nullptr;
    JsonHighlighter *m_highlighter = nullptr;
    QListWidget *m_problems = nullptr;
    QPlainTextEdit *m_effect = nullptr;
    QCompleter *m_completer = nullptr;
    QStringListModel *m_completions = nullptr;
    QTimer *m_validateTimer = nullptr;
    QAction *m_apply = nullptr;
    QAction *m_new = nullptr;
    QAction *m_open = nullptr;
    QAction *m_save = nullptr;
    QAction *m_saveAs = nullptr;
    QAction *m_rebase = nullptr;
    int m_completionStart = -1; // where the pointer being completed starts in the document
};

} // namespace runboard
