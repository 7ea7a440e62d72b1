// SPDX-License-Identifier: MIT
#pragma once

#include "bundlelock.h"
#include "clock.h"
#include "commitcache.h"
#include "error.h"
#include "guardedfile.h"
#include "json.h"
#include "jsonpatch.h"
#include "laidoutjson.h"
#include "patchpolicy.h"
#include "workerthread.h"

#include <QFuture>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace runboard {

// Where a run lives: <worktree>/.ade/orchestration/<runId>/manifest.json.
struct BundleLocation
{
    QString bundlePath;   // absolute run folder
    QString manifestPath; // bundlePath + "/manifest.json"
    QString runId;        // the folder's name, which a manifest must carry to belong here

    QString filePath(const QString &name) const;
};

// Synchronous disk I/O for one run bundle: reading, the commit protocol of DESIGN.md §3, `.gen`
// and heartbeats.json. Every commit decides on what the disk holds under the lock, never on
// what a caller saw earlier. With caching on (the service's choice) the store also keeps the last
// version it read or wrote, parsed, with a working copy and its text layout; a commit uses them
// only when the disk holds exactly those bytes, to skip parsing, copying and serialising the
// whole document. Not thread-safe: the ManifestService serialises its calls through the run's
// QMutex; other processes are kept out by the BundleLock.
//
// Threads: the caller's (every decision); two it owns, made on first use and joined by the
// destructor: "rb-staging" writes a draft's text to its temp file and fsyncs it while the
// caller checks the patch, and "rb-chores" does what follows a commit with caching on (`.gen`,
// removing the displaced file, releasing the lock file, index.json), in commit order. The lock
// is released there, not by the thread that took it, on purpose: it is a file with flock() on
// its descriptor, which no thread owns, and the next commit, heartbeat or the destructor waits
// for the chores before taking it again. Copies and frees of whole documents go to the
// process's "rb-documents" thread (backgroundrelease.h).
class ManifestStore
{
public:
    // A run folder or the path of its manifest.json. NotFound when there is no manifest.json.
    static Result<BundleLocation> locate(const QString &path);

    explicit ManifestStore(BundleLocation location, Clock clock = systemClock());
    ~ManifestStore();
    ManifestStore(const ManifestStore &) = delete;
    ManifestStore &operator=(const ManifestStore &) = delete;

    const BundleLocation &location() const { return m_location; }

    // How long a commit or heartbeat waits for another Runboard process's lock (default 3 s).
    void setLockTimeout(std::chrono::milliseconds timeout) { m_lockTimeout = timeout; }

    using Loaded = ParsedVersion;

    // Reads and checks manifest.json. NotFound (absent), Unreadable (not JSON, or not an ADE v1
    // manifest: the message names the file and, for JSON errors, line and column), RunSuspended
    // (a manifest of another run: details carry its "runId"), IoError.
    Result<Loaded> load() const;
    Result<Loaded> parse(FileSnapshot file) const;

    // Off by default: one-shot commands have nothing to reuse. When on, commit() keeps what it
    // wrote, and remember() takes a version read elsewhere (the service's watcher path), in a
    // CommitCache: a commit on the version still on disk then skips parsing, copying and
    // laying out the whole document.
    void setCaching(bool enabled);
    void remember(const Loaded &loaded);

    // With caching on, a commit answers once the manifest is in place; `.gen`, index.json, the
    // removal of the displaced file and the release of the lock file follow on another thread
    // (without caching, before it answers). Waits until they are done for everything committed
    // so far; the next commit, a heartbeat and the destructor wait too.
    void waitForChores();

    // heartbeats.json: {} when absent; Unreadable when it is not a JSON object.
    Result<Json> readHeartbeats() const;

    struct PatchRequest
    {
        QString ifMatchEtag;
        Json operations = Json::array(); // an RFC 6902 document
        Actor actor;
        QString summary; // history patchKindSummary; derived from the operations when empty
        // When set, the disk must hold exactly these bytes: the version the requester saw. This
        // catches writers that change the file but keep its etag (hand edits).
        std::optional<QByteArray> seenBytes;
        // Auto-rebase under the lock. When set, a disk that moved on from ifMatchEtag (or from
        // seenBytes) is not answered with etag_conflict at once: this is asked, with the lock
        // held, whether the same operations may go onto the disk's version. Ok: they are
        // checked and committed on it (Committed::base is that version); an error is the
        // commit's answer and nothing is written. No other writer that takes the lock can come
        // between the verdict and the commit.
        std::function<Result<void>(const Loaded &newest)> rebase;
    };

