// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

class QLabel;

namespace runboard {

// The top-level window. Lives on the GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    // Shows what will be opened; the live run view arrives with the manifest service.
    void setRunPath(const QString &path);
    QString runPath() const { return m_runPath; }

private:
    void showAbout();

    QLabel *m_placeholder = nullptr;
    QString m_runPath;
};

} // namespace runboard
