// SPDX-License-Identifier: MIT
#pragma once

#include "command.h"

namespace runboard::cli {

// `runboard-cli heartbeat BUNDLE --session S`: a sign of life in heartbeats.json.
class HeartbeatCommand : public Command
{
public:
    HeartbeatCommand();

protected:
    void addOptions(QCommandLineParser &parser) override;
    int execute(const QCommandLineParser &parser, const QStringList &positionals) override;
};

} // namespace runboard::cli
