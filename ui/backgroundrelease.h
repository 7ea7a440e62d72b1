// SPDX-License-Identifier: MIT
#pragma once

#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>
#include <utility>

namespace runboard {

// Lets go of `value` in a worker thread. For the last reference to a manifest document (a
// Snapshot, a std::shared_ptr<const Json>): freeing the nodes of a 10 MB manifest takes longer
// than a frame, and the GUI thread has better things to do. Safe for implicitly shared and
// shared_ptr values, whose reference counts are atomic; the value must not point at anything the
// GUI thread still changes.
template<typename T>
void releaseInBackground(T value)
{
    if constexpr (std::is_constructible_v<bool, const T &>) {
        if (!value)
            return;
    }
    auto future = QtConcurrent::run([held = std::move(value)]() mutable { held = T(); });
    Q_UNUSED(future)
}

} // namespace runboard
