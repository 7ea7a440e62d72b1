// SPDX-License-Identifier: MIT
//
// Fuzzes patch application and diff. The input is a JSON array [document, patch]. Checks:
// - a failed patch leaves the document exactly as it was (all-or-nothing);
// - a successful patch's result is reproduced by applying jsonDiff(document, result);
// - a diff between any two documents applies cleanly.

#include "jsondiff.h"
#include "jsonpatch.h"
#include "jsonreader.h"
#include "jsonwriter.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

using namespace runboard;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_json_patch: %s\n", what);
    std::abort();
}

void checkDiff(const Json &from, const Json &to)
{
    const JsonPatch diff = jsonDiff(from, to);
    const Result<Json> replayed = diff.apply(from);
    if (!replayed.isOk())
        fail("a diff does not apply to the document it was made from");
    if (!jsonEqual(replayed.value(), to))
        fail("applying a diff does not give the target document");
    // A diff must survive its own JSON form (what the CLI prints and reads back).
    const Result<JsonPatch> reread = JsonPatch::fromJson(diff.toJson());
    if (!reread.isOk())
        fail("a diff's JSON form is not a valid patch");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const Result<Json> input = JsonReader::parse(text);
    if (!input.isOk() || !input->is_array() || input->size() != 2)
        return 0;
    const Json &document = input->at(0);
    const Result<JsonPatch> patch = JsonPatch::fromJson(input->at(1));
    if (!patch.isOk()) {
        checkDiff(input->at(0), input->at(1));
        return 0;
    }

    Json target = document;
    const std::string before = JsonWriter::write(target);
    const Result<void> applied = patch->applyInPlace(target);
    if (!applied.isOk()) {
        if (JsonWriter::write(target) != before)
            fail("a failed patch changed the document");
        return 0;
    }
    const Result<Json> copyApplied = patch->apply(document);
    if (!copyApplied.isOk() || !jsonEqual(copyApplied.value(), target))
        fail("apply and applyInPlace disagree");
    checkDiff(document, target);
    return 0;
}
