// SPDX-License-Identifier: MIT
//
// CommitCache: the parts of the last version a long-lived store keeps for the next commit.
//
// Design considerations
// - A copy of a 1 MB document takes about 1.5 ms (15 ms at 5 MB), and one made beside a free on
//   another thread four times as long. So copies are made on the document thread, right after
//   the commit that needs one next, and the version they replace is freed there after them.
// - Better than a copy is none: the version the last commit was based on becomes the next
//   working copy once nobody else holds it (the window lets go of a version when it shows the
//   next), brought up to date by replaying that commit's patch and bookkeeping on it. Only
//   documents this store made itself (a version read elsewhere may be shared in ways the store
//   cannot see), and only when its reference count says the cache's is the last reference; then
//   nobody can see it change. bench_manifest measured what it buys (docs/benchmarks.md):
//   without it a 1 MB commit back to back waits for the copy (1.2x → 1.5-2.0x the floor).
// - A replay must give exactly the committed version. That is checked in every build, where it
//   can differ: the members and elements the patch wrote (DocumentChanges::afterPatch names
//   them; PatchFootprint promises the rest is the base's on both sides; the bookkeeping is
//   copied from the committed version). A mismatch, never expected, drops the recycled document and
//   copies instead.
// - While commits recycle, no copy is made in advance; when one cannot (somebody still holds
//   the base), it copies, and copies are made in advance again until a commit recycles.
// - A version somebody else wrote is not copied in advance: the watcher delivers it to the
//   window, which must not wait for a copy nobody may need (tried: the external change path
//   slowed to 11.7 ms p50 at 1 MB). The first commit on it copies inline, and looks for its
//   layout then (ADE writes exactly JsonWriter's text, so it is usually found).

#include "commitcache.h"

#include "backgroundrelease.h"
#include "documentchanges.h"
#include "logging.h"
#include "manifeststore.h"

#include <atomic>

namespace runboard {

namespace {

// A working copy of `version` and, when asked, its layout if its bytes are exactly the writer's
// text of it. `replaced` (the version known before) is let go of here, on the thread that runs
// this, after the copy.
CommitCache::Start prepare(const ParsedVersion &version, bool findLayout,
                           std::shared_ptr<const Json> replaced = nullptr)
{
    CommitCache::Start start;
    start.working = std::make_shared<Json>(*version.document);
    if (findLayout) {
        auto laidOut = std::make_shared<LaidOutJson>(LaidOutJson::write(*version.document));
        const QByteArray &bytes = version.file.bytes;
        if (laidOut->hasLayout()
            && std::string_view(bytes.constData(), std::size_t(bytes.size())) == laidOut->text())
            start.layout = std::move(laidOut);
    }
    replaced.reset();
    return start;
}

} // namespace

CommitCache::~CommitCache()
{
    if (m_prepared)
        m_prepared->waitForFinished();
}

void CommitCache::remember(const ParsedVersion &read)
{
    if (!read.document || (m_known && m_known->file.bytes == read.file.bytes))
        return;
    // A copy still being made of an older version finishes on its own; it holds what it uses.
    m_prepared.reset();
    m_known = read;
    m_layout.reset();
    m_committed = nullptr;
    releaseInBackground(std::move(m_recyclable));
    m_recyclePatch.reset();
}

void CommitCache::rememberCommitted(const ParsedVersion &written,
                                    std::shared_ptr<const LaidOutJson> layout,
                                    std::shared_ptr<const Json> base,
                                    std::shared_ptr<const JsonPatch> patch)
{
    if (m_prepared)
        m_prepared->waitForFinished(); // a copy of the version replaced now: let it go
    m_prepared.reset();
    releaseInBackground(std::move(m_recyclable));
    m_recyclePatch.reset();
    if (base && patch && base.get() == m_committed) {
        m_recyclable = std::move(base);
        m_recyclePatch = std::move(patch);
    }
    std::shared_ptr<const Json> replaced = m_known ? std::move(m_known->document) : nullptr;
    m_known = written;
    m_layout = std::move(layout);
    m_committed = written.document.get();
    if (m_recycling && m_recyclable) {
        releaseInBackground(std::move(replaced));
        return;
    }
    m_prepared = documentThread().run([version = written, findLayout = m_layout == nullptr,
                                       replaced = std::move(replaced)]() mutable {
        return prepare(version, findLayout, std::move(replaced));
    });
}

std::shared_ptr<Json> CommitCache::recycle()
{
    if (!m_recyclable || !ManifestStore::shortcuts().recycle)
        return nullptr;
    if (m_recyclable.use_count() != 1) {
        qCDebug(lcStore) << "the last base is still held elsewhere: copying";
        return nullptr;
    }
    // Nobody else holds it: their last release happened before this (the count's decrement is a
    // release; this fence pairs with it before the document is written).
    std::atomic_thread_fence(std::memory_order_acquire);
    // Made by this store as a mutable object and shared as const only: writing it is allowed.
    auto document = std::const_pointer_cast<Json>(std::exchange(m_recyclable, nullptr));
    const std::shared_ptr<const JsonPatch> patch = std::move(m_recyclePatch);
    const Json &committed = *m_known->document;
    bool same = patch->applyInPlace(*document).isOk();
    if (same) {
        // The bookkeeping is copied, so comparing it would prove nothing: only the places the
        // replayed patch wrote are compared.
        for (const std::string_view member : ManifestStore::bookkeepingMembers())
            (*document)[std::string(member)] = committed.at(std::string(member));
        const DocumentChanges written
            = DocumentChanges::afterPatch(m_known->document, *document, PatchFootprint(*patch), {});
        same = written.sameChangedParts(*document, committed);
        if (!same)
            qCWarning(lcStore) << "a replayed version differed from the committed one; copying";
    }
    if (!same) {
        releaseInBackground(std::shared_ptr<const Json>(std::move(document)));
        return nullptr;
    }
    return document;
}

CommitCache::Start CommitCache::take()
{
    Q_ASSERT(m_known);
    Start start;
    start.working = recycle();
    m_recycling = start.working != nullptr;
    if (m_recycling && m_prepared)
        releaseInBackground(std::move(*m_prepared)); // the copy is freed where it was made
    else if (m_prepared)
        start = m_prepared->result();
    else if (!start.working)
        start = prepare(*m_known, m_layout == nullptr);
    qCDebug(lcStore) << "working copy:"
                     << (m_recycling  ? "the last base, the last patch replayed on it"
                         : m_prepared ? "the copy made in advance"
                                      : "copied now");
    m_prepared.reset();
    if (start.layout)
        m_layout = start.layout; // found for a version read elsewhere: kept for the next copy
    start.layout = m_layout;
    return start;
}

} // namespace runboard
