#include "main_window.h"

#include "app_settings.h"
#include "background_job.h"
#include "chart_export.h"
#include "format_registry.h"
#include "history_page.h"
#include "live_run_wiring.h"
#include "results_page.h"
#include "run_store.h"
#include "settings_dialog.h"

#include "loadscope_version.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTemporaryFile>
#include <QTextDocumentFragment>

#include <algorithm>

#include <boost/version.hpp>
#include <qcustomplot.h>
#include <sqlite3.h>

namespace loadscope {

namespace {

constexpr int kMaxRecent = 8;

QString toQString(const std::filesystem::path& path) {
    return QString::fromStdString(path.string());
}

bool isDatabaseFile(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("sqlite") || suffix == QLatin1String("sqlite3") || suffix == QLatin1String("db");
}

bool isJsonFile(const QString& path) {
    return QFileInfo(path).suffix().toLower() == QLatin1String("json");
}

// A result file of another tool, recognised from its first bytes (importers/format_registry.h).
bool isResultFile(const QString& path) {
    try {
        importers::detectFormat(path.toStdString());
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , places_(new QListWidget(this))
    , pages_(new QStackedWidget(this))
    , history_(new HistoryPage(this))
    , results_(new ResultsPage(this))
    , databaseLabel_(new QLabel(this)) {
    setWindowTitle(QStringLiteral("Loadscope"));
    setWindowIcon(QIcon::fromTheme(QStringLiteral("loadscope")));
    setAcceptDrops(true);
    resize(1440, 900);

    // The four places, always visible on the left: where you are and where you can go is never a guess.
    const struct {
        QString text;
        QStyle::StandardPixmap icon;
        QString tip;
    } places[] = {
        {tr("Launcher"), QStyle::SP_MediaPlay, tr("Choose targets, rates and duration, then run (Ctrl+1)")},
        {tr("Live run"), QStyle::SP_BrowserReload, tr("Progress and live charts of the run going on (Ctrl+2)")},
        {tr("History"), QStyle::SP_FileDialogDetailedView,
         tr("Every stored run: filter, rename, tag, compare (Ctrl+3)")},
        {tr("Results"), QStyle::SP_FileDialogContentsView, tr("Charts of the selected runs, and export (Ctrl+4)")},
    };
    for (const auto& place : places) {
        auto* item = new QListWidgetItem(style()->standardIcon(place.icon), place.text, places_);
        item->setToolTip(place.tip);
        item->setSizeHint(QSize(140, 44));
    }
    QFont placeFont = places_->font();
    placeFont.setPointSizeF(placeFont.pointSizeF() * 1.15);
    places_->setFont(placeFont);
    places_->setIconSize(QSize(22, 22));
    places_->setFixedWidth(160);
    places_->setFrameShape(QFrame::NoFrame);

    // The Launcher and Live run pages come from installRunPages() below, which puts them in front of these two.
    pages_->addWidget(history_);
    pages_->addWidget(results_);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(places_);
    layout->addWidget(pages_, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(databaseLabel_);

    connect(places_, &QListWidget::currentRowChanged, pages_, &QStackedWidget::setCurrentIndex);
    connect(history_, &HistoryPage::openResultsRequested, this, [this](const QList<qint64>& ids) {
        results_->showRuns(ids);
        setCurrentPlace(Place::Results);
    });
    connect(history_, &HistoryPage::rerunRequested, this, &MainWindow::rerunRequested);
    connect(history_, &HistoryPage::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    connect(history_, &HistoryPage::errorOccurred, this, &MainWindow::showError);
    connect(results_, &ResultsPage::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    connect(results_, &ResultsPage::errorOccurred, this, &MainWindow::showError);
    connect(results_, &ResultsPage::hovered, this, &MainWindow::showHover);
    connect(places_, &QListWidget::currentRowChanged, this, [this] { showHover({}); });

    installRunPages(this); // the Launcher and Live run places (ui/live_run_wiring.cpp)
    buildMenus();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    setCurrentPlace(Place::History);
}

QString MainWindow::windowTitleFor(const QString& databaseFile) {
    // Qt appends the application's display name ("Loadscope") to every window title that does not end with it, so
    // the title names the database alone when a display name is set: "stab.sqlite \u2014 Loadscope", once.
    if (QGuiApplication::applicationDisplayName() == QStringLiteral("Loadscope"))
        return databaseFile;
    return QStringLiteral("Loadscope \u2014 %1").arg(databaseFile);
}

void MainWindow::showHover(const QString& html) {
    if (html.isEmpty()) {
        if (!hoverMessage_.isEmpty() && statusBar()->currentMessage() == hoverMessage_)
            statusBar()->clearMessage();
        hoverMessage_.clear();
        return;
    }
    const QString text =
        QTextDocumentFragment::fromHtml(QString(html).replace(QStringLiteral("<br>"), QStringLiteral("  \u00b7  ")))
            .toPlainText()
            .simplified();
    // The permanent "Database:" label keeps its place: the message is cut (with "…") before it.
    const int room = statusBar()->width() - databaseLabel_->sizeHint().width() - 48;
    hoverMessage_ = statusBar()->fontMetrics().elidedText(text, Qt::ElideRight, std::max(room, 120));
    statusBar()->showMessage(hoverMessage_);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open database\u2026"), QKeySequence::Open, this, &MainWindow::openDatabaseDialog);
    file->addAction(tr("&New database\u2026"), QKeySequence::New, this, &MainWindow::newDatabaseDialog);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    file->addAction(tr("&Import results\u2026"), QKeySequence(tr("Ctrl+I")), this, &MainWindow::importDialog);
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    exportMenu->addAction(tr("Chart as &PNG\u2026"), QKeySequence(tr("Ctrl+E")), this,
                          [this] { results_->exportChartInteractive(ExportFormat::Png); });
    exportMenu->addAction(tr("Chart as P&DF\u2026"), this,
                          [this] { results_->exportChartInteractive(ExportFormat::Pdf); });
    exportMenu->addAction(tr("Chart as &SVG\u2026"), this,
                          [this] { results_->exportChartInteractive(ExportFormat::Svg); });
    exportMenu->addAction(tr("Chart data as &CSV\u2026"), results_, &ResultsPage::exportCsvInteractive);
    exportMenu->addAction(tr("Run as &JSON\u2026"), results_, &ResultsPage::exportRunJsonInteractive);
    exportMenu->addAction(tr("&Report (HTML)\u2026"), this, [this] { exportReportInteractive(false); });
    exportMenu->addAction(tr("Report (&Markdown)\u2026"), this, [this] { exportReportInteractive(true); });
    exportMenu->addSeparator();
    exportMenu->addAction(tr("Copy chart to clip&board"), QKeySequence(tr("Ctrl+Shift+C")), results_,
                          &ResultsPage::copyChart);
    connect(exportMenu, &QMenu::aboutToShow, this, [this, exportMenu] {
        for (QAction* action : exportMenu->actions())
            action->setEnabled(results_->dataset() != nullptr);
    });
    file->addSeparator();
    file->addAction(tr("&Settings\u2026"), QKeySequence::Preferences, this, &MainWindow::showSettings);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::updateRecentMenu);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    const Place order[] = {Place::Launcher, Place::LiveRun, Place::History, Place::Results};
    for (int i = 0; i < 4; ++i)
        view->addAction(places_->item(i)->text(), QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)), this,
                        [this, place = order[i]] { setCurrentPlace(place); });
    view->addSeparator();
    view->addAction(tr("&Refresh history"), QKeySequence::Refresh, history_, &HistoryPage::reload);
    view->addAction(tr("Reset chart &view"), QKeySequence(tr("Ctrl+0")), this, [this] {
        if (results_->dataset())
            results_->currentChart()->resetView();
    });
    QMenu* charts = view->addMenu(tr("&Chart"));
    for (ChartKind kind : allChartKinds())
        charts->addAction(chartKindTitle(kind), this, [this, kind] {
            results_->setChartKind(kind);
            setCurrentPlace(Place::Results);
        });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Loadscope"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::setCurrentPlace(Place place) {
    places_->setCurrentRow(static_cast<int>(place));
}

MainWindow::Place MainWindow::currentPlace() const {
    return static_cast<Place>(pages_->currentIndex());
}

QWidget* MainWindow::page(Place place) const {
    return pages_->widget(static_cast<int>(place));
}

void MainWindow::installPage(Place place, QWidget* page) {
    // Called once for each of the first two places, in place order, while the window is built.
    const int index = static_cast<int>(place);
    Q_ASSERT(pages_->count() == 2 + index);
    pages_->insertWidget(index, page);
}

void MainWindow::setLauncherPage(QWidget* page) {
    installPage(Place::Launcher, page);
}

void MainWindow::setLiveRunPage(QWidget* page) {
    installPage(Place::LiveRun, page);
}

QStringList MainWindow::recentDatabases() {
    return QSettings().value(QStringLiteral("database/recent")).toStringList();
}

void MainWindow::openDatabase(const std::filesystem::path& path) {
    const quint64 generation = ++openGeneration_;
    statusBar()->showMessage(tr("Opening %1\u2026").arg(toQString(path)));
    // Opening creates or migrates the file and marks runs whose process died as interrupted: a write, so not on
    // the GUI thread.
    struct Opened {
        QString error;
        int runs = 0;
    };
    runInBackground(
        this,
        [path]() -> Opened {
            try {
                if (!path.parent_path().empty())
                    std::filesystem::create_directories(path.parent_path());
                // Another user's results: browse them read-only (saving notes or running would say why it can't).
                if (std::filesystem::exists(path) && !RunStore::writable(path))
                    return {{}, RunStore::open(path, RunStore::OpenMode::ReadOnly).countRuns()};
                RunStore store = RunStore::open(path);
                store.markInterruptedRuns();
                return {{}, store.countRuns()};
            } catch (const std::exception& e) {
                return {QString::fromStdString(e.what()), 0};
            }
        },
        [this, path, generation](const Opened& opened) {
            if (generation != openGeneration_)
                return;
            if (!opened.error.isEmpty()) {
                showError(opened.error +
                          (database_.empty() ? QString() : tr("\n\nStill using %1.").arg(toQString(database_))));
                emit databaseOpened(toQString(path), false);
                return;
            }
            // The first database opened decides where the window starts: without any run, History has nothing to
            // show and the Launcher is where a new user can begin. A place the user already chose is kept.
            if (choosingStartPlace_ && opened.runs == 0 && currentPlace() == Place::History)
                setCurrentPlace(Place::Launcher);
            choosingStartPlace_ = false;
            database_ = path;
            const QString text = toQString(path);
            QStringList recent = recentDatabases();
            recent.removeAll(text);
            recent.prepend(text);
            QSettings().setValue(QStringLiteral("database/recent"), recent.mid(0, kMaxRecent));
            databaseLabel_->setText(tr("Database: %1").arg(text));
            setWindowTitle(windowTitleFor(QFileInfo(text).fileName()));
            history_->setDatabase(path);
            results_->setDatabase(path);
            emit databaseOpened(text, true);
        });
}

void MainWindow::openDatabaseDialog() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a Loadscope database"), toQString(database_),
                                     tr("Loadscope databases (*.sqlite *.sqlite3 *.db);;All files (*)"));
    if (!path.isEmpty())
        openDatabase(path.toStdString());
}

void MainWindow::newDatabaseDialog() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("New Loadscope database"), QFileInfo(toQString(database_)).absolutePath(),
                                     tr("Loadscope databases (*.sqlite)"));
    if (path.isEmpty())
        return;
    if (QFileInfo::exists(path)) {
        showError(tr("%1 already exists; use File \u2192 Open database to open it.").arg(path));
        return;
    }
    openDatabase(path.toStdString());
}

