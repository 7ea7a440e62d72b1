// SPDX-License-Identifier: MIT
#pragma once

#include "guardedfile.h"
#include "json.h"
#include "jsonpatch.h"
#include "laidoutjson.h"

#include <QFuture>

#include <memory>
#include <optional>

namespace runboard {

// One version of a manifest: the bytes read or written, and their parse.
struct ParsedVersion
{
    FileSnapshot file;
    std::shared_ptr<const Json> document;
};

// What a long-lived ManifestStore keeps from one commit to the next, so that a commit on the
// version already on disk need not parse, copy or lay out the whole document again: the last
// version the store read or wrote, parsed; a private working copy of it (the previous base with
// the last patch replayed on it once nobody else holds it, or a copy made in advance on the
// document thread); and its text layout, when its bytes are exactly what JsonWriter writes.
// Nobody outside needs to know: holders of versions simply let go of them when they like.
//
// The invariant: everything it hands out was made from the bytes of known(). The store uses any
// of it only after reading the disk under the lock and finding exactly those bytes there
// (ManifestStore::freshBase, the one place that checks), so a commit that uses it decides what
// one that parsed the disk would decide.
//
// Thread: the store's committing thread; the copies are made on the document thread
// (backgroundrelease.h) and waited for here.
class CommitCache
{
public:
    // What a commit on known() starts from: a copy to patch in place, and the layout of its text.
    struct Start
    {
        std::shared_ptr<Json> working;
        std::shared_ptr<const LaidOutJson> layout;
    };

    CommitCache() = default;
    ~CommitCache();
    CommitCache(const CommitCache &) = delete;
    CommitCache &operator=(const CommitCache &) = delete;

    // The version the cached parts were made from; null before the first.
    const ParsedVersion *known() const { return m_known ? &*m_known : nullptr; }

    // Whether `document` is one this store committed, so one that passed the shape check.
    bool isCommitted(const Json *document) const { return document && document == m_committed; }

    // A version read elsewhere (the watcher's path). Nothing is prepared for it: it may never be
    // committed on, and the reader must not wait for a copy; a commit on it copies then.
    void remember(const ParsedVersion &read);

    // A version this store wrote by applying `patch` (and the bookkeeping) to `base`, with the
    // layout of its text (null when unknown). While commits recycle their bases no copy is made;
    // otherwise one is made now, on the document thread, for the next commit.
    void rememberCommitted(const ParsedVersion &written, std::shared_ptr<const LaidOutJson> layout,
                           std::shared_ptr<const Json> base,
                           std::shared_ptr<const JsonPatch> patch);

    // A working copy of known(), which must be set: the recycled base, the copy made in advance,
    // or one made now. The cache keeps known() but gives its copy away; another take() copies.
    Start take();

private:
    // The last commit's base with its patch and bookkeeping replayed, checked against known()
    // where they wrote; null when somebody else still holds it, or it is no version of ours.
    std::shared_ptr<Json> recycle();

    std::optional<ParsedVersion> m_known;
    std::shared_ptr<const LaidOutJson> m_layout; // of known()'s bytes, when known
    std::optional<QFuture<Start>> m_prepared;    // a copy of known() on its way
    const Json *m_committed = nullptr;           // known()'s document, when this store wrote it
    // The version known() was committed on and the patch that led to it, for recycle().
    std::shared_ptr<const Json> m_recyclable;
    std::shared_ptr<const JsonPatch> m_recyclePatch;
    bool m_recycling = false; // the last take() recycled: no copy is made in advance
};

} // namespace runboard
