// loadscope compare RUN RUN...: every target of the runs side by side at the rates they all measured.
#include "cli_command.h"
#include "cli_summary.h"
#include "cli_table.h"
#include "cli_verdicts.h"
#include "option_checks.h"
#include "plan_text.h"
#include "run_analysis.h"
#include "run_store.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>

namespace loadscope::cli {

namespace {

struct CompareOptions {
    std::string db;
    std::vector<std::string> runs;
    std::string metric = "p99";
};

struct Column {
    std::string title;
    std::string target;
    KneeEstimate knee;
    const TargetAnalysis* analysis = nullptr;
    std::map<double, MergedMeasurement> byRate;
};

// Marked only when it could change what the number means: the generator's lateness could explain a break, requests
// waited for connections, or the server restarted.
bool flagged(const MergedMeasurement& m) {
    return m.generatorMarker || m.flags.connectionLimited || m.flags.serverRestarted;
}

std::string cell(const MergedMeasurement& m, const std::string& metric) {
    if (m.steps == 0)
        return m.skipped > 0 ? "skipped" : "failed";
    std::string text;
    if (metric == "p50")
        text = formatMs(m.latency.p50Ms);
    else if (metric == "p90")
        text = formatMs(m.latency.p90Ms);
    else if (metric == "p99")
        text = p99Cell(m);
    else if (metric == "p99.9")
        text = formatMs(m.latency.p999Ms);
    else if (metric == "achieved")
        text = formatRps(m.achievedRps);
    else if (metric == "cpu")
        text = fixed(m.serverCpuPercent, 0);
    else
        text = std::to_string(m.errors.total());
    // A flag changes what a number means: mark it (legend below the table).
    if (m.limits && !m.verdict.met)
        text += "!";
    if (flagged(m))
        text += "*";
    return text;
}

// Every pair of columns while there are few, else each column against the first.
void printVerdicts(const std::vector<Column>& columns) {
    if (columns.size() < 2)
        return;
    std::cout << "\nIs the difference real?\n";
    const bool allPairs = columns.size() <= 4;
    for (std::size_t i = 0; i < columns.size(); ++i)
        for (std::size_t j = i + 1; j < columns.size(); ++j) {
            if (!allPairs && i > 0)
                continue;
            const auto verdict = comparePair(*columns[i].analysis, *columns[j].analysis);
            printPairVerdict(std::cout, {columns[i].title, columns[i].analysis},
                             {columns[j].title, columns[j].analysis}, verdict);
        }
    printVerdictLegend(std::cout);
}

const std::vector<std::string> kCompareMetrics{"p50", "p90", "p99", "p99.9", "achieved", "cpu", "errors"};

// One column per target of each run (titled "#ID target" when there are several runs); `analyses` owns what the
// columns point into.
std::vector<Column> compareColumns(const RunStore& store, const std::vector<std::string>& runs,
                                   std::vector<std::unique_ptr<RunAnalysis>>& analyses) {
    std::vector<Column> columns;
    std::set<std::int64_t> seen;
    for (const auto& text : runs) {
        const auto id = resolveRunId(store, text);
        if (!seen.insert(id).second)
            throw UsageError("RUN: run " + std::to_string(id) + " is named twice");
        auto run = *store.loadRun(id);
        store.loadHistograms(run.steps);
        analyses.push_back(std::make_unique<RunAnalysis>(analyzeRun(run)));
        for (const auto& t : analyses.back()->targets) {
            Column c;
            c.title = runs.size() > 1 ? "#" + std::to_string(id) + " " + t.target : t.target;
            c.target = t.target;
            c.knee = t.knee;
            c.analysis = &t;
            for (const auto& m : t.measurements)
                c.byRate[m.requestedRps] = m;
            columns.push_back(std::move(c));
        }
    }
    return columns;
}

// The rates every column measured.
std::vector<double> commonRates(const std::vector<Column>& columns) {
    std::vector<double> common;
    for (const auto& [rate, m] : columns.front().byRate)
        if (std::all_of(columns.begin(), columns.end(), [&](const Column& c) { return c.byRate.count(rate) > 0; }))
            common.push_back(rate);
    return common;
}

// Searches choose each target's rates, imports bring their own: the knees still compare.
void printRatesPerTarget(const std::vector<Column>& columns) {
    std::cout << "No rate was measured by every target, so only the knees compare. Rates per target:\n";
    for (const auto& c : columns) {
        std::vector<std::string> rates;
        for (const auto& [rate, m] : c.byRate)
            rates.push_back(formatRps(rate));
        std::cout << "  " << c.title << ": " << joinList(rates, ", ") << "\n";
    }
    std::cout << "\n";
}

void printMetricTable(const std::vector<Column>& columns, const std::vector<double>& common,
                      const std::string& metric) {
    const std::string unit = metric == "achieved" ? " (rps)"
                             : metric == "cpu"    ? " (server CPU %)"
                             : metric == "errors" ? " (count)"
                                                  : " latency (ms)";
    if (!common.empty())
        std::cout << metric << unit << " at the rates every target measured:\n";
    TextTable table;
    table.addColumn("rate");
    for (const auto& c : columns)
        table.addColumn(c.title);
    for (double rate : common) {
        std::vector<std::string> row{formatRps(rate)};
        for (const auto& c : columns)
            row.push_back(cell(c.byRate.at(rate), metric));
        table.addRow(std::move(row));
    }
    std::vector<std::string> knees{"knee"};
    for (const auto& c : columns)
        knees.push_back(c.knee.text());
    table.addRow(knees);
    table.print(std::cout);
}

// The legend explains the marks the table shows: the common rates' cells only.
void printTableLegend(const std::vector<Column>& columns, const std::vector<double>& common) {
    bool anyFlagged = false, anyBroken = false;
    for (const auto& c : columns)
        for (double rate : common) {
            const MergedMeasurement& m = c.byRate.at(rate);
            anyFlagged |= flagged(m);
            anyBroken |= m.limits && m.measured() && !m.verdict.met;
        }
    if (anyBroken)
        std::cout << "! the SLO was broken at that rate (p99 or errors beyond the limit).\n";
    if (anyFlagged)
        std::cout << "* flagged (the generator's lateness could explain the break, requests waited for a connection, "
                     "or the server restarted): see `loadscope show RUN`.\n";
    std::cout << "Knee: the highest rate meeting the SLO (interval: the highest rate held with confidence - the lowest "
                 "rate broken with confidence; '+' nothing broke).\n";
}

int compareRuns(const CompareOptions& o) {
    auto store = openForReading(existingDatabase(o.db));
    std::vector<std::unique_ptr<RunAnalysis>> analyses;
    const std::vector<Column> columns = compareColumns(store, o.runs, analyses);
    if (columns.empty()) {
        std::cout << "The runs have no targets to compare.\n";
        return kExitFailures;
    }
    const std::vector<double> common = commonRates(columns);
    if (common.empty())
        printRatesPerTarget(columns);
    printMetricTable(columns, common, o.metric);
    printTableLegend(columns, common);
    printVerdicts(columns);
    return kExitOk;
}

} // namespace

Command addCompareCommand(CLI::App& root) {
    auto options = std::make_shared<CompareOptions>();
    auto* app = addStoredRunsCommand(
        root, "compare", "Compare the targets of one or more runs side by side at common rates", options->db);
    addRunArguments(*app, options->runs);
    app->add_option("--metric", options->metric, "What to compare: p50, p90, p99, p99.9, achieved, cpu, errors")
        ->capture_default_str()
        ->type_name("METRIC")
        ->check(choiceCheck(kCompareMetrics, "one of " + joinList(kCompareMetrics, ", ")));
    return {app, [options] { return compareRuns(*options); }};
}

} // namespace loadscope::cli
