// SPDX-License-Identifier: MIT
#pragma once

#include "manifestservice.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QObject>

#include <deque>
#include <functional>
#include <optional>

namespace runboard::cli {

// What `serve` does with one request line (servecommand.cpp): parses it, runs it on the service
// and answers it with one JSON line carrying the request's `id`. Any bytes are a request: what is
// not one is answered with error "usage" and changes nothing. Kept apart from the process (stdin,
// stdout, the event loop) so that it can be driven, and fuzzed, without one: answers and
// diagnostics go where the constructor says (by default stdout and stderr).
// Thread: the thread of the service's callers (serve: the main thread).
class ServeSession : public QObject
{
    Q_DECLARE_TR_FUNCTIONS(runboard::cli::ServeSession)

public:
    using Answer = std::function<void(const Json &line)>;
    using Diagnose = std::function<void(const QString &text)>;

    explicit ServeSession(ManifestService *service, Answer answer = {}, Diagnose diagnose = {});

    // Returns false when the session should end (`quit`).
    bool handle(const QByteArray &line);

    static constexpr std::size_t kVersionsKept = 16;

private:
    void answer(const Json &id, Json body) const;
    void answerError(const Json &id, const Error &error) const;
    void answerUsage(const Json &id, const QString &message) const;
    void handlePatch(const Json &id, const Json &request, ManifestStore::PatchRequest patch);
    void remember(const Snapshot &snapshot);
    // The version this session published with that etag, parsed; null when it holds none.
    std::optional<Json> published(const QString &etag) const;

    ManifestService *m_service;
    Answer m_answer;
    Diagnose m_diagnose;
    // (etag, bytes) of the versions published, oldest first. Bytes, not documents: they cost
    // nothing to keep (shared with the snapshots) and are parsed only for a rebase.
    std::deque<std::pair<QString, QByteArray>> m_published;
};

} // namespace runboard::cli
