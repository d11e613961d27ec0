// The report's content without a browser: the Markdown snapshot, what the HTML holds (every section, every chart,
// the data to redraw, nothing fetched from elsewhere), and the chart helpers.
#include "report_test_support.h"
#include "report_writer.h"
#include "svg_chart.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

using namespace loadscope;
using namespace loadscope::report;

namespace {

ReportOptions fixedOptions() {
    ReportOptions o;
    o.generatedMs = 1'765'000'000'000; // 2025-12-06 05:46 UTC
    o.generator = "loadscope test";
    return o;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Compares with the snapshot in data/; LOADSCOPE_UPDATE_SNAPSHOTS=1 writes it instead (review the diff).
void expectSnapshot(const std::string& name, const std::string& actual) {
    const std::string path = std::string(LOADSCOPE_REPORT_SNAPSHOTS) + "/" + name;
    if (std::getenv("LOADSCOPE_UPDATE_SNAPSHOTS")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    EXPECT_EQ(actual, readFile(path)) << "snapshot " << path
                                      << " differs; LOADSCOPE_UPDATE_SNAPSHOTS=1 rewrites it (review the diff)";
}

} // namespace

TEST(ReportContent, MarkdownSnapshotOfOneRun) {
    auto runs = test::sampleRuns();
    runs.resize(1);
    const auto md = markdownReport(prepareReport(runs), fixedOptions());
    expectSnapshot("one_run.md", md);
    EXPECT_NE(md.find("| tornado | 1500 | 3 |"), std::string::npos) << md;
}

TEST(ReportContent, MarkdownSnapshotComparingTwoRuns) {
    expectSnapshot("two_runs.md", markdownReport(prepareReport(test::sampleRuns()), fixedOptions()));
}

TEST(ReportContent, HtmlHoldsEverySectionChartAndItsData) {
    const auto html = htmlReport(prepareReport(test::sampleRuns()), fixedOptions());
    for (const char* part : {"<section id=\"verdict\">", "<section id=\"charts\">", "<section id=\"summary\">",
                             "<section id=\"runs\">", "id=\"latency-vs-rps\"", "id=\"spectrum\"", "id=\"throughput\"",
                             "id=\"timeline\"", "id=\"loadscope-report-data\"", "bench-vm", "#2 aiohttp"})
        EXPECT_NE(html.find(part), std::string::npos) << part;
    // Self-contained: nothing is loaded from elsewhere (the SVG namespace is a name, not a fetch).
    const std::regex external(R"((src|href)\s*=\s*["']?(https?:|//)|<link\b|@import|url\(\s*["']?https?:)",
                              std::regex::icase);
    EXPECT_FALSE(std::regex_search(html, external));
    // The embedded data parses and has every run's measurements.
    const auto start = html.find("id=\"loadscope-report-data\">") + 27;
    const auto data = nlohmann::json::parse(html.substr(start, html.find("</script>", start) - start));
    EXPECT_EQ(data["format"], "loadscope-report");
    ASSERT_EQ(data["runs"].size(), 2u);
    EXPECT_EQ(data["runs"][0]["targets"][1]["measurements"].size(), 4u);
    EXPECT_EQ(data["charts"].size(), 4u);
}

TEST(ReportContent, NamesAreEscaped) {
    auto runs = test::sampleRuns();
    runs.resize(1);
    runs[0].name = "<script>alert(1)</script> & \"friends\"";
    const auto html = htmlReport(prepareReport(runs), fixedOptions());
    EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;"), std::string::npos);
}

TEST(ReportContent, ChartHelpers) {
    EXPECT_EQ(niceTicks(0, 2000), (std::vector<double>{0, 500, 1000, 1500, 2000}));
    EXPECT_EQ(niceTicks(0, 7.3), (std::vector<double>{0, 2, 4, 6}));
    EXPECT_EQ(axisNumber(12000), "12k");
    EXPECT_EQ(axisNumber(0.25), "0.25");
    EXPECT_EQ(escapeXml("a<b&\"c'"), "a&lt;b&amp;&quot;c&#39;");
    Chart empty;
    empty.id = "e";
    empty.title = "nothing";
    EXPECT_NE(renderSvg(empty).find("no data"), std::string::npos);
}
