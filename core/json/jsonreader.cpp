// SPDX-License-Identifier: MIT
//
// JsonReader turns JSON text into the same Json tree nlohmann's own parser would build, at
// simdjson speed, and explains every rejection in words with a line and column.
//
// Two parsers, one result:
// - The fast path lets simdjson's DOM parser validate the text (UTF-8, grammar, depth) and then
//   walks its tape, building the ordered_json directly: containers reserved to their final size,
//   members appended in place, duplicate keys resolved as JS does (the last value, at the first
//   key's position). Integers get nlohmann's types: non-negative ones are number_unsigned,
//   negative ones number_integer, everything else number_float.
// - Whatever simdjson refuses goes to nlohmann's parser, driven through a SAX handler that
//   builds the tree, enforces the depth limit without recursion and captures the parse error.
//   That covers integers beyond 64 bits (nlohmann reads them as doubles, as JS does), the
//   literal integer "-0" (simdjson cannot tell it from 0; nlohmann types it number_integer) and
//   every invalid document, whose message is nlohmann's diagnosis reworded.
// - A few checks come first because neither parser makes them the way JSON.parse does: the size
//   limit, an empty document and a UTF-8 byte order mark.
//
// Invariants: a successful parse holds only valid UTF-8 strings and finite numbers, and nests at
// most limits.maxDepth containers. The fast path recurses once per nesting level, so it only
// runs with a simdjson depth limit of kMaxRecursiveDepth or less; deeper documents (allowed by a
// larger maxDepth) take the iterative fallback.
//
// Thread-safety: parse() and readFile() are reentrant. Each thread keeps its own simdjson parser
// (thread_local) so buffers are reused between calls without locking.

#include "jsonreader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "JsonReader" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(JsonReader)
};

} // namespace

namespace {

constexpr int kMaxRecursiveDepth = 1024;
// Documents up to this size reuse the thread's simdjson parser; bigger ones get a parser of their
// own so a single huge file does not pin its buffers (about 15x the input) for the thread's life.
constexpr std::size_t kReusedParserMaxBytes = std::size_t(8) * 1024 * 1024;
constexpr std::size_t kNone = std::size_t(-1);
constexpr std::string_view kJsonWhitespace = " \t\n\r";

// ---- Positions and messages --------------------------------------------------------------------

struct TextPosition
{
    std::size_t line = 1;
    std::size_t column = 1;
};

// 1-based line and column of a byte offset; columns count characters (UTF-8 sequences), which is
// what an editor shows.
TextPosition positionOf(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    TextPosition position;
    std::size_t lineStart = 0;
    for (;;) {
        const void *newline = std::memchr(text.data() + lineStart, '\n', offset - lineStart);
        if (!newline)
            break;
        lineStart = std::size_t(static_cast<const char *>(newline) - text.data()) + 1;
        ++position.line;
    }
    for (std::size_t i = lineStart; i < offset; ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            ++position.column;
    }
    return position;
}

Error unreadable(const QString &message, Json details = Json::object())
{
    return Error{ErrorCode::Unreadable, message, std::move(details)};
}

Error unreadableAt(std::string_view text, std::size_t offset, const QString &what)
{
    offset = std::min(offset, text.size());
    const TextPosition position = positionOf(text, offset);
    Json details = Json::object();
    details["line"] = position.line;
    details["column"] = position.column;
    details["offset"] = offset;
    return unreadable(
        Tr::tr("line %1, column %2: %3")
            .arg(QString::number(position.line), QString::number(position.column), what),
        std::move(details));
}

bool isAsciiLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Length of the UTF-8 sequence a lead byte announces (1 for anything malformed).
std::size_t utf8Length(unsigned char lead)
{
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    if (lead >= 0xE0)
        return lead <= 0xEF ? 3 : 1;
    if (lead >= 0xC2)
        return 2;
    return 1;
}

// The character at offset as a message shows it: 'x', "'", U+0009, or "the end of the document".
QString describeCharacter(std::string_view text, std::size_t offset)
{
    if (offset >= text.size())
        return Tr::tr("the end of the document");
    const auto c = static_cast<unsigned char>(text[offset]);
    if (c < 0x20 || c == 0x7F)
        return QStringLiteral("U+%1").arg(
            QString::number(c, 16).toUpper().rightJustified(4, QLatin1Char('0')));
    if (c == '\'')
        return QStringLiteral("\"'\"");
    const std::size_t length = std::min(utf8Length(c), text.size() - offset);
    return QLatin1Char('\'') + QString::fromUtf8(text.data() + offset, qsizetype(length))
           + QLatin1Char('\'');
}

// A string or number token as a message quotes it, shortened when long.
QString excerpt(const std::string &token)
{
    constexpr qsizetype kMaxChars = 40;
    QString text = QString::fromStdString(token);
    if (text.size() > kMaxChars)
        text = text.left(kMaxChars) + QChar(0x2026);
    return text;
}

// ---- UTF-8 and structure scans used on the error path --------------------------------------

// Offset of the first byte that does not start or continue a well-formed UTF-8 sequence
// (Unicode table 3-7: no overlong forms, no encoded surrogates, nothing above U+10FFFF).
std::size_t firstInvalidUtf8(std::string_view text)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(text.data());
    const std::size_t size = text.size();
    std::size_t i = 0;
    while (i < size) {
        const unsigned char lead = bytes[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0)
                low = 0xA0;
            else if (lead == 0xED)
                high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0)
                low = 0x90;
            else if (lead == 0xF4)
                high = 0x8F;
        } else {
            return i;
        }
        if (i + length > size)
            return i;
        if (bytes[i + 1] < low || bytes[i + 1] > high)
            return i;
        for (std::size_t k = 2; k < length; ++k) {
            if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF)
                return i;
        }
        i += length;
    }
    return kNone;
}

