// SPDX-License-Identifier: MIT

#include "mainwindow.h"

#include <QLabel>
#include <QMenuBar>
#include <QTest>

using namespace runboard;

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheRunToOpen();
    void hasFileAndHelpMenus();
};

void tst_MainWindow::showsTheRunToOpen()
{
    MainWindow window;
    QCOMPARE(window.windowTitle(), QStringLiteral("Runboard"));
    window.setRunPath(QStringLiteral("/tmp/wt/.ade/orchestration/R-1"));
    QCOMPARE(window.runPath(), QStringLiteral("/tmp/wt/.ade/orchestration/R-1"));
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("/tmp/wt/.ade/orchestration/R-1")));
    auto *label = qobject_cast<QLabel *>(window.centralWidget());
    QVERIFY(label);
    QVERIFY(label->text().contains(QStringLiteral("R-1")));
}

void tst_MainWindow::hasFileAndHelpMenus()
{
    MainWindow window;
    QStringList titles;
    const auto actions = window.menuBar()->actions();
    for (QAction *action : actions)
        titles << action->text();
    QCOMPARE(titles, QStringList({QStringLiteral("&File"), QStringLiteral("&Help")}));
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
