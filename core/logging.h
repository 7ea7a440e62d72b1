// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

// Debug logging of the protocol, one category per part, all off by default. A person chasing
// "why did my write conflict?" turns them on with
//   QT_LOGGING_RULES='runboard.*.debug=true'   (any program)
//   runboard-cli --verbose …                   (the CLI)
// and reads, in order, what each step decided and why (docs/manifest-service.md, "Logging").
namespace runboard {

// The commit protocol: the steps of ManifestStore::commit, each shortcut taken or dropped.
Q_DECLARE_LOGGING_CATEGORY(lcStore)
// The cross-process lock file: taken, waited for (and who holds it), taken over, released.
Q_DECLARE_LOGGING_CATEGORY(lcLock)
// What the file-system watcher saw and what it decided to report.
Q_DECLARE_LOGGING_CATEGORY(lcWatcher)
// The manifest service: reloads and why, requests and their outcomes, overwritten commits.
Q_DECLARE_LOGGING_CATEGORY(lcService)

} // namespace runboard
