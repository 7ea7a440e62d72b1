// SPDX-License-Identifier: MIT
//
// GuardedFile: the file-level half of the commit protocol (DESIGN.md §3, steps 5–8).
//
// Design considerations
// - Nothing is ever written to the target in place. New bytes go to a temp file in the same
//   folder (same filesystem, so the final step is a rename), are fsynced, and only then take the
//   target's name. An fsync error fails the replace: we do not publish bytes we cannot vouch for.
// - Just before the swap the target is read again and compared byte for byte with the base. A
//   generation number or an mtime is not enough: `git checkout` can bring back an older file and
//   an editor can rewrite one within an mtime tick.
// - Between that re-read and the swap another writer (one that takes no lock, e.g. the ADE
//   service or `git`) can still rename its own file into place. On Linux the swap is
//   renameat2(RENAME_EXCHANGE): the file we displaced comes back to us under the temp name, so we
//   can look at what we actually replaced. If it is not the base, we exchange again, which puts
//   the other writer's file back, and report a conflict. Nothing is lost.
// - Filesystems without RENAME_EXCHANGE fall back to rename(); the window between the re-read and
//   the rename is then the only unguarded moment, and the outcome says so (ReplaceMethod::Rename).
// - A missing base ("create") uses RENAME_NOREPLACE, or link() where that is unsupported, so a
//   file that appeared meanwhile is never replaced.
// - Temp files are removed on every failure path (RAII), and their names end in ".tmp" so that
//   watchers, ours and ADE's, ignore them.
// Thread: stateless; any thread. Callers serialise their own writers to one file.

#include "guardedfile.h"

#include "jsonreader.h"
#include "syscalls.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using Step = runboard::FaultInjection::Step;

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "GuardedFile" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(GuardedFile)
};

QString osReason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// An io_error names the file, the step of the protocol that failed (details "step", as
// FaultInjection names it) and the system's reason.
Error ioError(const QString &what, const QString &path, int error, Step step)
{
    return Error{ErrorCode::IoError, Tr::tr("%1 %2: %3").arg(what, path, osReason(error)),
                 Json{{"path", path.toStdString()},
                      {"errno", error},
                      {"step", FaultInjection::stepName(step).toStdString()}}};
}

QString fileTypeName(mode_t mode)
{
    if (S_ISFIFO(mode))
        return Tr::tr("a FIFO (named pipe)");
    if (S_ISSOCK(mode))
        return Tr::tr("a socket");
    if (S_ISCHR(mode))
        return Tr::tr("a character device");
    if (S_ISBLK(mode))
        return Tr::tr("a block device");
    if (S_ISDIR(mode))
        return Tr::tr("a folder");
    return Tr::tr("not a regular file");
}

Error tooLarge(const QString &path, qint64 size)
{
    return Error{
        ErrorCode::Unreadable,
        Tr::tr("%1 is %2 bytes long, more than the %3 bytes Runboard reads; it was not read")
            .arg(path)
            .arg(size)
            .arg(GuardedFile::kMaxReadBytes),
        Json{{"path", path.toStdString()}, {"size", size}}};
}

Error conflictError(const QString &path)
{
    return Error{ErrorCode::EtagConflict,
                 Tr::tr("%1 changed on disk since it was read; nothing was written").arg(path),
                 Json{{"path", path.toStdString()}}};
}

FileIdentity identityOf(const struct stat &st)
{
    FileIdentity id;
    id.device = static_cast<std::uint64_t>(st.st_dev);
    id.inode = static_cast<std::uint64_t>(st.st_ino);
    id.size = static_cast<std::int64_t>(st.st_size);
    id.mtimeNs = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000
                 + static_cast<std::int64_t>(st.st_mtim.tv_nsec);
    return id;
}

// Closes a descriptor on every path out of a scope.
class Fd
{
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }
    // Closes now and reports close()'s error, which can be the first sign of a failed write.
    int close(const QByteArray &path)
    {
        const int rc = sys::close(m_fd, path.constData());
        m_fd = -1;
        return rc;
    }

private:
    int m_fd;
};

