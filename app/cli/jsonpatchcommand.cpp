// SPDX-License-Identifier: MIT
//
// `jsonpatch --doc FILE|- --ops FILE|-`: RFC 6902 on any JSON document (scalar roots and the
// whole-document pointer "" included); prints the result as compact JSON on one line. No
// manifest rules, no files written: a pure function for scripts.
// Thread: main thread.

#include "jsonpatchcommand.h"

#include "jsonpatch.h"
#include "output.h"

namespace runboard::cli {

JsonPatchCommand::JsonPatchCommand()
    : Command(QStringLiteral("jsonpatch"),
              tr("Applies an RFC 6902 JSON Patch to any JSON document and prints the result."))
{}

void JsonPatchCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(valueOption(QStringLiteral("doc"),
                                 tr("The document, a file or - for standard input (required)."),
                                 tr("FILE")));
    parser.addOption(valueOption(QStringLiteral("ops"),
                                 tr("The JSON Patch array, a file or - for standard input "
                                    "(required)."),
                                 tr("FILE")));
}

int JsonPatchCommand::execute(const QCommandLineParser &parser, const QStringList &)
{
    const QString docPath = parser.value(QStringLiteral("doc"));
    const QString opsPath = parser.value(QStringLiteral("ops"));
    if (docPath.isEmpty())
        return usageError(tr("--doc FILE|- is required"));
    if (opsPath.isEmpty())
        return usageError(tr("--ops FILE|- is required"));
    if (docPath == QStringLiteral("-") && opsPath == QStringLiteral("-"))
        return usageError(tr("only one of --doc and --ops can be standard input"));
    const Result<Json> document = readJsonInput(docPath, tr("the document"), ErrorCode::Unreadable);
    if (!document.isOk())
        return fail(document.error());
    const Result<Json> ops = readJsonInput(opsPath, tr("the ops"), ErrorCode::InvalidPatch);
    if (!ops.isOk())
        return fail(ops.error());
    const Result<JsonPatch> patch = JsonPatch::fromJson(ops.value());
    if (!patch.isOk())
        return fail(patch.error());
    const Result<Json> result = patch->apply(document.value());
    if (!result.isOk())
        return fail(result.error());
    printJson(result.value());
    return 0;
}

} // namespace runboard::cli
