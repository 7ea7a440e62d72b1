// SPDX-License-Identifier: MIT
//
// TaskModel: the tasks table.
//
// Design considerations
// - A run has up to tens of thousands of tasks and a snapshot usually changes one. Only rows
//   whose task differs are rebuilt and handed to RowModel::setRowCells(), which emits one
//   dataChanged over the changed columns. Which tasks differ comes from the snapshot when its
//   changes are relative to the document shown (the service compared the two versions on its
//   thread: then a one-task change costs one task here); otherwise one pass compares each
//   task's JSON object with the one shown (both immutable; the shown one is kept alive by
//   m_manifest), ~6 ms over two 10 MB trees, half of it on a worker. Only when tasks were added,
//   removed or reordered does the whole list go through RowModel::setRows(). The model never
//   resets after the first fill. Nothing else walks every task's JSON: task counts per status
//   are kept up to date with the rows for the Overview.
// - "Gate" is PatchPolicy's answer, not a re-implementation: the table must agree with what a
//   done-patch would be told. Asked about one task of the whole manifest, the policy looks the
//   task up and scans the whole checklist, which over every task is quadratic (seconds at
//   10,000 tasks). So it is asked about a manifest holding just what a gate reads: the task's id
//   and validationGate, the steps, and the checklist items that can cover the task (its own and
//   those without a taskId, in their order); which of them do is still the policy's call. A
//   task's gate is re-judged only when the task or those inputs changed: an unchanged
//   /validationStrategy costs one comparison; a changed one is indexed by taskId on both sides
//   to find the tasks whose items changed.
// - The lease column depends on the clock. setNow() recomputes only the lease cells of tasks
//   that have a lease; RowModel emits dataChanged for the ones whose text changed.
// - A snapshot with the document already shown (heartbeats.json changed) is only a clock move:
//   nothing of a task depends on heartbeats.
// Invariants: m_sources[i] describes row i and points into m_manifest's document, as does
// m_strategy; m_statusCounts counts the status cells of the rows, m_phaseStatusCounts the same
// per phase cell, and m_reviewRows maps each row whose status is "review" to its id cell.
// Thread: GUI thread.

#include "taskmodel.h"

#include "patchpolicy.h"
#include "snapshot.h"

#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace runboard {

namespace {

// More rebuilt rows than this: parse every task at once, index the checklist once.
constexpr int kManyRows = 64;

const Json *memberOf(const Json *object, const char *name)
{
    if (!object || !object->is_object())
        return nullptr;
    const auto found = object->find(name);
    return found == object->end() ? nullptr : &*found;
}

// The task's id as written; empty for a missing or non-string id (Manifest reads it as "").
std::string_view idViewOf(const Json &task)
{
    const Json *id = memberOf(&task, "id");
    return id && id->is_string() ? std::string_view(id->get_ref<const std::string &>())
                                 : std::string_view();
}

QString idOf(const Json &task)
{
    const std::string_view id = idViewOf(task);
    return QString::fromUtf8(id.data(), qsizetype(id.size()));
}

bool sameJson(const Json *a, const Json *b)
{
    if (!a || !b)
        return a == b;
    return *a == *b;
}

// One task parsed on its own, exactly as Manifest::tasks() parses it.
Manifest::Task typedTask(const Json &entry)
{
    auto document = std::make_shared<Json>(Json::object());
    (*document)["tasks"] = Json::array({entry});
    return Manifest(std::move(document)).tasks().value(0);
}

// Which task a checklist item is about: `unassigned` for none (it may cover any task), else its
// taskId; an item that is not an object, or has a taskId that is no string, covers no task.
enum class ItemScope { NoTask, Unassigned, Task };
ItemScope scopeOf(const Json &item, std::string_view *taskId)
{
    if (!item.is_object())
        return ItemScope::NoTask;
    const Json *task = memberOf(&item, "taskId");
    if (!task || task->is_null()
        || (task->is_string() && task->get_ref<const std::string &>().empty()))
        return ItemScope::Unassigned;
    if (!task->is_string())
        return ItemScope::NoTask;
    *taskId = task->get_ref<const std::string &>();
    return ItemScope::Task;
}

} // namespace

