#include "results_page.h"

#include "app_settings.h"
#include "background_job.h"
#include "chart_options_bar.h"
#include "chart_text.h"
#include "difference_panel.h"
#include "export_dialog.h"
#include "profile_view.h"
#include "results_loader.h"
#include "run_store.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QStackedWidget>
#include <QTabBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace loadscope {

namespace {

std::size_t slotOf(ChartKind kind) {
    return static_cast<std::size_t>(kind);
}

QString sloWords(const ResultsDataset& data) {
    for (const auto& s : data.slo)
        if (s)
            return QObject::tr(" (p99 \u2264 %1, errors &lt; %2 %)") // rich text: "<" would open a tag
                .arg(formatLatency(s->p99Ms))
                .arg(100 * s->maxErrorRate, 0, 'g', 3);
    return {};
}

} // namespace

std::vector<VerdictEntry> verdictEntries(const ResultsDataset& data, std::vector<LabelledKnee>* series) {
    std::vector<LabelledKnee> all;
    static const KneeEstimate none;
    for (const auto& [runIndex, target] : data.series()) {
        const KneeEstimate* knee = data.knee(runIndex, target);
        all.push_back({data.seriesLabel(runIndex, target), knee ? knee : &none});
    }
    auto entries = kneeVerdictEntries(all);
    if (series)
        *series = std::move(all);
    return entries;
}

QString verdictLineText(const ResultsDataset& data) {
    return QString::fromStdString(joinVerdictEntries(verdictEntries(data)));
}

QString verdictLineHtml(const ResultsDataset& data, const TargetColors& colors) {
    // The CLI's verdict line (analysis/run_analysis.h), each entry in its chart colour.
    const auto entries = verdictEntries(data);
    if (entries.empty())
        return {};
    const auto seriesList = data.series();
    QString line;
    for (const VerdictEntry& e : entries) {
        if (!e.symbolBefore.empty())
            line +=
                QStringLiteral(" &nbsp;<b>%1</b>&nbsp; ").arg(QString::fromStdString(e.symbolBefore).toHtmlEscaped());
        const QColor color = colors.color(QString::fromStdString(seriesList[e.source].second));
        // One entry never wraps inside itself: non-breaking spaces and hyphens.
        QString text = QStringLiteral("%1 %2").arg(QString::fromStdString(e.label).toHtmlEscaped(),
                                                   QString::fromStdString(e.kneeText).toHtmlEscaped());
        text.replace(QLatin1Char(' '), QStringLiteral("&nbsp;")).replace(QLatin1Char('-'), QChar(0x2011));
        line += QStringLiteral("<span style='color:%1'>\u25a0</span>&nbsp;<b>%2</b>").arg(color.name(), text);
    }
    return QObject::tr("Highest load within the SLO%1, req/s: ").arg(sloWords(data)) + line;
}

ResultsPage::ResultsPage(QWidget* parent)
    : QWidget(parent)
    , header_(new QLabel(this))
    , verdict_(new QLabel(this))
    , tabs_(new QTabBar(this))
    , options_(new ChartOptionsBar(this))
    , stack_(new QStackedWidget(this))
    , placeholder_(new QLabel(this))
    , difference_(new DifferencePanel(this)) {
    header_->setTextFormat(Qt::RichText);
    header_->setWordWrap(true);
    verdict_->setTextFormat(Qt::RichText);
    verdict_->setWordWrap(true);
    verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont verdictFont = verdict_->font();
    verdictFont.setPointSizeF(verdictFont.pointSizeF() * 1.1);
    verdict_->setFont(verdictFont);
    for (ChartKind kind : allChartKinds())
        tabs_->addTab(chartKindTitle(kind));
    tabs_->addTab(tr("Is the difference real?"));
    tabs_->addTab(tr("Profile")); // after the charts: profile_view.h
    profile_ = new ProfileView(stack_);
    stack_->addWidget(profile_);
    connect(profile_, &ProfileView::hovered, this, &ResultsPage::hovered);
    connect(profile_, &ProfileView::statusMessage, this, &ResultsPage::statusMessage);
    connect(profile_, &ProfileView::errorOccurred, this, &ResultsPage::errorOccurred);
    tabs_->setExpanding(false);
    placeholder_->setAlignment(Qt::AlignCenter);
    placeholder_->setWordWrap(true);
    placeholder_->setText(tr("<p><b>No run selected.</b></p><p>Pick one in <b>History</b> and press "
                             "<i>Show results</i>, or select several runs there to compare them.</p>"));
    stack_->addWidget(placeholder_);
    stack_->addWidget(difference_);
    options_->setPercentiles(AppSettings::percentiles());

    options_->exportButton()->setMenu(createExportMenu());

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(header_);
    layout->addWidget(verdict_);
    layout->addWidget(tabs_);
    layout->addWidget(options_);
    layout->addWidget(stack_, 1);
    connectControls();
    updateHeader();
}