// Unlinks a temp file unless it was handed over (renamed into place).
class TempFile
{
public:
    explicit TempFile(QString path) : m_path(std::move(path)) {}
    ~TempFile()
    {
        if (!m_path.isEmpty())
            ::unlink(QFile::encodeName(m_path).constData());
    }
    TempFile(const TempFile &) = delete;
    TempFile &operator=(const TempFile &) = delete;
    const QString &path() const { return m_path; }
    void release() { m_path.clear(); }

private:
    QString m_path;
};

QString tempPathFor(const QString &path)
{
    return path + QLatin1Char('.') + QString::number(QCoreApplication::applicationPid())
           + QLatin1Char('.') + QString::number(QDateTime::currentMSecsSinceEpoch())
           + QLatin1Char('.')
           + QString::number(QRandomGenerator::global()->generate() & 0xffffffu, 36)
           + QStringLiteral(".tmp");
}

bool writeAll(int fd, const QByteArray &bytes, const QByteArray &path)
{
    const char *data = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t n = sys::write(fd, data, static_cast<size_t>(left), path.constData());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        left -= n;
    }
    return true;
}

// Writes bytes to a new temp file beside `path` and fsyncs it. The temp file is created
// exclusively (O_EXCL: never an existing file or a planted link) in the target's folder, and takes
// the mode and, as far as this process may give it, the owner of the file it will replace, so a
// replace changes neither permissions nor ownership.
Result<QString> writeTemp(const QString &path, const QByteArray &bytes,
                          GuardedFile::Durability durability,
                          const std::function<void()> &onWritten = {})
{
    mode_t mode = 0644;
    struct stat target;
    const QByteArray encodedTarget = QFile::encodeName(path);
    const bool targetExists = ::stat(encodedTarget.constData(), &target) == 0;
    if (targetExists)
        mode = target.st_mode & 07777;

    QString tempPath;
    QByteArray encodedTemp;
    int fd = -1;
    for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
        tempPath = tempPathFor(path);
        encodedTemp = QFile::encodeName(tempPath);
        fd = sys::open(encodedTemp.constData(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0 && errno != EEXIST)
            return ioError(Tr::tr("cannot create the temporary file"), tempPath, errno, Step::Open);
    }
    if (fd < 0)
        return ioError(Tr::tr("cannot create a temporary file beside"), path, EEXIST, Step::Open);

    TempFile temp(tempPath);
    Fd file(fd);
    if (targetExists && (target.st_uid != ::geteuid() || target.st_gid != ::getegid())) {
        // Only root may give a file away; anybody may pass it to a group they belong to. What
        // cannot be kept is what a rename by this user gives any file (ADE's writes too).
        if (::fchown(fd, target.st_uid, target.st_gid) != 0)
            (void)::fchown(fd, uid_t(-1), target.st_gid);
    }
    ::fchmod(fd, mode); // open() applied the umask, and fchown() may clear set-id bits
    if (!writeAll(fd, bytes, encodedTemp))
        return ioError(Tr::tr("cannot write"), tempPath, errno, Step::Write);
    if (onWritten)
        onWritten();
    if (durability == GuardedFile::Durability::Synced
        && sys::fsync(fd, encodedTemp.constData()) != 0)
        return ioError(Tr::tr("cannot flush to disk"), tempPath, errno, Step::Sync);
    if (file.close(encodedTemp) != 0)
        return ioError(Tr::tr("cannot close"), tempPath, errno, Step::Close);
    temp.release();
    return tempPath;
}

