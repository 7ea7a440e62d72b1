// SPDX-License-Identifier: MIT
//
// JsonWriter turns a Json tree into the exact bytes JavaScript's JSON.stringify(v, null, 2) (or
// JSON.stringify(v)) produces for the same value, so that a manifest ADE wrote survives a
// Runboard round trip unchanged and git diffs show only real edits.
//
// What "exact" takes, beyond the obvious:
// - Numbers follow ECMA-262 Number::toString: the shortest digits that round-trip (std::to_chars
//   gives those), laid out by the spec's rules for where the decimal point and exponent go.
//   Integers stored as int64/uint64 beyond 2^53 are first rounded to double, because that is
//   what JSON.parse would have made of them and what the next Node writer would print.
// - Strings escape only '"', '\\' and C0 controls, with JS's short forms and lowercase \u00xx.
// - Object members whose key is a canonical array index ("0", "7", "42", below 2^32 - 1) come
//   first in ascending numeric order; JS engines order own properties that way.
//
// Invariants: the output is appended to the caller's string and nothing else is touched; the
// tree is walked with an explicit stack, so a tree of any depth built in code is written without
// recursion. Trees only ever hold valid UTF-8 (the reader guarantees it), and string bytes are
// copied as they are.
//
// Thread-safety: every function is reentrant; there is no shared state.

#include "jsonwriter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace runboard {

namespace {

using Member = Json::object_t::value_type;

// Writes through a raw cursor into the caller's std::string. The string is grown ahead of the
// cursor, geometrically in what this sink wrote, and cut back to the written length when the
// sink goes away, so appending costs a pointer bump rather than a capacity check and a size
// update per character. Growth is relative to this sink's own output, not to the string, so
// many small appends to one large string (LaidOutJson) do not each clear a large tail.
class Sink
{
public:
    explicit Sink(std::string &out) : m_out(out), m_start(out.size())
    {
        out.resize(m_start + 64);
        m_cur = out.data() + m_start;
        m_end = out.data() + out.size();
    }
    ~Sink() { m_out.resize(std::size_t(m_cur - m_out.data())); }
    Sink(const Sink &) = delete;
    Sink &operator=(const Sink &) = delete;

    // Makes room for at least n more bytes and returns the cursor to write them at.
    char *room(std::size_t n)
    {
        if (std::size_t(m_end - m_cur) < n) [[unlikely]]
            grow(n);
        return m_cur;
    }
    void advanceTo(char *p) { m_cur = p; }

    void put(char c)
    {
        room(1);
        *m_cur++ = c;
    }
    void put(const char *data, std::size_t size)
    {
        room(size);
        std::memcpy(m_cur, data, size);
        m_cur += size;
    }

private:
    void grow(std::size_t n)
    {
        const std::size_t used = std::size_t(m_cur - m_out.data());
        m_out.resize(std::max(used + n, m_start + 2 * (m_out.size() - m_start)));
        m_cur = m_out.data() + used;
        m_end = m_out.data() + m_out.size();
    }