// The chart in three formats, its data, the run, and the clipboard.
QMenu* ResultsPage::createExportMenu() {
    auto* exportMenu = new QMenu(this);
    exportMenu->addAction(tr("Chart as PNG\u2026"), this, [this] { exportChartInteractive(ExportFormat::Png); });
    exportMenu->addAction(tr("Chart as PDF\u2026"), this, [this] { exportChartInteractive(ExportFormat::Pdf); });
    exportMenu->addAction(tr("Chart as SVG\u2026"), this, [this] { exportChartInteractive(ExportFormat::Svg); });
    exportMenu->addAction(tr("Chart data as CSV\u2026"), this, &ResultsPage::exportCsvInteractive);
    exportMenu->addAction(tr("Run as JSON\u2026"), this, &ResultsPage::exportRunJsonInteractive);
    exportMenu->addSeparator();
    exportMenu->addAction(tr("Copy chart to clipboard"), this, &ResultsPage::copyChart);
    return exportMenu;
}

// A tab shows its chart, the difference panel or the profile; the options bar re-draws the chart shown.
void ResultsPage::connectControls() {
    connect(tabs_, &QTabBar::currentChanged, this, [this](int index) {
        if (index == differenceTabIndex())
            showDifference();
        else if (index == profileTabIndex())
            showProfileTab();
        else
            setChartKind(allChartKinds().at(static_cast<std::size_t>(index)));
    });
    connect(options_, &ChartOptionsBar::optionsChanged, this, &ResultsPage::applyOptions);
    connect(options_, &ChartOptionsBar::resetViewRequested, this, [this] {
        if (data_)
            currentChart()->resetView();
    });
}

void ResultsPage::setDatabase(const std::filesystem::path& path) {
    database_ = path;
    profile_->setDatabase(path);
    runIds_.clear();
    ++generation_;
    loading_ = false;
    data_.reset();
    applyData();
}

void ResultsPage::setDefaultPercentiles(const std::vector<Percentile>& percentiles) {
    options_->setPercentiles(percentiles);
    applyOptions(options_->options());
}

void ResultsPage::showRuns(const QList<qint64>& runIds) {
    emit hovered({});
    runIds_ = runIds;
    const quint64 generation = ++generation_;
    loading_ = true;
    header_->setText(tr("<h2>Loading %n run(s)\u2026</h2>", nullptr, static_cast<int>(runIds.size())));
    const std::filesystem::path path = database_;
    const std::vector<std::int64_t> ids(runIds.begin(), runIds.end());
    runInBackground(
        this, [path, ids] { return loadResults(path, ids); },
        [this, generation](LoadedResults result) {
            if (generation != generation_)
                return; // the user asked for other runs meanwhile
            loading_ = false;
            if (!result.data) {
                emit errorOccurred(QString::fromStdString(result.error));
                updateHeader();
                return;
            }
            data_ = std::move(result.data);
            applyData();
            emit loaded(static_cast<int>(data_->runs.size()));
        });
}

