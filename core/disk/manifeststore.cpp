// SPDX-License-Identifier: MIT
//
// ManifestStore: the commit protocol of DESIGN.md §3 over one bundle's files.
//
// Design considerations
// - The fresh base is read from disk under the BundleLock at the start of every commit. The
//   caller's cached snapshot plays no part in the decision: a stale cache is exactly the bug of
//   ADE PR #375. The etag check compares the request with that fresh base.
// - The final replace goes through GuardedFile, which re-reads the disk after the temp file is
//   fsynced and swaps with RENAME_EXCHANGE, so writers that take no lock (ADE, git, editors) are
//   never overwritten either: "a write replaces only the exact bytes it was based on".
// - Generations never go backwards: the next generation is one more than the larger of the
//   base's and `.gen`'s, so a `git checkout` of an older manifest followed by a write still
//   produces a generation (and etag) nobody has used (ADE's unmet goal, format doc §11.3).
// - We write what ADE would accept as its own: JSON.stringify(v, null, 2) bytes, etag
//   g<gen>-<8 hex>, ISO updatedAt with milliseconds, a history ring of 50, `.gen` after the
//   manifest. bundlePath is left alone (it is machine-specific and ADE rewrites it itself).
// - Side files are secondary: a failure to write `.gen` after a successful replace is reported as
//   a warning, not as a failed commit, because the manifest already changed. A long-lived store
//   (caching on) answers once the manifest is in place and leaves `.gen` (still written under
//   the lock, after the manifest), the displaced file, the lock and index.json to a housekeeping
//   thread, in commit order; RunIndex never lets an entry go back to an older generation.
// - Only what nobody can see yet runs side by side: the text is made and the temp file written
//   and fsynced by a helper thread while this one checks the policy and the shape; the swap
//   waits for both. When the cached version is the one the request names, that draft is made
//   and staged before the lock is taken, and kept only if the disk, read under the lock, still
//   holds exactly the cached bytes: taking the lock and reading the disk overlap the disk's
//   work, and every decision is still the fresh base's.
// Thread: not thread-safe; the owning ManifestService serialises calls.

#include "manifeststore.h"

#include "bundlelock.h"
#include "jsonpatch.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "logging.h"
#include "manifestvalidator.h"
#include "patchfootprint.h"
#include "runindex.h"
#include "tsanannotations.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFuture>
#include <QMutex>
#include <QRandomGenerator>
#include <QSemaphore>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <vector>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "ManifestStore" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ManifestStore)
};

Error withPathPrefix(Error error, const QString &path)
{
    error.message = path + QStringLiteral(": ") + error.message;
    error.details["path"] = path.toStdString();
    return error;
}

QString jsonString(const Json &doc, const char *key)
{
    const auto it = doc.find(key);
    return it != doc.end() && it->is_string()
               ? QString::fromStdString(it->get_ref<const std::string &>())
               : QString();
}

qint64 jsonInteger(const Json &doc, const char *key)
{
    const auto it = doc.find(key);
    return it != doc.end() && it->is_number_integer() ? it->get<qint64>() : -1;
}

Error conflictWithDisk(const ManifestStore &store, const QString &message)
{
    Json details{{"path", store.location().manifestPath.toStdString()}};
    const Result<ManifestStore::Loaded> now = store.load();
    if (now.isOk()) {
        details["etag"] = jsonString(*now->document, "etag").toStdString();
        details["serverGeneration"] = jsonInteger(*now->document, "serverGeneration");
    }
    return Error{ErrorCode::EtagConflict, message, std::move(details)};
}

void yieldToCommits()
{
#ifdef Q_OS_LINUX
    // Linux gives each thread its own nice value; raising it needs no privilege.
    static thread_local const bool lowered
        = ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) == 0;
    Q_UNUSED(lowered)
#endif
}

// The shortcuts that are off, one bit each (a struct of three bools is not a lock-free atomic).
std::atomic<unsigned> shortcutsOff{0};
constexpr unsigned kDraftAheadOff = 1, kLayoutOff = 2, kShapeChangeOff = 4, kRecycleOff = 8;

