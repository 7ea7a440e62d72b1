// SPDX-License-Identifier: MIT

#include "version.h"

namespace runboard {

QString version()
{
    return QStringLiteral(RUNBOARD_VERSION);
}

} // namespace runboard
