// SPDX-License-Identifier: MIT
//
// RunPicker: choose a run of a worktree.
//
// Design considerations
// - The list comes from RunIndex::list, computed off the GUI thread by the caller; the dialog
//   itself does no I/O.
// - Newest first, as people usually want the run they just started; the first row is current so
//   Enter opens it.
// Thread: GUI thread.

#include "runpicker.h"
#include "plaintext.h"

#include "statusstyle.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runboard {

RunPicker::RunPicker(const QString &worktree, const QList<RunSummary> &runs, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Open a Run"));
    auto *layout = new QVBoxLayout(this);
    auto *label = new QLabel(
        tr("%1 holds %n run(s). Pick one:", nullptr, int(runs.size())).arg(worktree), this);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    layout->addWidget(label);

    m_list = new QTreeWidget(this);
    m_list->setAccessibleName(tr("Runs"));
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels({tr("Title"), tr("Run"), tr("Phase"), tr("Status"), tr("Updated")});
    for (auto it = runs.crbegin(); it != runs.crend(); ++it) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, it->title);
        item->setToolTip(0, plainToolTip(it->goalSummary));
        item->setText(1, it->runId);
        item->setText(2, it->currentPhase);
        item->setText(3, it->status);
        item->setText(4, StatusStyle::formatTime(it->updatedAt));
        item->setData(0, Qt::UserRole, it->bundlePath);
    }
    m_list->header()->resizeSections(QHeaderView::ResizeToContents);
    if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));
    layout->addWidget(m_list, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &RunPicker::acceptCurrent);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QTreeWidget::itemActivated, this, &RunPicker::acceptCurrent);
    resize(fontMetrics().averageCharWidth() * 100, fontMetrics().lineSpacing() * 18);
}

void RunPicker::acceptCurrent()
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const QString path = item->data(0, Qt::UserRole).toString();
    accept();
    Q_EMIT runChosen(path);
}

} // namespace runboard
