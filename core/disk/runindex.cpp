// SPDX-License-Identifier: MIT
//
// RunIndex: which runs a worktree holds (ADE's runList and appendRunIndexEntry, bundle format
// §1), read the way ADE reads them and repaired the way ADE repairs them.
//
// Design considerations
// - index.json is a cache of the run folders, not the truth. An entry counts only while
//   <dir>/<runId>/manifest.json exists, and a run folder missing from the index is found by a
//   scan. The folder next to the index is checked, never the entry's recorded bundlePath: that
//   path is machine-specific (worktrees travel through git) and may not exist here.
// - Listing is a fixed point: an index this class writes is one it reads back as healthy, so a
//   repair happens once, not on every call. The scan therefore admits a manifest only if the
//   entry built from it passes the same checks as an index entry.
// - A healthy index is never written, not even with identical bytes, and Repair::Never writes
//   nothing at all (no lock file either): listing must work in a read-only checkout and must not
//   show up as a change to anyone watching the folder.
// - A rewrite keeps what it can: the index's own unknown members, each surviving entry's JSON as
//   it was (so its JSON.stringify bytes come out unchanged), and unknown fields of an entry that
//   recordRun() replaces. Only what ADE would drop is dropped.
// - Writers of index.json are serialised by the lock file <dir>/index.json.lock (BundleLock), and
//   every decision is taken again on a fresh read under that lock. ADE takes no such lock, so the
//   final replace goes through GuardedFile::replace, which refuses to overwrite bytes we did not
//   read; we then read again and redo the change, a few times at most. Index writes are Relaxed
//   (no fsync): the index heals itself from the run folders.
// - The listing is ordered by createdAt (a stable sort, by time where the timestamp parses), so
//   runs do not move as they are updated, although recordRun() moves entries to the end of the
//   file as ADE does.
// Thread: stateless, safe from any thread. Concurrent writers, threads or processes, meet at the
// lock file; readers take no lock.

#include "runindex.h"

#include "clock.h"
#include "guardedfile.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "manifestvalidator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "RunIndex" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(RunIndex)
};

// Other writers (ADE) take no lock; after this many lost races the rewrite gives up.
constexpr int kWriteAttempts = 5;

// The fields of a RunIndexEntry, in the order ADE writes them.
constexpr std::string_view kEntryFields[] = {
    "runId",        "laneId", "createdAt",  "updatedAt", "title",      "goalSummary",
    "currentPhase", "etag",   "bundlePath", "status",    "agentCount", "taskCount",
};
// The leading fields that are copied from the manifest as they are.
constexpr std::size_t kManifestFieldCount = 8;

bool isEntryField(std::string_view key)
{
    return std::find(std::begin(kEntryFields), std::end(kEntryFields), key)
           != std::end(kEntryFields);
}

const std::string *stringMember(const Json &object, const char *key)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? &it->get_ref<const std::string &>() : nullptr;
}

QString qStringMember(const Json &object, const char *key)
{
    const std::string *value = stringMember(object, key);
    return value ? QString::fromStdString(*value) : QString();
}

bool isVersionOne(const Json &document)
{
    const auto it = document.find("version");
    return it != document.end() && it->is_number() && it->get<double>() == 1.0;
}

// A runId becomes a path component, so it must name exactly one folder inside the
// orchestration folder: an index saying "../.." must not make us look elsewhere.
bool isFolderName(const std::string &name)
{
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos
           && name.find('\0') == std::string::npos;
}

// ADE drops entries "missing" runId, createdAt, title or bundlePath. An empty title is kept:
// it still names a run, and the scan would find that run again anyway.
bool isListable(const Json &entry)
{
    const std::string *runId = stringMember(entry, "runId");
    const std::string *createdAt = stringMember(entry, "createdAt");
    const std::string *bundlePath = stringMember(entry, "bundlePath");
    return runId && isFolderName(*runId) && createdAt && !createdAt->empty()
           && stringMember(entry, "title") && bundlePath && !bundlePath->empty();
}

bool isEntryOf(const Json &entry, const std::string &runId)
{
    const std::string *id = stringMember(entry, "runId");
    return id && *id == runId;
}

// The generation an entry's etag ("g<generation>-<hex>") names; nullopt for any other form.
std::optional<long long> etagGeneration(const Json &entry)
{
    const std::string *etag = stringMember(entry, "etag");
    if (!etag || etag->size() < 3 || (*etag)[0] != 'g')
        return std::nullopt;
    const std::size_t dash = etag->find('-');
    if (dash == std::string::npos || dash == 1 || dash > 19)
        return std::nullopt;
    long long generation = 0;
    for (std::size_t i = 1; i < dash; ++i) {
        if ((*etag)[i] < '0' || (*etag)[i] > '9')
            return std::nullopt;
        generation = generation * 10 + ((*etag)[i] - '0');
    }
    return generation;
}

