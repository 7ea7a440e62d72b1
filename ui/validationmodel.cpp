// SPDX-License-Identifier: MIT
//
// ValidationModel: validation steps, checklist items, runs and findings as a tree model.
//
// Design considerations
// - Like the tables (RowModel), the tree is diffed by key instead of rebuilt: a snapshot builds
//   the wanted tree (Spec) from the typed Manifest, and sync() walks it against the nodes shown,
//   parent by parent: removals (one signal per contiguous run), a layout change only if
//   surviving siblings changed order (persistent indexes moved along), insertions (a new node
//   arrives with its whole subtree in one rowsInserted), then one dataChanged per changed node
//   over its changed columns, and the same one level down. Views keep expansion, selection and
//   scroll position because the nodes they point at never go away while they exist on disk.
// - Each node is the internal pointer of its own indexes and knows its parent and its row, so
//   parent() is O(1) and no index is ever searched for.
// - Validation state changes far less often than tasks and heartbeats: a snapshot whose
//   /validationStrategy equals the one shown (one JSON comparison) emits nothing.
// - A checklist item whose step is missing from `steps` is listed under "Other checklist items"
//   rather than dropped: hand edits happen, and what is on disk must stay visible.
// - Sibling keys can repeat in a hand-edited file; the repeats get their occurrence appended.
// Invariants: for every node n, n->parent->children[n->row].get() == n; every node has
// ColumnCount cells; m_changedAt holds only live nodes.
// Thread: GUI thread.

#include "validationmodel.h"
#include "plaintext.h"

#include "manifest.h"
#include "rowmodel.h"

#include <QGuiApplication>
#include <QPalette>
#include <QSet>
#include <QTimer>

#include <algorithm>

namespace runboard {

struct ValidationModel::Spec
{
    QString key;
    Kind kind = Kind::Step;
    QList<Cell> cells;
    std::vector<Spec> children;
};

namespace {

const Json *strategyOf(const std::shared_ptr<const Json> &document)
{
    if (!document || !document->is_object())
        return nullptr;
    const auto found = document->find("validationStrategy");
    return found == document->end() ? nullptr : &*found;
}

} // namespace

ValidationModel::ValidationModel(QObject *parent) : QAbstractItemModel(parent)
{
    m_elapsed.start();
}

ValidationModel::~ValidationModel() = default;

ValidationModel::Node *ValidationModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer())
                           : const_cast<Node *>(&m_root);
}

QModelIndex ValidationModel::indexOf(const Node *node, int column) const
{
    if (!node || node == &m_root)
        return {};
    return createIndex(node->row, column, const_cast<Node *>(node));
}

QModelIndex ValidationModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    const Node *node = nodeOf(parent);
    return indexOf(node->children.at(std::size_t(row)).get(), column);
}

QModelIndex ValidationModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(nodeOf(child)->parent);
}

int ValidationModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int ValidationModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool ValidationModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QVariant ValidationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeOf(index);
    const Cell &cell = node->cells.at(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return cell.text;
    case Qt::ToolTipRole:
        return cell.toolTip.isEmpty() ? QVariant() : QVariant(plainToolTip(cell.toolTip));
    case Qt::ForegroundRole:
        if (cell.tone == StatusStyle::Tone::None)
            return {};
        return StatusStyle::color(cell.tone, QGuiApplication::palette());
    case Qt::DecorationRole:
        if (index.column() != Status || cell.tone == StatusStyle::Tone::None)
            return {};
        return StatusStyle::icon(cell.tone);
    case Qt::BackgroundRole: {
        const auto changed = m_changedAt.constFind(node);
        if (changed == m_changedAt.constEnd())
            return {};
        const qint64 age = m_elapsed.elapsed() - *changed;
        return StatusStyle::highlight(QGuiApplication::palette(),
                                      1.0 - qreal(age) / qreal(kHighlightMs));
    }
    case KeyRole: {
        QStringList keys;
        for (const Node *n = node; n && n != &m_root; n = n->parent)
            keys.prepend(n->key);
        return keys.join(QLatin1Char('/'));
    }
    case ToneRole:
        return int(node->cells.at(Status).tone);
    case KindRole:
        return int(node->kind);
    default:
        return {};
    }
}

