// SPDX-License-Identifier: MIT
//
// RunCreator: ADE's runCreate for Runboard (`runboard-cli init`, the demo).
//
// Invariants: a creation never replaces an existing manifest.json (GuardedFile::replace with an
// absent base, so a run created by somebody else at the same moment wins and we report it); the
// manifest passes ManifestValidator::validateShape before it is written; the side files (.gen,
// index.json) come after the manifest, as in ADE, and their failures are warnings only.
// Thread: stateless, any thread.

#include "runcreator.h"

#include "guardedfile.h"
#include "jsonwriter.h"
#include "manifestvalidator.h"
#include "runindex.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "RunCreator" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(RunCreator)
};

std::string utf8(const QString &text)
{
    return text.toStdString();
}

bool isSafeFolderName(const QString &name)
{
    if (name.isEmpty() || name == QStringLiteral(".") || name == QStringLiteral(".."))
        return false;
    for (const QChar c : name) {
        if (!(c.isLetterOrNumber() || c == u'-' || c == u'_' || c == u'.'))
            return false;
    }
    return true;
}

} // namespace

QString RunCreator::makeRunId()
{
    const QString stamp
        = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss"));
    const quint32 random = QRandomGenerator::system()->generate() & 0xffffffu;
    return QStringLiteral("R-%1-%2").arg(stamp).arg(random, 6, 16, QLatin1Char('0'));
}

Json RunCreator::initialManifest(const QString &runId, const QString &bundlePath,
                                 const Options &options, qint64 generation)
{
    const std::string at = utf8(isoTimestamp(options.clock()));
    const std::string etag = utf8(ManifestStore::makeEtag(generation));
    const QString title
        = options.title.isEmpty() ? QStringLiteral("Orchestration run") : options.title;
    const QString laneId = options.laneId.isEmpty() ? QStringLiteral("local") : options.laneId;

    Json phases = Json::array();
    for (const auto &[id, name] :
         {std::pair{"planning", "Planning"}, std::pair{"developing", "Developing"},
          std::pair{"validating", "Validating"}, std::pair{"wrapup", "Wrap-up"}}) {
        Json phase = {{"id", id}, {"title", name}, {"status", "pending"}};
        if (std::string_view(id) == "planning") {
            phase["status"] = "active";
            phase["startedAt"] = at;
        }
        phases.push_back(std::move(phase));
    }

    return Json{
        {"version", 1},
        {"schemaCompatibility", {{"minReader", 1}, {"maxKnown", 1}}},
        {"runId", utf8(runId)},
        {"laneId", utf8(laneId)},
        {"bundlePath", utf8(bundlePath)},
        {"etag", etag},
        {"serverGeneration", generation},
        {"createdAt", at},
        {"updatedAt", at},
        {"title", utf8(title)},
        {"goalSummary", utf8(options.goalSummary)},
        {"currentPhase", "planning"},
        {"phases", std::move(phases)},
        {"agents", Json::array({{{"sessionId", "S-lead"},
                                 {"role", "lead"},
                                 {"goalSummary", utf8(options.goalSummary)},
                                 {"status", "running"},
                                 {"spawnedAt", at}}})},
        {"tasks", Json::array()},
        {"validationStrategy", {{"steps", Json::array()}, {"checklist", Json::array()}}},
        {"modelRouting", Json::object()},
        {"assets", Json::array()},
        {"decisions", Json::array()},
        {"userOverrides", Json::array()},
        {"leadState", Json::object()},
        {"history", Json::array({{{"etag", etag},
                                  {"at", at},
                                  {"summary", "run created"},
                                  {"patchKindSummary", "init"}}})},
        {"lineage", Json::array()},
        {"receipts", Json::array()},
        {"outbox", Json::array()},
    };
}

QByteArray RunCreator::initialPlan(const Json &manifest)
{
    const auto text = [&manifest](const char *key) {
        const auto it = manifest.find(key);
        return it != manifest.end() && it->is_string()
                   ? QString::fromStdString(it->get<std::string>())
                   : QString();
    };
    const QString goal = text("goalSummary");
    const QString plan
        = QStringLiteral("# %1\n\n<sub>run id: %2 · lane: %3 · created %4</sub>\n\n"
                         "## Goal\n\n%5\n\n")
              .arg(text("title"), text("runId"), text("laneId"), text("createdAt"),
                   goal.isEmpty() ? QStringLiteral("_pending — the lead will fill this in_")
                                  : goal);
    return plan.toUtf8();
}

