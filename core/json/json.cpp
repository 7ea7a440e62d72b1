// SPDX-License-Identifier: MIT
//
// Order-insensitive JSON equality. Objects are compared member by member in a's order; the
// common case (same members in the same order, as when comparing two versions of one file) is
// a straight walk, and only a mismatch in order falls back to a lookup per member.

#include "json.h"

namespace runboard {

namespace {

bool objectsEqual(const Json &a, const Json &b)
{
    if (a.size() != b.size())
        return false;
    auto bit = b.begin();
    for (auto ait = a.begin(); ait != a.end(); ++ait, ++bit) {
        if (ait.key() == bit.key()) {
            if (!jsonEqual(ait.value(), bit.value()))
                return false;
            continue;
        }
        const auto found = b.find(ait.key());
        if (found == b.end() || !jsonEqual(ait.value(), found.value()))
            return false;
    }
    return true;
}

} // namespace

bool jsonEqual(const Json &a, const Json &b)
{
    if (a.is_number() && b.is_number())
        return a == b; // nlohmann compares integer, unsigned and float values numerically
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case Json::value_t::object:
        return objectsEqual(a, b);
    case Json::value_t::array: {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!jsonEqual(a[i], b[i]))
                return false;
        }
        return true;
    }
    default:
        return a == b;
    }
}

} // namespace runboard
