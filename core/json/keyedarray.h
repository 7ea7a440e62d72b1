// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runboard {

// ADE names array elements by `{field:value}` predicates: tasks, steps and checklist items by
// `id`, agents by `sessionId`. These are the fields that make an array keyed, in order of
// preference.
inline constexpr std::array<std::string_view, 2> kKeyFields = {"id", "sessionId"};

// The value of `element`'s `field` when it can stand inside `{field:value}` (a non-empty string
// without '}', ADE's `[^}]+`); nullptr when it cannot, or when `element` is not an object.
const std::string *keyOf(const Json &element, std::string_view field);

// Where each key of a keyed array sits. One vector sorted by key, not a hash map: building it
// for the thousands of tasks of a big run is a sort of views in one allocation, not a node per
// task (the policy and the diff build it for both sides of every commit and comparison). The
// views point into the array's strings: the index lives no longer than the array.
class KeyIndex
{
public:
    static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);

    // False (and the index empty) unless every element has a usable key in `field` and no key
    // repeats.
    bool build(const Json &array, std::string_view field);

    // The element's position, or kAbsent.
    std::size_t find(std::string_view key) const;
    bool contains(std::string_view key) const { return find(key) != kAbsent; }

    // The keys in the array's order.
    const std::vector<std::string_view> &keys() const { return m_keys; }

private:
    std::vector<std::string_view> m_keys;
    std::vector<std::pair<std::string_view, std::size_t>> m_sorted; // by key
};

} // namespace runboard
