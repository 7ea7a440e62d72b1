// SPDX-License-Identifier: MIT
#pragma once

#include "dialoganswers.h"
#include "manifest.h"
#include "notificationsettings.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLineEdit;
class QPlainTextEdit;

namespace runboard {

// The small forms behind the guided actions. Each asks only for what the person decides; the
// patch is built from their answer against the version they were looking at. Text shown from the
// manifest is plain text. Every field has an accessible name and a label with a mnemonic; OK is
// enabled only while the required fields are filled. Values are named as in values(). GUI thread.

// "Mark T-3 done with an override": the reason (required).
class OverrideDialog : public AnswerableDialog
{
    Q_OBJECT
public:
    OverrideDialog(const Manifest::Task &task, const QString &gateReason, const QString &session,
                   QWidget *parent = nullptr);
    QString reason() const;
    void fill(const QVariantMap &values) override; // "reason"
    QVariantMap values() const override;

private:
    QPlainTextEdit *m_reason = nullptr;
};

// A task's title, description and priority.
class TaskEditDialog : public AnswerableDialog
{
    Q_OBJECT
public:
    explicit TaskEditDialog(const Manifest::Task &task, QWidget *parent = nullptr);
    QString title() const;
    QString description() const;
    QString priority() const;                      // empty: none
    void fill(const QVariantMap &values) override; // "title", "description", "priority"
    QVariantMap values() const override;

private:
    QLineEdit *m_title = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QComboBox *m_priority = nullptr;
};

// Which agent a task goes to.
class ReassignDialog : public AnswerableDialog
{
    Q_OBJECT
public:
    ReassignDialog(const Manifest::Task &task, const QList<Manifest::Agent> &agents,
                   QWidget *parent = nullptr);
    QString sessionId() const;
    void fill(const QVariantMap &values) override; // "sessionId"
    QVariantMap values() const override;

private:
    QComboBox *m_agent = nullptr;
};

// A decision for the run's log, optionally about a task or a validation step.
class DecisionDialog : public AnswerableDialog
{
    Q_OBJECT
public:
    DecisionDialog(const QString &taskId, const QString &stepId, QWidget *parent = nullptr);
    QString summary() const;
    QString taskId() const;
    QString stepId() const;
    void fill(const QVariantMap &values) override; // "summary", "taskId", "stepId"
    QVariantMap values() const override;

private:
    QPlainTextEdit *m_summary = nullptr;
    QLineEdit *m_taskId = nullptr;
    QLineEdit *m_stepId = nullptr;
};

// The run's title and goal.
class RunDetailsDialog : public AnswerableDialog
{
    Q_OBJECT
public:
    RunDetailsDialog(const QString &title, const QString &goal, QWidget *parent = nullptr);
    QString title() const;
    QString goal() const;
    void fill(const QVariantMap &values) override; // "title", "goal"
    QVariantMap values() const override;

private:
    QLineEdit *m_title = nullptr;
    QPlainTextEdit *m_goal = nullptr;
};

// A yes/no question, e.g. before replacing a patch the person has not saved.
class ConfirmDialog : public AnswerableDialog
{
    Q_OBJECT
public:
    ConfirmDialog(const QString &title, const QString &text, const QString &acceptText,
                  QWidget *parent = nullptr);
    QVariantMap values() const override; // "text"

private:
    QString m_text;
};

// Who the person is, how conflicts are handled (EditSettings) and which desktop notifications
// they want (NotificationSettings).
class PreferencesDialog : public AnswerableDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget *parent = nullptr);
    // "sessionName", "autoRebase", and "notify/<name>" per notice ("notify/agentStalled", names
    // as NotificationSettings::name gives them).
    void fill(const QVariantMap &values) override;
    QVariantMap values() const override;
    QCheckBox *notificationBox(NotificationSettings::Notice notice) const;

private:
    void save();

    QLineEdit *m_session = nullptr;
    QCheckBox *m_autoRebase = nullptr;
    QList<QCheckBox *> m_notify; // in the order of NotificationSettings::notices()
};

} // namespace runboard