void ResultsPage::setDataset(std::shared_ptr<const ResultsDataset> data) {
    ++generation_;
    loading_ = false;
    data_ = std::move(data);
    runIds_.clear();
    if (data_)
        for (const Run& run : data_->runs)
            runIds_ << run.id;
    applyData();
}

void ResultsPage::applyData() {
    emit hovered({}); // what the pointer showed belongs to the data before
    if (data_) {
        QStringList names;
        for (const std::string& t : data_->targets)
            names << QString::fromStdString(t);
        colors_ = TargetColors(names);
        options_->setDataset(*data_);
        profile_->setRuns(data_->runs);
    }
    difference_->setDataset(data_);
    stale_.fill(true);
    updateHeader();
    ensureCurrent();
}

void ResultsPage::updateHeader() {
    if (!data_) {
        header_->setText(tr("<h2>Results</h2>"));
        verdict_->clear();
        stack_->setCurrentWidget(placeholder_);
        return;
    }
    QString title;
    if (data_->runs.size() == 1)
        title = QString::fromStdString(data_->runs.front().name).toHtmlEscaped();
    else
        title = tr("Comparing %1 runs").arg(data_->runs.size());
    // The run's scenario, date and repetitions are in each chart's own subtitle (so exports carry them).
    header_->setText(QStringLiteral("<h2 style='margin:0'>%1</h2>").arg(title));
    header_->setToolTip(describeRuns(*data_));
    verdict_->setText(verdictLineHtml(*data_, colors_));
    verdict_->setToolTip(tr("Each knee with its interval: from the highest rate held with confidence to the lowest "
                            "rate broken with confidence ('+': nothing broke). '>' holds more load (intervals apart), "
                            "'\u2248' the intervals overlap: no difference shown."));
}

ResultsChart* ResultsPage::chart(ChartKind kind) {
    ResultsChart*& chart = charts_[slotOf(kind)];
    if (!chart) {
        chart = createChart(kind, stack_);
        stack_->addWidget(chart);
        connect(chart, &ResultsChart::hovered, this, &ResultsPage::hovered);
        stale_[slotOf(kind)] = true;
    }
    return chart;
}

void ResultsPage::showDifference() {
    emit hovered({});
    differenceShown_ = true;
    if (tabs_->currentIndex() != differenceTabIndex()) {
        const QSignalBlocker blocker(tabs_);
        tabs_->setCurrentIndex(differenceTabIndex());
    }
    options_->setVisible(false); // nothing to zoom or export there
    ensureCurrent();
}

QString ResultsPage::verdictHtml() const {
    return verdict_->text();
}

void ResultsPage::setChartKind(ChartKind kind) {
    if (kind != kind_ || differenceShown_)
        emit hovered({}); // the hovered chart is no longer shown
    differenceShown_ = false;
    options_->setVisible(true);
    kind_ = kind;
    if (tabs_->currentIndex() != static_cast<int>(slotOf(kind))) {
        const QSignalBlocker blocker(tabs_);
        tabs_->setCurrentIndex(static_cast<int>(slotOf(kind)));
    }
    options_->setChartKind(kind);
    ensureCurrent();
}

// After the charts' tabs: "Is the difference real?", then "Profile".
int ResultsPage::differenceTabIndex() const {
    return static_cast<int>(allChartKinds().size());
}

int ResultsPage::profileTabIndex() const {
    return differenceTabIndex() + 1;
}

void ResultsPage::showProfileTab() {
    if (tabs_->currentIndex() != profileTabIndex()) {
        const QSignalBlocker blocker(tabs_);
        tabs_->setCurrentIndex(profileTabIndex());
    }
    options_->hide();
    stack_->setCurrentWidget(data_ ? static_cast<QWidget*>(profile_) : placeholder_);
}

void ResultsPage::ensureCurrent() {
    if (tabs_->currentIndex() == profileTabIndex())
        return showProfileTab();
    options_->setVisible(!differenceShown_); // nothing to zoom or export in the difference tables
    if (!data_) {
        stack_->setCurrentWidget(placeholder_);
        return;
    }
    if (differenceShown_) {
        stack_->setCurrentWidget(difference_);
        return;
    }
    ResultsChart* current = chart(kind_);
    if (stale_[slotOf(kind_)]) {
        current->setData(data_, colors_, options_->options());
        stale_[slotOf(kind_)] = false;
    }
    stack_->setCurrentWidget(current);
}

