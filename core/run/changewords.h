// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace runboard {

// One thing that changed between two versions of a manifest, said in words.
struct ChangeGroup
{
    enum class Topic {
        Run,
        Phase,
        Plan,
        Task,
        Agent,
        Validation,
        Decision,
        UserOverride,
        Asset,
        History,
        Other
    };
    Topic topic = Topic::Other;
    // What it is about: "T-3", "S-worker-2", "Phase developing", or empty where the sentence
    // stands alone ("Phase developing → validating", "Plan approved by user:ana@box").
    QString subject;
    // "status in_progress → review", "assignee S-worker-1 → (none)"
    QStringList details;
    // The same details without the values they replaced ("status → review"), for summaryLine().
    QStringList briefs;
    // Canonical pointers (predicate form, e.g. /tasks/{id:T-3}/status) of every changed place
    // this group covers.
    std::vector<std::string> pointers;

    // e.g. "T-3: status in_progress → review; assignee S-worker-1 → (none)"
    QString sentence() const;
};

// What changed between two versions of a manifest, in sentences a person reads in a conflict
// dialog, the History and Events tabs, or `runboard-cli diff --words`. Ids, never array indices;
// long values shortened; what it does not know is still described, by path.
//
// Text from a manifest is untrusted: it is only ever quoted into these sentences (shortened, on
// one line), never interpreted.
//
// Thread-safety: stateless; every function may be called from any thread.
class ChangeWords
{
public:
    struct Options
    {
        // etag, serverGeneration and updatedAt, which every commit changes (history is always
        // described).
        bool includeBookkeeping = false;
        // Characters of a value shown before it is cut with "…".
        int valueLimit = 48;
    };

    // What changed from `from` to `to` (two manifests), grouped by what it is about, in a stable
    // order: run, phases, plan, tasks (in the order `to` lists them, removed ones last), agents,
    // validation, decisions, overrides, assets, history, other.
    static QList<ChangeGroup> describe(const Json &from, const Json &to, const Options &options);
    static QList<ChangeGroup> describe(const Json &from, const Json &to); // default Options
    static QStringList sentences(const QList<ChangeGroup> &groups);

    // One line, at most maxLength characters (ellipsis when cut), for a status bar or a history
    // entry's patchKindSummary: "T-3 status → done", "T-3 status → done; T-4 title → 'Fix
    // login'", "3 changes: T-3, T-4, S-worker-2". History groups are left out unless nothing
    // else changed.
    static QString summaryLine(const QList<ChangeGroup> &groups, int maxLength = 120);

    // Who wrote a history entry, where the entry says: the "<who>" of a Runboard summary
    // "<who>: <words>" (e.g. "user:ana@box"), the session in an ADE patchKindSummary path
    // (/agents/{sessionId:S-worker-1}/…), else empty.
    static QString historyAuthor(const Json &historyEntry);

    // A value shortened for a sentence: strings quoted 'like this' and cut with "…", null →
    // (none), absent (nullptr) → (none), objects/arrays as compact JSON cut to the limit. Always
    // one line.
    static QString shortValue(const Json *value, int limit);

    // The name of a topic as the CLI writes it: "run", "phase", "plan", "task", "agent",
    // "validation", "decision", "userOverride", "asset", "history", "other".
    static QString topicName(ChangeGroup::Topic topic);
};

} // namespace runboard
