// SPDX-License-Identifier: MIT
//
// VersionDiffs: the changes between the versions Runboard saw.
//
// Design considerations
// - The history ring says who committed what kinds of change, not the values. Runboard can say
//   more only for versions it saw itself, and only for consecutive ones: the diff of the
//   version shown before and the one shown now is exactly the commit between them when the ring
//   lists them next to each other, and the History tab says so (or that it did not see both).
// - jsonDiff over two 10 MB manifests takes milliseconds that the GUI thread does not have
//   (DESIGN.md §5), so it runs in QtConcurrent with both immutable documents shared into the job.
//   When the newer snapshot says what changed since the older one, the job diffs only that
//   (a one-task change costs one task): on two cores the worker's time is taken from the GUI.
//   The job is the last holder of the older document, which is thereby destroyed off the GUI
//   thread as well.
// - Results arrive through a QFutureWatcher owned by this object; a watcher destroyed with it
//   simply never reports. clear() bumps a generation so late results of a closed run are dropped.
// - Memory is bounded: at most kMaxKept texts, each at most kMaxOperationsShown operations.
// Thread: GUI thread; describe() runs in a worker and touches only its arguments.

#include "versiondiffs.h"

#include "jsondiff.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <unordered_set>

namespace runboard {

namespace {

QString preview(const Json *value)
{
    if (!value)
        return QCoreApplication::translate("VersionDiffs", "(absent)");
    QString text = QString::fromStdString(value->dump());
    constexpr int kLimit = 160;
    if (text.size() > kLimit)
        text = text.left(kLimit - 1) + QChar(0x2026);
    return text;
}

} // namespace

VersionDiffs::VersionDiffs(QObject *parent) : QObject(parent) {}

VersionDiffs::~VersionDiffs() = default;

QString VersionDiffs::keyOf(const QString &fromEtag, const QString &toEtag)
{
    return fromEtag + QLatin1Char('\n') + toEtag;
}

void VersionDiffs::addVersion(Snapshot from, const Snapshot &to)
{
    if (to.isNull())
        return;
    if (m_seen.isEmpty() || m_seen.constLast() != to.etag()) {
        m_seen.append(to.etag());
        while (m_seen.size() > kMaxKept)
            m_seen.removeFirst();
    }
    if (from.isNull() || from.sharedDocument() == to.sharedDocument())
        return;
    const QString fromEtag = from.etag();
    const QString toEtag = to.etag();
    const quint64 generation = m_generation;
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this,
            [this, watcher, generation, fromEtag, toEtag] {
                watcher->deleteLater();
                if (generation != m_generation)
                    return;
                const QString key = keyOf(fromEtag, toEtag);
                if (!m_diffs.contains(key))
                    m_order.append(key);
                m_diffs.insert(key, watcher->result());
                m_before.insert(toEtag, fromEtag);
                while (m_order.size() > kMaxKept) {
                    const QString dropped = m_order.takeFirst();
                    m_diffs.remove(dropped);
                    const QString droppedTo = dropped.section(QLatin1Char('\n'), 1);
                    if (m_before.value(droppedTo) == dropped.section(QLatin1Char('\n'), 0, 0))
                        m_before.remove(droppedTo);
                }
                Q_EMIT diffReady(fromEtag, toEtag);
            });
    // The snapshots travel into the job by value; the older one usually dies there.
    watcher->setFuture(QtConcurrent::run([from = std::move(from), to]() mutable {
        QString text = to.changes().isRelativeTo(from.sharedDocument())
                           ? describe(from.document(), to.document(), to.changes())
                           : describe(from.document(), to.document());
        from = Snapshot();
        return text;
    }));
}

void VersionDiffs::clear()
{
    ++m_generation;
    m_diffs.clear();
    m_before.clear();
    m_order.clear();
    m_seen.clear();
}

bool VersionDiffs::hasDiff(const QString &fromEtag, const QString &toEtag) const
{
    return m_diffs.contains(keyOf(fromEtag, toEtag));
}

QString VersionDiffs::diffText(const QString &fromEtag, const QString &toEtag) const
{
    return m_diffs.value(keyOf(fromEtag, toEtag));
}

QString VersionDiffs::describe(const Json &from, const Json &to)
{
    return describeOperations(jsonDiff(from, to).operations(), from);
}

