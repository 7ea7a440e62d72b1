// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"

#include <QString>

#include <string>
#include <string_view>
#include <vector>

namespace runboard {

// An RFC 6901 JSON Pointer with ADE's id predicates.
//
// Tokens are stored unescaped (`~1` -> `/`, `~0` -> `~`). How a token is read depends on the
// container it is applied to:
// - object: the token is a member name, whatever it looks like;
// - array: a decimal index without leading zeros, `-` (one past the end, for add), or a
//   predicate `{field:value}` selecting the element that is an object whose member `field` is
//   the string `value` (`/tasks/{id:T-3}/status`). `field` matches [A-Za-z][A-Za-z0-9]*.
// The empty pointer "" is the whole document.
class JsonPointer
{
public:
    JsonPointer() = default; // the whole document

    // InvalidPatch when text is neither "" nor starts with '/', or has a bad `~` escape.
    static Result<JsonPointer> parse(std::string_view text);
    static JsonPointer fromTokens(std::vector<std::string> tokens);

    const std::vector<std::string> &tokens() const { return m_tokens; }
    bool isRoot() const { return m_tokens.empty(); }
    JsonPointer parent() const;      // the root's parent is the root
    const std::string &back() const; // last token; only for a non-root pointer
    JsonPointer child(std::string token) const;
    bool isPrefixOf(const JsonPointer &other) const; // token-wise; a pointer is a prefix of itself

    std::string toString() const; // escaped form, "" for the root

    // The value this pointer names in doc, or nullptr when some token does not resolve.
    const Json *find(const Json &doc) const;
    Json *find(Json &doc) const;

    // As find(), but says which token failed and why: error code InvalidPatch, message e.g.
    // `member "x" does not exist in /a/b`, details {"path", "at" (the container), "token"}.
    Result<const Json *> resolve(const Json &doc) const;
    // As resolve(), for writing. When `concrete` is given it receives the same location with
    // every array token (index or predicate) replaced by the decimal index it matched.
    Result<Json *> resolveMutable(Json &doc, JsonPointer *concrete = nullptr) const;

    // Translated text for messages: toString(), or "the document" for the root.
    QString toDisplayString() const;

    // Why `token` names no existing value of `container`, the value `where` addresses, e.g.
    // `no element of /tasks has id "T-9"`. Translated. Empty when the token does resolve.
    static QString unresolvedReason(const Json &container, const JsonPointer &where,
                                    std::string_view token);

    static std::string escape(std::string_view token);
    static std::string predicateToken(std::string_view field, std::string_view value);

    // Parses `{field:value}`; false when token is not a predicate.
    static bool parsePredicate(std::string_view token, std::string_view *field,
                               std::string_view *value);

    // How a token addresses an element of an array.
    struct ArrayPosition
    {
        enum class Kind { Index, End, Predicate, Invalid } kind = Kind::Invalid;
        std::size_t index = 0; // Index/Predicate: the element; End: array size
        bool exists = false;   // Index: index < size; Predicate: an element matched
    };
    static ArrayPosition locate(const Json &array, std::string_view token);

    friend bool operator==(const JsonPointer &, const JsonPointer &) = default;

private:
    std::vector<std::string> m_tokens;
};

} // namespace runboard
