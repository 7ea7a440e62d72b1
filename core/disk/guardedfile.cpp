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

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

Error ioError(const QString &what, const QString &path, int error)
{
    return Error{ErrorCode::IoError, Tr::tr("%1 %2: %3").arg(what, path, osReason(error)),
                 Json{{"path", path.toStdString()}, {"errno", error}}};
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
    int close()
    {
        const int rc = ::close(m_fd);
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

bool writeAll(int fd, const QByteArray &bytes)
{
    const char *data = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, static_cast<size_t>(left));
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

// Writes bytes to a new temp file beside `path` and fsyncs it. The temp file takes the mode of
// the file it will replace, so a replace does not change permissions.
Result<QString> writeTemp(const QString &path, const QByteArray &bytes,
                          GuardedFile::Durability durability,
                          const std::function<void()> &written = {})
{
    mode_t mode = 0644;
    struct stat st;
    const QByteArray encodedTarget = QFile::encodeName(path);
    if (::stat(encodedTarget.constData(), &st) == 0)
        mode = st.st_mode & 07777;

    QString tempPath;
    int fd = -1;
    for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
        tempPath = tempPathFor(path);
        fd = ::open(QFile::encodeName(tempPath).constData(),
                    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0 && errno != EEXIST)
            return ioError(Tr::tr("cannot create a temporary file beside"), path, errno);
    }
    if (fd < 0)
        return ioError(Tr::tr("cannot create a temporary file beside"), path, EEXIST);

    TempFile temp(tempPath);
    Fd file(fd);
    ::fchmod(fd, mode); // open() applied the umask; keep the target's exact mode
    if (!writeAll(fd, bytes))
        return ioError(Tr::tr("cannot write"), tempPath, errno);
    if (written)
        written();
    if (durability == GuardedFile::Durability::Synced && ::fsync(fd) != 0)
        return ioError(Tr::tr("cannot flush to disk"), tempPath, errno);
    if (file.close() != 0)
        return ioError(Tr::tr("cannot close"), tempPath, errno);
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
    return ::fsync(dir.get()) == 0 || errno == EINVAL;
}

bool exchange(const QString &a, const QString &b)
{
#ifdef RENAME_EXCHANGE
    return ::renameat2(AT_FDCWD, QFile::encodeName(a).constData(), AT_FDCWD,
                       QFile::encodeName(b).constData(), RENAME_EXCHANGE)
           == 0;
#else
    errno = ENOSYS;
    return false;
#endif
}

bool renameNoReplace(const QString &from, const QString &to)
{
#ifdef RENAME_NOREPLACE
    return ::renameat2(AT_FDCWD, QFile::encodeName(from).constData(), AT_FDCWD,
                       QFile::encodeName(to).constData(), RENAME_NOREPLACE)
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

// What a path holds when it is not a regular file, in words; empty for a regular file. A
// manifest that is a FIFO, a device or a socket is refused: reading one can block for good.
QString specialKind(mode_t mode)
{
    if (S_ISREG(mode))
        return QString();
    if (S_ISDIR(mode))
        return Tr::tr("a folder");
    if (S_ISFIFO(mode))
        return Tr::tr("a named pipe (FIFO)");
    if (S_ISSOCK(mode))
        return Tr::tr("a socket");
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return Tr::tr("a device");
    return Tr::tr("not a regular file");
}

enum class Holds { Same, Different, Failed };

// Whether `path` holds exactly `base` (absent when base.exists is false), compared as it is read,
// a block at a time: the checks just before and after the swap need no copy of the file, and
// answer at the first byte that differs (or at once when the sizes do).
Holds holdsBase(const QString &path, const FileSnapshot &base, int &error)
{
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; on a regular file it does
    // nothing.
    Fd fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        error = errno;
        return error == ENOENT ? (base.exists ? Holds::Different : Holds::Same) : Holds::Failed;
    }
    if (!base.exists)
        return Holds::Different;
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) {
        error = errno;
        return Holds::Failed;
    }
    if (S_ISDIR(st.st_mode)) {
        error = EISDIR;
        return Holds::Failed;
    }
    if (!S_ISREG(st.st_mode))
        return Holds::Different; // never a version anybody read
    if (st.st_size != base.bytes.size())
        return Holds::Different; // a writer appending meanwhile only makes it more different
    char block[64 * 1024];
    qsizetype compared = 0;
    for (;;) {
        const ssize_t n = ::read(fd.get(), block, sizeof block);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = errno;
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
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; on a regular file it does
    // nothing.
    Fd fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        if (errno == ENOENT)
            return FileSnapshot{};
        return ioError(Tr::tr("cannot open"), path, errno);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
        return ioError(Tr::tr("cannot examine"), path, errno);
    if (S_ISDIR(st.st_mode))
        return ioError(Tr::tr("cannot read"), path, EISDIR);
    if (const QString kind = specialKind(st.st_mode); !kind.isEmpty())
        return Error{ErrorCode::IoError,
                     Tr::tr("cannot read %1: it is %2, not a regular file").arg(path, kind),
                     Json{{"path", path.toStdString()}}};

    FileSnapshot snapshot;
    snapshot.exists = true;
    snapshot.identity = identityOf(st);
    // Size from fstat is a hint: a writer appending in place can make the file grow meanwhile.
    QByteArray buffer(static_cast<qsizetype>(st.st_size) + 1, Qt::Uninitialized);
    qsizetype used = 0;
    for (;;) {
        if (used == buffer.size())
            buffer.resize(buffer.size() * 2 + 4096);
        const ssize_t n
            = ::read(fd.get(), buffer.data() + used, static_cast<size_t>(buffer.size() - used));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ioError(Tr::tr("cannot read"), path, errno);
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
    int error = 0;
    switch (holdsBase(path, expected, error)) {
    case Holds::Same:
        return true;
    case Holds::Different:
        return false;
    case Holds::Failed:
        break;
    }
    return ioError(Tr::tr("cannot read"), path, error);
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
                                               const std::function<void()> &written)
{
    Result<QString> temp = writeTemp(path, bytes, durability, written);
    if (!temp.isOk())
        return temp.error();
    Staged staged;
    staged.m_path = std::move(temp).value();
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

    int error = 0;
    switch (holdsBase(path, base, error)) {
    case Holds::Same:
        break;
    case Holds::Different:
        return conflictError(path);
    case Holds::Failed:
        return ioError(Tr::tr("cannot read"), path, error);
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
            if (holdsBase(temp.path(), base, error) != Holds::Same) {
                restoreDisplaced(path, temp.path(), bytes);
                return conflictError(path);
            }
            outcome.method = ReplaceMethod::Exchange;
            if (displaced) {
                *displaced = temp.path();
                temp.release();
            }
        } else if (errno == ENOENT) {
            return conflictError(path); // deleted after the re-read: that deletion stands
        } else if (isUnsupported(errno)) {
            if (::rename(encodedTemp.constData(), encodedPath.constData()) != 0)
                return ioError(Tr::tr("cannot replace"), path, errno);
            temp.release();
            outcome.method = ReplaceMethod::Rename;
        } else {
            return ioError(Tr::tr("cannot replace"), path, errno);
        }
    } else {
        if (renameNoReplace(temp.path(), path)) {
            temp.release();
        } else if (errno == EEXIST) {
            return conflictError(path);
        } else if (isUnsupported(errno)) {
            // link() never replaces an existing name, on every POSIX filesystem.
            if (::link(encodedTemp.constData(), encodedPath.constData()) != 0)
                return errno == EEXIST
                           ? Result<ReplaceOutcome>(conflictError(path))
                           : Result<ReplaceOutcome>(ioError(Tr::tr("cannot create"), path, errno));
        } else {
            return ioError(Tr::tr("cannot create"), path, errno);
        }
        outcome.method = ReplaceMethod::NoReplace;
    }
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
    if (::rename(QFile::encodeName(temp.path()).constData(), QFile::encodeName(path).constData())
        != 0)
        return ioError(Tr::tr("cannot replace"), path, errno);
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
