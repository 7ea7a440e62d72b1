// SPDX-License-Identifier: MIT
//
// PatchEditor: a JSON Patch typed by hand, checked as it is typed, applied with its base's etag.
//
// Design considerations
// - The base is the version on screen when the patch was started (DESIGN.md §8); Apply sends
//   its etag. When the run moves on, the editor says so and what changed (in words, worked out
//   in a worker), and offers to take the newest version as the base: an explicit choice, never
//   a silent swap.
// - Checking has three steps, each saying where: the text as JSON (the reader's line and
//   column), the JSON as a patch (the operation's index, mapped back to its line and column by
//   a scan of the top-level array), and the patch on the base (PatchPreview, in a worker: the
//   commit's own checks, so an unknown path or a refused change is named with its operation).
//   A check started on older text or an older base is dropped when it finishes.
// - Completion offers the base's real pointers one level at a time, with id predicates for
//   keyed arrays, so a 10,000-task run offers its tasks without listing every leaf.
// - Nothing loses the person's text: a failed apply, a conflict or the run being suspended
//   leave it as it is; opening a file or a new patch over unsaved text asks first; files are
//   written with QSaveFile.
// Thread: GUI thread; previews and words are computed in QtConcurrent on shared documents.

#include "patcheditor.h"
#include "plaintext.h"

#include "changecontroller.h"
#include "changewords.h"
#include "dialoganswers.h"
#include "editdialogs.h"
#include "editsettings.h"
#include "jsondiff.h"
#include "jsonhighlighter.h"
#include "jsonpatch.h"
#include "jsonpointer.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "messagebar.h"
#include "runview.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCompleter>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStringListModel>
#include <QTextBlock>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace runboard {

namespace {

constexpr int kValidateDelayMs = 150;
constexpr int kMaxCompletions = 5000;
constexpr qint64 kMaxPatchFileBytes = 16 * 1024 * 1024;

// Where each element of the top-level array starts (character offsets), found by a scan that
// knows strings and nesting; stops quietly at anything that is not an array.
QList<int> elementOffsets(QStringView text)
{
    QList<int> offsets;
    int depth = 0;
    bool expectElement = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isSpace())
            continue;
        if (expectElement && c != QLatin1Char(']')) {
            offsets << i;
            expectElement = false;
        }
        if (c == QLatin1Char('"')) {
            for (++i; i < text.size() && text.at(i) != QLatin1Char('"'); ++i) {
                if (text.at(i) == QLatin1Char('\\'))
                    ++i;
            }
        } else if (c == QLatin1Char('[') || c == QLatin1Char('{')) {
            if (depth == 0 && c == QLatin1Char('['))
                expectElement = true;
            ++depth;
        } else if (c == QLatin1Char(']') || c == QLatin1Char('}')) {
            --depth;
            expectElement = false;
        } else if (c == QLatin1Char(',') && depth == 1) {
            expectElement = true;
        } else if (depth == 0) {
            break;
        }
    }
    return offsets;
}

// The etags `theirs` has in its history and `base` does not, with the words for what changed.
QStringList describeNews(const std::shared_ptr<const Json> &base,
                         const std::shared_ptr<const Json> &newest)
{
    return ChangeWords::sentences(ChangeWords::describe(*base, *newest));
}

QString errorDetail(const Error &error, const char *key)
{
    const auto it = error.details.find(key);
    return it != error.details.end() && it->is_string()
               ? QString::fromStdString(it->get<std::string>())
               : QString();
}

// The text box: while the completion popup is open, the keys that choose or close it are the
// popup's (QCompleter hands every key to the editor first and only acts on the ones it refuses).
class PatchTextEdit : public QPlainTextEdit
{
public:
    using QPlainTextEdit::QPlainTextEdit;
    QCompleter *completer = nullptr;
    std::function<void()> offerCompletions; // after "/" or "{", and while the popup is open

protected:
    void keyPressEvent(QKeyEvent *event) override
    {
        if (completer && completer->popup()->isVisible()) {
            switch (event->key()) {
            case Qt::Key_Enter:
            case Qt::Key_Return:
            case Qt::Key_Tab:
            case Qt::Key_Backtab:
            case Qt::Key_Escape:
                event->ignore();
                return;
            default:
                break;
            }
        }
        const bool popupOpen = completer && completer->popup()->isVisible();
        QPlainTextEdit::keyPressEvent(event);
        const QString typed = event->text();
        if (offerCompletions
            && (typed == QLatin1String("/") || typed == QLatin1String("{")
                || (popupOpen && (!typed.isEmpty() || event->key() == Qt::Key_Backspace))))
            offerCompletions();
    }
};

} // namespace

