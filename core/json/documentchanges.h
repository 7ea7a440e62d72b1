// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"
#include "patchfootprint.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runboard {

// Which parts of a JSON object differ from one exact earlier version of it: the top-level
// members that differ and, for an array member whose elements kept their places (same length,
// and each element the same "id" or "sessionId" as before), the positions of the elements that
// differ. Views that show the earlier version use it to update only what changed: a one-task
// change in a 10,000-task run then costs one task on the GUI thread, not a comparison of every
// task (the comparison is done once, where the new version is made, off the GUI thread).
//
// "Differ" is Json's operator== (member order counts, as it does for the views). The changes
// are about one earlier document object, not any equal one: isRelativeTo() says whether they
// apply to the document a view shows. Unknown changes (a default-constructed value) say that
// everything may differ, so a view that ignores them or gets none stays correct.
//
// Thread-safety: a value type; const access from several threads is safe. It keeps no document
// alive (the earlier version is held weakly, only to recognise it).
class DocumentChanges
{
public:
    DocumentChanges() = default; // unknown: everything may differ

    // The changes from `before` to `after`. Unknown when either is missing or not an object.
    // Costs one comparison of the two documents.
    static DocumentChanges between(const std::shared_ptr<const Json> &before, const Json &after);

    // The same answer from a patch's footprint, for `after` = `before` with a patch of that
    // footprint applied and then the members named in `alsoChanged` set (a commit's
    // bookkeeping): no comparison of the documents, only of the keys of the arrays the patch
    // wrote into. Element positions may include elements the patch wrote with an equal value;
    // every element that differs is among them.
    static DocumentChanges afterPatch(const std::shared_ptr<const Json> &before, const Json &after,
                                      const PatchFootprint &footprint,
                                      const std::vector<std::string_view> &alsoChanged);

    bool isKnown() const { return m_known; }

    // True when these are the changes from exactly `document` (the same object, not an equal
    // one): only then may a view that shows `document` trust them.
    bool isRelativeTo(const std::shared_ptr<const Json> &document) const;

    // Whether the top-level member `name` may differ (added, removed or changed). True when the
    // changes are unknown.
    bool mayDiffer(std::string_view name) const;

    // The positions (ascending) of the elements of array member `name` that differ, when the
    // array kept its length and every element its key; empty when the member did not change.
    // (From afterPatch(): those the patch wrote into, which include every one that differs.)
    // nullptr when that is not known: the member is no such array, changed length or order, or
    // the changes are unknown. Then compare yourself.
    const std::vector<std::size_t> *changedElements(std::string_view name) const;

    // The parts of `from` (the earlier document) and `to` these changes name, as two smaller
    // objects: each member that differs, whole, or for an array whose elements kept their places
    // only the elements that differ (in order); of the unchanged members only those that are no
    // arrays, as context. Comparing the two parts finds what comparing the whole documents
    // finds, at the cost of what changed and the small members. Requires isKnown().
    std::pair<Json, Json> changedParts(const Json &from, const Json &to) const;
    // Whether the two parts above are equal, found without making them: for a check that
    // would only compare them (a commit's, where copying the small members and the history
    // twice cost more than the comparison).
    bool sameChangedParts(const Json &from, const Json &to) const;

    // The names of the top-level members that differ (for logs and tests); empty when unknown.
    std::vector<std::string> changedMembers() const;

private:
    struct Member
    {
        std::string name;
        bool elementsKnown = false;
        std::vector<std::size_t> elements; // when elementsKnown
    };
    const Member *find(std::string_view name) const;

    std::weak_ptr<const Json> m_base;
    bool m_known = false;
    std::vector<Member> m_members; // only members that differ
};

} // namespace runboard