QVariant ValidationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractItemModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Name:
            return tr("Step / item");
        case Status:
            return tr("Status");
        case Detail:
            return tr("Detail");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Name:
            return tr("Validation steps; under each, its checklist items, their runs and the "
                      "runs' findings");
        case Status:
            return tr("A step's scope, the latest run's status, a run's status or a finding's "
                      "severity");
        default:
            return {};
        }
    }
    return {};
}

bool ValidationModel::isHighlighted(const QModelIndex &index) const
{
    return index.isValid() && m_changedAt.contains(nodeOf(index));
}

QModelIndex ValidationModel::indexOfKey(const QString &keyPath) const
{
    const Node *node = &m_root;
    for (const QString &key : keyPath.split(QLatin1Char('/'))) {
        const auto found = std::find_if(node->children.cbegin(), node->children.cend(),
                                        [&](const auto &child) { return child->key == key; });
        if (found == node->children.cend())
            return {};
        node = found->get();
    }
    return indexOf(node);
}

void ValidationModel::clear()
{
    beginResetModel();
    m_root.children.clear();
    m_changedAt.clear();
    m_document.reset();
    m_filled = false;
    endResetModel();
    if (m_fadeTimer)
        m_fadeTimer->stop();
}

void ValidationModel::setDocument(std::shared_ptr<const Json> document,
                                  const DocumentChanges &changes)
{
    bool same = false;
    if (changes.isRelativeTo(m_document)) {
        same = !changes.mayDiffer("validationStrategy");
    } else {
        const Json *before = strategyOf(m_document);
        const Json *after = strategyOf(document);
        same = before && after ? *before == *after : before == after;
    }
    const bool first = !m_filled;
    m_document = std::move(document);
    if (same && !first)
        return;
    std::vector<Spec> wanted = m_document ? specsOf(m_document) : std::vector<Spec>();
    sync(&m_root, wanted, m_highlight && !first);
    m_filled = true;
    if (!m_changedAt.isEmpty()) {
        if (!m_fadeTimer) {
            m_fadeTimer = new QTimer(this);
            m_fadeTimer->setInterval(100);
            connect(m_fadeTimer, &QTimer::timeout, this, &ValidationModel::fade);
        }
        if (!m_fadeTimer->isActive())
            m_fadeTimer->start();
    }
}