PatchEditor::PatchEditor(RunView *view, ChangeController *controller, QWidget *parent)
    : QWidget(parent), m_view(view), m_controller(controller)
{
    setObjectName(QStringLiteral("patchEditor"));
    setAccessibleName(tr("Patch editor"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    m_toolBar = new QToolBar(tr("Patch"), this);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_new = m_toolBar->addAction(tr("&New"), this, &PatchEditor::newPatch);
    m_new->setToolTip(tr("Start an empty patch on the version on screen"));
    m_open = m_toolBar->addAction(tr("&Open…"), this, &PatchEditor::chooseFileToOpen);
    m_open->setToolTip(tr("Open a patch file (a JSON array of operations)"));
    m_save = m_toolBar->addAction(tr("&Save"), this, &PatchEditor::save);
    m_save->setToolTip(tr("Save the patch to its file"));
    m_saveAs = m_toolBar->addAction(tr("Save &As…"), this, &PatchEditor::chooseFileToSave);
    m_saveAs->setToolTip(tr("Save the patch to a file of your choice"));
    m_toolBar->addSeparator();
    m_apply = m_toolBar->addAction(tr("&Apply"), this, &PatchEditor::apply);
    m_apply->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_apply->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_apply->setToolTip(tr("Apply the patch to the run, on its base version (Ctrl+Return)"));
    m_new->setObjectName(QStringLiteral("patchEditor_new"));
    m_open->setObjectName(QStringLiteral("patchEditor_open"));
    m_save->setObjectName(QStringLiteral("patchEditor_save"));
    m_saveAs->setObjectName(QStringLiteral("patchEditor_saveAs"));
    m_apply->setObjectName(QStringLiteral("patchEditor_apply"));
    layout->addWidget(m_toolBar);

    m_baseLabel = new QLabel(this);
    m_baseLabel->setTextFormat(Qt::PlainText);
    m_baseLabel->setWordWrap(true);
    m_baseLabel->setAccessibleName(tr("Patch base"));
    layout->addWidget(m_baseLabel);
    m_baseBar = new MessageBar(this);
    m_baseBar->setObjectName(QStringLiteral("patchBaseBar"));
    m_baseBar->setAccessibleName(tr("The run moved on since the patch's base"));
    layout->addWidget(m_baseBar);
    m_rebase = new QAction(tr("Use the &Newest Version as Base"), this);
    m_rebase->setObjectName(QStringLiteral("patchEditor_rebase"));
    m_rebase->setToolTip(tr("Make the version on screen this patch's base: Apply then only "
                            "succeeds on it"));
    connect(m_rebase, &QAction::triggered, this, &PatchEditor::useNewestBase);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    auto *text = new PatchTextEdit(splitter);
    m_text = text;
    m_text->setObjectName(QStringLiteral("patchText"));
    m_text->setAccessibleName(tr("Patch text (JSON)"));
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setTabChangesFocus(false);
    m_text->setPlaceholderText(tr("[\n  {\"op\": \"replace\", \"path\": "
                                  "\"/tasks/{id:T-1}/status\", \"value\": \"done\"}\n]"));
    m_highlighter = new JsonHighlighter(m_text->document());
    splitter->addWidget(m_text);

    m_problems = new QListWidget(splitter);
    m_problems->setAccessibleName(tr("Problems in the patch"));
    m_problems->setWordWrap(true);
    splitter->addWidget(m_problems);
    connect(m_problems, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const QVariant offset = item->data(Qt::UserRole);
        if (!offset.isValid())
            return;
        QTextCursor cursor = m_text->textCursor();
        cursor.setPosition(qBound(0, offset.toInt(), m_text->document()->characterCount() - 1));
        m_text->setTextCursor(cursor);
        m_text->setFocus(Qt::OtherFocusReason);
    });

    m_effect = new QPlainTextEdit(splitter);
    m_effect->setReadOnly(true);
    m_effect->setAccessibleName(tr("What the patch would change, in words"));
    m_effect->setPlaceholderText(tr("What the patch would change appears here."));
    splitter->addWidget(m_effect);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 1);
    layout->addWidget(splitter, 1);

    m_completions = new QStringListModel(this);
    m_completer = new QCompleter(m_completions, this);
    m_completer->setWidget(m_text);
    text->completer = m_completer;
    text->offerCompletions = [this] {
        complete();
    };
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseSensitive);
    m_completer->setMaxVisibleItems(12);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this,
            &PatchEditor::insertCompletion);
    auto *completeShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Space), m_text);
    completeShortcut->setContext(Qt::WidgetShortcut);
    connect(completeShortcut, &QShortcut::activated, this, &PatchEditor::complete);

    m_validateTimer = new QTimer(this);
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(kValidateDelayMs);
    connect(m_validateTimer, &QTimer::timeout, this, &PatchEditor::validate);
    connect(m_text, &QPlainTextEdit::textChanged, this, &PatchEditor::scheduleValidation);
    connect(m_text->document(), &QTextDocument::modificationChanged, this,
            &PatchEditor::updateActions);

    m_previewWatcher = new QFutureWatcher<PatchPreview>(this);
    connect(m_previewWatcher, &QFutureWatcher<PatchPreview>::finished, this,
            &PatchEditor::onPreviewReady);
    m_newsWatcher = new QFutureWatcher<QStringList>(this);
    connect(m_newsWatcher, &QFutureWatcher<QStringList>::finished, this, &PatchEditor::updateBase);

    connect(view, &RunView::snapshotShown, this, &PatchEditor::updateBase);
    connect(view, &RunView::editingAllowedChanged, this, &PatchEditor::updateActions);
    connect(controller, &ChangeController::busyChanged, this, &PatchEditor::updateActions);
    connect(controller, &ChangeController::applied, this, &PatchEditor::onChangeApplied);

    m_base = view->snapshot();
    m_text->setPlainText(QStringLiteral("[\n]\n"));
    m_text->document()->setModified(false);
    updateBase();
    validate();
}

