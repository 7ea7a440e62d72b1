// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QTreeWidget>

#include <memory>

namespace runboard {

// The Raw tab: a read-only tree of the manifest's JSON. Children are created when a node is
// first expanded, so a 5 MB manifest costs a few dozen items until someone digs in. Each item
// knows its JSON Pointer, written with ADE's id predicates where an array element has an id
// (`/tasks/{id:T-1}/status`), the form patches use. GUI thread.
class JsonTreeView : public QTreeWidget
{
    Q_OBJECT

public:
    enum Column { Key, Value, Type };
    static constexpr int kPointerRole = Qt::UserRole + 1;

    explicit JsonTreeView(QWidget *parent = nullptr);

    // Shows `document`; the same pointer again is a no-op. Expanded nodes and the current node
    // are kept (by pointer) across documents.
    void setDocument(std::shared_ptr<const Json> document);

    QString pointerOf(const QTreeWidgetItem *item) const;
    // The node's value as compact JSON; empty when it no longer exists.
    QString valueTextOf(const QTreeWidgetItem *item) const;
    // The item for a pointer, expanding its way there; nullptr when absent.
    QTreeWidgetItem *itemForPointer(const QString &pointer);

    void copyPointer(const QTreeWidgetItem *item) const;
    void copyValue(const QTreeWidgetItem *item) const;

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void populate(QTreeWidgetItem *item);
    void addChildren(QTreeWidgetItem *parent, const Json &value, const std::string &pointer);
    QTreeWidgetItem *makeItem(const QString &key, const Json &value, const std::string &pointer);
    const Json *resolve(const QString &pointer) const;

    std::shared_ptr<const Json> m_document;
};

} // namespace runboard