    std::string &m_out;
    const std::size_t m_start;
    char *m_cur = nullptr;
    char *m_end = nullptr;
};

// ---- Numbers -----------------------------------------------------------------------------------

constexpr std::size_t kNumberRoom = 32; // "-1.2345678901234567e-308" and friends need at most 25
constexpr double kTwoPow53 = 9007199254740992.0;

char *putLiteral(char *p, const char *text, std::size_t size)
{
    std::memcpy(p, text, size);
    return p + size;
}

// ECMA-262 Number::toString(x) for radix 10, writing at most kNumberRoom bytes at p.
char *formatDouble(char *p, double x)
{
    if (!std::isfinite(x))
        return putLiteral(p, "null", 4);
    if (x == 0) // also -0, which JS prints as "0"
        return putLiteral(p, "0", 1);
    if (std::fabs(x) < kTwoPow53 && x == std::trunc(x)) {
        // Below 2^53 the exact integer digits are also the shortest round-trip ones, and the
        // spec prints integral values below 1e21 without a fraction or exponent.
        return std::to_chars(p, p + kNumberRoom, static_cast<std::int64_t>(x)).ptr;
    }

    // Shortest round-trip digits in scientific form: "-d.ddde-XX". The spec's k (digit count)
    // and n (position of the decimal point) follow from the digits and the exponent.
    char sci[kNumberRoom];
    const char *sciEnd = std::to_chars(sci, sci + sizeof sci, x, std::chars_format::scientific).ptr;
    const char *s = sci;
    if (*s == '-') {
        *p++ = '-';
        ++s;
    }
    char digits[20];
    int k = 0;
    for (; s < sciEnd && *s != 'e'; ++s) {
        if (*s != '.')
            digits[k++] = *s;
    }
    int exponent = 0;
    std::from_chars(s + 1 + (s[1] == '+' ? 1 : 0), sciEnd, exponent);
    const int n = exponent + 1;

    if (k <= n && n <= 21) {
        // Integer digits padded with zeros: 1e20 -> "100000000000000000000".
        p = putLiteral(p, digits, std::size_t(k));
        std::memset(p, '0', std::size_t(n - k));
        return p + (n - k);
    }
    if (0 < n && n <= 21) {
        p = putLiteral(p, digits, std::size_t(n));
        *p++ = '.';
        return putLiteral(p, digits + n, std::size_t(k - n));
    }
    if (-6 < n && n <= 0) {
        *p++ = '0';
        *p++ = '.';
        std::memset(p, '0', std::size_t(-n));
        p += -n;
        return putLiteral(p, digits, std::size_t(k));
    }
    *p++ = digits[0];
    if (k > 1) {
        *p++ = '.';
        p = putLiteral(p, digits + 1, std::size_t(k - 1));
    }
    *p++ = 'e';
    *p++ = n - 1 < 0 ? '-' : '+';
    return std::to_chars(p, p + 4, std::abs(n - 1)).ptr;
}

template<typename Integer>
char *formatInteger(char *p, Integer value)
{
    // JSON.parse turns integers beyond 2^53 into the nearest double; print that double so the
    // output is what Node would write after reading this value back.
    constexpr Integer kLimit = Integer(9007199254740992ULL);
    if constexpr (std::is_signed_v<Integer>) {
        if (value > kLimit || value < -kLimit)
            return formatDouble(p, static_cast<double>(value));
    } else {
        if (value > kLimit)
            return formatDouble(p, static_cast<double>(value));
    }
    return std::to_chars(p, p + kNumberRoom, value).ptr;
}

// ---- Strings -----------------------------------------------------------------------------------

// For each byte: 0 when it is written as is, otherwise the letter of its short escape ('n' for
// "\n") or 'u' for the "\u00xx" form. JS escapes nothing else: not '/', DEL, non-ASCII bytes or
// U+2028/U+2029.
constexpr std::array<char, 256> kEscapes = [] {
    std::array<char, 256> table{};
    for (int c = 0; c < 0x20; ++c)
        table[std::size_t(c)] = 'u';
    table['\b'] = 'b';
    table['\f'] = 'f';
    table['\n'] = 'n';
    table['\r'] = 'r';
    table['\t'] = 't';
    table['"'] = '"';
    table['\\'] = '\\';
    return table;
}();

bool needsEscape(unsigned char c)
{
    return kEscapes[c] != 0;
}

// Index of the first byte that needs escaping, or size. Looks at eight bytes at a time: a word
// has a byte below 0x20, or equal to '"' or '\\', exactly when the usual "has a zero / has a
// byte less than" bit tests on it (or on it xor the repeated character) leave a high bit set.
std::size_t firstEscape(const char *data, std::size_t size)
{
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, data + i, 8);
        const std::uint64_t quote = w ^ (kOnes * '"');
        const std::uint64_t backslash = w ^ (kOnes * '\\');
        const std::uint64_t hits = ((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote)
                                   | ((backslash - kOnes) & ~backslash);
        if (hits & kHighs)
            break;
    }
    for (; i < size; ++i) {
        if (needsEscape(static_cast<unsigned char>(data[i])))
            return i;
    }
    return size;
}

void writeString(Sink &sink, const char *data, std::size_t size)
{
    std::size_t escape = firstEscape(data, size);
    if (escape == size) {
        char *p = sink.room(size + 2);
        *p++ = '"';
        std::memcpy(p, data, size);
        p += size;
        *p++ = '"';
        sink.advanceTo(p);
        return;
    }

    static constexpr char kHex[] = "0123456789abcdef";
    sink.put('"');
    std::size_t done = 0;
    while (escape < size) {
        const auto c = static_cast<unsigned char>(data[escape]);
        char *p = sink.room(escape - done + 6);
        std::memcpy(p, data + done, escape - done);
        p += escape - done;
        *p++ = '\\';
        if (kEscapes[c] == 'u') {
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = kHex[c >> 4];
            *p++ = kHex[c & 0xf];
        } else {
            *p++ = kEscapes[c];
        }
        sink.advanceTo(p);
        done = escape + 1;
        escape = done + firstEscape(data + done, size - done);
    }
    char *p = sink.room(size - done + 1);
    std::memcpy(p, data + done, size - done);
    p += size - done;
    *p++ = '"';
    sink.advanceTo(p);
}

