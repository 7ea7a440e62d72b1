// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"
#include "jsonpatch.h"

#include <string>
#include <vector>

namespace runboard {

// A patch that turns `from` into `to` (jsonEqual(apply(from, diff), to) always holds).
// Arrays whose elements are all objects with a unique string `id` (or `sessionId`) are compared
// by that key and addressed with predicates (`/tasks/{id:T-3}/status`), so a one-field change is
// one `replace` and stays meaningful when the other side reorders or inserts elements.
JsonPatch jsonDiff(const Json &from, const Json &to);

// The predicate token that names an array element in jsonDiff's and jsonRebase's output:
// `{id:T-3}` when the element is an object whose `id` is a string usable as a predicate value
// (non-empty, no `}`), else `{sessionId:S-1}` on the same terms, else an empty string.
std::string jsonElementKeyToken(const Json &element);

// What happens to "mine" (a patch made against `base`) now that the file became `theirs`.
struct RebaseResult
{
    // mine applied to theirs, or why it no longer applies.
    Result<Json> rebased = Json();
    // Pointers (canonical, predicate form where possible) that both mine and theirs changed;
    // sorted, without duplicates. A path is listed when one side's change contains the other's;
    // identical edits are not listed, appends to one array only when they add the same id, and
    // an index in mine that theirs' insertions or removals moved is (rules: jsonrebase.cpp).
    std::vector<std::string> bothChanged;
    // The indices of mine's operations that touch a place in bothChanged (a change of theirs
    // below, at or above what the op touches); sorted.
    std::vector<std::size_t> conflictingOps;

    bool isClean() const { return rebased.isOk() && bothChanged.empty(); }
};

struct RebaseOptions
{
    // Also count what mine reads: the value a `test` compares and a `copy` takes. A change of
    // theirs at, below or above such a place is then listed like a change of one it writes,
    // so a guard that theirs changed is a conflict rather than an op that fails to apply.
    bool readsConflict = false;
};

RebaseResult jsonRebase(const Json &base, const JsonPatch &mine, const Json &theirs,
                        const RebaseOptions &options = {});

} // namespace runboard
