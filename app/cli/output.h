// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"

#include <QString>

namespace runboard::cli {

// stdout carries exactly one compact JSON object per line (DESIGN.md §7); stderr carries the
// words for people. Every line is flushed at once: the GUI and scripts read us live.
void printJson(const Json &value);
void printText(const QString &text);
void printDiagnostic(const QString &text);

std::string utf8(const QString &text);
QString fromUtf8(const std::string &text);

// {"ok":false,"error":<code>,"message":…} plus the facts DESIGN.md §7 promises for the code
// (etag and serverGeneration for etag_conflict, and after a rebase conflicts / conflictingOps or
// cannotApply / opIndex; opIndex for invalid_patch).
Json errorObject(const Error &error);
// The "usage" variant of errorObject, for mistakes in how the command was called.
Json usageErrorObject(const QString &message);

// The exit status of a usage error (DESIGN.md §7).
inline constexpr int kUsageExitStatus = 2;

} // namespace runboard::cli