// Offset of the first byte outside string literals for which `found(offset)` is true, or
// kNone; bytes inside strings (escapes included) and the quotes themselves are skipped.
template<typename Found>
std::size_t findOutsideStrings(std::string_view text, Found found)
{
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (found(i)) {
            return i;
        }
    }
    return kNone;
}

// Offset of the bracket that opens nesting level maxDepth + 1, or kNone. Only meaningful where
// the text before it is valid JSON, which is the case when the SAX pass stopped there.
std::size_t offsetBeyondDepth(std::string_view text, int maxDepth)
{
    int depth = 0;
    return findOutsideStrings(text, [&](std::size_t i) {
        const char c = text[i];
        if (c == '[' || c == '{')
            return ++depth > maxDepth;
        if (c == ']' || c == '}')
            --depth;
        return false;
    });
}

// Whether the text holds the integer token "-0" (outside strings). simdjson reads it as the
// int64 0, which nlohmann and this reader type as unsigned, so such documents take the fallback.
// Only called when the document has a zero integer at all. A branch-free pass over fixed-size
// blocks (which compilers vectorise) finds blocks with a "-0" pair; only those are looked at
// closely, and only a pair that could start a number token (after '[', ':', ',' or whitespace,
// before a delimiter) pays for the exact scan that skips strings. "S-0" or "2026-01-05" in a
// string therefore cost next to nothing.
bool hasNegativeZeroInteger(std::string_view text)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(text.data());
    const std::size_t size = text.size();
    const auto couldBeToken = [&](std::size_t i) {
        const unsigned char before = i == 0 ? ' ' : bytes[i - 1];
        const unsigned char after = i + 2 < size ? bytes[i + 2] : ' ';
        const bool startsToken = before == '[' || before == ':' || before == ',' || before == ' '
                                 || before == '\t' || before == '\n' || before == '\r';
        const bool endsToken
            = !isDigit(char(after)) && after != '.' && after != 'e' && after != 'E';
        return startsToken && endsToken;
    };

    constexpr std::size_t kBlock = 512;
    bool candidate = false;
    for (std::size_t block = 0; block + 1 < size && !candidate; block += kBlock) {
        const std::size_t end = std::min(block + kBlock, size - 1);
        unsigned pairs = 0;
        if (end - block == kBlock) {
            for (std::size_t i = 0; i < kBlock; ++i)
                pairs |= unsigned(bytes[block + i] == '-') & unsigned(bytes[block + i + 1] == '0');
        } else {
            for (std::size_t i = block; i < end; ++i)
                pairs |= unsigned(bytes[i] == '-') & unsigned(bytes[i + 1] == '0');
        }
        if (!pairs)
            continue;
        for (std::size_t i = block; i < end && !candidate; ++i)
            candidate = bytes[i] == '-' && bytes[i + 1] == '0' && couldBeToken(i);
    }
    if (!candidate)
        return false;

    return findOutsideStrings(text,
                              [&](std::size_t i) {
                                  return i + 1 < size && bytes[i] == '-' && bytes[i + 1] == '0'
                                         && couldBeToken(i);
                              })
           != kNone;
}

