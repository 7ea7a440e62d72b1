// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QList>
#include <QString>
#include <QVariantMap>

namespace runboard {

// A dialog of the editing flow: it says what the person entered as named values, and a test can
// fill it with values of the same names. GUI thread.
class AnswerableDialog : public QDialog
{
    Q_OBJECT

public:
    using QDialog::QDialog;

    // Sets the dialog's fields from values named as values() names them.
    virtual void fill(const QVariantMap &values);
    // What the dialog holds now: its fields and, where it shows some, its text ("text").
    virtual QVariantMap values() const;
    // False while the dialog still works out what it shows (a preview computed in a worker);
    // it emits readyForAnswer() once it is done.
    virtual bool isReadyForAnswer() const;

Q_SIGNALS:
    void readyForAnswer();
};

// Opens the editing flow's dialogs, window-modal with open() (STYLE.md UI, never exec()). A
// test queues answers first, as KeePassXC's MessageBox::setNextAnswer does: the next dialog is
// then filled and accepted or rejected as soon as it is ready, through the same signals a
// person's click sends, and shows nothing. Nothing queued: the person answers. GUI thread.
class DialogAnswers
{
public:
    struct Answer
    {
        QDialog::DialogCode result = QDialog::Accepted;
        QVariantMap values;
    };
    struct Answered
    {
        QString name;       // the dialog's objectName
        QVariantMap values; // what it held when it was answered
        QDialog::DialogCode result = QDialog::Accepted;
    };

    static void setNextAnswer(const Answer &answer);
    static qsizetype pendingAnswers();
    // Forgets queued answers and the log of answered dialogs.
    static void clear();
    // The dialogs answered from the queue, oldest first.
    static const QList<Answered> &answered();

    static void open(AnswerableDialog *dialog);
};

} // namespace runboard
