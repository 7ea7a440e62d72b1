// SPDX-License-Identifier: MIT
//
// jsonRebase: what becomes of a patch ("mine", made against `base`) once the file has moved on
// to `theirs`. judgeRebase (rebaseverdict.cpp) builds the verdict the conflict dialog, the
// service's auto-rebase and `patch --rebase` give on it: whether the edit still applies, and which
// values the other writer changed as well.
//
// `rebased` is mine applied, unchanged, to theirs. `bothChanged` compares what mine touches with
// what jsonDiff(base, theirs) touches. Both patches are first rewritten into one vocabulary:
// - Paths are canonical: an array token that reaches an element of `base` that has a string
//   `id` (else `sessionId`) becomes the predicate `{id:...}`, so `/tasks/0/status` and
//   `/tasks/{id:T-1}/status` are the same place. Other array tokens become the element's index in
//   `base`. A patch's operations are sequential, so each one is read against the document as the
//   operations before it left it; that state is tracked as a list of insertions and removals per
//   array rather than by building the intermediate documents, so the only copy of a (5 MB)
//   document a rebase makes is the one `rebased` needs.
// - Each operation becomes a *change* of one subtree (replace, remove, add of an object member,
//   the two ends of a move; `test` changes nothing, `copy` only its target) or an *insertion*
//   into an array (add with `-`, an index, or a predicate that matches nothing). With
//   RebaseOptions::readsConflict, what an op reads (a `test`'s path, a `copy`'s `from`) is a
//   *read*, compared like a change but never dropped by rule 5: a guard on a value the other
//   side changed is a conflict, whatever the new value is.
// - Every touch remembers the op it came from, so the ops behind the listed places can be named
//   (conflictingOps): an op whose change or read lies on one branch with a listed pointer, or
//   whose insertion the pointer contains or names.
//
// When do both sides touch the same thing? (a judgement call, not RFC material)
// 1. A change contains the other side's change (token-wise prefix, or equal): the deeper pointer
//    is listed, because that is where both edits meet.
// 2. A change contains an array the other side inserted into (e.g. one side replaced `/tasks`,
//    the other appended a task): the array is listed.
// 3. Insertions into the same array are independent (two writers appending tasks is the normal
//    life of a run) unless they add the same key (`/tasks/{id:T-9}` listed: the result would
//    hold T-9 twice) or both insert before existing elements (the array is listed: the relative
//    order of the two new elements is a guess).
// 4. Positions that moved: mine is applied as written, so a numeric index in mine names a
//    different element once theirs removed or inserted an element at or before it, or made
//    the array longer when mine's index names an element mine itself appended. Mine's
//    canonical pointer is listed for that. Keyed elements addressed by predicate never move.
// 5. Identical edits merge cleanly, as in git: a pointer found only by rules 1-2 is dropped when
//    the target of mine's replace/add holds the same value in `rebased` as in `theirs`, i.e.
//    mine changed nothing there. That needs mine's path to name the same element in both, so
//    not when an index in it was moved (rule 4, or by mine's own earlier insertions and
//    removals) or names an element whose key theirs changed. Insertions are never dropped.
// A key-field change inside a keyed element (theirs' diff falls back to positions when elements
// were reordered) counts as a change of the whole element, since the element at that place is
// no longer the same one. A reorder therefore lists mine's edits inside the moved elements even
// when mine addressed them by predicate: conservative, and ADE never reorders its arrays.
//
// Thread: pure function over const values; callable from any thread.

#include "jsondiff.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace runboard {

