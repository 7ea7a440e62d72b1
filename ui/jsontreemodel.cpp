// SPDX-License-Identifier: MIT
//
// JsonTreeModel: a JSON document as a lazily filled, incrementally updated tree.
//
// Design considerations
// - Lazy: a container's children exist once a view fetched them (expanding does), so a new
//   document costs work proportional to what has been looked at, not to the file. hasChildren()
//   answers from the JSON, so every container shows its expander before it is fetched.
//   fetchMore() inserts the rows on the next turn of the event loop (QFileSystemModel does the
//   same): its callers are often in the middle of handling another change of this model.
// - Incremental: setDocument() walks the nodes that exist against the new document, per parent,
//   like the tables do per row: removals, a layout change if surviving siblings moved (the
//   persistent indexes go along), insertions, then dataChanged for rows whose shown text
//   changed (a value, or a container's size), and down into fetched children. A container that
//   changed inside but not in size emits nothing itself. Nodes point into the current document
//   only; every existing node is re-pointed during the walk.
// - Keys: members by name; array elements by the same predicate token a pointer would use
//   ({id:…}, else {sessionId:…}) when it selects exactly that element (the first with that
//   value, as JsonPointer resolves it), else by index. Tokens for a whole array are computed in
//   one pass: asking JsonPointer::locate per element would be quadratic, which at 10,000 tasks
//   is seconds.
// - Each node is the internal pointer of its own indexes and knows its parent and row, so
//   parent() is O(1).
// Invariants: n->parent->children[n->row].get() == n; a node's children exist iff fetched;
// every node's value points into m_document.
// Thread: GUI thread.

#include "jsontreemodel.h"
#include "plaintext.h"

#include "jsondiff.h"
#include "jsonpointer.h"

#include <QCoreApplication>
#include <QHash>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace runboard {

namespace {

QString typeName(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::object:
        return QCoreApplication::translate("JsonTreeModel", "object (%n member(s))", nullptr,
                                           int(value.size()));
    case Json::value_t::array:
        return QCoreApplication::translate("JsonTreeModel", "array (%n item(s))", nullptr,
                                           int(value.size()));
    case Json::value_t::string:
        return QCoreApplication::translate("JsonTreeModel", "string");
    case Json::value_t::boolean:
        return QCoreApplication::translate("JsonTreeModel", "boolean");
    case Json::value_t::null:
        return QCoreApplication::translate("JsonTreeModel", "null");
    default:
        return QCoreApplication::translate("JsonTreeModel", "number");
    }
}

QString fullPreview(const Json &value)
{
    if (value.is_string())
        return QString::fromStdString(value.get_ref<const std::string &>());
    if (value.is_object() || value.is_array())
        return QString();
    return QString::fromStdString(value.dump());
}

// What the Value column shows, and whether two values show the same.
bool sameShown(const Json &a, const Json &b)
{
    if (a.type() != b.type())
        return false;
    if (a.is_object() || a.is_array())
        return a.size() == b.size();
    return a == b;
}

const std::string *stringMember(const Json &object, const char *name)
{
    if (!object.is_object())
        return nullptr;
    const auto found = object.find(name);
    return found != object.end() && found->is_string() ? &found->get_ref<const std::string &>()
                                                       : nullptr;
}

} // namespace

JsonTreeModel::JsonTreeModel(QObject *parent) : QAbstractItemModel(parent)
{
    m_root.fetched = true;
}

JsonTreeModel::~JsonTreeModel() = default;

JsonTreeModel::Node *JsonTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer())
                           : const_cast<Node *>(&m_root);
}

QModelIndex JsonTreeModel::indexOf(const Node *node, int column) const
{
    if (!node || node == &m_root)
        return {};
    return createIndex(node->row, column, const_cast<Node *>(node));
}

bool JsonTreeModel::isContainer(const Json *value)
{
    return value && (value->is_object() || value->is_array()) && !value->empty();
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return indexOf(nodeOf(parent)->children.at(std::size_t(row)).get(), column);
}

QModelIndex JsonTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(nodeOf(child)->parent);
}

int JsonTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int JsonTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool JsonTreeModel::hasChildren(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return false;
    const Node *node = nodeOf(parent);
    return node->fetched ? !node->children.empty() : isContainer(node->value);
}

bool JsonTreeModel::canFetchMore(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return false;
    const Node *node = nodeOf(parent);
    return !node->fetched && isContainer(node->value);
}

void JsonTreeModel::fetchMore(const QModelIndex &parent)
{
    // Deferred to the event loop, as QFileSystemModel does: views and QAbstractItemModelTester
    // call fetchMore() while they handle a rowsInserted or modelReset, and rows inserted right
    // there would nest one change inside another.
    if (!canFetchMore(parent) || nodeOf(parent)->fetchScheduled)
        return;
    nodeOf(parent)->fetchScheduled = true;
    const QPersistentModelIndex where(parent);
    const bool root = !parent.isValid();
    QMetaObject::invokeMethod(
        this,
        [this, where, root] {
            if (root || where.isValid())
                fetchNow(root ? &m_root : nodeOf(where));
        },
        Qt::QueuedConnection);
}

