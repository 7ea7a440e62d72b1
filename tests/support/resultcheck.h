// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <QByteArray>
#include <QTest>

namespace runboard::test {

// The error's code and message, or nothing for a success: safe to build for any result (QVERIFY2
// evaluates its message even when the check passes).
template<typename T>
QByteArray failureText(const Result<T> &result)
{
    if (result.isOk())
        return {};
    return (errorCodeName(result.error().code) + QStringLiteral(": ") + result.error().message)
        .toUtf8();
}

} // namespace runboard::test

// Fails the current test with the error's code and message unless `expr` (evaluated once) is a
// success.
#define RUNBOARD_VERIFY_OK(expr) \
    do { \
        const auto &runboardResult_ = (expr); \
        QVERIFY2(runboardResult_.isOk(), \
                 runboard::test::failureText(runboardResult_).constData()); \
    } while (false)
