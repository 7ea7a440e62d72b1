// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "jsonreader.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <functional>

namespace runboard {

// Where a file's bytes live on disk. Two reads with equal identities and sizes almost always
// saw the same bytes; the commit protocol still compares contents, because a writer can
// rewrite a file in place within one mtime tick.
struct FileIdentity
{
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t size = -1;
    std::int64_t mtimeNs = 0;

    friend bool operator==(const FileIdentity &, const FileIdentity &) = default;
};

// A file as read at one moment: absent, or its exact bytes with the identity of what was read.
struct FileSnapshot
{
    bool exists = false;
    QByteArray bytes;
    FileIdentity identity;
};

// Reads and replaces one file so that a replace never destroys a version it was not based on:
// "a write replaces only the exact bytes it was based on" (DESIGN.md §3). Stateless; safe to
// call from any thread. Callers serialise writers of one file themselves (run mutex + lock file);
// this class guards against everybody else, who takes no lock at all.
class GuardedFile
{
public:
    enum class ReplaceMethod {
        Exchange,  // renameat2(RENAME_EXCHANGE): the displaced file was verified to be the base
        NoReplace, // the file did not exist; created without replacing anything
        Rename,    // the filesystem cannot exchange: checked, then renamed (a tiny window remains)
    };

    struct ReplaceOutcome
    {
        ReplaceMethod method = ReplaceMethod::Rename;
        bool folderSynced = false; // false when the folder's fsync failed after the replace
    };

    // Synced: the data and the rename are fsynced before the call returns (the manifest).
    // Relaxed: temp file and rename without fsync, for derived files that heal themselves if a
    // power loss takes their last write (.gen, index.json, heartbeats.json); still atomic.
    enum class Durability { Synced, Relaxed };

    // Test seams: called at the named moment of replace(); production passes none.
    struct Hooks
    {
        std::function<void()> afterRecheck; // between the re-read of the disk and the swap
        std::function<void()> afterSwap;    // between the swap and the check of what came back
    };

    // Nothing Runboard reads may be larger (JsonReader refuses bigger documents anyway); a larger
    // file is refused before it is read, so that looking at it costs nothing.
    static constexpr qint64 kMaxReadBytes = qint64(JsonReadLimits{}.maxBytes);

    // Absent is not an error (exists = false). IoError names the path, the step ("step":
    // "open", "read") and the OS reason; anything but a regular file (a folder, a FIFO, a
    // device) is an IoError too, found without blocking. Unreadable for a file larger than
    // kMaxReadBytes. A symbolic link is followed.
    static Result<FileSnapshot> read(const QString &path);
    // Whether `path` holds exactly `expected` now (absent when expected.exists is false),
    // compared while reading, without a copy of the file. IoError as read(), and for a symbolic
    // link, which replace() refuses.
    static Result<bool> holds(const QString &path, const FileSnapshot &expected);

    // Replaces `path` with `bytes` if and only if it still holds exactly `base` (or is still
    // absent when base.exists is false). The new bytes are written to a temp file in the same
    // folder and fsynced first. Errors: EtagConflict when the disk differs from base (the disk
    // keeps the other writer's version, untouched), IoError for open, write, fsync, close or
    // rename failures (details "step" says which, "path" on which file), and IoError when `path`
    // is a symbolic link: a commit neither writes through a link nor replaces it.
    // On any error no temp file is left behind and `path` is as it was. With `displaced` given,
    // a successful exchange leaves the verified base under the temp name it came back to and
    // stores that name there (empty when nothing was displaced): the caller removes it when it
    // has time, with removeDisplaced().
    static Result<ReplaceOutcome> replace(const QString &path, const FileSnapshot &base,
                                          const QByteArray &bytes, const Hooks &hooks = {},
                                          Durability durability = Durability::Synced,
                                          QString *displaced = nullptr);
    static void removeDisplaced(const QString &displaced);

    // The first half of replace(): a temp file beside its target holding the new bytes, written
    // and (Synced) fsynced, for a caller that has other work to do while the disk is busy. It is
    // removed when the Staged goes away unless replace() put it in place.
    class Staged
    {
    public:
        Staged() = default;
        Staged(Staged &&other) noexcept;
        Staged &operator=(Staged &&) = delete;
        Staged(const Staged &) = delete;
        Staged &operator=(const Staged &) = delete;
        ~Staged();

    private:
        friend class GuardedFile;
        QString m_path;
    };
    // `onWritten`, when given, is called once the bytes are written, before the fsync: from then
    // on the disk, not the processor, is what the staging waits for.
    static Result<Staged> stage(const QString &path, const QByteArray &bytes,
                                Durability durability = Durability::Synced,
                                const std::function<void()> &onWritten = {});
    // The second half: `staged` must hold `bytes`, staged for `path` with `durability`.
    static Result<ReplaceOutcome> replace(const QString &path, const FileSnapshot &base,
                                          Staged staged, const QByteArray &bytes,
                                          const Hooks &hooks = {},
                                          Durability durability = Durability::Synced,
                                          QString *displaced = nullptr);

    // The identity of what is at `path` now; size -1 when nothing is there.
    static FileIdentity identity(const QString &path);

    // Plain atomic write (temp + fsync + rename + folder fsync) for side files that have no
    // concurrency token (.gen, heartbeats.json, index.json).
    static Result<void> write(const QString &path, const QByteArray &bytes,
                              Durability durability = Durability::Synced);

    // Temp files are named "<file name>.<pid>.<ms>.<random>.tmp", as ADE names its own.
    static bool isTempFileName(const QString &fileName);
};

} // namespace runboard