void MainWindow::updateRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = recentDatabases();
    for (const QString& path : recent) {
        QAction* action = recentMenu_->addAction(path, this, [this, path] { openDatabase(path.toStdString()); });
        action->setEnabled(QFileInfo::exists(path));
    }
    if (recent.isEmpty())
        recentMenu_->addAction(tr("(none yet)"))->setEnabled(false);
}

void MainWindow::importDialog() {
    const QStringList paths =
        QFileDialog::getOpenFileNames(this, tr("Import results"), QDir::homePath(),
                                      tr("Results (*.json *.csv *.txt *.hlog *.log *.out);;All files (*)"));
    if (!paths.isEmpty())
        importFiles(paths);
}

void MainWindow::importRunJson(const QString& path) {
    if (database_.empty()) {
        showError(tr("Open a database first: the run is imported into it."));
        return;
    }
    const std::filesystem::path database = database_;
    statusBar()->showMessage(tr("Importing %1\u2026").arg(path));
    runInBackground(
        this,
        [database, path]() -> std::pair<qint64, QString> {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return {0, tr("%1: cannot read: %2").arg(path, file.errorString())};
            try {
                RunStore store = RunStore::open(database);
                return {store.importRunJson(file.readAll().toStdString(), QFileInfo(path).fileName().toStdString()),
                        {}};
            } catch (const std::exception& e) {
                return {0, QString::fromStdString(e.what())};
            }
        },
        [this, path](const std::pair<qint64, QString>& result) {
            if (result.first == 0) {
                showError(result.second);
                emit runImported(0);
                return;
            }
            statusBar()->showMessage(tr("Imported %1 as run %2").arg(QFileInfo(path).fileName()).arg(result.first),
                                     8000);
            history_->selectRuns({result.first});
            history_->reload();
            results_->showRuns({result.first});
            setCurrentPlace(Place::Results);
            emit runImported(result.first);
        });
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !std::all_of(urls.begin(), urls.end(), [](const QUrl& url) { return url.isLocalFile(); }))
        return;
    // One database to open, or files to import: exported runs (.json) and files whose format is recognised.
    const bool database = urls.size() == 1 && isDatabaseFile(urls.front().toLocalFile());
    const bool importable = std::all_of(urls.begin(), urls.end(), [](const QUrl& url) {
        return isJsonFile(url.toLocalFile()) || isResultFile(url.toLocalFile());
    });
    if (database || importable)
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty())
        return;
    QStringList paths;
    for (const QUrl& url : urls)
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.size() == 1 && isDatabaseFile(paths.front()))
        openDatabase(paths.front().toStdString());
    else if (!paths.isEmpty())
        importFiles(paths);
    event->acceptProposedAction();
}

void MainWindow::showSettings() {
    SettingsDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    results_->setDefaultPercentiles(AppSettings::percentiles());
}

void MainWindow::showError(const QString& message) {
    statusBar()->showMessage(message.section(QLatin1Char('\n'), 0, 0), 15000);
    // Window-modal but not blocking: background jobs keep reporting while the message is up.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Loadscope"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit errorShown(message);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
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