namespace {

using Operation = JsonPatch::Operation;
using OpKind = Operation::Kind;
using Tokens = std::vector<std::string>;

bool isTokenPrefix(const Tokens &prefix, const Tokens &path)
{
    return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

bool isTokenPrefix(const Tokens &prefix, std::size_t prefixLength, const Tokens &path)
{
    return prefixLength <= prefix.size() && prefixLength <= path.size()
           && std::equal(prefix.begin(), prefix.begin() + std::ptrdiff_t(prefixLength),
                         path.begin());
}

// A decimal array index as RFC 6901 spells it: digits, no leading zero.
bool parseIndex(std::string_view token, std::size_t *index)
{
    if (token.empty() || token.size() > 18 || (token.size() > 1 && token.front() == '0'))
        return false;
    std::size_t value = 0;
    for (const char c : token) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + std::size_t(c - '0');
    }
    *index = value;
    return true;
}

std::string pointerText(const Tokens &tokens)
{
    return JsonPointer::fromTokens(tokens).toString();
}

// A token that addressed an array element by position: at `depth` in the touch's path, naming
// base element `baseIndex` (or, for an element the same patch inserted, the number of base
// elements before it).
struct Position
{
    std::size_t depth = 0;
    std::size_t baseIndex = 0;
};

struct Touch
{
    enum class Kind { Change, Insertion } kind = Kind::Change;
    std::size_t op = 0; // the operation it came from
    Tokens path;        // Change: the subtree; Insertion: the array
    std::vector<Position> positions;
    std::string key;         // Insertion: the new element's key token, empty when it has none
    bool positional = false; // Insertion: placed before an existing element, not appended
    // Where to look for "mine changed nothing there" (rule 5): the op's own path, for replace
    // and add. Only trusted while every numeric index in it still names the same element.
    std::optional<JsonPointer> noOpCheck;
};

// Something that changed which element sits at a position of `array` (rule 4).
struct Shift
{
    enum class Kind {
        Moved,    // an insertion, or a removal (the element at baseIndex itself is gone):
                  // the index of every element at or after baseIndex now names another one
        Appended, // the array grew at its end: only elements appended earlier moved
        Replaced, // the element at baseIndex is a different one (its key changed)
    };
    Kind kind = Kind::Moved;
    Tokens array;
    std::size_t baseIndex = 0;
};

struct Touches
{
    std::vector<Touch> touches;
    std::vector<Shift> shifts;
};

// Reads a patch's operations one after another over `base`, see the comment at the top.
class Canonicaliser
{
public:
    Canonicaliser(const Json &base, bool readsConflict)
        : m_base(base), m_readsConflict(readsConflict)
    {}

    Touches take() { return std::move(m_result); }

    void read(const Operation &op, std::size_t index)
    {
        m_op = index;
        switch (op.kind) {
        case OpKind::Test:
            if (m_readsConflict)
                reads(op.path);
            return;
        case OpKind::Replace:
            change(op.path, true);
            return;
        case OpKind::Remove:
            remove(op.path);
            return;
        case OpKind::Add:
            add(op.path, jsonElementKeyToken(op.value), true);
            return;
        case OpKind::Copy:
        case OpKind::Move: {
            if (op.kind == OpKind::Copy && m_readsConflict)
                reads(op.from);
            const Resolved source = resolve(op.from.tokens(), op.from.tokens().size());
            const std::string key = source.node ? jsonElementKeyToken(*source.node) : std::string();
            if (op.kind == OpKind::Move)
                remove(op.from);
            add(op.path, key, false);
            return;
        }
        }
    }

private:
    struct Edit
    {
        std::size_t position = 0; // in the array as it was when the edit happened
        bool inserted = false;
        std::string key; // inserted element's key token
    };

    struct Step
    {
        std::string token;
        std::optional<std::size_t> baseIndex; // array steps that reached an element
        bool positional = false;              // written as a numeric index
    };

    struct Resolved
    {
        std::vector<Step> steps;
        std::string text;           // canonical pointer text, the key of m_edits
        const Json *node = nullptr; // the value in base, nullptr once the path leaves base

        Tokens tokens() const
        {
            Tokens out;
            out.reserve(steps.size());
            for (const Step &step : steps)
                out.push_back(step.token);
            return out;
        }

        std::vector<Position> positions() const
        {
            std::vector<Position> out;
            for (std::size_t depth = 0; depth < steps.size(); ++depth) {
                if (steps[depth].positional && steps[depth].baseIndex)
                    out.push_back({depth, *steps[depth].baseIndex});
            }
            return out;
        }
    };

    // Where the element at `position` of the current array was in base. For an element this
    // patch inserted, `inserted` is set and the index counts the base elements before it.
    struct Origin
    {
        std::size_t baseIndex = 0;
        bool inserted = false;
        std::string key;
    };

