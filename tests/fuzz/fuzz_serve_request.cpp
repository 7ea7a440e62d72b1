// SPDX-License-Identifier: MIT
//
// Fuzzes `runboard-cli serve`'s input: any bytes, cut into lines as serve's LineReader cuts them,
// each handled by ServeSession (the request handling serve runs, without the process) on a live
// ManifestService over a real run bundle. For every line:
// - nothing crashes (ASan, UBSan);
// - a blank line and `quit` get no answer; any other line exactly one, a JSON object with a
//   boolean "ok", and when it is false a known error code and a message;
// - a failed request leaves manifest.json and heartbeats.json byte for byte as they were;
// - after a successful one, the disk still holds a valid manifest of this run (the fuzzer may
//   find a working etag: then the commit protocol, not the fuzzer, decides what is written).
// Any violation aborts, which libFuzzer reports as a crash with the input saved.

#include "guardedfile.h"
#include "jsonreader.h"
#include "manifestservice.h"
#include "manifestvalidator.h"
#include "runcreator.h"
#include "servesession.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

using namespace runboard;

namespace {

[[noreturn]] void fail(const char *what, const QByteArray &line = QByteArray())
{
    std::fprintf(stderr, "fuzz_serve_request: %s\n  line: %s\n", what, line.constData());
    std::abort();
}

// One run and one serve session for the whole fuzzing run, as serve keeps one for its life.
struct Session
{
    Session()
        : dir(QFileInfo(QStringLiteral("/dev/shm")).isWritable()
                  ? QStringLiteral("/dev/shm/fuzz_serve_request-XXXXXX")
                  : QDir::tempPath() + QStringLiteral("/fuzz_serve_request-XXXXXX"))
    {
        RunCreator::Options options;
        options.title = QStringLiteral("Fuzzed run");
        const Result<RunCreator::Created> created = RunCreator::create(dir.path(), options);
        if (!created.isOk())
            fail("cannot create the run");
        location = created->location;
        ManifestService::Options serviceOptions;
        serviceOptions.watch = false;
        service = std::make_unique<ManifestService>(location, serviceOptions);
        if (!service->open().isOk())
            fail("cannot open the run");
        session = std::make_unique<cli::ServeSession>(
            service.get(), [this](const Json &line) { answers.push_back(line); },
            [](const QString &) {});
    }

    QByteArray disk(const char *name) const
    {
        const Result<FileSnapshot> file
            = GuardedFile::read(location.filePath(QString::fromLatin1(name)));
        return file.isOk() && file->exists ? file->bytes : QByteArray();
    }

    QTemporaryDir dir;
    BundleLocation location;
    std::unique_ptr<ManifestService> service;
    std::unique_ptr<cli::ServeSession> session;
    std::vector<Json> answers;
};

Session *s_session = nullptr;

const std::set<std::string> kErrorCodes
    = {"usage",         "etag_conflict", "invalid_patch", "policy_denied", "validation_failed",
       "run_suspended", "not_found",     "unreadable",    "io_error"};

// Handles one line and checks its answer; false after `quit`, as serve stops reading there.
bool checkLine(Session &s, const QByteArray &line)
{
    const QByteArray manifestBefore = s.disk("manifest.json");
    const QByteArray heartbeatsBefore = s.disk("heartbeats.json");
    s.answers.clear();
    const bool goesOn = s.session->handle(line);

    const bool blank = line.trimmed().isEmpty();
    if (!goesOn) {
        if (!s.answers.empty())
            fail("quit was answered", line);
        return false;
    }
    if (s.answers.size() != (blank ? 0u : 1u))
        fail("not exactly one answer", line);
    if (blank)
        return true;
    const Json &answer = s.answers.front();
    const auto ok = answer.is_object() ? answer.find("ok") : answer.end();
    if (!answer.is_object() || ok == answer.end() || !ok->is_boolean())
        fail("the answer is not an object with a boolean \"ok\"", line);
    if (!ok->get<bool>()) {
        const auto error = answer.find("error");
        const auto message = answer.find("message");
        if (error == answer.end() || !error->is_string()
            || !kErrorCodes.count(error->get<std::string>()) || message == answer.end()
            || !message->is_string() || message->get<std::string>().empty())
            fail("a failure without a known error code and a message", line);
        if (s.disk("manifest.json") != manifestBefore
            || s.disk("heartbeats.json") != heartbeatsBefore)
            fail("a failed request changed the run", line);
        return true;
    }
    const QByteArray manifest = s.disk("manifest.json");
    Result<Json> parsed = JsonReader::parse(
        std::string_view(manifest.constData(), static_cast<std::size_t>(manifest.size())));
    if (!parsed.isOk() || !ManifestValidator::checkFormat(parsed.value()).isOk()
        || !ManifestValidator::validateShape(parsed.value()).isOk()
        || parsed->at("runId").get<std::string>() != s.location.runId.toStdString())
        fail("after a successful request the run holds no valid manifest of its own", line);
    return true;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    static Session session; // as long as the fuzzing run; goes before the application
    s_session = &session;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    // As LineReader: complete lines in order, and a last one without '\n' at the end.
    for (const QByteArray &line : input.split('\n')) {
        if (!checkLine(*s_session, line))
            break;
    }
    // The service's signals (snapshots the session remembers for rebases) are queued.
    QCoreApplication::sendPostedEvents();
    return 0;
}