PatchEditor::~PatchEditor()
{
    m_previewWatcher->disconnect(this);
    m_newsWatcher->disconnect(this);
}

QString PatchEditor::text() const
{
    return m_text->toPlainText();
}

void PatchEditor::setText(const QString &text)
{
    m_text->setPlainText(text);
    m_text->document()->setModified(true);
}

bool PatchEditor::isModified() const
{
    return m_text->document()->isModified();
}

bool PatchEditor::isStarted() const
{
    return m_started || isModified();
}

void PatchEditor::confirmDiscard(const QString &what, const std::function<void()> &then)
{
    if (!isModified() || m_text->toPlainText().trimmed() == QLatin1String("[\n]").trimmed()) {
        then();
        return;
    }
    auto *confirm = new ConfirmDialog(
        tr("Replace the Patch?"),
        tr("The patch in the editor has changes that are not saved. %1 replaces it.").arg(what),
        tr("&Replace"), this);
    connect(confirm, &QDialog::accepted, this, then);
    DialogAnswers::open(confirm);
}

void PatchEditor::openPatch(const Json &operations, const Snapshot &base, const QList<Note> &notes,
                            quint64 conflictId)
{
    confirmDiscard(tr("Opening these operations"), [this, operations, base, notes, conflictId] {
        m_base = base;
        m_started = true;
        m_notes = notes;
        m_conflictId = conflictId;
        m_filePath.clear();
        m_appliedText.clear();
        m_text->setPlainText(QString::fromStdString(JsonWriter::write(operations))
                             + QLatin1Char('\n'));
        m_text->document()->setModified(true);
        updateBase();
        validate();
    });
}

void PatchEditor::newPatch()
{
    confirmDiscard(tr("A new patch"), [this] {
        m_base = m_view->snapshot();
        m_started = false;
        m_notes.clear();
        m_conflictId = 0;
        m_filePath.clear();
        m_appliedText.clear();
        m_text->setPlainText(QStringLiteral("[\n]\n"));
        m_text->document()->setModified(false);
        updateBase();
        validate();
    });
}

