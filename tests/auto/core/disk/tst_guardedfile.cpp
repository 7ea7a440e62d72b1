// SPDX-License-Identifier: MIT
// GuardedFile: a replace never destroys a version it was not based on. Each race is staged at
// the exact moment through the replace() hooks, with real file operations of "another writer".

#include "guardedfile.h"
#include "resultcheck.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace runboard;

namespace {

// What another process does: write a temp file and rename it over the target.
void renameOver(const QString &path, const QByteArray &bytes)
{
    const QString temp = path + QStringLiteral(".other");
    QFile file(temp);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
    file.close();
    QVERIFY(QFile::remove(path) || !QFile::exists(path));
    QVERIFY(QFile::rename(temp, path));
}

// What an editor without atomic saves does: truncate and rewrite the same inode.
void rewriteInPlace(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

QByteArray contentOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray("<absent>");
    return file.readAll();
}

} // namespace

class tst_GuardedFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void readsAbsentAndPresentFiles();
    void readingAFolderIsAnError();
    void aNamedPipeIsRefusedWithoutWaiting();
    void holdsComparesEveryByte();
    void replacesTheBaseItWasGiven();
    void keepsTheFileMode();
    void stagingSaysWhenTheBytesAreWritten();
    void refusesWhenTheDiskChangedBeforehand_data();
    void refusesWhenTheDiskChangedBeforehand();
    void restoresAWriterThatSlipsInBeforeTheSwap_data();
    void restoresAWriterThatSlipsInBeforeTheSwap();
    void aDeletionBeforeTheSwapStands();
    void keepsTheLatestOfTwoIntruders();
    void createsOnlyWhenStillAbsent();
    void refusesToCreateOverANewcomer();
    void writesSideFilesAtomically();
    void recognisesTempFileNames_data();
    void recognisesTempFileNames();

private:
    QString leftovers() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void tst_GuardedFile::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("manifest.json"));
}

QString tst_GuardedFile::leftovers() const
{
    return QDir(m_dir->path())
        .entryList({QStringLiteral("*.tmp"), QStringLiteral("*.other")}, QDir::Files | QDir::Hidden)
        .join(QLatin1Char(' '));
}

void tst_GuardedFile::readsAbsentAndPresentFiles()
{
    const Result<FileSnapshot> absent = GuardedFile::read(m_path);
    QVERIFY(absent.isOk());
    QVERIFY(!absent->exists);

    rewriteInPlace(m_path, "{\"a\": 1}");
    const Result<FileSnapshot> present = GuardedFile::read(m_path);
    QVERIFY(present.isOk());
    QVERIFY(present->exists);
    QCOMPARE(present->bytes, QByteArray("{\"a\": 1}"));
    QCOMPARE(present->identity.size, 8);
    QVERIFY(present->identity.inode != 0);
}

void tst_GuardedFile::readingAFolderIsAnError()
{
    const Result<FileSnapshot> folder = GuardedFile::read(m_dir->path());
    QVERIFY(!folder.isOk());
    QCOMPARE(folder.error().code, ErrorCode::IoError);
    QVERIFY2(folder.error().message.contains(m_dir->path()), qPrintable(folder.error().message));
}

// A manifest replaced by a FIFO must not block a reader for good (nobody will ever write to
// it): read() and holds() refuse it at once, naming what it is. The
// test would hang here, until the test runner's timeout, if either waited for a writer.
void tst_GuardedFile::aNamedPipeIsRefusedWithoutWaiting()
{
    QVERIFY(::mkfifo(QFile::encodeName(m_path).constData(), 0600) == 0);
    const Result<FileSnapshot> read = GuardedFile::read(m_path);
    QVERIFY(!read.isOk());
    QCOMPARE(read.error().code, ErrorCode::IoError);
    QVERIFY2(read.error().message.contains(m_path), qPrintable(read.error().message));
    QVERIFY2(read.error().message.contains(QStringLiteral("named pipe")),
             qPrintable(read.error().message));

    FileSnapshot base;
    base.exists = true;
    base.bytes = "{}";
    const Result<bool> holds = GuardedFile::holds(m_path, base);
    QVERIFY(!holds.isOk());
    QVERIFY2(holds.error().message.contains(QStringLiteral("named pipe")),
             qPrintable(holds.error().message));
}

