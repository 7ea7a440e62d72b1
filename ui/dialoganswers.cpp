// SPDX-License-Identifier: MIT
//
// DialogAnswers: the seam between the editing flow's dialogs and the tests that drive it.
//
// Design considerations
// - Callers never know whether a person or a test answers: they connect to accepted/rejected/
//   finished and call open(). A queued answer is delivered from the event loop (a queued call),
//   so the order of events is the same as when a person clicks: the caller's code after open()
//   has run before the answer arrives.
// - The dialog is filled with the answer's values first, so what the caller reads back from it
//   is what a person would have typed.
// Thread: GUI thread; the queue is only touched there.

#include "dialoganswers.h"

#include <QPointer>
#include <QTimer>

namespace runboard {

namespace {

QList<DialogAnswers::Answer> &queue()
{
    static QList<DialogAnswers::Answer> answers;
    return answers;
}

QList<DialogAnswers::Answered> &log()
{
    static QList<DialogAnswers::Answered> answered;
    return answered;
}

} // namespace

void AnswerableDialog::fill(const QVariantMap &values)
{
    Q_UNUSED(values)
}

QVariantMap AnswerableDialog::values() const
{
    return {};
}

bool AnswerableDialog::isReadyForAnswer() const
{
    return true;
}

void DialogAnswers::setNextAnswer(const Answer &answer)
{
    queue().append(answer);
}

qsizetype DialogAnswers::pendingAnswers()
{
    return queue().size();
}

void DialogAnswers::clear()
{
    queue().clear();
    log().clear();
}

const QList<DialogAnswers::Answered> &DialogAnswers::answered()
{
    return log();
}

void DialogAnswers::open(AnswerableDialog *dialog)
{
    if (queue().isEmpty()) {
        dialog->open();
        return;
    }
    const Answer answer = queue().takeFirst();
    QPointer<AnswerableDialog> guarded(dialog);
    const auto respond = [guarded, answer] {
        if (!guarded)
            return;
        guarded->fill(answer.values);
        log().append({guarded->objectName(), guarded->values(), answer.result});
        guarded->done(answer.result);
    };
    if (dialog->isReadyForAnswer()) {
        QTimer::singleShot(0, dialog, respond);
        return;
    }
    QObject::connect(dialog, &AnswerableDialog::readyForAnswer, dialog, respond,
                     Qt::SingleShotConnection);
}

} // namespace runboard
