// SPDX-License-Identifier: MIT
//
// JSON Pointer (RFC 6901) with ADE's `{field:value}` array predicates.
//
// A pointer is a list of unescaped tokens; nothing about a token is decided at parse time,
// because whether "0" or "{id:T-1}" is an index, a predicate or a plain member name depends on
// the container it meets while walking a document. That keeps `/{id:x}` addressing a member of
// an object literally, as RFC 6901 requires, while the same token selects an element of an array.
//
// Invariants: tokens are stored unescaped; toString(parse(x)) == x for every valid x.
// A walk never creates or changes anything; find() is the cheap path (no allocation, used by the
// diff and rebase in loops) and resolve() only does extra work once a token has failed.
//
// Thread-safety: a JsonPointer is a plain value; const members may be called from any thread.

#include "jsonpointer.h"

#include <QCoreApplication>

#include <limits>

namespace runboard {

namespace {

// lupdate sees Tr::tr() calls under the "JsonPointer" context (QCoreApplication::translate).
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(JsonPointer)
};

QString fromStd(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// A decimal index as RFC 6901 spells it: "0", or digits without a leading zero.
bool isIndexToken(std::string_view token)
{
    if (token.empty() || (token.size() > 1 && token.front() == '0'))
        return false;
    for (const char c : token) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// Saturates instead of overflowing: an index too large for size_t is simply out of range.
std::size_t indexValue(std::string_view token)
{
    constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
    std::size_t value = 0;
    for (const char c : token) {
        const auto digit = std::size_t(c - '0');
        if (value > (kMax - digit) / 10)
            return kMax;
        value = value * 10 + digit;
    }
    return value;
}

bool isFieldStart(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool isFieldChar(char c)
{
    return isFieldStart(c) || (c >= '0' && c <= '9');
}

QString typePhrase(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::object:
        return Tr::tr("an object");
    case Json::value_t::array:
        return Tr::tr("an array");
    case Json::value_t::string:
        return Tr::tr("a string");
    case Json::value_t::boolean:
        return Tr::tr("a boolean");
    case Json::value_t::null:
        return Tr::tr("null");
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return Tr::tr("a number");
    case Json::value_t::binary:
    case Json::value_t::discarded:
        break;
    }
    return Tr::tr("not a container");
}

// The one walk behind find() and resolve(). Stops at the first token that names nothing and
// reports its position through failedAt.
template<typename J>
J *walk(J &doc, const std::vector<std::string> &tokens, std::size_t count, std::size_t *failedAt,
        std::vector<std::string> *concrete)
{
    J *current = &doc;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string &token = tokens[i];
        if (current->is_object()) {
            const auto it = current->find(token);
            if (it == current->end()) {
                *failedAt = i;
                return nullptr;
            }
            current = &*it;
            if (concrete)
                concrete->push_back(token);
        } else if (current->is_array()) {
            const JsonPointer::ArrayPosition position = JsonPointer::locate(*current, token);
            const bool names = position.kind == JsonPointer::ArrayPosition::Kind::Index
                               || position.kind == JsonPointer::ArrayPosition::Kind::Predicate;
            if (!names || !position.exists) {
                *failedAt = i;
                return nullptr;
            }
            current = &(*current)[position.index];
            if (concrete)
                concrete->push_back(std::to_string(position.index));
        } else {
            *failedAt = i;
            return nullptr;
        }
    }
    return current;
}

template<typename J>
Result<J *> resolveIn(J &doc, const JsonPointer &pointer, JsonPointer *concrete)
{
    const std::vector<std::string> &tokens = pointer.tokens();
    std::size_t failedAt = 0;
    std::vector<std::string> concreteTokens;
    J *found = walk(doc, tokens, tokens.size(), &failedAt, concrete ? &concreteTokens : nullptr);
    if (found) {
        if (concrete)
            *concrete = JsonPointer::fromTokens(std::move(concreteTokens));
        return found;
    }

    std::size_t unused = 0;
    const J *container = walk(doc, tokens, failedAt, &unused, nullptr);
    const JsonPointer where = JsonPointer::fromTokens(
        std::vector<std::string>(tokens.begin(), tokens.begin() + std::ptrdiff_t(failedAt)));
    Error error;
    error.code = ErrorCode::InvalidPatch;
    error.message = JsonPointer::unresolvedReason(*container, where, tokens[failedAt]);
    error.details = Json::object(
        {{"path", pointer.toString()}, {"at", where.toString()}, {"token", tokens[failedAt]}});
    return error;
}

} // namespace

Result<JsonPointer> JsonPointer::parse(std::string_view text)
{
    JsonPointer pointer;
    if (text.empty())
        return pointer;

    const auto invalid = [text](const QString &message, std::size_t offset) {
        Error error;
        error.code = ErrorCode::InvalidPatch;
        error.message = message;
        error.details = Json::object({{"path", std::string(text)}, {"offset", offset}});
        return error;
    };
    if (text.front() != '/') {
        return invalid(Tr::tr("\"%1\" is not a JSON pointer: it must be empty or start with \"/\"")
                           .arg(fromStd(text)),
                       0);
    }

    std::string token;
    for (std::size_t i = 1; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '/') {
            pointer.m_tokens.push_back(std::move(token));
            token.clear();
            continue;
        }
        if (text[i] != '~') {
            token.push_back(text[i]);
            continue;
        }
        const char next = i + 1 < text.size() ? text[i + 1] : '\0';
        if (next != '0' && next != '1') {
            return invalid(Tr::tr("\"%1\" is not a valid JSON pointer: \"~\" at offset %2 must be "
                                  "followed by 0 or 1")
                               .arg(fromStd(text), QString::number(i)),
                           i);
        }
        token.push_back(next == '0' ? '~' : '/');
        ++i;
    }
    return pointer;
}

