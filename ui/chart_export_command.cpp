#include "chart_export_command.h"

#include "chart_export.h"
#include "results_chart.h"
#include "results_loader.h"
#include "run_store.h"

#include <CLI/CLI.hpp>

#include <QFileInfo>
#include <QPalette>

#include <cstdio>
#include <memory>
#include <sstream>

namespace loadscope {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Options {
    std::vector<std::string> runs;
    std::string chart;
    std::string format;
    std::string out;
    int width = 1200;
    int height = 750;
    double scale = 1.0;
    std::string db;
    std::string percentiles = "p50,p99";
    double rate = 0;
    int repetition = 1;
    std::string x = "requested";
    bool log = false;
    std::string theme = "light";
};

ChartTheme darkTheme() {
    QPalette palette;
    palette.setColor(QPalette::Base, QColor(30, 30, 30));
    palette.setColor(QPalette::Text, QColor(225, 225, 225));
    return ChartTheme::fromPalette(palette);
}

int usage(const std::string& message) {
    std::fprintf(stderr, "loadscope export: %s\nRun `loadscope export --chart latency-vs-rps --help` for usage.\n",
                 message.c_str());
    return kExitUsage;
}

} // namespace

int runChartExportCommand(const std::vector<std::string>& arguments) {
    Options o;
    CLI::App app{"Draws one of the Results charts of stored runs into a PNG, PDF or SVG file, without a window.",
                 "loadscope export"};
    std::string kinds;
    for (ChartKind kind : allChartKinds())
        kinds += (kinds.empty() ? "" : "|") + chartKindName(kind).toStdString();
    app.add_option("RUN", o.runs, "run id(s) (see `loadscope list`) or 'last'; several runs are compared")->required();
    app.add_option("--chart", o.chart, kinds)->required();
    app.add_option("--format", o.format, "png|pdf|svg (default: from the --out file's suffix)");
    app.add_option("--out,-o", o.out, "the file to write")->required();
    app.add_option("--width", o.width, "width in pixels (PNG) or points (PDF, SVG); default 1200");
    app.add_option("--height", o.height, "height; default 750");
    app.add_option("--scale", o.scale, "PNG only: pixels per unit of width and height (2 = twice as sharp)");
    app.add_option("--db", o.db, "the database (default: " + RunStore::defaultPath().string() + ")")->type_name("PATH");
    app.add_option("--percentiles", o.percentiles, "latency-vs-rps curves: comma separated p50,p90,p99,p99.9,max");
    app.add_option("--rate", o.rate,
                   "spectrum, timeline, comparison: the requested rate to show (default: the "
                   "highest rate every target measured)");
    app.add_option("--repetition", o.repetition, "timeline: which repetition (1-based)");
    app.add_option("--x", o.x, "latency-vs-rps: requested|achieved rate on the x axis");
    app.add_flag("--log", o.log, "logarithmic latency axis");
    app.add_option("--theme", o.theme, "light|dark (default light)");
    std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage(e.what());
    }

    const auto kind = chartKindFromName(QString::fromStdString(o.chart));
    if (!kind)
        return usage("--chart: expected one of " + kinds + ", got \"" + o.chart + "\"");
    std::optional<ExportFormat> format = o.format.empty() ? exportFormatFromPath(QString::fromStdString(o.out))
                                                          : exportFormatFromName(QString::fromStdString(o.format));
    if (!format)
        return usage(o.format.empty() ? "--format: not given, and the --out file \"" + o.out +
                                            "\" does not end in .png, .pdf or .svg"
                                      : "--format: expected png, pdf or svg, got \"" + o.format + "\"");
    if (o.width < 16 || o.width > 20000 || o.height < 16 || o.height > 20000)
        return usage("--width/--height: expected 16 to 20000, got " + std::to_string(o.width) + " x " +
                     std::to_string(o.height));
    if (!(o.scale > 0 && o.scale <= 8))
        return usage("--scale: expected a number above 0 and at most 8");
    if (o.x != "requested" && o.x != "achieved")
        return usage("--x: expected requested or achieved, got \"" + o.x + "\"");
    if (o.theme != "light" && o.theme != "dark")
        return usage("--theme: expected light or dark, got \"" + o.theme + "\"");
    // Said before anything is loaded or drawn, and as the data export says it (bad input, exit 2).
    const QFileInfo outFile(QString::fromStdString(o.out));
    const QFileInfo outFolder(outFile.absolutePath());
    if (!outFolder.isDir() || !outFolder.isWritable() || (outFile.exists() && !outFile.isWritable()))
        return usage("--out: cannot write " + o.out + " (does the folder exist? is it writable?)");
    ChartOptions options;
    options.percentiles.clear();
    std::stringstream list(o.percentiles);
    for (std::string item; std::getline(list, item, ',');) {
        const auto p = percentileFromLabel(item);
        if (!p)
            return usage("--percentiles: \"" + item + "\" is not one of p50, p90, p99, p99.9, max");
        options.percentiles.push_back(*p);
    }
    if (options.percentiles.empty())
        return usage("--percentiles: expected at least one of p50, p90, p99, p99.9, max");
    options.achievedRateAxis = o.x == "achieved";
    options.logLatencyAxis = o.log;
    options.repetition = o.repetition;
    if (o.rate > 0)
        options.focusRate = o.rate;

    const std::filesystem::path database = o.db.empty() ? RunStore::defaultPath() : std::filesystem::path(o.db);
    if (!std::filesystem::exists(database)) {
        std::fprintf(stderr, "loadscope export: %s: no such database (--db)\n", database.string().c_str());
        return kExitFailure;
    }
    std::vector<std::int64_t> ids;
    for (const std::string& reference : o.runs) {
        std::string error;
        const std::int64_t id = resolveRunReference(database, reference, error);
        if (id == 0) {
            std::fprintf(stderr, "loadscope export: %s\n", error.c_str());
            return error.rfind("RUN:", 0) == 0 ? kExitUsage : kExitFailure;
        }
        ids.push_back(id);
    }
    const LoadedResults loaded = loadResults(database, ids);
    if (!loaded.data) {
        std::fprintf(stderr, "loadscope export: %s\n", loaded.error.c_str());
        return kExitFailure;
    }
    if (options.focusRate && std::find(loaded.data->rates.begin(), loaded.data->rates.end(), *options.focusRate) ==
                                 loaded.data->rates.end()) {
        std::string rates;
        for (double r : loaded.data->rates)
            rates += (rates.empty() ? "" : ", ") + QString::number(r).toStdString();
        return usage("--rate: the run(s) measured no step at " + QString::number(o.rate).toStdString() +
                     " requests/s; rates measured: " + rates);
    }

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
    const QString error = exportChart(*chart, QString::fromStdString(o.out), settings);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "loadscope export: %s\n", error.toStdString().c_str());
        return kExitFailure;
    }
    if (chart->isEmptyChart())
        std::fprintf(stderr, "loadscope export: note: the chart has nothing to draw for these runs (see the file)\n");
    std::string runs;
    for (const std::int64_t id : ids)
        runs += (runs.empty() ? "" : ", ") + std::to_string(id);
    const std::string size = *format == ExportFormat::Png
                                 ? std::to_string(static_cast<int>(o.width * o.scale)) + " x " +
                                       std::to_string(static_cast<int>(o.height * o.scale)) + " px PNG"
                                 : std::to_string(o.width) + " x " + std::to_string(o.height) + " pt " +
                                       exportFormatName(*format).toUpper().toStdString();
    std::printf("wrote %s: %s chart of run %s, %s\n", o.out.c_str(), chartKindName(*kind).toStdString().c_str(),
                runs.c_str(), size.c_str());
    return kExitOk;
}

} // namespace loadscope