void PatchEditor::forgetBase()
{
    m_base = Snapshot();
    m_started = false;
    m_notes.clear();
    m_conflictId = 0;
    updateBase();
    validate();
}

PatchEditor::Position PatchEditor::positionOf(int offset) const
{
    const QTextBlock block = m_text->document()->findBlock(offset);
    Position position;
    position.offset = offset;
    position.line = block.blockNumber() + 1;
    position.column = offset - block.position() + 1;
    return position;
}

std::optional<PatchEditor::Position> PatchEditor::positionOfOperation(std::size_t index) const
{
    const QList<int> offsets = elementOffsets(m_text->toPlainText());
    if (index >= std::size_t(offsets.size()))
        return std::nullopt;
    return positionOf(offsets.at(qsizetype(index)));
}

void PatchEditor::scheduleValidation()
{
    // Anything older is out of date from now on.
    ++m_validation;
    m_validateTimer->start();
    updateActions();
}

void PatchEditor::validate()
{
    m_validateTimer->stop();
    const quint64 validation = ++m_validation;
    m_operations.reset();
    m_preview.reset();
    const QString text = m_text->toPlainText();
    const QByteArray utf8 = text.toUtf8();
    const Result<Json> parsed
        = JsonReader::parse(std::string_view(utf8.constData(), std::size_t(utf8.size())));
    if (!parsed.isOk()) {
        const Error &error = parsed.error();
        const int line = int(error.details.value("line", 1));
        const int column = int(error.details.value("column", 1));
        const QTextBlock block = m_text->document()->findBlockByNumber(line - 1);
        const int offset = block.isValid() ? block.position() + column - 1 : 0;
        showProblems({{tr("Not JSON: %1").arg(error.message), offset}});
        m_effect->clear();
        Q_EMIT validated();
        return;
    }
    const Result<JsonPatch> patch = JsonPatch::fromJson(parsed.value());
    if (!patch.isOk()) {
        const Error &error = patch.error();
        const auto opIndex = error.details.find("opIndex");
        std::optional<Position> at;
        if (opIndex != error.details.end() && opIndex->is_number_integer()
            && opIndex->get<qint64>() >= 0)
            at = positionOfOperation(opIndex->get<std::size_t>());
        const QString where
            = at ? tr("line %1, column %2: ").arg(at->line).arg(at->column) : QString();
        showProblems(
            {{where + tr("Not a JSON Patch: %1").arg(error.message), at ? at->offset : 0}});
        m_effect->clear();
        Q_EMIT validated();
        return;
    }
    m_operations = parsed.value();
    if (m_base.isNull()) {
        showProblems({{tr("No run is open: the patch cannot be checked against one"), -1}});
        updateActions();
        Q_EMIT validated();
        return;
    }
    m_effect->setPlainText(tr("Working out the effect…"));
    m_previewWatcher->setProperty("validation", validation);
    m_previewWatcher->setFuture(
        QtConcurrent::run(&PatchPreview::compute, m_base.sharedDocument(), *m_operations,
                          Actor{ActorRole::User, EditSettings::sessionName()}));
    updateActions();
}

void PatchEditor::onPreviewReady()
{
    if (m_previewWatcher->property("validation").toULongLong() != m_validation)
        return; // the text or the base changed meanwhile; a newer check is on its way
    m_preview = m_previewWatcher->result();
    QList<QPair<QString, int>> problems;
    if (m_preview->error) {
        const Error &error = *m_preview->error;
        const auto opIndex = error.details.find("opIndex");
        std::optional<Position> at;
        if (opIndex != error.details.end() && opIndex->is_number_integer()
            && opIndex->get<qint64>() >= 0)
            at = positionOfOperation(opIndex->get<std::size_t>());
        QString where = at ? tr("line %1, column %2: ").arg(at->line).arg(at->column) : QString();
        const QString path = errorDetail(error, "path");
        QString text = error.message;
        if (!path.isEmpty() && !text.contains(path))
            text += tr(" (path %1)").arg(path);
        problems.append(
            {where + tr("%1: %2").arg(errorCodeName(error.code), text), at ? at->offset : 0});
    }
    for (const Note &note : std::as_const(m_notes)) {
        const std::optional<Position> at = positionOfOperation(note.opIndex);
        problems.append({(at ? tr("line %1, column %2: ").arg(at->line).arg(at->column) : QString())
                             + note.text,
                         at ? at->offset : 0});
    }
    showProblems(problems);
    m_effect->setPlainText(m_preview->changesNothing
                               ? tr("Nothing would change.")
                               : m_preview->sentences.join(QLatin1Char('\n')));
    updateActions();
    Q_EMIT validated();
}

