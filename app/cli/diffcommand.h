// SPDX-License-Identifier: MIT
#pragma once

#include "command.h"

namespace runboard::cli {

// `runboard-cli diff A B`: the JSON Patch that turns A into B (jsonDiff); with --words, what
// changed in sentences (ChangeWords).
class DiffCommand : public Command
{
public:
    DiffCommand();

protected:
    void addOptions(QCommandLineParser &parser) override;
    int execute(const QCommandLineParser &parser, const QStringList &positionals) override;
};

} // namespace runboard::cli
