// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QTreeView>

#include <memory>

namespace runboard {

class JsonTreeModel;

// The Raw tab: the manifest as a read-only JSON tree (JsonTreeModel) with "Copy Pointer" and
// "Copy Value" in the context menu and on the keyboard (Ctrl+Shift+C, Ctrl+C). While the view is
// hidden (another tab is current) it only remembers the newest document and updates the tree
// when it is shown or asked. GUI thread.
class JsonTreeView : public QTreeView
{
    Q_OBJECT

public:
    explicit JsonTreeView(QWidget *parent = nullptr);
    ~JsonTreeView() override;

    // Shows `document`; the same pointer again does nothing. Expanded nodes and the current node
    // stay where they are across documents.
    void setDocument(std::shared_ptr<const Json> document);

    JsonTreeModel *jsonModel() const { return m_model; }
    QString pointerOf(const QModelIndex &index) const;
    // The node's value as compact JSON; empty for an invalid index.
    QString valueTextOf(const QModelIndex &index) const;
    // The index (column 0) for a pointer, fetching its way there; invalid when absent.
    QModelIndex indexForPointer(const QString &pointer);

    void copyPointer(const QModelIndex &index) const;
    void copyValue(const QModelIndex &index) const;

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void flushPending();

    JsonTreeModel *m_model = nullptr;
    std::shared_ptr<const Json> m_pending;
    bool m_hasPending = false;
};

} // namespace runboard
