// SPDX-License-Identifier: MIT
//
// The shared error vocabulary: wire names and CLI exit statuses. Both tables are part of the
// public contract (DESIGN.md §6 and §7); changing one breaks scripts that parse our output.

#include "error.h"

namespace runboard {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::EtagConflict:
        return QStringLiteral("etag_conflict");
    case ErrorCode::InvalidPatch:
        return QStringLiteral("invalid_patch");
    case ErrorCode::PolicyDenied:
        return QStringLiteral("policy_denied");
    case ErrorCode::ValidationFailed:
        return QStringLiteral("validation_failed");
    case ErrorCode::RunSuspended:
        return QStringLiteral("run_suspended");
    case ErrorCode::NotFound:
        return QStringLiteral("not_found");
    case ErrorCode::Unreadable:
        return QStringLiteral("unreadable");
    case ErrorCode::IoError:
        return QStringLiteral("io_error");
    }
    return QStringLiteral("io_error");
}

int exitStatusFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::EtagConflict:
        return 3;
    case ErrorCode::InvalidPatch:
        return 4;
    case ErrorCode::PolicyDenied:
        return 5;
    case ErrorCode::ValidationFailed:
        return 6;
    case ErrorCode::RunSuspended:
    case ErrorCode::NotFound:
    case ErrorCode::Unreadable:
        return 7;
    case ErrorCode::IoError:
        return 8;
    }
    return 8;
}

} // namespace runboard
