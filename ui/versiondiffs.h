// SPDX-License-Identifier: MIT
#pragma once

#include "snapshot.h"

#include <QHash>
#include <QObject>
#include <QStringList>

namespace runboard {

// What changed between consecutive versions of the manifest that Runboard saw, for the History
// tab: each new version is diffed against the one shown before it, off the GUI thread, and the
// result is kept as text keyed by the two etags. The job also holds the older snapshot until it
// is done, so the older document (megabytes of nodes) is freed in the worker, not the GUI thread.
// GUI thread.
class VersionDiffs : public QObject
{
    Q_OBJECT

public:
    explicit VersionDiffs(QObject *parent = nullptr);
    ~VersionDiffs() override;

    // `to` was shown right after `from`; diffs them in the background (nothing when either is
    // null or they hold the same document). Pass `from` by move: the job should be its last
    // holder.
    void addVersion(Snapshot from, const Snapshot &to);
    void clear();

    bool hasDiff(const QString &fromEtag, const QString &toEtag) const;
    // The changes from one version to the next in sentences, one per line ("T-1: status
    // pending → done"); empty when Runboard did not see both versions (or not yet).
    QString diffText(const QString &fromEtag, const QString &toEtag) const;
    // The same on one line ("T-1 status → done"), for the Events tab.
    QString diffSummary(const QString &fromEtag, const QString &toEtag) const;
    // The etag of the version Runboard showed right before `toEtag`; empty when it showed none
    // (or that diff is not ready yet).
    QString seenBefore(const QString &toEtag) const { return m_before.value(toEtag); }
    // The etags of the versions Runboard saw, oldest first (at most kMaxKept).
    QStringList seenEtags() const { return m_seen; }

    static constexpr int kMaxKept = 100;
    static constexpr int kMaxSentencesShown = 200;

Q_SIGNALS:
    void diffReady(const QString &fromEtag, const QString &toEtag);

private:
    struct Described
    {
        QString text;    // one sentence per line, then the commit's own record
        QString summary; // ChangeWords::summaryLine: "T-8 status → in_progress"
    };
    static Described describe(const Json &from, const Json &to);
    static QString keyOf(const QString &fromEtag, const QString &toEtag);

    QHash<QString, Described> m_diffs; // "from\nto" -> words
    QHash<QString, QString> m_before;  // to -> from, for the diffs kept
    QStringList m_order;               // keys, oldest first
    QStringList m_seen;
    quint64 m_generation = 0; // bumped by clear(): late results of a closed run are dropped
};

} // namespace runboard