    Origin origin(const std::string &array, std::size_t position, bool gap) const
    {
        Origin result;
        result.baseIndex = position;
        const auto found = m_edits.find(array);
        if (found == m_edits.end())
            return result;
        for (auto edit = found->second.rbegin(); edit != found->second.rend(); ++edit) {
            std::size_t &at = result.baseIndex;
            if (edit->inserted) {
                if (!gap && edit->position == at) {
                    result.inserted = true;
                    result.key = edit->key;
                    gap = true; // from here on, follow the place it was inserted at
                } else if (edit->position < at) {
                    --at;
                }
            } else if (edit->position < at || (!gap && edit->position == at)) {
                ++at;
            }
        }
        return result;
    }

    // Where base element `baseIndex` is now.
    std::size_t current(const std::string &array, std::size_t baseIndex) const
    {
        std::size_t at = baseIndex;
        const auto found = m_edits.find(array);
        if (found == m_edits.end())
            return at;
        for (const Edit &edit : found->second) {
            if (edit.inserted && edit.position <= at)
                ++at;
            else if (!edit.inserted && edit.position < at)
                --at;
        }
        return at;
    }

    std::size_t currentLength(const std::string &array, const Json &baseArray) const
    {
        std::size_t length = baseArray.size();
        const auto found = m_edits.find(array);
        if (found != m_edits.end()) {
            for (const Edit &edit : found->second)
                length = edit.inserted ? length + 1 : std::max<std::size_t>(length, 1) - 1;
        }
        return length;
    }

    Step arrayStep(const Json &array, const std::string &arrayText, const std::string &token,
                   const Json **node) const
    {
        Step step;
        step.token = token;
        *node = nullptr;
        std::size_t index = 0;
        if (parseIndex(token, &index)) {
            step.positional = true;
            const Origin from = origin(arrayText, index, false);
            step.baseIndex = from.baseIndex;
            if (from.inserted) {
                if (!from.key.empty())
                    step.token = from.key;
            } else if (from.baseIndex < array.size()) {
                *node = &array[from.baseIndex];
                const std::string key = jsonElementKeyToken(**node);
                step.token = key.empty() ? std::to_string(from.baseIndex) : key;
            } else {
                step.token = std::to_string(from.baseIndex);
            }
            return step;
        }
        const JsonPointer::ArrayPosition at = JsonPointer::locate(array, token);
        if (at.kind == JsonPointer::ArrayPosition::Kind::Predicate && at.exists
            && at.index < array.size()) {
            *node = &array[at.index];
            step.baseIndex = at.index;
            const std::string key = jsonElementKeyToken(**node);
            if (!key.empty())
                step.token = key;
        }
        return step;
    }

    Resolved resolve(const Tokens &raw, std::size_t count) const
    {
        Resolved out;
        out.steps.reserve(count);
        const Json *node = &m_base;
        for (std::size_t i = 0; i < count; ++i) {
            Step step;
            if (node != nullptr && node->is_array()) {
                step = arrayStep(*node, out.text, raw[i], &node);
            } else {
                step.token = raw[i];
                if (node != nullptr && node->is_object()) {
                    const auto found = node->find(raw[i]);
                    node = found == node->end() ? nullptr : &*found;
                } else {
                    node = nullptr;
                }
            }
            out.text += '/';
            out.text += JsonPointer::escape(step.token);
            out.steps.push_back(std::move(step));
        }
        out.node = node;
        return out;
    }

    // A place the op reads: compared like a change, but it moves and renames nothing.
    void reads(const JsonPointer &path)
    {
        const Resolved at = resolve(path.tokens(), path.tokens().size());
        Touch touch;
        touch.op = m_op;
        touch.path = at.tokens();
        touch.positions = at.positions();
        m_result.touches.push_back(std::move(touch));
    }

    void change(const JsonPointer &path, bool checkNoOp)
    {
        const Resolved at = resolve(path.tokens(), path.tokens().size());
        Touch touch;
        touch.op = m_op;
        touch.path = at.tokens();
        touch.positions = at.positions();
        if (checkNoOp)
            touch.noOpCheck = path;
        // A new key in a keyed element: the element at that place is a different one now.
        const std::size_t n = at.steps.size();
        if (n >= 2 && at.steps[n - 2].baseIndex) {
            std::string_view field;
            std::string_view value;
            if (JsonPointer::parsePredicate(at.steps[n - 2].token, &field, &value)
                && field == at.steps[n - 1].token) {
                touch.path.pop_back();
                Tokens array = touch.path;
                array.pop_back();
                m_result.shifts.push_back(
                    {Shift::Kind::Replaced, std::move(array), *at.steps[n - 2].baseIndex});
            }
        }
        m_result.touches.push_back(std::move(touch));
    }