// The checklist items of one /validationStrategy by the task they are about, in checklist order.
// Views into that document, which outlives the index.
class TaskModel::GateIndex
{
public:
    using Items = std::vector<std::pair<std::size_t, const Json *>>; // (position, item)

    explicit GateIndex(const Json *strategy) : m_steps(memberOf(strategy, "steps"))
    {
        const Json *checklist = memberOf(strategy, "checklist");
        if (!checklist || !checklist->is_array())
            return;
        for (std::size_t i = 0; i < checklist->size(); ++i) {
            const Json &item = (*checklist)[i];
            std::string_view task;
            switch (scopeOf(item, &task)) {
            case ItemScope::Unassigned:
                m_unassigned.emplace_back(i, &item);
                break;
            case ItemScope::Task:
                m_byTask[task].emplace_back(i, &item);
                break;
            case ItemScope::NoTask:
                break;
            }
        }
    }

    // True when every task's gate may have changed between the two: other steps, or other
    // items without a taskId.
    static bool allChanged(const GateIndex &before, const GateIndex &after)
    {
        return !sameJson(before.m_steps, after.m_steps)
               || !sameItems(before.m_unassigned, after.m_unassigned);
    }

    // The tasks whose own items differ (views into either document).
    static std::unordered_set<std::string_view> tasksWithChangedItems(const GateIndex &before,
                                                                      const GateIndex &after)
    {
        std::unordered_set<std::string_view> changed;
        for (const auto &[id, items] : after.m_byTask) {
            const auto old = before.m_byTask.find(id);
            if (old == before.m_byTask.end() || !sameItems(old->second, items))
                changed.insert(id);
        }
        for (const auto &[id, items] : before.m_byTask) {
            if (!after.m_byTask.contains(id))
                changed.insert(id);
        }
        return changed;
    }

    // The items that can cover `taskId`, in checklist order.
    Json itemsFor(std::string_view taskId) const
    {
        static const Items kNone;
        const auto found = m_byTask.find(taskId);
        const Items &own = found == m_byTask.end() ? kNone : found->second;
        Json items = Json::array();
        auto a = m_unassigned.cbegin();
        auto b = own.cbegin();
        while (a != m_unassigned.cend() || b != own.cend()) {
            const bool takeA = b == own.cend() || (a != m_unassigned.cend() && a->first < b->first);
            items.push_back(*(takeA ? a++ : b++)->second);
        }
        return items;
    }

    // A manifest with only what judging the gate of `entry` reads. Without an index the
    // checklist is scanned once for this task (cheaper than indexing it for one row).
    static Json gateManifest(const Json &entry, const Json *strategy, const GateIndex *index)
    {
        Json task = Json::object();
        if (const Json *id = memberOf(&entry, "id"))
            task["id"] = *id;
        if (const Json *gate = memberOf(&entry, "validationGate"))
            task["validationGate"] = *gate;
        const std::string_view id = idViewOf(entry);
        Json checklist = Json::array();
        if (index) {
            checklist = index->itemsFor(id);
        } else if (const Json *all = memberOf(strategy, "checklist"); all && all->is_array()) {
            for (const Json &item : *all) {
                std::string_view about;
                const ItemScope scope = scopeOf(item, &about);
                if (scope == ItemScope::Unassigned || (scope == ItemScope::Task && about == id))
                    checklist.push_back(item);
            }
        }
        Json reduced = Json::object();
        reduced["tasks"] = Json::array({std::move(task)});
        Json &reducedStrategy = reduced["validationStrategy"] = Json::object();
        if (const Json *steps = memberOf(strategy, "steps"))
            reducedStrategy["steps"] = *steps;
        reducedStrategy["checklist"] = std::move(checklist);
        return reduced;
    }

private:
    static bool sameItems(const Items &a, const Items &b)
    {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (*a[i].second != *b[i].second)
                return false;
        }
        return true;
    }

    const Json *m_steps = nullptr;
    Items m_unassigned;
    std::unordered_map<std::string_view, Items> m_byTask;
};

