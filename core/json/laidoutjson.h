// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"
#include "patchfootprint.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace runboard {

// The pretty text of a JSON object (exactly JsonWriter::write(document)) together with where
// each top-level member's value lies in it and, for members that are arrays, where each element
// lies and which key it has. The next version of a manifest differs from the last one in a few
// tasks and the bookkeeping fields, so rewrite() makes its text by copying the text of every
// member and element the patch did not write into and writing only the rest: at 1 MB that is a
// memory copy instead of a serialisation.
//
// The result of rewrite() is always byte-identical to JsonWriter::write(next); tests compare the
// two over random patches. What makes copying safe: a JSON Patch leaves everything outside its
// footprint equal (PatchFootprint), and an array element is copied only when its key was unique
// in the array, no op wrote into an element with that key, and the element at the same index
// still carries that key (so it is the same, unchanged element).
//
// Thread-safety: a value type; const access from several threads is safe.
class LaidOutJson
{
public:
    LaidOutJson() = default;

    // JsonWriter::write(document) with the layout recorded. A document that is not an object,
    // or whose members JSON.stringify would reorder, gets its text but no layout.
    static LaidOutJson write(const Json &document);

    // The text of `next`, which must be the document this text was written from with a patch of
    // this `footprint` applied, and then the top-level members named in `alsoChanged` set.
    LaidOutJson rewrite(const Json &next, const PatchFootprint &footprint,
                        const std::vector<std::string_view> &alsoChanged) const;

    const std::string &text() const { return m_text; }
    bool hasLayout() const { return m_hasLayout; }

private:
    struct Span
    {
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    struct Element
    {
        Span span;
        int keyField = -1; // index into the key fields ("id", "sessionId"); -1: no usable key
        std::string key;
        bool uniqueKey = false; // no other element of the array has this key
    };
    struct Member
    {
        std::string name;
        Span value;
        bool isArray = false;
        std::vector<Element> elements;
    };

    void writeMemberValue(const Json &value, Member *member);
    void copyMemberValue(const LaidOutJson &old, const Member &from, Member *member);
    void rewriteArray(const LaidOutJson &old, const Member &from, const Json &array,
                      const PatchFootprint::Node &scope, Member *member);
    void appendElement(const Json &element, std::size_t index, Member *member);
    static void markUniqueKeys(Member *member);
    void appendCopiedElement(const LaidOutJson &old, const Element &from, std::size_t index,
                             Member *member);
    const Member *findMember(std::string_view name) const;

    std::string m_text;
    std::vector<Member> m_members;
    bool m_hasLayout = false;
};

} // namespace runboard
