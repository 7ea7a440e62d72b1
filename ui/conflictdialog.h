// SPDX-License-Identifier: MIT
#pragma once

#include "dialoganswers.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QToolButton;

namespace runboard {

class ChangeController;
struct PendingConflict;

// One of the person's changes that met a newer version on disk, or that another writer
// overwrote: what the others changed (in words, with who), the person's change (in words and as
// JSON), and the verdict with the places both changed side by side (base / theirs / yours).
// The person chooses: apply to the new version (when the verdict is clean), edit the patch,
// discard their change, save it to a file, or close and decide later. Nothing offered drops the
// other writer's change. The dialog follows the disk: when the conflict is judged again on a
// newer version it shows that and says so; when the conflict goes away, it closes. Non-modal,
// opened with open(). GUI thread.
class ConflictDialog : public AnswerableDialog
{
    Q_OBJECT

public:
    enum class Choice { None, Apply, Edit, Discard, Save };
    Q_ENUM(Choice)

    ConflictDialog(ChangeController *controller, quint64 conflictId, QWidget *parent = nullptr);

    quint64 conflictId() const { return m_id; }
    Choice choice() const { return m_choice; }

    // "choice": "apply" | "edit" | "discard" | "save".
    void fill(const QVariantMap &values) override;
    // "text" (everything shown), "verdict", "changedAgain", "theirs", "yours", "conflicts".
    QVariantMap values() const override;

    QPushButton *applyButton() const { return m_apply; }
    QTableWidget *conflictTable() const { return m_table; }

private:
    void refresh();
    void choose(Choice choice);

    ChangeController *m_controller;
    quint64 m_id;
    Choice m_choice = Choice::None;
    QLabel *m_heading = nullptr;
    QLabel *m_changedAgain = nullptr;
    QLabel *m_theirsLabel = nullptr;
    QPlainTextEdit *m_theirs = nullptr;
    QLabel *m_authors = nullptr;
    QPlainTextEdit *m_yours = nullptr;
    QToolButton *m_jsonToggle = nullptr;
    QPlainTextEdit *m_json = nullptr;
    QLabel *m_verdict = nullptr;
    QTableWidget *m_table = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_discard = nullptr;
};

} // namespace runboard