JsonPointer JsonPointer::fromTokens(std::vector<std::string> tokens)
{
    JsonPointer pointer;
    pointer.m_tokens = std::move(tokens);
    return pointer;
}

JsonPointer JsonPointer::parent() const
{
    if (m_tokens.empty())
        return {};
    return fromTokens(std::vector<std::string>(m_tokens.begin(), m_tokens.end() - 1));
}

const std::string &JsonPointer::back() const
{
    Q_ASSERT(!m_tokens.empty());
    return m_tokens.back();
}

JsonPointer JsonPointer::child(std::string token) const
{
    JsonPointer result = *this;
    result.m_tokens.push_back(std::move(token));
    return result;
}

bool JsonPointer::isPrefixOf(const JsonPointer &other) const
{
    if (m_tokens.size() > other.m_tokens.size())
        return false;
    return std::equal(m_tokens.begin(), m_tokens.end(), other.m_tokens.begin());
}

std::string JsonPointer::toString() const
{
    std::string text;
    for (const std::string &token : m_tokens) {
        text.push_back('/');
        text += escape(token);
    }
    return text;
}

QString JsonPointer::toDisplayString() const
{
    if (m_tokens.empty())
        return Tr::tr("the document");
    return QString::fromStdString(toString());
}

const Json *JsonPointer::find(const Json &doc) const
{
    std::size_t failedAt = 0;
    return walk(doc, m_tokens, m_tokens.size(), &failedAt, nullptr);
}

Json *JsonPointer::find(Json &doc) const
{
    std::size_t failedAt = 0;
    return walk(doc, m_tokens, m_tokens.size(), &failedAt, nullptr);
}

Result<const Json *> JsonPointer::resolve(const Json &doc) const
{
    return resolveIn(doc, *this, nullptr);
}

Result<Json *> JsonPointer::resolveMutable(Json &doc, JsonPointer *concrete) const
{
    return resolveIn(doc, *this, concrete);
}

