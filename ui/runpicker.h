// SPDX-License-Identifier: MIT
#pragma once

#include "runindex.h"

#include <QDialog>

class QTreeWidget;

namespace runboard {

// Lets the user pick one of a worktree's runs (newest first). Open it with open(); `runChosen`
// carries the picked run's folder. GUI thread.
class RunPicker : public QDialog
{
    Q_OBJECT

public:
    RunPicker(const QString &worktree, const QList<RunSummary> &runs, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }

Q_SIGNALS:
    void runChosen(const QString &bundlePath);

private:
    void acceptCurrent();

    QTreeWidget *m_list = nullptr;
};

} // namespace runboard
