// SPDX-License-Identifier: MIT
//
// ManifestWatcher: turns filesystem notifications into "look again" calls.
//
// Design considerations
// - QFileSystemWatcher on the files alone is not enough: an atomic save renames a new inode over
//   the old name, and inotify then drops the watch on the file. So the folder is watched too
//   (every create, rename and delete in it shows up), and the file watches are re-armed after
//   every event. `git pull` unlinks and recreates files, which the folder watch also sees.
// - Events come in bursts (create temp, write, rename). A debounce of a few milliseconds
//   coalesces a burst into one look without adding noticeable latency; ADE waits 50 ms.
// - This class never reads file contents and never decides whether something changed. The
//   service compares identity and content under its mutex, so a spurious signal costs one stat
//   and one compare, and a missed one is caught by the next poll.
// - Network and FUSE filesystems (NFS, SMB/CIFS, sshfs, 9p, …) deliver no inotify events for
//   writes made on other machines. statfs() tells us the filesystem type; those get a 1 s poll.
//   Everywhere else a slow safety poll covers events the kernel dropped (queue overflow).
// Thread: lives in the service thread; all slots run there.

#include "manifestwatcher.h"

#include "logging.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

#ifdef Q_OS_LINUX
#include <sys/vfs.h>
#endif

namespace runboard {

namespace {

struct FilesystemKind
{
    unsigned long magic;
    const char *name;
    bool remote;
};

// Magic numbers from statfs(2) / linux/magic.h.
constexpr FilesystemKind kFilesystems[] = {
    {0xEF53, "ext4", false},
    {0x9123683E, "btrfs", false},
    {0x58465342, "xfs", false},
    {0x01021994, "tmpfs", false},
    {0x794C7630, "overlayfs", false},
    {0x2FC12FC1, "zfs", false},
    {0xF2F52010, "f2fs", false},
    {0x6969, "nfs", true},
    {0x517B, "smb", true},
    {0xFF534D42, "cifs", true},
    {0xFE534D42, "smb2", true},
    {0x65735546, "fuse", true},
    {0x01021997, "9p", true},
    {0x00C36400, "ceph", true},
    {0x47504653, "gpfs", true},
    {0x0BD00BD0, "lustre", true},
    {0x564C, "ncp", true},
    {0x5346414F, "afs", true},
    {0x6B414653, "afs", true},
    {0x73757245, "coda", true},
};

} // namespace

ManifestWatcher::ManifestWatcher(const QString &bundlePath, const QStringList &files,
                                 QObject *parent)
    : ManifestWatcher(bundlePath, files, Options{}, parent)
{}

ManifestWatcher::ManifestWatcher(const QString &bundlePath, const QStringList &files,
                                 const Options &options, QObject *parent)
    : QObject(parent), m_bundlePath(bundlePath), m_options(options)
{
    for (const QString &name : files)
        m_filePaths << QDir(bundlePath).filePath(name);

    m_watcher = new QFileSystemWatcher(this);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &ManifestWatcher::onPathChanged);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this,
            &ManifestWatcher::onPathChanged);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(m_options.debounce);
    connect(m_debounce, &QTimer::timeout, this, [this] {
        qCDebug(lcWatcher) << "burst over: asking the service to look";
        rearm();
        Q_EMIT changeSuspected();
    });

    bool remote = false;
    const QString type = filesystemType(bundlePath, &remote);
    m_poll = new QTimer(this);
    if (remote || m_options.forcePolling) {
        m_mode = Mode::Polling;
        m_poll->setInterval(m_options.pollInterval);
        m_modeDescription = tr("%1, polling every %2 ms")
                                .arg(m_options.forcePolling ? tr("polling requested") : type)
                                .arg(m_options.pollInterval.count());
    } else {
        m_mode = Mode::Notify;
        m_poll->setInterval(m_options.safetyPoll);
        m_modeDescription = tr("%1, change notifications").arg(type);
    }
    connect(m_poll, &QTimer::timeout, this, [this] {
        rearm();
        Q_EMIT changeSuspected();
    });
    qCDebug(lcWatcher).noquote() << "watching" << bundlePath << "-" << m_modeDescription;
    m_poll->start();
    rearm();
}

ManifestWatcher::~ManifestWatcher() = default;

QString ManifestWatcher::filesystemType(const QString &path, bool *needsPolling)
{
    if (needsPolling)
        *needsPolling = false;
#ifdef Q_OS_LINUX
    struct statfs info;
    if (::statfs(QFile::encodeName(path).constData(), &info) != 0)
        return QStringLiteral("unknown");
    const auto magic = static_cast<unsigned long>(info.f_type) & 0xFFFFFFFFul;
    for (const FilesystemKind &kind : kFilesystems) {
        if (kind.magic == magic) {
            if (needsPolling)
                *needsPolling = kind.remote;
            return QString::fromLatin1(kind.name);
        }
    }
    return QStringLiteral("0x%1").arg(magic, 0, 16);
#else
    Q_UNUSED(path)
    return QStringLiteral("unknown");
#endif
}

void ManifestWatcher::onPathChanged(const QString &path)
{
    qCDebug(lcWatcher) << "notified:" << path
                       << (m_debounce->isActive() ? "(in a burst)"
                                                  : "- looking after the debounce");
    if (!m_debounce->isActive())
        m_debounce->start();
}

void ManifestWatcher::rearm()
{
    const QStringList watched = m_watcher->files() + m_watcher->directories();
    if (!watched.contains(m_bundlePath) && QFileInfo::exists(m_bundlePath))
        m_watcher->addPath(m_bundlePath);
    for (const QString &file : std::as_const(m_filePaths)) {
        if (!watched.contains(file) && QFileInfo::exists(file)) {
            qCDebug(lcWatcher) << "re-armed the watch on" << file << "(a new file took its name)";
            m_watcher->addPath(file);
        }
    }
}

} // namespace runboard