bool syncFolderOf(const QString &path)
{
    const QByteArray folder = QFile::encodeName(QFileInfo(path).absolutePath());
    Fd dir(::open(folder.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0)
        return false;
    // Some filesystems cannot sync a directory (EINVAL); their renames are as durable as it gets.
    return sys::fsyncFolder(dir.get(), folder.constData()) == 0 || errno == EINVAL;
}

bool exchange(const QString &a, const QString &b)
{
#ifdef RENAME_EXCHANGE
    return sys::renameat2(QFile::encodeName(a).constData(), QFile::encodeName(b).constData(),
                          RENAME_EXCHANGE)
           == 0;
#else
    errno = ENOSYS;
    return false;
#endif
}

bool renameNoReplace(const QString &from, const QString &to)
{
#ifdef RENAME_NOREPLACE
    return sys::renameat2(QFile::encodeName(from).constData(), QFile::encodeName(to).constData(),
                          RENAME_NOREPLACE)
           == 0;
#else
    errno = ENOSYS;
    return false;
#endif
}

bool isUnsupported(int error)
{
    return error == EINVAL || error == ENOSYS || error == ENOTSUP || error == EOPNOTSUPP;
}

// After an exchange that displaced a file other than our base: put it back. `temp` holds the
// displaced file and the target holds ours. If yet another writer replaced the target in
// between, the second exchange hands us that writer's file; a third exchange puts it back.
void restoreDisplaced(const QString &path, const QString &temp, const QByteArray &ours)
{
    if (!exchange(temp, path)) {
        // The target vanished after our swap: give the displaced file its name back.
        if (errno == ENOENT)
            ::rename(QFile::encodeName(temp).constData(), QFile::encodeName(path).constData());
        return;
    }
    const Result<FileSnapshot> back = GuardedFile::read(temp);
    if (back.isOk() && back->exists && back->bytes != ours)
        exchange(temp, path);
}

enum class Links { Follow, Refuse };

// Opens `path` for reading without ever blocking, and admits only a regular file: opening a FIFO
// waits for a writer that may never come, and a device is nothing a run holds. With
// Links::Refuse a symbolic link is refused as well (the file a commit replaces must be the
// run's own file, see replace()). Returns the descriptor, or -1 with `absent` set when nothing is
// there (no error) or `failure` set.
int openToRead(const QString &path, Links links, struct stat &st, bool &absent,
               std::optional<Error> &failure)
{
    absent = false;
    const QByteArray encoded = QFile::encodeName(path);
    const int flags
        = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (links == Links::Refuse ? O_NOFOLLOW : 0);
    const int fd = sys::open(encoded.constData(), flags);
    if (fd < 0) {
        const int error = errno;
        struct stat link;
        if (error == ENOENT) {
            absent = true;
        } else if (error == ELOOP && links == Links::Refuse
                   && ::lstat(encoded.constData(), &link) == 0 && S_ISLNK(link.st_mode)) {
            failure = Error{
                ErrorCode::IoError,
                Tr::tr("%1 is a symbolic link (to %2): Runboard never writes through a link or "
                       "replaces one; put the file itself in the run folder")
                    .arg(path, QFileInfo(path).symLinkTarget()),
                Json{{"path", path.toStdString()},
                     {"errno", error},
                     {"step", FaultInjection::stepName(Step::Open).toStdString()}}};
        } else {
            failure = ioError(Tr::tr("cannot open"), path, error, Step::Open);
        }
        return -1;
    }
    if (::fstat(fd, &st) != 0) {
        failure = ioError(Tr::tr("cannot examine"), path, errno, Step::Open);
        ::close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        failure = ioError(Tr::tr("cannot read"), path, EISDIR, Step::Open);
        ::close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        failure = Error{ErrorCode::IoError,
                        Tr::tr("cannot read %1: it is %2, not a regular file")
                            .arg(path, fileTypeName(st.st_mode)),
                        Json{{"path", path.toStdString()},
                             {"step", FaultInjection::stepName(Step::Open).toStdString()}}};
        ::close(fd);
        return -1;
    }
    // Reads of a regular file never block anyway; clear the flag for filesystems that care.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

enum class Holds { Same, Different, Failed };

// Whether `path` holds exactly `base` (absent when base.exists is false), compared as it is read,
// a block at a time: the checks just before and after the swap need no copy of the file, and
// answer at the first byte that differs (or at once when the sizes do). A symbolic link never
// holds the base: the file a commit replaces is the run's own (see replace()).
Holds holdsBase(const QString &path, const FileSnapshot &base, std::optional<Error> &failure)
{
    struct stat st;
    bool absent = false;
    Fd fd(openToRead(path, Links::Refuse, st, absent, failure));
    if (fd.get() < 0) {
        if (absent)
            return base.exists ? Holds::Different : Holds::Same;
        return Holds::Failed;
    }
    if (!base.exists)
        return Holds::Different;
    if (st.st_size != base.bytes.size())
        return Holds::Different; // a writer appending meanwhile only makes it more different
    const QByteArray encoded = QFile::encodeName(path);
    char block[64 * 1024];
    qsizetype compared = 0;
    for (;;) {
        const ssize_t n = sys::read(fd.get(), block, sizeof block, encoded.constData());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            failure = ioError(Tr::tr("cannot read"), path, errno, Step::Read);
            return Holds::Failed;
        }
        if (n == 0)
            return compared == base.bytes.size() ? Holds::Same : Holds::Different;
        if (compared + n > base.bytes.size()
            || std::memcmp(block, base.bytes.constData() + compared, std::size_t(n)) != 0)
            return Holds::Different;
        compared += n;
    }
}

} // namespace

