#pragma once
// The Results page: the charts of one run or several runs compared. On top, the answer at a glance (each target's
// knee, best first); below, the five charts in tabs with their options, zoom, tooltips and export, and a last tab,
// "Is the difference real?", with the verdicts of two series per rate and for the knees.
//
// Runs are loaded on a worker thread (results_loader.h) and handed to the charts as one shared, read-only dataset;
// a load older than the newest request is dropped. Charts are built when first shown and rebuilt only when their
// options or data change, so switching tabs is cheap.

#include "chart_export.h"
#include "results_chart.h"

#include <QList>
#include <QWidget>

#include <array>
#include <filesystem>
#include <memory>

class QLabel;
class QMenu;
class QStackedWidget;
class QTabBar;

namespace loadscope {

class ChartOptionsBar;
class DifferencePanel;

// The verdict line of the shown series, from the analysis library (kneeVerdictEntries): as text, the CLI's knee line
// word for word ("aiohttp 3000+ > tornado-async 1750 (1500-2000)"); as HTML, each entry in its chart colour.
// `series`, when given, receives the series in data.series() order (VerdictEntry::source indexes it).
std::vector<VerdictEntry> verdictEntries(const ResultsDataset& data, std::vector<LabelledKnee>* series = nullptr);
QString verdictLineText(const ResultsDataset& data);
QString verdictLineHtml(const ResultsDataset& data, const TargetColors& colors);
class ProfileView;

class ResultsPage : public QWidget {
    Q_OBJECT
public:
    explicit ResultsPage(QWidget* parent = nullptr);

    void setDatabase(const std::filesystem::path& path);
    // Loads and shows these runs (several: compared on the same charts).
    void showRuns(const QList<qint64>& runIds);
    // Shows an already built dataset (tests, benchmarks).
    void setDataset(std::shared_ptr<const ResultsDataset> data);
    const QList<qint64>& runIds() const { return runIds_; }
    const std::shared_ptr<const ResultsDataset>& dataset() const { return data_; }
    bool isLoading() const { return loading_; }

    void setChartKind(ChartKind kind);
    ChartKind chartKind() const { return kind_; }
    // The chart of `kind` (created on first use).
    ResultsChart* chart(ChartKind kind);
    ResultsChart* currentChart() { return chart(kind_); }
    ChartOptionsBar* optionsBar() const { return options_; }
    // The "Is the difference real?" tab, after the charts' tabs.
    void showDifference();
    bool isDifferenceShown() const { return differenceShown_; }
    DifferencePanel* differencePanel() const { return difference_; }
    // The verdict line as shown above the tabs (rich text).
    QString verdictHtml() const;
    // The Profile tab (after the chart tabs): flame graphs of the runs' profiled steps.
    ProfileView* profileView() const { return profile_; }
    void showProfileTab();
    void setDefaultPercentiles(const std::vector<Percentile>& percentiles);

public slots:
    // Export of the current chart, asking for a file (and size) first.
    void exportChartInteractive(loadscope::ExportFormat format);
    void exportCsvInteractive();
    void exportRunJsonInteractive();
    void copyChart();

signals:
    void loaded(int runCount);
    void statusMessage(const QString& message);
    void errorOccurred(const QString& message);
    void hovered(const QString& text);

private:
    // The steps of the constructor.
    QMenu* createExportMenu();
    void connectControls();
    void applyData();
    void applyOptions(const ChartOptions& options);
    void updateHeader();
    void ensureCurrent();
    QString suggestedFileName(const QString& suffix) const;
    int differenceTabIndex() const;
    int profileTabIndex() const;

    std::filesystem::path database_;
    QList<qint64> runIds_;
    std::shared_ptr<const ResultsDataset> data_;
    TargetColors colors_;
    quint64 generation_ = 0;
    bool loading_ = false;
    ChartKind kind_ = ChartKind::LatencyVsRps;
    QLabel* header_;
    QLabel* verdict_;
    QTabBar* tabs_;
    ChartOptionsBar* options_;
    QStackedWidget* stack_;
    QLabel* placeholder_;
    DifferencePanel* difference_;
    bool differenceShown_ = false;
    ProfileView* profile_ = nullptr;
    std::array<ResultsChart*, 5> charts_{};
    std::array<bool, 5> stale_{};
};

} // namespace loadscope
