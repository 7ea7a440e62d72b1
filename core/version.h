// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace runboard {

// The version set in the top-level CMakeLists.txt (project(Runboard VERSION ...)).
QString version();

} // namespace runboard
