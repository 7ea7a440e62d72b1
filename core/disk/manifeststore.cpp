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

#include "backgroundrelease.h"
#include "bundlelock.h"
#include "jsonpatch.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "logging.h"
#include "manifestvalidator.h"
#include "patchfootprint.h"
#include "runindex.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFuture>
#include <QMutex>
#include <QRandomGenerator>
#include <QSemaphore>
#include <QtConcurrent/QtConcurrentRun>

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

bool processIsGone(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

QString BundleLocation::filePath(const QString &name) const
{
    return bundlePath + QLatin1Char('/') + name;
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

// The last version this store read or wrote. `prepared` delivers, from the document thread, a
// private copy of its document for the next commit to patch in place (the published document stays
// immutable) and, for a version read elsewhere, its layout if its bytes are exactly what
// JsonWriter writes (ADE's are).
struct ManifestStore::Cache
{
    ~Cache()
    {
        if (prepared)
            prepared->waitForFinished();
    }

    std::optional<Loaded> known;
    std::shared_ptr<const LaidOutJson> layout; // of known's bytes, when the store wrote them
    std::optional<QFuture<Prepared>> prepared; // none: nothing prepared for known yet
    // Set when the preparation's copy is no longer wanted (a recycled document stands in).
    std::shared_ptr<std::atomic<bool>> copyUnwanted;

    // The version known was committed on, and the patch that led from it to known: once nobody
    // else holds that document, replaying the patch on it makes the next working copy without
    // copying (or freeing) a whole document. Only documents this store made itself.
    std::shared_ptr<const Json> recyclable;
    std::shared_ptr<const JsonPatch> recyclePatch;
    const Json *ownDocument = nullptr; // known's document, when this store made it
    bool recycling = false;            // the last commit recycled: no copy is made in advance
};

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
        m_cache = std::make_unique<Cache>();
}

void ManifestStore::remember(const Loaded &loaded)
{
    if (!m_cache || !loaded.document
        || (m_cache->known && m_cache->known->file.bytes == loaded.file.bytes)) {
        return;
    }
    // Nothing is prepared now: a version read elsewhere may never be committed on, and the
    // reader (the service's watcher path) must not wait for a copy. The next commit on it
    // prepares what it needs itself. A preparation still running for an older version is left
    // to finish on its own; it holds its own references.
    m_cache->prepared.reset();
    m_cache->known = loaded;
    m_cache->layout.reset();
    m_cache->ownDocument = nullptr;
    releaseInBackground(std::move(m_cache->recyclable));
    m_cache->recyclePatch.reset();
}

namespace {

// A working copy of `document` and, when asked, its layout if `bytes` are exactly the writer's
// text of it. `previous` (an older version) is released here, so that freeing a large document
// happens on the thread that runs this rather than the committing one.
ManifestStore::Prepared prepareVersion(const std::shared_ptr<const Json> &document,
                                       const QByteArray &bytes, bool findLayout,
                                       std::shared_ptr<const Json> previous,
                                       const std::shared_ptr<std::atomic<bool>> &copyUnwanted)
{
    previous.reset();
    ManifestStore::Prepared prepared;
    if (copyUnwanted && copyUnwanted->load())
        return prepared;
    prepared.working = std::make_shared<Json>(*document);
    if (findLayout) {
        auto laidOut = std::make_shared<LaidOutJson>(LaidOutJson::write(*document));
        if (laidOut->hasLayout()
            && std::string_view(bytes.constData(), std::size_t(bytes.size())) == laidOut->text())
            prepared.layout = std::move(laidOut);
    }
    return prepared;
}

} // namespace

void ManifestStore::cacheVersion(Loaded version, std::shared_ptr<const LaidOutJson> layout,
                                 std::shared_ptr<const Json> base,
                                 std::shared_ptr<const JsonPatch> patch)
{
    if (!m_cache)
        return;
    if (m_cache->prepared)
        m_cache->prepared->waitForFinished();
    std::shared_ptr<const Json> previous
        = m_cache->known ? std::move(m_cache->known->document) : nullptr;
    releaseInBackground(std::move(m_cache->recyclable));
    m_cache->recyclePatch.reset();
    if (base && patch && base.get() == m_cache->ownDocument) {
        m_cache->recyclable = std::move(base);
        m_cache->recyclePatch = std::move(patch);
    }
    m_cache->ownDocument = version.document.get();
    m_cache->layout = std::move(layout);
    m_cache->known = version;
    // While commits recycle their bases (the usual case: the window lets go of a version once it
    // shows the next), no copy is made in advance; when one cannot, it copies, and copies are
    // made in advance again until a commit recycles. The store wrote these bytes itself, so
    // their layout is known; only the copy is needed.
    if (m_cache->recycling && m_cache->recyclable) {
        m_cache->prepared.reset();
        m_cache->copyUnwanted.reset();
        releaseInBackground(std::move(previous));
        return;
    }
    m_cache->copyUnwanted = std::make_shared<std::atomic<bool>>(false);
    m_cache->prepared = documentThread().run(
        [document = std::move(version.document), bytes = std::move(version.file.bytes),
         findLayout = m_cache->layout == nullptr, previous = std::move(previous),
         unwanted = m_cache->copyUnwanted]() mutable {
            return prepareVersion(document, bytes, findLayout, std::move(previous), unwanted);
        });
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
    QByteArray bytes;
    std::optional<Result<GuardedFile::Staged>> staged;
    std::optional<QFuture<void>> staging;
    QSemaphore written; // released once the text is in the temp file (or the staging ended)
};

ManifestStore::Prepared ManifestStore::takePrepared(const Loaded &base)
{
    Prepared prepared;
    if (m_cache->recyclable && m_cache->recyclable.use_count() == 1) {
        // Nobody else holds the version `base` was committed on (the reference count's last
        // decrement was a release; this fence pairs with it before the document is written).
        std::atomic_thread_fence(std::memory_order_acquire);
        if (m_cache->copyUnwanted)
            m_cache->copyUnwanted->store(true);
        // Made by this store as a mutable object (ownDocument), so writing it is allowed.
        auto recycled = std::const_pointer_cast<Json>(std::exchange(m_cache->recyclable, nullptr));
        const std::shared_ptr<const JsonPatch> patch = std::move(m_cache->recyclePatch);
        if (patch->applyInPlace(*recycled).isOk()) {
            // What the commit set after the patch, in the order it set it.
            for (const std::string_view member : bookkeepingMembers())
                (*recycled)[std::string(member)] = base.document->at(std::string(member));
            Q_ASSERT(*recycled == *base.document);
            prepared.working = std::move(recycled);
            m_cache->recycling = true;
            if (m_cache->prepared) {
                // The copy, if it was made, is freed where it was made.
                releaseInBackground(std::move(*m_cache->prepared));
            }
            m_cache->prepared = QtFuture::makeReadyFuture(prepared);
        } else {
            releaseInBackground(std::shared_ptr<const Json>(std::move(recycled)));
        }
    }
    if (!prepared.working && m_cache->prepared)
        prepared = m_cache->prepared->result(); // empty when its copy was called off
    if (!prepared.working) {
        m_cache->recycling = false;
        prepared = prepareVersion(base.document, base.file.bytes, m_cache->layout == nullptr,
                                  nullptr, nullptr);
        m_cache->prepared = QtFuture::makeReadyFuture(prepared);
    }
    if (m_cache->layout)
        prepared.layout = m_cache->layout;
    return prepared;
}

Result<ManifestStore::Committed> ManifestStore::commit(const PatchRequest &request,
                                                       const GuardedFile::Hooks &hooks)
{
    Result<JsonPatch> patch = JsonPatch::fromJson(request.operations);

    // Ahead of the lock. When the cached version carries the etag the request names (and the
    // bytes it saw), the disk most likely still holds it, so its draft is made and its temp file
    // written now, while this thread takes the lock and reads the disk. Nothing is decided on
    // it: the draft goes on only if the disk, read under the lock, holds exactly the cached bytes
    // and `.gen` leads to the same generation; then every answer below (etag, seen bytes, patch,
    // policy, shape) is the one the fresh base gives. Otherwise the draft and its temp file are
    // dropped and the commit starts again from the disk. A patch the policy must see before the
    // bookkeeping members are set, or one that fails on the cached version, is left to that path.
    // A patch of `test` ops only writes nothing: it is checked on the fresh base and never makes
    // a draft (see below).
    const bool writesNothing = patch.isOk() && PatchFootprint(patch.value()).root() == nullptr;
    qCDebug(lcStore).noquote() << "commit" << m_location.manifestPath << "ifMatch"
                               << request.ifMatchEtag << "by" << actorRoleName(request.actor.role)
                               << request.actor.sessionId << "ops" << request.operations.size()
                               << (request.rebase ? "(may rebase)" : "");
    std::unique_ptr<Draft> ahead;
    if (m_cache && m_cache->known && patch.isOk() && !writesNothing
        && jsonString(*m_cache->known->document, "etag") == request.ifMatchEtag
        && (!request.seenBytes || *request.seenBytes == m_cache->known->file.bytes)
        && !Draft::policyFirst(PatchFootprint(patch.value()))) {
        const Loaded cached = *m_cache->known;
        Result<std::unique_ptr<Draft>> made
            = makeDraft(cached, takePrepared(cached), patch.value(), request);
        if (made.isOk())
            ahead = std::move(made).value(); // else the patch failed and was undone
        qCDebug(lcStore) << "draft made before the lock on the cached version:"
                         << (ahead ? "yes" : "no, the patch failed on it");
    }

    // A dropped draft gives its base back to the cache (without a working copy): when the disk
    // still holds it, the next commit need not parse it again.
    const auto dropAhead = [&] {
        if (ahead) {
            remember(ahead->base);
            ahead.reset();
        }
    };

    waitForHousekeeping();
    auto lock = std::make_unique<BundleLock>(m_location.manifestPath);
    if (const Result<void> locked = lock->lock(m_lockTimeout); !locked.isOk()) {
        dropAhead();
        return locked.error();
    }

    // Leftovers of writers that died (a killed CLI, an ADE crash) go now, whoever finds them:
    // not only the service's open. Under the lock, so no Runboard writer of this run is
    // mid-commit; a live writer's temp file names a live pid and stays.
    removeStaleTempFiles();

    if (ahead) {
        const Result<bool> same = GuardedFile::holds(m_location.manifestPath, ahead->base.file);
        const Result<qint64> recorded = readGenerationFile();
        if (same.isOk() && same.value() && recorded.isOk()
            && std::max(jsonInteger(*ahead->base.document, "serverGeneration"), recorded.value())
                       + 1
                   == ahead->generation) {
            qCDebug(lcStore) << "disk holds the draft's base: the draft goes on";
            return complete(std::move(ahead), std::move(lock), request, hooks);
        }
        qCDebug(lcStore) << "draft dropped:"
                         << (!same.isOk()    ? "the disk could not be read"
                             : !same.value() ? "the disk no longer holds its base"
                                             : ".gen leads to another generation");
        dropAhead();
        if (!same.isOk())
            return same.error();
    }

    // The fresh base, by content. When the disk holds exactly the cached version, its parsed
    // document, working copy and layout stand in for parsing, copying and serialising.
    // Compared while reading when there is a cached version; read (and parsed) otherwise.
    bool diskHoldsCache = false;
    if (m_cache && m_cache->known) {
        const Result<bool> same = GuardedFile::holds(m_location.manifestPath, m_cache->known->file);
        if (!same.isOk())
            return same.error();
        diskHoldsCache = same.value();
    }
    Result<Loaded> base = Loaded{};
    Prepared prepared;
    qCDebug(lcStore) << "fresh base:"
                     << (diskHoldsCache ? "the disk holds the cached version" : "read and parsed");
    if (diskHoldsCache) {
        base = *m_cache->known;
        prepared = takePrepared(base.value());
    } else {
        Result<FileSnapshot> file = GuardedFile::read(m_location.manifestPath);
        if (!file.isOk())
            return file.error();
        base = parse(std::move(file).value());
    }
    if (!base.isOk())
        return base.error();
    const Json &current = *base->document;

    const QString currentEtag = jsonString(current, "etag");
    const bool movedOn = currentEtag != request.ifMatchEtag
                         || (request.seenBytes && *request.seenBytes != base->file.bytes);
    if (movedOn)
        qCDebug(lcStore).noquote()
            << "the disk moved on: it is at" << currentEtag << "generation"
            << jsonInteger(current, "serverGeneration") << "not at" << request.ifMatchEtag
            << (currentEtag == request.ifMatchEtag ? "(same etag, other bytes)" : "");
    if (movedOn && request.rebase && patch.isOk()) {
        // The caller judges the newer version here, under the lock; a clean verdict makes it
        // the base, exactly as if the request had named it.
        const Result<void> verdict = request.rebase(base.value());
        qCDebug(lcStore).noquote() << "rebase verdict on" << currentEtag << ":"
                                   << (verdict.isOk() ? QStringLiteral("clean, committing on it")
                                                      : verdict.error().message);
        if (!verdict.isOk())
            return verdict.error();
    } else if (currentEtag != request.ifMatchEtag) {
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
    } else if (request.seenBytes && *request.seenBytes != base->file.bytes) {
        return conflictWithDisk(*this, Tr::tr("%1 was changed on disk (its etag %2 was kept) since "
                                              "it was last shown; look at the new version first")
                                           .arg(m_location.manifestPath, currentEtag));
    }

    if (!patch.isOk())
        return patch.error();
    if (writesNothing) {
        // Nothing to write (an empty patch, or only tests): the tests are checked on the fresh
        // base, and the answer is that base, as for an empty patch. The policy sees the patch
        // with no bookkeeping added, so only its paths' syntax can be refused.
        if (const Result<Json> tested
            = patch->isEmpty() ? Result<Json>(Json()) : patch->apply(*base->document);
            !tested.isOk())
            return tested.error();
        if (const Result<void> allowed
            = PatchPolicy::check(*base->document, patch.value(), *base->document, request.actor);
            !allowed.isOk())
            return allowed.error();
        qCDebug(lcStore) << "the patch writes nothing and its tests hold: answered without writing";
        Committed committed;
        committed.base = base.value();
        committed.result = committed.base;
        return committed;
    }
    Result<std::unique_ptr<Draft>> made
        = makeDraft(base.value(), std::move(prepared), std::move(patch).value(), request);
    if (!made.isOk())
        return made.error();
    return complete(std::move(made).value(), std::move(lock), request, hooks);
}

// Patches the working copy of `base` in place (undone on failure; without one, a copy), sets the
// bookkeeping members and starts the staging. Fails with the patch's error, or with the policy's
// when the patch wrote the bookkeeping members itself.
Result<std::unique_ptr<ManifestStore::Draft>> ManifestStore::makeDraft(Loaded base,
                                                                       Prepared prepared,
                                                                       JsonPatch patch,
                                                                       const PatchRequest &request)
{
    auto draft = std::make_unique<Draft>(std::move(base), std::move(patch));
    draft->baseIsValid = m_cache && draft->base.document.get() == m_cache->ownDocument;
    const Json &current = *draft->base.document;
    Json &next = draft->next;
    if (prepared.working) {
        if (const Result<void> applied = draft->patch.applyInPlace(*prepared.working);
            !applied.isOk())
            return applied.error(); // undone: the cache still stands for the base
        next = std::move(*prepared.working);
        // From here on the cache has no working copy of the base; a failure re-prepares one.
        m_cache->prepared.reset();
        m_cache->known.reset();
    } else {
        Result<Json> applied = draft->patch.apply(current);
        if (!applied.isOk())
            return applied.error();
        next = std::move(applied).value();
    }
    // The policy must see `next` as the patch left it: when the patch wrote the bookkeeping
    // members set below, it is asked here; otherwise beside the staging, in complete().
    if (draft->policyFirst()) {
        if (const Result<void> allowed
            = PatchPolicy::check(current, draft->patch, next, request.actor);
            !allowed.isOk()) {
            remember(draft->base);
            return allowed.error();
        }
    }

    const Result<qint64> recorded = readGenerationFile();
    if (!recorded.isOk())
        return recorded.error();
    draft->generation = std::max(jsonInteger(current, "serverGeneration"), recorded.value()) + 1;
    const QString etag = makeEtag(draft->generation);
    const QString at = isoTimestamp(m_clock());
    next["serverGeneration"] = draft->generation;
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

    // The text: the cached layout's unchanged parts copied, the rest written; both give exactly
    // JsonWriter::write(next). From here on `next` is only read, by both threads.
    Draft *const staging = draft.get();
    draft->staging
        = thread(m_staging, "rb-staging")
              .run([staging, layout = std::move(prepared.layout), caching = m_cache != nullptr,
                    path = m_location.manifestPath] {
                  if (layout) {
                      staging->laidOut = std::make_shared<LaidOutJson>(
                          layout->rewrite(staging->next, staging->footprint,
                                          {"serverGeneration", "updatedAt", "etag", "history"}));
                  } else if (caching) {
                      staging->laidOut
                          = std::make_shared<LaidOutJson>(LaidOutJson::write(staging->next));
                  }
                  const std::string text
                      = staging->laidOut ? std::string() : JsonWriter::write(staging->next);
                  const std::string &written = staging->laidOut ? staging->laidOut->text() : text;
                  staging->bytes
                      = QByteArray(written.data(), static_cast<qsizetype>(written.size()));
                  bool told = false;
                  staging->staged.emplace(GuardedFile::stage(path, staging->bytes,
                                                             GuardedFile::Durability::Synced, [&] {
                                                                 staging->written.release();
                                                                 told = true;
                                                             }));
                  if (!told)
                      staging->written.release();
              });
    return draft;
}

// The rest of the protocol for a draft on the fresh base, under the lock: the policy and the
// shape check run while the staging waits for the disk to take the temp file (fsync); nothing
// takes the manifest's name before their answer is in, and a refusal removes the temp file.
// They wait until the text is written: side by side with the making of the text, their walk over
// the whole document slowed it threefold (two processors, one memory). The shape check sees the
// new generation, etag, updatedAt and history entry, which are well-formed by construction.
Result<ManifestStore::Committed> ManifestStore::complete(std::unique_ptr<Draft> draft,
                                                         std::unique_ptr<BundleLock> lock,
                                                         const PatchRequest &request,
                                                         const GuardedFile::Hooks &hooks)
{
    draft->written.acquire();
    Result<void> acceptable
        = draft->policyFirst()
              ? Result<void>()
              : PatchPolicy::check(*draft->base.document, draft->patch, draft->next, request.actor);
    if (acceptable.isOk())
        acceptable = draft->baseIsValid
                         ? ManifestValidator::validateShapeChange(draft->next, draft->footprint)
                         : ManifestValidator::validateShape(draft->next);
    draft->staging->waitForFinished();
    if (!acceptable.isOk()) {
        qCDebug(lcStore).noquote() << "refused:" << acceptable.error().message;
        remember(draft->base);
        return acceptable.error(); // the temp file goes with the draft
    }
    if (!draft->staged->isOk())
        return draft->staged->error();

    Committed committed;
    committed.base = draft->base;
    QString displaced;
    Result<GuardedFile::ReplaceOutcome> replaced = GuardedFile::replace(
        m_location.manifestPath, committed.base.file, std::move(*draft->staged).value(),
        draft->bytes, hooks, GuardedFile::Durability::Synced, m_cache ? &displaced : nullptr);
    if (!replaced.isOk()) {
        qCDebug(lcStore).noquote() << "replace failed:" << replaced.error().message;
        if (replaced.error().code == ErrorCode::EtagConflict)
            return conflictWithDisk(*this, replaced.error().message);
        return replaced.error();
    }
    committed.written = true;
    committed.method = replaced->method;
    qCDebug(lcStore) << "written: generation" << draft->generation << "on"
                     << jsonString(*committed.base.document, "etag")
                     << (replaced->method == GuardedFile::ReplaceMethod::Exchange
                             ? "(exchanged, displaced version checked)"
                             : "(renamed)");
    if (!replaced->folderSynced)
        committed.warnings
            << Tr::tr("the folder %1 could not be synced to disk").arg(m_location.bundlePath);

    // .gen and index.json are derived (from the manifest and the run folders) and heal
    // themselves, so they are written atomically but without paying for fsync again.
    const QString genPath = m_location.filePath(QStringLiteral(".gen"));
    const QByteArray genBytes = QByteArray::number(draft->generation) + '\n';
    if (!m_cache) {
        const Result<void> gen
            = GuardedFile::write(genPath, genBytes, GuardedFile::Durability::Relaxed);
        if (!gen.isOk())
            committed.warnings << gen.error().message;
    }

    committed.result.file.exists = true;
    committed.result.file.bytes = std::move(draft->bytes);
    committed.result.file.identity = GuardedFile::identity(m_location.manifestPath);
    // Made as a mutable object (shared as const), so that takePrepared() may recycle it.
    committed.result.document = std::make_shared<Json>(std::move(draft->next));
    if (m_cache) {
        cacheVersion(committed.result, std::move(draft->laidOut), draft->base.document,
                     std::make_shared<const JsonPatch>(std::move(draft->patch)));
    }
    if (m_cache) {
        // The commit is durable and verified: `.gen` (still after the manifest and under the
        // lock, as the protocol has it), removing the displaced file and releasing the lock are
        // chores that need not hold up the answer. This store waits for them before it locks
        // again; other writers see the lock a little longer. A failure is told with the next
        // commit.
        if (!m_choreFailure.isEmpty()) {
            committed.warnings << Tr::tr(".gen was not updated after an earlier commit: %1")
                                      .arg(std::exchange(m_choreFailure, QString()));
        }
        m_housekeeping = thread(m_chores, "rb-chores")
                             .run([lock = std::move(lock), displaced, genPath, genBytes] {
                                 yieldToCommits();
                                 const Result<void> gen = GuardedFile::write(
                                     genPath, genBytes, GuardedFile::Durability::Relaxed);
                                 GuardedFile::removeDisplaced(displaced);
                                 lock->unlock();
                                 return gen.isOk() ? QString() : gen.error().message;
                             });
    }
    recordInIndex(committed.result.document, committed.warnings);
    return committed;
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
    // Names only (no stat of every entry): this runs on every commit.
    const QDir bundle(m_location.bundlePath);
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