Result<FileSnapshot> GuardedFile::read(const QString &path)
{
    struct stat st;
    bool absent = false;
    std::optional<Error> failure;
    Fd fd(openToRead(path, Links::Follow, st, absent, failure));
    if (fd.get() < 0) {
        if (absent)
            return FileSnapshot{};
        return *failure;
    }
    if (st.st_size > kMaxReadBytes)
        return tooLarge(path, st.st_size);

    FileSnapshot snapshot;
    snapshot.exists = true;
    snapshot.identity = identityOf(st);
    const QByteArray encoded = QFile::encodeName(path);
    // Size from fstat is a hint: a writer appending in place can make the file grow meanwhile.
    QByteArray buffer(static_cast<qsizetype>(st.st_size) + 1, Qt::Uninitialized);
    qsizetype used = 0;
    for (;;) {
        if (used == buffer.size()) {
            if (used > kMaxReadBytes)
                return tooLarge(path, used);
            buffer.resize(std::min<qsizetype>(buffer.size() * 2 + 4096, kMaxReadBytes + 1));
        }
        const ssize_t n = sys::read(fd.get(), buffer.data() + used,
                                    static_cast<size_t>(buffer.size() - used), encoded.constData());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ioError(Tr::tr("cannot read"), path, errno, Step::Read);
        }
        if (n == 0)
            break;
        used += n;
    }
    buffer.truncate(used);
    snapshot.bytes = std::move(buffer);
    return snapshot;
}

Result<bool> GuardedFile::holds(const QString &path, const FileSnapshot &expected)
{
    std::optional<Error> failure;
    switch (holdsBase(path, expected, failure)) {
    case Holds::Same:
        return true;
    case Holds::Different:
        return false;
    case Holds::Failed:
        break;
    }
    return *failure;
}

Result<GuardedFile::ReplaceOutcome> GuardedFile::replace(const QString &path,
                                                         const FileSnapshot &base,
                                                         const QByteArray &bytes,
                                                         const Hooks &hooks, Durability durability,
                                                         QString *displaced)
{
    Result<Staged> staged = stage(path, bytes, durability);
    if (!staged.isOk())
        return staged.error();
    return replace(path, base, std::move(staged).value(), bytes, hooks, durability, displaced);
}

GuardedFile::Staged::Staged(Staged &&other) noexcept : m_path(std::exchange(other.m_path, {})) {}

GuardedFile::Staged::~Staged()
{
    if (!m_path.isEmpty())
        ::unlink(QFile::encodeName(m_path).constData());
}

Result<GuardedFile::Staged> GuardedFile::stage(const QString &path, const QByteArray &bytes,
                                               Durability durability,
                                               const std::function<void()> &onWritten)
{
    Result<QString> written = writeTemp(path, bytes, durability, onWritten);
    if (!written.isOk())
        return written.error();
    Staged staged;
    staged.m_path = std::move(written).value();
    return Result<Staged>(std::move(staged));
}