void PatchEditor::showProblems(QList<QPair<QString, int>> problems)
{
    m_problems->clear();
    QList<QTextEdit::ExtraSelection> marks;
    if (problems.isEmpty()) {
        const qsizetype count = m_operations ? qsizetype(m_operations->size()) : 0;
        m_problems->addItem(
            tr("No problems: %n operation(s), based on generation %1", nullptr, int(count))
                .arg(m_base.serverGeneration()));
    }
    for (const auto &[text, offset] : problems) {
        auto *item = new QListWidgetItem(text, m_problems);
        item->setToolTip(plainToolTip(text));
        if (offset < 0)
            continue;
        item->setData(Qt::UserRole, offset);
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_text->document());
        mark.cursor.setPosition(qBound(0, offset, m_text->document()->characterCount() - 1));
        mark.cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(Qt::red);
        marks << mark;
    }
    m_text->setExtraSelections(marks);
}

QStringList PatchEditor::problems() const
{
    QStringList texts;
    for (int i = 0; i < m_problems->count(); ++i)
        texts << m_problems->item(i)->text();
    return texts;
}

QStringList PatchEditor::effect() const
{
    return m_preview ? m_preview->sentences : QStringList();
}

bool PatchEditor::isValid() const
{
    return m_operations && m_preview && m_preview->isValid();
}

void PatchEditor::updateBase()
{
    const Snapshot newest = m_view->snapshot();
    if (!newest.isNull() && !isStarted() && newest.etag() != m_base.etag()) {
        // Nothing typed yet: the patch starts on whatever is on screen when typing begins.
        // The empty patch checks out the same on every version, so only its first base needs
        // the check (on every snapshot it cost a millisecond of the GUI thread).
        const bool checkedEmpty = !m_base.isNull() && m_operations && m_operations->empty();
        m_base = newest;
        if (!checkedEmpty)
            validate();
    }
    if (m_base.isNull()) {
        m_baseLabel->setText(tr("No run is open."));
        m_baseBar->dismiss();
        updateActions();
        return;
    }
    m_baseLabel->setText(tr("Base: generation %1 (%2), the version on screen when this patch "
                            "was started. Apply succeeds only while the run is at it.")
                             .arg(m_base.serverGeneration())
                             .arg(m_base.etag()));
    if (newest.isNull() || newest.etag() == m_base.etag()) {
        m_baseBar->dismiss();
        updateActions();
        return;
    }
    // The words for what changed since the base, worked out once per newest version.
    const QString key = m_base.etag() + QLatin1Char('>') + newest.etag();
    if (m_newsWatcher->property("key").toString() != key) {
        m_newsWatcher->setProperty("key", key);
        m_newsWatcher->setFuture(
            QtConcurrent::run(&describeNews, m_base.sharedDocument(), newest.sharedDocument()));
        return;
    }
    if (!m_newsWatcher->isFinished())
        return;
    const QStringList news = m_newsWatcher->result();
    // A few lines in the bar, shortened; all of them (up to a screenful) in its tooltip.
    constexpr int kShown = 3;
    constexpr int kLineLength = 90;
    constexpr int kInToolTip = 40;
    QStringList shown;
    for (const QString &sentence : news.mid(0, kShown))
        shown << (sentence.size() > kLineLength ? sentence.left(kLineLength - 1) + QChar(0x2026)
                                                : sentence);
    if (news.size() > kShown)
        shown << tr("… and %n more (hover to see them)", nullptr, int(news.size() - kShown));
    m_baseBar->showMessage(MessageBar::Kind::Warning,
                           tr("The run has moved on to generation %1 since this patch's base. "
                              "What changed:\n%2")
                               .arg(newest.serverGeneration())
                               .arg(shown.join(QLatin1Char('\n'))));
    m_baseBar->setToolTip(plainToolTip(news.mid(0, kInToolTip).join(QLatin1Char('\n'))));
    m_baseBar->addAction(m_rebase);
    updateActions();
}