std::vector<ValidationModel::Spec> ValidationModel::specsOf(std::shared_ptr<const Json> document)
{
    const Manifest typed(std::move(document));
    const QList<Manifest::ValidationStep> steps = typed.validationSteps();
    const QList<Manifest::ChecklistItem> checklist = typed.checklist();

    const auto cell = [](const QString &text, const QString &toolTip = QString(),
                         StatusStyle::Tone tone = StatusStyle::Tone::None) {
        return Cell{text, toolTip, tone};
    };
    const auto statusCell = [&](const QString &status, const QString &toolTip = QString()) {
        return cell(status, toolTip, StatusStyle::toneFor(status));
    };

    std::vector<Spec> top;
    QHash<QString, int> stepAt;
    for (const Manifest::ValidationStep &step : steps) {
        Spec spec;
        spec.key = QStringLiteral("step:") + step.id;
        spec.kind = Kind::Step;
        QString detail = step.prompt;
        if (!step.evidenceRequired.isEmpty())
            detail += tr(" (evidence: %1)").arg(step.evidenceRequired.join(QStringLiteral(", ")));
        const QString scope = step.required ? tr("required, %1").arg(step.scope) : step.scope;
        QString scopeTip;
        if (step.scope == QLatin1String("per_worker"))
            scopeTip = tr("Checked once per worker's task");
        else if (step.scope == QLatin1String("per_step"))
            scopeTip = tr("Checked once per plan step");
        else if (step.scope == QLatin1String("mission_exit"))
            scopeTip = tr("Checked once before the run ends");
        if (!step.appliesToTaskIds.isEmpty())
            scopeTip
                += (scopeTip.isEmpty() ? QString() : QStringLiteral("\n"))
                   + tr("Applies to: %1").arg(step.appliesToTaskIds.join(QStringLiteral(", ")));
        spec.cells = {cell(tr("%1 — %2").arg(step.id, step.concern), step.prompt),
                      cell(scope, scopeTip), cell(detail, detail)};
        if (!stepAt.contains(step.id))
            stepAt.insert(step.id, int(top.size()));
        top.push_back(std::move(spec));
    }

    int others = -1;
    for (const Manifest::ChecklistItem &entry : checklist) {
        int parent = stepAt.value(entry.stepId, -1);
        if (parent < 0) {
            if (others < 0) {
                Spec group;
                group.key = QStringLiteral("other");
                group.kind = Kind::OtherItems;
                group.cells = {cell(tr("Other checklist items")), cell(QString()),
                               cell(tr("Checklist items whose step is not in the strategy"))};
                others = int(top.size());
                top.push_back(std::move(group));
            }
            parent = others;
        }
        Spec item;
        item.key = QStringLiteral("item:") + entry.id;
        item.kind = Kind::Item;
        QString latestStatus;
        for (const Manifest::ChecklistRun &run : entry.runs) {
            if (run.id == entry.latestRunId)
                latestStatus = run.status;
        }
        const QString name = entry.taskId.isEmpty()
                                 ? tr("%1 (every task)").arg(entry.id)
                                 : tr("%1 (task %2)").arg(entry.id, entry.taskId);
        item.cells = {cell(name, parent == others ? tr("Step %1").arg(entry.stepId) : QString()),
                      statusCell(latestStatus, tr("The status of the latest run")),
                      cell(tr("%n run(s)", nullptr, int(entry.runs.size())))};
        for (const Manifest::ChecklistRun &run : entry.runs) {
            Spec runSpec;
            runSpec.key = QStringLiteral("run:") + run.id;
            runSpec.kind = Kind::Run;
            QString detail = tr("by %1, started %2")
                                 .arg(run.runBySessionId, StatusStyle::formatTime(run.startedAt));
            if (run.endedAt.isValid())
                detail += tr(", ended %1").arg(StatusStyle::formatTime(run.endedAt));
            if (run.attachedEvidenceCount > 0)
                detail += tr(", %n evidence item(s)", nullptr, run.attachedEvidenceCount);
            if (!run.notes.isEmpty())
                detail += QStringLiteral(" — ") + run.notes;
            runSpec.cells
                = {cell(run.id == entry.latestRunId ? tr("%1 (latest)").arg(run.id) : run.id),
                   statusCell(run.status), cell(detail, detail)};
            for (const Manifest::Finding &finding : run.findings) {
                Spec findingSpec;
                findingSpec.key = QStringLiteral("finding:") + finding.id;
                findingSpec.kind = Kind::Finding;
                const QString text = finding.fix.isEmpty()
                                         ? finding.detail
                                         : finding.detail + tr(" Fix: ") + finding.fix;
                findingSpec.cells
                    = {cell(finding.title, finding.id),
                       statusCell(finding.severity, tr("Severity")), cell(text, text)};
                runSpec.children.push_back(std::move(findingSpec));
            }
            item.children.push_back(std::move(runSpec));
        }
        top[std::size_t(parent)].children.push_back(std::move(item));
    }
    uniquifyKeys(top);
    return top;
}

void ValidationModel::uniquifyKeys(std::vector<Spec> &siblings)
{
    // Sibling keys made unique, as RowModel does for rows (a hand edit can repeat an id).
    QHash<QString, int> seen;
    for (Spec &spec : siblings) {
        spec.key = RowModel::occurrenceKey(spec.key, seen[spec.key]++);
        uniquifyKeys(spec.children);
    }
}

std::unique_ptr<ValidationModel::Node> ValidationModel::build(Spec &spec, Node *parent, int row,
                                                              bool mark)
{
    auto node = std::make_unique<Node>();
    node->key = std::move(spec.key);
    node->kind = spec.kind;
    node->cells = std::move(spec.cells);
    node->cells.resize(ColumnCount);
    node->parent = parent;
    node->row = row;
    node->children.reserve(spec.children.size());
    for (std::size_t i = 0; i < spec.children.size(); ++i)
        node->children.push_back(build(spec.children[i], node.get(), int(i), false));
    if (mark)
        m_changedAt.insert(node.get(), m_elapsed.elapsed());
    return node;
}

void ValidationModel::forget(const Node *node)
{
    m_changedAt.remove(node);
    for (const auto &child : node->children)
        forget(child.get());
}

