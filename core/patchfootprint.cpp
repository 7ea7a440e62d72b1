// SPDX-License-Identifier: MIT

#include "patchfootprint.h"

#include <algorithm>

namespace runboard {

namespace {

using OpKind = JsonPatch::Operation::Kind;

// The keys an object placed into an array element will be found under.
std::vector<std::string> keyTokensOf(const Json &value)
{
    std::vector<std::string> tokens;
    if (!value.is_object())
        return tokens;
    for (const std::string_view field : {std::string_view("id"), std::string_view("sessionId")}) {
        const auto found = value.find(field);
        if (found == value.end() || !found->is_string())
            continue;
        const std::string &key = found->get_ref<const std::string &>();
        if (!key.empty() && key.find('}') == std::string::npos)
            tokens.push_back(JsonPointer::predicateToken(field, key));
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
        }
        node = node->ensureChild(tokens[i]);
    }
    node->m_whole = true;
    node->m_children.clear();
}

} // namespace runboard