void ResultsPage::applyOptions(const ChartOptions&) {
    stale_.fill(true);
    ensureCurrent();
}

QString ResultsPage::suggestedFileName(const QString& suffix) const {
    QString base = QStringLiteral("loadscope-") + chartKindName(kind_);
    for (qint64 id : runIds_)
        base += QStringLiteral("-run%1").arg(id);
    const QString folder = QSettings().value(QStringLiteral("export/folder"), QDir::homePath()).toString();
    return QDir(folder).filePath(base + QLatin1Char('.') + suffix);
}

void ResultsPage::exportChartInteractive(ExportFormat format) {
    if (!data_)
        return;
    ResultsChart* chart = currentChart();
    QSettings settings;
    ExportSettings defaults;
    defaults.format = format;
    defaults.width = settings.value(QStringLiteral("export/width"), 1200).toInt();
    defaults.height = settings.value(QStringLiteral("export/height"), 750).toInt();
    defaults.scale = settings.value(QStringLiteral("export/scale"), 1.0).toDouble();
    defaults.lightTheme = settings.value(QStringLiteral("export/light"), true).toBool();
    ExportDialog dialog(suggestedFileName(exportFormatName(format)), defaults, this);
    if (dialog.exec() != QDialog::Accepted || dialog.path().isEmpty())
        return;
    const ExportSettings chosen = dialog.settings();
    settings.setValue(QStringLiteral("export/width"), chosen.width);
    settings.setValue(QStringLiteral("export/height"), chosen.height);
    settings.setValue(QStringLiteral("export/scale"), chosen.scale);
    settings.setValue(QStringLiteral("export/light"), chosen.lightTheme);
    settings.setValue(QStringLiteral("export/folder"), QFileInfo(dialog.path()).absolutePath());
    const QString error = exportChart(*chart, dialog.path(), chosen);
    if (error.isEmpty())
        emit statusMessage(tr("Chart written to %1").arg(dialog.path()));
    else
        emit errorOccurred(error);
}

void ResultsPage::exportCsvInteractive() {
    if (!data_)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export chart data"),
                                                      suggestedFileName(QStringLiteral("csv")), tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    const QString error = writeTextFile(path, currentChart()->csv().toUtf8());
    if (error.isEmpty())
        emit statusMessage(tr("Chart data written to %1").arg(path));
    else
        emit errorOccurred(error);
}

void ResultsPage::exportRunJsonInteractive() {
    if (!data_ || runIds_.isEmpty())
        return;
    // One file per run: the JSON document is the store's exchange format for a single run.
    for (qint64 id : runIds_) {
        const QString folder = QSettings().value(QStringLiteral("export/folder"), QDir::homePath()).toString();
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export run %1 as JSON").arg(id),
            QDir(folder).filePath(QStringLiteral("loadscope-run%1.json").arg(id)), tr("JSON (*.json)"));
        if (path.isEmpty())
            return;
        const std::filesystem::path database = database_;
        runInBackground(
            this,
            [database, id, path]() -> QString {
                try {
                    const std::string json = RunStore::open(database, RunStore::OpenMode::ReadOnly).exportRunJson(id);
                    return writeTextFile(path, QByteArray::fromStdString(json));
                } catch (const std::exception& e) {
                    return QString::fromStdString(e.what());
                }
            },
            [this, path](const QString& error) {
                if (error.isEmpty())
                    emit statusMessage(tr("Run written to %1").arg(path));
                else
                    emit errorOccurred(error);
            });
    }
}

void ResultsPage::copyChart() {
    if (!data_)
        return;
    ResultsChart* chart = currentChart();
    copyChartToClipboard(*chart, chart->size());
    emit statusMessage(tr("Chart copied to the clipboard"));
}

} // namespace loadscope
