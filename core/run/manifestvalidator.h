// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"
#include "patchfootprint.h"

namespace runboard {

// The two checks a manifest document goes through before Runboard trusts or writes it.
//
// checkFormat() answers "is this an ADE v1 manifest at all?" and runs on every load;
// validateShape() is ADE's validateManifestShape (bundle format §2.5) and runs, as in ADE, on
// every document Runboard is about to write, never on what others wrote. Both are pure functions
// of the document: no I/O, no state, safe from any thread. Unknown fields are always accepted.
class ManifestValidator
{
public:
    // An object with `version` == 1, a non-empty string `runId`, a string `etag` and an integer
    // `serverGeneration` >= 0 (an integral float passes, as JSON.parse reads it).
    // Error code Unreadable, message `not an ADE v1 manifest: …`, details {"path"}.
    static Result<void> checkFormat(const Json &document);

    // ADE's shape rules, checked in this order, first failure wins:
    // currentPhase; agents; tasks; validationStrategy.steps/checklist; checklist items and their
    // runs; leadState.planning (when present); lineage, receipts, outbox (when present).
    // Error code ValidationFailed; the message names the place in ADE's words (e.g.
    // `manifest.tasks contains duplicate id T-1`); details {"path": JSON pointer of the
    // offending value}. Elements are addressed by id predicate (`/tasks/{id:T-2}/phaseId`)
    // where the id picks that element, by index otherwise.
    static Result<void> validateShape(const Json &document);

    // validateShape(next) for a `next` that is a document which passed validateShape() with a
    // patch of `footprint` applied (plus the commit's bookkeeping members, which no rule reads):
    // only the rules whose members the patch wrote are checked again, and in the tasks array only
    // the tasks it wrote into, when it added, removed, moved and renamed none. The answer is the
    // same as validateShape(next)'s, failure messages included (a failure is worded by it).
    static Result<void> validateShapeChange(const Json &next, const PatchFootprint &footprint);
};

} // namespace runboard