void PatchEditor::useNewestBase()
{
    if (m_view->snapshot().isNull())
        return;
    m_base = m_view->snapshot();
    m_started = true;
    m_notes.clear();
    updateBase();
    validate();
}

void PatchEditor::updateActions()
{
    QString why;
    if (m_base.isNull())
        why = tr("No run is open");
    else if (!m_view->editingBlockedReason().isEmpty())
        why = m_view->editingBlockedReason();
    else if (m_controller->isBusy())
        why = tr("A change is being applied; wait for its answer");
    else if (!m_operations)
        why = tr("The text is not a JSON Patch yet: see the problems below it");
    else if (m_operations->empty())
        why = tr("The patch has no operations");
    else if (m_text->toPlainText() == m_appliedText)
        why = tr("This patch was applied; change it to apply it again");
    m_apply->setEnabled(why.isEmpty());
    m_apply->setToolTip(why.isEmpty() ? tr("Apply the patch to the run, on its base version "
                                           "(Ctrl+Return)")
                                      : why);
    m_save->setEnabled(!m_filePath.isEmpty() && isModified());
}

void PatchEditor::apply()
{
    if (!m_apply->isEnabled() || !m_operations)
        return;
    const QString text = m_text->toPlainText();
    const QString summary
        = m_preview && !m_preview->summary.isEmpty()
              ? m_preview->summary
              : tr("patch of %n operation(s)", nullptr, int(m_operations->size()));
    Change change = Change::on(m_base, tr("Apply patch: %1").arg(summary), summary, *m_operations);
    change.origin = QStringLiteral("editor");
    if (m_preview)
        change.words = m_preview->sentences;
    if (m_controller->apply(std::move(change)))
        m_appliedText = text;
    updateActions();
}

void PatchEditor::onChangeApplied(const Change &change, const Snapshot &result)
{
    if (change.origin != QLatin1String("editor"))
        return;
    // The patch is in the run: further edits build on what it made.
    m_base = result;
    m_started = true;
    m_notes.clear();
    if (const quint64 resolved = std::exchange(m_conflictId, 0))
        Q_EMIT conflictResolved(resolved);
    updateBase();
    validate();
}

Result<void> PatchEditor::saveTo(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{ErrorCode::IoError,
                     tr("%1 cannot be written: %2").arg(path, file.errorString()),
                     Json{{"path", path.toStdString()}}};
    file.write(m_text->toPlainText().toUtf8());
    if (!file.commit())
        return Error{ErrorCode::IoError,
                     tr("%1 could not be saved: %2").arg(path, file.errorString()),
                     Json{{"path", path.toStdString()}}};
    m_filePath = path;
    m_text->document()->setModified(false);
    updateActions();
    return {};
}

Result<void> PatchEditor::loadFrom(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isFile())
        return Error{ErrorCode::NotFound, tr("%1 is not a file").arg(path),
                     Json{{"path", path.toStdString()}}};
    if (info.size() > kMaxPatchFileBytes)
        return Error{ErrorCode::IoError,
                     tr("%1 is %2 MB; a patch file is at most 16 MB")
                         .arg(path)
                         .arg(info.size() / (1024 * 1024)),
                     Json{{"path", path.toStdString()}}};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::IoError, tr("%1 cannot be read: %2").arg(path, file.errorString()),
                     Json{{"path", path.toStdString()}}};
    const QByteArray bytes = file.read(kMaxPatchFileBytes + 1);
    m_filePath = path;
    m_started = true;
    m_notes.clear();
    m_conflictId = 0;
    m_appliedText.clear();
    m_text->setPlainText(QString::fromUtf8(bytes));
    m_text->document()->setModified(false);
    validate();
    return {};
}

