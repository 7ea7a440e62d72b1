// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QAbstractItemModel>

#include <memory>
#include <string>
#include <vector>

namespace runboard {

// The Raw tab's model: a JSON document as a tree (Key, Value, Type). Children are created when
// a view first asks for them (canFetchMore/fetchMore), so a 10 MB manifest costs a few dozen
// rows until someone digs in. A new document is diffed against the rows that exist, by key (a
// member name, an array element's id predicate, or its index), so a one-value change is one
// dataChanged and expanded nodes stay expanded. Each row knows its JSON Pointer, written with
// ADE's id predicates where an element's id names exactly it (`/tasks/{id:T-1}/status`), the
// form patches use. GUI thread.
class JsonTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { Key, Value, Type, ColumnCount };
    enum Role {
        PointerRole = Qt::UserRole + 1, // the row's JSON Pointer (QString)
        JsonRole,                       // the row's value as compact JSON (QString)
    };

    explicit JsonTreeModel(QObject *parent = nullptr);
    ~JsonTreeModel() override;

    QModelIndex index(int row, int column,
                      const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    bool hasChildren(const QModelIndex &parent = QModelIndex()) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Shows `document` (null: nothing). The same pointer again does nothing.
    void setDocument(std::shared_ptr<const Json> document);
    std::shared_ptr<const Json> document() const { return m_document; }

    QString pointerOf(const QModelIndex &index) const;
    // The row's value as compact JSON; empty when the index is invalid.
    QString valueTextOf(const QModelIndex &index) const;
    // The row with this pointer (as pointerOf() writes it), column 0, fetching its ancestors'
    // children on the way; invalid when there is none.
    QModelIndex indexForPointer(const QString &pointer);

    static constexpr int kPreviewLength = 200;

private:
    struct Node
    {
        std::string token; // the key in the parent: member name, predicate or index
        std::string pointer;
        const Json *value = nullptr; // inside m_document
        Node *parent = nullptr;
        int row = 0;
        bool fetched = false;        // children created
        bool fetchScheduled = false; // fetchMore() asked, fetchNow() not run yet
        std::vector<std::unique_ptr<Node>> children;
    };

    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOf(const Node *node, int column = 0) const;
    static bool isContainer(const Json *value);
    static std::vector<std::pair<std::string, const Json *>> childrenOf(const Json &value);
    void fetchNow(Node *node);
    std::unique_ptr<Node> makeNode(std::string token, const Json *value, Node *parent, int row);
    void sync(Node *node, const Json *value);
    static QString labelOf(const Node &node, const Node &parent);

    std::shared_ptr<const Json> m_document;
    Node m_root;
};

} // namespace runboard
