// SPDX-License-Identifier: MIT
//
// PatchPolicy: who may change what in a run's manifest, decided before a patch is committed.
//
// Design:
// - Rules are §5.1 patterns compiled into segments; SELF is bound at the token level to the
//   actor's session, so a session id can never smuggle pattern syntax into a rule.
// - A patch is judged twice. First each op's own path, exactly as ADE does, so every ADE message
//   and denial stays the same. Then its effect: base and result are compared with keyed arrays
//   (id, else sessionId) matched by key whatever their order, so a reordered /tasks array cannot
//   turn `/tasks/{id:T-1}/validationGate` into an anonymous `/tasks/0/...`. jsonDiff is not used
//   here for that reason: it falls back to positions when keyed elements are reordered and
//   inserts by index, and the rules need names. Every changed place goes through the same
//   rules: a deny rule fires when it matches the place or anything inside the old or new value
//   there (replacing a whole task contains its gate); an allow rule covers what lies below it.
// - The done gate and the required-lowering rule look at the tasks of the result, so how a task
//   got there (a status op, a whole-task replace, an array replace, an append) does not matter;
//   ADE's literal ops trigger them too, so nothing ADE refuses passes here.
// - Every failure is tied to an op: its own, or for an effect the last op whose path contains
//   the changed place or lies inside it. The first failure in op order is returned; within one
//   op a literal-path failure comes before an effect failure, then lowering, then the done gate.
//
// Invariants: the inputs are never modified; a patch with no operations passes; a failure names
// the place and, for an effect, the op that caused it.
//
// Thread-safety: no state at all; safe from any thread.

#include "patchpolicy.h"

#include "jsondiff.h"
#include "keyedarray.h"
#include "patchfootprint.h"

#include <QCoreApplication>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace runboard {

namespace {

// lupdate sees Tr::tr() calls under the "PatchPolicy" context (QCoreApplication::translate).
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(PatchPolicy)
};

using Tokens = std::vector<std::string>;
using Operation = JsonPatch::Operation;
using OpKind = Operation::Kind;

QString fromStd(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

std::string pointerText(const Tokens &tokens)
{
    return JsonPointer::fromTokens(tokens).toString();
}

// For messages: the pointer, or "the document" for the root.
QString displayText(const Tokens &tokens)
{
    return JsonPointer::fromTokens(tokens).toDisplayString();
}

// ---- patterns (§5.1) ----------------------------------------------------------------------

struct Segment
{
    enum class Kind { Literal, AnyToken, Rest, Append, AnyPredicate, Predicate };
    Kind kind = Kind::Literal;
    std::string name;  // Literal: the member name; predicates: the field
    std::string value; // Predicate: the value
};
using Pattern = std::vector<Segment>;

bool isFieldName(std::string_view text)
{
    if (text.empty())
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!letter && (i == 0 || c < '0' || c > '9'))
            return false;
    }
    return true;
}

Segment segmentFor(std::string_view token)
{
    Segment segment;
    if (token == "*") {
        segment.kind = Segment::Kind::AnyToken;
        return segment;
    }
    if (token == "**") {
        segment.kind = Segment::Kind::Rest;
        return segment;
    }
    if (token == "-") {
        segment.kind = Segment::Kind::Append;
        return segment;
    }
    std::string_view field;
    std::string_view value;
    if (JsonPointer::parsePredicate(token, &field, &value)) {
        segment.kind = value == "*" ? Segment::Kind::AnyPredicate : Segment::Kind::Predicate;
        segment.name = field;
        if (value != "*")
            segment.value = value;
        return segment;
    }
    if (token.size() > 2 && token.front() == '{' && token.back() == '}'
        && isFieldName(token.substr(1, token.size() - 2))) {
        segment.kind = Segment::Kind::AnyPredicate;
        segment.name = token.substr(1, token.size() - 2);
        return segment;
    }
    segment.name = token;
    return segment;
}

std::optional<Pattern> parsePattern(std::string_view text)
{
    const Result<JsonPointer> pointer = JsonPointer::parse(text);
    if (!pointer)
        return std::nullopt;
    Pattern pattern;
    pattern.reserve(pointer->tokens().size());
    for (const std::string &token : pointer->tokens())
        pattern.push_back(segmentFor(token));
    return pattern;
}

// For the rule tables below, which are valid patterns by construction.
Pattern patternFor(std::string_view text)
{
    std::optional<Pattern> pattern = parsePattern(text);
    Q_ASSERT(pattern.has_value());
    return pattern.value_or(Pattern());
}

bool segmentMatches(const Segment &segment, std::string_view token)
{
    std::string_view field;
    std::string_view value;
    const bool predicate = JsonPointer::parsePredicate(token, &field, &value);
    switch (segment.kind) {
    case Segment::Kind::AnyToken:
    case Segment::Kind::Rest:
        return true;
    case Segment::Kind::Append:
        return token == "-";
    case Segment::Kind::AnyPredicate:
        return predicate && field == segment.name;
    case Segment::Kind::Predicate:
        return predicate && field == segment.name && value == segment.value;
    case Segment::Kind::Literal:
        return token == segment.name || (predicate && field == segment.name);
    }
    return false;
}

