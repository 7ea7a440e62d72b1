// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <cstddef>
#include <string>

namespace runboard {

// Writes JSON text byte-identical to JavaScript's JSON.stringify, so a manifest written by ADE
// (JSON.stringify(v, null, 2)) round-trips unchanged and git diffs stay minimal.
class JsonWriter
{
public:
    enum class Style {
        Pretty,  // JSON.stringify(v, null, 2): 2-space indent, no trailing newline
        Compact, // JSON.stringify(v): one line, no spaces
    };

    static std::string write(const Json &value, Style style = Style::Pretty);
    static void append(std::string &out, const Json &value, Style style = Style::Pretty);

    // The pretty text of `value` as it appears nested `depth` levels deep in a pretty document:
    // its inner lines are indented by 2 * (depth + level) spaces. Depth 0 is write(value).
    static void appendPrettyAt(std::string &out, const Json &value, std::size_t depth);

    // Whether JSON.stringify writes this object's members in another order than they are stored
    // (keys that are array indices come first, in numeric order).
    static bool reordersMembers(const Json &object);

    // ECMA-262 Number::toString: shortest round-trip digits, plain decimal for 1e-6 <= |x| < 1e21,
    // otherwise d[.ddd]e±n; integral values without ".0"; -0 as "0"; NaN and infinities as "null".
    static void appendNumber(std::string &out, double value);
};

} // namespace runboard
