// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"
#include "jsonpatch.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runboard {

// What becomes of a patch ("mine", made against `base`) now that the file is `theirs`: the
// answer a person gets after an etag conflict, and what decides whether Runboard may re-apply
// the patch by itself (DESIGN.md §8).
struct RebaseVerdict
{
    enum class Kind {
        Clean,      // theirs touched nothing mine reads or writes: `rebased` is mine on theirs
        Conflicts,  // both changed the same places (listed), or a guard of mine no longer holds
        CannotApply // mine fails on theirs, e.g. a task it edits was removed
    };

    struct Conflict
    {
        std::string pointer;      // canonical place both sides changed, "/tasks/{id:T-3}/status"
        std::optional<Json> base; // nullopt: the place did not exist
        std::optional<Json> theirs;
        std::optional<Json> yours; // the value mine leaves there when applied to base
    };

    Kind kind = Kind::Clean;
    // Conflicts, and CannotApply when the failing op met a change of theirs: sorted by pointer.
    std::vector<Conflict> conflicts;
    // Indices of mine's ops that read or write a conflicting place, sorted.
    std::vector<std::size_t> conflictingOps;
    // CannotApply: why mine no longer applies to theirs: InvalidPatch with the patch error's
    // details ({"opIndex","op","path","reason"}) and a message in words, e.g. "task T-9 was
    // removed, so operation 1 (replace /tasks/{id:T-9}/title) no longer applies"; details also
    // carry "removed", the canonical place theirs removed, when that is the reason.
    std::optional<Error> failure;
    std::shared_ptr<const Json> rebased; // Clean: mine applied to theirs

    bool isClean() const { return kind == Kind::Clean; }
};

// What becomes of `mine` (made against `base`) now that the file is `theirs`.
//
// Clean when theirs changed nothing mine reads or writes, parents and children of a path
// included; `test` ops and `copy` sources count as reads, so a test on a value theirs changed
// is a conflict. The bookkeeping every commit changes (etag, serverGeneration, updatedAt, the
// history ring) is no conflict unless mine touches it itself. Identical edits merge cleanly.
// The rules are jsonRebase's (core/json/jsonrebase.cpp), with reads counted.
//
// Cost: one apply on theirs (a copy of it), one diff of base and theirs; for conflicts also one
// apply on base, for the `yours` values. Pure function; callable from any thread.
RebaseVerdict judgeRebase(const Json &base, const JsonPatch &mine, const Json &theirs);

} // namespace runboard
