// SPDX-License-Identifier: MIT

#include "patchfootprint.h"

#include "keyedarray.h"

#include <algorithm>

namespace runboard {

namespace {

using OpKind = JsonPatch::Operation::Kind;

bool isKeyField(std::string_view name)
{
    return std::find(std::begin(kKeyFields), std::end(kKeyFields), name) != std::end(kKeyFields);
}

// The predicate token that finds an element whose `field` is `key`; empty when none can.
std::string keyTokenFor(std::string_view field, const Json &key)
{
    if (!key.is_string())
        return std::string();
    const std::string &text = key.get_ref<const std::string &>();
    if (text.empty() || text.find('}') != std::string::npos)
        return std::string();
    return JsonPointer::predicateToken(field, text);
}

// The keys an object placed into an array element will be found under.
std::vector<std::string> keyTokensOf(const Json &value)
{
    std::vector<std::string> tokens;
    if (!value.is_object())
        return tokens;
    for (const std::string_view field : kKeyFields) {
        const auto found = value.find(field);
        if (found == value.end())
            continue;
        if (std::string token = keyTokenFor(field, *found); !token.empty())
            tokens.push_back(std::move(token));
    }
    return tokens;
}

} // namespace

const PatchFootprint::Node *PatchFootprint::Node::child(std::string_view token) const
{
    if (m_whole)
        return this;
    for (const auto &[name, node] : m_children) {
        if (name == token)
            return node.get();
    }
    return nullptr;
}

bool PatchFootprint::Node::keyedElements(std::string_view field,
                                         std::vector<std::string_view> *values) const
{
    if (m_whole)
        return false;
    std::vector<std::string_view> found;
    for (const auto &entry : m_children) {
        std::string_view tokenField;
        std::string_view value;
        if (!JsonPointer::parsePredicate(entry.first, &tokenField, &value) || tokenField != field)
            return false;
        found.push_back(value);
    }
    *values = std::move(found);
    return true;
}

bool PatchFootprint::Node::keepsChildren() const
{
    return !m_whole && std::none_of(m_children.begin(), m_children.end(), [](const auto &entry) {
        return entry.second->m_whole;
    });
}

PatchFootprint::Node *PatchFootprint::Node::ensureChild(std::string token)
{
    for (auto &[name, node] : m_children) {
        if (name == token)
            return node.get();
    }
    m_children.emplace_back(std::move(token), std::make_unique<Node>());
    return m_children.back().second.get();
}

PatchFootprint::PatchFootprint(const JsonPatch &patch)
{
    for (const JsonPatch::Operation &op : patch.operations()) {
        switch (op.kind) {
        case OpKind::Test:
            break;
        case OpKind::Add:
        case OpKind::Replace:
            add(op.path.tokens(), &op.value, false);
            break;
        case OpKind::Remove:
            add(op.path.tokens(), nullptr, false);
            break;
        case OpKind::Move:
            add(op.from.tokens(), nullptr, false);
            add(op.path.tokens(), nullptr, true);
            break;
        case OpKind::Copy:
            add(op.path.tokens(), nullptr, true);
            break;
        }
    }
}

void PatchFootprint::add(const std::vector<std::string> &tokens, const Json *placedValue,
                         bool unknownValue)
{
    m_written = true;
    Node *node = &m_root;
    Node *above = nullptr; // the node above `node`
    for (std::size_t i = 0; i < tokens.size() && !node->m_whole; ++i) {
        const bool last = i + 1 == tokens.size();
        if (last) {
            // What lands here may sit in an array under another name than the op's token.
            if (unknownValue) {
                node->ensureChild("-")->m_whole = true;
            } else if (placedValue != nullptr) {
                for (std::string &key : keyTokensOf(*placedValue))
                    node->ensureChild(std::move(key))->m_whole = true;
            }
            // Writing an element's key renames the element: from now on it is found under the
            // new key, or under none that is known.
            if (above != nullptr && isKeyField(tokens[i])) {
                const std::string renamed = !unknownValue && placedValue != nullptr
                                                ? keyTokenFor(tokens[i], *placedValue)
                                                : std::string();
                above->ensureChild(renamed.empty() ? std::string("-") : renamed)->m_whole = true;
            }
        }
        above = node;
        node = node->ensureChild(tokens[i]);
    }
    node->m_whole = true;
    node->m_children.clear();
}

} // namespace runboard
