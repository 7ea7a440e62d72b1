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
//   When the newer snapshot says what changed since the older one, the job describes only that
//   (a one-task change costs one task): on two cores the worker's time is taken from the GUI.
// - The changes are said in ChangeWords' sentences ("T-8: status claimed → in_progress"), the
//   same words as the conflict dialog and `runboard-cli diff --words`; the history entries a
//   commit adds are its own record and are summed up in one line.
//   The job is the last holder of the older document, which is thereby destroyed off the GUI
//   thread as well.
// - Results arrive through a QFutureWatcher owned by this object; a watcher destroyed with it
//   simply never reports. clear() bumps a generation so late results of a closed run are dropped.
// - Memory is bounded: at most kMaxKept texts, each at most kMaxSentencesShown sentences.
// Thread: GUI thread; describe() runs in a worker and touches only its arguments.

#include "versiondiffs.h"

#include "changewords.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace runboard {

namespace {

const Json *jsonMember(const Json &object, const char *name)
{
    if (!object.is_object())
        return nullptr;
    const auto found = object.find(name);
    return found == object.end() ? nullptr : &*found;
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
    auto *watcher = new QFutureWatcher<Described>(this);
    connect(watcher, &QFutureWatcher<Described>::finished, this,
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
        Described described;
        if (to.changes().isRelativeTo(from.sharedDocument())) {
            const auto [before, after] = to.changes().changedParts(from.document(), to.document());
            described = describe(before, after);
        } else {
            described = describe(from.document(), to.document());
        }
        from = Snapshot();
        return described;
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
    return m_diffs.value(keyOf(fromEtag, toEtag)).text;
}

QString VersionDiffs::diffSummary(const QString &fromEtag, const QString &toEtag) const
{
    return m_diffs.value(keyOf(fromEtag, toEtag)).summary;
}

VersionDiffs::Described VersionDiffs::describe(const Json &from, const Json &to)
{
    // The history entries a commit adds are its own record, said by the History tab's rows: the
    // words are about the content.
    QList<ChangeGroup> groups = ChangeWords::describe(from, to);
    const auto record = std::remove_if(groups.begin(), groups.end(), [](const ChangeGroup &group) {
        return group.topic == ChangeGroup::Topic::History;
    });
    const Json *fromEtag = jsonMember(from, "etag");
    const Json *toEtag = jsonMember(to, "etag");
    const bool recorded = record != groups.end()
                          || (fromEtag && toEtag ? *fromEtag != *toEtag : fromEtag != toEtag);
    groups.erase(record, groups.end());

    Described described;
    described.summary = ChangeWords::summaryLine(groups);
    QStringList lines = ChangeWords::sentences(groups);
    if (lines.size() > kMaxSentencesShown) {
        lines.resize(kMaxSentencesShown);
        lines << QCoreApplication::translate("VersionDiffs", "… and more changes");
    }
    if (lines.isEmpty())
        lines << QCoreApplication::translate("VersionDiffs",
                                             "No change in the manifest's content.");
    if (recorded)
        lines << QCoreApplication::translate("VersionDiffs",
                                             "(and the commit's own record: etag, "
                                             "serverGeneration, updatedAt, history)");
    described.text = lines.join(QLatin1Char('\n'));
    return described;
}

} // namespace runboard