void JsonTreeModel::fetchNow(Node *node)
{
    node->fetchScheduled = false;
    if (node->fetched || !isContainer(node->value))
        return;
    const QModelIndex parent = indexOf(node);
    auto children = childrenOf(*node->value);
    node->fetched = true;
    if (children.empty())
        return;
    beginInsertRows(parent, 0, int(children.size()) - 1);
    node->children.reserve(children.size());
    for (std::size_t i = 0; i < children.size(); ++i) {
        node->children.push_back(
            makeNode(std::move(children[i].first), children[i].second, node, int(i)));
    }
    endInsertRows();
}

std::vector<std::pair<std::string, const Json *>> JsonTreeModel::childrenOf(const Json &value)
{
    std::vector<std::pair<std::string, const Json *>> children;
    if (value.is_object()) {
        children.reserve(value.size());
        for (auto it = value.begin(); it != value.end(); ++it)
            children.emplace_back(it.key(), &it.value());
    } else if (value.is_array()) {
        children.reserve(value.size());
        // A predicate names the first element with that value: later ones go by index.
        std::unordered_set<std::string_view> ids;
        std::unordered_set<std::string_view> sessionIds;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const Json &element = value[i];
            std::string token = jsonElementKeyToken(element);
            const std::string *id = stringMember(element, "id");
            const std::string *sessionId = stringMember(element, "sessionId");
            if (!token.empty()) {
                const bool byId = token.rfind("{id:", 0) == 0;
                const std::string *named = byId ? id : sessionId;
                if (!named || (byId ? ids : sessionIds).contains(*named))
                    token.clear();
            }
            if (id)
                ids.insert(*id);
            if (sessionId)
                sessionIds.insert(*sessionId);
            children.emplace_back(token.empty() ? std::to_string(i) : std::move(token), &element);
        }
    }
    return children;
}

std::unique_ptr<JsonTreeModel::Node> JsonTreeModel::makeNode(std::string token, const Json *value,
                                                             Node *parent, int row)
{
    auto node = std::make_unique<Node>();
    node->pointer = parent->pointer + '/' + JsonPointer::escape(token);
    node->token = std::move(token);
    node->value = value;
    node->parent = parent;
    node->row = row;
    return node;
}

QString JsonTreeModel::labelOf(const Node &node, const Node &parent)
{
    if (parent.value && parent.value->is_array()) {
        const bool index = !node.token.empty() && node.token.front() != '{';
        return index ? QStringLiteral("[%1]").arg(QString::fromStdString(node.token))
                     : QString::fromStdString(node.token);
    }
    return QString::fromStdString(node.token);
}

QVariant JsonTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeOf(index);
    const Json &value = *node->value;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Key:
            return labelOf(*node, *node->parent);
        case Value: {
            QString shown = fullPreview(value);
            if (shown.size() > kPreviewLength)
                shown = shown.left(kPreviewLength) + QChar(0x2026);
            shown.replace(QLatin1Char('\n'), QChar(0x21b5));
            return shown;
        }
        case Type:
            return typeName(value);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Key)
            return plainToolTip(QString::fromStdString(node->pointer));
        if (index.column() == Value) {
            const QString shown = fullPreview(value);
            return shown.size() > kPreviewLength ? QVariant(plainToolTip(shown.left(2000)))
                                                 : QVariant();
        }
        return {};
    case PointerRole:
        return QString::fromStdString(node->pointer);
    case JsonRole:
        return QString::fromStdString(value.dump());
    default:
        return {};
    }
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case Key:
        return tr("Key");
    case Value:
        return tr("Value");
    case Type:
        return tr("Type");
    }
    return {};
}

QString JsonTreeModel::pointerOf(const QModelIndex &index) const
{
    return index.isValid() ? QString::fromStdString(nodeOf(index)->pointer) : QString();
}

QString JsonTreeModel::valueTextOf(const QModelIndex &index) const
{
    return index.isValid() ? QString::fromStdString(nodeOf(index)->value->dump()) : QString();
}

QModelIndex JsonTreeModel::indexForPointer(const QString &pointer)
{
    const std::string wanted = pointer.toStdString();
    Node *node = &m_root;
    for (;;) {
        fetchNow(node);
        Node *next = nullptr;
        for (const auto &child : node->children) {
            if (child->pointer == wanted)
                return indexOf(child.get());
            if (wanted.size() > child->pointer.size()
                && wanted.compare(0, child->pointer.size(), child->pointer) == 0
                && wanted[child->pointer.size()] == '/') {
                next = child.get();
                break;
            }
        }
        if (!next)
            return {};
        node = next;
    }
}

