// gui_bench: how fast the desktop app answers on big data (docs/benchmarks.md, "GUI").
//   1. History of a 10,000-run database: from HistoryPage::setDatabase to the table laid out and painted.
//   2. Switching Results charts on a seed-like run (6 targets x 11 rates x 3 repetitions): the first show of each
//      chart (built from the dataset) and every later switch, each until the chart is drawn.
// Usage: gui_bench [--db FILE] [--runs N]  (the database is made with N fixture runs when FILE does not exist)
#include "history_page.h"
#include "results_page.h"
#include "run_list_model.h"
#include "ui_fixture.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTableView>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <vector>

using namespace loadscope;
using namespace loadscope::test;

namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

void fillHistoryDatabase(const std::filesystem::path& path, int runs) {
    QElapsedTimer timer;
    timer.start();
    RunStore store = RunStore::open(path);
    for (int i = 0; i < runs; ++i) {
        FixtureRunSpec spec;
        spec.name = "bench run " + std::to_string(i);
        spec.targets = {{i % 2 ? "aiohttp" : "tornado-gen", 1500.0 + i % 900}, {"refserver", 9000}};
        spec.rates = {500, 1000, 1500};
        spec.repetitions = 1;
        spec.stepSeconds = 1;
        spec.maxSamplesPerStep = 100;
        spec.seed = static_cast<unsigned>(i + 1);
        spec.createdMs = 1'650'000'000'000 + static_cast<std::int64_t>(i) * 600'000;
        spec.tags = {i % 3 ? "nightly" : "manual"};
        addFixtureRun(store, spec);
    }
    std::printf("filled %s with %d runs x 6 steps in %.1f s\n", path.string().c_str(), runs, timer.elapsed() / 1000.0);
}

// 1. History: five loads of the whole database into a fresh page, each until the table is painted. False when a
// load does not finish.
bool benchHistory(const std::filesystem::path& database) {
    std::vector<double> historyMs;
    int shownRuns = 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
        HistoryPage page;
        page.resize(1400, 800);
        page.show();
        QApplication::processEvents();
        QSignalSpy loaded(&page, &HistoryPage::loaded);
        QElapsedTimer timer;
        timer.start();
        page.setDatabase(database);
        if (!loaded.wait(60000)) {
            std::fprintf(stderr, "History did not load\n");
            return false;
        }
        page.table()->viewport()->repaint();
        historyMs.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        shownRuns = page.model()->rowCount();
    }
    std::printf("History: %d runs shown in %.0f ms (median of 5; min %.0f, max %.0f)\n", shownRuns, median(historyMs),
                *std::min_element(historyMs.begin(), historyMs.end()),
                *std::max_element(historyMs.begin(), historyMs.end()));
    return true;
}

// The seed-like run of the Results benchmark (6 targets x 11 rates x 3 repetitions), merged into a dataset.
std::shared_ptr<const ResultsDataset> seedLikeDataset() {
    FixtureRunSpec seed;
    seed.name = "seed-simple (synthetic)";
    seed.targets = {{"aiohttp-uvloop", 2700},       {"aiohttp", 2000},
                    {"tornado-async-uvloop", 1750}, {"tornado-async", 1400},
                    {"tornado-gen-uvloop", 1600},   {"tornado-gen", 1250}};
    seed.rates = {500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000};
    seed.stepSeconds = 20;
    seed.stopRule = true;
    QElapsedTimer build;
    build.start();
    Run run = makeFixtureRun(seed);
    run.id = 1;
    auto data = std::make_shared<ResultsDataset>(buildDataset({run}, {SloLimits{75, 0.001}}));
    std::printf("Dataset of %zu steps merged into %zu groups in %.0f ms\n", run.steps.size(), data->groups.size(),
                static_cast<double>(build.nsecsElapsed()) / 1e6);
    return data;
}

// 2. Results: every chart shown six times over, each until drawn; then one rebuild with every percentile.
void benchResultsCharts(const std::shared_ptr<const ResultsDataset>& data) {
    ResultsPage page;
    page.resize(1400, 850);
    page.show();
    page.setDataset(data);
    QApplication::processEvents();
    std::vector<double> firstShow;
    std::vector<double> laterSwitch;
    for (int round = 0; round < 6; ++round)
        for (ChartKind kind : allChartKinds()) {
            QElapsedTimer timer;
            timer.start();
            page.setChartKind(kind);
            page.currentChart()->replot(); // drawn, not just queued
            QApplication::processEvents();
            const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
            (round == 0 ? firstShow : laterSwitch).push_back(ms);
            if (round == 0)
                std::printf("  first show of %-15s %6.1f ms\n", qPrintable(chartKindName(kind)), ms);
        }
    std::printf("Switching charts: first show max %.1f ms; later switches median %.1f ms, max %.1f ms\n",
                *std::max_element(firstShow.begin(), firstShow.end()), median(laterSwitch),
                *std::max_element(laterSwitch.begin(), laterSwitch.end()));
    // An option change rebuilds the current chart.
    QElapsedTimer timer;
    timer.start();
    ChartOptions options = page.currentChart()->options();
    options.percentiles = {Percentile::P50, Percentile::P90, Percentile::P99, Percentile::P999, Percentile::Max};
    page.currentChart()->setOptions(options);
    page.currentChart()->replot();
    std::printf("Rebuilding the last chart with all five percentiles: %.1f ms\n",
                static_cast<double>(timer.nsecsElapsed()) / 1e6);
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("loadscope-bench"));
    std::filesystem::path database = std::filesystem::temp_directory_path() / "loadscope-gui-bench.sqlite";
    int runs = 10000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--db") == 0)
            database = argv[i + 1];
        else if (std::strcmp(argv[i], "--runs") == 0)
            runs = std::atoi(argv[i + 1]);
    }
    if (!std::filesystem::exists(database))
        fillHistoryDatabase(database, runs);
    if (!benchHistory(database))
        return 1;
    benchResultsCharts(seedLikeDataset());
    return 0;
}