    void remove(const JsonPointer &path)
    {
        const Tokens &raw = path.tokens();
        if (raw.empty()) {
            change(path, false);
            return;
        }
        const Resolved parent = resolve(raw, raw.size() - 1);
        if (parent.node == nullptr || !parent.node->is_array()) {
            change(path, false);
            return;
        }
        const Json *element = nullptr;
        const Step step = arrayStep(*parent.node, parent.text, raw.back(), &element);
        Touch touch;
        touch.op = m_op;
        touch.path = parent.tokens();
        touch.path.push_back(step.token);
        touch.positions = parent.positions();
        if (step.positional && step.baseIndex)
            touch.positions.push_back({raw.size() - 1, *step.baseIndex});
        m_result.touches.push_back(std::move(touch));

        std::size_t position = 0;
        if (step.positional)
            parseIndex(raw.back(), &position);
        else if (step.baseIndex)
            position = current(parent.text, *step.baseIndex);
        else
            return; // matched nothing: the operation fails, nothing moves
        if (step.baseIndex)
            m_result.shifts.push_back({Shift::Kind::Moved, parent.tokens(), *step.baseIndex});
        m_edits[parent.text].push_back({position, false, {}});
    }

    void add(const JsonPointer &path, const std::string &valueKey, bool checkNoOp)
    {
        const Tokens &raw = path.tokens();
        if (raw.empty()) {
            change(path, checkNoOp);
            return;
        }
        const Resolved parent = resolve(raw, raw.size() - 1);
        if (parent.node == nullptr || !parent.node->is_array()) {
            // An object member (or a place outside base): created or overwritten in place.
            change(path, checkNoOp);
            return;
        }
        const std::string &token = raw.back();
        const std::size_t length = currentLength(parent.text, *parent.node);
        std::size_t position = length;
        std::string key = valueKey;
        if (token != "-" && !parseIndex(token, &position)) {
            const JsonPointer::ArrayPosition at = JsonPointer::locate(*parent.node, token);
            if (at.kind != JsonPointer::ArrayPosition::Kind::Predicate || at.exists) {
                // Not an insertion: a bad token, or `add` onto a matching predicate (an error
                // when applied). Either way that element is what this op is about.
                change(path, false);
                return;
            }
            if (key.empty())
                key = token; // the predicate names the element it appends
            position = length;
        }

        Touch touch;
        touch.op = m_op;
        touch.kind = Touch::Kind::Insertion;
        touch.path = parent.tokens();
        touch.positions = parent.positions();
        touch.key = key;
        touch.positional = position < length;
        if (touch.positional) {
            const std::size_t gap = origin(parent.text, position, true).baseIndex;
            touch.positions.push_back({raw.size() - 1, gap});
            m_result.shifts.push_back({Shift::Kind::Moved, touch.path, gap});
        } else {
            // An append moves nothing in base, but it does lengthen the array, which moves an
            // element the other side appended and then addressed by index.
            m_result.shifts.push_back({Shift::Kind::Appended, touch.path, parent.node->size()});
        }
        m_result.touches.push_back(std::move(touch));
        m_edits[parent.text].push_back({position, true, key});
    }

