// SPDX-License-Identifier: MIT
//
// jsonDiff: the JSON Patch that turns one document into another.
//
// What it is for: the CLI's `diff`, ChangeWords (what changed, in sentences, for the conflict
// dialog, History and `diff --words`), and jsonRebase, which compares what two writers changed. Its
// output is read by people and by ADE, so keyed arrays (tasks, agents, checklist items, ...) are
// addressed by id predicates rather than by position: a one-field change of one task is exactly one
// `replace /tasks/{id:T-3}/status`, whatever happened around it.
//
// Invariants:
// - jsonEqual(apply(from, jsonDiff(from, to)), to) for every pair, and jsonDiff(a, a) is empty.
// - The operations are meant to be applied in order. Within a keyed array removals come first
//   (by predicate), then the changes inside surviving elements (by predicate), then insertions
//   whose numeric index is computed for the array as it is at that point. In a positional array
//   surplus elements are removed from the highest index down, so earlier indices stay valid.
// - Equal values produce nothing: numbers compare by value (1 == 1.0) and members in any order.
//
// Cost: one walk over both trees, like jsonEqual, plus one sorted key index per keyed array; no
// copy of anything that is not part of the output.
//
// Thread: pure function over const values; callable from any thread.

#include "jsondiff.h"

#include "keyedarray.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace runboard {

namespace {

using Operation = JsonPatch::Operation;
using OpKind = Operation::Kind;

// Objects up to this size are searched linearly: ordered_json keeps members in a vector, and a
// hash index costs more than it saves for the 5-30 members a manifest object has.
constexpr std::size_t kLinearLookupLimit = 24;

const Json *findMember(const Json::object_t &members, std::string_view name)
{
    for (const auto &member : members) {
        if (member.first == name)
            return &member.second;
    }
    return nullptr;
}

// Member lookup that stays linear for small objects and hashes large ones (a 1000-member map
// would otherwise make the object diff quadratic).
class MemberLookup
{
public:
    explicit MemberLookup(const Json::object_t &members) : m_members(members)
    {
        if (members.size() <= kLinearLookupLimit)
            return;
        m_index.reserve(members.size());
        for (const auto &member : members)
            m_index.emplace(member.first, &member.second);
    }

    const Json *find(std::string_view name) const
    {
        if (m_index.empty())
            return findMember(m_members, name);
        const auto found = m_index.find(name);
        return found == m_index.end() ? nullptr : found->second;
    }

private:
    const Json::object_t &m_members;
    std::unordered_map<std::string_view, const Json *> m_index;
};

class Differ
{
public:
    std::vector<Operation> takeOperations() { return std::move(m_operations); }

    void diff(const Json &from, const Json &to)
    {
        if (&from == &to)
            return;
        if (from.is_object() && to.is_object()) {
            diffObjects(from.get_ref<const Json::object_t &>(),
                        to.get_ref<const Json::object_t &>());
        } else if (from.is_array() && to.is_array()) {
            if (!diffKeyedArrays(from, to))
                diffPositionalArrays(from, to);
        } else if (!jsonEqual(from, to)) {
            record(OpKind::Replace, &to);
        }
    }

private:
    void record(OpKind kind, const Json *value)
    {
        Operation op;
        op.kind = kind;
        op.path = JsonPointer::fromTokens(m_path);
        if (value != nullptr)
            op.value = *value;
        m_operations.push_back(std::move(op));
    }

    void recordAt(std::string token, OpKind kind, const Json *value)
    {
        m_path.push_back(std::move(token));
        record(kind, value);
        m_path.pop_back();
    }

    void diffAt(std::string token, const Json &from, const Json &to)
    {
        m_path.push_back(std::move(token));
        diff(from, to);
        m_path.pop_back();
    }

    // diffAt() for a member: most members are scalars that did not change, so the member name
    // is only copied into the path when there is something to recurse into or to record.
    void diffMember(const std::string &name, const Json &from, const Json &to)
    {
        if ((from.is_object() && to.is_object()) || (from.is_array() && to.is_array()))
            diffAt(name, from, to);
        else if (!jsonEqual(from, to))
            recordAt(name, OpKind::Replace, &to);
    }

