// SPDX-License-Identifier: MIT
//
// The logging categories of core/ (logging.h). Debug messages are off unless a rule turns them
// on; warnings and worse are on, as for any Qt category.

#include "logging.h"

namespace runboard {

Q_LOGGING_CATEGORY(lcStore, "runboard.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLock, "runboard.lock", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWatcher, "runboard.watcher", QtInfoMsg)
Q_LOGGING_CATEGORY(lcService, "runboard.service", QtInfoMsg)

} // namespace runboard
