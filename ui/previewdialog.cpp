// SPDX-License-Identifier: MIT
//
// PreviewDialog: "this is what will change" before every guided change.
//
// Design considerations
// - The base is the snapshot the person was looking at when they started the action (DESIGN.md
//   §8); the dialog only shows it and never swaps in a newer one.
// - Everything shown comes from the manifest, i.e. from agents: the words and the JSON go into
//   plain-text widgets, never rich text.
// - Working out the effect copies the document, so it runs in a worker; the dialog shows
//   "Working out the effect…" until then, and Apply is enabled only once the effect is known
//   and the commit would accept it on this base.
// Thread: GUI thread; PatchPreview::compute runs in QtConcurrent with values only.

#include "previewdialog.h"

#include "jsonwriter.h"
#include "statusstyle.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace runboard {

PreviewDialog::PreviewDialog(const QString &title, const Snapshot &base, const Json &operations,
                             const Actor &actor, QWidget *parent)
    : AnswerableDialog(parent), m_base(base), m_operations(operations)
{
    setObjectName(QStringLiteral("previewDialog"));
    setWindowTitle(tr("Preview: %1").arg(title));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);

    auto *heading = new QLabel(title, this);
    heading->setTextFormat(Qt::PlainText);
    heading->setWordWrap(true);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    layout->addWidget(heading);

    auto *baseLabel = new QLabel(
        tr("Made on the version you were looking at: generation %1 (%2). It is applied only if "
           "the run is still at that version.")
            .arg(base.serverGeneration())
            .arg(base.etag()),
        this);
    baseLabel->setTextFormat(Qt::PlainText);
    baseLabel->setWordWrap(true);
    layout->addWidget(baseLabel);

    auto *effectLabel = new QLabel(tr("&Effect:"), this);
    layout->addWidget(effectLabel);
    m_effect = new QPlainTextEdit(this);
    m_effect->setReadOnly(true);
    m_effect->setAccessibleName(tr("Effect in words"));
    m_effect->setPlainText(tr("Working out the effect…"));
    m_effect->setMinimumHeight(fontMetrics().lineSpacing() * 5);
    effectLabel->setBuddy(m_effect);
    layout->addWidget(m_effect, 1);

    m_error = new QLabel(this);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setAccessibleName(tr("Why this change cannot be applied"));
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(
        QPalette::WindowText,
        StatusStyle::color(StatusStyle::Tone::Bad, palette(), StatusStyle::Surface::Window));
    m_error->setPalette(errorPalette);
    m_error->hide();
    layout->addWidget(m_error);

    m_jsonToggle = new QToolButton(this);
    m_jsonToggle->setText(tr("&JSON operations"));
    m_jsonToggle->setCheckable(true);
    m_jsonToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_jsonToggle->setArrowType(Qt::RightArrow);
    m_jsonToggle->setAutoRaise(true);
    m_jsonToggle->setAccessibleName(tr("Show the JSON operations"));
    layout->addWidget(m_jsonToggle);
    m_json = new QPlainTextEdit(this);
    m_json->setReadOnly(true);
    m_json->setAccessibleName(tr("JSON operations"));
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setPlainText(QString::fromStdString(JsonWriter::write(operations)));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_json->hide();
    layout->addWidget(m_json, 1);
    connect(m_jsonToggle, &QToolButton::toggled, this, [this](bool shown) {
        m_json->setVisible(shown);
        m_jsonToggle->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
        // Room for the operations below the words, rather than squeezing both.
        const int lines = fontMetrics().lineSpacing() * 12;
        resize(width(),
               shown ? height() + lines : qMax(minimumSizeHint().height(), height() - lines));
    });

    auto *buttons = new QDialogButtonBox(this);
    m_apply = buttons->addButton(tr("&Apply"), QDialogButtonBox::AcceptRole);
    m_apply->setEnabled(false);
    m_apply->setDefault(true);
    QPushButton *edit = buttons->addButton(tr("Edit as &Patch…"), QDialogButtonBox::ActionRole);
    edit->setToolTip(tr("Open these operations in the patch editor instead, on the same base"));
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(edit, &QPushButton::clicked, this, [this] {
        Q_EMIT editRequested(m_operations, m_base);
        reject();
    });
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * 90, fontMetrics().lineSpacing() * 20);

    m_watcher = new QFutureWatcher<PatchPreview>(this);
    connect(m_watcher, &QFutureWatcher<PatchPreview>::finished, this,
            &PreviewDialog::onPreviewReady);
    m_watcher->setFuture(
        QtConcurrent::run(&PatchPreview::compute, base.sharedDocument(), operations, actor));
}

PreviewDialog::~PreviewDialog()
{
    // The job holds only values; it may finish on its own.
    m_watcher->disconnect(this);
}

void PreviewDialog::onPreviewReady()
{
    m_preview = m_watcher->result();
    const PatchPreview &preview = *m_preview;
    m_effect->setPlainText(preview.changesNothing ? tr("Nothing would change.")
                                                  : preview.sentences.join(QLatin1Char('\n')));
    if (preview.error) {
        m_error->setText(tr("This change would be refused on this version: %1 (%2)")
                             .arg(preview.error->message, errorCodeName(preview.error->code)));
        m_error->show();
    }
    m_apply->setEnabled(preview.isValid() && !preview.changesNothing);
    Q_EMIT readyForAnswer();
}

void PreviewDialog::fill(const QVariantMap &values)
{
    Q_UNUSED(values)
}

QVariantMap PreviewDialog::values() const
{
    QVariantMap values;
    values[QStringLiteral("text")] = m_effect->toPlainText();
    values[QStringLiteral("json")] = m_json->toPlainText();
    if (m_preview) {
        values[QStringLiteral("summary")] = m_preview->summary;
        if (m_preview->error)
            values[QStringLiteral("error")] = m_preview->error->message;
    }
    return values;
}

} // namespace runboard
