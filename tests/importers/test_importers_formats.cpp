// Each format on its fixture file (data/README.md): detection, counts, errors, rates, provenance.
#include "format_registry.h"
#include "importer_test_support.h"
#include "run_assembler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace loadscope;
using namespace loadscope::importers;
using loadscope::importers::test::fixture;

namespace {

ImportedStep importOne(const std::string& name, const ParseOptions& options = {}) {
    const auto path = fixture(name);
    auto steps = importFile(path, detectFormat(path), options);
    EXPECT_EQ(steps.size(), 1u);
    return steps.at(0);
}

double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}

// Within the printed precision (`decimals` ms) plus LatencyHistogram's 0.1 %.
void expectNear(double actualMs, double printedMs, double decimals) {
    EXPECT_NEAR(actualMs, printedMs, 0.5 * std::pow(10.0, -decimals) + printedMs * 0.001) << printedMs;
}

struct Row {
    double valueMs, percentile;
    std::int64_t total;
};

std::vector<Row> spectrumRows(const std::string& file) {
    std::ifstream in(fixture(file));
    std::string line;
    std::vector<Row> rows;
    bool inSpectrum = false;
    while (std::getline(in, line)) {
        if (line.find("Detailed Percentile spectrum") != std::string::npos)
            inSpectrum = true;
        else if (line.rfind("#[", 0) == 0)
            inSpectrum = false;
        std::istringstream words(line);
        Row row{};
        if (inSpectrum && (words >> row.valueMs >> row.percentile >> row.total))
            rows.push_back(row);
    }
    return rows;
}

} // namespace

TEST(ImportFormats, DetectsEachFixture) {
    const std::vector<std::pair<std::string, FileFormat>> cases{
        {"wrk2_readme_latency.txt", FileFormat::WrkText},
        {"wrk_latency_refserver.txt", FileFormat::WrkText},
        {"vegeta_results.csv", FileFormat::VegetaCsv},
        {"vegeta_results.json", FileFormat::VegetaJson},
        {"k6_results.json", FileFormat::K6Json},
        {"k6_results.csv", FileFormat::K6Csv},
        {"oha_results.json", FileFormat::OhaJson},
        {"hdrhistogram_jhiccup_v2.hlog", FileFormat::Hlog},
        {"hdrhistogram_tagged_non_monotonic.hlog", FileFormat::Hlog},
        {"tank_phout.txt", FileFormat::Phout},
    };
    for (const auto& [name, format] : cases) {
        EXPECT_EQ(detectFormat(fixture(name)), format) << name;
        EXPECT_EQ(detectFormat(fixture(name), formatInfo(format).tool), format) << name;
    }
    EXPECT_EQ(detectFormat(fixture("wrk_latency_refserver.txt"), "wrk"), FileFormat::WrkText);
}

