// SPDX-License-Identifier: MIT

#include "laidoutjson.h"

#include "jsonwriter.h"
#include "keyedarray.h"

#include <algorithm>
#include <unordered_map>

namespace runboard {

namespace {

void appendKey(std::string &out, const std::string &name)
{
    JsonWriter::append(out, Json(name), JsonWriter::Style::Compact);
}

} // namespace

LaidOutJson LaidOutJson::write(const Json &document)
{
    LaidOutJson laidOut;
    if (!document.is_object() || document.empty() || JsonWriter::reordersMembers(document)) {
        laidOut.m_text = JsonWriter::write(document);
        return laidOut;
    }
    laidOut.m_hasLayout = true;
    laidOut.m_members.reserve(document.size());
    laidOut.m_text.push_back('{');
    for (const auto &[name, value] : document.items()) {
        laidOut.m_text.append(laidOut.m_members.empty() ? "\n  " : ",\n  ");
        Member member;
        member.name = name;
        appendKey(laidOut.m_text, member.name);
        laidOut.m_text.append(": ");
        laidOut.writeMemberValue(value, &member);
        laidOut.m_members.push_back(std::move(member));
    }
    laidOut.m_text.append("\n}");
    return laidOut;
}

LaidOutJson LaidOutJson::rewrite(const Json &next, const PatchFootprint &footprint,
                                 const std::vector<std::string_view> &alsoChanged) const
{
    const PatchFootprint::Node *root = footprint.root();
    if (!m_hasLayout || !next.is_object() || next.empty() || JsonWriter::reordersMembers(next)
        || (root != nullptr && root->whole())) {
        return write(next);
    }
    LaidOutJson laidOut;
    laidOut.m_hasLayout = true;
    laidOut.m_members.reserve(next.size());
    laidOut.m_text.reserve(m_text.size() + m_text.size() / 8 + 256);
    laidOut.m_text.push_back('{');
    for (const auto &[name, value] : next.items()) {
        laidOut.m_text.append(laidOut.m_members.empty() ? "\n  " : ",\n  ");
        Member member;
        member.name = name;
        appendKey(laidOut.m_text, member.name);
        laidOut.m_text.append(": ");

        const Member *old = findMember(name);
        const bool set = std::find(alsoChanged.begin(), alsoChanged.end(), std::string_view(name))
                         != alsoChanged.end();
        const PatchFootprint::Node *scope = root != nullptr ? root->child(name) : nullptr;
        if (old == nullptr || set || (scope != nullptr && scope->whole())) {
            laidOut.writeMemberValue(value, &member);
        } else if (scope == nullptr) {
            laidOut.copyMemberValue(*this, *old, &member);
        } else if (value.is_array() && old->isArray && !value.empty()) {
            laidOut.rewriteArray(*this, *old, value, *scope, &member);
        } else {
            laidOut.writeMemberValue(value, &member);
        }
        laidOut.m_members.push_back(std::move(member));
    }
    laidOut.m_text.append("\n}");
    return laidOut;
}

void LaidOutJson::writeMemberValue(const Json &value, Member *member)
{
    member->value.begin = m_text.size();
    if (value.is_array() && !value.empty()) {
        member->isArray = true;
        member->elements.reserve(value.size());
        m_text.push_back('[');
        for (std::size_t i = 0; i < value.size(); ++i)
            appendElement(value[i], i, member);
        m_text.append("\n  ]");
        markUniqueKeys(member);
    } else {
        JsonWriter::appendPrettyAt(m_text, value, 1);
    }
    member->value.end = m_text.size();
}

void LaidOutJson::copyMemberValue(const LaidOutJson &old, const Member &from, Member *member)
{
    const std::size_t begin = m_text.size();
    m_text.append(old.m_text, from.value.begin, from.value.end - from.value.begin);
    member->value = Span{begin, m_text.size()};
    member->isArray = from.isArray;
    member->elements = from.elements;
    for (Element &element : member->elements) {
        element.span.begin = element.span.begin - from.value.begin + begin;
        element.span.end = element.span.end - from.value.begin + begin;
    }
}

void LaidOutJson::rewriteArray(const LaidOutJson &old, const Member &from, const Json &array,
                               const PatchFootprint::Node &scope, Member *member)
{
    // The elements the patch wrote into, by key; if it named elements any other way, every
    // element is written again.
    int field = -1;
    std::vector<std::string_view> written;
    for (std::size_t f = 0; f < kKeyFields.size() && field < 0; ++f) {
        if (scope.keyedElements(kKeyFields[f], &written))
            field = int(f);
    }
    if (field < 0) {
        writeMemberValue(array, member);
        return;
    }
    // When the patch only wrote inside elements, every element is where it was, and one whose
    // unique key no op named was never matched by an op (an op that renamed it would have named
    // its key first): the old layout says which are unchanged without looking at them (at 1 MB,
    // looking up each task's key in the tree cost more than copying all the text). Whether keys
    // are unique stays as it was unless a written element's key changed.
    const bool inPlace = array.size() == from.elements.size() && scope.keepsChildren();
    bool keysMoved = !inPlace;
    member->value.begin = m_text.size();
    member->isArray = true;
    member->elements.reserve(array.size());
    m_text.push_back('[');
    for (std::size_t i = 0; i < array.size(); ++i) {
        const Json &element = array[i];
        const Element *was = i < from.elements.size() ? &from.elements[i] : nullptr;
        const std::string *key = nullptr;
        if (!inPlace) {
            key = keyOf(element, kKeyFields[std::size_t(field)]);
            if (key != nullptr && was != nullptr && was->key != *key)
                was = nullptr;
        }
        const bool same = was != nullptr && (inPlace || key != nullptr) && was->uniqueKey
                          && was->keyField == field
                          && std::find(written.begin(), written.end(), was->key) == written.end();
        if (same) {
            appendCopiedElement(old, *was, i, member);
            continue;
        }
        appendElement(element, i, member);
        const Element &now = member->elements.back();
        if (was != nullptr && now.keyField == was->keyField && now.key == was->key)
            member->elements.back().uniqueKey = was->uniqueKey;
        else
            keysMoved = true;
    }
    m_text.append("\n  ]");
    member->value.end = m_text.size();
    if (keysMoved)
        markUniqueKeys(member);
}

void LaidOutJson::markUniqueKeys(Member *member)
{
    // Keys of either field count as one name space: a clash only costs a rewrite.
    std::unordered_map<std::string_view, std::size_t> firstWithKey;
    firstWithKey.reserve(member->elements.size());
    for (std::size_t i = 0; i < member->elements.size(); ++i) {
        Element &element = member->elements[i];
        element.uniqueKey = false;
        if (element.keyField < 0)
            continue;
        const auto [found, inserted] = firstWithKey.emplace(element.key, i);
        if (inserted)
            element.uniqueKey = true;
        else
            member->elements[found->second].uniqueKey = false;
    }
}

void LaidOutJson::appendElement(const Json &element, std::size_t index, Member *member)
{
    m_text.append(index == 0 ? "\n    " : ",\n    ");
    Element laidOut;
    laidOut.span.begin = m_text.size();
    JsonWriter::appendPrettyAt(m_text, element, 2);
    laidOut.span.end = m_text.size();
    for (std::size_t f = 0; f < kKeyFields.size(); ++f) {
        if (const std::string *key = keyOf(element, kKeyFields[f])) {
            laidOut.keyField = int(f);
            laidOut.key = *key;
            break;
        }
    }
    member->elements.push_back(std::move(laidOut));
}

void LaidOutJson::appendCopiedElement(const LaidOutJson &old, const Element &from,
                                      std::size_t index, Member *member)
{
    m_text.append(index == 0 ? "\n    " : ",\n    ");
    Element laidOut = from;
    laidOut.span.begin = m_text.size();
    m_text.append(old.m_text, from.span.begin, from.span.end - from.span.begin);
    laidOut.span.end = m_text.size();
    member->elements.push_back(std::move(laidOut));
}

const LaidOutJson::Member *LaidOutJson::findMember(std::string_view name) const
{
    for (const Member &member : m_members) {
        if (member.name == name)
            return &member;
    }
    return nullptr;
}

} // namespace runboard
