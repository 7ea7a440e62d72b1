// SPDX-License-Identifier: MIT
#pragma once

#include "dialoganswers.h"
#include "patchpreview.h"
#include "snapshot.h"

#include <QFutureWatcher>

class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace runboard {

// Shows what a change will do before it is applied: its effect in words against the version
// the person was looking at and, folded, its JSON operations. Apply accepts; "Edit as Patch…"
// hands the operations to the patch editor instead. The effect is computed in a worker thread
// (PatchPreview::compute); Apply waits for it and stays disabled when the commit would refuse
// the change on this version, with the reason shown. GUI thread.
class PreviewDialog : public AnswerableDialog
{
    Q_OBJECT

public:
    PreviewDialog(const QString &title, const Snapshot &base, const Json &operations,
                  const Actor &actor, QWidget *parent = nullptr);
    ~PreviewDialog() override;

    const Json &operations() const { return m_operations; }
    const Snapshot &base() const { return m_base; }
    // Null until the worker is done.
    const std::optional<PatchPreview> &preview() const { return m_preview; }

    void fill(const QVariantMap &values) override;
    QVariantMap values() const override; // "text" (the words), "summary", "error", "json"
    bool isReadyForAnswer() const override { return m_preview.has_value(); }

    QPlainTextEdit *effectView() const { return m_effect; }
    QPlainTextEdit *jsonView() const { return m_json; }
    QToolButton *jsonToggle() const { return m_jsonToggle; }
    QPushButton *applyButton() const { return m_apply; }

Q_SIGNALS:
    void editRequested(const runboard::Json &operations, const runboard::Snapshot &base);

private:
    void onPreviewReady();

    Snapshot m_base;
    Json m_operations;
    std::optional<PatchPreview> m_preview;
    QFutureWatcher<PatchPreview> *m_watcher = nullptr;
    QLabel *m_error = nullptr;
    QPlainTextEdit *m_effect = nullptr;
    QToolButton *m_jsonToggle = nullptr;
    QPlainTextEdit *m_json = nullptr;
    QPushButton *m_apply = nullptr;
};

} // namespace runboard
