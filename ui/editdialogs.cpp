// SPDX-License-Identifier: MIT
//
// The guided actions' forms. Design considerations
// - Each form is an AnswerableDialog, so DialogAnswers opens it window-modal with open() and
//   tests fill it by the names its values() use.
// - Ids, titles and reasons come from agents: labels showing them use Qt::PlainText.
// - Required fields gate OK; the builders in ManifestEdits check the same rules again, so a
//   form is a convenience, never the only guard.
// Thread: GUI thread.

#include "editdialogs.h"

#include "editsettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <functional>

namespace runboard {

namespace {

QLabel *plainLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    return label;
}

QDialogButtonBox *okCancel(QDialog *dialog, const QString &okText)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(okText);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

QPlainTextEdit *textBox(QWidget *parent, const QString &accessibleName, int lines)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setTabChangesFocus(true);
    edit->setAccessibleName(accessibleName);
    edit->setMinimumHeight(edit->fontMetrics().lineSpacing() * lines);
    return edit;
}

// The forms' buttons: "Preview…" enabled while `filled` holds, checked again whenever `source`
// emits `changed`.
template<typename Source, typename Signal>
QDialogButtonBox *previewButtons(QDialog *dialog, Source *source, Signal changed,
                                 std::function<bool()> filled)
{
    QDialogButtonBox *buttons
        = okCancel(dialog, QCoreApplication::translate("EditDialogs", "&Preview…"));
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    const auto update = [ok, filled] {
        ok->setEnabled(filled());
    };
    QObject::connect(source, changed, dialog, update);
    update();
    return buttons;
}

QString valueOf(const QVariantMap &values, const char *name, const QString &fallback)
{
    const auto it = values.constFind(QLatin1String(name));
    return it == values.constEnd() ? fallback : it->toString();
}

} // namespace

OverrideDialog::OverrideDialog(const Manifest::Task &task, const QString &gateReason,
                               const QString &session, QWidget *parent)
    : AnswerableDialog(parent)
{
    setObjectName(QStringLiteral("overrideDialog"));
    setWindowTitle(tr("Mark %1 Done With an Override").arg(task.id));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(plainLabel(QStringLiteral("%1 — %2").arg(task.id, task.title), this));
    layout->addWidget(plainLabel(gateReason, this));
    layout->addWidget(plainLabel(
        tr("Marking it done anyway records a human override on the task and a user override "
           "entry naming you (%1), with your reason, in the same change.")
            .arg(session),
        this));
    auto *reasonLabel = new QLabel(tr("&Reason (required):"), this);
    layout->addWidget(reasonLabel);
    m_reason = textBox(this, tr("Reason for the override"), 3);
    m_reason->setPlaceholderText(tr("e.g. tests verified by hand"));
    reasonLabel->setBuddy(m_reason);
    layout->addWidget(m_reason, 1);
    layout->addWidget(previewButtons(this, m_reason, &QPlainTextEdit::textChanged,
                                     [this] { return !reason().isEmpty(); }));
}

QString OverrideDialog::reason() const
{
    return m_reason->toPlainText().trimmed();
}

void OverrideDialog::fill(const QVariantMap &values)
{
    m_reason->setPlainText(valueOf(values, "reason", m_reason->toPlainText()));
}

QVariantMap OverrideDialog::values() const
{
    return {{QStringLiteral("reason"), reason()}};
}

TaskEditDialog::TaskEditDialog(const Manifest::Task &task, QWidget *parent)
    : AnswerableDialog(parent)
{
    setObjectName(QStringLiteral("taskEditDialog"));
    setWindowTitle(tr("Edit Task %1").arg(task.id));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_title = new QLineEdit(task.title, this);
    m_title->setAccessibleName(tr("Title"));
    form->addRow(tr("&Title:"), m_title);
    m_description = textBox(this, tr("Description"), 5);
    m_description->setPlainText(task.description);
    form->addRow(tr("&Description:"), m_description);
    m_priority = new QComboBox(this);
    m_priority->setAccessibleName(tr("Priority"));
    m_priority->addItem(tr("(none)"), QString());
    for (const char *priority : {"low", "normal", "high", "critical"})
        m_priority->addItem(QLatin1String(priority), QLatin1String(priority));
    const int current = m_priority->findData(task.priority);
    if (current >= 0) {
        m_priority->setCurrentIndex(current);
    } else if (!task.priority.isEmpty()) {
        // A value this version does not know stays selectable, so saving keeps it.
        m_priority->addItem(task.priority, task.priority);
        m_priority->setCurrentIndex(m_priority->count() - 1);
    }
    form->addRow(tr("&Priority:"), m_priority);
    layout->addLayout(form, 1);
    layout->addWidget(previewButtons(this, m_title, &QLineEdit::textChanged,
                                     [this] { return !m_title->text().trimmed().isEmpty(); }));
    resize(fontMetrics().averageCharWidth() * 70, sizeHint().height());
}

QString TaskEditDialog::title() const
{
    return m_title->text();
}

QString TaskEditDialog::description() const
{
    return m_description->toPlainText();
}