QString runFolder(const QString &dir, const QString &runId)
{
    return dir + QLatin1Char('/') + runId;
}

QString manifestPathIn(const QString &folder)
{
    return folder + QStringLiteral("/manifest.json");
}

std::size_t arraySize(const Json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_array() ? it->size() : 0;
}

Json entryFromManifest(const Json &manifest, const QString &bundlePath, const QString &status)
{
    Json entry = Json::object();
    for (std::size_t i = 0; i < kManifestFieldCount; ++i) {
        const std::string key(kEntryFields[i]);
        const auto it = manifest.find(key);
        if (it != manifest.end())
            entry[key] = *it;
    }
    entry["bundlePath"] = bundlePath.toStdString();
    entry["status"] = status.toStdString();
    entry["agentCount"] = arraySize(manifest, "agents");
    entry["taskCount"] = arraySize(manifest, "tasks");
    return entry;
}

// The index document when ADE would accept it: a version 1 object with a `runs` array.
std::optional<Json> parseIndex(const FileSnapshot &file)
{
    if (!file.exists)
        return std::nullopt;
    Result<Json> parsed = JsonReader::parse(
        std::string_view(file.bytes.constData(), static_cast<std::size_t>(file.bytes.size())));
    if (!parsed.isOk() || !parsed->is_object() || !isVersionOne(*parsed))
        return std::nullopt;
    const auto runs = parsed->find("runs");
    if (runs == parsed->end() || !runs->is_array())
        return std::nullopt;
    return std::move(parsed).value();
}

// One run of the listing, with its sort key worked out once.
struct Listed
{
    Json entry;
    bool fromIndex = false;
    bool hasTime = false;
    qint64 createdMs = 0;
    std::string createdText;
};

Listed makeListed(Json entry, bool fromIndex)
{
    Listed listed;
    listed.createdText = *stringMember(entry, "createdAt");
    const QDateTime created = parseIsoTimestamp(QString::fromStdString(listed.createdText));
    listed.hasTime = created.isValid();
    listed.createdMs = listed.hasTime ? created.toMSecsSinceEpoch() : 0;
    listed.entry = std::move(entry);
    listed.fromIndex = fromIndex;
    return listed;
}

// Timestamps that do not parse sort first, by their text, so that "the last N" keeps the runs
// whose age is known.
bool createdEarlier(const Listed &a, const Listed &b)
{
    return std::tie(a.hasTime, a.createdMs, a.createdText)
           < std::tie(b.hasTime, b.createdMs, b.createdText);
}

// A run folder the scan admits: a v1 manifest that names this folder as its run.
std::optional<Json> scannedEntry(const QString &dir, const QString &folderName)
{
    const QString folder = runFolder(dir, folderName);
    const Result<Json> manifest = JsonReader::readFile(manifestPathIn(folder));
    // Absent, unreadable or not JSON: not a run this index can list.
    if (!manifest.isOk() || !manifest->is_object() || !isVersionOne(*manifest))
        return std::nullopt;
    const std::string *runId = stringMember(*manifest, "runId");
    if (!runId || QString::fromStdString(*runId) != folderName)
        return std::nullopt;
    Json entry = entryFromManifest(*manifest, folder, QStringLiteral("active"));
    if (!isListable(entry))
        return std::nullopt;
    return entry;
}

// What the index and the scan say together, and whether index.json needs rewriting.
struct Survey
{
    std::optional<Json> document; // the index as read, when usable
    std::vector<Listed> runs;     // merged and sorted by creation
    bool needsRepair = false;
};

Survey survey(const QString &dir, const FileSnapshot &file)
{
    Survey result;
    result.document = parseIndex(file);
    bool dropped = false;
    std::vector<Listed> runs;
    QSet<QString> indexed;
    if (result.document) {
        for (const Json &entry : result.document->at("runs")) {
            if (!isListable(entry)) {
                dropped = true;
                continue;
            }
            const std::string &runId = *stringMember(entry, "runId");
            const QString id = QString::fromStdString(runId);
            if (!QFileInfo(manifestPathIn(runFolder(dir, id))).isFile()) {
                dropped = true;
                continue;
            }
            // ADE appends after removing, so a second entry is the newer one.
            if (indexed.contains(id)) {
                runs.erase(std::find_if(runs.begin(), runs.end(), [&](const Listed &l) {
                    return isEntryOf(l.entry, runId);
                }));
                dropped = true;
            }
            runs.push_back(makeListed(entry, true));
            indexed.insert(id);
        }
    }

    bool added = false;
    const QStringList folders
        = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
    for (const QString &folder : folders) {
        if (indexed.contains(folder))
            continue; // index entries win; their manifests need not even be read
        std::optional<Json> entry = scannedEntry(dir, folder);
        if (!entry)
            continue;
        runs.push_back(makeListed(std::move(*entry), false));
        added = true;
    }

    std::stable_sort(runs.begin(), runs.end(), createdEarlier);
    result.runs = std::move(runs);
    result.needsRepair = dropped || added || (file.exists && !result.document);
    return result;
}