// holds() answers what read() + comparing would, without the copy: for files larger than its
// 64 KB block, a difference in the last byte, an equal size with other bytes, a shorter or
// longer file, absence on either side, and a folder (an error naming it).
void tst_GuardedFile::holdsComparesEveryByte()
{
    QByteArray big(200 * 1024 + 17, 'x');
    for (qsizetype i = 0; i < big.size(); i += 997)
        big[i] = char('a' + i % 26);
    rewriteInPlace(m_path, big);
    const FileSnapshot expected = GuardedFile::read(m_path).value();
    const auto holds = [&](const FileSnapshot &snapshot) {
        const Result<bool> answer = GuardedFile::holds(m_path, snapshot);
        return answer.isOk() ? QString::fromLatin1(answer.value() ? "same" : "different")
                             : QStringLiteral("error");
    };
    QCOMPARE(holds(expected), QStringLiteral("same"));

    QByteArray lastByte = big;
    lastByte[lastByte.size() - 1] = 'y';
    rewriteInPlace(m_path, lastByte);
    QCOMPARE(holds(expected), QStringLiteral("different"));
    QByteArray acrossBlocks = big;
    acrossBlocks[64 * 1024] = '!';
    rewriteInPlace(m_path, acrossBlocks);
    QCOMPARE(holds(expected), QStringLiteral("different"));
    rewriteInPlace(m_path, big.left(big.size() - 1));
    QCOMPARE(holds(expected), QStringLiteral("different"));
    rewriteInPlace(m_path, big + 'z');
    QCOMPARE(holds(expected), QStringLiteral("different"));
    rewriteInPlace(m_path, big);
    QCOMPARE(holds(expected), QStringLiteral("same"));

    QCOMPARE(holds(FileSnapshot{}), QStringLiteral("different")); // expected absent, present
    QVERIFY(QFile::remove(m_path));
    QCOMPARE(holds(expected), QStringLiteral("different"));
    QCOMPARE(holds(FileSnapshot{}), QStringLiteral("same"));

    const Result<bool> folder = GuardedFile::holds(m_dir->path(), expected);
    QVERIFY(!folder.isOk());
    QCOMPARE(folder.error().code, ErrorCode::IoError);
    QVERIFY2(folder.error().message.contains(m_dir->path()), qPrintable(folder.error().message));
}

void tst_GuardedFile::replacesTheBaseItWasGiven()
{
    rewriteInPlace(m_path, "base");
    const FileSnapshot base = GuardedFile::read(m_path).value();
    const auto outcome = GuardedFile::replace(m_path, base, "next");
    RUNBOARD_VERIFY_OK(outcome);
    QCOMPARE(outcome->method, GuardedFile::ReplaceMethod::Exchange);
    QVERIFY(outcome->folderSynced);
    QCOMPARE(contentOf(m_path), QByteArray("next"));
    QCOMPARE(leftovers(), QString());
}

void tst_GuardedFile::keepsTheFileMode()
{
    rewriteInPlace(m_path, "base");
    QVERIFY(::chmod(QFile::encodeName(m_path).constData(), 0640) == 0);
    const FileSnapshot base = GuardedFile::read(m_path).value();
    QVERIFY(GuardedFile::replace(m_path, base, "next").isOk());
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(m_path).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0640));
}

// The commit checks its patch while the temp file is fsynced: stage() says when the bytes are in
// the temp file, once, and not at all when there is no temp file to write.
void tst_GuardedFile::stagingSaysWhenTheBytesAreWritten()
{
    const QByteArray bytes(200000, 'x');
    QStringList seen;
    const auto staged = GuardedFile::stage(m_path, bytes, GuardedFile::Durability::Synced, [&] {
        const QStringList temps
            = QDir(m_dir->path()).entryList({QStringLiteral("*.tmp")}, QDir::Files | QDir::Hidden);
        seen << (temps.size() == 1 && contentOf(m_dir->filePath(temps.first())) == bytes
                     ? QStringLiteral("written")
                     : QStringLiteral("not written"));
    });
    RUNBOARD_VERIFY_OK(staged);
    QCOMPARE(seen, QStringList{QStringLiteral("written")});

    const QString nowhere = m_dir->filePath(QStringLiteral("missing/manifest.json"));
    const auto failed = GuardedFile::stage(nowhere, bytes, GuardedFile::Durability::Synced,
                                           [&] { seen << QStringLiteral("called"); });
    QVERIFY(!failed.isOk());
    QCOMPARE(failed.error().code, ErrorCode::IoError);
    QCOMPARE(seen.size(), 1);
}

void tst_GuardedFile::refusesWhenTheDiskChangedBeforehand_data()
{
    QTest::addColumn<QByteArray>("theirs");
    QTest::addColumn<bool>("inPlace");
    QTest::newRow("atomic rename by another writer") << QByteArray("theirs") << false;
    QTest::newRow("in-place rewrite, same size") << QByteArray("bas3") << true;
    QTest::newRow("older content (git checkout)") << QByteArray("older") << false;
}

void tst_GuardedFile::refusesWhenTheDiskChangedBeforehand()
{
    QFETCH(QByteArray, theirs);
    QFETCH(bool, inPlace);
    rewriteInPlace(m_path, "base");
    const FileSnapshot base = GuardedFile::read(m_path).value();
    if (inPlace)
        rewriteInPlace(m_path, theirs);
    else
        renameOver(m_path, theirs);

    const auto outcome = GuardedFile::replace(m_path, base, "mine");
    QVERIFY(!outcome.isOk());
    QCOMPARE(outcome.error().code, ErrorCode::EtagConflict);
    QVERIFY(outcome.error().message.contains(m_path));
    QCOMPARE(contentOf(m_path), theirs);
    QCOMPARE(leftovers(), QString());
}

