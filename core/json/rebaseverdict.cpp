// SPDX-License-Identifier: MIT
//
// judgeRebase: the rebase verdict a person (or Runboard's auto-rebase) acts on after an etag
// conflict.
//
// Design considerations
// - One set of rules: the places both sides changed are jsonRebase's (jsonrebase.cpp), asked to
//   count reads too (RebaseOptions::readsConflict). A `test` is how a patch says "only if this
//   still holds" (undo puts one before every value it restores), so a change of theirs at,
//   above or below a tested place is a conflict even when the test would happen to pass.
// - Bookkeeping needs no special case: a commit changes /etag, /serverGeneration, /updatedAt and
//   /history, and a conflict needs two touches on one branch, so those changes meet only a patch
//   that touches the same members (or the root) itself.
// - The verdict's kind says what can be offered. Clean: re-apply as it is (`rebased` is the
//   result on theirs). Conflicts: the listed places with base / theirs / yours values; nothing
//   is re-applied without the person. CannotApply: an op of mine fails on theirs for a reason
//   other than a guard that no longer holds, typically a target theirs removed; the failure says
//   so in words. A failed `test` whose place theirs changed is a conflict, not a failure: that
//   is exactly what the test was for.
// - Cost: a clean verdict costs jsonRebase's apply (one copy of theirs) and diff. The values of
//   a conflict are read from base and theirs; `yours` is worked out on the subtree that holds it
//   (a copy of that subtree, mine's ops on it applied), since copying and freeing a whole
//   document for a few values dominated the verdict; only when that is not certain (moves,
//   copies, positions) is mine applied to the whole base.
// Thread: pure function over const values; callable from any thread.

#include "rebaseverdict.h"

#include "jsondiff.h"
#include "jsonpointer.h"

#include <QCoreApplication>

#include <algorithm>

