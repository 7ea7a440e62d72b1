// SPDX-License-Identifier: MIT
#pragma once

#include "json.h"

#include <QString>

#include <utility>
#include <variant>

namespace runboard {

// One vocabulary of failures for the service, the CLI and the GUI (DESIGN.md §6).
enum class ErrorCode {
    EtagConflict,
    InvalidPatch,
    PolicyDenied,
    ValidationFailed,
    RunSuspended,
    NotFound,
    Unreadable,
    IoError,
};

// The wire name of a code, e.g. "etag_conflict".
QString errorCodeName(ErrorCode code);

// The runboard-cli exit status for a code (DESIGN.md §7).
int exitStatusFor(ErrorCode code);

struct Error
{
    ErrorCode code = ErrorCode::IoError;
    // Says what failed and where, in words a person can act on; already translated.
    QString message;
    // Machine-readable facts, e.g. {"opIndex":2,"path":"/tasks/0"} or {"line":3,"column":7}.
    Json details = Json::object();
};

// A value or an Error. Fallible core calls return this; nothing throws across the event loop.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool isOk() const { return m_state.index() == 0; }
    explicit operator bool() const { return isOk(); }

    const T &value() const & { return std::get<0>(m_state); }
    T &value() & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    const T *operator->() const { return &std::get<0>(m_state); }
    const T &operator*() const & { return std::get<0>(m_state); }

    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    bool isOk() const { return !m_failed; }
    explicit operator bool() const { return isOk(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

} // namespace runboard
