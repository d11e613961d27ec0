#include "chart_export_command.h"

#include "chart_export.h"
#include "option_checks.h"
#include "results_chart.h"
#include "results_loader.h"

#include <QPalette>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace loadscope {

namespace {

struct ChartCommandOptions {
    int width = 1200;
    int height = 750;
    double scale = 1.0;
    std::vector<std::string> percentiles{"p50", "p99"};
    double rate = 0;
    int repetition = 1;
    std::string x = "requested";
    bool log = false;
    std::string theme = "light";
};

std::string percentileChoices() {
    std::string labels;
    for (Percentile p : allPercentiles())
        labels += (labels.empty() ? "" : ", ") + std::string(percentileLabel(p));
    return labels;
}

CLI::Validator percentileCheck() {
    return textCheck(
        [](const std::string& item) {
            return percentileFromLabel(item) ? std::string() : "\"" + item + "\" is not one of " + percentileChoices();
        },
        "");
}

void addChartCommandOptions(CLI::App& command, const std::string& group, ChartCommandOptions& o) {
    const auto size = rangeCheck(16, 20000, "16 to 20000", true);
    command.add_option("--width", o.width, "width in pixels (PNG) or points (PDF, SVG); default 1200")
        ->type_name("N")
        ->check(size)
        ->group(group);
    command.add_option("--height", o.height, "height; default 750")->type_name("N")->check(size)->group(group);
    command.add_option("--scale", o.scale, "PNG only: pixels per unit of width and height (2 = twice as sharp)")
        ->type_name("FACTOR")
        ->check(numberCheck([](double v) { return v > 0 && v <= 8; }, "a number above 0 and at most 8"))
        ->group(group);
    command.add_option("--percentiles", o.percentiles, "latency-vs-rps curves: comma separated " + percentileChoices())
        ->type_name("LIST")
        ->delimiter(',')
        ->check(percentileCheck())
        ->group(group);
    command
        .add_option("--rate", o.rate,
                    "spectrum, timeline, comparison: the requested rate to show (default: the highest rate every "
                    "target measured)")
        ->type_name("RPS")
        ->group(group);
    command.add_option("--repetition", o.repetition, "timeline: which repetition (1-based)")
        ->type_name("N")
        ->group(group);
    command.add_option("--x", o.x, "latency-vs-rps: requested or achieved rate on the x axis")
        ->type_name("AXIS")
        ->check(choiceCheck({"requested", "achieved"}))
        ->group(group);
    command.add_flag("--log", o.log, "logarithmic latency axis")->group(group);
    command.add_option("--theme", o.theme, "light or dark (default light)")
        ->type_name("THEME")
        ->check(choiceCheck({"light", "dark"}))
        ->group(group);
}

ChartTheme darkTheme() {
    QPalette palette;
    palette.setColor(QPalette::Base, QColor(30, 30, 30));
    palette.setColor(QPalette::Text, QColor(225, 225, 225));
    return ChartTheme::fromPalette(palette);
}

ChartOptions chartOptions(const ChartCommandOptions& o) {
    ChartOptions options;
    options.percentiles.clear();
    for (const auto& label : o.percentiles)
        options.percentiles.push_back(*percentileFromLabel(label)); // checked by percentileCheck()
    options.achievedRateAxis = o.x == "achieved";
    options.logLatencyAxis = o.log;
    options.repetition = o.repetition;
    if (o.rate > 0)
        options.focusRate = o.rate;
    return options;
}

// --rate must be a rate the runs measured: said with the rates there are.
void requireMeasuredRate(const ResultsDataset& data, const ChartOptions& options) {
    if (!options.focusRate || std::find(data.rates.begin(), data.rates.end(), *options.focusRate) != data.rates.end())
        return;
    std::string rates;
    for (double r : data.rates)
        rates += (rates.empty() ? "" : ", ") + QString::number(r).toStdString();
    throw CLI::ValidationError("--rate", "the run(s) measured no step at " +
                                             QString::number(*options.focusRate).toStdString() +
                                             " requests/s; rates measured: " + rates);
}

std::string sizeText(const ChartCommandOptions& o, ExportFormat format) {
    if (format == ExportFormat::Png)
        return std::to_string(static_cast<int>(o.width * o.scale)) + " x " +
               std::to_string(static_cast<int>(o.height * o.scale)) + " px PNG";
    return std::to_string(o.width) + " x " + std::to_string(o.height) + " pt " +
           exportFormatName(format).toUpper().toStdString();
}

std::string writeChartFile(const ChartCommandOptions& o, const std::filesystem::path& database,
                           const std::vector<std::int64_t>& runs, const std::string& kindName,
                           const std::string& formatName, const std::string& out) {
    const auto kind = chartKindFromName(QString::fromStdString(kindName));
    const auto format = exportFormatFromName(QString::fromStdString(formatName));
    if (!kind || !format)
        throw std::invalid_argument("chart export: unknown chart " + kindName + " or format " + formatName);
    if (o.percentiles.empty())
        throw CLI::ValidationError("--percentiles", "expected at least one of " + percentileChoices());
    const ChartOptions options = chartOptions(o);
    const LoadedResults loaded = loadResults(database, runs);
    if (!loaded.data)
        throw std::runtime_error(loaded.error);
    requireMeasuredRate(*loaded.data, options);

    std::unique_ptr<ResultsChart> chart(createChart(*kind));
    chart->setFollowSystemTheme(false);
    chart->setTheme(o.theme == "dark" ? darkTheme() : ChartTheme::light());
    chart->resize(o.width, o.height);
    QStringList names;
    for (const std::string& t : loaded.data->targets)
        names << QString::fromStdString(t);
    chart->setData(loaded.data, TargetColors(names), options);
    ExportSettings settings;
    settings.format = *format;
    settings.width = o.width;
    settings.height = o.height;
    settings.scale = o.scale;
    settings.lightTheme = false; // the theme asked for is already set
    if (const QString error = exportChart(*chart, QString::fromStdString(out), settings); !error.isEmpty())
        throw std::runtime_error(error.toStdString());
    if (chart->isEmptyChart())
        std::fprintf(stderr, "loadscope export: note: the chart has nothing to draw for these runs (see the file)\n");
    return sizeText(o, *format);
}

} // namespace

ChartExportCommand chartExportCommand() {
    auto options = std::make_shared<ChartCommandOptions>();
    ChartExportCommand command;
    for (ChartKind kind : allChartKinds())
        command.kinds.push_back(chartKindName(kind).toStdString());
    for (ExportFormat format : {ExportFormat::Png, ExportFormat::Pdf, ExportFormat::Svg})
        command.formats.push_back(exportFormatName(format).toStdString());
    command.addOptions = [options](CLI::App& app, const std::string& group) {
        addChartCommandOptions(app, group, *options);
    };
    command.write = [options](const std::filesystem::path& database, const std::vector<std::int64_t>& runs,
                              const std::string& kind, const std::string& format, const std::string& out) {
        return writeChartFile(*options, database, runs, kind, format, out);
    };
    return command;
}

} // namespace loadscope