bool readHex4(std::string_view text, std::size_t at, unsigned &value)
{
    if (at + 4 > text.size())
        return false;
    value = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        const char c = text[i];
        unsigned digit = 0;
        if (isDigit(c))
            digit = unsigned(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = unsigned(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = unsigned(c - 'A' + 10);
        else
            return false;
        value = value * 16 + digit;
    }
    return true;
}

// Offset of the first unpaired surrogate escape (\uD800-\uDFFF) in [from, to), or kNone.
std::size_t loneSurrogateEscape(std::string_view text, std::size_t from, std::size_t to)
{
    to = std::min(to, text.size());
    for (std::size_t i = from; i + 1 < to;) {
        if (text[i] != '\\') {
            ++i;
            continue;
        }
        unsigned unit = 0;
        if (text[i + 1] != 'u' || !readHex4(text, i + 2, unit)) {
            i += 2;
            continue;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            return i;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            unsigned low = 0;
            if (i + 12 <= text.size() && text[i + 6] == '\\' && text[i + 7] == 'u'
                && readHex4(text, i + 8, low) && low >= 0xDC00 && low <= 0xDFFF) {
                i += 12;
                continue;
            }
            return i;
        }
        i += 6;
    }
    return kNone;
}

// ---- Rewording nlohmann's diagnosis ------------------------------------------------------------

struct NlohmannFailure
{
    std::size_t position = 0; // characters read when the error was found, EOF counting as one
    std::string lastToken;
    int id = 0;
    std::string what;
};

QString trailingTextMessage(const QString &found)
{
    return Tr::tr("found %1 after the end of the JSON value; only whitespace may "
                  "follow it")
        .arg(found);
}

// A run of letters around offset ("tru", "NaN", "Infinity"), or an empty view.
std::pair<std::size_t, std::string_view> wordAround(std::string_view text, std::size_t offset)
{
    std::size_t begin = std::min(offset, text.size());
    while (begin > 0 && isAsciiLetter(text[begin - 1]))
        --begin;
    std::size_t end = std::min(offset, text.size());
    while (end < text.size() && isAsciiLetter(text[end]))
        ++end;
    return {begin, text.substr(begin, end - begin)};
}

// "unexpected <token>; expected <what>" from the parser proper.
Error unexpectedToken(std::string_view text, const NlohmannFailure &failure,
                      std::string_view context, std::string_view token, std::string_view expected)
{
    const std::size_t size = text.size();
    const std::size_t lastRead = std::min(failure.position == 0 ? 0 : failure.position - 1, size);
    const auto backBy = [&](std::size_t length) {
        return failure.position >= length ? std::min(failure.position - length, size) : 0;
    };
    const bool atEnd = token == "end of input" && lastRead >= size;

    std::size_t offset = lastRead;
    QString found;
    if (token == "end of input") {
        // nlohmann also stops at a NUL byte, which JSON.parse rejects as a stray character.
        found = atEnd ? Tr::tr("the end of the document") : Tr::tr("a NUL byte (U+0000)");
    } else if (token == "string literal") {
        offset = backBy(failure.lastToken.size());
        found = Tr::tr("the string %1").arg(excerpt(failure.lastToken));
    } else if (token == "number literal") {
        offset = backBy(failure.lastToken.size());
        if (offset > 0 && text[offset - 1] == '0'
            && (offset == 1 || (!isDigit(text[offset - 2]) && text[offset - 2] != '.'))) {
            return unreadableAt(text, offset - 1,
                                Tr::tr("invalid number: a number must not start with "
                                       "a 0 followed by more digits"));
        }
        found = Tr::tr("the number %1").arg(excerpt(failure.lastToken));
    } else if (token == "true literal" || token == "null literal") {
        offset = backBy(4);
        found = token == "true literal" ? QStringLiteral("true") : QStringLiteral("null");
    } else if (token == "false literal") {
        offset = backBy(5);
        found = QStringLiteral("false");
    } else if (token.size() == 3 && token.front() == '\'' && token.back() == '\'') {
        offset = backBy(1);
        found = QString::fromUtf8(token.data(), qsizetype(token.size()));
    } else {
        return unreadableAt(text, lastRead,
                            QString::fromUtf8(token.data(), qsizetype(token.size())));
    }

    // The last non-blank character before the token, to recognise a trailing comma.
    const std::size_t before = text.substr(0, offset).find_last_not_of(kJsonWhitespace);
    const bool afterComma = before != std::string_view::npos && text[before] == ',';

    QString what;
    if (expected == "end of input") {
        what = trailingTextMessage(found);
    } else if (context == "object key") {
        if (token == "'}'" && afterComma)
            what = Tr::tr("expected a member name in double quotes but found '}'; JSON "
                          "allows no comma after the last member");
        else if (atEnd)
            what = Tr::tr("the document ends where a member name was expected");
        else
            what = Tr::tr("expected a member name in double quotes but found %1").arg(found);
    } else if (context == "object separator") {
        what = Tr::tr("expected ':' after the member name but found %1").arg(found);
    } else if (context == "object") {
        what = atEnd ? Tr::tr("the document ends before the object is closed; expected ',' "
                              "or '}'")
                     : Tr::tr("expected ',' or '}' after an object member but found %1").arg(found);
    } else if (context == "array") {
        what = atEnd ? Tr::tr("the document ends before the array is closed; expected ',' "
                              "or ']'")
                     : Tr::tr("expected ',' or ']' after an array element but found %1").arg(found);
    } else if (context == "value") {
        if (atEnd)
            what = Tr::tr("the document ends where a value was expected");
        else if (token == "']'" && afterComma)
            what = Tr::tr(
                "expected a value but found ']'; JSON allows no comma after the last element");
        else
            what = Tr::tr("expected a value (an object, array, string, number, true, "
                          "false or null) but found %1")
                       .arg(found);
    } else {
        what = QString::fromStdString(failure.what);
    }
    return unreadableAt(text, atEnd ? size : offset, what);
}

// Lexer errors: "invalid string: ...", "invalid number; ...", "invalid literal".
Error lexerError(std::string_view text, const NlohmannFailure &failure, std::string_view context,
                 std::string_view lexer, bool expectedEnd)
{
    const std::size_t size = text.size();
    const std::size_t lastRead = std::min(failure.position == 0 ? 0 : failure.position - 1, size);
    // String tokens hold their raw bytes (control characters would already have failed), so
    // their length leads back to the opening quote.
    const std::size_t tokenEnd = std::min(failure.position, size);
    const std::size_t tokenStart = tokenEnd - std::min(tokenEnd, failure.lastToken.size());

    constexpr std::string_view kInvalidString = "invalid string: ";
    constexpr std::string_view kInvalidNumber = "invalid number; ";
    if (lexer.substr(0, kInvalidString.size()) == kInvalidString) {
        const std::string_view detail = lexer.substr(kInvalidString.size());
        if (detail.substr(0, 9) == "surrogate") {
            const std::size_t escape = loneSurrogateEscape(text, tokenStart, failure.position);
            if (escape != kNone) {
                return unreadableAt(
                    text, escape,
                    Tr::tr("lone UTF-16 surrogate %1 in a string: half of a "
                           "surrogate pair has no UTF-8 form, so the text cannot be "
                           "kept; remove it or add its other half")
                        .arg(QString::fromLatin1(text.data() + escape, 6)));
            }
        } else if (detail == "missing closing quote") {
            return unreadableAt(text, tokenStart,
                                Tr::tr("the string that starts here is never closed "
                                       "(missing '\"')"));
        } else if (detail == "forbidden character after backslash") {
            return unreadableAt(
                text, lastRead > 0 ? lastRead - 1 : 0,
                Tr::tr("invalid escape sequence in a string: after '\\' JSON allows "
                       "only \" \\ / b f n r t or u, not %1")
                    .arg(describeCharacter(text, lastRead)));
        } else if (detail.substr(0, 4) == "'\\u'") {
            return unreadableAt(
                text, lastRead,
                Tr::tr("invalid \\u escape in a string: '\\u' must be followed by 4 hex digits, "
                       "found %1")
                    .arg(describeCharacter(text, lastRead)));
        } else if (detail.substr(0, 17) == "control character") {
            return unreadableAt(
                text, lastRead,
                Tr::tr("unescaped control character in a string: %1")
                    .arg(QString::fromUtf8(detail.data(), qsizetype(detail.size()))));
        } else if (detail.substr(0, 10) == "ill-formed") {
            return unreadableAt(text, lastRead, Tr::tr("invalid UTF-8 in a string"));
        }
    } else if (lexer.substr(0, kInvalidNumber.size()) == kInvalidNumber) {
        const std::string_view detail = lexer.substr(kInvalidNumber.size());
        return unreadableAt(text, lastRead,
                            Tr::tr("invalid number: %1, found %2")
                                .arg(QString::fromUtf8(detail.data(), qsizetype(detail.size())),
                                     describeCharacter(text, lastRead)));
    } else if (lexer == "invalid literal") {
        const auto [wordStart, word] = wordAround(text, lastRead);
        const std::size_t offset = word.empty() ? lastRead : wordStart;
        const QString found = word.empty()
                                  ? describeCharacter(text, lastRead)
                                  : QLatin1Char('\'')
                                        + QString::fromUtf8(word.data(), qsizetype(word.size()))
                                        + QLatin1Char('\'');
        if (expectedEnd)
            return unreadableAt(text, offset, trailingTextMessage(found));
        if (context == "object key") {
            return unreadableAt(
                text, offset,
                Tr::tr("expected a member name in double quotes but found %1").arg(found));
        }
        if (!word.empty()) {
            return unreadableAt(text, offset,
                                Tr::tr("invalid literal %1: JSON knows only true, "
                                       "false and null, and strings need double "
                                       "quotes")
                                    .arg(found));
        }
        QString what = Tr::tr("unexpected character %1; expected a value (an object, "
                              "array, string, number, true, false or null)")
                           .arg(found);
        if (lastRead < size && text[lastRead] == '/')
            what += Tr::tr("; JSON has no comments");
        else if (lastRead < size && text[lastRead] == '\'')
            what += Tr::tr("; strings need double quotes");
        return unreadableAt(text, offset, what);
    }
    return unreadableAt(text, lastRead, QString::fromUtf8(lexer.data(), qsizetype(lexer.size())));
}

Error errorFromNlohmann(std::string_view text, const NlohmannFailure &failure)
{
    std::string_view message = failure.what;
    // Drop "[json.exception.parse_error.101] " and "parse error at line 1, column 6: "; the
    // position is recomputed from the offset, in characters rather than bytes.
    if (!message.empty() && message.front() == '[') {
        const std::size_t close = message.find("] ");
        if (close != std::string_view::npos)
            message.remove_prefix(close + 2);
    }
    if (message.substr(0, 11) == "parse error") {
        const std::size_t colon = message.find(": ");
        if (colon != std::string_view::npos)
            message.remove_prefix(colon + 2);
    }

    constexpr int kNumberOverflow = 406;
    if (failure.id == kNumberOverflow) {
        // The position is just past the number, whose text is the last token.
        const std::size_t end = std::min(failure.position, text.size());
        return unreadableAt(text, end - std::min(end, failure.lastToken.size()),
                            Tr::tr("the number %1 is beyond the range of a "
                                   "double (about 1.8e308)")
                                .arg(excerpt(failure.lastToken)));
    }

    constexpr std::string_view kSyntax = "syntax error while parsing ";
    const std::size_t lastRead
        = std::min(failure.position == 0 ? 0 : failure.position - 1, text.size());
    if (message.substr(0, kSyntax.size()) != kSyntax)
        return unreadableAt(text, lastRead,
                            QString::fromUtf8(message.data(), qsizetype(message.size())));
    message.remove_prefix(kSyntax.size());
    const std::size_t dash = message.find(" - ");
    if (dash == std::string_view::npos)
        return unreadableAt(text, lastRead,
                            QString::fromUtf8(message.data(), qsizetype(message.size())));
    const std::string_view context = message.substr(0, dash);
    const std::string_view rest = message.substr(dash + 3);

    constexpr std::string_view kUnexpected = "unexpected ";
    constexpr std::string_view kExpected = "; expected ";
    if (rest.substr(0, kUnexpected.size()) == kUnexpected) {
        const std::size_t semicolon = rest.find(kExpected);
        const std::string_view token
            = rest.substr(kUnexpected.size(), semicolon == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : semicolon - kUnexpected.size());
        const std::string_view expected = semicolon == std::string_view::npos
                                              ? std::string_view()
                                              : rest.substr(semicolon + kExpected.size());
        return unexpectedToken(text, failure, context, token, expected);
    }
    const std::size_t lastReadMark = rest.find("; last read: '");
    const std::string_view lexer = rest.substr(0, lastReadMark);
    constexpr std::string_view kExpectedEnd = "; expected end of input";
    const bool expectedEnd = rest.size() >= kExpectedEnd.size()
                             && rest.substr(rest.size() - kExpectedEnd.size()) == kExpectedEnd;
    return lexerError(text, failure, context, lexer, expectedEnd);
}

// ---- Duplicate keys ----------------------------------------------------------------------------

// Finds an earlier member with the same key while an object is being filled, so duplicates can
// be resolved as JS does. Small objects use a 256-bit filter over a cheap key hash (length, first
// and last byte: distinct for almost every pair of real member names) and compare keys only on
// a filter hit; big ones switch to a hash map.
class KeyIndex
{
public:
    // The index of an earlier member named key, or kNone after noting that key is about to be
    // appended as member number members.size().
    std::size_t claim(const Json::object_t &members, std::string_view key)
    {
        if (!m_map && members.size() >= kMapThreshold) {
            m_map = std::make_unique<std::unordered_map<std::string, std::size_t>>();
            m_map->reserve(members.size() * 2);
            for (std::size_t i = 0; i < members.size(); ++i)
                m_map->emplace(members.data()[i].first, i);
        }
        if (m_map) {
            const auto [it, added] = m_map->try_emplace(std::string(key), members.size());
            return added ? kNone : it->second;
        }
        const unsigned bit = bitOf(key);
        std::uint64_t &word = m_bits[bit >> 6];
        const std::uint64_t mask = std::uint64_t(1) << (bit & 63);
        if (word & mask) {
            for (std::size_t i = 0; i < members.size(); ++i) {
                if (members.data()[i].first == key)
                    return i;
            }
        }
        word |= mask;
        return kNone;
    }

private:
    static constexpr std::size_t kMapThreshold = 48;

    static unsigned bitOf(std::string_view key)
    {
        if (key.empty())
            return 0;
        const auto first = static_cast<unsigned char>(key.front());
        const auto last = static_cast<unsigned char>(key.back());
        return unsigned(key.size() * 37 + first * 7 + last * 3) & 255;
    }

    std::array<std::uint64_t, 4> m_bits{};
    std::unique_ptr<std::unordered_map<std::string, std::size_t>> m_map;
};

// ---- The fast path: simdjson ------------------------------------------------------------------

struct FastState
{
    bool sawZeroInteger = false;
};

void build(simdjson::dom::element element, Json &out, FastState &state)
{
    using simdjson::dom::element_type;
    switch (element.type()) {
    case element_type::ARRAY: {
        const simdjson::dom::array array = element.get_array().value_unsafe();
        out = Json(Json::value_t::array);
        auto &items = out.get_ref<Json::array_t &>();
        items.reserve(array.size());
        for (const simdjson::dom::element item : array)
            build(item, items.emplace_back(), state);
        return;
    }
    case element_type::OBJECT: {
        const simdjson::dom::object object = element.get_object().value_unsafe();
        out = Json(Json::value_t::object);
        auto &members = out.get_ref<Json::object_t &>();
        members.reserve(object.size());
        KeyIndex keys;
        for (const simdjson::dom::key_value_pair field : object) {
            const std::size_t existing = keys.claim(members, field.key);
            if (existing == kNone) {
                Json &value
                    = members
                          .emplace_back(std::piecewise_construct, std::forward_as_tuple(field.key),
                                        std::forward_as_tuple())
                          .second;
                build(field.value, value, state);
            } else {
                // JS keeps the first position and the last value.
                Json value;
                build(field.value, value, state);
                members.data()[existing].second = std::move(value);
            }
        }
        return;
    }
    case element_type::INT64: {
        const std::int64_t value = element.get_int64().value_unsafe();
        if (value >= 0) {
            state.sawZeroInteger |= value == 0;
            out = Json::number_unsigned_t(value);
        } else {
            out = Json::number_integer_t(value);
        }
        return;
    }
    case element_type::UINT64:
        out = Json::number_unsigned_t(element.get_uint64().value_unsafe());
        return;
    case element_type::DOUBLE:
        out = Json::number_float_t(element.get_double().value_unsafe());
        return;
    case element_type::STRING: {
        const std::string_view text = element.get_string().value_unsafe();
        out = Json(Json::value_t::string);
        out.get_ref<Json::string_t &>().assign(text.data(), text.size());
        return;
    }
    case element_type::BOOL:
        out = element.get_bool().value_unsafe();
        return;
    case element_type::NULL_VALUE:
        out = nullptr;
        return;
    }
}

struct FastResult
{
    std::optional<Json> json;
    QString refusal; // why the fast path stepped aside, for Engine::Simdjson
};

FastResult parseWithSimdjson(std::string_view text, int maxDepth)
{
    thread_local simdjson::dom::parser t_parser;
    std::optional<simdjson::dom::parser> ownParser;
    simdjson::dom::parser *parser = &t_parser;
    if (text.size() > kReusedParserMaxBytes)
        parser = &ownParser.emplace();

    FastResult result;
    const auto refuse = [&](simdjson::error_code code) {
        result.refusal = QString::fromUtf8(simdjson::error_message(code));
        return std::move(result);
    };
    const auto depth = std::size_t(maxDepth);
    if (parser->max_depth() != depth) {
        const std::size_t capacity
            = std::max({text.size(), parser->capacity(), simdjson::dom::MINIMAL_DOCUMENT_CAPACITY});
        if (const auto code = parser->allocate(capacity, depth))
            return refuse(code);
    }
    // parse() copies the text into the parser's reused, padded buffer.
    simdjson::dom::element root;
    if (const auto code = parser->parse(text.data(), text.size()).get(root))
        return refuse(code);

    FastState state;
    Json json;
    build(root, json, state);
    if (state.sawZeroInteger && hasNegativeZeroInteger(text)) {
        result.refusal = QStringLiteral("the integer -0 needs nlohmann's typing");
        return result;
    }
    result.json.emplace(std::move(json));
    return result;
}

// ---- The fallback: nlohmann's parser through a SAX handler ---------------------------------

// Builds the tree exactly as nlohmann's DOM parser does (operator[] semantics for duplicate
// keys), but with an explicit stack and a depth limit, and keeps the first error instead of
// throwing it.
class SaxBuilder
{
public:
    explicit SaxBuilder(int maxDepth) : m_maxDepth(maxDepth) {}

    bool null() { return put(Json(nullptr)); }
    bool boolean(bool value) { return put(Json(value)); }
    bool number_integer(Json::number_integer_t value) { return put(Json(value)); }
    bool number_unsigned(Json::number_unsigned_t value) { return put(Json(value)); }
    bool number_float(Json::number_float_t value, const Json::string_t &)
    {
        return put(Json(value));
    }
    bool string(Json::string_t &value) { return put(Json(std::move(value))); }
    bool binary(Json::binary_t &value) { return put(Json::binary(std::move(value))); }

    bool start_object(std::size_t) { return open(Json::value_t::object); }
    bool key(Json::string_t &key)
    {
        Frame &frame = m_stack.back();
        auto &members = frame.container->get_ref<Json::object_t &>();
        const std::size_t existing = frame.keys.claim(members, key);
        if (existing != kNone) {
            m_member = &members.data()[existing].second;
            return true;
        }
        members.emplace_back(std::piecewise_construct, std::forward_as_tuple(std::move(key)),
                             std::forward_as_tuple());
        m_member = &members.back().second;
        return true;
    }
    bool end_object() { return close(); }

    bool start_array(std::size_t) { return open(Json::value_t::array); }
    bool end_array() { return close(); }

    bool parse_error(std::size_t position, const std::string &lastToken,
                     const Json::exception &error)
    {
        m_failure = NlohmannFailure{position, lastToken, error.id, error.what()};
        return false;
    }

    bool depthExceeded() const { return m_depthExceeded; }
    const NlohmannFailure &failure() const { return m_failure; }
    Json &root() { return m_root; }

private:
    struct Frame
    {
        Json *container = nullptr;
        KeyIndex keys;
    };

    // Where the next value goes: the root, the end of the open array, or the member whose key
    // came last. Open containers are always the last element of their parent, so the pointers
    // on the stack stay valid while children are added.
    Json *slot()
    {
        if (m_stack.empty())
            return &m_root;
        Json *container = m_stack.back().container;
        if (container->is_array())
            return &container->get_ref<Json::array_t &>().emplace_back();
        return m_member;
    }

    bool put(Json &&value)
    {
        *slot() = std::move(value);
        return true;
    }

    bool open(Json::value_t type)
    {
        if (int(m_stack.size()) >= m_maxDepth) {
            m_depthExceeded = true;
            return false;
        }
        Json *container = slot();
        *container = Json(type);
        m_stack.push_back(Frame{container, {}});
        return true;
    }

    bool close()
    {
        m_stack.pop_back();
        return true;
    }

    const int m_maxDepth;
    Json m_root;
    std::vector<Frame> m_stack;
    Json *m_member = nullptr;
    bool m_depthExceeded = false;
    NlohmannFailure m_failure;
};

Result<Json> parseWithNlohmann(std::string_view text, const JsonReadLimits &limits)
{
    // Both parsers reject invalid UTF-8, but only inside strings and without saying where in
    // terms a person can use; check the whole text first.
    if (!simdjson::validate_utf8(text.data(), text.size())) {
        const std::size_t offset = firstInvalidUtf8(text);
        return unreadableAt(
            text, offset,
            Tr::tr("invalid UTF-8 (byte 0x%1); the document "
                   "must be saved as UTF-8")
                .arg(QString::number(
                         static_cast<unsigned char>(text[std::min(offset, text.size() - 1)]), 16)
                         .toUpper()));
    }

    SaxBuilder builder(limits.maxDepth);
    if (!Json::sax_parse(text.data(), text.data() + text.size(), &builder)) {
        if (builder.depthExceeded()) {
            return unreadableAt(text, offsetBeyondDepth(text, limits.maxDepth),
                                Tr::tr("arrays and objects are nested more than %1 "
                                       "levels deep")
                                    .arg(limits.maxDepth));
        }
        return errorFromNlohmann(text, builder.failure());
    }
    // nlohmann ends the input at a NUL byte; JSON.parse rejects one after the value.
    if (const void *nul = std::memchr(text.data(), '\0', text.size())) {
        return unreadableAt(text, std::size_t(static_cast<const char *>(nul) - text.data()),
                            trailingTextMessage(Tr::tr("a NUL byte (U+0000)")));
    }
    return std::move(builder.root());
}

} // namespace

