// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

namespace runboard {

// The in-memory JSON tree. ordered_json keeps object members in file order and erases without
// reordering, parses numbers exactly and resolves duplicate keys as JavaScript does (the last
// value wins, at the first key's position). See docs/json.md.
using Json = nlohmann::ordered_json;

// JSON equality as RFC 6902 `test` defines it: objects compare as unordered sets of members,
// arrays element by element, numbers by value (1 == 1.0). ordered_json's operator== compares
// member order too, which is wrong for that purpose.
bool jsonEqual(const Json &a, const Json &b);

} // namespace runboard