Result<GuardedFile::ReplaceOutcome> GuardedFile::replace(const QString &path,
                                                         const FileSnapshot &base, Staged staged,
                                                         const QByteArray &bytes,
                                                         const Hooks &hooks, Durability durability,
                                                         QString *displaced)
{
    if (displaced)
        displaced->clear();
    TempFile temp(std::exchange(staged.m_path, {}));

    std::optional<Error> failure;
    switch (holdsBase(path, base, failure)) {
    case Holds::Same:
        break;
    case Holds::Different:
        return conflictError(path);
    case Holds::Failed:
        return *failure;
    }
    if (hooks.afterRecheck)
        hooks.afterRecheck();

    ReplaceOutcome outcome;
    const QByteArray encodedTemp = QFile::encodeName(temp.path());
    const QByteArray encodedPath = QFile::encodeName(path);
    if (base.exists) {
        if (exchange(temp.path(), path)) {
            if (hooks.afterSwap)
                hooks.afterSwap();
            switch (holdsBase(temp.path(), base, failure)) {
            case Holds::Same:
                break;
            case Holds::Different:
                restoreDisplaced(path, temp.path(), bytes);
                return conflictError(path);
            case Holds::Failed:
                // What came back cannot be read, so it cannot be shown to be the base: put it
                // back, as for a conflict, and say what failed.
                restoreDisplaced(path, temp.path(), bytes);
                return *failure;
            }
            outcome.method = ReplaceMethod::Exchange;
            if (displaced) {
                *displaced = temp.path();
                temp.release();
            }
        } else if (errno == ENOENT) {
            return conflictError(path); // deleted after the re-read: that deletion stands
        } else if (isUnsupported(errno)) {
            if (sys::rename(encodedTemp.constData(), encodedPath.constData()) != 0)
                return ioError(Tr::tr("cannot replace"), path, errno, Step::Replace);
            temp.release();
            outcome.method = ReplaceMethod::Rename;
        } else {
            return ioError(Tr::tr("cannot replace"), path, errno, Step::Replace);
        }
    } else {
        if (renameNoReplace(temp.path(), path)) {
            temp.release();
        } else if (errno == EEXIST) {
            return conflictError(path);
        } else if (isUnsupported(errno)) {
            // link() never replaces an existing name, on every POSIX filesystem.
            if (sys::link(encodedTemp.constData(), encodedPath.constData()) != 0)
                return errno == EEXIST ? Result<ReplaceOutcome>(conflictError(path))
                                       : Result<ReplaceOutcome>(ioError(
                                           Tr::tr("cannot create"), path, errno, Step::Replace));
        } else {
            return ioError(Tr::tr("cannot create"), path, errno, Step::Replace);
        }
        outcome.method = ReplaceMethod::NoReplace;
    }
    // The new version is in place and every reader sees it; a folder that cannot be synced now
    // only makes its survival of a power loss uncertain. That is reported (folderSynced), not
    // turned into a failure: see docs/reliability.md, "A failing folder fsync".
    outcome.folderSynced = durability == Durability::Synced && syncFolderOf(path);
    return outcome;
}

void GuardedFile::removeDisplaced(const QString &displaced)
{
    if (!displaced.isEmpty())
        ::unlink(QFile::encodeName(displaced).constData());
}

FileIdentity GuardedFile::identity(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return FileIdentity{};
    return identityOf(st);
}

Result<void> GuardedFile::write(const QString &path, const QByteArray &bytes, Durability durability)
{
    Result<QString> written = writeTemp(path, bytes, durability);
    if (!written.isOk())
        return written.error();
    TempFile temp(written.value());
    if (sys::rename(QFile::encodeName(temp.path()).constData(), QFile::encodeName(path).constData())
        != 0)
        return ioError(Tr::tr("cannot replace"), path, errno, Step::Replace);
    temp.release();
    if (durability == Durability::Synced)
        syncFolderOf(path);
    return {};
}

bool GuardedFile::isTempFileName(const QString &fileName)
{
    static const QRegularExpression pattern(QStringLiteral(R"(\.\d+\.\d+\.[0-9a-z]+\.tmp$)"));
    return pattern.match(fileName).hasMatch();
}

} // namespace runboard