Result<RunCreator::Created> RunCreator::create(const QString &worktree)
{
    return create(worktree, Options());
}

Result<RunCreator::Created> RunCreator::create(const QString &worktree, const Options &options)
{
    const QFileInfo root(worktree);
    if (!root.isDir())
        return Error{ErrorCode::NotFound, Tr::tr("%1 is not a folder").arg(worktree),
                     Json{{"path", utf8(worktree)}}};
    const QString runId = options.runId.isEmpty() ? makeRunId() : options.runId;
    if (!isSafeFolderName(runId))
        return Error{ErrorCode::ValidationFailed,
                     Tr::tr("run id %1 cannot name a folder").arg(runId),
                     Json{{"runId", utf8(runId)}}};

    const QString orchestration
        = QDir(root.absoluteFilePath()).filePath(QStringLiteral(".ade/orchestration"));
    const QString bundlePath = QDir(orchestration).filePath(runId);
    const QStringList folders = {bundlePath, bundlePath + QStringLiteral("/artifacts/ui"),
                                 bundlePath + QStringLiteral("/artifacts/evidence")};
    for (const QString &folder : folders) {
        if (!QDir().mkpath(folder))
            return Error{ErrorCode::IoError, Tr::tr("cannot create the folder %1").arg(folder),
                         Json{{"path", utf8(folder)}}};
    }

    BundleLocation location{bundlePath, bundlePath + QStringLiteral("/manifest.json"), runId};
    Result<FileSnapshot> existing = GuardedFile::read(location.manifestPath);
    if (!existing.isOk())
        return existing.error();
    const QString alreadyThere
        = Tr::tr("%1 already exists; a new run never replaces a run").arg(location.manifestPath);
    if (existing->exists)
        return Error{ErrorCode::IoError, alreadyThere, Json{{"path", utf8(location.manifestPath)}}};

    // ADE reads .gen only here, so a run re-created in the same folder keeps counting upwards.
    qint64 generation = 1;
    const Result<FileSnapshot> gen = GuardedFile::read(location.filePath(QStringLiteral(".gen")));
    if (gen.isOk() && gen->exists) {
        bool ok = false;
        const qint64 previous = gen->bytes.trimmed().toLongLong(&ok);
        if (ok && previous >= 0)
            generation = previous + 1;
    }

    Created created;
    created.location = location;
    created.serverGeneration = generation;
    created.manifest = initialManifest(runId, bundlePath, options, generation);
    created.etag = QString::fromStdString(created.manifest["etag"].get<std::string>());
    if (const Result<void> shape = ManifestValidator::validateShape(created.manifest);
        !shape.isOk())
        return shape.error();

    const std::string text = JsonWriter::write(created.manifest);
    const Result<GuardedFile::ReplaceOutcome> written
        = GuardedFile::replace(location.manifestPath, existing.value(),
                               QByteArray(text.data(), static_cast<qsizetype>(text.size())));
    if (!written.isOk()) {
        if (written.error().code == ErrorCode::EtagConflict)
            return Error{ErrorCode::IoError, alreadyThere,
                         Json{{"path", utf8(location.manifestPath)}}};
        return written.error();
    }

    const QString planPath = location.filePath(QStringLiteral("plan.md"));
    if (!QFileInfo::exists(planPath)) {
        if (const Result<void> plan = GuardedFile::write(planPath, initialPlan(created.manifest));
            !plan.isOk())
            created.warnings << plan.error().message;
    }
    if (const Result<void> genWritten = GuardedFile::write(
            location.filePath(QStringLiteral(".gen")), QByteArray::number(generation) + '\n');
        !genWritten.isOk())
        created.warnings << genWritten.error().message;
    if (const Result<void> indexed
        = RunIndex::recordRun(orchestration, created.manifest, bundlePath);
        !indexed.isOk())
        created.warnings << indexed.error().message;
    return created;
}

} // namespace runboard