void writeString(Sink &sink, const std::string &text)
{
    writeString(sink, text.data(), text.size());
}

// ---- Member order ------------------------------------------------------------------------------

// A key JS treats as an array index: the canonical decimal form of an integer below 2^32 - 1.
bool arrayIndexOf(const std::string &key, std::uint32_t &index)
{
    const std::size_t size = key.size();
    if (size == 0 || size > 10 || key[0] < '0' || key[0] > '9' || (key[0] == '0' && size > 1))
        return false;
    std::uint64_t value = 0;
    for (const char c : key) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + std::uint64_t(c - '0');
    }
    if (value >= 0xFFFFFFFFULL)
        return false;
    index = std::uint32_t(value);
    return true;
}

// ---- The tree walk -----------------------------------------------------------------------------

// One open array or object. Objects whose members need reordering iterate over a slice of the
// writer's order pool instead of over their own storage.
struct Frame
{
    const Json *element = nullptr;
    const Json *elementEnd = nullptr;
    const Member *member = nullptr;
    const Member *memberEnd = nullptr;
    std::size_t orderPos = 0;
    std::size_t orderEnd = 0;
    std::size_t orderBase = 0;
    bool isObject = false;
    bool reordered = false;
    bool first = true;
};

class TreeWriter
{
public:
    TreeWriter(Sink &sink, bool pretty, std::size_t baseDepth = 0)
        : m_sink(sink), m_pretty(pretty), m_baseDepth(baseDepth)
    {}

    void write(const Json &root)
    {
        openOrWrite(root);
        while (!m_stack.empty()) {
            Frame &frame = m_stack.back();
            const Json *value = nullptr;
            const std::string *key = nullptr;
            if (!frame.isObject) {
                if (frame.element == frame.elementEnd) {
                    close(']');
                    continue;
                }
                value = frame.element++;
            } else {
                const Member *member = nullptr;
                if (frame.reordered) {
                    if (frame.orderPos != frame.orderEnd)
                        member = m_order[frame.orderPos++];
                } else if (frame.member != frame.memberEnd) {
                    member = frame.member++;
                }
                if (!member) {
                    close('}');
                    continue;
                }
                key = &member->first;
                value = &member->second;
            }
            if (!frame.first)
                m_sink.put(',');
            frame.first = false;
            newline(m_baseDepth + m_stack.size());
            if (key) {
                writeString(m_sink, *key);
                if (m_pretty)
                    m_sink.put(": ", 2);
                else
                    m_sink.put(':');
            }
            openOrWrite(*value); // may push a frame; `frame` is not used after this
        }
    }

private:
    void newline(std::size_t depth)
    {
        if (!m_pretty)
            return;
        // A newline followed by enough spaces for most documents, copied in one go.
        static constexpr std::size_t kSpaces = 128;
        static constexpr auto kIndent = [] {
            std::array<char, 1 + kSpaces> text{};
            text[0] = '\n';
            for (std::size_t i = 1; i < text.size(); ++i)
                text[i] = ' ';
            return text;
        }();
        std::size_t spaces = depth * 2;
        const std::size_t first = std::min(spaces, kSpaces);
        m_sink.put(kIndent.data(), 1 + first);
        for (spaces -= first; spaces > 0;) {
            const std::size_t chunk = std::min(spaces, kSpaces);
            m_sink.put(kIndent.data() + 1, chunk);
            spaces -= chunk;
        }
    }

    void close(char bracket)
    {
        const Frame &frame = m_stack.back();
        if (frame.reordered)
            m_order.resize(frame.orderBase);
        m_stack.pop_back();
        newline(m_baseDepth + m_stack.size());
        m_sink.put(bracket);
    }

