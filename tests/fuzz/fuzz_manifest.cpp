// SPDX-License-Identifier: MIT
//
// Fuzzes the manifest model and its validator on any JSON an agent could write: every accessor
// of Manifest (with the same bytes read as heartbeats.json too), the stall rules, and
// ManifestValidator's format and shape checks. Beyond "no crash, no undefined behaviour" (ASan,
// UBSan), what must agree:
// - the task counts by status add up to the tasks listed, and every task and agent listed with
//   an id is found again by it;
// - a document checkFormat() accepts reads back its runId and generation through the accessors;
// - validateShape() and validateShapeChange() of a patch that wrote the whole document agree,
//   message included; a shape that passes still passes after writing and reading it again.
// Any disagreement aborts, which libFuzzer reports as a crash with the input saved.

#include "jsonpatch.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "manifest.h"
#include "manifestvalidator.h"
#include "patchfootprint.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

using namespace runboard;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_manifest: %s\n", what);
    std::abort();
}

QString messageOf(const Result<void> &result)
{
    return result.isOk() ? QString() : result.error().message;
}

void readEverything(const Manifest &manifest)
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(1784712615123LL, Qt::UTC);
    (void)manifest.runId();
    (void)manifest.laneId();
    (void)manifest.etag();
    (void)manifest.serverGeneration();
    (void)manifest.version();
    (void)manifest.title();
    (void)manifest.goalSummary();
    (void)manifest.currentPhase();
    (void)manifest.createdAt();
    (void)manifest.updatedAt();
    (void)manifest.bundlePath();
    (void)manifest.phases();
    (void)manifest.validationSteps();
    (void)manifest.checklist();
    (void)manifest.decisions();
    (void)manifest.userOverrides();
    (void)manifest.history();
    (void)manifest.outbox();
    (void)manifest.assets();
    (void)manifest.lineage();
    (void)manifest.planning();
    (void)manifest.planApproval();
    (void)manifest.stalledAgents(now);
    (void)manifest.stalledAgents(QDateTime());

    const QList<Manifest::Task> tasks = manifest.tasks();
    int counted = 0;
    for (const int count : manifest.taskCountsByStatus())
        counted += count;
    if (counted != tasks.size())
        fail("task counts by status do not add up to the tasks listed");
    // Entries without a string id are listed with an empty one, and found by none.
    for (const Manifest::Task &task : tasks) {
        const std::optional<Manifest::Task> found = manifest.taskById(task.id);
        if (!task.id.isEmpty() && (!found || found->id != task.id))
            fail("a listed task is not found by its id");
    }
    for (const Manifest::Agent &agent : manifest.agents()) {
        const std::optional<Manifest::Agent> found = manifest.agentBySessionId(agent.sessionId);
        if (!agent.sessionId.isEmpty() && (!found || found->sessionId != agent.sessionId))
            fail("a listed agent is not found by its session id");
        (void)Manifest::livenessOf(agent);
        (void)Manifest::isStalled(agent, now);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const QByteArray bytes(text.data(), qsizetype(text.size()));
    const Json heartbeats = Manifest::parseHeartbeats(bytes);
    if (!heartbeats.is_object())
        fail("parseHeartbeats gave something other than an object");
    Result<Json> parsed = JsonReader::parse(text);
    if (!parsed.isOk())
        return 0;
    const auto document = std::make_shared<const Json>(std::move(parsed).value());
    const Manifest manifest(document, heartbeats);
    readEverything(manifest);
    readEverything(Manifest(document));

    if (ManifestValidator::checkFormat(*document).isOk()) {
        if (manifest.runId() != QString::fromStdString(document->at("runId").get<std::string>()))
            fail("runId() differs from the document's runId");
        if (manifest.serverGeneration()
            != Manifest::integerValue(document->at("serverGeneration")).value_or(-2))
            fail("serverGeneration() differs from the document's serverGeneration");
    }

    const Result<void> shape = ManifestValidator::validateShape(*document);
    const Result<JsonPatch> whole
        = JsonPatch::fromJson(Json::array({Json{{"op", "replace"}, {"path", ""}, {"value", 0}}}));
    if (!whole.isOk())
        fail("a replace of the root is not a patch");
    const Result<void> changed
        = ManifestValidator::validateShapeChange(*document, PatchFootprint(whole.value()));
    if (shape.isOk() != changed.isOk() || messageOf(shape) != messageOf(changed))
        fail("validateShapeChange of a whole-document patch disagrees with validateShape");
    if (shape.isOk()) {
        const Result<Json> again = JsonReader::parse(JsonWriter::write(*document));
        if (!again.isOk() || !ManifestValidator::validateShape(again.value()).isOk())
            fail("a valid shape is no longer valid once written and read again");
    }
    return 0;
}
