// SPDX-License-Identifier: MIT
#pragma once

#include "command.h"

namespace runboard::cli {

// `runboard-cli patch BUNDLE`: one guarded commit (ManifestStore::commit, DESIGN.md §3).
class PatchCommand : public Command
{
public:
    PatchCommand();

protected:
    void addOptions(QCommandLineParser &parser) override;
    int execute(const QCommandLineParser &parser, const QStringList &positionals) override;
};

} // namespace runboard::cli