Json freshIndex()
{
    return Json{{"version", 1}, {"runs", Json::array()}};
}

QByteArray toBytes(const Json &document)
{
    const std::string text = JsonWriter::write(document, JsonWriter::Style::Pretty);
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

QByteArray repairedBytes(const Survey &current)
{
    Json document = current.document ? *current.document : freshIndex();
    Json runs = Json::array();
    for (const Listed &listed : current.runs)
        runs.push_back(listed.entry);
    document["runs"] = std::move(runs);
    return toBytes(document);
}

int countMember(const Json &entry, const char *key)
{
    const auto it = entry.find(key);
    if (it == entry.end() || !it->is_number())
        return 0;
    const double value = it->get<double>();
    return value <= 0 ? 0
                      : static_cast<int>(std::min(value, double(std::numeric_limits<int>::max())));
}

RunSummary summaryOf(const Listed &listed, const QString &dir)
{
    const Json &entry = listed.entry;
    RunSummary summary;
    summary.runId = qStringMember(entry, "runId");
    summary.laneId = qStringMember(entry, "laneId");
    summary.title = qStringMember(entry, "title");
    summary.goalSummary = qStringMember(entry, "goalSummary");
    summary.currentPhase = qStringMember(entry, "currentPhase");
    summary.etag = qStringMember(entry, "etag");
    summary.bundlePath = runFolder(dir, summary.runId);
    summary.status = qStringMember(entry, "status");
    summary.createdAt = parseIsoTimestamp(qStringMember(entry, "createdAt"));
    summary.updatedAt = parseIsoTimestamp(qStringMember(entry, "updatedAt"));
    summary.agentCount = countMember(entry, "agentCount");
    summary.taskCount = countMember(entry, "taskCount");
    summary.fromIndex = listed.fromIndex;
    return summary;
}

// Produces the new index bytes from a fresh read of index.json, or nothing when no write is
// needed.
using IndexEdit = std::function<std::optional<QByteArray>(const FileSnapshot &)>;

// Applies `edit` under the index lock, replacing index.json only if it still holds what `edit`
// saw; when another writer got in first, reads again and redoes the edit.
Result<void> rewriteIndex(const QString &dir, std::chrono::milliseconds lockTimeout,
                          const IndexEdit &edit)
{
    const QString path = RunIndex::indexPath(dir);
    BundleLock lock(path);
    if (Result<void> locked = lock.lock(lockTimeout); !locked.isOk())
        return locked.error();

    for (int attempt = 1;; ++attempt) {
        const Result<FileSnapshot> base = GuardedFile::read(path);
        if (!base.isOk())
            return base.error();
        const std::optional<QByteArray> bytes = edit(*base);
        if (!bytes)
            return {};
        const Result<GuardedFile::ReplaceOutcome> replaced
            = GuardedFile::replace(path, *base, *bytes, {}, GuardedFile::Durability::Relaxed);
        if (replaced.isOk())
            return {};
        if (replaced.error().code != ErrorCode::EtagConflict)
            return replaced.error();
        if (attempt == kWriteAttempts)
            return Error{ErrorCode::IoError,
                         Tr::tr("%1 kept changing while it was being rewritten (%2 attempts); "
                                "try again")
                             .arg(path)
                             .arg(kWriteAttempts),
                         Json{{"path", path.toStdString()}}};
    }
}

bool isOrchestrationFolder(const QString &cleanPath)
{
    return cleanPath.endsWith(QLatin1String("/.ade/orchestration"));
}

} // namespace

Result<QString> RunIndex::orchestrationDir(const QString &path)
{
    const QFileInfo info(path);
    if (path.isEmpty() || !info.exists())
        return Error{ErrorCode::NotFound, Tr::tr("%1 does not exist").arg(path),
                     Json{{"path", path.toStdString()}}};
    const QString folder
        = QDir::cleanPath(info.isDir() ? info.absoluteFilePath() : info.absolutePath());

    const QString nested = folder + QStringLiteral("/.ade/orchestration");
    if (QFileInfo(nested).isDir())
        return nested; // a worktree
    if (folder.endsWith(QLatin1String("/.ade"))
        && QFileInfo(folder + QStringLiteral("/orchestration")).isDir())
        return QString(folder + QStringLiteral("/orchestration"));
    if (isOrchestrationFolder(folder))
        return folder;
    const QString parent = QFileInfo(folder).absolutePath();
    if (parent != folder && isOrchestrationFolder(parent))
        return parent; // a run folder
    return Error{
        ErrorCode::NotFound,
        Tr::tr("%1 holds no runs: it has no .ade/orchestration folder and is not inside one")
            .arg(folder),
        Json{{"path", folder.toStdString()}}};
}

