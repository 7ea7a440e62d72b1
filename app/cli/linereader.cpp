// SPDX-License-Identifier: MIT
//
// LineReader: stdin as a stream of lines for `serve`. Each activation does exactly one read(2),
// which cannot block because the notifier said the pipe is readable (or the input is a regular
// file); complete lines are emitted in order, a last line without '\n' is emitted at EOF.
// Thread: main thread.

#include "linereader.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <utility>

#include <sys/stat.h>
#include <unistd.h>

namespace runboard::cli {

LineReader::LineReader(QObject *parent) : QObject(parent) {}

void LineReader::start()
{
    struct stat info = {};
    const bool regularFile = ::fstat(STDIN_FILENO, &info) == 0 && S_ISREG(info.st_mode);
    if (regularFile) {
        m_fileTimer = new QTimer(this);
        m_fileTimer->setInterval(0);
        connect(m_fileTimer, &QTimer::timeout, this, &LineReader::readChunk);
        m_fileTimer->start();
        return;
    }
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &LineReader::readChunk);
}

void LineReader::stop()
{
    m_done = true;
    if (m_notifier)
        m_notifier->setEnabled(false);
    if (m_fileTimer)
        m_fileTimer->stop();
}

void LineReader::readChunk()
{
    if (m_done)
        return;
    char buffer[16384];
    const ssize_t count = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (count > 0) {
        m_pending.append(buffer, count);
        qsizetype newline = 0;
        while ((newline = m_pending.indexOf('\n')) >= 0) {
            const QByteArray line = m_pending.left(newline);
            m_pending.remove(0, newline + 1);
            Q_EMIT lineReceived(line);
            if (m_done)
                return;
        }
        return;
    }
    if (count < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    stop();
    if (!m_pending.isEmpty())
        Q_EMIT lineReceived(std::exchange(m_pending, QByteArray()));
    Q_EMIT finished();
}

} // namespace runboard::cli
