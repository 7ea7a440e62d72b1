// SPDX-License-Identifier: MIT
//
// Temporary run bundles for tests. Each TempBundle owns a QTemporaryDir laid out as a git
// worktree with one ADE run under .ade/orchestration/. Files are written whole, in place: tests
// that need an atomic or unlink-and-recreate writer use the external writer program instead.

#include "tempbundle.h"

#include "jsonreader.h"
#include "jsonwriter.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace runboard::test {

namespace {

bool copyTree(const QString &from, const QString &to)
{
    if (!QDir().mkpath(to))
        return false;
    QDirIterator it(from, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(source);
        if (it.fileInfo().isDir()) {
            if (!QDir().mkpath(target))
                return false;
        } else {
            QDir().mkpath(QFileInfo(target).path());
            if (!QFile::copy(source, target))
                return false;
            // Fixtures may be read-only; copies must be writable by the code under test.
            QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup
                                              | QFile::ReadOther);
        }
    }
    return true;
}

} // namespace

TempBundle::TempBundle(const QString &runId) : TempBundle(runId, true) {}

TempBundle::TempBundle(const QString &runId, bool createBundle) : m_runId(runId)
{
    m_valid = m_dir.isValid();
    if (m_valid && createBundle)
        m_valid = QDir().mkpath(bundlePath());
}

TempBundle TempBundle::copyOfWorktree(const QString &worktreeDir)
{
    TempBundle bundle(QString(), false);
    if (!bundle.m_valid || !copyTree(worktreeDir, bundle.worktreePath())) {
        bundle.m_valid = false;
        return bundle;
    }
    const QDir runs(bundle.worktreePath() + QStringLiteral("/.ade/orchestration"));
    const QStringList names = runs.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    bundle.m_runId = names.value(0);
    bundle.m_valid = !bundle.m_runId.isEmpty();
    return bundle;
}

QString TempBundle::worktreePath() const
{
    return m_dir.path();
}

QString TempBundle::bundlePath() const
{
    return worktreePath() + QStringLiteral("/.ade/orchestration/") + m_runId;
}

QString TempBundle::manifestPath() const
{
    return bundlePath() + QStringLiteral("/manifest.json");
}

bool TempBundle::writeFile(const QString &name, const QByteArray &bytes) const
{
    QFile file(bundlePath() + QLatin1Char('/') + name);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(bytes) == bytes.size();
}

QByteArray TempBundle::readFile(const QString &name) const
{
    QFile file(bundlePath() + QLatin1Char('/') + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QByteArray TempBundle::writeManifest(const Json &manifest) const
{
    const std::string text = JsonWriter::write(manifest);
    const QByteArray bytes(text.data(), static_cast<qsizetype>(text.size()));
    return writeFile(QStringLiteral("manifest.json"), bytes) ? bytes : QByteArray();
}

Json TempBundle::readManifest() const
{
    const QByteArray bytes = readFile(QStringLiteral("manifest.json"));
    if (bytes.isEmpty())
        return Json();
    Result<Json> parsed
        = JsonReader::parse(std::string_view(bytes.constData(), std::size_t(bytes.size())));
    return parsed.isOk() ? std::move(parsed).value() : Json();
}

QStringList TempBundle::tempFiles() const
{
    return QDir(bundlePath()).entryList({QStringLiteral("*.tmp")}, QDir::Files | QDir::Hidden);
}

Json TempBundle::minimalManifest(const QString &runId, int generation)
{
    const std::string at = "2026-07-22T09:30:15.120Z";
    const std::string etag = "g" + std::to_string(generation) + "-0a1b2c3d";
    Json phases = Json::array();
    for (const auto &[id, title] :
         {std::pair{"planning", "Planning"}, std::pair{"developing", "Developing"},
          std::pair{"validating", "Validating"}, std::pair{"wrapup", "Wrap-up"}}) {
        Json phase = {{"id", id}, {"title", title}, {"status", "pending"}};
        if (std::string_view(id) == "planning") {
            phase["status"] = "active";
            phase["startedAt"] = at;
        }
        phases.push_back(std::move(phase));
    }
    return Json{
        {"version", 1},
        {"schemaCompatibility", {{"minReader", 1}, {"maxKnown", 1}}},
        {"runId", runId.toStdString()},
        {"laneId", "L-test"},
        {"bundlePath", ""},
        {"etag", etag},
        {"serverGeneration", generation},
        {"createdAt", at},
        {"updatedAt", at},
        {"title", "Test run"},
        {"goalSummary", "Exercise Runboard"},
        {"currentPhase", "planning"},
        {"phases", phases},
        {"agents", Json::array({{{"sessionId", "S-lead"},
                                 {"role", "lead"},
                                 {"goalSummary", "Plan the run"},
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
    };
}

} // namespace runboard::test
