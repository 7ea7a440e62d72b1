// SPDX-License-Identifier: MIT
//
// `diff A B`: jsonDiff(A, B) as one compact JSON array: a patch that `jsonpatch` (or `patch`,
// for manifests) applies to A to get B. Array elements with ids are addressed by predicate.
// `diff --words A B`: what changed, in sentences (ChangeWords), as one JSON object:
// {"words":[sentence…],"groups":[{"topic","subject","sentence","details","pointers"}…],
//  "summary":line}. Both inputs are only read; their text is quoted, never interpreted.
// Thread: main thread.

#include "diffcommand.h"

#include "changewords.h"
#include "jsondiff.h"
#include "output.h"

namespace runboard::cli {

DiffCommand::DiffCommand()
    : Command(QStringLiteral("diff"), tr("Prints a JSON Patch that turns A into B."))
{
    addPositional(QStringLiteral("A"), tr("A JSON file (- for standard input)."));
    addPositional(QStringLiteral("B"), tr("A JSON file (- for standard input)."));
}

void DiffCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(
        QStringList{QStringLiteral("words")},
        tr("Say what changed in sentences (for two manifests) instead of printing a patch.")));
    parser.addOption(QCommandLineOption(
        QStringList{QStringLiteral("bookkeeping")},
        tr("With --words: also say the etag, serverGeneration and updatedAt changes.")));
}

namespace {

Json wordsObject(const Json &from, const Json &to, bool bookkeeping)
{
    ChangeWords::Options options;
    options.includeBookkeeping = bookkeeping;
    const QList<ChangeGroup> groups = ChangeWords::describe(from, to, options);
    Json words = Json::array();
    Json described = Json::array();
    for (const ChangeGroup &group : groups) {
        const QString sentence = group.sentence();
        words.push_back(utf8(sentence));
        Json details = Json::array();
        for (const QString &detail : group.details)
            details.push_back(utf8(detail));
        Json pointers = Json::array();
        for (const std::string &pointer : group.pointers)
            pointers.push_back(pointer);
        described.push_back(Json{{"topic", utf8(ChangeWords::topicName(group.topic))},
                                 {"subject", utf8(group.subject)},
                                 {"sentence", utf8(sentence)},
                                 {"details", std::move(details)},
                                 {"pointers", std::move(pointers)}});
    }
    return Json{{"words", std::move(words)},
                {"groups", std::move(described)},
                {"summary", utf8(ChangeWords::summaryLine(groups))}};
}

} // namespace

int DiffCommand::execute(const QCommandLineParser &parser, const QStringList &positionals)
{
    const bool words = parser.isSet(QStringLiteral("words"));
    if (parser.isSet(QStringLiteral("bookkeeping")) && !words)
        return usageError(tr("--bookkeeping is only used with --words"));
    if (positionals[0] == QStringLiteral("-") && positionals[1] == QStringLiteral("-"))
        return usageError(tr("only one of A and B can be standard input"));
    const Result<Json> from = readJsonInput(positionals[0], tr("A"), ErrorCode::Unreadable);
    if (!from.isOk())
        return fail(from.error());
    const Result<Json> to = readJsonInput(positionals[1], tr("B"), ErrorCode::Unreadable);
    if (!to.isOk())
        return fail(to.error());
    if (words) {
        printJson(
            wordsObject(from.value(), to.value(), parser.isSet(QStringLiteral("bookkeeping"))));
        return 0;
    }
    printJson(jsonDiff(from.value(), to.value()).toJson());
    return 0;
}

} // namespace runboard::cli