TaskModel::TaskModel(QObject *parent)
    : RowModel({tr("Id"), tr("Title"), tr("Phase"), tr("Status"), tr("Assignee"), tr("Lease"),
                tr("Gate"), tr("Attempts")},
               {tr("The task's id, as patches name it (/tasks/{id:…})"), QString(),
                tr("The phase the task belongs to"), tr("The task's status"),
                tr("The agent session holding the task"), tr("Time left on the assignee's claim"),
                tr("Whether the task's validation gate is satisfied by the checklist"),
                tr("Attempts recorded for the task")},
               parent)
{}

TaskModel::~TaskModel() = default;

void TaskModel::setSnapshot(const Snapshot &snapshot, const QDateTime &now)
{
    std::shared_ptr<const Json> document = snapshot.sharedDocument();
    if (document && document == m_manifest.document()) {
        setNow(now);
        return;
    }
    update(std::move(document), now, Marking::Mark, &snapshot.changes());
}

void TaskModel::clear()
{
    clearRows();
    m_sources.clear();
    m_manifest = Manifest();
    m_strategy = nullptr;
    m_statusCounts.clear();
    m_phaseStatusCounts.clear();
    m_reviewRows.clear();
}

std::optional<Manifest::Task> TaskModel::taskForKey(const QString &key) const
{
    const int row = rowOfKey(key);
    if (row < 0 || row >= m_sources.size() || !m_sources.at(row).entry)
        return std::nullopt;
    return typedTask(*m_sources.at(row).entry);
}

QMap<QString, int> TaskModel::statusCounts() const
{
    QMap<QString, int> counts;
    for (auto it = m_statusCounts.cbegin(); it != m_statusCounts.cend(); ++it) {
        if (it.value() > 0)
            counts.insert(it.key(), it.value());
    }
    return counts;
}

QMap<QString, QMap<QString, int>> TaskModel::statusCountsByPhase() const
{
    QMap<QString, QMap<QString, int>> byPhase;
    for (auto phase = m_phaseStatusCounts.cbegin(); phase != m_phaseStatusCounts.cend(); ++phase) {
        for (auto it = phase.value().cbegin(); it != phase.value().cend(); ++it) {
            if (it.value() > 0)
                byPhase[phase.key()].insert(it.key(), it.value());
        }
    }
    return byPhase;
}

QStringList TaskModel::reviewTaskIds(int limit) const
{
    QStringList ids;
    for (auto it = m_reviewRows.cbegin(); it != m_reviewRows.cend() && ids.size() < limit; ++it)
        ids.append(it->second);
    return ids;
}

void TaskModel::countStatus(int row, const QList<Cell> &cells, int delta)
{
    if (cells.size() <= Status)
        return;
    const QString status = cells.at(Status).display.toString();
    m_statusCounts[status] += delta;
    m_phaseStatusCounts[cells.at(Phase).display.toString()][status] += delta;
    if (status == QLatin1String("review")) {
        if (delta > 0)
            m_reviewRows.insert_or_assign(row, cells.at(Id).display.toString());
        else
            m_reviewRows.erase(row);
    }
}

void TaskModel::setNow(const QDateTime &now)
{
    if (now == m_now)
        return;
    m_now = now;
    QList<RowCells> changes;
    for (int row = 0; row < m_sources.size(); ++row) {
        const QDateTime &until = m_sources.at(row).leaseUntil;
        if (!until.isValid())
            continue;
        QList<Cell> cells = cellsAt(row);
        cells[Lease] = leaseCell(until, now);
        changes.append({row, std::move(cells)});
    }
    setRowCells(std::move(changes), Marking::DontMark);
}

