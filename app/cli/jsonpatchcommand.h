// SPDX-License-Identifier: MIT
#pragma once

#include "command.h"

namespace runboard::cli {

// `runboard-cli jsonpatch`: plain RFC 6902 on any JSON document.
class JsonPatchCommand : public Command
{
public:
    JsonPatchCommand();

protected:
    void addOptions(QCommandLineParser &parser) override;
    int execute(const QCommandLineParser &parser, const QStringList &positionals) override;
};

} // namespace runboard::cli
