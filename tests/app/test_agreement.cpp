// One real run, three readers, one answer: the runner (the knees it stores with the run), the CLI's summary table and
// knee lines (`loadscope run` and `loadscope show`), and the GUI's chart data (ui/results_loader, what Results draws)
// must report the same knees, merged percentiles, SLO verdicts and flags. The run is measured for real: two
// refserver targets, one of which burns 2 ms of CPU per request so that it breaks the SLO inside the plan's rates.
#include "chart_text.h"
#include "cli_home.h"
#include "cli_summary.h"
#include "cli_table.h"
#include "results_loader.h"
#include "results_page.h"
#include "run_analysis.h"
#include "run_store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace loadscope;
using namespace loadscope::cli_test;

namespace {

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::vector<std::string> wordsOf(const std::string& line) {
    std::vector<std::string> words;
    std::istringstream in(line);
    for (std::string word; in >> word;)
        words.push_back(word);
    return words;
}

// The summary table's row of (target, rate): the row whose rate cell matches, below the row naming the target.
std::string tableRow(const std::string& output, const std::string& target, double rate) {
    std::string current;
    for (const auto& line : linesOf(output)) {
        const auto words = wordsOf(line);
        if (words.size() < 3 || line.empty())
            continue;
        std::size_t rateAt = 0;
        if (line.front() != ' ') {
            current = words[0];
            rateAt = 1;
        }
        if (current == target && words[rateAt] == cli::formatRps(rate))
            return line;
    }
    return {};
}

bool hasWord(const std::string& line, const std::string& word) {
    const auto words = wordsOf(line);
    return std::find(words.begin(), words.end(), word) != words.end();
}

} // namespace

TEST(Agreement, RunnerCliAndGuiReportTheSameKneesPercentilesAndFlags) {
    CliHome home;
    home.writeRefserverTarget("ref-fast", {"--delay-ms", "1"});
    home.writeRefserverTarget("ref-busy", {"--delay-ms", "0", "--cpu-us", "2000"});
    const auto run = home.run({"run", "--db", home.db(), "--targets", "ref-fast,ref-busy", "--rates", "100,250,400,700",
                               "--duration", "1s", "--warmup", "300ms", "--cooldown", "100ms", "--repeat", "3", "--slo",
                               "p99<25ms", "-q"},
                              180s);
    ASSERT_EQ(exitCode(run), 0) << run.out << run.err;
    const auto show = home.run({"show", "1", "--db", home.db()});
    ASSERT_EQ(exitCode(show), 0) << show.err;

    // The GUI's reading: the loader the Results page runs on its worker thread.
    const auto loaded = loadResults(home.db(), {1});
    ASSERT_TRUE(loaded.data) << loaded.error;
    const ResultsDataset& data = *loaded.data;
    ASSERT_EQ(data.runs.size(), 1u);
    // The runner's reading: what it stored with the run when it finished.
    const auto environment = nlohmann::json::parse(data.runs[0].environmentJson);

    EXPECT_TRUE(contains(run.out, "Verdict: " + kneeVerdictLine(data.analyses[0]))) << run.out;
    // The GUI's verdict line above the charts, word for word.
    EXPECT_EQ(verdictLineText(data).toStdString(), kneeVerdictLine(data.analyses[0]));
    for (const std::string target : {"ref-fast", "ref-busy"}) {
        SCOPED_TRACE(target);
        const KneeEstimate* knee = data.knee(0, target);
        ASSERT_NE(knee, nullptr);
        EXPECT_EQ(environment["targets"][target]["knee"], knee->text()) << "runner vs GUI";
        for (const auto& snapshot : data.runs[0].targets)
            if (snapshot.name == target) {
                EXPECT_EQ(snapshot.kneeRps, data.kneeRps(0, target)) << "runner vs GUI";
            }
        for (const auto* output : {&run.out, &show.out}) {
            EXPECT_TRUE(contains(*output, "  " + target + "  " + knee->text() + ":") ||
                        contains(*output, "  " + target + "   " + knee->text() + ":"))
                << "CLI knee line vs GUI\n"
                << *output;
        }

        const auto curves = latencyCurves(data, {Percentile::P99});
        for (const auto* group : data.groupsOf(0, target)) {
            const auto& m = group->analysis;
            SCOPED_TRACE(m.requestedRps);
            if (!m.measured()) { // left out by the stop rule, or failed: both say so
                for (const auto* output : {&run.out, &show.out})
                    EXPECT_TRUE(contains(tableRow(*output, target, m.requestedRps), m.statusMessage)) << *output;
                continue;
            }
            // The chart draws the merged p99 the analysis computed.
            for (const auto& curve : curves)
                if (curve.target == target)
                    for (const auto& point : curve.points)
                        if (point.requestedRps == m.requestedRps) {
                            EXPECT_EQ(point.latencyMs, m.latency.p99Ms);
                        }
            EXPECT_EQ(group->merged.p99Ms, m.latency.p99Ms);
            // The tooltip: the same verdict and the interval (or why there is none), one p99.
            const std::string tip = describeGroup(data, *group, Percentile::P99).toStdString();
            EXPECT_TRUE(contains(tip, "): " + m.verdictWord())) << tip;
            // The tooltip is HTML: the note's ">=" reads "&gt;=" there.
            const std::string note = QString::fromStdString(m.intervalNote()).toHtmlEscaped().toStdString();
            EXPECT_TRUE(m.p99Interval ? contains(tip, "95 % interval over") : contains(tip, note)) << tip;
            EXPECT_EQ(tip.find("p99 ="), tip.rfind("p99 =")) << tip;
            for (const auto* output : {&run.out, &show.out}) {
                const auto row = tableRow(*output, target, m.requestedRps);
                ASSERT_FALSE(row.empty()) << *output;
                EXPECT_TRUE(hasWord(row, cli::formatMs(m.latency.p50Ms))) << row;
                EXPECT_TRUE(contains(row, cli::p99Cell(m))) << row;
                EXPECT_TRUE(contains(row, cli::verdictCell(m))) << row;
                EXPECT_EQ(contains(row, "connection-limited"), group->connectionLimited) << row;
                EXPECT_EQ(contains(row, "generator-limited"), m.generatorMarker) << row;
                EXPECT_EQ(contains(row, "outlying") || contains(row, "judged without"), m.outliers() > 0) << row;
            }
        }
    }
    // The plan made the busy server break: the readers agree on something that is not trivially "held".
    const auto* busy = data.analyses[0].find("ref-busy");
    ASSERT_NE(busy, nullptr);
    EXPECT_TRUE(std::any_of(busy->measurements.begin(), busy->measurements.end(), [](const MergedMeasurement& m) {
        return !m.verdict.met;
    })) << show.out;
}