TEST(ImportFormats, ToolThatDoesNotMatchTheFileIsRefused) {
    try {
        detectFormat(fixture("tank_phout.txt"), "vegeta");
        FAIL() << "expected an ImportError";
    } catch (const ImportError& e) {
        EXPECT_NE(std::string(e.what()).find("tank_phout.txt: --tool vegeta was asked for, but the file looks like "
                                             "yandex-tank"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(detectFormat(fixture("tank_phout.txt"), "jmeter"), ImportError);
}

TEST(ImportFormats, Wrk2SpectrumGivesBackItsPrintedPercentiles) {
    const auto imported = importOne("wrk2_readme_latency.txt");
    const auto& s = imported.step;
    EXPECT_EQ(imported.provenance.tool, "wrk2");
    EXPECT_EQ(imported.provenance.fidelity, Fidelity::RebuiltFromSpectrum);
    EXPECT_EQ(imported.provenance.url, "http://127.0.0.1:80/index.html");
    EXPECT_EQ(s.completed, 60018);
    EXPECT_DOUBLE_EQ(s.achievedRps, 2000.28);
    EXPECT_DOUBLE_EQ(s.durationS, 30.0);
    ASSERT_TRUE(s.latencyHistogram);
    const auto& h = *s.latencyHistogram;
    EXPECT_EQ(h.count(), 39500); // the spectrum's total count (wrk2 leaves its calibration out)
    // Every spectrum row: value at its percentile, to the printed microsecond.
    const auto rows = spectrumRows("wrk2_readme_latency.txt");
    ASSERT_EQ(rows.size(), 79u);
    for (const auto& row : rows)
        if (row.percentile < 1.0)
            expectNear(ms(h.valueAtPercentile(row.percentile * 100)), row.valueMs, 3);
    // The max is the "#[Max" line, not the top counter's edge.
    EXPECT_EQ(h.max(), 12496);
    // The summary percentiles (printed to 10 us) lie between the spectrum rows that bracket them.
    const std::vector<std::pair<double, double>> summary{{50, 6.67},    {75, 7.78},     {90, 9.14},      {99, 11.18},
                                                         {99.9, 12.30}, {99.99, 12.45}, {99.999, 12.50}, {100, 12.50}};
    for (const auto& [percent, printed] : summary) {
        const double ours = ms(h.valueAtPercentile(percent));
        EXPECT_GE(ours + 0.005, printed) << percent;
        EXPECT_LE(ours - printed, 0.04) << percent; // the next spectrum row up is at most 40 us higher
    }
}

TEST(ImportFormats, WrkKeepsItsFourPercentilesAndSaysSo) {
    const auto imported = importOne("wrk_latency_refserver.txt");
    EXPECT_EQ(imported.provenance.tool, "wrk");
    EXPECT_EQ(imported.provenance.fidelity, Fidelity::PrintedPercentiles);
    EXPECT_NE(imported.provenance.detail.find("not corrected"), std::string::npos);
    const auto& s = imported.step;
    EXPECT_EQ(s.completed, 13739);
    EXPECT_DOUBLE_EQ(s.achievedRps, 6859.31);
    expectNear(s.latency.p50Ms, 1.13, 2);
    expectNear(s.latency.p75Ms, 1.17, 2);
    expectNear(s.latency.p90Ms, 1.21, 2);
    expectNear(s.latency.p99Ms, 1.33, 2);
    expectNear(s.latency.maxMs, 4.54, 2);
    EXPECT_EQ(s.latencyHistogram->count(), 13739);
}

namespace {
// The six requests of the vegeta, k6-free and phout fixtures: 1.5, 2.5 ms (200), 3.5 ms (500), a timeout, 1.2 ms
// (200) a second later, a refused connection.
void expectSixRequests(const Step& s) {
    EXPECT_EQ(s.sent, 6);
    EXPECT_EQ(s.completed, 4);
    EXPECT_EQ(s.ok, 3);
    EXPECT_EQ(s.errors.status.at(500), 1);
    EXPECT_EQ(s.errors.timeout, 1);
    EXPECT_EQ(s.errors.connect, 1);
    ASSERT_TRUE(s.latencyHistogram);
    EXPECT_EQ(s.latencyHistogram->count(), 4);
    EXPECT_EQ(s.latencyHistogram->min(), 1200);
    EXPECT_EQ(s.latencyHistogram->max(), 3500);
    ASSERT_EQ(s.timeline.size(), 2u);
    EXPECT_EQ(s.timeline[0].second, 0);
    EXPECT_EQ(s.timeline[0].sent, 4);
    EXPECT_EQ(s.timeline[0].completed, 3);
    EXPECT_EQ(s.timeline[0].errors, 2);
    EXPECT_EQ(s.timeline[1].second, 1);
    EXPECT_EQ(s.timeline[1].sent, 2);
    EXPECT_DOUBLE_EQ(s.timeline[1].p50Ms, 1.2);
}
} // namespace

TEST(ImportFormats, VegetaCsvAndJsonGiveTheSameStep) {
    const auto csv = importOne("vegeta_results.csv");
    const auto json = importOne("vegeta_results.json");
    expectSixRequests(csv.step);
    expectSixRequests(json.step);
    EXPECT_EQ(*csv.step.latencyHistogram, *json.step.latencyHistogram);
    EXPECT_EQ(csv.provenance.url, "http://127.0.0.1:8080/");
    EXPECT_EQ(json.provenance.url, "http://127.0.0.1:8080/");
    EXPECT_EQ(csv.provenance.fidelity, Fidelity::Exact);
    EXPECT_EQ(csv.step.startedMs, 1700000000000);
}

TEST(ImportFormats, PhoutFixture) {
    const auto imported = importOne("tank_phout.txt");
    expectSixRequests(imported.step);
    EXPECT_EQ(imported.provenance.tag, "#0");
}

TEST(ImportFormats, K6JsonAndCsv) {
    for (const char* name : {"k6_results.json", "k6_results.csv"}) {
        const auto imported = importOne(name);
        const auto& s = imported.step;
        EXPECT_EQ(s.sent, 4) << name;
        EXPECT_EQ(s.completed, 3) << name;
        EXPECT_EQ(s.ok, 2) << name;
        EXPECT_EQ(s.errors.status.at(503), 1) << name;
        EXPECT_EQ(s.errors.timeout, 1) << name;
        EXPECT_EQ(s.latencyHistogram->max(), 3500) << name;
        EXPECT_NE(imported.provenance.detail.find("http_req_failed: 2"), std::string::npos) << name;
        EXPECT_EQ(imported.provenance.url, "http://127.0.0.1:8080/") << name;
    }
}

TEST(ImportFormats, OhaPercentilesStatusAndErrors) {
    const auto imported = importOne("oha_results.json");
    const auto& s = imported.step;
    EXPECT_EQ(imported.provenance.fidelity, Fidelity::PrintedPercentiles);
    EXPECT_EQ(s.completed, 10000);
    EXPECT_EQ(s.ok, 9990);
    EXPECT_EQ(s.errors.status.at(503), 10);
    EXPECT_EQ(s.errors.timeout, 2);
    EXPECT_EQ(s.errors.read, 5);
    EXPECT_EQ(s.sent, 10007);
    EXPECT_DOUBLE_EQ(s.achievedRps, 2001.52);
    expectNear(s.latency.p50Ms, 1.9, 1);
    expectNear(s.latency.p90Ms, 2.9, 1);
    expectNear(s.latency.p99Ms, 8.1, 1);
    expectNear(s.latency.p999Ms, 30.1, 1);
    expectNear(s.latency.maxMs, 41.2, 1);
    expectNear(s.latency.minMs, 0.8, 1);
}

TEST(ImportFormats, ProvenanceHasFileNameChecksumAndSize) {
    const auto imported = importOne("tank_phout.txt");
    EXPECT_EQ(imported.provenance.fileName, "tank_phout.txt");
    EXPECT_EQ(imported.provenance.bytes,
              static_cast<std::int64_t>(std::filesystem::file_size(fixture("tank_phout.txt"))));
    EXPECT_EQ(imported.provenance.sha256.size(), 64u);
}

TEST(ImportFormats, AssembledRunHasOneStepPerFileAndProvenance) {
    std::vector<std::vector<ImportedStep>> files;
    for (const char* name : {"vegeta_results.csv", "tank_phout.txt", "wrk2_readme_latency.txt"})
        files.push_back(importFile(fixture(name), detectFormat(fixture(name))));
    AssembleOptions options;
    options.target = "nginx";
    options.rates = {500, 1000, 2000};
    options.nowMs = 1'700'000'100'000;
    const loadscope::Run run = assembleRun(files, options);
    ASSERT_EQ(run.steps.size(), 3u);
    ASSERT_EQ(run.targets.size(), 1u);
    EXPECT_EQ(run.targets[0].name, "nginx");
    EXPECT_EQ(run.steps[2].requestedRps, 2000);
    EXPECT_EQ(run.steps[2].sequence, 3);
    EXPECT_EQ(run.status, RunStatus::Completed);
    EXPECT_NE(run.steps[2].generatorLogTail.find("wrk2_readme_latency.txt"), std::string::npos);
    EXPECT_NE(run.environmentJson.find("\"fidelity\":\"rebuilt from printed percentiles\""), std::string::npos);
    EXPECT_NE(std::find(run.tags.begin(), run.tags.end(), "imported"), run.tags.end());
    EXPECT_EQ(run.name, "Imported 3 files (phout, vegeta, wrk2)");

    options.rates = {500, 1000};
    EXPECT_THROW(assembleRun(files, options), ImportError);
    // Without --rate each file's own rate, rounded to 3 digits.
    options.rates = {};
    const loadscope::Run measured = assembleRun({files[2]}, options);
    EXPECT_EQ(measured.steps[0].requestedRps, 2000);
}

TEST(ImportFormats, RatesRoundToThreeDigits) {
    EXPECT_EQ(roundRate(1999.7), 2000);
    EXPECT_EQ(roundRate(123.45), 123);
    EXPECT_EQ(roundRate(98765), 98800);
}
