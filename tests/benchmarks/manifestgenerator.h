// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <cstddef>

namespace runboard::bench {

// How much of everything a generated manifest holds.
struct ManifestShape
{
    int tasks = 0;
    int agents = 2;
    int historyEntries = 50; // ADE keeps a ring of 50
    int outboxEntries = 200; // and prunes delivered/failed entries beyond 200
};

// A deterministic ADE-like manifest (bundle format v1, §2): phases, agents, tasks with about
// twenty fields each (non-ASCII text, quotes, backslashes, control escapes, ISO dates, floats),
// validation steps and a checklist, a history ring and an outbox. The same shape always gives
// the same document.
Json generateManifest(const ManifestShape &shape);

// The shape whose manifest, written as JSON.stringify(v, null, 2), is about `bytes` long.
// Small manifests get a shorter history and outbox (200 outbox entries alone are ~70 KB).
ManifestShape shapeForSize(std::size_t bytes);

} // namespace runboard::bench
