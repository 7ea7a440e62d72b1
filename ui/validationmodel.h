// SPDX-License-Identifier: MIT
#pragma once

#include "documentchanges.h"
#include "json.h"
#include "statusstyle.h"

#include <QAbstractItemModel>
#include <QElapsedTimer>
#include <QHash>
#include <QList>

#include <memory>
#include <vector>

class QTimer;

namespace runboard {

// The Validation tab: the strategy's steps; under each step its checklist items (one per task
// or for every task), under each item its runs, under each run its findings. Items whose step is
// not in the strategy sit under "Other checklist items". Nodes are keyed by their ids, so a new
// snapshot becomes the smallest set of model signals: a run that passes is one dataChanged, a
// new run one rowsInserted under its item, and expanded nodes, the current node and the scroll
// position of the view stay where they were. GUI thread.
class ValidationModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { Name, Status, Detail, ColumnCount };
    enum Role {
        KeyRole = Qt::UserRole + 1, // "step:V-1/item:C-1/run:r-1": the node's path of keys
        ToneRole,                   // StatusStyle::Tone of the status cell, as int
        KindRole,                   // Kind as int
    };
    enum class Kind { Step, OtherItems, Item, Run, Finding };
    Q_ENUM(Kind)

    explicit ValidationModel(QObject *parent = nullptr);
    ~ValidationModel() override;

    QModelIndex index(int row, int column,
                      const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    bool hasChildren(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Shows the document's validationStrategy. A document whose strategy equals the one shown
    // costs one comparison and emits nothing.
    // `changes` (a snapshot's), when relative to the document shown, spare a comparison.
    void setDocument(std::shared_ptr<const Json> document,
                     const DocumentChanges &changes = DocumentChanges());
    // No run: empty (a reset); the next document is a first fill.
    void clear();

    // The index of the node with this key path (see KeyRole), column 0; invalid when absent.
    QModelIndex indexOfKey(const QString &keyPath) const;

    // Changed and added nodes get a fading background, as in the tables (off by default).
    void setHighlightChanges(bool enabled) { m_highlight = enabled; }
    bool isHighlighted(const QModelIndex &index) const;
    static constexpr int kHighlightMs = 1500;

private:
    struct Cell
    {
        QString text;
        QString toolTip;
        StatusStyle::Tone tone = StatusStyle::Tone::None;
        bool operator==(const Cell &other) const = default;
    };
    struct Spec; // a wanted node, built from the document
    struct Node
    {
        QString key;
        Kind kind = Kind::Step;
        QList<Cell> cells;
        Node *parent = nullptr;
        int row = 0;
        std::vector<std::unique_ptr<Node>> children;
    };

    static std::vector<Spec> specsOf(std::shared_ptr<const Json> document);
    static void uniquifyKeys(std::vector<Spec> &siblings);
    QModelIndex indexOf(const Node *node, int column = 0) const;
    Node *nodeOf(const QModelIndex &index) const;
    void sync(Node *node, std::vector<Spec> &wanted, bool mark);
    std::unique_ptr<Node> build(Spec &spec, Node *parent, int row, bool mark);
    void forget(const Node *node);
    void fade();

    Node m_root;
    std::shared_ptr<const Json> m_document;
    bool m_filled = false;

    bool m_highlight = false;
    QHash<const Node *, qint64> m_changedAt;
    QElapsedTimer m_elapsed;
    QTimer *m_fadeTimer = nullptr;
};

} // namespace runboard
