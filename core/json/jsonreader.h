// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"

#include <QString>

#include <cstddef>
#include <string_view>

namespace runboard {

struct JsonReadLimits
{
    std::size_t maxBytes = std::size_t(256) * 1024 * 1024;
    int maxDepth = 512;
};

// Parses JSON text into a Json document. Accepts exactly what JSON.parse accepts, except where
// keeping the text would lose data or where no C++ string can hold it, and then says so:
// a UTF-8 byte order mark, invalid UTF-8, a lone UTF-16 surrogate escape, a number beyond the
// double range, nesting deeper than maxDepth and input larger than maxBytes are all rejected.
class JsonReader
{
public:
    // Which parser reads the text. Callers want Auto; the other two exist so tests and
    // benchmarks can hold the two halves of Auto against each other.
    enum class Engine {
        Auto,     // simdjson, and nlohmann's parser for whatever simdjson refuses
        Simdjson, // simdjson only: fails (Unreadable) wherever Auto would need the fallback
        Nlohmann, // nlohmann's parser only: the reference Auto must agree with
    };

    // Error code Unreadable; details carry {"line","column","offset"} (1-based line, column in
    // characters, 0-based byte offset) where a position is known.
    static Result<Json> parse(std::string_view text, const JsonReadLimits &limits = {});
    static Result<Json> parse(std::string_view text, const JsonReadLimits &limits, Engine engine);

    // Reads and parses a file. NotFound when it does not exist, IoError when it cannot be read
    // or is not a regular file (a FIFO, socket or device is refused without blocking),
    // Unreadable when it is not valid JSON; every message names the file.
    static Result<Json> readFile(const QString &path, const JsonReadLimits &limits = {});
};

} // namespace runboard
