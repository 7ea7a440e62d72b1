// SPDX-License-Identifier: MIT
//
// Fuzzes the reader and the writer. For any input the reader accepts:
// - the writer's output parses again and writing it again gives the same bytes (a fixed point;
//   not equality with the input, since integers beyond 2^53 are written rounded, as Node does);
// - the fast reader agrees with nlohmann's own parser wherever both accept the text.
// Any disagreement aborts, which libFuzzer reports as a crash with the input saved.

#include "jsonreader.h"
#include "jsonwriter.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace runboard;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_json_read: %s\n", what);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const Result<Json> parsed = JsonReader::parse(text);

    const bool nlohmannAccepts = Json::accept(text);
    if (!parsed.isOk())
        return 0;
    if (!nlohmannAccepts)
        fail("the reader accepted text that nlohmann's parser rejects");

    for (const auto style : {JsonWriter::Style::Pretty, JsonWriter::Style::Compact}) {
        const std::string once = JsonWriter::write(parsed.value(), style);
        const Result<Json> reparsed = JsonReader::parse(once);
        if (!reparsed.isOk())
            fail("the writer produced text the reader rejects");
        if (JsonWriter::write(reparsed.value(), style) != once)
            fail("write(read(x)) is not a fixed point");
    }

    const Json reference = Json::parse(text);
    if (JsonWriter::write(reference) != JsonWriter::write(parsed.value()))
        fail("the fast reader and nlohmann's parser built different documents");
    return 0;
}
