// SPDX-License-Identifier: MIT
//
// ServeSession: the requests of `serve` (servecommand.cpp has the protocol), one line at a time.
// A line that is not a request (not JSON, not an object, no or an unknown "cmd", a missing or
// mistyped member) is answered with error "usage" before anything is read or written; a request
// is answered with the shape of the matching command's output. The bundle is only ever changed
// through the service's commit protocol, so no line can write what a patch may not.
// A patch with "rebase": true is `patch --rebase` with the version named by its ifMatch as the
// base: the session keeps the bytes of the last kVersionsKept versions it published (answered,
// or announced as events), and a base it does not hold is an etag_conflict that says so.
// Thread: see the class comment.

#include "servesession.h"

#include "clock.h"
#include "jsonreader.h"
#include "output.h"
#include "patchpolicy.h"
#include "rebasingcommit.h"

namespace runboard::cli {

ServeSession::ServeSession(ManifestService *service, Answer answer, Diagnose diagnose)
    : m_service(service), m_answer(answer ? std::move(answer) : Answer(printJson)),
      m_diagnose(diagnose ? std::move(diagnose) : Diagnose(printDiagnostic))
{
    remember(service->snapshot());
    connect(service, &ManifestService::snapshotChanged, this, &ServeSession::remember);
}

void ServeSession::remember(const Snapshot &snapshot)
{
    if (snapshot.isNull()
        || (!m_published.empty() && m_published.back().second == snapshot.bytes()))
        return;
    m_published.emplace_back(snapshot.etag(), snapshot.bytes());
    if (m_published.size() > kVersionsKept)
        m_published.pop_front();
}

std::optional<Json> ServeSession::published(const QString &etag) const
{
    for (auto it = m_published.rbegin(); it != m_published.rend(); ++it) {
        if (it->first != etag)
            continue;
        Result<Json> parsed = JsonReader::parse(
            std::string_view(it->second.constData(), static_cast<std::size_t>(it->second.size())));
        if (parsed.isOk())
            return std::move(parsed).value();
    }
    return std::nullopt;
}

void ServeSession::handlePatch(const Json &id, const Json &request,
                               ManifestStore::PatchRequest patch)
{
    const auto rebase = request.find("rebase");
    if (rebase != request.end() && !rebase->is_boolean()) {
        answerUsage(id, tr("\"rebase\" is true or false"));
        return;
    }
    const auto commit = [this](const ManifestStore::PatchRequest &attempt) -> Result<SeenVersion> {
        const Result<Snapshot> committed = m_service->patch(attempt);
        if (!committed.isOk())
            return committed.error();
        remember(committed.value());
        return SeenVersion{committed->etag(), committed->serverGeneration(), nullptr, QByteArray()};
    };
    if (rebase == request.end() || !rebase->get<bool>()) {
        const Result<SeenVersion> committed = commit(patch);
        if (!committed.isOk()) {
            answerError(id, committed.error());
            return;
        }
        answer(id, Json{{"ok", true},
                        {"etag", utf8(committed->etag)},
                        {"serverGeneration", committed->serverGeneration}});
        return;
    }
    const std::optional<Json> base = published(patch.ifMatchEtag);
    const auto newest = [this]() -> Result<SeenVersion> {
        m_service->reload();
        if (m_service->state() != ManifestService::State::Live)
            return Error{ErrorCode::RunSuspended, m_service->stateMessage(), Json::object()};
        const Snapshot snapshot = m_service->snapshot();
        remember(snapshot);
        return SeenVersion{snapshot.etag(), snapshot.serverGeneration(), snapshot.sharedDocument(),
                           snapshot.bytes()};
    };
    if (!base) {
        const Result<SeenVersion> now = newest();
        Json details = Json::object();
        if (now.isOk()) {
            details["etag"] = utf8(now->etag);
            details["serverGeneration"] = now->serverGeneration;
        }
        answerError(id, Error{ErrorCode::EtagConflict,
                              tr("cannot rebase: the base version %1 is not one of the last %2 "
                                 "versions this serve session published; get the manifest and "
                                 "make the patch on it again")
                                  .arg(patch.ifMatchEtag)
                                  .arg(kVersionsKept),
                              std::move(details)});
        return;
    }
    const Result<RebasingCommit::Done> done
        = RebasingCommit(commit, newest).run(*base, std::move(patch));
    if (!done.isOk()) {
        answerError(id, done.error());
        return;
    }
    answer(id, RebasingCommit::answerOf(done.value()));
}

void ServeSession::answer(const Json &id, Json body) const
{
    Json out = Json::object();
    if (!id.is_null())
        out["id"] = id;
    for (auto it = body.begin(); it != body.end(); ++it)
        out[it.key()] = std::move(it.value());
    m_answer(out);
}

void ServeSession::answerError(const Json &id, const Error &error) const
{
    answer(id, errorObject(error));
    m_diagnose(tr("runboard-cli serve: %1: %2").arg(errorCodeName(error.code), error.message));
}

void ServeSession::answerUsage(const Json &id, const QString &message) const
{
    answer(id, usageErrorObject(message));
    m_diagnose(tr("runboard-cli serve: bad request: %1").arg(message));
}

bool ServeSession::handle(const QByteArray &line)
{
    if (line.trimmed().isEmpty())
        return true;
    const Result<Json> parsed = JsonReader::parse(
        std::string_view(line.constData(), static_cast<std::size_t>(line.size())));
    if (!parsed.isOk()) {
        answerUsage(Json(),
                    tr("a request is one JSON object per line: %1").arg(parsed.error().message));
        return true;
    }
    const Json &request = parsed.value();
    if (!request.is_object()) {
        answerUsage(Json(), tr("a request must be a JSON object"));
        return true;
    }
    const Json id = request.value("id", Json());
    const auto text = [&request](const char *key) {
        const auto it = request.find(key);
        return it != request.end() && it->is_string() ? fromUtf8(it->get<std::string>())
                                                      : QString();
    };
    const QString command = text("cmd");

    if (command == QStringLiteral("quit"))
        return false;
    if (command == QStringLiteral("get")) {
        // The watcher may not have reported a change yet; answer with what the disk holds now.
        m_service->reload();
        const Snapshot snapshot = m_service->snapshot();
        remember(snapshot);
        answer(id, Json{{"ok", true},
                        {"etag", utf8(snapshot.etag())},
                        {"serverGeneration", snapshot.serverGeneration()},
                        {"manifest", snapshot.document()}});
        return true;
    }
    if (command == QStringLiteral("heartbeat")) {
        const QString session = text("session");
        if (session.isEmpty()) {
            answerUsage(id, tr("heartbeat needs \"session\""));
            return true;
        }
        const Result<QDateTime> recorded = m_service->heartbeat(session);
        if (!recorded.isOk()) {
            answerError(id, recorded.error());
            return true;
        }
        answer(id, Json{{"ok", true},
                        {"sessionId", utf8(session)},
                        {"lastHeartbeatAt", utf8(isoTimestamp(recorded.value()))}});
        return true;
    }
    if (command == QStringLiteral("patch")) {
        ManifestStore::PatchRequest patch;
        patch.ifMatchEtag = text("ifMatch");
        if (patch.ifMatchEtag.isEmpty()) {
            answerUsage(id, tr("patch needs \"ifMatch\": the etag the patch is based on"));
            return true;
        }
        const auto ops = request.find("ops");
        if (ops == request.end()) {
            answerUsage(id, tr("patch needs \"ops\": a JSON Patch array"));
            return true;
        }
        patch.operations = *ops;
        if (request.contains("role")) {
            const std::optional<ActorRole> role = actorRoleFromName(text("role"));
            if (!role) {
                answerUsage(id, tr("unknown role '%1' (expected lead, worker, validator or user)")
                                    .arg(text("role")));
                return true;
            }
            patch.actor.role = *role;
        }
        patch.actor.sessionId = text("session");
        patch.summary = text("summary");
        handlePatch(id, request, std::move(patch));
        return true;
    }
    answerUsage(id,
                command.isEmpty()
                    ? tr("a request needs \"cmd\": patch, get, heartbeat or quit")
                    : tr("unknown cmd '%1' (expected patch, get, heartbeat or quit)").arg(command));
    return true;
}

} // namespace runboard::cli