// Does `pattern` match the first `count` tokens? `**` matches as soon as it is reached.
bool matchesPrefix(const Pattern &pattern, const Tokens &tokens, std::size_t count)
{
    for (std::size_t i = 0;; ++i) {
        if (i == pattern.size())
            return i == count;
        if (pattern[i].kind == Segment::Kind::Rest)
            return true;
        if (i == count || !segmentMatches(pattern[i], tokens[i]))
            return false;
    }
}

bool matchesPath(const Pattern &pattern, const Tokens &tokens)
{
    return matchesPrefix(pattern, tokens, tokens.size());
}

// ---- reading a manifest -------------------------------------------------------------------

const Json *member(const Json &object, std::string_view name)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

bool isString(const Json *value, std::string_view text)
{
    return value != nullptr && value->is_string() && value->get_ref<const std::string &>() == text;
}

const Json *findById(const Json *array, std::string_view field, std::string_view id)
{
    if (array == nullptr || !array->is_array())
        return nullptr;
    for (const Json &element : *array) {
        if (isString(member(element, field), id))
            return &element;
    }
    return nullptr;
}

const Json *findTask(const Json &manifest, std::string_view taskId)
{
    return findById(member(manifest, "tasks"), "id", taskId);
}

// ADE normalises `required` to `required !== false`, and a missing gate to a required one.
bool gateRequired(const Json &task)
{
    const Json *required = nullptr;
    if (const Json *gate = member(task, "validationGate"))
        required = member(*gate, "required");
    return !(required != nullptr && required->is_boolean() && !required->get<bool>());
}

// The element's name in a path: its key predicate, else its index.
std::string elementToken(const Json &element, std::size_t index)
{
    std::string token = jsonElementKeyToken(element);
    return token.empty() ? std::to_string(index) : token;
}