bool processIsGone(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

QString BundleLocation::filePath(const QString &name) const
{
    return bundlePath + QLatin1Char('/') + name;
}

void ManifestStore::setShortcuts(const Shortcuts &shortcuts)
{
    shortcutsOff = (shortcuts.draftAhead ? 0 : kDraftAheadOff) | (shortcuts.layout ? 0 : kLayoutOff)
                   | (shortcuts.shapeChange ? 0 : kShapeChangeOff)
                   | (shortcuts.recycle ? 0 : kRecycleOff);
}

ManifestStore::Shortcuts ManifestStore::shortcuts()
{
    const unsigned off = shortcutsOff;
    Shortcuts shortcuts;
    shortcuts.draftAhead = (off & kDraftAheadOff) == 0;
    shortcuts.recycle = (off & kRecycleOff) == 0;
    shortcuts.layout = (off & kLayoutOff) == 0;
    shortcuts.shapeChange = (off & kShapeChangeOff) == 0;
    return shortcuts;
}

Result<BundleLocation> ManifestStore::locate(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error{ErrorCode::NotFound, Tr::tr("%1 does not exist").arg(path),
                     Json{{"path", path.toStdString()}}};
    BundleLocation location;
    location.bundlePath = info.isDir() ? info.absoluteFilePath() : info.absolutePath();
    location.bundlePath = QDir::cleanPath(location.bundlePath);
    location.manifestPath = location.filePath(QStringLiteral("manifest.json"));
    location.runId = QFileInfo(location.bundlePath).fileName();
    if (!info.isDir() && info.fileName() != QStringLiteral("manifest.json"))
        return Error{ErrorCode::NotFound,
                     Tr::tr("%1 is not a run: give a run folder or its manifest.json").arg(path),
                     Json{{"path", path.toStdString()}}};
    // A link that leads nowhere (dangling, a loop) is still "there": load() says what is wrong
    // with it, rather than this claiming the folder has no manifest.
    if (const QFileInfo manifest(location.manifestPath);
        !manifest.exists() && !manifest.isSymLink())
        return Error{
            ErrorCode::NotFound,
            Tr::tr("%1 is not a run folder: it has no manifest.json").arg(location.bundlePath),
            Json{{"path", location.bundlePath.toStdString()}}};
    return location;
}

ManifestStore::ManifestStore(BundleLocation location, Clock clock)
    : m_location(std::move(location)), m_clock(std::move(clock))
{}

ManifestStore::~ManifestStore()
{
    waitForChores();
}

WorkerThread &ManifestStore::thread(std::unique_ptr<WorkerThread> &slot, const char *name)
{
    // Made on first use, on the thread that commits (the service thread, or the CLI's main
    // thread); joined when the store goes.
    if (!slot)
        slot = std::make_unique<WorkerThread>(name);
    return *slot;
}

void ManifestStore::setCaching(bool enabled)
{
    if (!enabled)
        m_cache.reset();
    else if (!m_cache)
        m_cache = std::make_unique<CommitCache>();
}

void ManifestStore::remember(const Loaded &loaded)
{
    if (m_cache)
        m_cache->remember(loaded);
}

Result<ManifestStore::Loaded> ManifestStore::load() const
{
    Result<FileSnapshot> file = GuardedFile::read(m_location.manifestPath);
    if (!file.isOk())
        return file.error();
    return parse(std::move(file).value());
}

Result<ManifestStore::Loaded> ManifestStore::parse(FileSnapshot file) const
{
    const QString &path = m_location.manifestPath;
    if (!file.exists)
        return Error{ErrorCode::NotFound, Tr::tr("%1 does not exist").arg(path),
                     Json{{"path", path.toStdString()}}};
    Result<Json> parsed = JsonReader::parse(
        std::string_view(file.bytes.constData(), static_cast<std::size_t>(file.bytes.size())));
    if (!parsed.isOk())
        return withPathPrefix(parsed.error(), path);
    const Result<void> format = ManifestValidator::checkFormat(parsed.value());
    if (!format.isOk())
        return withPathPrefix(format.error(), path);
    const QString runId = jsonString(parsed.value(), "runId");
    if (runId != m_location.runId)
        return Error{ErrorCode::RunSuspended,
                     Tr::tr("%1 holds run %2, not %3 (another branch checked out?); the run is "
                            "suspended until its own manifest is back")
                         .arg(path, runId, m_location.runId),
                     Json{{"path", path.toStdString()}, {"runId", runId.toStdString()}}};
    Loaded loaded;
    loaded.file = std::move(file);
    loaded.document = std::make_shared<Json>(std::move(parsed).value());
    return loaded;
}

Result<Json> ManifestStore::readHeartbeats() const
{
    const QString path = m_location.filePath(QStringLiteral("heartbeats.json"));
    Result<Json> read = JsonReader::readFile(path);
    if (!read.isOk())
        return read.error().code == ErrorCode::NotFound ? Result<Json>(Json::object()) : read;
    if (!read->is_object())
        return Error{ErrorCode::Unreadable,
                     Tr::tr("%1: expected an object of session ids and timestamps").arg(path),
                     Json{{"path", path.toStdString()}}};
    return read;
}

Result<qint64> ManifestStore::readGenerationFile() const
{
    // Absent, garbled or not a file (a folder holds no number) is -1: the manifest's own
    // generation decides. A file that is there but cannot be read fails the commit, which must
    // not risk handing out a generation again.
    const QString path = m_location.filePath(QStringLiteral(".gen"));
    const Result<FileSnapshot> gen = GuardedFile::read(path);
    if (!gen.isOk())
        return QFileInfo(path).isFile() ? Result<qint64>(gen.error()) : qint64(-1);
    if (!gen->exists)
        return qint64(-1);
    bool ok = false;
    const qint64 value = gen->bytes.trimmed().toLongLong(&ok);
    return ok ? value : -1;
}

// A patched version on its way to disk. Made on the committing thread; its text is made and its
// temp file written and fsynced on the staging thread, which reads `next` and the footprint: the
// draft waits for it whatever way it is left, and its temp file goes with it unless it was put in
// place.
struct ManifestStore::Draft
{
    Draft(Loaded from, JsonPatch ops)
        : base(std::move(from)), patch(std::move(ops)), footprint(patch)
    {}
    ~Draft()
    {
        if (staging)
            staging->waitForFinished();
        tsan::takeOver(this); // what the staging wrote (tsanannotations.h)
    }
    Draft(const Draft &) = delete;
    Draft &operator=(const Draft &) = delete;

    // Whether the policy must see `next` before the bookkeeping members are set, because the
    // patch wrote them (or the root) itself.
    static bool policyFirst(const PatchFootprint &footprint)
    {
        const PatchFootprint::Node *touched = footprint.root();
        return touched
               && (touched->whole() || touched->child("serverGeneration")
                   || touched->child("updatedAt") || touched->child("etag")
                   || touched->child("history"));
    }
    bool policyFirst() const { return policyFirst(footprint); }

    Loaded base;
    bool baseIsValid = false; // the base passed the shape check (this store committed it)
    JsonPatch patch;
    PatchFootprint footprint;
    Json next;
    qint64 generation = 0;
    std::shared_ptr<LaidOutJson> laidOut;
    QByteArray bytes; // the text (a laid-out one copied once it is in the temp file: checkDraft)
    std::optional<Result<GuardedFile::Staged>> staged;
    std::optional<QFuture<void>> staging;
    QSemaphore written; // released once the text is in the temp file (or the staging ended)
    QString displaced;  // after the exchange: the file it displaced, to remove (caching on)
};

// Step 1's answer: the version on disk, and what was made from exactly its bytes before the
// lock (a draft, or the cache's working copy), if anything.
struct ManifestStore::FreshBase
{
    Loaded version;
    std::unique_ptr<Draft> draft;
    CommitCache::Start start;
};

namespace {

// The caller's bytes against a version's: usually the very bytes the service was handed by this
// store (one buffer, shared), which spares comparing a megabyte twice per commit.
bool sameBytes(const QByteArray &seen, const QByteArray &version)
{
    return seen.isSharedWith(version) || seen == version;
}

// A patch that writes nothing (no ops, or only `test`s).
bool writesNothing(const JsonPatch &patch)
{
    return PatchFootprint(patch).root() == nullptr;
}

qint64 nextGeneration(const Json &base, qint64 recorded)
{
    return std::max(jsonInteger(base, "serverGeneration"), recorded) + 1;
}

} // namespace

// DESIGN.md §3, one step after another. The store's shortcuts (docs/manifest-service.md,
// "Shortcuts") change how fast a step is done, never what it decides: they all sit behind the
// CommitCache, and freshBase() uses what was made from the cached version only when the disk,
// read under the lock, holds exactly its bytes.
Result<ManifestStore::Committed> ManifestStore::commit(const PatchRequest &request,
                                                       const GuardedFile::Hooks &hooks)
{
    qCDebug(lcStore).noquote() << "commit" << m_location.manifestPath << "ifMatch"
                               << request.ifMatchEtag << "by" << actorRoleName(request.actor.role)
                               << request.actor.sessionId << "ops" << request.operations.size()
                               << (request.rebase ? "(may rebase)" : "");
    Result<JsonPatch> patch = JsonPatch::fromJson(request.operations);

    // Ahead of the lock, when the request names the cached version: its draft is made and its
    // temp file written while this thread takes the lock and reads the disk (step 1 decides).
    std::unique_ptr<Draft> ahead = draftAhead(patch, request);

    // The lock file keeps other Runboard writers of this run out until the end. Leftovers of
    // writers that died (a killed CLI, an ADE crash) go under it, whoever finds them: no
    // Runboard writer is mid-commit, and a live writer's temp file names a live pid and stays.
    // A long-lived store leaves that to its chores after the answer (finish()): listing the
    // folder is not part of the commit.
    waitForHousekeeping();
    auto lock = std::make_unique<BundleLock>(m_location.manifestPath);
    if (const Result<void> locked = lock->lock(m_lockTimeout); !locked.isOk())
        return locked.error();
    if (!m_cache)
        removeStaleTempFiles();

    // 1. The fresh base: what the disk holds now, whatever the caller saw.
    Result<FreshBase> fresh = freshBase(std::move(ahead));
    if (!fresh.isOk())
        return fresh.error();
    FreshBase base = std::move(fresh).value();

    // 2. The request's etag (and the bytes it saw) against the fresh base, or, when the
    //    request may rebase, the caller's verdict on the newer version.
    if (const Result<void> current = checkBase(base.version, patch, request); !current.isOk())
        return current.error();
    if (!patch.isOk())
        return patch.error();
    if (writesNothing(patch.value()))
        return answerWithoutWriting(base.version, patch.value(), request);

    // 3-5. The patch on a working copy of the base and the bookkeeping (generation, etag,
    //      updatedAt, history); the text is made and the temp file written and fsynced on the
    //      staging thread while this one checks the policy and the shape.
    std::unique_ptr<Draft> draft = std::move(base.draft);
    if (!draft) {
        Result<std::unique_ptr<Draft>> made
            = makeDraft(base.version, std::move(base.start), std::move(patch).value(), request);
        if (!made.isOk())
            return made.error();
        draft = std::move(made).value();
    }
    if (const Result<void> acceptable = checkDraft(*draft, request); !acceptable.isOk())
        return acceptable.error(); // the temp file goes with the draft

    // 6-7. The guarded replace: the disk re-read, the files exchanged, the displaced one checked.
    Result<Committed> committed = putInPlace(*draft, hooks);
    if (!committed.isOk())
        return committed.error();

    // 8. (The folder was synced by the replace.) `.gen`, the cache, the lock, index.json.
    finish(*draft, std::move(lock), committed.value());
    return committed;
}

// A draft on the cached version, before the lock: only when the request names that version
// (etag, and bytes when it gives them) and the patch applies to it. A patch the policy must see
// before the bookkeeping is set, or one that writes nothing, takes the long way.
std::unique_ptr<ManifestStore::Draft> ManifestStore::draftAhead(const Result<JsonPatch> &patch,
                                                                const PatchRequest &request)
{
    const Loaded *cached = m_cache ? m_cache->known() : nullptr;
    if (!cached || !patch.isOk() || !shortcuts().draftAhead || writesNothing(patch.value())
        || jsonString(*cached->document, "etag") != request.ifMatchEtag
        || (request.seenBytes && !sameBytes(*request.seenBytes, cached->file.bytes))
        || Draft::policyFirst(PatchFootprint(patch.value()))) {
        return nullptr;
    }
    Result<std::unique_ptr<Draft>> made
        = makeDraft(*cached, m_cache->take(), patch.value(), request);
    qCDebug(lcStore) << "draft made before the lock on the cached version:"
                     << (made.isOk() ? "yes" : "no, the patch failed on it");
    return made.isOk() ? std::move(made).value() : nullptr;
}

// Step 1. With a cached version, the disk is compared with it while it is read (sizes first, 64
// KB at a time). This is the one check every shortcut rests on: only when the disk holds exactly
// the cached bytes are their parse, working copy and layout used, and a draft made on them before
// the lock goes on (if `.gen` still leads to the generation it took). Otherwise the disk is read
// and parsed, and the draft and its temp file are dropped.
Result<ManifestStore::FreshBase> ManifestStore::freshBase(std::unique_ptr<Draft> ahead)
{
    const Loaded *cached = m_cache ? m_cache->known() : nullptr;
    if (ahead && (!cached || ahead->base.document != cached->document))
        ahead.reset(); // not made on the cached version (never expected): not used
    if (cached) {
        const Result<bool> same = GuardedFile::holds(m_location.manifestPath, cached->file);
        if (!same.isOk())
            return same.error();
        if (same.value()) {
            FreshBase base{*cached, nullptr, {}};
            if (ahead) {
                const Result<qint64> recorded = readGenerationFile();
                if (!recorded.isOk())
                    return recorded.error();
                if (nextGeneration(*cached->document, recorded.value()) == ahead->generation) {
                    qCDebug(lcStore) << "fresh base: the disk holds the cached version; the "
                                        "draft made before the lock goes on";
                    base.draft = std::move(ahead);
                    return base;
                }
                qCDebug(lcStore) << "draft dropped: .gen leads to another generation";
            }
            qCDebug(lcStore) << "fresh base: the disk holds the cached version";
            base.start = m_cache->take();
            return base;
        }
        qCDebug(lcStore) << (ahead ? "draft dropped: the disk no longer holds its base"
                                   : "the disk no longer holds the cached version");
    }
    Result<FileSnapshot> file = GuardedFile::read(m_location.manifestPath);
    if (!file.isOk())
        return file.error();
    Result<Loaded> parsed = parse(std::move(file).value());
    if (!parsed.isOk())
        return parsed.error();
    qCDebug(lcStore) << "fresh base: read and parsed";
    return FreshBase{std::move(parsed).value(), nullptr, {}};
}

// Step 2: etag_conflict when the disk is not at the version the request names, unless the
// request may rebase and the caller's verdict on the disk's version, under the lock, is clean.
Result<void> ManifestStore::checkBase(const Loaded &base, const Result<JsonPatch> &patch,
                                      const PatchRequest &request) const
{
    const Json &current = *base.document;
    const QString currentEtag = jsonString(current, "etag");
    const bool otherBytes = request.seenBytes && !sameBytes(*request.seenBytes, base.file.bytes);
    if (currentEtag == request.ifMatchEtag && !otherBytes)
        return {};
    qCDebug(lcStore).noquote() << "the disk moved on: it is at" << currentEtag << "generation"
                               << jsonInteger(current, "serverGeneration") << "not at"
                               << request.ifMatchEtag
                               << (currentEtag == request.ifMatchEtag ? "(same etag, other bytes)"
                                                                      : "");
    if (request.rebase && patch.isOk()) {
        // A clean verdict makes the disk's version the base, exactly as if the request had
        // named it.
        const Result<void> verdict = request.rebase(base);
        qCDebug(lcStore).noquote() << "rebase verdict on" << currentEtag << ":"
                                   << (verdict.isOk() ? QStringLiteral("clean, committing on it")
                                                      : verdict.error().message);
        return verdict;
    }
    if (currentEtag != request.ifMatchEtag) {
        return Error{
            ErrorCode::EtagConflict,
            Tr::tr("%1 is at etag %2 (generation %3), not at %4: it changed since it was "
                   "read")
                .arg(m_location.manifestPath, currentEtag)
                .arg(jsonInteger(current, "serverGeneration"))
                .arg(request.ifMatchEtag.isEmpty() ? Tr::tr("(none given)") : request.ifMatchEtag),
            Json{{"path", m_location.manifestPath.toStdString()},
                 {"etag", currentEtag.toStdString()},
                 {"serverGeneration", jsonInteger(current, "serverGeneration")}}};
    }
    return conflictWithDisk(*this, Tr::tr("%1 was changed on disk (its etag %2 was kept) since "
                                          "it was last shown; look at the new version first")
                                       .arg(m_location.manifestPath, currentEtag));
}

// Nothing to write (an empty patch, or only tests): the tests are checked on the fresh base, and
// the answer is that base. The policy sees the patch with no bookkeeping added, so only its
// paths' syntax can be refused.
Result<ManifestStore::Committed> ManifestStore::answerWithoutWriting(
    const Loaded &base, const JsonPatch &patch, const PatchRequest &request) const
{
    if (const Result<Json> tested
        = patch.isEmpty() ? Result<Json>(Json()) : patch.apply(*base.document);
        !tested.isOk())
        return tested.error();
    if (const Result<void> allowed
        = PatchPolicy::check(*base.document, patch, *base.document, request.actor);
        !allowed.isOk())
        return allowed.error();
    qCDebug(lcStore) << "the patch writes nothing and its tests hold: answered without writing";
    Committed committed;
    committed.base = base;
    committed.result = base;
    return committed;
}

// Steps 3 and 4 on `base`: the patch on the working copy in place (a failing patch is undone) or
// on a copy made now; the policy when the patch wrote the bookkeeping members itself (otherwise
// checkDraft asks it); the bookkeeping; then the staging of step 5 starts.
Result<std::unique_ptr<ManifestStore::Draft>> ManifestStore::makeDraft(const Loaded &base,
                                                                       CommitCache::Start start,
                                                                       JsonPatch patch,
                                                                       const PatchRequest &request)
{
    auto draft = std::make_unique<Draft>(base, std::move(patch));
    draft->baseIsValid
        = m_cache && m_cache->isCommitted(base.document.get()) && shortcuts().shapeChange;
    if (start.working) {
        if (const Result<void> applied = draft->patch.applyInPlace(*start.working); !applied.isOk())
            return applied.error();
        draft->next = std::move(*start.working);
    } else {
        Result<Json> applied = draft->patch.apply(*base.document);
        if (!applied.isOk())
            return applied.error();
        draft->next = std::move(applied).value();
    }
    if (draft->policyFirst()) {
        if (const Result<void> allowed
            = PatchPolicy::check(*base.document, draft->patch, draft->next, request.actor);
            !allowed.isOk())
            return allowed.error();
    }
    const Result<qint64> recorded = readGenerationFile();
    if (!recorded.isOk())
        return recorded.error();
    draft->generation = nextGeneration(*base.document, recorded.value());
    setBookkeeping(*draft, request);
    stage(*draft, shortcuts().layout ? std::move(start.layout) : nullptr);
    return draft;
}

// Step 4: serverGeneration, updatedAt, etag and a history entry, in bookkeepingMembers()' order.
void ManifestStore::setBookkeeping(Draft &draft, const PatchRequest &request) const
{
    const QString etag = makeEtag(draft.generation);
    const QString at = isoTimestamp(m_clock());
    Json &next = draft.next;
    next["serverGeneration"] = draft.generation;
    next["updatedAt"] = at.toStdString();
    next["etag"] = etag.toStdString();
    Json &history = next["history"];
    if (!history.is_array())
        history = Json::array();
    const QString kinds
        = request.summary.isEmpty() ? summarizeOperations(request.operations) : request.summary;
    history.push_back(Json{{"etag", etag.toStdString()},
                           {"at", at.toStdString()},
                           {"summary", "patch"},
                           {"patchKindSummary", kinds.toStdString()}});
    if (history.size() > std::size_t(kHistoryLimit))
        history.erase(history.begin(),
                      history.begin()
                          + static_cast<std::ptrdiff_t>(history.size() - kHistoryLimit));
}

// Step 5 on the staging thread: the text (the cached layout's unchanged parts copied, the rest
// written; both give exactly JsonWriter::write(next)) and the temp file, written and fsynced.
// From here on `next` is only read, by both threads.
void ManifestStore::stage(Draft &draft, std::shared_ptr<const LaidOutJson> layout)
{
    const bool layOut = m_cache != nullptr && shortcuts().layout;
    draft.staging
        = thread(m_staging, "rb-staging")
              .run([staging = &draft, layout = std::move(layout), layOut,
                    path = m_location.manifestPath] {
                  if (layout) {
                      staging->laidOut = std::make_shared<LaidOutJson>(
                          layout->rewrite(staging->next, staging->footprint,
                                          {"serverGeneration", "updatedAt", "etag", "history"}));
                  } else if (layOut) {
                      staging->laidOut
                          = std::make_shared<LaidOutJson>(LaidOutJson::write(staging->next));
                  }
                  const std::string text
                      = staging->laidOut ? std::string() : JsonWriter::write(staging->next);
                  // The laid-out text is the draft's: the file is written straight from it,
                  // and the committing thread copies it into `bytes` while the disk takes the
                  // file (checkDraft), not before the write. A text made here goes with this
                  // function, so it is copied first.
                  if (!staging->laidOut)
                      staging->bytes = QByteArray(text.data(), static_cast<qsizetype>(text.size()));
                  const QByteArray file
                      = staging->laidOut ? QByteArray::fromRawData(
                            staging->laidOut->text().data(),
                            static_cast<qsizetype>(staging->laidOut->text().size()))
                                         : staging->bytes;
                  // The committing thread reads the text once `written` is released, the rest
                  // after the wait: a semaphore and a future TSan cannot see.
                  bool told = false;
                  staging->staged.emplace(
                      GuardedFile::stage(path, file, GuardedFile::Durability::Synced, [&] {
                          tsan::handOff(staging);
                          staging->written.release();
                          told = true;
                      }));
                  tsan::handOff(staging);
                  if (!told)
                      staging->written.release();
              });
}

// Step 3's checks, while the staging waits for the disk to take the temp file (fsync): the
// policy and the shape. Nothing takes the manifest's name before their answer is in. They wait
// until the text is written: side by side with the making of the text, their walk over the whole
// document slowed it threefold (two processors, one memory). The shape check sees the new
// generation, etag, updatedAt and history entry, which are well-formed by construction.
Result<void> ManifestStore::checkDraft(Draft &draft, const PatchRequest &request) const
{
    draft.written.acquire();
    tsan::takeOver(&draft);
    Result<void> acceptable
        = draft.policyFirst()
              ? Result<void>()
              : PatchPolicy::check(*draft.base.document, draft.patch, draft.next, request.actor);
    if (acceptable.isOk())
        acceptable = draft.baseIsValid
                         ? ManifestValidator::validateShapeChange(draft.next, draft.footprint)
                         : ManifestValidator::validateShape(draft.next);
    if (acceptable.isOk() && draft.laidOut) {
        const std::string &text = draft.laidOut->text();
        draft.bytes = QByteArray(text.data(), static_cast<qsizetype>(text.size()));
    }
    draft.staging->waitForFinished();
    tsan::takeOver(&draft);
    if (!acceptable.isOk()) {
        qCDebug(lcStore).noquote() << "refused:" << acceptable.error().message;
        return acceptable.error();
    }
    if (!draft.staged->isOk())
        return draft.staged->error();
    return {};
}

// Steps 6 and 7 (GuardedFile::replace): the disk re-read and compared with the base, the temp
// file exchanged with the manifest, the displaced file compared with the base; the folder fsync.
Result<ManifestStore::Committed> ManifestStore::putInPlace(Draft &draft,
                                                           const GuardedFile::Hooks &hooks) const
{
    Result<GuardedFile::ReplaceOutcome> replaced = GuardedFile::replace(
        m_location.manifestPath, draft.base.file, std::move(*draft.staged).value(), draft.bytes,
        hooks, GuardedFile::Durability::Synced, m_cache ? &draft.displaced : nullptr);
    if (!replaced.isOk()) {
        qCDebug(lcStore).noquote() << "replace failed:" << replaced.error().message;
        if (replaced.error().code == ErrorCode::EtagConflict)
            return conflictWithDisk(*this, replaced.error().message);
        return replaced.error();
    }
    qCDebug(lcStore) << "written: generation" << draft.generation << "on"
                     << jsonString(*draft.base.document, "etag")
                     << (replaced->method == GuardedFile::ReplaceMethod::Exchange
                             ? "(exchanged, displaced version checked)"
                             : "(renamed)");
    Committed committed;
    committed.base = draft.base;
    committed.written = true;
    committed.method = replaced->method;
    if (!replaced->folderSynced)
        committed.warnings
            << Tr::tr("the folder %1 could not be synced to disk").arg(m_location.bundlePath);
    committed.result.file.exists = true;
    committed.result.file.bytes = std::move(draft.bytes);
    committed.result.file.identity = GuardedFile::identity(m_location.manifestPath);
    // Made mutable (and shared as const): the cache may recycle it once nobody else holds it.
    committed.result.document = std::make_shared<Json>(std::move(draft.next));
    return committed;
}

// Step 8 after the folder fsync: `.gen` (after the manifest, under the lock) and index.json are
// derived from the manifest and heal themselves, so they are written atomically but without
// another fsync. Without caching (the CLI) `.gen` is written before the answer. With caching
// (the service) the new version goes into the cache, and `.gen`, removing the displaced file and
// releasing the lock are chores on "rb-chores" that need not hold up the answer; this store
// waits for them before it locks again (other writers see the lock a little longer), and a
// failure is told with the next commit.
void ManifestStore::finish(Draft &draft, std::unique_ptr<BundleLock> lock, Committed &committed)
{
    const QString genPath = m_location.filePath(QStringLiteral(".gen"));
    const QByteArray genBytes = QByteArray::number(draft.generation) + '\n';
    if (!m_cache) {
        const Result<void> gen
            = GuardedFile::write(genPath, genBytes, GuardedFile::Durability::Relaxed);
        if (!gen.isOk())
            committed.warnings << gen.error().message;
    } else {
        m_cache->rememberCommitted(committed.result, std::move(draft.laidOut), draft.base.document,
                                   std::make_shared<const JsonPatch>(std::move(draft.patch)));
        if (!m_choreFailure.isEmpty()) {
            committed.warnings << Tr::tr(".gen was not updated after an earlier commit: %1")
                                      .arg(std::exchange(m_choreFailure, QString()));
        }
        m_housekeeping = thread(m_chores, "rb-chores")
                             .run([lock = std::move(lock), displaced = draft.displaced, genPath,
                                   genBytes, bundle = m_location.bundlePath] {
                                 yieldToCommits();
                                 const Result<void> gen = GuardedFile::write(
                                     genPath, genBytes, GuardedFile::Durability::Relaxed);
                                 GuardedFile::removeDisplaced(displaced);
                                 removeStaleTempFilesIn(bundle);
                                 lock->unlock();
                                 return gen.isOk() ? QString() : gen.error().message;
                             });
    }
    recordInIndex(committed.result.document, committed.warnings);
}

void ManifestStore::waitForHousekeeping()
{
    if (m_housekeeping) {
        if (const QString failure = m_housekeeping->result(); !failure.isEmpty())
            m_choreFailure = failure;
        m_housekeeping.reset();
    }
}

// Keeps the worktree's run index current, as ADE does after every persist; only for bundles laid
// out as ADE lays them out, so that a stray folder never grows an index.json beside it.
QString ManifestStore::orchestrationDir() const
{
    const QDir orchestration = QFileInfo(m_location.bundlePath).dir();
    if (orchestration.dirName() == QStringLiteral("orchestration")
        && QFileInfo(orchestration.absolutePath()).dir().dirName() == QStringLiteral(".ade"))
        return orchestration.absolutePath();
    return QString();
}

// What waits to be recorded in index.json, shared with the task that records it.
struct ManifestStore::IndexQueue
{
    QMutex mutex;
    std::shared_ptr<const Json> waiting; // the newest committed manifest not yet recorded
    bool recording = false;              // a task is running (or about to)
    QStringList failures;                // of recordings since the last commit took them
    QFuture<void> task;                  // the last task started (the store's thread only)

    // Records what waits until nothing does; a manifest that arrives meanwhile replaces an
    // older one that has not been recorded yet.
    static void drain(const std::shared_ptr<IndexQueue> &queue, const QString &dir,
                      const QString &bundlePath)
    {
        yieldToCommits();
        for (;;) {
            std::shared_ptr<const Json> manifest;
            {
                QMutexLocker lock(&queue->mutex);
                manifest = std::move(queue->waiting);
                if (!manifest) {
                    queue->recording = false;
                    return;
                }
            }
            const Result<void> recorded = RunIndex::recordRun(dir, *manifest, bundlePath);
            if (!recorded.isOk()) {
                QMutexLocker lock(&queue->mutex);
                queue->failures << recorded.error().message;
            }
        }
    }
};

void ManifestStore::recordInIndex(const std::shared_ptr<const Json> &manifest,
                                  QStringList &warnings)
{
    const QString dir = orchestrationDir();
    if (dir.isEmpty())
        return;
    if (!m_cache) {
        // One-shot commits record before they return: the process may exit right after.
        const Result<void> recorded = RunIndex::recordRun(dir, *manifest, m_location.bundlePath);
        if (!recorded.isOk())
            warnings << recorded.error().message;
        return;
    }
    // A long-lived store records on the housekeeping thread: index.json is derived (it heals itself
    // from the run folders) and ordered by generation, so the commit need not wait for its second
    // lock and write. Failures are reported with the next commit.
    if (!m_index)
        m_index = std::make_shared<IndexQueue>();
    QMutexLocker lock(&m_index->mutex);
    for (const QString &failure : std::as_const(m_index->failures))
        warnings << Tr::tr("index.json was not updated after an earlier commit: %1").arg(failure);
    m_index->failures.clear();
    m_index->waiting = manifest;
    if (m_index->recording)
        return;
    m_index->recording = true;
    m_index->task = thread(m_chores, "rb-chores")
                        .run([queue = m_index, dir, bundlePath = m_location.bundlePath] {
                            IndexQueue::drain(queue, dir, bundlePath);
                        });
}

void ManifestStore::waitForChores()
{
    waitForHousekeeping();
    if (m_index)
        m_index->task.waitForFinished();
}

Result<QDateTime> ManifestStore::recordHeartbeat(const QString &sessionId)
{
    waitForHousekeeping();
    BundleLock lock(m_location.manifestPath);
    if (const Result<void> locked = lock.lock(m_lockTimeout); !locked.isOk())
        return locked.error();
    const Result<Loaded> manifest = load();
    if (!manifest.isOk())
        return manifest.error();

    bool known = false;
    const auto agents = manifest->document->find("agents");
    if (agents != manifest->document->end() && agents->is_array()) {
        for (const Json &agent : *agents) {
            const auto id = agent.find("sessionId");
            if (agent.is_object() && id != agent.end() && id->is_string()
                && id->get_ref<const std::string &>() == sessionId.toStdString())
                known = true;
        }
    }
    if (!known)
        return Error{ErrorCode::NotFound,
                     Tr::tr("agent %1 is not in run %2").arg(sessionId, m_location.runId),
                     Json{{"sessionId", sessionId.toStdString()}}};

    Result<Json> heartbeats = readHeartbeats();
    if (!heartbeats.isOk())
        return heartbeats.error();
    const QDateTime now = m_clock();
    heartbeats.value()[sessionId.toStdString()] = isoTimestamp(now).toStdString();
    // ADE writes this file with a trailing newline, unlike manifest.json.
    const std::string text = JsonWriter::write(heartbeats.value()) + '\n';
    const Result<void> written
        = GuardedFile::write(m_location.filePath(QStringLiteral("heartbeats.json")),
                             QByteArray(text.data(), static_cast<qsizetype>(text.size())),
                             GuardedFile::Durability::Relaxed);
    if (!written.isOk())
        return written.error();
    return now;
}

int ManifestStore::removeStaleTempFiles() const
{
    return removeStaleTempFilesIn(m_location.bundlePath);
}

int ManifestStore::removeStaleTempFilesIn(const QString &bundlePath)
{
    // Names only (no stat of every entry): this runs after every commit.
    const QDir bundle(bundlePath);
    const QStringList names = bundle.entryList(QDir::Files | QDir::Hidden | QDir::System);
    // Real time, not m_clock: the age is measured against file times, which are real (a test's
    // clock in the future must not make this commit's own staged temp file look abandoned).
    const QDateTime hourAgo = QDateTime::currentDateTimeUtc().addSecs(-3600);
    int removed = 0;
    for (const QString &name : names) {
        if (!GuardedFile::isTempFileName(name))
            continue;
        // "<file>.<pid>.<ms>.<rand>.tmp": the pid is the fourth field from the end.
        const QStringList parts = name.split(QLatin1Char('.'));
        const qint64 pid = parts.size() >= 4 ? parts.at(parts.size() - 4).toLongLong() : 0;
        const QString path = bundle.filePath(name);
        if (processIsGone(pid) || QFileInfo(path).lastModified().toUTC() < hourAgo) {
            if (QFile::remove(path))
                ++removed;
        }
    }
    return removed;
}

const std::vector<std::string_view> &ManifestStore::bookkeepingMembers()
{
    static const std::vector<std::string_view> members
        = {"serverGeneration", "updatedAt", "etag", "history"};
    return members;
}

QString ManifestStore::makeEtag(qint64 generation)
{
    return QStringLiteral("g%1-%2")
        .arg(generation)
        .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
}

QString ManifestStore::summarizeOperations(const Json &operations)
{
    std::vector<std::pair<std::string, int>> counts;
    if (operations.is_array()) {
        for (const Json &op : operations) {
            const auto path = op.is_object() ? op.find("path") : op.end();
            if (!op.is_object() || path == op.end() || !path->is_string())
                continue;
            // ADE keys an op by the first four '/'-separated pieces, the empty lead included.
            const std::string &text = path->get_ref<const std::string &>();
            std::size_t end = 0;
            for (int piece = 0; piece < 4 && end != std::string::npos; ++piece)
                end = text.find('/', piece == 0 ? 0 : end + 1);
            const std::string key = text.substr(0, end);
            auto found = std::find_if(counts.begin(), counts.end(),
                                      [&](const auto &entry) { return entry.first == key; });
            if (found == counts.end())
                counts.emplace_back(key, 1);
            else
                ++found->second;
        }
    }
    QStringList parts;
    for (const auto &[key, count] : counts)
        parts << QString::fromStdString(key) + QChar(0x00D7) + QString::number(count);
    return parts.join(QLatin1Char(','));
}

} // namespace runboard