void TaskModel::update(std::shared_ptr<const Json> document, const QDateTime &now, Marking marking,
                       const DocumentChanges *changes)
{
    const Json *json = document.get();
    const Json *strategy = memberOf(json, "validationStrategy");

    // The tasks in order (pointers only: nothing inside a task is touched yet).
    QList<const Json *> entries;
    if (const Json *tasks = memberOf(json, "tasks"); tasks && tasks->is_array()) {
        entries.reserve(qsizetype(tasks->size()));
        for (const Json &entry : *tasks) {
            if (entry.is_object()) // Manifest::tasks() skips the others too
                entries.append(&entry);
        }
    }

    // Comparing the tasks with their rows' is the bulk of the work: ~30 ns per JSON member, 6 ms
    // for 10,000 tasks on the reference VM, bound by chasing the nodes of two trees. While the
    // ids are those of the rows in the same order (usually all the way), task i is compared
    // with row i. Half of it, and the validation strategy's comparison, go to a worker while
    // this thread does the other half; waitForFinished() runs the job here if no worker has
    // taken it yet, so this is never slower than doing it all here. Both documents are
    // immutable and nothing else is shared.
    struct Compared
    {
        QList<int> differing;
        int stop = -1; // the first position whose id is not the row's; -1: none in the range
    };
    const auto compareRange = [this, &entries](int from, int to) {
        Compared result;
        for (int i = from; i < to; ++i) {
            const Json &before = *m_sources.at(i).entry;
            const Json &after = *entries.at(i);
            if (idViewOf(before) != idViewOf(after)) {
                result.stop = i;
                break;
            }
            if (before != after)
                result.differing.append(i);
        }
        return result;
    };
    const int common = int(qMin(entries.size(), m_sources.size()));
    int matched = common;
    QList<int> differing;
    bool strategySame = true;
    // The snapshot may say which tasks differ from the document shown (the service compared
    // the two off this thread). Positions are in the tasks array, so they are row numbers only
    // while every task is an object and the rows are those tasks, in order.
    const std::vector<std::size_t> *changedTasks = nullptr;
    if (changes && changes->isRelativeTo(m_manifest.document())) {
        const Json *tasks = memberOf(json, "tasks");
        const std::size_t taskCount = tasks && tasks->is_array() ? tasks->size() : 0;
        changedTasks = changes->changedElements("tasks");
        if (changedTasks
            && (qsizetype(taskCount) != entries.size() || entries.size() != m_sources.size()))
            changedTasks = nullptr;
    }
    if (changedTasks) {
        strategySame = !changes->mayDiffer("validationStrategy");
        differing.reserve(qsizetype(changedTasks->size()));
        for (const std::size_t i : *changedTasks)
            differing.append(int(i));
    } else {
        const int half = common / 2;
        QFuture<Compared> headJob = QtConcurrent::run([&] {
            strategySame = sameJson(m_strategy, strategy);
            return compareRange(0, half);
        });
        const Compared tail = compareRange(half, common);
        headJob.waitForFinished();
        const Compared head = headJob.result();
        matched = head.stop >= 0 ? head.stop : tail.stop >= 0 ? tail.stop : common;
        differing = head.differing;
        for (const int i : tail.differing) {
            if (i < matched)
                differing.append(i);
        }
    }

    // Gates to re-judge although their task did not change.
    bool allGates = false;
    std::unordered_set<std::string_view> gateTasks;
    std::optional<GateIndex> index;
    if (!strategySame) {
        const GateIndex before(m_strategy);
        index.emplace(strategy);
        allGates = GateIndex::allChanged(before, *index);
        if (!allGates)
            gateTasks = GateIndex::tasksWithChangedItems(before, *index);
    }
    const auto gateChanged = [&](const Json &task) {
        return allGates || (!gateTasks.empty() && gateTasks.contains(idViewOf(task)));
    };
    QList<int> rebuild;
    if (allGates || !gateTasks.empty()) {
        for (int i = 0, d = 0; i < matched; ++i) {
            const bool differs = d < differing.size() && differing.at(d) == i;
            if (differs)
                ++d;
            if (differs || gateChanged(*entries.at(i)))
                rebuild.append(i);
        }
    } else {
        rebuild = std::move(differing);
    }
    const bool sameOrder = matched == entries.size() && matched == m_sources.size();
    QList<int> oldRow(entries.size(), -1);
    for (int i = 0; i < matched; ++i)
        oldRow[i] = i;
    QStringList keys;
    if (!sameOrder) {
        // Tasks came, went or moved: match the rest by key, as RowModel will.
        keys.reserve(entries.size());
        QHash<QString, int> seen;
        for (const Json *entry : std::as_const(entries)) {
            const QString id = idOf(*entry);
            keys.append(occurrenceKey(id, seen[id]++));
        }
        for (int i = matched; i < entries.size(); ++i) {
            const int old = rowOfKey(keys.at(i));
            oldRow[i] = old;
            if (old < 0 || *m_sources.at(old).entry != *entries.at(i)
                || gateChanged(*entries.at(i)))
                rebuild.append(i);
        }
    }

    QList<Manifest::Task> parsedAll;
    if (rebuild.size() > kManyRows) {
        parsedAll = Manifest(document).tasks(); // the i-th object is the i-th task
        if (!index)
            index.emplace(strategy);
    }
    const GateIndex *gateIndex = index ? &*index : nullptr;

    QList<Source> sources(entries.size());
    QList<QList<Cell>> built(entries.size());
    QList<bool> isBuilt(entries.size(), false);
    for (const int i : std::as_const(rebuild)) {
        const Manifest::Task task
            = parsedAll.isEmpty() ? typedTask(*entries.at(i)) : parsedAll.at(i);
        sources[i] = Source{entries.at(i), task.claimLeaseUntil};
        built[i] = cellsFor(task, *entries.at(i), strategy, gateIndex, now);
        isBuilt[i] = true;
    }
    const bool clockMoved = now != m_now;
    for (int i = 0; i < entries.size(); ++i) {
        if (!isBuilt.at(i))
            sources[i] = Source{entries.at(i), m_sources.at(oldRow.at(i)).leaseUntil};
    }

    m_manifest = Manifest(document);
    m_strategy = strategy;
    m_now = now;
    if (sameOrder) {
        m_sources = std::move(sources);
        QList<RowCells> rebuilt;
        rebuilt.reserve(rebuild.size());
        for (const int i : std::as_const(rebuild)) {
            countStatus(i, cellsAt(i), -1);
            countStatus(i, built.at(i), +1);
            rebuilt.append({i, std::move(built[i])});
        }
        setRowCells(std::move(rebuilt), marking);
        if (clockMoved) {
            QList<RowCells> ticks;
            for (int row = 0; row < m_sources.size(); ++row) {
                if (!m_sources.at(row).leaseUntil.isValid() || isBuilt.at(row))
                    continue;
                QList<Cell> cells = cellsAt(row);
                cells[Lease] = leaseCell(m_sources.at(row).leaseUntil, now);
                ticks.append({row, std::move(cells)});
            }
            setRowCells(std::move(ticks), Marking::DontMark);
        }
        return;
    }

    QList<Row> rows;
    rows.reserve(entries.size());
    m_statusCounts.clear();
    m_phaseStatusCounts.clear();
    m_reviewRows.clear();
    for (int i = 0; i < entries.size(); ++i) {
        Row row;
        row.key = keys.at(i);
        if (isBuilt.at(i)) {
            row.cells = std::move(built[i]);
        } else {
            row.cells = cellsAt(oldRow.at(i));
            if (clockMoved && sources.at(i).leaseUntil.isValid())
                row.cells[Lease] = leaseCell(sources.at(i).leaseUntil, now);
        }
        countStatus(i, row.cells, +1); // rows keep the order of entries
        rows.append(std::move(row));
    }
    setRows(std::move(rows), marking);
    m_sources = std::move(sources);
}