namespace runboard {

namespace {

using OpKind = JsonPatch::Operation::Kind;
using Tokens = std::vector<std::string>;

// lupdate reads Tr::tr() under the "RebaseVerdict" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(RebaseVerdict)
};

std::optional<Json> valueAt(const Json *document, const JsonPointer &place)
{
    if (document == nullptr)
        return std::nullopt;
    const Json *value = place.find(*document);
    return value != nullptr ? std::optional<Json>(*value) : std::nullopt;
}

// Elements of a manifest with words of their own: the arrays' path, what to call an element.
struct NamedPlace
{
    std::vector<std::string_view> array; // "*" stands for any token
    const char *words;                   // translated (QT_TRANSLATE_NOOP marks it)
};

const NamedPlace kNamedPlaces[] = {
    {{"tasks"}, QT_TRANSLATE_NOOP("RebaseVerdict", "task %1")},
    {{"agents"}, QT_TRANSLATE_NOOP("RebaseVerdict", "agent %1")},
    {{"phases"}, QT_TRANSLATE_NOOP("RebaseVerdict", "phase %1")},
    {{"decisions"}, QT_TRANSLATE_NOOP("RebaseVerdict", "decision %1")},
    {{"userOverrides"}, QT_TRANSLATE_NOOP("RebaseVerdict", "user override %1")},
    {{"assets"}, QT_TRANSLATE_NOOP("RebaseVerdict", "asset %1")},
    {{"validationStrategy", "steps"}, QT_TRANSLATE_NOOP("RebaseVerdict", "validation step %1")},
    {{"validationStrategy", "checklist"}, QT_TRANSLATE_NOOP("RebaseVerdict", "checklist item %1")},
    {{"validationStrategy", "checklist", "*", "runs"},
     QT_TRANSLATE_NOOP("RebaseVerdict", "validation run %1")},
};

// The words for a removed place of a manifest: "task T-9", "agent S-1", ..., else its pointer.
QString describePlace(const Tokens &tokens)
{
    std::string_view field;
    std::string_view value;
    if (!tokens.empty() && JsonPointer::parsePredicate(tokens.back(), &field, &value)) {
        for (const NamedPlace &place : kNamedPlaces) {
            if (place.array.size() + 1 != tokens.size())
                continue;
            if (std::equal(place.array.begin(), place.array.end(), tokens.begin(),
                           [](std::string_view pattern, const std::string &token) {
                               return pattern == "*" || pattern == token;
                           })) {
                return Tr::tr(place.words)
                    .arg(QString::fromUtf8(value.data(), qsizetype(value.size())));
            }
        }
    }
    return JsonPointer::fromTokens(tokens).toDisplayString();
}

// The shortest part of `path` that names something in base and nothing in theirs: what theirs
// removed from under the op. Empty when there is none.
Tokens removedFrom(const Json &base, const Json &theirs, const JsonPointer &path)
{
    Tokens prefix;
    for (const std::string &token : path.tokens()) {
        prefix.push_back(token);
        const JsonPointer place = JsonPointer::fromTokens(prefix);
        if (place.find(base) == nullptr)
            return {};
        if (place.find(theirs) == nullptr)
            return prefix;
    }
    return {};
}

bool isIndexToken(const std::string &token)
{
    return !token.empty()
           && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isTokenPrefix(const Tokens &prefix, const Tokens &path)
{
    return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// The value mine leaves at `place` when applied to base, worked out on the subtree that holds
// it: the highest of `place` and the ops' paths above it, copied from base, with the ops inside
// it applied in order. Only ops on that branch can change it, so this equals applying mine to
// the whole base (and copying all of it) when the ops name places plainly. nullopt when that is
// not certain: a move or copy (it reads elsewhere), an index or `-` in a path on the branch (an
// insertion shifts or names elements by position), an `add` onto an existing element, or a
// failing op. The inner optional is the
// value: nullopt where the place does not exist.
std::optional<std::optional<Json>> yoursLocally(const Json &base, const JsonPatch &mine,
                                                const JsonPointer &place)
{
    const Tokens &target = place.tokens();
    if (std::any_of(target.begin(), target.end(), isIndexToken))
        return std::nullopt;
    Tokens top = target; // the subtree's root: `place` or the highest op path above it
    std::vector<const JsonPatch::Operation *> inside;
    for (const JsonPatch::Operation &op : mine.operations()) {
        if (op.kind == OpKind::Test)
            continue;
        const Tokens &path = op.path.tokens();
        const bool onBranch = isTokenPrefix(path, target) || isTokenPrefix(target, path);
        // An op beside the branch at the same array may insert the element `place` names.
        const bool besideInArray = !path.empty() && path.size() <= target.size()
                                   && isTokenPrefix(Tokens(path.begin(), path.end() - 1), target)
                                   && (path.back() == "-" || isIndexToken(path.back()));
        if (op.kind == OpKind::Move || op.kind == OpKind::Copy)
            return std::nullopt;
        if (besideInArray
            || (onBranch && std::any_of(path.begin(), path.end(), [](const std::string &t) {
                    return t == "-" || isIndexToken(t);
                })))
            return std::nullopt;
        if (!onBranch)
            continue;
        if (path.size() < top.size())
            top = path;
        inside.push_back(&op);
    }
    // An `add` to a predicate appends to the array (and fails when the element exists); on the
    // small document it would set a member instead.
    std::string_view field;
    if (!top.empty() && JsonPointer::parsePredicate(top.back(), &field, nullptr)
        && JsonPointer::fromTokens(top).find(base) != nullptr
        && std::any_of(inside.begin(), inside.end(), [&top](const JsonPatch::Operation *op) {
               return op->kind == OpKind::Add && op->path.tokens() == top;
           })) {
        return std::nullopt;
    }
    // The subtree under the key "v" of a small document, and the ops re-rooted there.
    Json local = Json::object();
    if (const Json *subtree = JsonPointer::fromTokens(top).find(base))
        local["v"] = *subtree;
    std::vector<JsonPatch::Operation> rerooted;
    for (const JsonPatch::Operation *op : inside) {
        const Tokens &path = op->path.tokens();
        if (!isTokenPrefix(top, path))
            return std::nullopt; // above `top`: cannot happen, `top` is the highest
        Tokens inner{"v"};
        inner.insert(inner.end(), path.begin() + std::ptrdiff_t(top.size()), path.end());
        JsonPatch::Operation copy = *op;
        copy.path = JsonPointer::fromTokens(std::move(inner));
        rerooted.push_back(std::move(copy));
    }
    if (!JsonPatch(std::move(rerooted)).applyInPlace(local).isOk())
        return std::nullopt;
    Tokens rest{"v"};
    rest.insert(rest.end(), target.begin() + std::ptrdiff_t(top.size()), target.end());
    const Json *value = JsonPointer::fromTokens(std::move(rest)).find(local);
    return value != nullptr ? std::optional<Json>(*value) : std::optional<Json>();
}

// Why mine no longer applies to theirs, in words.
Error cannotApply(const Json &base, const Json &theirs, const JsonPatch &mine, Error error)
{
    error.code = ErrorCode::InvalidPatch;
    const Json &details = error.details;
    const auto index = details.is_object() ? details.find("opIndex") : details.end();
    if (index == details.end() || !index->is_number_unsigned()
        || index->get<std::size_t>() >= mine.operations().size()) {
        error.message
            = Tr::tr("your change does not apply to the new version: %1").arg(error.message);
        return error;
    }
    const std::size_t opIndex = index->get<std::size_t>();
    const JsonPatch::Operation &op = mine.operations()[opIndex];
    Tokens removed = removedFrom(base, theirs, op.path);
    if (removed.empty() && (op.kind == OpKind::Move || op.kind == OpKind::Copy))
        removed = removedFrom(base, theirs, op.from);
    if (removed.empty()) {
        error.message
            = Tr::tr("your change does not apply to the new version: %1").arg(error.message);
        return error;
    }
    error.message
        = Tr::tr("%1 was removed, so operation %2 (%3 %4) no longer applies")
              .arg(describePlace(removed), QString::number(opIndex),
                   QString::fromLatin1(JsonPatch::kindName(op.kind)), op.path.toDisplayString());
    error.details["removed"] = JsonPointer::fromTokens(std::move(removed)).toString();
    return error;
}

// Whether the failure is a `test` of mine whose place theirs changed: a guard that did its job.
bool isFailedGuard(const Error &error, const JsonPatch &mine, const Json &theirs,
                   const std::vector<std::size_t> &conflictingOps)
{
    const auto index
        = error.details.is_object() ? error.details.find("opIndex") : error.details.end();
    if (index == error.details.end() || !index->is_number_unsigned())
        return false;
    const std::size_t opIndex = index->get<std::size_t>();
    return opIndex < mine.operations().size() && mine.operations()[opIndex].kind == OpKind::Test
           && mine.operations()[opIndex].path.find(theirs) != nullptr
           && std::binary_search(conflictingOps.begin(), conflictingOps.end(), opIndex);
}

} // namespace

RebaseVerdict judgeRebase(const Json &base, const JsonPatch &mine, const Json &theirs)
{
    RebaseOptions options;
    options.readsConflict = true;
    RebaseResult rebase = jsonRebase(base, mine, theirs, options);

    RebaseVerdict verdict;
    verdict.conflictingOps = std::move(rebase.conflictingOps);
    if (!rebase.bothChanged.empty()) {
        // Mine applied to the whole base, made only when a place cannot be worked out locally.
        std::optional<Result<Json>> yoursDocument;
        for (std::string &pointer : rebase.bothChanged) {
            RebaseVerdict::Conflict conflict;
            if (const Result<JsonPointer> place = JsonPointer::parse(pointer); place.isOk()) {
                conflict.base = valueAt(&base, place.value());
                conflict.theirs = valueAt(&theirs, place.value());
                if (std::optional<std::optional<Json>> local
                    = yoursLocally(base, mine, place.value())) {
                    conflict.yours = std::move(*local);
                } else {
                    if (!yoursDocument)
                        yoursDocument = mine.apply(base);
                    conflict.yours = valueAt(
                        yoursDocument->isOk() ? &yoursDocument->value() : nullptr, place.value());
                }
            }
            conflict.pointer = std::move(pointer);
            verdict.conflicts.push_back(std::move(conflict));
        }
    }

    if (!rebase.rebased.isOk()) {
        const Error &error = rebase.rebased.error();
        if (!verdict.conflicts.empty()
            && isFailedGuard(error, mine, theirs, verdict.conflictingOps)) {
            verdict.kind = RebaseVerdict::Kind::Conflicts;
        } else {
            verdict.kind = RebaseVerdict::Kind::CannotApply;
            verdict.failure = cannotApply(base, theirs, mine, error);
        }
        return verdict;
    }
    if (!verdict.conflicts.empty()) {
        verdict.kind = RebaseVerdict::Kind::Conflicts;
        return verdict;
    }
    verdict.kind = RebaseVerdict::Kind::Clean;
    verdict.rebased = std::make_shared<const Json>(std::move(rebase.rebased).value());
    return verdict;
}

} // namespace runboard
