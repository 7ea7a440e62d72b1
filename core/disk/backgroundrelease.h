// SPDX-License-Identifier: MIT
#pragma once

#include "workerthread.h"

#include <type_traits>
#include <utility>

namespace runboard {

// One thread for the big allocations and frees of manifest documents: copies of a document for
// the next commit, and the last references to old ones. Run on one thread, in the order they were
// asked for, a copy never competes with a free for the allocator (side by side on two threads a
// 1 MB copy took four times as long), and a copy asked for before a release is done first.
// Named "rb-documents". Owned by the process, not by a store or a service: the documents it
// frees are held by whoever was shown them (the window's models, a CLI command), often after the
// store that read them is gone; it is made on first use and joined when the process exits.
WorkerThread &documentThread();

// Lets go of `value` in the document thread. For the last reference to a manifest document (a
// Snapshot, a std::shared_ptr<const Json>): freeing the nodes of a 1 MB manifest takes over a
// millisecond (of a 10 MB one, longer than a frame), and neither the GUI thread nor a commit
// should wait for it. Safe for implicitly shared and shared_ptr values, whose reference counts
// are atomic; the value must not point at anything the GUI thread still changes.
// A shared_ptr that is not the last reference is just dropped here: it frees nothing, and the
// document thread must not keep a document alive for a while that somebody else is about to let
// go of. So callers need not count references.
template<typename T>
void releaseInBackground(T value)
{
    if constexpr (std::is_constructible_v<bool, const T &>) {
        if (!value)
            return;
    }
    if constexpr (requires { value.use_count(); }) {
        if (value.use_count() > 1)
            return; // ours goes here; another holder frees it
    }
    auto future = documentThread().run([held = std::move(value)]() mutable { held = T(); });
    Q_UNUSED(future)
}

// A snapshot's document, let go of as above; the rest of the snapshot (its bytes, one block)
// is freed here.
template<typename Snapshot>
void releaseDocumentOf(Snapshot snapshot)
{
    auto document = snapshot.sharedDocument();
    snapshot = Snapshot();
    releaseInBackground(std::move(document));
}

} // namespace runboard
