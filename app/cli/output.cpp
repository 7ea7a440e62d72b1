// SPDX-License-Identifier: MIT
//
// The CLI's two output channels. stdout: one compact JSON object per line, written with
// JsonWriter's Compact style (JSON.stringify(v)) and flushed per line, because the GUI's demo
// mode and `serve` clients read it while we run. stderr: human sentences only, never parsed.
// Thread: called from the main thread only.

#include "output.h"

#include "jsonwriter.h"

#include <cstdio>

namespace runboard::cli {

void printJson(const Json &value)
{
    std::string line = JsonWriter::write(value, JsonWriter::Style::Compact);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

void printText(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

void printDiagnostic(const QString &text)
{
    const QByteArray bytes = (text.endsWith(u'\n') ? text : text + u'\n').toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stderr);
    std::fflush(stderr);
}

std::string utf8(const QString &text)
{
    return text.toStdString();
}

QString fromUtf8(const std::string &text)
{
    return QString::fromStdString(text);
}

Json errorObject(const Error &error)
{
    Json out = {{"ok", false},
                {"error", utf8(errorCodeName(error.code))},
                {"message", utf8(error.message)}};
    const Json &details = error.details;
    if (error.code == ErrorCode::EtagConflict && details.is_object()) {
        // The newest version; and, from a rebase, why the patch was not re-applied there.
        for (const char *member : {"etag", "serverGeneration", "conflicts", "conflictingOps",
                                   "cannotApply", "opIndex"}) {
            if (const auto found = details.find(member); found != details.end())
                out[member] = *found;
        }
    }
    if (error.code == ErrorCode::InvalidPatch && details.is_object()) {
        if (const auto index = details.find("opIndex"); index != details.end())
            out["opIndex"] = *index;
    }
    return out;
}

Json usageErrorObject(const QString &message)
{
    return Json{{"ok", false}, {"error", "usage"}, {"message", utf8(message)}};
}

} // namespace runboard::cli
