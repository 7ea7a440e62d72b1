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
// - Cost: the values (`yours` needs mine applied to base, one more copy of the document) are
//   only computed when there are conflicts; a clean verdict costs jsonRebase's apply and diff.
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

QString tr(const char *text)
{
    return QCoreApplication::translate("RebaseVerdict", text);
}

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
                return tr(place.words)
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

// Why mine no longer applies to theirs, in words.
Error cannotApply(const Json &base, const Json &theirs, const JsonPatch &mine, Error error)
{
    error.code = ErrorCode::InvalidPatch;
    const Json &details = error.details;
    const auto index = details.is_object() ? details.find("opIndex") : details.end();
    if (index == details.end() || !index->is_number_unsigned()
        || index->get<std::size_t>() >= mine.operations().size()) {
        error.message = tr("your change does not apply to the new version: %1").arg(error.message);
        return error;
    }
    const std::size_t opIndex = index->get<std::size_t>();
    const JsonPatch::Operation &op = mine.operations()[opIndex];
    Tokens removed = removedFrom(base, theirs, op.path);
    if (removed.empty() && (op.kind == OpKind::Move || op.kind == OpKind::Copy))
        removed = removedFrom(base, theirs, op.from);
    if (removed.empty()) {
        error.message = tr("your change does not apply to the new version: %1").arg(error.message);
        return error;
    }
    error.message
        = tr("%1 was removed, so operation %2 (%3 %4) no longer applies")
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
        const Result<Json> yours = mine.apply(base);
        const Json *yoursDocument = yours.isOk() ? &yours.value() : nullptr;
        for (std::string &pointer : rebase.bothChanged) {
            RebaseVerdict::Conflict conflict;
            if (const Result<JsonPointer> place = JsonPointer::parse(pointer); place.isOk()) {
                conflict.base = valueAt(&base, place.value());
                conflict.theirs = valueAt(&theirs, place.value());
                conflict.yours = valueAt(yoursDocument, place.value());
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
