// SPDX-License-Identifier: MIT
//
// JsonTreeView: the raw manifest as a tree.
//
// Design considerations
// - Lazy children: a node's children are built on its first expansion (the "populated" flag is
//   kept on the item), so building the tree after every snapshot is cheap; expanded nodes are
//   re-expanded by pointer, which rebuilds just the visible part.
// - Pointers for array elements use {id:…}/{sessionId:…} predicates only when the predicate
//   selects exactly that element (a hand-edited file can repeat an id); else a numeric index.
// - Values are read from the shared, immutable document; no copy of the JSON is kept in items
//   beyond a one-line preview.
// Thread: GUI thread.

#include "jsontreeview.h"

#include "jsonpointer.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QMenu>
#include <QScrollBar>
#include <QSet>

#include <algorithm>

namespace runboard {

namespace {

constexpr int kPopulatedRole = Qt::UserRole + 2;
constexpr int kPreviewLength = 200;

QString typeName(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::object:
        return QCoreApplication::translate("JsonTreeView", "object (%n member(s))", nullptr,
                                           int(value.size()));
    case Json::value_t::array:
        return QCoreApplication::translate("JsonTreeView", "array (%n item(s))", nullptr,
                                           int(value.size()));
    case Json::value_t::string:
        return QCoreApplication::translate("JsonTreeView", "string");
    case Json::value_t::boolean:
        return QCoreApplication::translate("JsonTreeView", "boolean");
    case Json::value_t::null:
        return QCoreApplication::translate("JsonTreeView", "null");
    default:
        return QCoreApplication::translate("JsonTreeView", "number");
    }
}

QString preview(const Json &value)
{
    if (value.is_string())
        return QString::fromStdString(value.get_ref<const std::string &>());
    if (value.is_object() || value.is_array())
        return QString();
    return QString::fromStdString(value.dump());
}

// The predicate token that selects element `index` of `array`, or a numeric index.
std::string elementToken(const Json &array, std::size_t index)
{
    const Json &element = array.at(index);
    if (element.is_object()) {
        for (const char *field : {"id", "sessionId"}) {
            const auto found = element.find(field);
            if (found == element.end() || !found->is_string())
                continue;
            const std::string token
                = JsonPointer::predicateToken(field, found->get_ref<const std::string &>());
            const JsonPointer::ArrayPosition position = JsonPointer::locate(array, token);
            if (position.kind == JsonPointer::ArrayPosition::Kind::Predicate && position.exists
                && position.index == index)
                return token;
        }
    }
    return std::to_string(index);
}

} // namespace

JsonTreeView::JsonTreeView(QWidget *parent) : QTreeWidget(parent)
{
    setColumnCount(3);
    setHeaderLabels({tr("Key"), tr("Value"), tr("Type")});
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(Value, QHeaderView::Stretch);
    header()->resizeSection(Key, 260);
    header()->resizeSection(Type, 170);
    setAccessibleName(tr("Raw manifest"));
    connect(this, &QTreeWidget::itemExpanded, this, &JsonTreeView::populate);
}

void JsonTreeView::setDocument(std::shared_ptr<const Json> document)
{
    if (document == m_document)
        return;

    QSet<QString> expanded;
    for (QTreeWidgetItemIterator it(this); *it; ++it) {
        if ((*it)->isExpanded())
            expanded.insert(pointerOf(*it));
    }
    const QString current = currentItem() ? pointerOf(currentItem()) : QString();
    const int scroll = verticalScrollBar()->value();

    m_document = std::move(document);
    clear();
    if (!m_document)
        return;
    addChildren(invisibleRootItem(), *m_document, std::string());

    // Parents come before children in this order, so each expansion finds its item built.
    QStringList order(expanded.cbegin(), expanded.cend());
    std::sort(order.begin(), order.end(),
              [](const QString &a, const QString &b) { return a.size() < b.size(); });
    for (const QString &pointer : std::as_const(order)) {
        if (QTreeWidgetItem *item = itemForPointer(pointer))
            item->setExpanded(true);
    }
    if (!current.isEmpty()) {
        if (QTreeWidgetItem *item = itemForPointer(current))
            setCurrentItem(item);
    }
    verticalScrollBar()->setValue(scroll);
}

QString JsonTreeView::pointerOf(const QTreeWidgetItem *item) const
{
    return item ? item->data(Key, kPointerRole).toString() : QString();
}

