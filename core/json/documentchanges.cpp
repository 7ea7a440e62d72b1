// SPDX-License-Identifier: MIT
//
// DocumentChanges: one pass over two documents, comparing member by member and, inside arrays
// whose elements kept their keys, element by element. The cost is that of `before == after`
// (each equal part is walked once); what it buys is that every view afterwards costs only what
// changed. Keys are the fields the manifest's arrays are addressed by ("id" for tasks, phases
// and history, "sessionId" for agents); an element without either key matches another without
// one, so an array of plain values is compared position by position too.

#include "documentchanges.h"

#include <QtGlobal>

#include <algorithm>

namespace runboard {

namespace {

// The element's key as a view into it; empty for none.
std::string_view keyOf(const Json &element)
{
    if (!element.is_object())
        return {};
    for (const char *field : {"id", "sessionId"}) {
        const auto found = element.find(field);
        if (found != element.end() && found->is_string())
            return found->get_ref<const std::string &>();
    }
    return {};
}

} // namespace

DocumentChanges DocumentChanges::between(const std::shared_ptr<const Json> &before,
                                         const Json &after)
{
    DocumentChanges changes;
    if (!before || !before->is_object() || !after.is_object())
        return changes;
    changes.m_base = before;
    changes.m_known = true;
    for (auto member = after.begin(); member != after.end(); ++member) {
        const auto old = before->find(member.key());
        if (old == before->end()) {
            changes.m_members.push_back({member.key(), false, {}});
            continue;
        }
        const Json &was = *old;
        const Json &now = *member;
        if (was.is_array() && now.is_array() && was.size() == now.size()) {
            std::vector<std::size_t> differing;
            bool sameKeys = true;
            for (std::size_t i = 0; i < now.size(); ++i) {
                if (keyOf(was[i]) != keyOf(now[i])) {
                    sameKeys = false;
                    break;
                }
                if (was[i] != now[i])
                    differing.push_back(i);
            }
            if (sameKeys) {
                if (!differing.empty())
                    changes.m_members.push_back({member.key(), true, std::move(differing)});
                continue;
            }
        }
        if (was != now)
            changes.m_members.push_back({member.key(), false, {}});
    }
    for (auto member = before->begin(); member != before->end(); ++member) {
        if (!after.contains(member.key()))
            changes.m_members.push_back({member.key(), false, {}});
    }
    return changes;
}

DocumentChanges DocumentChanges::afterPatch(const std::shared_ptr<const Json> &before,
                                            const Json &after, const PatchFootprint &footprint,
                                            const std::vector<std::string_view> &alsoChanged)
{
    const PatchFootprint::Node *root = footprint.root();
    if (!before || !before->is_object() || !after.is_object() || (root && root->whole()))
        return between(before, after);
    DocumentChanges changes;
    changes.m_base = before;
    changes.m_known = true;
    const auto also = [&alsoChanged](std::string_view name) {
        return std::find(alsoChanged.begin(), alsoChanged.end(), name) != alsoChanged.end();
    };
    // Outside the footprint and `alsoChanged` nothing differs (PatchFootprint's promise).
    const auto record = [&](const std::string &name, const Json *was, const Json *now) {
        const PatchFootprint::Node *node = root ? root->child(name) : nullptr;
        if (!node && !also(name))
            return;
        if (node && !also(name) && was && now && was->is_array() && now->is_array()
            && was->size() == now->size() && node->keepsChildren()) {
            for (const char *field : {"id", "sessionId"}) {
                std::vector<std::string_view> keys;
                if (!node->keyedElements(field, &keys))
                    continue;
                // Each element kept its place; those whose key a patch op named may differ.
                std::vector<std::size_t> written;
                for (std::size_t i = 0; i < now->size(); ++i) {
                    const Json &element = (*now)[i];
                    const auto key = element.is_object() ? element.find(field) : element.end();
                    if (key != element.end() && key->is_string()
                        && std::find(keys.begin(), keys.end(), key->get_ref<const std::string &>())
                               != keys.end())
                        written.push_back(i);
                }
                changes.m_members.push_back({name, true, std::move(written)});
                return;
            }
        }
        changes.m_members.push_back({name, false, {}});
    };
    for (auto member = after.begin(); member != after.end(); ++member) {
        const auto old = before->find(member.key());
        record(member.key(), old == before->end() ? nullptr : &*old, &*member);
    }
    for (auto member = before->begin(); member != before->end(); ++member) {
        if (!after.contains(member.key()))
            record(member.key(), &*member, nullptr);
    }
    return changes;
}

bool DocumentChanges::isRelativeTo(const std::shared_ptr<const Json> &document) const
{
    // Ownership, not address: the weak reference keeps the control block, so no later document
    // can be mistaken for the earlier one.
    return m_known && document && !m_base.owner_before(document) && !document.owner_before(m_base);
}

bool DocumentChanges::mayDiffer(std::string_view name) const
{
    return !m_known || find(name) != nullptr;
}

const std::vector<std::size_t> *DocumentChanges::changedElements(std::string_view name) const
{
    static const std::vector<std::size_t> kNone;
    if (!m_known)
        return nullptr;
    const Member *member = find(name);
    if (!member)
        return &kNone;
    return member->elementsKnown ? &member->elements : nullptr;
}

std::pair<Json, Json> DocumentChanges::changedParts(const Json &from, const Json &to) const
{
    Q_ASSERT(m_known);
    const auto partOf = [this](const Json &document) {
        Json part = Json::object();
        if (!document.is_object())
            return part;
        for (auto member = document.begin(); member != document.end(); ++member) {
            const Member *changed = find(member.key());
            if (!changed) {
                // Unchanged members that are no arrays are kept as context: what one member
                // means may depend on another (a plan's approval on the lead's state).
                if (!member->is_array())
                    part[member.key()] = *member;
                continue;
            }
            if (!changed->elementsKnown || !member->is_array()) {
                part[member.key()] = *member;
                continue;
            }
            Json elements = Json::array();
            for (const std::size_t at : changed->elements) {
                if (at < member->size())
                    elements.push_back((*member)[at]);
            }
            part[member.key()] = std::move(elements);
        }
        return part;
    };
    return {partOf(from), partOf(to)};
}

bool DocumentChanges::sameChangedParts(const Json &from, const Json &to) const
{
    Q_ASSERT(m_known);
    // One entry per member of a part, in the document's order, as changedParts() builds it:
    // the whole value, or (elements != nullptr) the listed elements of an array.
    struct Entry
    {
        const std::string *name = nullptr;
        const Json *value = nullptr;
        const std::vector<std::size_t> *elements = nullptr;
    };
    const auto entriesOf = [this](const Json &document) {
        std::vector<Entry> entries;
        if (!document.is_object())
            return entries;
        for (const auto &[name, value] : document.get_ref<const Json::object_t &>()) {
            const Member *changed = find(name);
            if (!changed) {
                if (!value.is_array())
                    entries.push_back({&name, &value, nullptr});
            } else if (!changed->elementsKnown || !value.is_array()) {
                entries.push_back({&name, &value, nullptr});
            } else {
                entries.push_back({&name, &value, &changed->elements});
            }
        }
        return entries;
    };
    // The listed elements that exist in `array`, as changedParts() keeps them.
    const auto listed = [](const Json &array, const std::vector<std::size_t> &elements) {
        std::vector<const Json *> kept;
        for (const std::size_t at : elements) {
            if (at < array.size())
                kept.push_back(&array[at]);
        }
        return kept;
    };
    const std::vector<Entry> a = entriesOf(from);
    const std::vector<Entry> b = entriesOf(to);
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (*a[i].name != *b[i].name)
            return false;
        if (!a[i].elements && !b[i].elements) {
            if (*a[i].value != *b[i].value)
                return false;
            continue;
        }
        // A list of elements is an array: it equals a whole value only if that is the same array.
        const std::vector<const Json *> left
            = a[i].elements ? listed(*a[i].value, *a[i].elements) : std::vector<const Json *>();
        const std::vector<const Json *> right
            = b[i].elements ? listed(*b[i].value, *b[i].elements) : std::vector<const Json *>();
        if (!a[i].elements || !b[i].elements) {
            const Json &whole = a[i].elements ? *b[i].value : *a[i].value;
            const std::vector<const Json *> &list = a[i].elements ? left : right;
            if (!whole.is_array() || whole.size() != list.size())
                return false;
            for (std::size_t e = 0; e < list.size(); ++e) {
                if (whole[e] != *list[e])
                    return false;
            }
            continue;
        }
        if (left.size() != right.size())
            return false;
        for (std::size_t e = 0; e < left.size(); ++e) {
            if (*left[e] != *right[e])
                return false;
        }
    }
    return true;
}

std::vector<std::string> DocumentChanges::changedMembers() const
{
    std::vector<std::string> names;
    names.reserve(m_members.size());
    for (const Member &member : m_members)
        names.push_back(member.name);
    return names;
}

const DocumentChanges::Member *DocumentChanges::find(std::string_view name) const
{
    const auto found = std::find_if(m_members.begin(), m_members.end(),
                                    [name](const Member &member) { return member.name == name; });
    return found == m_members.end() ? nullptr : &*found;
}

} // namespace runboard
