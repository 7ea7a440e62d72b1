// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"
#include "jsonpointer.h"

#include <vector>

namespace runboard {

// RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over JsonPointer paths, so ADE's
// id predicates work too. Predicates behave as in ADE: `add` to a predicate that matches no
// element appends the value; `add` to one that matches is an error that says to use replace.
// A patch is applied all-or-nothing: on any failure the document is unchanged.
class JsonPatch
{
public:
    struct Operation
    {
        enum class Kind { Add, Remove, Replace, Move, Copy, Test } kind = Kind::Add;
        JsonPointer path;
        JsonPointer from; // move and copy
        Json value;       // add, replace and test
    };

    JsonPatch() = default;
    explicit JsonPatch(std::vector<Operation> operations);

    // Validates the shape of a JSON Patch document (an array of operation objects). Errors are
    // InvalidPatch with details {"opIndex","op","path","reason"} naming the offending operation
    // (as far as it could be read). Unknown members are ignored, as RFC 6902 says.
    static Result<JsonPatch> fromJson(const Json &ops);
    Json toJson() const;

    const std::vector<Operation> &operations() const { return m_operations; }
    bool isEmpty() const { return m_operations.empty(); }

    // Errors are InvalidPatch with details {"opIndex","op","path","reason"} (plus "from" for move
    // and copy); a failed `test` is one of them. The message reads
    // `operation 2 (replace /tasks/{id:T-9}/status): no element of /tasks has id "T-9"`.
    // apply() costs one deep copy of document; applyInPlace() copies nothing and, on failure,
    // undoes its changes so document is byte-identical to before (member order included).
    Result<Json> apply(const Json &document) const;
    Result<void> applyInPlace(Json &document) const;

    static const char *kindName(Operation::Kind kind);

private:
    std::vector<Operation> m_operations;
};

} // namespace runboard
