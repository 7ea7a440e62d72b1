// SPDX-License-Identifier: MIT
//
// The main window. For now it is a frame with a menu bar (File, Help) and a central placeholder
// naming the run to open; the dashboard tabs hang off this window once the manifest service
// delivers snapshots. GUI thread only.

#include "mainwindow.h"

#include "version.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>

namespace runboard {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Runboard"));
    resize(1100, 720);

    m_placeholder = new QLabel(this);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setAccessibleName(tr("Run"));
    setCentralWidget(m_placeholder);
    setRunPath(QString());

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quit = fileMenu->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Runboard"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::setRunPath(const QString &path)
{
    m_runPath = path;
    if (path.isEmpty()) {
        m_placeholder->setText(tr("No run open."));
        setWindowTitle(tr("Runboard"));
    } else {
        m_placeholder->setText(tr("Run: %1").arg(path));
        setWindowTitle(tr("%1 — Runboard").arg(path));
    }
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("About Runboard"),
                                tr("Runboard %1\n\nWatch and safely edit the live state of a "
                                   "multi-agent orchestration run.")
                                    .arg(version()),
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace runboard
