#include "main_window.h"

#include "loadscope_version.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <boost/version.hpp>
#include <qcustomplot.h>
#include <sqlite3.h>

namespace loadscope {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("Loadscope"));
    resize(1280, 800);
    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Loadscope"), this, &MainWindow::showAbout);
    auto* placeholder = new QLabel(tr("Loadscope"), this);
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::showAbout() {
    const QString boost =
        QStringLiteral("%1.%2.%3").arg(BOOST_VERSION / 100000).arg(BOOST_VERSION / 100 % 1000).arg(BOOST_VERSION % 100);
    QMessageBox::about(this, tr("About Loadscope"),
                       tr("<h3>Loadscope %1</h3><p>Latency vs load for HTTP server frameworks.</p>"
                          "<p>Commit %2<br>Qt %3<br>QCustomPlot %4<br>SQLite %5<br>Boost %6</p>")
                           .arg(QStringLiteral(LOADSCOPE_VERSION), QStringLiteral(LOADSCOPE_GIT_COMMIT),
                                QString::fromLatin1(qVersion()), QStringLiteral(QCUSTOMPLOT_VERSION_STR),
                                QString::fromLatin1(sqlite3_libversion()), boost));
}

} // namespace loadscope