Result<Json> JsonReader::parse(std::string_view text, const JsonReadLimits &limits)
{
    return parse(text, limits, Engine::Auto);
}

Result<Json> JsonReader::parse(std::string_view text, const JsonReadLimits &limits, Engine engine)
{
    if (text.size() > limits.maxBytes) {
        Json details = Json::object();
        details["bytes"] = text.size();
        details["maxBytes"] = limits.maxBytes;
        return unreadable(Tr::tr("the document is %1 bytes "
                                 "long, more than the limit "
                                 "of %2 bytes")
                              .arg(QString::number(text.size()), QString::number(limits.maxBytes)),
                          std::move(details));
    }
    if (text.find_first_not_of(kJsonWhitespace) == std::string_view::npos)
        return unreadableAt(text, text.size(), Tr::tr("the document is empty"));
    // simdjson and nlohmann skip a byte order mark; JSON.parse does not.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        return unreadableAt(text, 0,
                            Tr::tr("the document starts with a UTF-8 byte order mark "
                                   "(BOM), which JSON does not allow; save it as UTF-8 "
                                   "without a BOM"));
    }

    if (engine != Engine::Nlohmann && limits.maxDepth >= 1) {
        FastResult fast = parseWithSimdjson(text, std::min(limits.maxDepth, kMaxRecursiveDepth));
        if (fast.json)
            return std::move(*fast.json);
        if (engine == Engine::Simdjson) {
            return unreadable(Tr::tr("simdjson cannot read this document as "
                                     "nlohmann would: %1")
                                  .arg(fast.refusal));
        }
    }
    return parseWithNlohmann(text, limits);
}