QString RunIndex::indexPath(const QString &orchestrationDir)
{
    return orchestrationDir + QStringLiteral("/index.json");
}

Result<QList<RunSummary>> RunIndex::list(const QString &path, Repair repair, int limit,
                                         std::chrono::milliseconds lockTimeout)
{
    const Result<QString> located = orchestrationDir(path);
    if (!located.isOk())
        return located.error();
    const QString &dir = *located;

    const Result<FileSnapshot> file = GuardedFile::read(indexPath(dir));
    if (!file.isOk())
        return file.error();
    Survey current = survey(dir, *file);

    if (repair == Repair::IfNeeded && current.needsRepair) {
        // Decided again under the lock: another writer may have repaired or changed it meanwhile.
        const Result<void> repaired
            = rewriteIndex(dir, lockTimeout, [&](const FileSnapshot &fresh) {
                  current = survey(dir, fresh);
                  return current.needsRepair ? std::optional<QByteArray>(repairedBytes(current))
                                             : std::nullopt;
              });
        if (!repaired.isOk())
            return repaired.error();
    }

    const std::size_t count = static_cast<std::size_t>(std::clamp(limit, 1, kMaxLimit));
    const std::size_t first = current.runs.size() > count ? current.runs.size() - count : 0;
    QList<RunSummary> runs;
    runs.reserve(static_cast<qsizetype>(current.runs.size() - first));
    for (std::size_t i = first; i < current.runs.size(); ++i)
        runs.append(summaryOf(current.runs[i], dir));
    return runs;
}

Result<void> RunIndex::recordRun(const QString &orchestrationDir, const Json &manifest,
                                 const QString &bundlePath, const QString &status,
                                 std::chrono::milliseconds lockTimeout)
{
    const QString dir = QDir::cleanPath(QFileInfo(orchestrationDir).absoluteFilePath());
    if (orchestrationDir.isEmpty() || !QFileInfo(dir).isDir())
        return Error{ErrorCode::NotFound, Tr::tr("%1 is not a folder").arg(orchestrationDir),
                     Json{{"path", orchestrationDir.toStdString()}}};
    if (Result<void> format = ManifestValidator::checkFormat(manifest); !format.isOk())
        return format.error();
    const std::string &runId = *stringMember(manifest, "runId");
    if (!isFolderName(runId))
        return Error{ErrorCode::Unreadable,
                     Tr::tr("not an ADE v1 manifest: runId \"%1\" cannot name a run folder")
                         .arg(QString::fromStdString(runId)),
                     Json{{"path", "/runId"}}};
    if (status != QLatin1String("active") && status != QLatin1String("suspended")
        && status != QLatin1String("completed"))
        return Error{ErrorCode::ValidationFailed,
                     Tr::tr("unknown run status \"%1\": expected active, suspended or completed")
                         .arg(status),
                     Json{{"status", status.toStdString()}}};

    const Json fresh = entryFromManifest(manifest, bundlePath, status);
    return rewriteIndex(dir, lockTimeout, [&](const FileSnapshot &file) {
        Json document;
        Json others = Json::array();
        Json previous;
        if (std::optional<Json> index = parseIndex(file)) {
            document = std::move(*index);
            for (const Json &entry : document.at("runs")) {
                if (isEntryOf(entry, runId))
                    previous = entry;
                else
                    others.push_back(entry);
            }
        } else {
            // Nothing trustworthy to keep: rebuild from the run folders first, as list() would,
            // so that recording one run does not make the others disappear from the index.
            document = freshIndex();
            for (const Listed &listed : survey(dir, file).runs) {
                if (!isEntryOf(listed.entry, runId))
                    others.push_back(listed.entry);
            }
        }
        // Entries of one run only move forward: a recording that arrives after a newer one
        // (another process's, or a deferred one of ours) leaves the index alone.
        const std::optional<long long> recorded = etagGeneration(previous);
        const std::optional<long long> ours = etagGeneration(fresh);
        if (recorded && ours && *recorded > *ours)
            return std::optional<QByteArray>();
        Json entry = fresh;
        if (previous.is_object()) {
            for (const auto &member : previous.items()) {
                if (!isEntryField(member.key()))
                    entry[member.key()] = member.value();
            }
        }
        others.push_back(std::move(entry));
        document["runs"] = std::move(others);
        return std::optional<QByteArray>(toBytes(document));
    });
}

} // namespace runboard
