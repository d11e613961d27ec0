#pragma once
// ResultsChart: what every Results chart shares. A QCustomPlot that draws a ResultsDataset with the same target
// colours and theme as its siblings; zoom and pan with the mouse; hover tooltips with exact values; a click on a
// legend entry hides or shows its series (with the series' bands and markers); reset view; CSV of the data drawn.
// Subclasses only build their plottables (build()) and say what their data is (csv()).

#include "chart_data.h"
#include "chart_palette.h"

#include <qcustomplot.h>

#include <QHash>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace loadscope {

enum class ChartKind { LatencyVsRps, Spectrum, Timeline, Comparison, Resources };
const std::vector<ChartKind>& allChartKinds();
QString chartKindName(ChartKind kind);  // "latency-vs-rps", "spectrum", ... (the CLI's --chart values)
QString chartKindTitle(ChartKind kind); // "Latency vs RPS", ...
std::optional<ChartKind> chartKindFromName(const QString& name);

// What the user chose on the Results page; each chart reads the fields it needs.
struct ChartOptions {
    std::vector<Percentile> percentiles{Percentile::P50, Percentile::P99};
    bool achievedRateAxis = false; // latency vs RPS: x is the achieved rather than the requested rate
    bool logLatencyAxis = false;
    bool showBands = false;            // min-max across repetitions (the p99 interval is drawn either way)
    std::optional<double> focusRate;   // comparison, timeline and spectrum; unset: the dataset's default
    std::vector<double> spectrumRates; // extra steps on the spectrum besides the focus rate
    int repetition = 1;                // timeline
};

class ResultsChart : public QCustomPlot {
    Q_OBJECT
public:
    explicit ResultsChart(QWidget* parent = nullptr);

    virtual ChartKind kind() const = 0;
    // Shows `data` (shared by the sibling charts, never modified) with `options`; rebuilds the plot.
    void setData(std::shared_ptr<const ResultsDataset> data, const TargetColors& colors, const ChartOptions& options);
    void setOptions(const ChartOptions& options);
    const ChartOptions& options() const { return options_; }
    const std::shared_ptr<const ResultsDataset>& data() const { return data_; }
    void setTheme(const ChartTheme& theme);
    const ChartTheme& theme() const { return theme_; }
    // Follow the application palette (light / dark) on palette changes; off for exports with a fixed theme.
    void setFollowSystemTheme(bool follow) { followSystemTheme_ = follow; }

    // The series behind a legend entry: hidden series keep their legend entry, greyed out.
    void setSeriesVisible(QCPAbstractPlottable* legendOwner, bool visible);
    bool isSeriesVisible(QCPAbstractPlottable* legendOwner) const;
    // The plottables that have a legend entry, in legend order.
    QList<QCPAbstractPlottable*> legendSeries() const;

    // The tooltip the chart shows with the mouse at `pos` (empty: nothing near).
    QString tooltipAt(const QPoint& pos) const;
    // The chart's data as CSV (a header line, then one line per point drawn).
    virtual QString csv() const = 0;
    // A one-line description of what is drawn, for file names and the status bar: "latency-vs-rps run 12".
    QString title() const;
    // True when the dataset gives this chart nothing to draw; the plot then shows why.
    bool isEmptyChart() const { return emptyChart_; }

public slots:
    // Back to the range that shows all data.
    void resetView();
    void rebuild();

signals:
    void hovered(const QString& text);

protected:
    // Clears nothing itself: the base has cleared plottables, items and extra axis rects before calling it.
    virtual void build() = 0;
    virtual void applyDefaultRanges() = 0;

    // Registers `plottable` for hover: `describe(dataIndex)` is the tooltip of its point at that index.
    void addHover(QCPAbstractPlottable* plottable, std::function<QString(int)> describe);
    // `companion` (band, marker, error bars) is shown only while `owner`'s legend entry is on (and those of its
    // other owners, when linked several times).
    void linkToLegend(QCPAbstractPlottable* companion, QCPAbstractPlottable* owner);
    void linkToLegend(QCPAbstractItem* companion, QCPAbstractPlottable* owner);
    // A title line above the chart and a note under it (run, scenario, rate).
    void setHeading(const QString& title, const QString& subtitle);
    // A centred message instead of a chart.
    void showEmptyMessage(const QString& message);
    // Styles an axis rect's axes, grid and ticks with the theme.
    void styleAxisRect(QCPAxisRect* rect);
    // The margin group that aligns stacked axis rects (made on first use, dropped by the next rebuild).
    QCPMarginGroup* marginGroup();
    // A horizontal dashed line at `value` on `rect`'s left axis with a label at its right end (or its left end, with
    // `labelSide` Qt::AlignLeft, where vertical markers near the right cannot run through it): the SLO.
    void addHorizontalMarker(QCPAxisRect* rect, double value, const QString& label, const QColor& color,
                             Qt::AlignmentFlag labelSide = Qt::AlignRight);
    // With a linear latency axis, the default view stops at 4 x the SLO when the data go far beyond it: an
    // overloaded step reaches seconds and would flatten every other curve into the floor. nullopt: all fits.
    std::optional<double> latencyViewLimit(double dataMaxMs) const;
    // Says, in the top right corner of `rect`, how far the data go beyond the view and how to see them.
    void addOffScaleNote(QCPAxisRect* rect, double dataMaxMs);
    QColor colorOf(const std::string& target) const { return colors_.color(QString::fromStdString(target)); }
    QString seriesLabel(std::size_t runIndex, const std::string& target) const;
    const ResultsDataset& dataset() const { return *data_; }
    double focusRate() const;

    void changeEvent(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void onLegendClick(QCPLegend* legend, QCPAbstractLegendItem* item, QMouseEvent* event);
    void updateCompanions();
    void applyTheme();
    void resetLayout();

    std::shared_ptr<const ResultsDataset> data_;
    TargetColors colors_;
    ChartOptions options_;
    ChartTheme theme_;
    bool followSystemTheme_ = true;
    bool emptyChart_ = false;
    QCPTextElement* titleElement_ = nullptr;
    QCPTextElement* subtitleElement_ = nullptr;
    QCPItemText* emptyMessage_ = nullptr;
    QCPMarginGroup* marginGroup_ = nullptr;
    QCPLayoutGrid* legendColumn_ = nullptr; // the legend on top, a spacer below: entries stay together
    QHash<QCPAbstractPlottable*, std::function<QString(int)>> hover_;
    // companion -> owners: shown while every owner is (a marker belongs to its series and to its kind's entry)
    QMultiHash<QCPAbstractPlottable*, QCPAbstractPlottable*> companions_;
    QMultiHash<QCPAbstractItem*, QCPAbstractPlottable*> itemCompanions_;
    QSet<QString> hidden_; // names of the series the user switched off: kept across rebuilds of the same data
};

// An axis fitted to rates from `minRps` to `maxRps`: 6 % of the span as margin each side (10 % of the rate for a
// single one), never below 0. Rates from 1000 to 3000 start near 1000, not at 0.
QCPRange fittedRateRange(double minRps, double maxRps);

// A new chart of `kind` (owned by `parent`, or by the caller without one); its data is set by the caller.
ResultsChart* createChart(ChartKind kind, QWidget* parent = nullptr);

} // namespace loadscope