void JsonTreeModel::setDocument(std::shared_ptr<const Json> document)
{
    if (document == m_document)
        return;
    if (!document) {
        // No document: the top level goes (rows removed, not a reset: see below).
        if (!m_root.children.empty()) {
            beginRemoveRows(QModelIndex(), 0, int(m_root.children.size()) - 1);
            m_root.children.clear();
            endRemoveRows();
        }
        m_document.reset();
        m_root.value = nullptr;
        return;
    }
    if (!m_document) {
        // The first document: its top level arrives as inserted rows. Never a model reset:
        // views and QAbstractItemModelTester fetch children while handling modelReset, which
        // would insert rows in the middle of someone else's reset.
        m_document = std::move(document);
        m_root.value = m_document.get();
        auto children = childrenOf(*m_document);
        if (!children.empty()) {
            beginInsertRows(QModelIndex(), 0, int(children.size()) - 1);
            m_root.children.reserve(children.size());
            for (std::size_t i = 0; i < children.size(); ++i) {
                m_root.children.push_back(
                    makeNode(std::move(children[i].first), children[i].second, &m_root, int(i)));
            }
            endInsertRows();
        }
        return;
    }
    // The old document stays alive until every node points into the new one.
    const std::shared_ptr<const Json> previous = std::exchange(m_document, std::move(document));
    sync(&m_root, m_document.get());
}

void JsonTreeModel::sync(Node *node, const Json *value)
{
    const QModelIndex parentIndex = indexOf(node);
    node->value = value;
    if (!node->fetched)
        return;
    if (!isContainer(value)) {
        // No longer something with children: drop them; it may be fetched again later.
        if (!node->children.empty()) {
            beginRemoveRows(parentIndex, 0, int(node->children.size()) - 1);
            node->children.clear();
            endRemoveRows();
        }
        node->fetched = node == &m_root;
        return;
    }

    auto wanted = childrenOf(*value);
    auto &children = node->children;
    std::unordered_map<std::string_view, std::size_t> wantedAt;
    wantedAt.reserve(wanted.size());
    for (std::size_t i = 0; i < wanted.size(); ++i)
        wantedAt.emplace(wanted[i].first, i);
    const auto renumber = [&children] {
        for (std::size_t i = 0; i < children.size(); ++i)
            children[i]->row = int(i);
    };

    // 1. Removals, bottom up, one signal per contiguous run.
    for (int i = int(children.size()) - 1; i >= 0; --i) {
        if (wantedAt.contains(children[std::size_t(i)]->token))
            continue;
        const int last = i;
        while (i > 0 && !wantedAt.contains(children[std::size_t(i - 1)]->token))
            --i;
        beginRemoveRows(parentIndex, i, last);
        children.erase(children.begin() + i, children.begin() + last + 1);
        renumber();
        endRemoveRows();
    }

    // 2. Survivors in a new order: a layout change of this parent's children.
    bool reordered = false;
    for (std::size_t i = 1; i < children.size() && !reordered; ++i)
        reordered = wantedAt.at(children[i - 1]->token) > wantedAt.at(children[i]->token);
    if (reordered) {
        const QList<QPersistentModelIndex> parents{QPersistentModelIndex(parentIndex)};
        Q_EMIT layoutAboutToBeChanged(parents, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList before = persistentIndexList();
        std::stable_sort(children.begin(), children.end(), [&](const auto &a, const auto &b) {
            return wantedAt.at(a->token) < wantedAt.at(b->token);
        });
        renumber();
        QModelIndexList from;
        QModelIndexList to;
        for (const QModelIndex &old : before) {
            const Node *moved = nodeOf(old);
            if (moved->parent == node && moved->row != old.row()) {
                from.append(old);
                to.append(indexOf(moved, old.column()));
            }
        }
        changePersistentIndexList(from, to);
        Q_EMIT layoutChanged(parents, QAbstractItemModel::VerticalSortHint);
    }

    // 3. Insertions, top down, one signal per contiguous run of new keys.
    std::unordered_set<std::string_view> survivors;
    survivors.reserve(children.size());
    for (const auto &child : children)
        survivors.insert(child->token);
    std::vector<bool> isNew(wanted.size(), false);
    for (std::size_t pos = 0; pos < wanted.size();) {
        if (pos < children.size() && children[pos]->token == wanted[pos].first) {
            ++pos;
            continue;
        }
        std::size_t end = pos;
        while (end < wanted.size() && !survivors.contains(wanted[end].first))
            ++end;
        beginInsertRows(parentIndex, int(pos), int(end) - 1);
        for (std::size_t r = pos; r < end; ++r) {
            children.insert(children.begin() + std::ptrdiff_t(r),
                            makeNode(wanted[r].first, wanted[r].second, node, int(r)));
            isNew[r] = true;
        }
        renumber();
        endInsertRows();
        pos = end;
    }

    // 4. Survivors: re-pointed, dataChanged where the shown text changed, then their children.
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (isNew[i])
            continue;
        Node *child = children[i].get();
        const Json *next = wanted[i].second;
        const bool changed = !sameShown(*child->value, *next);
        sync(child, next);
        if (changed)
            Q_EMIT dataChanged(indexOf(child, Value), indexOf(child, Type));
    }
}

} // namespace runboard
