// SPDX-License-Identifier: MIT
#pragma once

#include "command.h"

namespace runboard::cli {

// `runboard-cli runs DIR`: lists the runs of a worktree, read-only (RunIndex, Repair::Never).
class RunsCommand : public Command
{
public:
    RunsCommand();

protected:
    int execute(const QCommandLineParser &parser, const QStringList &positionals) override;
};

} // namespace runboard::cli