    struct Committed
    {
        Loaded base;   // the fresh base the patch was checked against
        Loaded result; // what is on disk now (== base when the patch was empty)
        bool written = false;
        GuardedFile::ReplaceMethod method = GuardedFile::ReplaceMethod::Exchange;
        QStringList warnings; // e.g. ".gen could not be written"; the commit itself stands
    };

    // The commit protocol (DESIGN.md §3): lock, fresh base, etag, patch, policy, validation,
    // generation/etag/updatedAt/history, guarded replace, .gen. Errors: every ErrorCode; on
    // EtagConflict details carry the disk's current "etag" and "serverGeneration". On any error
    // manifest.json is exactly as another writer left it.
    Result<Committed> commit(const PatchRequest &request, const GuardedFile::Hooks &hooks = {});

    // Records a sign of life in heartbeats.json under the lock. manifest.json is never touched,
    // so a heartbeat cannot cause anybody's etag_conflict. NotFound for an unknown session.
    Result<QDateTime> recordHeartbeat(const QString &sessionId);

    // Removes temp files left by writers that died (ours or ADE's "*.<pid>.<ms>.<rand>.tmp"):
    // those whose process is gone, or older than an hour. Returns how many were removed. Every
    // commit does this under the lock (a caching store in its chores, after the answer), and the
    // service when it opens a run.
    int removeStaleTempFiles() const;

    // "g<generation>-<8 lowercase hex>", ADE's etag form.
    static QString makeEtag(qint64 generation);
    // ADE's summarizePatch: "<first 4 path segments>×<count>" joined by ",".
    static QString summarizeOperations(const Json &operations);

    static constexpr int kHistoryLimit = 50;
    // The members every commit sets after the patch, in the order it sets them.
    static const std::vector<std::string_view> &bookkeepingMembers();

    // The shortcuts a cached store may take (docs/manifest-service.md, "Shortcuts"); each gives
    // the same bytes and answers as the long way. All on by default; bench_manifest turns them
    // off one at a time (`--without`) to measure what each buys. Process-wide, read per commit.
    struct Shortcuts
    {
        bool draftAhead = true;  // the draft made and staged before the lock
        bool recycle = true;     // the last commit's base, patched again, as the next working copy
        bool layout = true;      // the text copied from the last text where the patch did not write
        bool shapeChange = true; // the shape rechecked only where the patch wrote
    };
    static void setShortcuts(const Shortcuts &shortcuts);
    static Shortcuts shortcuts();

private:
    struct Draft;
    struct FreshBase;
    std::unique_ptr<Draft> draftAhead(const Result<JsonPatch> &patch, const PatchRequest &request);
    Result<FreshBase> freshBase(std::unique_ptr<Draft> ahead);
    Result<void> checkBase(const Loaded &base, const Result<JsonPatch> &patch,
                           const PatchRequest &request) const;
    Result<Committed> answerWithoutWriting(const Loaded &base, const JsonPatch &patch,
                                           const PatchRequest &request) const;
    Result<std::unique_ptr<Draft>> makeDraft(const Loaded &base, CommitCache::Start start,
                                             JsonPatch patch, const PatchRequest &request);
    void setBookkeeping(Draft &draft, const PatchRequest &request) const;
    void stage(Draft &draft, std::shared_ptr<const LaidOutJson> layout);
    Result<void> checkDraft(Draft &draft, const PatchRequest &request) const;
    Result<Committed> putInPlace(Draft &draft, const GuardedFile::Hooks &hooks) const;
    void finish(Draft &draft, std::unique_ptr<BundleLock> lock, Committed &committed);
    Result<qint64> readGenerationFile() const;
    static int removeStaleTempFilesIn(const QString &bundlePath);
    QString orchestrationDir() const;
    struct IndexQueue;
    void recordInIndex(const std::shared_ptr<const Json> &manifest, QStringList &warnings);
    void waitForHousekeeping();
    static WorkerThread &thread(std::unique_ptr<WorkerThread> &slot, const char *name);

    BundleLocation m_location;
    Clock m_clock;
    std::chrono::milliseconds m_lockTimeout = BundleLock::kDefaultTimeout;
    std::unique_ptr<CommitCache> m_cache; // null while caching is off
    std::shared_ptr<IndexQueue> m_index;  // recordings off the committing thread (caching on)
    std::optional<QFuture<QString>> m_housekeeping; // the last commit's chores (caching on)
    QString m_choreFailure; // what went wrong in them, told with the next commit
    // Declared last, so joined first: nothing they run outlives what it refers to.
    std::unique_ptr<WorkerThread> m_staging; // "rb-staging": a draft's text and temp file
    std::unique_ptr<WorkerThread> m_chores;  // "rb-chores": .gen, displaced file, lock, index
};

} // namespace runboard
