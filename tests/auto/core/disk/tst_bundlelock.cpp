// SPDX-License-Identifier: MIT
// BundleLock: one Runboard writer per manifest at a time; dead holders never block a run.

#include "bundlelock.h"
#include "resultcheck.h"

#include <QFile>
#include <QLockFile>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

using namespace runboard;
using namespace std::chrono_literals;

class tst_BundleLock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void locksAndUnlocks();
    void aSecondHolderIsRefusedWithTheHolderNamed();
    void aLockOfADeadProcessIsTakenOver();
    void releasedOnDestruction();
    void aLockFileThatCannotBeMadeFailsAtOnce();
    void itsLockFileIsTheOneQLockFileWrites();
    void qLockFileUsersAndThisLockExcludeEachOther();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_manifest;
};

void tst_BundleLock::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_manifest = m_dir->filePath(QStringLiteral("manifest.json"));
}

void tst_BundleLock::locksAndUnlocks()
{
    BundleLock lock(m_manifest);
    QCOMPARE(lock.lockFilePath(), m_manifest + QStringLiteral(".lock"));
    RUNBOARD_VERIFY_OK(lock.lock());
    QVERIFY(lock.isLocked());
    QVERIFY(QFile::exists(lock.lockFilePath()));
    lock.unlock();
    QVERIFY(!lock.isLocked());
    QVERIFY(!QFile::exists(lock.lockFilePath()));
}

void tst_BundleLock::aSecondHolderIsRefusedWithTheHolderNamed()
{
    BundleLock first(m_manifest);
    RUNBOARD_VERIFY_OK(first.lock());

    BundleLock second(m_manifest);
    const Result<void> refused = second.lock(50ms);
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().code, ErrorCode::IoError);
    QVERIFY2(refused.error().message.contains(first.lockFilePath()),
             qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(QString::number(QCoreApplication::applicationPid())),
             qPrintable(refused.error().message));
    QCOMPARE(refused.error().details.at("holderPid").get<qint64>(),
             QCoreApplication::applicationPid());

    first.unlock();
    RUNBOARD_VERIFY_OK(second.lock(50ms));
}

void tst_BundleLock::aLockOfADeadProcessIsTakenOver()
{
    // A process that has certainly exited: run one, note its pid while it exists (QProcess
    // forgets it once the process ended) and wait for it; the pid is then free.
    QProcess finished;
    finished.start(QStringLiteral("true"), {});
    QVERIFY(finished.waitForStarted());
    const qint64 deadPid = finished.processId();
    QVERIFY(deadPid > 0);
    QVERIFY(finished.waitForFinished());

    QFile lockFile(m_manifest + QStringLiteral(".lock"));
    QVERIFY(lockFile.open(QIODevice::WriteOnly));
    lockFile.write(QByteArray::number(deadPid) + "\nrunboard-cli\n"
                   + QSysInfo::machineHostName().toUtf8() + "\n");
    lockFile.close();

    BundleLock lock(m_manifest);
    RUNBOARD_VERIFY_OK(lock.lock(2s));
    QVERIFY(lock.isLocked());
}

// A lock file that cannot be created at all (here its folder is gone; a read-only file system
// or a full disk are the same) cannot appear by waiting: the answer comes at once, in the
// system's words, not "could not lock within 600000 ms: permission denied" after the wait. A
// wait would hold this test for ten minutes, past CTest's timeout.
void tst_BundleLock::aLockFileThatCannotBeMadeFailsAtOnce()
{
    const QString manifest = m_dir->filePath(QStringLiteral("gone/manifest.json"));
    BundleLock lock(manifest);
    const Result<void> locked = lock.lock(std::chrono::minutes(10));
    QVERIFY(!locked.isOk());
    QCOMPARE(locked.error().code, ErrorCode::IoError);
    const QString message = locked.error().message;
    QVERIFY2(message.contains(manifest + QStringLiteral(".lock")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("No such file or directory")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("within")), qPrintable(message));
    QCOMPARE(locked.error().details.at("errno").get<int>(), ENOENT);
}

void tst_BundleLock::releasedOnDestruction()
{
    {
        BundleLock lock(m_manifest);
        RUNBOARD_VERIFY_OK(lock.lock());
    }
    QVERIFY(!QFile::exists(m_manifest + QStringLiteral(".lock")));
    BundleLock again(m_manifest);
    RUNBOARD_VERIFY_OK(again.lock(50ms));
}

// A free lock is taken without QLockFile (and without its fdatasync): what it leaves on disk must
// be exactly what QLockFile would have written, or other processes would misjudge it.
void tst_BundleLock::itsLockFileIsTheOneQLockFileWrites()
{
    const QString referencePath = m_dir->filePath(QStringLiteral("reference.lock"));
    QLockFile reference(referencePath);
    QVERIFY(reference.tryLock(0));
    QFile referenceFile(referencePath);
    QVERIFY(referenceFile.open(QIODevice::ReadOnly));
    const QByteArray written = referenceFile.readAll();
    reference.unlock();

    QCOMPARE(BundleLock::lockFileContents(), written);
    BundleLock lock(m_manifest);
    RUNBOARD_VERIFY_OK(lock.lock());
    QFile lockFile(lock.lockFilePath());
    QVERIFY(lockFile.open(QIODevice::ReadOnly));
    QCOMPARE(lockFile.readAll(), written);
}

void tst_BundleLock::qLockFileUsersAndThisLockExcludeEachOther()
{
    {
        BundleLock lock(m_manifest);
        RUNBOARD_VERIFY_OK(lock.lock());
        QLockFile other(lock.lockFilePath());
        other.setStaleLockTime(int(BundleLock::kStaleAfter.count()));
        QVERIFY(!other.tryLock(0));
        QCOMPARE(other.error(), QLockFile::LockFailedError);
        qint64 pid = 0;
        QString host;
        QString application;
        QVERIFY(other.getLockInfo(&pid, &host, &application));
        QCOMPARE(pid, QCoreApplication::applicationPid());
        QCOMPARE(host, QSysInfo::machineHostName());
        // Forcing it away needs the flock() its holder keeps.
        QVERIFY(!other.removeStaleLockFile());
        QVERIFY(QFile::exists(lock.lockFilePath()));

        lock.unlock();
        QVERIFY(!QFile::exists(lock.lockFilePath()));
        QVERIFY(other.tryLock(0));
        other.unlock();
    }

    QLockFile holder(m_manifest + QStringLiteral(".lock"));
    QVERIFY(holder.tryLock(0));
    BundleLock lock(m_manifest);
    const Result<void> refused = lock.lock(50ms);
    QVERIFY(!refused.isOk());
    QCOMPARE(refused.error().details.at("holderPid").get<qint64>(),
             QCoreApplication::applicationPid());
    holder.unlock();
    RUNBOARD_VERIFY_OK(lock.lock(50ms));
}

QTEST_GUILESS_MAIN(tst_BundleLock)
#include "tst_bundlelock.moc"
