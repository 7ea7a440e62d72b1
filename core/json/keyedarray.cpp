// SPDX-License-Identifier: MIT

#include "keyedarray.h"

#include <algorithm>

namespace runboard {

const std::string *keyOf(const Json &element, std::string_view field)
{
    if (!element.is_object())
        return nullptr;
    const auto found = element.find(field);
    if (found == element.end() || !found->is_string())
        return nullptr;
    const std::string &text = found->get_ref<const std::string &>();
    if (text.empty() || text.find('}') != std::string::npos)
        return nullptr;
    return &text;
}

bool KeyIndex::build(const Json &array, std::string_view field)
{
    m_keys.clear();
    m_sorted.clear();
    m_keys.reserve(array.size());
    m_sorted.reserve(array.size());
    for (const Json &element : array) {
        const std::string *key = keyOf(element, field);
        if (key == nullptr) {
            m_keys.clear();
            m_sorted.clear();
            return false;
        }
        m_sorted.emplace_back(*key, m_keys.size());
        m_keys.emplace_back(*key);
    }
    std::sort(m_sorted.begin(), m_sorted.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    const auto repeated
        = std::adjacent_find(m_sorted.begin(), m_sorted.end(),
                             [](const auto &a, const auto &b) { return a.first == b.first; });
    if (repeated != m_sorted.end()) {
        m_keys.clear();
        m_sorted.clear();
        return false;
    }
    return true;
}

std::size_t KeyIndex::find(std::string_view key) const
{
    const auto found
        = std::lower_bound(m_sorted.begin(), m_sorted.end(), key,
                           [](const std::pair<std::string_view, std::size_t> &entry,
                              std::string_view wanted) { return entry.first < wanted; });
    return found != m_sorted.end() && found->first == key ? found->second : kAbsent;
}

} // namespace runboard