    const Json &m_base;
    const bool m_readsConflict;
    std::size_t m_op = 0;
    std::unordered_map<std::string, std::vector<Edit>> m_edits;
    Touches m_result;
};

Touches touchesOf(const Json &base, const JsonPatch &patch, bool readsConflict)
{
    Canonicaliser reader(base, readsConflict);
    for (std::size_t i = 0; i < patch.operations().size(); ++i)
        reader.read(patch.operations()[i], i);
    return reader.take();
}

struct Finding
{
    Tokens pointer;
    const JsonPointer *noOpCheck = nullptr; // rule 5 may drop it
};

void compare(const Touch &mine, const Touch &theirs, const JsonPointer *noOpCheck,
             std::vector<Finding> *found)
{
    using Kind = Touch::Kind;
    if (mine.kind == Kind::Change && theirs.kind == Kind::Change) {
        if (isTokenPrefix(mine.path, theirs.path))
            found->push_back({theirs.path, noOpCheck});
        else if (isTokenPrefix(theirs.path, mine.path))
            found->push_back({mine.path, noOpCheck});
    } else if (mine.kind == Kind::Change) {
        if (isTokenPrefix(mine.path, theirs.path))
            found->push_back({theirs.path, noOpCheck});
    } else if (theirs.kind == Kind::Change) {
        if (isTokenPrefix(theirs.path, mine.path))
            found->push_back({mine.path, nullptr});
    } else if (mine.path == theirs.path) {
        if (!mine.key.empty() && mine.key == theirs.key) {
            Tokens element = mine.path;
            element.push_back(mine.key);
            found->push_back({std::move(element), nullptr});
        } else if (mine.positional && theirs.positional) {
            found->push_back({mine.path, nullptr});
        }
    }
}

// Whether a listed place concerns what one of mine's touches did (see conflictingOps).
bool concerns(const Tokens &listed, const Touch &touch)
{
    if (touch.kind == Touch::Kind::Change)
        return isTokenPrefix(listed, touch.path) || isTokenPrefix(touch.path, listed);
    Tokens element = touch.path;
    if (!touch.key.empty())
        element.push_back(touch.key);
    return isTokenPrefix(listed, element);
}

// Rule 4: does one of theirs' shifts change which element an index in mine names? Replaced
// elements are already reported by rule 1 (the whole element is a change); they only make the
// index unfit for rule 5, which is what `countReplaced` asks about.
bool positionMoved(const Touch &mine, const std::vector<Shift> &shifts, bool countReplaced)
{
    for (const Position &position : mine.positions) {
        for (const Shift &shift : shifts) {
            if (shift.array.size() != position.depth
                || !isTokenPrefix(shift.array, position.depth, mine.path))
                continue;
            if (shift.kind == Shift::Kind::Replaced
                    ? countReplaced && position.baseIndex == shift.baseIndex
                    : position.baseIndex >= shift.baseIndex)
                return true;
        }
    }
    return false;
}

bool changedNothing(const Finding &finding, const Json &rebased, const Json &theirs)
{
    if (finding.noOpCheck == nullptr)
        return false;
    const Json *ours = finding.noOpCheck->find(rebased);
    const Json *other = finding.noOpCheck->find(theirs);
    return ours != nullptr && other != nullptr && jsonEqual(*ours, *other);
}

} // namespace

RebaseResult jsonRebase(const Json &base, const JsonPatch &mine, const Json &theirs,
                        const RebaseOptions &options)
{
    RebaseResult result;
    result.rebased = mine.apply(theirs);

    const Touches ours = touchesOf(base, mine, options.readsConflict);
    const Touches other = touchesOf(base, jsonDiff(base, theirs), false);

    std::vector<Finding> found;
    for (const Touch &touch : ours.touches) {
        // Rule 5 reads mine's path in the final documents, where an index in it may name another
        // element than it did: moved by theirs, or by mine's own insertions and removals.
        const bool trusted = touch.noOpCheck && !positionMoved(touch, other.shifts, true)
                             && !positionMoved(touch, ours.shifts, true);
        const JsonPointer *noOpCheck = trusted ? &*touch.noOpCheck : nullptr;
        for (const Touch &theirsTouch : other.touches)
            compare(touch, theirsTouch, noOpCheck, &found);
        if (positionMoved(touch, other.shifts, false))
            found.push_back({touch.path, nullptr});
    }

    std::vector<Tokens> listed;
    for (Finding &finding : found) {
        if (result.rebased.isOk() && changedNothing(finding, result.rebased.value(), theirs))
            continue;
        result.bothChanged.push_back(pointerText(finding.pointer));
        listed.push_back(std::move(finding.pointer));
    }
    std::sort(result.bothChanged.begin(), result.bothChanged.end());
    result.bothChanged.erase(std::unique(result.bothChanged.begin(), result.bothChanged.end()),
                             result.bothChanged.end());

    for (const Touch &touch : ours.touches) {
        if (std::any_of(listed.begin(), listed.end(),
                        [&touch](const Tokens &place) { return concerns(place, touch); }))
            result.conflictingOps.push_back(touch.op);
    }
    std::sort(result.conflictingOps.begin(), result.conflictingOps.end());
    result.conflictingOps.erase(
        std::unique(result.conflictingOps.begin(), result.conflictingOps.end()),
        result.conflictingOps.end());
    return result;
}

} // namespace runboard
