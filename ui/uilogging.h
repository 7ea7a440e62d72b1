// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

namespace runboard {

// The window's side of a change (runboard.ui, off by default like core's categories in
// core/logging.h): what was submitted on which version, what came back, how a conflict was
// judged and whether it was re-applied.
Q_DECLARE_LOGGING_CATEGORY(lcUi)
// Desktop notifications (runboard.ui.notify): each notice collected, grouped, held for the
// minimum interval, skipped as the person's own change or turned off, sent or refused.
Q_DECLARE_LOGGING_CATEGORY(lcNotify)

} // namespace runboard
