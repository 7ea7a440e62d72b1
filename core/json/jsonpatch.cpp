// SPDX-License-Identifier: MIT
//
// JSON Patch (RFC 6902) over JsonPointer, so ADE's `{field:value}` predicates work as paths.
//
// All-or-nothing without a second copy: apply() copies the document once and edits the copy,
// which is simply dropped on failure. applyInPlace() edits the caller's document directly and
// keeps an undo log of the primitive changes it made (set, insert or erase one slot); on failure
// it replays the log backwards, so the document comes back byte-identical, member order
// included, and a successful patch costs no copy at all.
//
// Undo steps name their container by a concrete pointer (array tokens replaced by indices):
// a predicate may stop matching once a later operation changes the field it tests, but the
// indices are exact again once the later steps have been undone.
//
// Every failure names the operation (0-based index, op, path) and says precisely why, in words a
// person can act on; the reason alone is also in the details for tools.
//
// Thread-safety: a JsonPatch is an immutable value once built; apply() may run on any thread.

#include "jsonpatch.h"

#include <QCoreApplication>

#include <optional>

namespace runboard {

namespace {

using Kind = JsonPatch::Operation::Kind;

// A reason an operation failed; empty optional means it succeeded.
using Problem = std::optional<QString>;

// lupdate sees Tr::tr() calls under the "JsonPatch" context (QCoreApplication::translate).
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(JsonPatch)
};

QString fromStd(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// A value short enough for a one-line message.
QString shortDump(const Json &value)
{
    constexpr qsizetype kLimit = 60;
    QString text
        = QString::fromStdString(value.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (text.size() <= kLimit)
        return text;
    qsizetype cut = kLimit - 1;
    if (text.at(cut).isLowSurrogate())
        --cut;
    text.truncate(cut);
    text += QChar(0x2026);
    return text;
}

bool kindFromName(std::string_view name, Kind *kind)
{
    static constexpr std::pair<std::string_view, Kind> kKinds[] = {
        {"add", Kind::Add},   {"remove", Kind::Remove}, {"replace", Kind::Replace},
        {"move", Kind::Move}, {"copy", Kind::Copy},     {"test", Kind::Test},
    };
    for (const auto &[text, value] : kKinds) {
        if (text == name) {
            *kind = value;
            return true;
        }
    }
    return false;
}

// "replace /tasks/0", or `replace ""` for the root, whose pointer is invisible otherwise.
QString operationLabel(std::string_view op, const std::string *path)
{
    QString label = fromStd(op);
    if (path)
        label += QLatin1Char(' ') + (path->empty() ? QStringLiteral("\"\"") : fromStd(*path));
    return label;
}

Error operationError(std::size_t index, const QString &label, const QString &reason, Json details)
{
    Error error;
    error.code = ErrorCode::InvalidPatch;
    error.message
        = label.isEmpty()
              ? Tr::tr("operation %1: %2").arg(QString::number(index), reason)
              : Tr::tr("operation %1 (%2): %3").arg(QString::number(index), label, reason);
    details["reason"] = reason.toStdString();
    error.details = std::move(details);
    return error;
}

// Puts a member back at the position it was erased from. ordered_map has no positional insert
// and its pairs hold const keys, so the object is rebuilt; only a failing patch gets here.
void insertMemberAt(Json &object, const std::string &key, Json value, std::size_t position)
{
    Json::object_t &members = object.get_ref<Json::object_t &>();
    if (position >= members.size()) {
        members.emplace_back(key, std::move(value));
        return;
    }
    Json::object_t rebuilt;
    rebuilt.reserve(members.size() + 1);
    std::size_t i = 0;
    for (auto &[memberKey, memberValue] : members) {
        if (i++ == position)
            rebuilt.emplace_back(key, std::move(value));
        rebuilt.emplace_back(memberKey, std::move(memberValue));
    }
    members = std::move(rebuilt);
}

struct UndoStep
{
    enum class Kind {
        SetRoot,       // value: the old document
        SetMember,     // value: the member's old value
        EraseMember,   // the member was added
        InsertMember,  // value: the erased member, index: its position
        EraseElement,  // the element at index was inserted
        InsertElement, // value: the erased element
        SetElement,    // value: the element's old value
    } kind;
    JsonPointer container;
    std::string key;
    std::size_t index = 0;
    Json value;
    // A `move` hands its value on instead of copying it; undoing the step after it (the add)
    // gives the value back through Applier::m_carry.
    bool valueIsCarried = false;
};

// Applies operations one by one to a document, optionally recording how to undo them.
class Applier
{
public:
    Applier(Json &document, std::vector<UndoStep> *undo) : m_doc(document), m_undo(undo) {}

    Problem apply(const JsonPatch::Operation &op);
    void rollback();

private:
    Problem add(const JsonPointer &path, Json &value);
    Problem remove(const JsonPointer &path, Json *removed);
    Problem replace(const JsonPointer &path, Json &value);
    Problem move(const JsonPointer &from, const JsonPointer &path);
    Problem copy(const JsonPointer &from, const JsonPointer &path);
    Problem test(const JsonPointer &path, const Json &expected) const;

    Problem parentOf(const JsonPointer &path, Json **parent, JsonPointer *concrete);
    void record(UndoStep::Kind kind, JsonPointer container, std::string key, std::size_t index,
                Json *oldValue);
    void undo(UndoStep &step);

    Json &m_doc;
    std::vector<UndoStep> *m_undo;
    Json m_carry;
};

Problem Applier::apply(const JsonPatch::Operation &op)
{
    switch (op.kind) {
    case Kind::Add: {
        Json value = op.value;
        return add(op.path, value);
    }
    case Kind::Remove:
        return remove(op.path, nullptr);
    case Kind::Replace: {
        Json value = op.value;
        return replace(op.path, value);
    }
    case Kind::Move:
        return move(op.from, op.path);
    case Kind::Copy:
        return copy(op.from, op.path);
    case Kind::Test:
        return test(op.path, op.value);
    }
    return Tr::tr("unknown operation");
}

Problem Applier::parentOf(const JsonPointer &path, Json **parent, JsonPointer *concrete)
{
    Result<Json *> resolved = path.parent().resolveMutable(m_doc, m_undo ? concrete : nullptr);
    if (!resolved)
        return resolved.error().message;
    *parent = resolved.value();
    return std::nullopt;
}

// oldValue, when given, is moved into the log; without a log the caller's old value is simply
// overwritten, which is what apply() on its private copy wants.
void Applier::record(UndoStep::Kind kind, JsonPointer container, std::string key, std::size_t index,
                     Json *oldValue)
{
    if (!m_undo)
        return;
    UndoStep step{kind, std::move(container), std::move(key), index, Json(), false};
    if (oldValue)
        step.value = std::move(*oldValue);
    m_undo->push_back(std::move(step));
}

// value is moved from only on success, so move() can hand it back when the add fails.
Problem Applier::add(const JsonPointer &path, Json &value)
{
    if (path.isRoot()) {
        record(UndoStep::Kind::SetRoot, JsonPointer(), {}, 0, &m_doc);
        m_doc = std::move(value);
        return std::nullopt;
    }
    Json *parent = nullptr;
    JsonPointer concrete;
    if (Problem problem = parentOf(path, &parent, &concrete))
        return problem;
    const std::string &token = path.back();

    if (parent->is_object()) {
        const auto it = parent->find(token);
        if (it != parent->end()) {
            record(UndoStep::Kind::SetMember, std::move(concrete), token, 0, &*it);
            *it = std::move(value);
        } else {
            record(UndoStep::Kind::EraseMember, std::move(concrete), token, 0, nullptr);
            parent->get_ref<Json::object_t &>().emplace_back(token, std::move(value));
        }
        return std::nullopt;
    }
    if (!parent->is_array())
        return JsonPointer::unresolvedReason(*parent, path.parent(), token);

    const JsonPointer::ArrayPosition position = JsonPointer::locate(*parent, token);
    switch (position.kind) {
    case JsonPointer::ArrayPosition::Kind::Index:
        if (position.index > parent->size()) {
            return Tr::tr("index %1 is out of range for %2 (size %3)")
                .arg(fromStd(token), path.parent().toDisplayString(),
                     QString::number(parent->size()));
        }
        break;
    case JsonPointer::ArrayPosition::Kind::End:
        break;
    case JsonPointer::ArrayPosition::Kind::Predicate:
        if (position.exists) {
            std::string_view field;
            std::string_view expected;
            JsonPointer::parsePredicate(token, &field, &expected);
            return Tr::tr("%1 already has an element with %2 \"%3\"; use replace to change it")
                .arg(path.parent().toDisplayString(), fromStd(field), fromStd(expected));
        }
        break;
    case JsonPointer::ArrayPosition::Kind::Invalid:
        return JsonPointer::unresolvedReason(*parent, path.parent(), token);
    }
    record(UndoStep::Kind::EraseElement, std::move(concrete), {}, position.index, nullptr);
    parent->insert(parent->begin() + std::ptrdiff_t(position.index), std::move(value));
    return std::nullopt;
}

Problem Applier::remove(const JsonPointer &path, Json *removed)
{
    if (path.isRoot())
        return Tr::tr("cannot remove the whole document");
    Json *parent = nullptr;
    JsonPointer concrete;
    if (Problem problem = parentOf(path, &parent, &concrete))
        return problem;
    const std::string &token = path.back();

    // With `removed`, the value travels on to the add of a move instead of into the log.
    Json taken;
    if (parent->is_object()) {
        Json::object_t &members = parent->get_ref<Json::object_t &>();
        const auto it = members.find(token);
        if (it == members.end())
            return JsonPointer::unresolvedReason(*parent, path.parent(), token);
        const auto position = std::size_t(it - members.begin());
        taken = std::move(it->second);
        members.erase(it);
        record(UndoStep::Kind::InsertMember, std::move(concrete), token, position,
               removed ? nullptr : &taken);
    } else {
        const JsonPointer::ArrayPosition position = JsonPointer::locate(*parent, token);
        const bool names = position.kind == JsonPointer::ArrayPosition::Kind::Index
                           || position.kind == JsonPointer::ArrayPosition::Kind::Predicate;
        if (!parent->is_array() || !names || !position.exists)
            return JsonPointer::unresolvedReason(*parent, path.parent(), token);
        taken = std::move((*parent)[position.index]);
        parent->erase(position.index);
        record(UndoStep::Kind::InsertElement, std::move(concrete), {}, position.index,
               removed ? nullptr : &taken);
    }
    if (removed) {
        if (m_undo)
            m_undo->back().valueIsCarried = true;
        *removed = std::move(taken);
    }
    return std::nullopt;
}

Problem Applier::replace(const JsonPointer &path, Json &value)
{
    if (path.isRoot()) {
        record(UndoStep::Kind::SetRoot, JsonPointer(), {}, 0, &m_doc);
        m_doc = std::move(value);
        return std::nullopt;
    }
    Json *parent = nullptr;
    JsonPointer concrete;
    if (Problem problem = parentOf(path, &parent, &concrete))
        return problem;
    const std::string &token = path.back();

    if (parent->is_object()) {
        const auto it = parent->find(token);
        if (it == parent->end())
            return JsonPointer::unresolvedReason(*parent, path.parent(), token);
        record(UndoStep::Kind::SetMember, std::move(concrete), token, 0, &*it);
        *it = std::move(value);
        return std::nullopt;
    }
    const JsonPointer::ArrayPosition position = JsonPointer::locate(*parent, token);
    const bool names = position.kind == JsonPointer::ArrayPosition::Kind::Index
                       || position.kind == JsonPointer::ArrayPosition::Kind::Predicate;
    if (!parent->is_array() || !names || !position.exists)
        return JsonPointer::unresolvedReason(*parent, path.parent(), token);
    Json &slot = (*parent)[position.index];
    record(UndoStep::Kind::SetElement, std::move(concrete), {}, position.index, &slot);
    slot = std::move(value);
    return std::nullopt;
}

Problem Applier::move(const JsonPointer &from, const JsonPointer &path)
{
    if (from != path && from.isPrefixOf(path)) {
        return Tr::tr("cannot move %1 into %2, which is inside it")
            .arg(from.toDisplayString(), path.toDisplayString());
    }
    const Result<const Json *> source = from.resolve(m_doc);
    if (!source)
        return Tr::tr("from %1: %2").arg(from.toDisplayString(), source.error().message);
    if (from == path)
        return std::nullopt;

    Json value;
    if (Problem problem = remove(from, &value))
        return problem;
    if (Problem problem = add(path, value)) {
        // The remove's undo step expects its value from the step after it, which never happened.
        m_carry = std::move(value);
        return problem;
    }
    return std::nullopt;
}

Problem Applier::copy(const JsonPointer &from, const JsonPointer &path)
{
    const Result<const Json *> source = from.resolve(m_doc);
    if (!source)
        return Tr::tr("from %1: %2").arg(from.toDisplayString(), source.error().message);
    Json value = *source.value();
    return add(path, value);
}

Problem Applier::test(const JsonPointer &path, const Json &expected) const
{
    const Result<const Json *> actual = path.resolve(m_doc);
    if (!actual)
        return actual.error().message;
    if (jsonEqual(*actual.value(), expected))
        return std::nullopt;
    return Tr::tr("test failed: %1 is %2, expected %3")
        .arg(path.toDisplayString(), shortDump(*actual.value()), shortDump(expected));
}

void Applier::rollback()
{
    if (!m_undo)
        return;
    for (auto it = m_undo->rbegin(); it != m_undo->rend(); ++it)
        undo(*it);
    m_undo->clear();
    m_carry = Json();
}

// Each step first moves the value it displaces into m_carry: for the add of a move that value is
// exactly what the preceding remove step needs back.
void Applier::undo(UndoStep &step)
{
    Json restored = step.valueIsCarried ? std::move(m_carry) : std::move(step.value);
    if (step.kind == UndoStep::Kind::SetRoot) {
        m_carry = std::move(m_doc);
        m_doc = std::move(restored);
        return;
    }
    Json *container = step.container.find(m_doc);
    Q_ASSERT(container);
    switch (step.kind) {
    case UndoStep::Kind::SetRoot:
        break;
    case UndoStep::Kind::SetMember: {
        Json &slot = *container->find(step.key);
        m_carry = std::move(slot);
        slot = std::move(restored);
        break;
    }
    case UndoStep::Kind::EraseMember: {
        const auto it = container->find(step.key);
        m_carry = std::move(*it);
        container->erase(it);
        break;
    }
    case UndoStep::Kind::InsertMember:
        insertMemberAt(*container, step.key, std::move(restored), step.index);
        break;
    case UndoStep::Kind::EraseElement:
        m_carry = std::move((*container)[step.index]);
        container->erase(step.index);
        break;
    case UndoStep::Kind::InsertElement:
        container->insert(container->begin() + std::ptrdiff_t(step.index), std::move(restored));
        break;
    case UndoStep::Kind::SetElement: {
        Json &slot = (*container)[step.index];
        m_carry = std::move(slot);
        slot = std::move(restored);
        break;
    }
    }
}

// Reads one operation object of a patch document; label and details grow as members are read so
// an error names as much of the operation as is known.
Result<JsonPatch::Operation> operationFromJson(const Json &object, std::size_t index)
{
    Json details = Json::object({{"opIndex", index}});
    if (!object.is_object()) {
        return operationError(
            index, {},
            Tr::tr("must be a JSON object, not %1").arg(QString::fromUtf8(object.type_name())),
            std::move(details));
    }

    const auto opMember = object.find("op");
    if (opMember == object.end())
        return operationError(index, {}, Tr::tr("member \"op\" is missing"), std::move(details));
    if (!opMember->is_string()) {
        return operationError(index, {}, Tr::tr("member \"op\" must be a string"),
                              std::move(details));
    }
    const std::string &opName = opMember->get_ref<const std::string &>();
    details["op"] = opName;

    const auto pathMember = object.find("path");
    const std::string *pathText = nullptr;
    if (pathMember != object.end() && pathMember->is_string()) {
        pathText = &pathMember->get_ref<const std::string &>();
        details["path"] = *pathText;
    }
    const QString label = operationLabel(opName, pathText);

    JsonPatch::Operation op;
    if (!kindFromName(opName, &op.kind)) {
        return operationError(index, label,
                              Tr::tr("unknown op \"%1\" (expected add, remove, replace, move, copy "
                                     "or test)")
                                  .arg(fromStd(opName)),
                              std::move(details));
    }
    if (pathMember == object.end())
        return operationError(index, label, Tr::tr("member \"path\" is missing"),
                              std::move(details));
    if (!pathText) {
        return operationError(index, label, Tr::tr("member \"path\" must be a string"),
                              std::move(details));
    }
    Result<JsonPointer> path = JsonPointer::parse(*pathText);
    if (!path)
        return operationError(index, label, path.error().message, std::move(details));
    op.path = std::move(path).value();

    if (op.kind == Kind::Move || op.kind == Kind::Copy) {
        const auto fromMember = object.find("from");
        if (fromMember == object.end()) {
            return operationError(index, label, Tr::tr("member \"from\" is missing"),
                                  std::move(details));
        }
        if (!fromMember->is_string()) {
            return operationError(index, label, Tr::tr("member \"from\" must be a string"),
                                  std::move(details));
        }
        details["from"] = *fromMember;
        Result<JsonPointer> from = JsonPointer::parse(fromMember->get_ref<const std::string &>());
        if (!from)
            return operationError(index, label, from.error().message, std::move(details));
        op.from = std::move(from).value();
    }

    if (op.kind == Kind::Add || op.kind == Kind::Replace || op.kind == Kind::Test) {
        const auto valueMember = object.find("value");
        if (valueMember == object.end()) {
            return operationError(index, label, Tr::tr("member \"value\" is missing"),
                                  std::move(details));
        }
        op.value = *valueMember;
    }
    return op;
}

} // namespace

JsonPatch::JsonPatch(std::vector<Operation> operations) : m_operations(std::move(operations)) {}

Result<JsonPatch> JsonPatch::fromJson(const Json &ops)
{
    if (!ops.is_array()) {
        const QString reason = Tr::tr("a JSON Patch must be an array of operations, not %1")
                                   .arg(QString::fromUtf8(ops.type_name()));
        Error error;
        error.code = ErrorCode::InvalidPatch;
        error.message = reason;
        error.details = Json::object({{"reason", reason.toStdString()}});
        return error;
    }
    std::vector<Operation> operations;
    operations.reserve(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
        Result<Operation> op = operationFromJson(ops[i], i);
        if (!op)
            return op.error();
        operations.push_back(std::move(op).value());
    }
    return JsonPatch(std::move(operations));
}

Json JsonPatch::toJson() const
{
    Json ops = Json::array();
    for (const Operation &op : m_operations) {
        Json object = Json::object();
        object["op"] = kindName(op.kind);
        object["path"] = op.path.toString();
        if (op.kind == Operation::Kind::Move || op.kind == Operation::Kind::Copy)
            object["from"] = op.from.toString();
        if (op.kind == Operation::Kind::Add || op.kind == Operation::Kind::Replace
            || op.kind == Operation::Kind::Test) {
            object["value"] = op.value;
        }
        ops.push_back(std::move(object));
    }
    return ops;
}

namespace {

Error applyError(std::size_t index, const JsonPatch::Operation &op, const QString &reason)
{
    const std::string path = op.path.toString();
    const char *name = JsonPatch::kindName(op.kind);
    Json details = Json::object({{"opIndex", index}, {"op", name}, {"path", path}});
    if (op.kind == Kind::Move || op.kind == Kind::Copy)
        details["from"] = op.from.toString();
    return operationError(index, operationLabel(name, &path), reason, std::move(details));
}

} // namespace

Result<Json> JsonPatch::apply(const Json &document) const
{
    Json copy = document;
    Applier applier(copy, nullptr);
    for (std::size_t i = 0; i < m_operations.size(); ++i) {
        if (Problem problem = applier.apply(m_operations[i]))
            return applyError(i, m_operations[i], *problem);
    }
    return Result<Json>(std::move(copy));
}

Result<void> JsonPatch::applyInPlace(Json &document) const
{
    std::vector<UndoStep> undo;
    Applier applier(document, &undo);
    for (std::size_t i = 0; i < m_operations.size(); ++i) {
        if (Problem problem = applier.apply(m_operations[i])) {
            applier.rollback();
            return applyError(i, m_operations[i], *problem);
        }
    }
    return {};
}

const char *JsonPatch::kindName(Operation::Kind kind)
{
    switch (kind) {
    case Operation::Kind::Add:
        return "add";
    case Operation::Kind::Remove:
        return "remove";
    case Operation::Kind::Replace:
        return "replace";
    case Operation::Kind::Move:
        return "move";
    case Operation::Kind::Copy:
        return "copy";
    case Operation::Kind::Test:
        return "test";
    }
    return "add";
}

} // namespace runboard