    void openOrWrite(const Json &value)
    {
        switch (value.type()) {
        case Json::value_t::null:
            m_sink.put("null", 4);
            return;
        case Json::value_t::boolean:
            if (value.get_ref<const Json::boolean_t &>())
                m_sink.put("true", 4);
            else
                m_sink.put("false", 5);
            return;
        case Json::value_t::number_integer: {
            char *p = m_sink.room(kNumberRoom);
            m_sink.advanceTo(formatInteger(p, value.get_ref<const Json::number_integer_t &>()));
            return;
        }
        case Json::value_t::number_unsigned: {
            char *p = m_sink.room(kNumberRoom);
            m_sink.advanceTo(formatInteger(p, value.get_ref<const Json::number_unsigned_t &>()));
            return;
        }
        case Json::value_t::number_float: {
            char *p = m_sink.room(kNumberRoom);
            m_sink.advanceTo(formatDouble(p, value.get_ref<const Json::number_float_t &>()));
            return;
        }
        case Json::value_t::string:
            writeString(m_sink, value.get_ref<const Json::string_t &>());
            return;
        case Json::value_t::array:
            openArray(value.get_ref<const Json::array_t &>());
            return;
        case Json::value_t::object:
            openObject(value.get_ref<const Json::object_t &>());
            return;
        case Json::value_t::binary:
        case Json::value_t::discarded:
            // Neither exists in JSON text; JSON.stringify writes values it cannot represent
            // inside arrays as null, which keeps the output valid.
            m_sink.put("null", 4);
            return;
        }
    }

    void openArray(const Json::array_t &array)
    {
        if (array.empty()) {
            m_sink.put("[]", 2);
            return;
        }
        m_sink.put('[');
        Frame frame;
        frame.element = array.data();
        frame.elementEnd = array.data() + array.size();
        push(frame);
    }

    void openObject(const Json::object_t &object)
    {
        if (object.empty()) {
            m_sink.put("{}", 2);
            return;
        }
        m_sink.put('{');
        Frame frame;
        frame.isObject = true;
        frame.member = object.data();
        frame.memberEnd = object.data() + object.size();

        // Almost no key starts with a digit, so the common case costs one byte test per key.
        std::uint32_t index = 0;
        bool hasIndexKeys = false;
        for (const Member &member : object) {
            const std::string &key = member.first;
            if (!key.empty() && key[0] >= '0' && key[0] <= '9' && arrayIndexOf(key, index)) {
                hasIndexKeys = true;
                break;
            }
        }
        if (hasIndexKeys) {
            m_indexed.clear();
            for (const Member &member : object) {
                if (arrayIndexOf(member.first, index))
                    m_indexed.emplace_back(index, &member);
            }
            std::sort(m_indexed.begin(), m_indexed.end());
            frame.reordered = true;
            frame.orderBase = m_order.size();
            for (const auto &[unused, member] : m_indexed)
                m_order.push_back(member);
            for (const Member &member : object) {
                if (!arrayIndexOf(member.first, index))
                    m_order.push_back(&member);
            }
            frame.orderPos = frame.orderBase;
            frame.orderEnd = m_order.size();
        }
        push(frame);
    }

    void push(const Frame &frame)
    {
        if (m_stack.capacity() == 0)
            m_stack.reserve(32);
        m_stack.push_back(frame);
    }

    Sink &m_sink;
    const bool m_pretty;
    const std::size_t m_baseDepth;
    std::vector<Frame> m_stack;
    // Members of the open reordered objects, each object's slice starting at its orderBase.
    std::vector<const Member *> m_order;
    std::vector<std::pair<std::uint32_t, const Member *>> m_indexed;
};

} // namespace

std::string JsonWriter::write(const Json &value, Style style)
{
    std::string out;
    append(out, value, style);
    return out;
}

void JsonWriter::append(std::string &out, const Json &value, Style style)
{
    Sink sink(out);
    TreeWriter(sink, style == Style::Pretty).write(value);
}

void JsonWriter::appendPrettyAt(std::string &out, const Json &value, std::size_t depth)
{
    Sink sink(out);
    TreeWriter(sink, true, depth).write(value);
}

bool JsonWriter::reordersMembers(const Json &object)
{
    if (!object.is_object())
        return false;
    std::uint32_t index = 0;
    for (const Member &member : object.get_ref<const Json::object_t &>()) {
        if (arrayIndexOf(member.first, index))
            return true;
    }
    return false;
}

void JsonWriter::appendNumber(std::string &out, double value)
{
    char buffer[kNumberRoom];
    out.append(buffer, std::size_t(formatDouble(buffer, value) - buffer));
}

} // namespace runboard
