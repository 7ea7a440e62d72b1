// SPDX-License-Identifier: MIT
// DemoLauncher: reads the demo's first line, reports failures, and ends the process with itself.

#include "demolauncher.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace runboard;

namespace {

// A stand-in for `runboard-cli demo DIR`: a shell script that prints `firstLine` and waits.
QString fakeDemo(const QTemporaryDir &dir, const QByteArray &firstLine)
{
    const QString path = dir.filePath(QStringLiteral("fake-demo"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write("#!/bin/sh\nprintf '%s\\n' '" + firstLine + "'\nexec sleep 60\n");
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

} // namespace

class tst_DemoLauncher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reportsTheBundleAndStopsTheProcess();
    void reportsAnUnexpectedLine();
    void reportsAMissingProgram();
    void looksNextToTheApplication();
};

void tst_DemoLauncher::reportsTheBundleAndStopsTheProcess()
{
    QTemporaryDir dir;
    const QString program
        = fakeDemo(dir, R"({"event":"demo","bundlePath":"/tmp/wt/.ade/orchestration/R-1"})");
    QVERIFY(!program.isEmpty());
    auto launcher = std::make_unique<DemoLauncher>();
    QSignalSpy ready(launcher.get(), &DemoLauncher::ready);
    QSignalSpy failed(launcher.get(), &DemoLauncher::failed);
    launcher->start(program);
    QVERIFY(ready.wait());
    QCOMPARE(ready.constFirst().at(0).toString(), QStringLiteral("/tmp/wt/.ade/orchestration/R-1"));
    QCOMPARE(failed.count(), 0);
    const qint64 pid = launcher->process()->processId();
    QVERIFY(pid > 0);
    QCOMPARE(launcher->process()->arguments().value(0), QStringLiteral("demo"));
    launcher.reset();
    // The process has been terminated and reaped: /proc no longer lists it.
    QTRY_VERIFY(!QFile::exists(QStringLiteral("/proc/%1/cmdline").arg(pid))
                || QFile(QStringLiteral("/proc/%1/cmdline").arg(pid)).size() == 0);
}

void tst_DemoLauncher::reportsAnUnexpectedLine()
{
    QTemporaryDir dir;
    const QString program = fakeDemo(dir, "usage: runboard-cli <command>");
    DemoLauncher launcher;
    QSignalSpy failed(&launcher, &DemoLauncher::failed);
    launcher.start(program);
    QVERIFY(failed.wait());
    QVERIFY(failed.constFirst().at(0).toString().contains(QStringLiteral("usage")));
}

void tst_DemoLauncher::reportsAMissingProgram()
{
    DemoLauncher launcher;
    QSignalSpy failed(&launcher, &DemoLauncher::failed);
    launcher.start(QStringLiteral("/nonexistent/runboard-cli"));
    QVERIFY(failed.wait());
    QCOMPARE(failed.count(), 1);
}

void tst_DemoLauncher::looksNextToTheApplication()
{
    const QStringList candidates = DemoLauncher::candidatePrograms();
    QCOMPARE(candidates.size(), 2);
    QVERIFY(candidates.at(0).endsWith(QStringLiteral("/../cli/runboard-cli")));
    QVERIFY(candidates.at(1).endsWith(QStringLiteral("/runboard-cli")));
}

QTEST_MAIN(tst_DemoLauncher)
#include "tst_demolauncher.moc"
