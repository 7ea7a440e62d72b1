// SPDX-License-Identifier: MIT
//
// `diff A B`: jsonDiff(A, B) as one compact JSON array: a patch that `jsonpatch` (or `patch`,
// for manifests) applies to A to get B. Array elements with ids are addressed by predicate.
// Thread: main thread.

#include "diffcommand.h"

#include "jsondiff.h"
#include "output.h"

namespace runboard::cli {

DiffCommand::DiffCommand()
    : Command(QStringLiteral("diff"), tr("Prints a JSON Patch that turns A into B."))
{
    addPositional(QStringLiteral("A"), tr("A JSON file (- for standard input)."));
    addPositional(QStringLiteral("B"), tr("A JSON file (- for standard input)."));
}

int DiffCommand::execute(const QCommandLineParser &, const QStringList &positionals)
{
    if (positionals[0] == QStringLiteral("-") && positionals[1] == QStringLiteral("-"))
        return usageError(tr("only one of A and B can be standard input"));
    const Result<Json> from = readJsonInput(positionals[0], tr("A"), ErrorCode::Unreadable);
    if (!from.isOk())
        return fail(from.error());
    const Result<Json> to = readJsonInput(positionals[1], tr("B"), ErrorCode::Unreadable);
    if (!to.isOk())
        return fail(to.error());
    printJson(jsonDiff(from.value(), to.value()).toJson());
    return 0;
}

} // namespace runboard::cli
