// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

class QSocketNotifier;

namespace runboard::cli {

// Turns SIGINT and SIGTERM into a Qt signal delivered by the event loop (the self-pipe trick), so
// a long-running command finishes its current step and exits cleanly instead of dying mid-write.
// Thread: the main thread. Only one may exist at a time.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace runboard::cli