void tst_GuardedFile::restoresAWriterThatSlipsInBeforeTheSwap_data()
{
    QTest::addColumn<bool>("inPlace");
    QTest::newRow("atomic rename") << false;
    QTest::newRow("in-place rewrite") << true;
}

void tst_GuardedFile::restoresAWriterThatSlipsInBeforeTheSwap()
{
    QFETCH(bool, inPlace);
    rewriteInPlace(m_path, "base");
    const FileSnapshot base = GuardedFile::read(m_path).value();
    GuardedFile::Hooks hooks;
    hooks.afterRecheck = [&] {
        if (inPlace)
            rewriteInPlace(m_path, "slipped in");
        else
            renameOver(m_path, "slipped in");
    };

    const auto outcome = GuardedFile::replace(m_path, base, "mine", hooks);
    QVERIFY(!outcome.isOk());
    QCOMPARE(outcome.error().code, ErrorCode::EtagConflict);
    QCOMPARE(contentOf(m_path), QByteArray("slipped in"));
    QCOMPARE(leftovers(), QString());
}

void tst_GuardedFile::aDeletionBeforeTheSwapStands()
{
    rewriteInPlace(m_path, "base");
    const FileSnapshot base = GuardedFile::read(m_path).value();
    GuardedFile::Hooks hooks;
    hooks.afterRecheck = [&] {
        QVERIFY(QFile::remove(m_path));
    };

    const auto outcome = GuardedFile::replace(m_path, base, "mine", hooks);
    QVERIFY(!outcome.isOk());
    QCOMPARE(outcome.error().code, ErrorCode::EtagConflict);
    QVERIFY(!QFile::exists(m_path));
    QCOMPARE(leftovers(), QString());
}

void tst_GuardedFile::keepsTheLatestOfTwoIntruders()
{
    rewriteInPlace(m_path, "base");
    const FileSnapshot base = GuardedFile::read(m_path).value();
    GuardedFile::Hooks hooks;
    hooks.afterRecheck = [&] {
        renameOver(m_path, "first intruder");
    };
    hooks.afterSwap = [&] {
        renameOver(m_path, "second intruder");
    };

    const auto outcome = GuardedFile::replace(m_path, base, "mine", hooks);
    QVERIFY(!outcome.isOk());
    QCOMPARE(outcome.error().code, ErrorCode::EtagConflict);
    QCOMPARE(contentOf(m_path), QByteArray("second intruder"));
    QCOMPARE(leftovers(), QString());
}

void tst_GuardedFile::createsOnlyWhenStillAbsent()
{
    const FileSnapshot absent = GuardedFile::read(m_path).value();
    const auto outcome = GuardedFile::replace(m_path, absent, "created");
    RUNBOARD_VERIFY_OK(outcome);
    QCOMPARE(outcome->method, GuardedFile::ReplaceMethod::NoReplace);
    QCOMPARE(contentOf(m_path), QByteArray("created"));
    QCOMPARE(leftovers(), QString());
}

void tst_GuardedFile::refusesToCreateOverANewcomer()
{
    const FileSnapshot absent = GuardedFile::read(m_path).value();
    GuardedFile::Hooks hooks;
    hooks.afterRecheck = [&] {
        rewriteInPlace(m_path, "newcomer");
    };
    const auto outcome = GuardedFile::replace(m_path, absent, "mine", hooks);
    QVERIFY(!outcome.isOk());
    QCOMPARE(outcome.error().code, ErrorCode::EtagConflict);
    QCOMPARE(contentOf(m_path), QByteArray("newcomer"));
    QCOMPARE(leftovers(), QString());
}

void tst_GuardedFile::writesSideFilesAtomically()
{
    const QString gen = m_dir->filePath(QStringLiteral(".gen"));
    QVERIFY(GuardedFile::write(gen, "6\n").isOk());
    QVERIFY(GuardedFile::write(gen, "7\n").isOk());
    QCOMPARE(contentOf(gen), QByteArray("7\n"));
    QCOMPARE(leftovers(), QString());

    const Result<void> intoMissingFolder
        = GuardedFile::write(m_dir->filePath(QStringLiteral("missing/.gen")), "1\n");
    QVERIFY(!intoMissingFolder.isOk());
    QCOMPARE(intoMissingFolder.error().code, ErrorCode::IoError);
    QVERIFY(intoMissingFolder.error().message.contains(QStringLiteral("missing/.gen")));
}

void tst_GuardedFile::recognisesTempFileNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("isTemp");
    QTest::newRow("ours/ADE's") << "manifest.json.4242.1753176615120.k3j2a.tmp" << true;
    QTest::newRow("the manifest") << "manifest.json" << false;
    QTest::newRow("other tmp") << "notes.tmp" << false;
    QTest::newRow(".gen") << ".gen" << false;
}

void tst_GuardedFile::recognisesTempFileNames()
{
    QFETCH(QString, name);
    QFETCH(bool, isTemp);
    QCOMPARE(GuardedFile::isTempFileName(name), isTemp);
}

QTEST_GUILESS_MAIN(tst_GuardedFile)
#include "tst_guardedfile.moc"