QString TaskEditDialog::priority() const
{
    return m_priority->currentData().toString();
}

void TaskEditDialog::fill(const QVariantMap &values)
{
    m_title->setText(valueOf(values, "title", m_title->text()));
    m_description->setPlainText(valueOf(values, "description", m_description->toPlainText()));
    const int index = m_priority->findData(valueOf(values, "priority", priority()));
    if (index >= 0)
        m_priority->setCurrentIndex(index);
}

QVariantMap TaskEditDialog::values() const
{
    return {{QStringLiteral("title"), title()},
            {QStringLiteral("description"), description()},
            {QStringLiteral("priority"), priority()}};
}

ReassignDialog::ReassignDialog(const Manifest::Task &task, const QList<Manifest::Agent> &agents,
                               QWidget *parent)
    : AnswerableDialog(parent)
{
    setObjectName(QStringLiteral("reassignDialog"));
    setWindowTitle(tr("Reassign Task %1").arg(task.id));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(plainLabel(QStringLiteral("%1 — %2").arg(task.id, task.title), this));
    layout->addWidget(plainLabel(
        task.assigneeSessionId.isEmpty()
            ? tr("Nobody holds it now.")
            : tr("Now assigned to %1. The new agent gets no lease until it claims the task.")
                  .arg(task.assigneeSessionId),
        this));
    auto *form = new QFormLayout;
    m_agent = new QComboBox(this);
    m_agent->setAccessibleName(tr("Agent"));
    for (const Manifest::Agent &agent : agents) {
        if (agent.sessionId == task.assigneeSessionId)
            continue;
        m_agent->addItem(tr("%1 (%2, %3)").arg(agent.sessionId, agent.role, agent.status),
                         agent.sessionId);
    }
    form->addRow(tr("&Agent:"), m_agent);
    layout->addLayout(form);
    QDialogButtonBox *buttons = okCancel(this, tr("&Preview…"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(m_agent->count() > 0);
    layout->addWidget(buttons);
}

QString ReassignDialog::sessionId() const
{
    return m_agent->currentData().toString();
}

void ReassignDialog::fill(const QVariantMap &values)
{
    const int index = m_agent->findData(valueOf(values, "sessionId", sessionId()));
    if (index >= 0)
        m_agent->setCurrentIndex(index);
}

QVariantMap ReassignDialog::values() const
{
    return {{QStringLiteral("sessionId"), sessionId()}};
}

DecisionDialog::DecisionDialog(const QString &taskId, const QString &stepId, QWidget *parent)
    : AnswerableDialog(parent)
{
    setObjectName(QStringLiteral("decisionDialog"));
    setWindowTitle(tr("Record a Decision"));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(plainLabel(tr("The decision goes into the run's decision log with you as "
                                    "its source (\"user\"); agents read it."),
                                 this));
    auto *form = new QFormLayout;
    m_summary = textBox(this, tr("Decision"), 3);
    form->addRow(tr("&Decision:"), m_summary);
    m_taskId = new QLineEdit(taskId, this);
    m_taskId->setAccessibleName(tr("About task (optional)"));
    m_taskId->setPlaceholderText(tr("optional, e.g. T-3"));
    form->addRow(tr("About &task:"), m_taskId);
    m_stepId = new QLineEdit(stepId, this);
    m_stepId->setAccessibleName(tr("About validation step (optional)"));
    m_stepId->setPlaceholderText(tr("optional, e.g. V-1"));
    form->addRow(tr("About &step:"), m_stepId);
    layout->addLayout(form, 1);
    layout->addWidget(previewButtons(this, m_summary, &QPlainTextEdit::textChanged,
                                     [this] { return !summary().isEmpty(); }));
}

QString DecisionDialog::summary() const
{
    return m_summary->toPlainText().trimmed();
}

QString DecisionDialog::taskId() const
{
    return m_taskId->text().trimmed();
}

QString DecisionDialog::stepId() const
{
    return m_stepId->text().trimmed();
}

void DecisionDialog::fill(const QVariantMap &values)
{
    m_summary->setPlainText(valueOf(values, "summary", m_summary->toPlainText()));
    m_taskId->setText(valueOf(values, "taskId", m_taskId->text()));
    m_stepId->setText(valueOf(values, "stepId", m_stepId->text()));
}

QVariantMap DecisionDialog::values() const
{
    return {{QStringLiteral("summary"), summary()},
            {QStringLiteral("taskId"), taskId()},
            {QStringLiteral("stepId"), stepId()}};
}

RunDetailsDialog::RunDetailsDialog(const QString &title, const QString &goal, QWidget *parent)
    : AnswerableDialog(parent)
{
    setObjectName(QStringLiteral("runDetailsDialog"));
    setWindowTitle(tr("Edit the Run's Title and Goal"));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_title = new QLineEdit(title, this);
    m_title->setAccessibleName(tr("Run title"));
    form->addRow(tr("&Title:"), m_title);
    m_goal = textBox(this, tr("Goal"), 4);
    m_goal->setPlainText(goal);
    form->addRow(tr("&Goal:"), m_goal);
    layout->addLayout(form, 1);
    layout->addWidget(previewButtons(this, m_title, &QLineEdit::textChanged,
                                     [this] { return !m_title->text().trimmed().isEmpty(); }));
    resize(fontMetrics().averageCharWidth() * 70, sizeHint().height());
}

QString RunDetailsDialog::title() const
{
    return m_title->text();
}

QString RunDetailsDialog::goal() const
{
    return m_goal->toPlainText();
}

void RunDetailsDialog::fill(const QVariantMap &values)
{
    m_title->setText(valueOf(values, "title", m_title->text()));
    m_goal->setPlainText(valueOf(values, "goal", m_goal->toPlainText()));
}

QVariantMap RunDetailsDialog::values() const
{
    return {{QStringLiteral("title"), title()}, {QStringLiteral("goal"), goal()}};
}

ConfirmDialog::ConfirmDialog(const QString &title, const QString &text, const QString &acceptText,
                             QWidget *parent)
    : AnswerableDialog(parent), m_text(text)
{
    setObjectName(QStringLiteral("confirmDialog"));
    setWindowTitle(title);
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(plainLabel(text, this));
    layout->addWidget(okCancel(this, acceptText));
}

QVariantMap ConfirmDialog::values() const
{
    return {{QStringLiteral("text"), m_text}};
}

PreferencesDialog::PreferencesDialog(QWidget *parent) : AnswerableDialog(parent)
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_session = new QLineEdit(EditSettings::sessionName(), this);
    m_session->setAccessibleName(tr("Session name"));
    m_session->setPlaceholderText(EditSettings::defaultSessionName());
    m_session->setToolTip(tr("Recorded in the history, overrides and decisions of every change "
                             "you make. Empty: %1")
                              .arg(EditSettings::defaultSessionName()));
    form->addRow(tr("&Session name:"), m_session);
    m_autoRebase = new QCheckBox(tr("&Re-apply my change on a newer version when nothing in "
                                    "it conflicts"),
                                 this);
    m_autoRebase->setChecked(EditSettings::autoRebase());
    m_autoRebase->setAccessibleName(tr("Re-apply changes automatically"));
    form->addRow(tr("Conflicts:"), m_autoRebase);
    layout->addLayout(form);

    auto *notifications = new QGroupBox(tr("Notifications"), this);
    notifications->setAccessibleName(tr("Desktop notifications"));
    auto *notifyLayout = new QVBoxLayout(notifications);
    notifyLayout->addWidget(
        plainLabel(tr("Tell me through the desktop's notifications when:"), notifications));
    const QList<NotificationSettings::Notice> notices = NotificationSettings::notices();
    for (const NotificationSettings::Notice notice : notices) {
        auto *box = new QCheckBox(NotificationSettings::label(notice), notifications);
        box->setObjectName(QStringLiteral("notify_") + NotificationSettings::name(notice));
        box->setAccessibleName(NotificationSettings::accessibleName(notice));
        box->setChecked(NotificationSettings::isEnabled(notice));
        notifyLayout->addWidget(box);
        m_notify.append(box);
    }
    layout->addWidget(notifications);
    QDialogButtonBox *buttons = okCancel(this, tr("&Save"));
    layout->addWidget(buttons);
    connect(this, &QDialog::accepted, this, &PreferencesDialog::save);
}

void PreferencesDialog::fill(const QVariantMap &values)
{
    m_session->setText(valueOf(values, "sessionName", m_session->text()));
    if (values.contains(QStringLiteral("autoRebase")))
        m_autoRebase->setChecked(values.value(QStringLiteral("autoRebase")).toBool());
    const QList<NotificationSettings::Notice> notices = NotificationSettings::notices();
    for (qsizetype i = 0; i < notices.size(); ++i) {
        const QString name = QStringLiteral("notify/") + NotificationSettings::name(notices.at(i));
        if (values.contains(name))
            m_notify.at(i)->setChecked(values.value(name).toBool());
    }
}

QVariantMap PreferencesDialog::values() const
{
    QVariantMap values{{QStringLiteral("sessionName"), m_session->text()},
                       {QStringLiteral("autoRebase"), m_autoRebase->isChecked()}};
    const QList<NotificationSettings::Notice> notices = NotificationSettings::notices();
    for (qsizetype i = 0; i < notices.size(); ++i) {
        values.insert(QStringLiteral("notify/") + NotificationSettings::name(notices.at(i)),
                      m_notify.at(i)->isChecked());
    }
    return values;
}

QCheckBox *PreferencesDialog::notificationBox(NotificationSettings::Notice notice) const
{
    return m_notify.value(NotificationSettings::notices().indexOf(notice));
}

void PreferencesDialog::save()
{
    EditSettings::setSessionName(m_session->text());
    EditSettings::setAutoRebase(m_autoRebase->isChecked());
    const QList<NotificationSettings::Notice> notices = NotificationSettings::notices();
    for (qsizetype i = 0; i < notices.size(); ++i)
        NotificationSettings::setEnabled(notices.at(i), m_notify.at(i)->isChecked());
}

} // namespace runboard