Result<Json> JsonReader::readFile(const QString &path, const JsonReadLimits &limits)
{
    const QString shown = QDir::toNativeSeparators(path);
    const auto withPath = [&](ErrorCode code, const QString &message) {
        Json details = Json::object();
        details["path"] = path.toStdString();
        return Error{code, message, std::move(details)};
    };

    const QFileInfo info(path);
    if (!info.exists()) {
        return withPath(ErrorCode::NotFound,
                        Tr::tr("cannot read %1: the file does not exist").arg(shown));
    }
    if (info.isDir()) {
        return withPath(ErrorCode::IoError, Tr::tr("cannot read %1: it is a directory").arg(shown));
    }
    // Opened without blocking, and only a regular file is read: opening a FIFO waits for a
    // writer that may never come, and a device is no document (files in a run folder are
    // anybody's to replace).
    const int fd
        = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        return withPath(
            error == ENOENT ? ErrorCode::NotFound : ErrorCode::IoError,
            Tr::tr("cannot read %1: %2").arg(shown, QString::fromLocal8Bit(std::strerror(error))));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return withPath(ErrorCode::IoError,
                        Tr::tr("cannot read %1: it is not a regular file").arg(shown));
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    QFile file;
    if (!file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return withPath(ErrorCode::IoError,
                        Tr::tr("cannot read %1: %2").arg(shown, file.errorString()));
    }
    // Check the size before reading so an oversized file is never loaded.
    if (quint64(file.size()) > quint64(limits.maxBytes)) {
        Error error
            = withPath(ErrorCode::Unreadable, Tr::tr("%1: the file is %2 bytes long, more than the "
                                                     "limit of %3 bytes")
                                                  .arg(shown, QString::number(file.size()),
                                                       QString::number(limits.maxBytes)));
        return error;
    }
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        return withPath(ErrorCode::IoError,
                        Tr::tr("cannot read %1: %2").arg(shown, file.errorString()));
    }

    Result<Json> result
        = parse(std::string_view(data.constData(), std::size_t(data.size())), limits);
    if (result)
        return result;
    Error error = result.error();
    error.message = Tr::tr("%1: %2").arg(shown, error.message);
    error.details["path"] = path.toStdString();
    return error;
}

} // namespace runboard