const Json *JsonTreeView::resolve(const QString &pointer) const
{
    if (!m_document)
        return nullptr;
    const Result<JsonPointer> parsed = JsonPointer::parse(pointer.toStdString());
    if (!parsed.isOk())
        return nullptr;
    return parsed->find(*m_document);
}

QString JsonTreeView::valueTextOf(const QTreeWidgetItem *item) const
{
    const Json *value = resolve(pointerOf(item));
    return value ? QString::fromStdString(value->dump()) : QString();
}

QTreeWidgetItem *JsonTreeView::itemForPointer(const QString &pointer)
{
    // Walk down from the top, populating as needed; pointers of children extend their parent's.
    QTreeWidgetItem *parent = invisibleRootItem();
    for (;;) {
        QTreeWidgetItem *next = nullptr;
        for (int i = 0; i < parent->childCount(); ++i) {
            QTreeWidgetItem *child = parent->child(i);
            const QString childPointer = pointerOf(child);
            if (childPointer == pointer)
                return child;
            if (pointer.startsWith(childPointer + QLatin1Char('/'))) {
                next = child;
                break;
            }
        }
        if (!next)
            return nullptr;
        populate(next);
        parent = next;
    }
}

void JsonTreeView::populate(QTreeWidgetItem *item)
{
    if (!item || item->data(Key, kPopulatedRole).toBool())
        return;
    item->setData(Key, kPopulatedRole, true);
    const QString pointer = pointerOf(item);
    if (const Json *value = resolve(pointer))
        addChildren(item, *value, pointer.toStdString());
}

void JsonTreeView::addChildren(QTreeWidgetItem *parent, const Json &value,
                               const std::string &pointer)
{
    QList<QTreeWidgetItem *> items;
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            items.append(makeItem(QString::fromStdString(it.key()), it.value(),
                                  pointer + '/' + JsonPointer::escape(it.key())));
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string token = elementToken(value, i);
            const QString label = token == std::to_string(i) ? QStringLiteral("[%1]").arg(i)
                                                             : QString::fromStdString(token);
            items.append(makeItem(label, value.at(i), pointer + '/' + JsonPointer::escape(token)));
        }
    }
    parent->addChildren(items);
}

QTreeWidgetItem *JsonTreeView::makeItem(const QString &key, const Json &value,
                                        const std::string &pointer)
{
    auto *item = new QTreeWidgetItem;
    item->setText(Key, key);
    QString shown = preview(value);
    item->setToolTip(Value, shown.size() > kPreviewLength ? shown.left(2000) : QString());
    if (shown.size() > kPreviewLength)
        shown = shown.left(kPreviewLength) + QChar(0x2026);
    shown.replace(QLatin1Char('\n'), QChar(0x21b5));
    item->setText(Value, shown);
    item->setText(Type, typeName(value));
    item->setData(Key, kPointerRole, QString::fromStdString(pointer));
    item->setToolTip(Key, QString::fromStdString(pointer));
    const bool container = (value.is_object() || value.is_array()) && !value.empty();
    item->setChildIndicatorPolicy(container ? QTreeWidgetItem::ShowIndicator
                                            : QTreeWidgetItem::DontShowIndicator);
    if (!container)
        item->setData(Key, kPopulatedRole, true);
    return item;
}

void JsonTreeView::copyPointer(const QTreeWidgetItem *item) const
{
    if (item)
        QApplication::clipboard()->setText(pointerOf(item));
}

void JsonTreeView::copyValue(const QTreeWidgetItem *item) const
{
    if (item)
        QApplication::clipboard()->setText(valueTextOf(item));
}

void JsonTreeView::contextMenuEvent(QContextMenuEvent *event)
{
    QTreeWidgetItem *item = itemAt(viewport()->mapFromGlobal(event->globalPos()));
    if (!item)
        item = currentItem();
    if (!item)
        return;
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const QString pointer = pointerOf(item);
    QAction *copyPointerAction = menu->addAction(tr("Copy pointer"));
    connect(copyPointerAction, &QAction::triggered, this,
            [pointer] { QApplication::clipboard()->setText(pointer); });
    QAction *copyValueAction = menu->addAction(tr("Copy value"));
    const QString value = valueTextOf(item);
    connect(copyValueAction, &QAction::triggered, this,
            [value] { QApplication::clipboard()->setText(value); });
    menu->popup(event->globalPos());
}

} // namespace runboard
