// SPDX-License-Identifier: MIT
//
// ConflictDialog: the question an etag conflict puts to the person, in words.
//
// Design considerations
// - The dialog holds only the conflict's id and reads the conflict from the ChangeController on
//   every change, so it always shows the newest judgement (the controller judges a waiting
//   conflict again whenever a newer version arrives) and never acts on a stale one.
// - Choices close the dialog and are carried out by whoever opened it (RunEditor), which knows
//   the patch editor and the file dialogs; "Apply to the new version" is enabled only for a clean
//   verdict. There is deliberately no "overwrite theirs".
// - Everything shown comes from the run (agents' text): plain-text widgets only.
// Thread: GUI thread.

#include "conflictdialog.h"
#include "plaintext.h"

#include "changecontroller.h"
#include "changewords.h"
#include "jsonwriter.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace runboard {

namespace {

QLabel *plainLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    return label;
}

QPlainTextEdit *readOnlyText(QWidget *parent, const QString &accessibleName)
{
    auto *text = new QPlainTextEdit(parent);
    text->setReadOnly(true);
    text->setAccessibleName(accessibleName);
    text->setMinimumHeight(text->fontMetrics().lineSpacing() * 3);
    return text;
}

QString valueText(const std::optional<Json> &value)
{
    if (!value)
        return QCoreApplication::translate("ConflictDialog", "(absent)");
    return ChangeWords::shortValue(&*value, 60);
}

} // namespace