bool isNumericToken(std::string_view token)
{
    if (token.empty())
        return false;
    for (const char c : token) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// §5.5's taskValidationGatesSatisfied for `task` (whose id is taskId), against the checklist of
// `manifest`; `task` need not come from `manifest`.
bool gatesSatisfied(const Json &task, std::string_view taskId, const Json &manifest)
{
    if (!gateRequired(task))
        return true;
    const Json *gate = member(task, "validationGate");
    const Json *stepIds = gate != nullptr ? member(*gate, "stepIds") : nullptr;
    // ADE counts an empty list as satisfied (an empty `every`): a gate nobody can fail.
    if (stepIds == nullptr || !stepIds->is_array() || stepIds->empty())
        return false;

    const Json *strategy = member(manifest, "validationStrategy");
    const Json *steps = strategy != nullptr ? member(*strategy, "steps") : nullptr;
    const Json *checklist = strategy != nullptr ? member(*strategy, "checklist") : nullptr;
    for (const Json &stepId : *stepIds) {
        if (!stepId.is_string())
            return false;
        const std::string &step = stepId.get_ref<const std::string &>();
        // An item without a taskId covers every task, except for a per-worker step, whose
        // evidence is about one worker's own task.
        const Json *definition = findById(steps, "id", step);
        const bool perWorker
            = definition != nullptr && isString(member(*definition, "scope"), "per_worker");
        std::size_t covering = 0;
        if (checklist != nullptr && checklist->is_array()) {
            for (const Json &item : *checklist) {
                if (!isString(member(item, "stepId"), step))
                    continue;
                const Json *itemTask = member(item, "taskId");
                const bool noTask
                    = itemTask == nullptr || itemTask->is_null() || isString(itemTask, "");
                if (!isString(itemTask, taskId) && !(noTask && !perWorker))
                    continue;
                ++covering;
                const Json *latest = member(item, "latestRunId");
                const Json *run = latest != nullptr && latest->is_string()
                                      ? findById(member(item, "runs"), "id",
                                                 latest->get_ref<const std::string &>())
                                      : nullptr;
                if (run == nullptr || !isString(member(*run, "status"), "passed"))
                    return false;
            }
        }
        if (covering == 0)
            return false;
    }
    return true;
}

// ---- the effect: what differs between base and result -------------------------------------

struct Change
{
    Tokens location;
    const Json *before = nullptr; // nullptr: the place was added
    const Json *after = nullptr;  // nullptr: the place was removed
    // For an added keyed array element, the key field: adding an element gives it its key, it
    // does not change one (an agent row may be added; its sessionId may not be changed).
    std::string addedKeyField;
};

// The changed places between a base and its patched result. Given the patch's footprint it
// looks only where the patch wrote (everything else is equal by construction); a null scope
// compares everything.
class ChangeCollector
{
public:
    using Scope = PatchFootprint::Node;

    std::vector<Change> collect(const Json &before, const Json &after, const Scope *scope)
    {
        compare(before, after, scope);
        return std::move(m_changes);
    }

private:
    void record(const Json *before, const Json *after, std::string addedKeyField = {})
    {
        m_changes.push_back(Change{m_path, before, after, std::move(addedKeyField)});
    }

    // Where a child of `scope` leads: false when the patch wrote nothing there; `inner` is
    // null when everything below must be compared.
    static bool descend(const Scope *scope, std::string_view token, const Scope **inner)
    {
        *inner = nullptr;
        if (scope == nullptr)
            return true;
        const Scope *child = scope->child(token);
        if (child == nullptr)
            return false;
        *inner = child->whole() ? nullptr : child;
        return true;
    }

    void compare(const Json &before, const Json &after, const Scope *scope)
    {
        if (before.is_object() && after.is_object()) {
            compareObjects(before.get_ref<const Json::object_t &>(),
                           after.get_ref<const Json::object_t &>(), scope);
        } else if (before.is_array() && after.is_array()) {
            // An array without usable keys is judged as one value: element indices would name
            // different elements on the two sides.
            if (!compareKeyedArrays(before, after, scope) && !jsonEqual(before, after))
                record(&before, &after);
        } else if (!jsonEqual(before, after)) {
            record(&before, &after);
        }
    }

    void compareObjects(const Json::object_t &before, const Json::object_t &after,
                        const Scope *scope)
    {
        const Scope *inner = nullptr;
        for (const auto &entry : before) {
            if (!descend(scope, entry.first, &inner))
                continue;
            const auto found = after.find(entry.first);
            // Without a scope, skip equal parts without building their paths (with one, the
            // comparison below only looks where the patch wrote anyway).
            if (inner == nullptr && found != after.end() && jsonEqual(entry.second, found->second))
                continue;
            m_path.push_back(entry.first);
            if (found == after.end())
                record(&entry.second, nullptr);
            else
                compare(entry.second, found->second, inner);
            m_path.pop_back();
        }
        for (const auto &entry : after) {
            if (before.find(entry.first) != before.end() || !descend(scope, entry.first, &inner))
                continue;
            m_path.push_back(entry.first);
            record(nullptr, &entry.second);
            m_path.pop_back();
        }
    }

    bool compareKeyedArrays(const Json &before, const Json &after, const Scope *scope)
    {
        KeyIndex inBefore;
        KeyIndex inAfter;
        for (const std::string_view field : kKeyFields) {
            if (!inBefore.build(before, field) || !inAfter.build(after, field))
                continue;
            // When the patch named the elements it wrote by this key, only those can differ:
            // they are looked up, not searched for among thousands of equal ones. Either way
            // the elements are visited in array order, so the changes come out the same.
            std::vector<std::string_view> written;
            const bool filtered = scope != nullptr && scope->keyedElements(field, &written);
            std::vector<std::size_t> changedBefore;
            std::vector<std::size_t> addedAfter;
            if (filtered) {
                for (const std::string_view key : written) {
                    if (const std::size_t i = inBefore.find(key); i != KeyIndex::kAbsent)
                        changedBefore.push_back(i);
                    else if (const std::size_t j = inAfter.find(key); j != KeyIndex::kAbsent)
                        addedAfter.push_back(j);
                }
                std::sort(changedBefore.begin(), changedBefore.end());
                std::sort(addedAfter.begin(), addedAfter.end());
            } else {
                for (std::size_t i = 0; i < before.size(); ++i)
                    changedBefore.push_back(i);
                for (std::size_t j = 0; j < after.size(); ++j) {
                    if (!inBefore.contains(inAfter.keys()[j]))
                        addedAfter.push_back(j);
                }
            }
            for (const std::size_t i : changedBefore) {
                const std::string_view key = inBefore.keys()[i];
                const std::size_t found = inAfter.find(key);
                if (found != KeyIndex::kAbsent && jsonEqual(before[i], after[found]))
                    continue;
                const std::string token = JsonPointer::predicateToken(field, key);
                const Scope *inner = nullptr;
                if (filtered)
                    descend(scope, token, &inner);
                m_path.push_back(token);
                if (found == KeyIndex::kAbsent)
                    record(&before[i], nullptr);
                else
                    compare(before[i], after[found], inner);
                m_path.pop_back();
            }
            for (const std::size_t j : addedAfter) {
                m_path.push_back(JsonPointer::predicateToken(field, inAfter.keys()[j]));
                record(nullptr, &after[j], std::string(field));
                m_path.pop_back();
            }
            return true;
        }
        return false;
    }

    Tokens m_path;
    std::vector<Change> m_changes;
};

// Whether `pattern`, from segment `next` on, names something inside `value`; `path` (the place
// of `value`) is extended to that place when it does.
bool findInside(const Pattern &pattern, std::size_t next, const Json &value, Tokens *path,
                std::string_view skipMember)
{
    if (next == pattern.size() || pattern[next].kind == Segment::Kind::Rest)
        return true;
    const Segment &segment = pattern[next];
    if (value.is_object()) {
        for (const auto &entry : value.get_ref<const Json::object_t &>()) {
            if (entry.first == skipMember || !segmentMatches(segment, entry.first))
                continue;
            path->push_back(entry.first);
            if (findInside(pattern, next + 1, entry.second, path, {}))
                return true;
            path->pop_back();
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            std::string token = elementToken(value[i], i);
            if (!segmentMatches(segment, token))
                continue;
            path->push_back(std::move(token));
            if (findInside(pattern, next + 1, value[i], path, {}))
                return true;
            path->pop_back();
        }
    }
    return false;
}

// The place a deny pattern finds in a change: the changed place itself, or a place inside the
// value it had or has. A pattern that names only an ancestor of the change does not match (the
// lead may change /leadState/lastSnapshotEtag although /leadState itself is denied).
std::optional<Tokens> deniedPlace(const Pattern &pattern, const Change &change)
{
    const Tokens &location = change.location;
    std::size_t i = 0;
    for (; i < location.size(); ++i) {
        if (i == pattern.size())
            return std::nullopt;
        if (pattern[i].kind == Segment::Kind::Rest)
            return location;
        if (!segmentMatches(pattern[i], location[i]))
            return std::nullopt;
    }
    if (i == pattern.size() || pattern[i].kind == Segment::Kind::Rest)
        return location;
    Tokens place = location;
    if (change.before != nullptr && findInside(pattern, i, *change.before, &place, {}))
        return place;
    place = location;
    if (change.after != nullptr
        && findInside(pattern, i, *change.after, &place, change.addedKeyField)) {
        return place;
    }
    return std::nullopt;
}

// ---- the rules of each role ---------------------------------------------------------------

constexpr std::string_view kServiceOwned[] = {"/lineage/**", "/receipts/**", "/outbox/**"};

// Denied to the lead and the user alike.
constexpr std::string_view kSystemOwned[] = {
    "/runId",
    "/version",
    "/etag",
    "/serverGeneration",
    "/createdAt",
    "/bundlePath",
    "/laneId",
    "/agents/*/sessionId",
    "/leadState",
    "/leadState/planApprovalSummary",
    "/leadState/planning/**",
};

// Denied to the lead; the user's to set (see the class comment).
constexpr std::string_view kReservedForHuman[] = {
    "/leadState/planApprovedAt",    "/leadState/planApprovedBySessionId", "/planSpec/**",
    "/phases/{id:planning}/status", "/phases/{id:planning}/completedAt",  "/currentPhase",
};

constexpr std::string_view kValidationOwned[] = {
    "/tasks/{id:*}/validationGate/**",
    "/validationStrategy/checklist/**",
    "/validationStrategy/steps/**",
};

constexpr std::string_view kWorkerTaskFields[] = {
    "/tasks/{id:*}/status",     "/tasks/{id:*}/evidence",         "/tasks/{id:*}/attempts",
    "/tasks/{id:*}/attempts/-", "/tasks/{id:*}/currentAttemptId",
};

constexpr std::string_view kOwnAgentFields[]
    = {"status", "currentStepId", "lastHeartbeatAt", "usage"};

struct Denial
{
    const char *rule = "";
    QString reason;
    Tokens place;
};

template<std::size_t N>
void appendPatterns(std::vector<Pattern> *patterns, const std::string_view (&texts)[N])
{
    for (const std::string_view text : texts)
        patterns->push_back(patternFor(text));
}

// The rules for one actor: SELF bound, the patterns compiled once per check.
class RoleRules
{
public:
    RoleRules(const Actor &actor, const Json &base) : m_actor(actor), m_base(base)
    {
        appendPatterns(&m_serviceOwned, kServiceOwned);
        switch (actor.role) {
        case ActorRole::Lead:
            appendPatterns(&m_deny, kSystemOwned);
            appendPatterns(&m_deny, kReservedForHuman);
            m_denyRule = "immutable_field";
            m_denyReason = Tr::tr("lead may not patch system-owned / immutable field");
            break;
        case ActorRole::User:
            appendPatterns(&m_deny, kSystemOwned);
            m_denyRule = "immutable_field";
            m_denyReason = Tr::tr("user may not patch system-owned / immutable field");
            break;
        case ActorRole::Worker:
            appendPatterns(&m_deny, kValidationOwned);
            m_denyRule = "validation_owned";
            m_denyReason = Tr::tr("workers may not patch validation gates or checklist; use "
                                  "recordValidationRun");
            appendPatterns(&m_allow, kWorkerTaskFields);
            appendOwnAgentFields();
            m_allowList = true;
            m_notAllowedReason = Tr::tr("worker patch path not in allow-list");
            m_ownership = true;
            break;
        case ActorRole::Validator:
            m_deny.push_back(patternFor("/tasks/{id:*}/status"));
            appendPatterns(&m_deny, kValidationOwned);
            m_denyRule = "validation_owned";
            m_denyReason = Tr::tr("validators may not modify tasks, steps, or checklist "
                                  "directly; use recordValidationRun");
            appendOwnAgentFields();
            m_allowList = true;
            m_notAllowedReason = Tr::tr("validator patch path not in allow-list");
            break;
        }
    }

    // ADE's rules on one op's own path (or a move's `from`), plus the service-owned arrays.
    std::optional<Denial> literalDenial(const Tokens &path) const
    {
        for (const Pattern &pattern : m_serviceOwned) {
            if (matchesPath(pattern, path))
                return serviceOwned(path);
        }
        for (const Pattern &pattern : m_deny) {
            if (matchesPath(pattern, path))
                return Denial{m_denyRule, m_denyReason, path};
        }
        if (m_allowList) {
            const bool allowed
                = std::any_of(m_allow.begin(), m_allow.end(),
                              [&path](const Pattern &p) { return matchesPath(p, path); });
            if (!allowed)
                return Denial{"not_allowed", m_notAllowedReason, path};
        }
        if (m_ownership)
            return ownershipDenial(path);
        return std::nullopt;
    }

    // The same rules on one changed place of the effect.
    std::optional<Denial> effectDenial(const Change &change) const
    {
        for (const Pattern &pattern : m_serviceOwned) {
            if (std::optional<Tokens> place = deniedPlace(pattern, change))
                return serviceOwned(*place);
        }
        for (const Pattern &pattern : m_deny) {
            if (std::optional<Tokens> place = deniedPlace(pattern, change))
                return Denial{m_denyRule, m_denyReason, std::move(*place)};
        }
        if (m_allowList && !allowedAtOrAbove(change.location))
            return Denial{"not_allowed", m_notAllowedReason, change.location};
        if (m_ownership)
            return ownershipDenial(change.location);
        return std::nullopt;
    }

private:
    void appendOwnAgentFields()
    {
        Segment self;
        self.kind = Segment::Kind::Predicate;
        self.name = "sessionId";
        self.value = m_actor.sessionId.toStdString();
        for (const std::string_view field : kOwnAgentFields) {
            Pattern pattern = patternFor("/agents");
            pattern.push_back(self);
            pattern.push_back(segmentFor(field));
            m_allow.push_back(std::move(pattern));
        }
    }

    static Denial serviceOwned(Tokens place)
    {
        return Denial{"service_owned",
                      Tr::tr("lineage, receipts and outbox are service-owned; only the "
                             "orchestration service writes them"),
                      std::move(place)};
    }

    // Allowing a place allows everything inside it.
    bool allowedAtOrAbove(const Tokens &location) const
    {
        for (std::size_t count = location.size(); count > 0; --count) {
            for (const Pattern &pattern : m_allow) {
                if (matchesPrefix(pattern, location, count))
                    return true;
            }
        }
        return false;
    }

    // §5.3: a worker may patch only a task assigned to it; a task that does not exist passes.
    std::optional<Denial> ownershipDenial(const Tokens &path) const
    {
        std::string_view field;
        std::string_view taskId;
        if (path.size() < 2 || path[0] != "tasks"
            || !JsonPointer::parsePredicate(path[1], &field, &taskId) || field != "id") {
            return std::nullopt;
        }
        const Json *task = findTask(m_base, taskId);
        if (task == nullptr)
            return std::nullopt;
        const Json *assignee = member(*task, "assigneeSessionId");
        if (assignee == nullptr || !assignee->is_string()
            || assignee->get_ref<const std::string &>().empty()) {
            return Denial{"not_claimed",
                          Tr::tr("worker %1 must claim task %2 before patching it")
                              .arg(m_actor.sessionId, fromStd(taskId)),
                          path};
        }
        if (QString::fromStdString(assignee->get_ref<const std::string &>()) == m_actor.sessionId)
            return std::nullopt;
        return Denial{
            "not_owner",
            Tr::tr("worker %1 does not own task %2").arg(m_actor.sessionId, fromStd(taskId)), path};
    }

    const Actor &m_actor;
    const Json &m_base;
    std::vector<Pattern> m_serviceOwned;
    std::vector<Pattern> m_deny;
    const char *m_denyRule = "";
    QString m_denyReason;
    bool m_allowList = false;
    std::vector<Pattern> m_allow;
    QString m_notAllowedReason;
    bool m_ownership = false;
};

// ---- one check ----------------------------------------------------------------------------

class Checker
{
public:
    Checker(const Json &base, const JsonPatch &patch, const Json &result, const Actor &actor,
            PatchPolicy::EffectScope scope)
        : m_base(base), m_ops(patch.operations()), m_result(result), m_actor(actor),
          m_rules(actor, base), m_footprint(patch),
          m_everywhere(scope == PatchPolicy::EffectScope::Everywhere)
    {}

    Result<void> run()
    {
        checkLiteralPaths();
        checkEffect();
        checkTasks();
        if (m_failure)
            return m_failure->error;
        return {};
    }

private:
    // Failures of one op are ranked by where they were found.
    enum class Stage { LiteralPath, EffectPath, RequiredLowered, DoneGate };

    struct Failure
    {
        int opIndex = 0;
        Stage stage = Stage::LiteralPath;
        Error error;
    };

    void consider(int opIndex, Stage stage, Error error)
    {
        if (m_failure
            && std::pair(m_failure->opIndex, m_failure->stage) <= std::pair(opIndex, stage)) {
            return;
        }
        m_failure = Failure{opIndex, stage, std::move(error)};
    }

    static Error makeError(ErrorCode code, QString message, int opIndex, const Tokens &place,
                           const QString &reason, const char *rule)
    {
        Error error;
        error.code = code;
        error.message = std::move(message);
        error.details = Json::object({{"opIndex", opIndex},
                                      {"path", pointerText(place)},
                                      {"reason", reason.toStdString()},
                                      {"rule", rule}});
        return error;
    }

    // "(path: P)" when the op wrote exactly P, else which op changed P.
    QString whereText(int opIndex, const Tokens &place) const
    {
        const Operation &op = m_ops[std::size_t(opIndex)];
        const QString path = displayText(place);
        if (op.path.tokens() == place)
            return Tr::tr("(path: %1)").arg(path);
        return Tr::tr("(path: %1, changed by op %2: %3 %4)")
            .arg(path, QString::number(opIndex), QString::fromLatin1(JsonPatch::kindName(op.kind)),
                 op.path.toDisplayString());
    }

    void addEffectDetails(Error *error, int opIndex, const Tokens &place) const
    {
        const Operation &op = m_ops[std::size_t(opIndex)];
        if (op.path.tokens() == place)
            return;
        error->details["op"] = JsonPatch::kindName(op.kind);
        error->details["opPath"] = op.path.toString();
    }

    void checkLiteralPaths()
    {
        for (std::size_t i = 0; i < m_ops.size(); ++i) {
            const Operation &op = m_ops[i];
            const bool hasFrom = op.kind == OpKind::Move || op.kind == OpKind::Copy;
            std::optional<Denial> denial = numericIndex(op.path.tokens());
            if (!denial && hasFrom)
                denial = numericIndex(op.from.tokens());
            // `test` writes nothing and `copy` only reads its `from`.
            if (!denial && op.kind != OpKind::Test)
                denial = m_rules.literalDenial(op.path.tokens());
            if (!denial && op.kind == OpKind::Move)
                denial = m_rules.literalDenial(op.from.tokens());
            if (!denial)
                continue;
            const QString message = denial->reason + QLatin1Char(' ')
                                    + Tr::tr("(path: %1)").arg(displayText(denial->place));
            consider(int(i), Stage::LiteralPath,
                     makeError(ErrorCode::PolicyDenied, message, int(i), denial->place,
                               denial->reason, denial->rule));
            return; // a later op cannot come first
        }
    }

    static std::optional<Denial> numericIndex(const Tokens &path)
    {
        if (std::none_of(path.begin(), path.end(), isNumericToken))
            return std::nullopt;
        return Denial{"numeric_index",
                      Tr::tr("numeric array indices are not allowed in manifest patch paths; use "
                             "{id:VALUE} predicates"),
                      path};
    }

    void checkEffect()
    {
        // A patch of `test` ops only writes nothing: whatever else differs between base and
        // result (the commit's own bookkeeping) is nobody's op to blame.
        if (!m_everywhere && m_footprint.root() == nullptr)
            return;
        const std::vector<Change> changes
            = ChangeCollector().collect(m_base, m_result, effectScope());
        for (const Change &change : changes) {
            std::optional<Denial> denial = m_rules.effectDenial(change);
            if (!denial)
                continue;
            const int opIndex = opThatChanged(change.location);
            Error error
                = makeError(ErrorCode::PolicyDenied,
                            denial->reason + QLatin1Char(' ') + whereText(opIndex, denial->place),
                            opIndex, denial->place, denial->reason, denial->rule);
            addEffectDetails(&error, opIndex, denial->place);
            consider(opIndex, Stage::EffectPath, std::move(error));
        }
    }

    // The done gate and the lowering of validationGate.required, on every task of the result.
    // Each fires on ADE's literal op (so whatever ADE refuses is refused here too) and on the
    // effect (so no other way of writing the same change gets through).
    void checkTasks()
    {
        const Json *tasks = member(m_result, "tasks");
        if (tasks == nullptr || !tasks->is_array())
            return;
        // Only a task the patch wrote into can be lowered or become done, and only such a task
        // can be named by a literal op.
        const PatchFootprint::Node *root = m_footprint.root();
        const PatchFootprint::Node *tasksScope = root != nullptr ? root->child("tasks") : nullptr;
        if (tasksScope == nullptr && !m_everywhere)
            return;
        std::vector<std::string_view> written;
        const bool filtered = !m_everywhere && tasksScope->keyedElements("id", &written);
        const std::vector<const Json *> newEntries = newUserOverrideEntries();
        // The base's tasks by id, built once: a lookup per task must not rescan thousands.
        std::unordered_map<std::string_view, const Json *> baseTasks;
        if (const Json *before = member(m_base, "tasks");
            !filtered && before != nullptr && before->is_array()) {
            baseTasks.reserve(before->size());
            for (const Json &candidate : *before) {
                const Json *candidateId = member(candidate, "id");
                if (candidateId != nullptr && candidateId->is_string())
                    baseTasks.emplace(candidateId->get_ref<const std::string &>(), &candidate);
            }
        }
        // The tasks some op names by its id: only those can have a literal op. Knowing them up
        // front keeps the loop below free of allocations for the thousands of other tasks.
        std::unordered_set<std::string_view> named;
        for (const Operation &op : m_ops) {
            const Tokens &tokens = op.path.tokens();
            std::string_view field;
            std::string_view value;
            if (tokens.size() >= 3 && tokens[0] == "tasks"
                && JsonPointer::parsePredicate(tokens[1], &field, &value) && field == "id") {
                named.insert(value);
            }
        }
        const Json literalFalse(false);
        const Json literalDone("done");
        for (const Json &task : *tasks) {
            const Json *id = member(task, "id");
            // A task without an id cannot be named; shape validation rejects it.
            if (id == nullptr || !id->is_string())
                continue;
            const std::string &taskId = id->get_ref<const std::string &>();
            if (filtered && std::find(written.begin(), written.end(), taskId) == written.end())
                continue;
            const Json *old = nullptr;
            if (filtered) {
                old = findTask(m_base, taskId);
            } else if (const auto known = baseTasks.find(taskId); known != baseTasks.end()) {
                old = known->second;
            }
            const bool loweredInEffect
                = old != nullptr && gateRequired(*old) && !gateRequired(task);
            const bool wasDone = old != nullptr && isString(member(*old, "status"), "done");
            const bool doneInEffect = !wasDone && isString(member(task, "status"), "done");
            if (!loweredInEffect && !doneInEffect && named.count(taskId) == 0)
                continue;

            const std::string taskToken = JsonPointer::predicateToken("id", taskId);
            const Tokens requiredPlace{"tasks", taskToken, "validationGate", "required"};
            const Tokens statusPlace{"tasks", taskToken, "status"};
            const std::optional<int> lowerOp = literalOp(requiredPlace, literalFalse);
            const bool lowered = lowerOp.has_value() || loweredInEffect;
            const std::optional<int> doneOp = literalOp(statusPlace, literalDone);
            const bool becameDone = doneOp.has_value() || doneInEffect;
            if (!lowered && !becameDone)
                continue;
            if (hasOverridePair(task, old, taskId, newEntries))
                continue;
            if (lowered)
                refuseLowering(taskId, requiredPlace,
                               lowerOp.value_or(opThatChanged(requiredPlace)));
            // Evidence must be on record before the patch that claims it and survive it: a
            // patch may not write a passing run and use it at once (ADE reads the gates of the
            // base; recordValidationRun is a separate call).
            if (becameDone
                && !(gatesSatisfied(task, taskId, m_base)
                     && gatesSatisfied(task, taskId, m_result))) {
                refuseDone(taskId, statusPlace, doneOp.value_or(opThatChanged(statusPlace)));
            }
        }
    }

    // The first add or replace of exactly `place` with `value`: ADE's literal predicates.
    std::optional<int> literalOp(const Tokens &place, const Json &value) const
    {
        for (std::size_t i = 0; i < m_ops.size(); ++i) {
            const Operation &op = m_ops[i];
            if ((op.kind == OpKind::Add || op.kind == OpKind::Replace) && op.path.tokens() == place
                && jsonEqual(op.value, value)) {
                return int(i);
            }
        }
        return std::nullopt;
    }

    // For the user, the override must be recorded against this very task.
    QString withUserOverrideRule(QString reason, const std::string &taskId) const
    {
        if (m_actor.role != ActorRole::User)
            return reason;
        return Tr::tr("%1; the user's UserOverrideEntry must have scope \"task\" and "
                      "appliedToId \"%2\"")
            .arg(reason, QString::fromStdString(taskId));
    }

    void refuseLowering(const std::string &taskId, const Tokens &place, int opIndex)
    {
        const QString reason = withUserOverrideRule(
            Tr::tr("lowering validationGate.required requires humanOverride + UserOverrideEntry "
                   "in same patch"),
            taskId);
        Error error = makeError(ErrorCode::PolicyDenied,
                                reason + QLatin1Char(' ') + whereText(opIndex, place), opIndex,
                                place, reason, "required_lowered");
        error.details["taskId"] = taskId;
        addEffectDetails(&error, opIndex, place);
        consider(opIndex, Stage::RequiredLowered, std::move(error));
    }

    void refuseDone(const std::string &taskId, const Tokens &place, int opIndex)
    {
        const QString reason = withUserOverrideRule(
            Tr::tr("task %1 cannot be marked done: required validation gates not satisfied "
                   "(override requires humanOverride + UserOverrideEntry in same patch)")
                .arg(QString::fromStdString(taskId)),
            taskId);
        // ADE's message as it is when the op set the status itself; otherwise say which op did.
        const bool literal = m_ops[std::size_t(opIndex)].path.tokens() == place;
        const QString message
            = literal ? reason : reason + QLatin1Char(' ') + whereText(opIndex, place);
        Error error
            = makeError(ErrorCode::ValidationFailed, message, opIndex, place, reason, "done_gate");
        error.details["taskId"] = taskId;
        addEffectDetails(&error, opIndex, place);
        consider(opIndex, Stage::DoneGate, std::move(error));
    }

    // Entries of the result's /userOverrides that base does not have.
    std::vector<const Json *> newUserOverrideEntries() const
    {
        std::vector<const Json *> entries;
        const Json *after = member(m_result, "userOverrides");
        if (after == nullptr || !after->is_array())
            return entries;
        const Json *before = member(m_base, "userOverrides");
        for (const Json &entry : *after) {
            const bool known
                = before != nullptr && before->is_array()
                  && std::any_of(before->begin(), before->end(),
                                 [&entry](const Json &old) { return jsonEqual(old, entry); });
            if (!known)
                entries.push_back(&entry);
        }
        return entries;
    }

    // §5.5's pair: the patch sets this task's humanOverride and adds a UserOverrideEntry (for
    // the user, one that names this task).
    bool hasOverridePair(const Json &task, const Json *old, const std::string &taskId,
                         const std::vector<const Json *> &newEntries) const
    {
        const Json *override = member(task, "humanOverride");
        if (override == nullptr || !override->is_object())
            return false;
        const Json *previous = old != nullptr ? member(*old, "humanOverride") : nullptr;
        if (previous != nullptr && jsonEqual(*previous, *override))
            return false;
        if (m_actor.role != ActorRole::User)
            return !newEntries.empty();
        return std::any_of(newEntries.begin(), newEntries.end(), [&taskId](const Json *entry) {
            return isString(member(*entry, "scope"), "task")
                   && isString(member(*entry, "appliedToId"), taskId);
        });
    }

    // ---- which op made a change

    static bool addressesElement(std::string_view token)
    {
        return token == "-" || isNumericToken(token)
               || JsonPointer::parsePredicate(token, nullptr, nullptr);
    }

    // Whether the op's pointer and `place` lie on one branch (either contains the other).
    // `-` stands for the element the op appends, named by its key. Loosely, any two tokens that
    // address array elements may be the same element (a predicate on another field, an index).
    // `appended` is the value an add puts at the pointer, if known.
    static bool onOneBranch(const Tokens &tokens, const Json *appended, const Tokens &place,
                            bool loose)
    {
        const std::size_t common = std::min(tokens.size(), place.size());
        for (std::size_t i = 0; i < common; ++i) {
            const std::string &token = tokens[i];
            if (token == place[i])
                continue;
            if (loose && addressesElement(token) && addressesElement(place[i]))
                continue;
            if (token == "-" && i + 1 == tokens.size() && appended != nullptr
                && jsonElementKeyToken(*appended) == place[i]) {
                continue;
            }
            return false;
        }
        return true;
    }

    // The last op (the one whose value stands) that wrote at, above or inside `place`.
    int opThatChanged(const Tokens &place) const
    {
        for (const bool loose : {false, true}) {
            for (std::size_t i = m_ops.size(); i-- > 0;) {
                const Operation &op = m_ops[i];
                if (op.kind == OpKind::Test)
                    continue;
                const Json *appended = op.kind == OpKind::Add ? &op.value : nullptr;
                if (onOneBranch(op.path.tokens(), appended, place, loose)
                    || (op.kind == OpKind::Move
                        && onOneBranch(op.from.tokens(), nullptr, place, loose))) {
                    return int(i);
                }
            }
        }
        // Only when `result` is not exactly base with the patch applied.
        return int(m_ops.size()) - 1;
    }

    // Where the effect check looks: only where the patch wrote.
    const PatchFootprint::Node *effectScope() const
    {
        return m_everywhere ? nullptr : m_footprint.root();
    }

    const Json &m_base;
    const std::vector<Operation> &m_ops;
    const Json &m_result;
    const Actor &m_actor;
    RoleRules m_rules;
    PatchFootprint m_footprint;
    const bool m_everywhere;
    std::optional<Failure> m_failure;
};

Error unknownRoleFailure(const JsonPatch &patch)
{
    const QString reason = Tr::tr("unknown actor role");
    const JsonPointer &pointer = patch.operations().front().path;
    const std::string path = pointer.toString();
    Error error;
    error.code = ErrorCode::PolicyDenied;
    error.message = reason + QLatin1Char(' ') + Tr::tr("(path: %1)").arg(pointer.toDisplayString());
    error.details = Json::object({{"opIndex", 0},
                                  {"path", path},
                                  {"reason", reason.toStdString()},
                                  {"rule", "unknown_role"}});
    return error;
}

} // namespace