QString VersionDiffs::describe(const Json &from, const Json &to, const DocumentChanges &changes)
{
    // jsonDiff of the members `changes` names; of an array whose elements kept their places,
    // of the elements it names, addressed as jsonDiff addresses them in the whole array (by key
    // when every element has a unique one, else by index).
    std::vector<JsonPatch::Operation> operations;
    const auto append
        = [&operations](const JsonPatch &patch, const std::vector<std::string> &prefix) {
              for (const JsonPatch::Operation &operation : patch.operations()) {
                  JsonPatch::Operation moved = operation;
                  std::vector<std::string> tokens = prefix;
                  tokens.insert(tokens.end(), operation.path.tokens().begin(),
                                operation.path.tokens().end());
                  moved.path = JsonPointer::fromTokens(std::move(tokens));
                  if (!operation.from.isRoot() || operation.kind == JsonPatch::Operation::Kind::Move
                      || operation.kind == JsonPatch::Operation::Kind::Copy) {
                      std::vector<std::string> fromTokens = prefix;
                      fromTokens.insert(fromTokens.end(), operation.from.tokens().begin(),
                                        operation.from.tokens().end());
                      moved.from = JsonPointer::fromTokens(std::move(fromTokens));
                  }
                  operations.push_back(std::move(moved));
              }
          };
    // In jsonDiff's order: the members of `from` as they come, then those only `to` has.
    const std::vector<std::string> changed = changes.changedMembers();
    std::vector<std::string> names;
    for (auto member = from.begin(); member != from.end(); ++member) {
        if (std::find(changed.begin(), changed.end(), member.key()) != changed.end())
            names.push_back(member.key());
    }
    for (const std::string &name : changed) {
        if (!from.contains(name))
            names.push_back(name);
    }
    for (const std::string &name : names) {
        const auto before = from.find(name);
        const auto after = to.find(name);
        if (before == from.end() || after == to.end()) {
            Json a = Json::object();
            Json b = Json::object();
            if (before != from.end())
                a[name] = *before;
            if (after != to.end())
                b[name] = *after;
            append(jsonDiff(a, b), {});
            continue;
        }
        const std::vector<std::size_t> *elements = changes.changedElements(name);
        if (!elements || !after->is_array()) {
            append(jsonDiff(*before, *after), {name});
            continue;
        }
        std::unordered_set<std::string> keys;
        bool keyed = true;
        for (const Json &element : *after) {
            const std::string key = jsonElementKeyToken(element);
            if (key.empty() || !keys.insert(key).second) {
                keyed = false;
                break;
            }
        }
        for (const std::size_t at : *elements) {
            const Json &element = (*after)[at];
            append(jsonDiff((*before)[at], element),
                   {name, keyed ? jsonElementKeyToken(element) : std::to_string(at)});
        }
    }
    return describeOperations(operations, from);
}

QString VersionDiffs::describeOperations(const std::vector<JsonPatch::Operation> &operations,
                                         const Json &from)
{
    QStringList lines;
    int shown = 0;
    int bookkeeping = 0;
    for (const JsonPatch::Operation &operation : operations) {
        // What every commit changes (its version, time and history entry) says nothing.
        const auto &tokens = operation.path.tokens();
        if (!tokens.empty()
            && (tokens.front() == "history"
                || (tokens.size() == 1
                    && (tokens.front() == "etag" || tokens.front() == "serverGeneration"
                        || tokens.front() == "updatedAt")))) {
            ++bookkeeping;
            continue;
        }
        if (shown++ == kMaxOperationsShown) {
            lines << QCoreApplication::translate("VersionDiffs", "… and more changes");
            break;
        }
        const QString path = QString::fromStdString(operation.path.toString());
        switch (operation.kind) {
        case JsonPatch::Operation::Kind::Replace:
            lines << QCoreApplication::translate("VersionDiffs", "changed %1: %2 → %3")
                         .arg(path, preview(operation.path.find(from)), preview(&operation.value));
            break;
        case JsonPatch::Operation::Kind::Add:
            lines << QCoreApplication::translate("VersionDiffs", "added %1: %2")
                         .arg(path, preview(&operation.value));
            break;
        case JsonPatch::Operation::Kind::Remove:
            lines << QCoreApplication::translate("VersionDiffs", "removed %1 (was %2)")
                         .arg(path, preview(operation.path.find(from)));
            break;
        default:
            lines << QStringLiteral("%1 %2").arg(
                QString::fromLatin1(JsonPatch::kindName(operation.kind)), path);
            break;
        }
    }
    if (lines.isEmpty())
        lines << QCoreApplication::translate("VersionDiffs",
                                             "No change in the manifest's content.");
    if (bookkeeping > 0)
        lines << QCoreApplication::translate("VersionDiffs",
                                             "(and the commit's own record: etag, "
                                             "serverGeneration, updatedAt, history)");
    return lines.join(QLatin1Char('\n'));
}

} // namespace runboard
