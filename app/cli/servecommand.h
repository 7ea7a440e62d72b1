// SPDX-License-Identifier: MIT
#pragma once

#include "command.h"

namespace runboard::cli {

// `runboard-cli serve BUNDLE`: a long-lived service answering JSON requests read from stdin.
class ServeCommand : public Command
{
public:
    ServeCommand();

protected:
    int execute(const QCommandLineParser &parser, const QStringList &positionals) override;
};

} // namespace runboard::cli
