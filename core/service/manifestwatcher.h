// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <chrono>

class QFileSystemWatcher;
class QTimer;

namespace runboard {

// Notices every change to a run bundle's files (DESIGN.md §4) and says "look again"; deciding
// what changed (identity and content) is the ManifestService's job. Lives in the thread that
// created it (the service thread); not thread-safe.
class ManifestWatcher : public QObject
{
    Q_OBJECT

public:
    enum class Mode {
        Notify,  // inotify events, plus a slow safety poll
        Polling, // a network or FUSE filesystem: events from other machines never arrive
    };
    Q_ENUM(Mode)

    struct Options
    {
        std::chrono::milliseconds debounce{3};        // coalesce bursts (rename = several events)
        std::chrono::milliseconds pollInterval{1000}; // Polling mode
        std::chrono::milliseconds safetyPoll{5000};   // Notify mode
        bool forcePolling = false;                    // tests and a user setting
    };

    // Watches `files` (names inside bundlePath, e.g. manifest.json) and the folder itself.
    ManifestWatcher(const QString &bundlePath, const QStringList &files, QObject *parent = nullptr);
    ManifestWatcher(const QString &bundlePath, const QStringList &files, const Options &options,
                    QObject *parent = nullptr);
    ~ManifestWatcher() override;

    Mode mode() const { return m_mode; }
    // Why this mode: "inotify", "nfs (polling every 1 s)", ...
    QString modeDescription() const { return m_modeDescription; }

    // The filesystem type of a folder ("ext4", "nfs", "fuse", …) and whether it needs polling.
    static QString filesystemType(const QString &path, bool *needsPolling = nullptr);

Q_SIGNALS:
    // Something in the bundle may have changed: look again. Emitted after the debounce, also
    // for safety polls (the receiver compares identity and content, so spurious calls are cheap).
    void changeSuspected();

private:
    void onPathChanged(const QString &path);
    void rearm();

    QString m_bundlePath;
    QStringList m_filePaths;
    Options m_options;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer *m_debounce = nullptr;
    QTimer *m_poll = nullptr;
    Mode m_mode = Mode::Notify;
    QString m_modeDescription;
};

} // namespace runboard