std::optional<ActorRole> actorRoleFromName(QStringView name)
{
    if (name == u"lead")
        return ActorRole::Lead;
    if (name == u"worker")
        return ActorRole::Worker;
    if (name == u"validator")
        return ActorRole::Validator;
    if (name == u"user")
        return ActorRole::User;
    return std::nullopt;
}

QString actorRoleName(ActorRole role)
{
    switch (role) {
    case ActorRole::Lead:
        return QStringLiteral("lead");
    case ActorRole::Worker:
        return QStringLiteral("worker");
    case ActorRole::Validator:
        return QStringLiteral("validator");
    case ActorRole::User:
        return QStringLiteral("user");
    }
    return QString();
}

Result<void> PatchPolicy::check(const Json &base, const JsonPatch &patch, const Json &result,
                                const Actor &actor, EffectScope scope)
{
    if (patch.isEmpty())
        return {};
    if (actorRoleName(actor.role).isEmpty())
        return unknownRoleFailure(patch);
    return Checker(base, patch, result, actor, scope).run();
}

bool PatchPolicy::taskGatesSatisfied(const Json &manifest, std::string_view taskId)
{
    const Json *task = findTask(manifest, taskId);
    return task == nullptr || gatesSatisfied(*task, taskId, manifest);
}

bool PatchPolicy::matches(std::string_view pattern, std::string_view path)
{
    const std::optional<Pattern> compiled = parsePattern(pattern);
    const Result<JsonPointer> pointer = JsonPointer::parse(path);
    return compiled.has_value() && pointer.isOk() && matchesPath(*compiled, pointer->tokens());
}

Error PatchPolicy::unknownRoleError(QStringView roleName)
{
    const QString reason = Tr::tr("unknown actor role");
    Error error;
    error.code = ErrorCode::PolicyDenied;
    error.message = Tr::tr("%1 \"%2\" (expected lead, worker, validator or user)")
                        .arg(reason, roleName.toString());
    error.details = Json::object({{"reason", reason.toStdString()},
                                  {"rule", "unknown_role"},
                                  {"role", roleName.toString().toStdString()}});
    return error;
}

} // namespace runboard