    void diffObjects(const Json::object_t &from, const Json::object_t &to)
    {
        // Two versions of one file usually have the same members in the same order: walk them
        // side by side and skip the lookups.
        if (from.size() == to.size()
            && std::equal(from.begin(), from.end(), to.begin(),
                          [](const auto &a, const auto &b) { return a.first == b.first; })) {
            auto target = to.begin();
            for (auto source = from.begin(); source != from.end(); ++source, ++target)
                diffMember(source->first, source->second, target->second);
            return;
        }

        const MemberLookup inTo(to);
        for (const auto &member : from) {
            const Json *target = inTo.find(member.first);
            if (target == nullptr)
                recordAt(member.first, OpKind::Remove, nullptr);
            else
                diffMember(member.first, member.second, *target);
        }
        const MemberLookup inFrom(from);
        for (const auto &member : to) {
            if (inFrom.find(member.first) == nullptr)
                recordAt(member.first, OpKind::Add, &member.second);
        }
    }

    // Returns false (having emitted nothing) when the arrays are not both keyed by the same
    // field, or when their common elements changed relative order: positional insert indices
    // are only well defined while the survivors keep their order.
    bool diffKeyedArrays(const Json &from, const Json &to)
    {
        if (from.empty() && to.empty())
            return true;
        KeyIndex source;
        KeyIndex target;
        std::string_view field;
        for (const std::string_view candidate : kKeyFields) {
            if (source.build(from, candidate) && target.build(to, candidate)) {
                field = candidate;
                break;
            }
        }
        if (field.empty())
            return false;

        std::vector<std::size_t> targetOf(source.keys().size(), KeyIndex::kAbsent);
        std::size_t common = 0;
        std::size_t lastTarget = 0;
        for (std::size_t i = 0; i < source.keys().size(); ++i) {
            const std::size_t j = target.find(source.keys()[i]);
            if (j == KeyIndex::kAbsent)
                continue;
            if (common > 0 && j <= lastTarget)
                return false;
            targetOf[i] = j;
            lastTarget = j;
            ++common;
        }

        const auto tokenFor = [field](std::string_view key) {
            return JsonPointer::predicateToken(field, key);
        };
        for (std::size_t i = 0; i < source.keys().size(); ++i) {
            if (targetOf[i] == KeyIndex::kAbsent)
                recordAt(tokenFor(source.keys()[i]), OpKind::Remove, nullptr);
        }
        // Nearly every element is unchanged: a plain comparison settles those without
        // building their predicate token.
        for (std::size_t i = 0; i < source.keys().size(); ++i) {
            if (targetOf[i] != KeyIndex::kAbsent && !jsonEqual(from[i], to[targetOf[i]]))
                diffAt(tokenFor(source.keys()[i]), from[i], to[targetOf[i]]);
        }
        // Walking `to` in order, every element before position j is already in place, so a new
        // element goes exactly at j; at the current end that is an append.
        std::size_t length = common;
        for (std::size_t j = 0; j < target.keys().size(); ++j) {
            if (source.find(target.keys()[j]) != KeyIndex::kAbsent)
                continue;
            recordAt(j == length ? std::string("-") : std::to_string(j), OpKind::Add, &to[j]);
            ++length;
        }
        return true;
    }

    void diffPositionalArrays(const Json &from, const Json &to)
    {
        const std::size_t n = from.size();
        const std::size_t m = to.size();
        std::size_t prefix = 0;
        while (prefix < n && prefix < m && jsonEqual(from[prefix], to[prefix]))
            ++prefix;
        std::size_t suffix = 0;
        while (suffix < n - prefix && suffix < m - prefix
               && jsonEqual(from[n - 1 - suffix], to[m - 1 - suffix]))
            ++suffix;

        const std::size_t fromMiddle = n - prefix - suffix;
        const std::size_t toMiddle = m - prefix - suffix;
        const std::size_t overlap = std::min(fromMiddle, toMiddle);
        for (std::size_t i = prefix; i < prefix + overlap; ++i)
            diffAt(std::to_string(i), from[i], to[i]);
        for (std::size_t i = prefix + fromMiddle; i > prefix + toMiddle; --i)
            recordAt(std::to_string(i - 1), OpKind::Remove, nullptr);
        for (std::size_t i = prefix + fromMiddle; i < prefix + toMiddle; ++i)
            recordAt(std::to_string(i), OpKind::Add, &to[i]);
    }

    std::vector<std::string> m_path;
    std::vector<Operation> m_operations;
};

} // namespace

JsonPatch jsonDiff(const Json &from, const Json &to)
{
    Differ differ;
    differ.diff(from, to);
    return JsonPatch(differ.takeOperations());
}

std::string jsonElementKeyToken(const Json &element)
{
    for (const std::string_view field : kKeyFields) {
        if (const std::string *key = keyOf(element, field))
            return JsonPointer::predicateToken(field, *key);
    }
    return {};
}

} // namespace runboard