void ValidationModel::sync(Node *node, std::vector<Spec> &wanted, bool mark)
{
    QSet<QString> wantedKeys;
    for (const Spec &spec : wanted)
        wantedKeys.insert(spec.key);
    const QModelIndex parentIndex = indexOf(node);
    auto &children = node->children;
    const auto renumber = [&children] {
        for (std::size_t i = 0; i < children.size(); ++i)
            children[i]->row = int(i);
    };

    // 1. Removals, bottom up, one signal per contiguous run.
    for (int i = int(children.size()) - 1; i >= 0; --i) {
        if (wantedKeys.contains(children[std::size_t(i)]->key))
            continue;
        const int last = i;
        while (i > 0 && !wantedKeys.contains(children[std::size_t(i - 1)]->key))
            --i;
        beginRemoveRows(parentIndex, i, last);
        for (int r = i; r <= last; ++r)
            forget(children[std::size_t(r)].get());
        children.erase(children.begin() + i, children.begin() + last + 1);
        renumber();
        endRemoveRows();
    }

    // 2. Survivors in a new order: a layout change of this parent's children.
    QHash<QString, Node *> byKey;
    for (const auto &child : children)
        byKey.insert(child->key, child.get());
    std::vector<Node *> order;
    for (const Spec &spec : wanted) {
        if (Node *existing = byKey.value(spec.key))
            order.push_back(existing);
    }
    bool reordered = false;
    for (std::size_t i = 0; i < order.size() && !reordered; ++i)
        reordered = order[i] != children[i].get();
    if (reordered) {
        const QList<QPersistentModelIndex> parents{QPersistentModelIndex(parentIndex)};
        Q_EMIT layoutAboutToBeChanged(parents, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList before = persistentIndexList();
        std::vector<std::unique_ptr<Node>> sorted;
        sorted.reserve(children.size());
        for (Node *wantedNode : order) {
            auto found = std::find_if(children.begin(), children.end(),
                                      [&](const auto &child) { return child.get() == wantedNode; });
            sorted.push_back(std::move(*found));
        }
        children = std::move(sorted);
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

    // 3. Insertions, top down, one signal per contiguous run of new keys; new nodes come with
    //    their subtrees.
    std::vector<bool> inserted(wanted.size(), false);
    for (std::size_t pos = 0; pos < wanted.size();) {
        if (pos < children.size() && children[pos]->key == wanted[pos].key) {
            ++pos;
            continue;
        }
        std::size_t end = pos;
        while (end < wanted.size() && !byKey.contains(wanted[end].key))
            ++end;
        beginInsertRows(parentIndex, int(pos), int(end) - 1);
        for (std::size_t r = pos; r < end; ++r) {
            children.insert(children.begin() + std::ptrdiff_t(r),
                            build(wanted[r], node, int(r), mark));
            inserted[r] = true;
        }
        renumber();
        endInsertRows();
        pos = end;
    }

    // 4. Changes of the survivors, then their children.
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (inserted[i])
            continue;
        Node *child = children[i].get();
        Spec &spec = wanted[i];
        spec.cells.resize(ColumnCount);
        int first = -1;
        int last = -1;
        for (int c = 0; c < ColumnCount; ++c) {
            if (child->cells.at(c) == spec.cells.at(c))
                continue;
            if (first < 0)
                first = c;
            last = c;
        }
        if (first >= 0) {
            child->cells = std::move(spec.cells);
            child->kind = spec.kind;
            if (mark)
                m_changedAt.insert(child, m_elapsed.elapsed());
            Q_EMIT dataChanged(indexOf(child, first), indexOf(child, last));
        }
        sync(child, spec.children, mark);
    }
}

void ValidationModel::fade()
{
    const qint64 now = m_elapsed.elapsed();
    QList<const Node *> touched;
    for (auto it = m_changedAt.begin(); it != m_changedAt.end();) {
        touched.append(it.key());
        if (now - it.value() >= kHighlightMs)
            it = m_changedAt.erase(it);
        else
            ++it;
    }
    if (m_changedAt.isEmpty())
        m_fadeTimer->stop();
    for (const Node *node : std::as_const(touched))
        Q_EMIT dataChanged(indexOf(node, 0), indexOf(node, ColumnCount - 1), {Qt::BackgroundRole});
}

} // namespace runboard