ConflictDialog::ConflictDialog(ChangeController *controller, quint64 conflictId, QWidget *parent)
    : AnswerableDialog(parent), m_controller(controller), m_id(conflictId)
{
    setObjectName(QStringLiteral("conflictDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);

    m_heading = plainLabel(this);
    QFont bold = m_heading->font();
    bold.setBold(true);
    m_heading->setFont(bold);
    m_heading->setAccessibleName(tr("What happened"));
    layout->addWidget(m_heading);
    m_changedAgain = plainLabel(this);
    m_changedAgain->setAccessibleName(tr("The run changed again"));
    layout->addWidget(m_changedAgain);

    auto *theirsBox = new QGroupBox(tr("What changed on disk"), this);
    auto *theirsLayout = new QVBoxLayout(theirsBox);
    m_theirsLabel = plainLabel(theirsBox);
    theirsLayout->addWidget(m_theirsLabel);
    m_theirs = readOnlyText(theirsBox, tr("What the others changed, in words"));
    theirsLayout->addWidget(m_theirs);
    m_authors = plainLabel(theirsBox);
    m_authors->setAccessibleName(tr("Who changed it"));
    theirsLayout->addWidget(m_authors);
    layout->addWidget(theirsBox, 1);

    auto *yoursBox = new QGroupBox(tr("Your change"), this);
    auto *yoursLayout = new QVBoxLayout(yoursBox);
    m_yours = readOnlyText(yoursBox, tr("Your change, in words"));
    yoursLayout->addWidget(m_yours);
    m_jsonToggle = new QToolButton(yoursBox);
    m_jsonToggle->setText(tr("&JSON operations"));
    m_jsonToggle->setCheckable(true);
    m_jsonToggle->setArrowType(Qt::RightArrow);
    m_jsonToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_jsonToggle->setAutoRaise(true);
    yoursLayout->addWidget(m_jsonToggle);
    m_json = readOnlyText(yoursBox, tr("Your change as JSON operations"));
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_json->hide();
    yoursLayout->addWidget(m_json);
    connect(m_jsonToggle, &QToolButton::toggled, this, [this](bool shown) {
        m_json->setVisible(shown);
        m_jsonToggle->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
    });
    layout->addWidget(yoursBox, 1);

    auto *verdictBox = new QGroupBox(tr("Verdict"), this);
    auto *verdictLayout = new QVBoxLayout(verdictBox);
    m_verdict = plainLabel(verdictBox);
    m_verdict->setAccessibleName(tr("Verdict"));
    verdictLayout->addWidget(m_verdict);
    m_table = new QTableWidget(0, 4, verdictBox);
    m_table->setAccessibleName(tr("Places both sides changed"));
    m_table->setHorizontalHeaderLabels({tr("Place"), tr("Base"), tr("Theirs"), tr("Yours")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    verdictLayout->addWidget(m_table);
    layout->addWidget(verdictBox, 1);

    auto *buttons = new QDialogButtonBox(this);
    m_apply = buttons->addButton(tr("&Apply to the New Version"), QDialogButtonBox::ActionRole);
    QPushButton *edit = buttons->addButton(tr("&Edit Patch…"), QDialogButtonBox::ActionRole);
    edit->setToolTip(tr("Open your change in the patch editor on the newest version, with the "
                        "operations that conflict marked"));
    m_discard = buttons->addButton(tr("&Discard My Change"), QDialogButtonBox::ActionRole);
    m_discard->setToolTip(tr("Keep the run as the others left it; your change is dropped"));
    QPushButton *save = buttons->addButton(tr("&Save My Patch…"), QDialogButtonBox::ActionRole);
    save->setToolTip(tr("Save your change's operations to a file"));
    buttons->addButton(QDialogButtonBox::Close);
    connect(m_apply, &QPushButton::clicked, this, [this] { choose(Choice::Apply); });
    connect(edit, &QPushButton::clicked, this, [this] { choose(Choice::Edit); });
    connect(m_discard, &QPushButton::clicked, this, [this] { choose(Choice::Discard); });
    connect(save, &QPushButton::clicked, this, [this] { choose(Choice::Save); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(controller, &ChangeController::conflictsChanged, this, &ConflictDialog::refresh);
    resize(fontMetrics().averageCharWidth() * 100, fontMetrics().lineSpacing() * 34);
    refresh();
}

void ConflictDialog::choose(Choice choice)
{
    m_choice = choice;
    accept();
}

void ConflictDialog::refresh()
{
    const PendingConflict *conflict = m_controller->conflict(m_id);
    if (!conflict) {
        // Resolved elsewhere (applied from the bar, discarded, the run closed).
        if (isVisible())
            reject();
        return;
    }
    const bool overwritten = conflict->origin == PendingConflict::Origin::Overwritten;
    const QString what
        = conflict->change.summary.isEmpty() ? conflict->change.title : conflict->change.summary;
    setWindowTitle(overwritten ? tr("Your Change Was Overwritten") : tr("The Run Changed on Disk"));
    m_heading->setText(
        overwritten
            ? tr("Your change “%1”, saved at %2, was overwritten by another writer that had not "
                 "seen it (your version %3 was replaced by %4).")
                  .arg(what, conflict->savedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                       conflict->overwrittenEtag, conflict->theirs.etag())
            : tr("The run changed on disk since you started this change: “%1”. Nothing was "
                 "written; both sides are kept until you decide.")
                  .arg(what));
    m_changedAgain->setVisible(conflict->judgements > 1);
    m_changedAgain->setText(tr("The run changed again while this was open: everything below is "
                               "judged against the newest version, generation %1 (%2).")
                                .arg(conflict->theirs.serverGeneration())
                                .arg(conflict->theirs.etag()));
    m_theirsLabel->setText(tr("Since the version your change was made on, the run is now at "
                              "generation %1 (%2):")
                               .arg(conflict->theirs.serverGeneration())
                               .arg(conflict->theirs.etag()));
    m_theirs->setPlainText(conflict->theirChanges.isEmpty()
                               ? tr("(only the commit bookkeeping: etag, generation, time)")
                               : conflict->theirChanges.join(QLatin1Char('\n')));
    m_authors->setText(conflict->authors.isEmpty()
                           ? tr("The history does not say who made these changes.")
                           : tr("By: %1").arg(conflict->authors.join(QStringLiteral(", "))));
    m_yours->setPlainText(conflict->yourChanges.join(QLatin1Char('\n')));
    m_json->setPlainText(QString::fromStdString(JsonWriter::write(conflict->change.operations)));

    const RebaseVerdict &verdict = conflict->verdict;
    switch (verdict.kind) {
    case RebaseVerdict::Kind::Clean:
        m_verdict->setText(tr("Applies cleanly: the others changed nothing your change reads or "
                              "writes. Applying it to the new version keeps both."));
        break;
    case RebaseVerdict::Kind::Conflicts:
        m_verdict->setText(tr("Conflicts on %n place(s): both sides changed them. Edit your "
                              "patch on the new version, or discard your change.",
                              nullptr, int(verdict.conflicts.size())));
        break;
    case RebaseVerdict::Kind::CannotApply:
        m_verdict->setText(tr("Cannot apply to the new version: %1")
                               .arg(verdict.failure ? verdict.failure->message : QString()));
        break;
    }
    m_table->setRowCount(int(verdict.conflicts.size()));
    m_table->setVisible(!verdict.conflicts.empty());
    for (int row = 0; row < int(verdict.conflicts.size()); ++row) {
        const RebaseVerdict::Conflict &place = verdict.conflicts.at(std::size_t(row));
        const QStringList cells = {QString::fromStdString(place.pointer), valueText(place.base),
                                   valueText(place.theirs), valueText(place.yours)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            item->setToolTip(plainToolTip(cells.at(column)));
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
    m_apply->setEnabled(verdict.isClean());
    m_apply->setText(overwritten ? tr("&Re-apply") : tr("&Apply to the New Version"));
    m_discard->setText(overwritten ? tr("&Dismiss") : tr("&Discard My Change"));
}

void ConflictDialog::fill(const QVariantMap &values)
{
    const QString choice = values.value(QStringLiteral("choice")).toString();
    if (choice == QLatin1String("apply"))
        m_choice = Choice::Apply;
    else if (choice == QLatin1String("edit"))
        m_choice = Choice::Edit;
    else if (choice == QLatin1String("discard"))
        m_choice = Choice::Discard;
    else if (choice == QLatin1String("save"))
        m_choice = Choice::Save;
}

QVariantMap ConflictDialog::values() const
{
    QStringList conflicts;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < m_table->columnCount(); ++column)
            cells << (m_table->item(row, column) ? m_table->item(row, column)->text() : QString());
        conflicts << cells.join(QStringLiteral(" | "));
    }
    return {{QStringLiteral("text"), m_heading->text()},
            {QStringLiteral("verdict"), m_verdict->text()},
            {QStringLiteral("changedAgain"), !m_changedAgain->isHidden()},
            {QStringLiteral("theirs"), m_theirs->toPlainText()},
            {QStringLiteral("yours"), m_yours->toPlainText()},
            {QStringLiteral("conflicts"), conflicts}};
}

} // namespace runboard
