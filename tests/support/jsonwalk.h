// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <vector>

namespace runboard::test {

// Every pointer to a value inside `value` (the root excluded), depth first, for sweeps that
// change each value of a document in turn.
inline void collectPointers(const Json &value, const Json::json_pointer &at,
                            std::vector<Json::json_pointer> *out)
{
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            out->push_back(at / it.key());
            collectPointers(it.value(), at / it.key(), out);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            out->push_back(at / i);
            collectPointers(value[i], at / i, out);
        }
    }
}

} // namespace runboard::test
