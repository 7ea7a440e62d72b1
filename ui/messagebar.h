// SPDX-License-Identifier: MIT
#pragma once

#include "statusstyle.h"

#include <QFrame>

class QHBoxLayout;
class QLabel;
class QToolButton;

namespace runboard {

// A non-modal bar shown above the content it is about (KTextEditor's "modified on disk" bar):
// an icon, a message, optional action buttons and an optional close button. It never takes
// focus from what the user is doing. GUI thread.
class MessageBar : public QFrame
{
    Q_OBJECT

public:
    enum class Kind { Information, Warning, Error };
    Q_ENUM(Kind)
    enum class Closable { No, Yes };

    explicit MessageBar(QWidget *parent = nullptr);

    // Shows the bar with this text (plain text, word-wrapped); replaces any earlier message and
    // its actions.
    void showMessage(Kind kind, const QString &text, Closable closable = Closable::No);
    // Adds a button for `action` to the current message (removed by the next showMessage()).
    void addAction(QAction *action);
    void dismiss();

    QString text() const;
    Kind kind() const { return m_kind; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyPalette();
    void clearActions();

    Kind m_kind = Kind::Information;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QHBoxLayout *m_actions = nullptr;
    QToolButton *m_close = nullptr;
};

} // namespace runboard