RowModel::Cell TaskModel::leaseCell(const QDateTime &until, const QDateTime &now)
{
    Cell lease;
    lease.ticking = true;
    if (!until.isValid()) {
        lease.sort = std::numeric_limits<qint64>::max();
        return lease;
    }
    const qint64 left = now.isValid() ? now.secsTo(until) : 0;
    lease.sort = left;
    lease.toolTip = tr("Lease until %1").arg(StatusStyle::isoToolTip(until));
    if (!now.isValid()) {
        lease.display = StatusStyle::formatTime(until);
    } else if (left > 0) {
        lease.display = StatusStyle::formatDuration(left);
    } else {
        lease.display = tr("expired %1 ago").arg(StatusStyle::formatDuration(-left));
        lease.tone = StatusStyle::Tone::Warning;
    }
    return lease;
}

QList<RowModel::Cell> TaskModel::cellsFor(const Manifest::Task &task, const Json &entry,
                                          const Json *strategy, const GateIndex *index,
                                          const QDateTime &now)
{
    QList<Cell> cells(ColumnCount);
    cells[Id].display = task.id;

    Cell &title = cells[Title];
    title.display = task.title;
    QStringList tip;
    if (!task.description.isEmpty() && task.description != task.title)
        tip << task.description;
    if (!task.filesHint.isEmpty())
        tip << tr("Files: %1").arg(task.filesHint.join(QStringLiteral(", ")));
    if (!task.blockedBy.isEmpty())
        tip << tr("Blocked by: %1").arg(task.blockedBy.join(QStringLiteral(", ")));
    if (!task.supersededBy.isEmpty())
        tip << tr("Superseded by %1").arg(task.supersededBy);
    if (task.humanOverride)
        tip << tr("Human override: %1 → %2 %3")
                   .arg(task.humanOverride->fromStatus, task.humanOverride->toStatus,
                        task.humanOverride->reason);
    title.toolTip = tip.join(QLatin1Char('\n'));

    cells[Phase].display = task.phaseId;

    Cell &status = cells[Status];
    status.display = task.status;
    status.tone = StatusStyle::toneFor(task.status);
    status.decorate = true;

    Cell &assignee = cells[Assignee];
    assignee.display = task.assigneeSessionId;
    if (task.claimedAt.isValid())
        assignee.toolTip = tr("Claimed %1").arg(StatusStyle::isoToolTip(task.claimedAt));

    cells[Lease] = leaseCell(task.claimLeaseUntil, now);

    Cell &gate = cells[Gate];
    const QString steps = task.validationGate.stepIds.join(QStringLiteral(", "));
    if (!task.validationGate.required) {
        gate.display = tr("not required");
        gate.tone = StatusStyle::Tone::Muted;
        gate.sort = 2;
    } else if (PatchPolicy::taskGatesSatisfied(GateIndex::gateManifest(entry, strategy, index),
                                               task.id.toStdString())) {
        gate.display = tr("satisfied");
        gate.tone = StatusStyle::Tone::Good;
        gate.sort = 1;
        gate.toolTip = tr("Passed steps: %1").arg(steps);
    } else {
        gate.display = tr("open");
        gate.tone = StatusStyle::Tone::Warning;
        gate.sort = 0;
        gate.toolTip = steps.isEmpty() ? tr("A required gate without steps is never satisfied")
                                       : tr("Needs passing runs of: %1").arg(steps);
    }

    Cell &attempts = cells[Attempts];
    attempts.display = task.attemptCount;
    QStringList attemptLines;
    for (const Manifest::Attempt &attempt : task.attempts) {
        attemptLines << tr("%1 by %2: %3%4")
                            .arg(attempt.id, attempt.sessionId,
                                 attempt.outcome.isEmpty() ? tr("open") : attempt.outcome,
                                 attempt.failureReason.isEmpty()
                                     ? QString()
                                     : QStringLiteral(" — ") + attempt.failureReason);
    }
    attempts.toolTip = attemptLines.join(QLatin1Char('\n'));
    return cells;
}

} // namespace runboard
