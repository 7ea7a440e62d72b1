// SPDX-License-Identifier: MIT
#pragma once

#include "jsonpatch.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runboard {

// Where a JSON Patch can have changed a document: the places its operations write (every op's
// path except a `test`'s, and a `move`'s `from`). Applying a patch leaves everything outside
// these places equal to the base, so code comparing a base with its patched result (the policy's
// effect check, the commit's serialisation) only needs to look inside them. It is computed from
// the operations alone, before or after applying them.
//
// The footprint is a tree of JSON Pointer tokens. A node is `whole` when some op wrote it (or
// something above it) as a whole. Array elements are named as the ops name them, with two
// additions: an op that puts an object into an array element (add, replace) also names that
// object's own keys, `{id:…}` and `{sessionId:…}`, because an `add` to a predicate that matches
// nothing appends the value under whatever key it carries. An op that writes an element's key
// (`…/{id:T-1}/id`) renames the element, so it also names it under the new key (`-` when that is
// not known). A `move` or `copy` into an array element names it `-` (which element it becomes is
// not known), and so do ops that address elements by index or by a field other than the array's
// key: see keyedElements().
//
// Thread-safety: a value type; const access from several threads is safe.
class PatchFootprint
{
public:
    class Node
    {
    public:
        // True when the whole value here may have changed.
        bool whole() const { return m_whole; }
        // The node for the child named `token` (an object member's name or an element token),
        // or nullptr when no op wrote inside it. A whole node answers itself for every child.
        const Node *child(std::string_view token) const;

        // For an array whose elements are matched by `field` ("id" or "sessionId"): the key
        // values of the elements ops wrote into, when every element token here is a predicate on
        // that field. False (and `values` untouched) when some token addresses elements another
        // way (an index, `-`, another field), or the node is whole: then any element may differ.
        bool keyedElements(std::string_view field, std::vector<std::string_view> *values) const;

        // True when no op wrote this node or any child of it as a whole, only inside them: under
        // an array, no element was added, removed, replaced or moved, so each is where it was.
        bool keepsChildren() const;

    private:
        friend class PatchFootprint;
        Node *ensureChild(std::string token);

        bool m_whole = false;
        std::vector<std::pair<std::string, std::unique_ptr<Node>>> m_children;
    };

    explicit PatchFootprint(const JsonPatch &patch);

    // The document's node: nullptr for a patch that writes nothing (only tests).
    const Node *root() const { return m_written ? &m_root : nullptr; }

private:
    void add(const std::vector<std::string> &tokens, const Json *placedValue, bool unknownValue);

    Node m_root;
    bool m_written = false;
};

} // namespace runboard
