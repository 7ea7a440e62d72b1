// SPDX-License-Identifier: MIT
//
// `get BUNDLE [--pointer PTR]`: {"ok":true,"etag","serverGeneration","manifest":{…}} or, with a
// pointer, {"ok":true,"etag","serverGeneration","pointer","value"}. The etag comes with the
// value so a script can patch with --if-match what it just read. Read-only, no lock.
// Thread: main thread.

#include "getcommand.h"

#include "jsonpointer.h"
#include "output.h"

namespace runboard::cli {

GetCommand::GetCommand()
    : Command(QStringLiteral("get"), tr("Prints the manifest, or one value of it, as JSON."))
{
    addPositional(QStringLiteral("BUNDLE"), tr("A run folder or its manifest.json."));
}

void GetCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(valueOption(QStringLiteral("pointer"),
                                 tr("A JSON Pointer (RFC 6901, with ADE's {id:VALUE} "
                                    "predicates), e.g. /tasks/{id:T-1}/status."),
                                 tr("PTR")));
}

int GetCommand::execute(const QCommandLineParser &parser, const QStringList &positionals)
{
    std::optional<JsonPointer> pointer;
    if (parser.isSet(QStringLiteral("pointer"))) {
        Result<JsonPointer> parsed
            = JsonPointer::parse(utf8(parser.value(QStringLiteral("pointer"))));
        if (!parsed.isOk())
            return usageError(tr("--pointer: %1").arg(parsed.error().message));
        pointer = std::move(parsed).value();
    }
    const Result<BundleLocation> location = locateBundle(positionals[0]);
    if (!location.isOk())
        return fail(location.error());
    const Result<ManifestStore::Loaded> loaded = ManifestStore(location.value()).load();
    if (!loaded.isOk())
        return fail(loaded.error());
    const Json &document = *loaded->document;
    Json out = {{"ok", true},
                {"etag", document.value("etag", std::string())},
                {"serverGeneration", document.value("serverGeneration", Json())}};
    if (!pointer) {
        out["manifest"] = document;
        printJson(out);
        return 0;
    }
    const Result<const Json *> value = pointer->resolve(document);
    if (!value.isOk())
        return fail(Error{
            ErrorCode::NotFound,
            tr("%1: nothing at %2: %3")
                .arg(location->manifestPath, pointer->toDisplayString(), value.error().message),
            value.error().details});
    out["pointer"] = pointer->toString();
    out["value"] = *value.value();
    printJson(out);
    return 0;
}

} // namespace runboard::cli
