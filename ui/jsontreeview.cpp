// SPDX-License-Identifier: MIT
//
// JsonTreeView: the raw manifest as a tree.
//
// Design considerations
// - The model (JsonTreeModel) is lazy and incremental, so a new document keeps the expanded
//   nodes, the current node and the scroll position without any bookkeeping here.
// - A hidden tree (another tab is current) only remembers the newest document and updates when
//   shown: nobody looks at it, and expanded arrays of thousands of tasks cost real time. The
//   documents it lets go of are freed in a worker (backgroundrelease.h).
// - Copying works from the keyboard as well as from the context menu.
// Thread: GUI thread.

#include "jsontreeview.h"

#include "backgroundrelease.h"
#include "jsontreemodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QMenu>

namespace runboard {

JsonTreeView::JsonTreeView(QWidget *parent) : QTreeView(parent), m_model(new JsonTreeModel(this))
{
    setModel(m_model);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(JsonTreeModel::Value, QHeaderView::Stretch);
    // In characters, so the columns scale with the font and the screen.
    header()->resizeSection(JsonTreeModel::Key, fontMetrics().averageCharWidth() * 34);
    header()->resizeSection(JsonTreeModel::Type, fontMetrics().averageCharWidth() * 22);
    setAccessibleName(tr("Raw manifest"));
    setAccessibleDescription(tr("The manifest as a JSON tree. Ctrl+Shift+C copies the selected "
                                "node's pointer, Ctrl+C its value."));

    auto *copyPointerAction = new QAction(tr("Copy Pointer"), this);
    copyPointerAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copyPointerAction->setShortcutContext(Qt::WidgetShortcut);
    connect(copyPointerAction, &QAction::triggered, this, [this] { copyPointer(currentIndex()); });
    addAction(copyPointerAction);
    auto *copyValueAction = new QAction(tr("Copy Value"), this);
    copyValueAction->setShortcut(QKeySequence::Copy);
    copyValueAction->setShortcutContext(Qt::WidgetShortcut);
    connect(copyValueAction, &QAction::triggered, this, [this] { copyValue(currentIndex()); });
    addAction(copyValueAction);
}

JsonTreeView::~JsonTreeView() = default;

void JsonTreeView::setDocument(std::shared_ptr<const Json> document)
{
    if (document && !isVisible()) {
        if (document != m_model->document() || m_hasPending) {
            releaseInBackground(std::exchange(m_pending, std::move(document)));
            m_hasPending = true;
        }
        return;
    }
    releaseInBackground(std::exchange(m_pending, nullptr));
    m_hasPending = false;
    std::shared_ptr<const Json> previous = m_model->document();
    m_model->setDocument(std::move(document));
    releaseInBackground(std::move(previous));
}

void JsonTreeView::flushPending()
{
    if (!m_hasPending)
        return;
    m_hasPending = false;
    std::shared_ptr<const Json> previous = m_model->document();
    m_model->setDocument(std::exchange(m_pending, nullptr));
    releaseInBackground(std::move(previous));
}

void JsonTreeView::showEvent(QShowEvent *event)
{
    flushPending();
    QTreeView::showEvent(event);
}

QString JsonTreeView::pointerOf(const QModelIndex &index) const
{
    return m_model->pointerOf(index);
}

QString JsonTreeView::valueTextOf(const QModelIndex &index) const
{
    return m_model->valueTextOf(index);
}

QModelIndex JsonTreeView::indexForPointer(const QString &pointer)
{
    flushPending();
    return m_model->indexForPointer(pointer);
}

void JsonTreeView::copyPointer(const QModelIndex &index) const
{
    if (index.isValid())
        QApplication::clipboard()->setText(pointerOf(index));
}

void JsonTreeView::copyValue(const QModelIndex &index) const
{
    if (index.isValid())
        QApplication::clipboard()->setText(valueTextOf(index));
}

void JsonTreeView::contextMenuEvent(QContextMenuEvent *event)
{
    QModelIndex index = indexAt(viewport()->mapFromGlobal(event->globalPos()));
    if (!index.isValid())
        index = currentIndex();
    if (!index.isValid())
        return;
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    // The texts are taken now: the document may change while the menu is open.
    const QString pointer = pointerOf(index);
    const QString value = valueTextOf(index);
    QAction *copyPointerAction = menu->addAction(tr("Copy Pointer"));
    connect(copyPointerAction, &QAction::triggered, this,
            [pointer] { QApplication::clipboard()->setText(pointer); });
    QAction *copyValueAction = menu->addAction(tr("Copy Value"));
    connect(copyValueAction, &QAction::triggered, this,
            [value] { QApplication::clipboard()->setText(value); });
    menu->popup(event->globalPos());
}

} // namespace runboard