void PatchEditor::chooseFileToOpen()
{
    confirmDiscard(tr("Opening a file"), [this] {
        auto *dialog = new QFileDialog(this, tr("Open Patch"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setFileMode(QFileDialog::ExistingFile);
        dialog->setNameFilters({tr("JSON Patch (*.json)"), tr("All files (*)")});
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
            if (const Result<void> loaded = loadFrom(path); !loaded.isOk())
                showProblems({{loaded.error().message, -1}});
        });
        dialog->open();
    });
}

void PatchEditor::chooseFileToSave()
{
    auto *dialog = new QFileDialog(this, tr("Save Patch"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    dialog->setNameFilters({tr("JSON Patch (*.json)"), tr("All files (*)")});
    if (!m_filePath.isEmpty())
        dialog->selectFile(m_filePath);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        if (const Result<void> saved = saveTo(path); !saved.isOk())
            showProblems({{saved.error().message, -1}});
    });
    dialog->open();
}

void PatchEditor::save()
{
    if (m_filePath.isEmpty()) {
        chooseFileToSave();
        return;
    }
    if (const Result<void> saved = saveTo(m_filePath); !saved.isOk())
        showProblems({{saved.error().message, -1}});
}

QStringList PatchEditor::completionsFor(const QString &prefix) const
{
    QStringList completions;
    if (m_base.isNull() || !prefix.startsWith(QLatin1Char('/')))
        return completions;
    const QString parentText = prefix.left(prefix.lastIndexOf(QLatin1Char('/')));
    const Result<JsonPointer> parent = JsonPointer::parse(parentText.toStdString());
    if (!parent.isOk())
        return completions;
    const Json *container = parent->find(m_base.document());
    if (!container)
        return completions;
    const auto add = [&](const std::string &token) {
        completions << parentText + QLatin1Char('/')
                           + QString::fromStdString(JsonPointer::escape(token));
    };
    if (container->is_object()) {
        for (auto it = container->begin(); it != container->end(); ++it) {
            add(it.key());
            if (completions.size() >= kMaxCompletions)
                break;
        }
    } else if (container->is_array()) {
        std::size_t index = 0;
        for (const Json &element : *container) {
            const std::string key = jsonElementKeyToken(element);
            add(key.empty() ? std::to_string(index) : key);
            ++index;
            if (completions.size() >= kMaxCompletions)
                break;
        }
        add("-");
    }
    return completions;
}

void PatchEditor::complete()
{
    // The pointer being typed: from the string's opening quote to the cursor.
    const QTextCursor cursor = m_text->textCursor();
    const QTextBlock block = cursor.block();
    const QString line = block.text();
    const int column = cursor.positionInBlock();
    int quote = -1;
    bool inString = false;
    for (int i = 0; i < column && i < line.size(); ++i) {
        if (line.at(i) == QLatin1Char('\\') && inString) {
            ++i;
            continue;
        }
        if (line.at(i) == QLatin1Char('"')) {
            inString = !inString;
            quote = i;
        }
    }
    if (!inString) {
        m_completer->popup()->hide();
        return;
    }
    const QString prefix = line.mid(quote + 1, column - quote - 1);
    const QStringList candidates = completionsFor(prefix.isEmpty() ? QStringLiteral("/") : prefix);
    if (candidates.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    m_completionStart = block.position() + quote + 1;
    m_completions->setStringList(candidates);
    m_completer->setCompletionPrefix(prefix);
    if (m_completer->completionCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    int widest = 0;
    for (const QString &candidate : candidates.mid(0, 200))
        widest = qMax(widest, m_completer->popup()->fontMetrics().horizontalAdvance(candidate));
    QRect rect = m_text->cursorRect();
    rect.setWidth(widest + m_completer->popup()->verticalScrollBar()->sizeHint().width()
                  + m_completer->popup()->fontMetrics().averageCharWidth() * 2);
    m_completer->complete(rect);
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
}

void PatchEditor::insertCompletion(const QString &completion)
{
    if (m_completionStart < 0)
        return;
    QTextCursor cursor = m_text->textCursor();
    const int end = cursor.position();
    cursor.setPosition(m_completionStart);
    cursor.setPosition(end, QTextCursor::KeepAnchor);
    cursor.insertText(completion);
    m_text->setTextCursor(cursor);
    m_completionStart = -1;
}

} // namespace runboard
