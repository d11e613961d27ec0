// Broken input: every refusal names the file, the line (or field) and what was expected.
#include "format_registry.h"
#include "importer_test_support.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace loadscope;
using namespace loadscope::importers;
using loadscope::importers::test::fixture;
using loadscope::importers::test::TempDir;

namespace {

std::string readFixture(const std::string& name) {
    std::ifstream in(fixture(name), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The message of the ImportError that detecting and importing `content` (as `name`) throws.
std::string failure(const std::string& name, const std::string& content, const std::string& tool = "auto",
                    const ParseOptions& options = {}) {
    const TempDir dir;
    const auto path = dir.file(name, content);
    try {
        importFile(path, detectFormat(path, tool), options);
    } catch (const ImportError& e) {
        return e.what();
    }
    return "(no error)";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

} // namespace

TEST(ImportBroken, EmptyAndUnknownFiles) {
    EXPECT_CONTAINS(failure("empty.txt", ""), "empty.txt: empty: expected a result file");
    EXPECT_CONTAINS(failure("blank.txt", "\n\n  \n"), "blank.txt: empty");
    EXPECT_CONTAINS(failure("notes.txt", "hello world\n"), "notes.txt: not a format Loadscope imports");
    EXPECT_CONTAINS(failure("notes.txt", "hello world\n"), "its first line is 'hello world'");
    EXPECT_CONTAINS(failure("results.bin", std::string("\x0e\xff\x81\x03\x01\x01\x06Result\x00", 14)), "binary data");
    EXPECT_CONTAINS(
        failure("missing.csv", "x", "auto").substr(0, 0) +
            [] {
                try {
                    detectFormat("/nonexistent/folder/missing.csv");
                } catch (const ImportError& e) {
                    return std::string(e.what());
                }
                return std::string();
            }(),
        "/nonexistent/folder/missing.csv: cannot read");
}

TEST(ImportBroken, TruncatedWrk2Spectrum) {
    const auto text = readFixture("wrk2_readme_latency.txt");
    const auto cut = text.substr(0, text.find("      10.015"));
    const auto message = failure("wrk2.txt", cut);
    EXPECT_CONTAINS(message, "wrk2.txt:");
    EXPECT_CONTAINS(message, "cut short");
    // Cut after the spectrum: the summary lines are missing.
    const auto noSummary = failure("wrk2.txt", text.substr(0, text.find("  60018 requests")));
    EXPECT_CONTAINS(noSummary, "wrk2.txt: expected wrk or wrk2 output with a line 'N requests in");
}

TEST(ImportBroken, Wrk2SpectrumRowWithWrongColumns) {
    auto text = readFixture("wrk2_readme_latency.txt");
    text.replace(text.find("       6.179     0.400000        15803         1.67"), 50, "       6.179     0.400000");
    EXPECT_CONTAINS(failure("wrk2.txt", text), "wrk2.txt:25: expected a spectrum row");
    text = readFixture("wrk2_readme_latency.txt");
    text.replace(text.find("15803"), 5, "15$03");
    EXPECT_CONTAINS(failure("wrk2.txt", text), "wrk2.txt:25: expected a spectrum row of a value in ms");
}

TEST(ImportBroken, VegetaCsvBadFields) {
    const std::string good = "1700000000000000000,200,1500000,0,13,,,,0,GET,http://x/,\n";
    EXPECT_CONTAINS(failure("v.csv", good + "1700000000010000000,200,abc,0,13,,,,1,GET,http://x/,\n"),
                    "v.csv:2: column 3 (latency): expected nanoseconds, 0 to 3600000000000 (one hour), found 'abc'");
    EXPECT_CONTAINS(failure("v.csv", good + "1700000000010000000,200\n"),
                    "v.csv:2: expected vegeta CSV columns (timestamp, code, latency, bytes out, bytes in, error, "
                    "...), found 2 columns");
    EXPECT_CONTAINS(failure("v.csv", good + "1700000000010000000,200,1,0,13,\"unclosed\n"),
                    "v.csv:2: a quoted field is not closed");
    // Huge: beyond the hour the histogram holds, and beyond 64 bits.
    EXPECT_CONTAINS(failure("v.csv", good + "1700000000010000000,200,3600000001000,0,13,,,,1,GET,http://x/,\n"),
                    "v.csv:2: column 3 (latency)");
    EXPECT_CONTAINS(failure("v.csv", good + "1700000000010000000,200,99999999999999999999,0,13,,,,1,GET,http://x/,\n"),
                    "v.csv:2: column 3 (latency)");
    EXPECT_CONTAINS(failure("v.csv", good + "1700000000010000000,2000,1,0,13,,,,1,GET,http://x/,\n"),
                    "v.csv:2: column 2 (code): expected an HTTP status or 0, found '2000'");
}

TEST(ImportBroken, TruncatedLastLines) {
    const auto vegeta = readFixture("vegeta_results.json");
    EXPECT_CONTAINS(failure("v.json", vegeta.substr(0, vegeta.size() - 40)),
                    "v.json:6: expected one JSON object per line (vegeta encode --to json)");
    const auto k6 = readFixture("k6_results.json");
    EXPECT_CONTAINS(failure("k6.json", k6.substr(0, k6.rfind("http_req_duration") + 5)),
                    "k6.json:9: expected one JSON");
    const auto phout = readFixture("tank_phout.txt");
    EXPECT_CONTAINS(failure("phout.txt", phout.substr(0, phout.size() - 8)),
                    "phout.txt:6: expected 12 tab-separated phout columns");
    const auto oha = readFixture("oha_results.json");
    EXPECT_CONTAINS(failure("oha.json", oha.substr(0, oha.size() / 2)), "oha.json: expected one JSON document");
    const auto hlog = readFixture("hdrhistogram_jhiccup_v2.hlog");
    EXPECT_CONTAINS(failure("j.hlog", hlog.substr(0, hlog.size() - 30)), "j.hlog:42: column 4 (histogram): expected");
}

TEST(ImportBroken, PhoutBadColumns) {
    EXPECT_CONTAINS(failure("p.txt", "1700000000.000\t#0\tx\t1\t1\t1\t1\t1\t1\t1\t0\t200\n", "phout"),
                    "p.txt:1: column 3 (interval_real): expected microseconds");
    EXPECT_CONTAINS(failure("p.txt", "1700000000.000\t#0\t10\t1\t1\t1\t1\t1\t1\t1\t0\t200\n"
                                     "1700000000.000\t#0\t10\t1\t1\t1\t1\t1\t1\t1\t0\t2000\n"),
                    "p.txt:2: column 12 (proto_code): expected an HTTP status, found '2000'");
    EXPECT_CONTAINS(failure("p.txt", "1700000000.000\t#0\t10\t1\t1\t1\t1\t1\t1\t1\t0\t200\n"
                                     "1700000000.000,#0,10,1,1,1,1,1,1,1,0,200\n"),
                    "p.txt:2: expected 12 tab-separated phout columns");
}

TEST(ImportBroken, K6CsvWithoutItsColumns) {
    EXPECT_CONTAINS(failure("k6.csv", "metric_name,timestamp,metric_value\nhttp_req_duration,1,2\n", "k6"),
                    "k6.csv:1: expected a k6 CSV header with metric_name, timestamp, metric_value and status");
    EXPECT_CONTAINS(failure("k6.csv", "metric_name,timestamp,metric_value,status\nhttp_req_duration,1,-2,200\n"),
                    "k6.csv:2: column metric_value: expected a duration in ms");
    EXPECT_CONTAINS(failure("k6.csv", "metric_name,timestamp,metric_value,status\nhttp_reqs,1,1,200\n"),
                    "k6.csv: no http_req_duration samples");
}

TEST(ImportBroken, HlogDamagedHistogram) {
    const std::string header = "#[Histogram log format version 1.2]\n\"StartTimestamp\",\"Interval_Length\","
                               "\"Interval_Max\",\"Interval_Compressed_Histogram\"\n";
    EXPECT_CONTAINS(failure("h.hlog", header + "0.1,1.0,2.0,HISTFAAAAEB42pNpmSzMwMAgyw\n"),
                    "h.hlog:3: column 4 (histogram): expected");
    EXPECT_CONTAINS(failure("h.hlog", header + "0.1,1.0,2.0,SGVsbG8sIHdvcmxkIQ==\n"),
                    "h.hlog:3: column 4 (histogram): expected an HdrHistogram V2 compressed histogram");
    EXPECT_CONTAINS(failure("h.hlog", header + "0.1,1.0\n"), "h.hlog:3: expected an interval 'start,length,max,HISTF");
    EXPECT_CONTAINS(failure("h.hlog", header), "h.hlog: no intervals");
    ParseOptions options;
    options.hlogUnit = "minutes";
    EXPECT_CONTAINS(failure("h.hlog", header, "hlog", options), "--hlog-unit: expected ns, us, ms or s");
}

TEST(ImportBroken, OhaMissingFields) {
    EXPECT_CONTAINS(failure("oha.json", "{\"summary\": {\"successRate\": 1}, \"latencyPercentiles\": {}}"),
                    "oha.json: field \"summary.total\": expected the run's duration in seconds");
    EXPECT_CONTAINS(failure("oha.json", "{\"summary\": {\"successRate\": 1, \"total\": 1}, "
                                        "\"latencyPercentiles\": {}}"),
                    "oha.json: field \"statusCodeDistribution\": expected an object");
}