std::string JsonPointer::escape(std::string_view token)
{
    std::string escaped;
    escaped.reserve(token.size());
    for (const char c : token) {
        if (c == '~')
            escaped += "~0";
        else if (c == '/')
            escaped += "~1";
        else
            escaped.push_back(c);
    }
    return escaped;
}

std::string JsonPointer::predicateToken(std::string_view field, std::string_view value)
{
    std::string token;
    token.reserve(field.size() + value.size() + 3);
    token.push_back('{');
    token += field;
    token.push_back(':');
    token += value;
    token.push_back('}');
    return token;
}

bool JsonPointer::parsePredicate(std::string_view token, std::string_view *field,
                                 std::string_view *value)
{
    // Shortest predicate is "{f:v}".
    if (token.size() < 5 || token.front() != '{' || token.back() != '}'
        || !isFieldStart(token[1])) {
        return false;
    }
    std::size_t colon = 2;
    while (colon < token.size() && isFieldChar(token[colon]))
        ++colon;
    if (colon >= token.size() - 1 || token[colon] != ':')
        return false;
    const std::string_view valuePart = token.substr(colon + 1, token.size() - colon - 2);
    if (valuePart.empty() || valuePart.find('}') != std::string_view::npos)
        return false;
    if (field)
        *field = token.substr(1, colon - 1);
    if (value)
        *value = valuePart;
    return true;
}

JsonPointer::ArrayPosition JsonPointer::locate(const Json &array, std::string_view token)
{
    ArrayPosition position;
    const std::size_t size = array.is_array() ? array.size() : 0;
    if (token == "-") {
        position.kind = ArrayPosition::Kind::End;
        position.index = size;
        return position;
    }
    if (isIndexToken(token)) {
        position.kind = ArrayPosition::Kind::Index;
        position.index = indexValue(token);
        position.exists = position.index < size;
        return position;
    }
    std::string_view field;
    std::string_view value;
    if (!parsePredicate(token, &field, &value))
        return position;

    position.kind = ArrayPosition::Kind::Predicate;
    position.index = size;
    for (std::size_t i = 0; i < size; ++i) {
        const Json &element = array[i];
        if (!element.is_object())
            continue;
        const auto member = element.find(field);
        if (member != element.end() && member->is_string()
            && member->get_ref<const std::string &>() == value) {
            position.index = i;
            position.exists = true;
            break;
        }
    }
    return position;
}

QString JsonPointer::unresolvedReason(const Json &container, const JsonPointer &where,
                                      std::string_view token)
{
    const QString place = where.toDisplayString();
    if (container.is_object()) {
        if (container.contains(token))
            return {};
        return Tr::tr("member \"%1\" does not exist in %2").arg(fromStd(token), place);
    }
    if (!container.is_array()) {
        return Tr::tr("%1 is %2; cannot descend into it").arg(place, typePhrase(container));
    }

    const ArrayPosition position = locate(container, token);
    switch (position.kind) {
    case ArrayPosition::Kind::Index:
        if (position.exists)
            return {};
        return Tr::tr("index %1 is out of range for %2 (size %3)")
            .arg(fromStd(token), place, QString::number(container.size()));
    case ArrayPosition::Kind::End:
        return Tr::tr("\"-\" names the position after the last element of %1, not an element")
            .arg(place);
    case ArrayPosition::Kind::Predicate: {
        if (position.exists)
            return {};
        std::string_view field;
        std::string_view value;
        parsePredicate(token, &field, &value);
        return Tr::tr("no element of %1 has %2 \"%3\"").arg(place, fromStd(field), fromStd(value));
    }
    case ArrayPosition::Kind::Invalid:
        break;
    }
    if (!token.empty() && token.front() == '{') {
        return Tr::tr("\"%1\" is neither a valid array index nor a {field:value} predicate")
            .arg(fromStd(token));
    }
    return Tr::tr("\"%1\" is not a valid array index").arg(fromStd(token));
}

} // namespace runboard
