// The HTML report in a real browser: headless Chromium (Debian's `chromium`) opens it from a file with the network
// cut off, runs its script, and a check injected at the top of <head> reports script errors, console errors, each
// chart's rendered size and a legend click; a screenshot is saved beside the test (report_screenshot.png).
#include "report_test_support.h"
#include "report_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace loadscope;
using namespace loadscope::report;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

// Records errors before the report's own script runs, and after the load writes what it saw into the DOM.
constexpr const char* kCheck = R"(<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push('error: ' + e.message); });
(function () {
  var original = console.error;
  console.error = function () { window.__errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
                                original.apply(console, arguments); };
})();
window.addEventListener('load', function () {
  var charts = Array.prototype.map.call(document.querySelectorAll('svg.chart'), function (svg) {
    var r = svg.getBoundingClientRect();
    return {id: svg.id, width: Math.round(r.width), height: Math.round(r.height),
            series: svg.querySelectorAll('g.series').length, points: svg.querySelectorAll('circle').length};
  });
  var entry = document.querySelector('#latency-vs-rps .legend-entry');
  if (entry) entry.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  var hidden = document.querySelectorAll('#latency-vs-rps g.series.off').length;
  var runs = -1;
  try { runs = JSON.parse(document.getElementById('loadscope-report-data').textContent).runs.length; }
  catch (e) { window.__errors.push('data: ' + e); }
  var out = document.createElement('pre');
  out.id = 'report-check';
  out.textContent = JSON.stringify({errors: window.__errors, charts: charts, hidden: hidden, runs: runs,
                                    ready: document.body.getAttribute('data-report-ready')});
  document.body.appendChild(out);
});
</script>)";

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "loadscope-report-XXXXXX").string();
        path_ = mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

std::string run(const std::string& command, int& status) {
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        status = -1;
        return output;
    }
    char buffer[65536];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        output.append(buffer, n);
    status = pclose(pipe);
    return output;
}

std::string chromium(const TempDir& dir, const std::string& arguments, const std::filesystem::path& page, int& status) {
    // No network at all: every host name resolves to nothing, so a report that fetched anything would show it.
    return run(std::string(kChromium) + " --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run " +
                   "--user-data-dir='" + (dir.path() / "profile").string() + "' " +
                   "--host-resolver-rules='MAP * ~NOTFOUND' --virtual-time-budget=5000 " + arguments + " 'file://" +
                   page.string() + "' 2>'" + (dir.path() / "stderr.txt").string() + "'",
               status);
}

std::string unescapeText(std::string text) {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}}) {
        for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    }
    return text;
}

} // namespace

TEST(ReportChromium, LoadsWithoutErrorsWithEveryChartSizedAndSavesAScreenshot) {
    if (!std::filesystem::exists(kChromium))
        GTEST_SKIP() << kChromium << " is missing (scripts/deps.sh installs Debian's chromium)";
    const TempDir dir;
    ReportOptions options;
    options.generatedMs = 1'765'000'000'000;
    options.generator = "loadscope test";
    std::string html = htmlReport(prepareReport(test::sampleRuns()), options);
    const auto report = dir.path() / "report.html";
    std::ofstream(report) << html;
    html.insert(html.find("<head>") + 6, kCheck);
    const auto checked = dir.path() / "checked.html";
    std::ofstream(checked) << html;

    int status = 0;
    const auto dom = chromium(dir, "--dump-dom", checked, status);
    ASSERT_EQ(status, 0) << dom.substr(0, 2000);
    const auto start = dom.find("<pre id=\"report-check\">");
    ASSERT_NE(start, std::string::npos) << "the check did not run; DOM: " << dom.substr(0, 1000);
    const auto bodyStart = start + std::string("<pre id=\"report-check\">").size();
    const auto result =
        nlohmann::json::parse(unescapeText(dom.substr(bodyStart, dom.find("</pre>", bodyStart) - bodyStart)));
    EXPECT_TRUE(result["errors"].empty()) << result["errors"].dump(2);
    EXPECT_EQ(result["ready"], "yes");
    EXPECT_EQ(result["runs"], 2);
    ASSERT_EQ(result["charts"].size(), 4u) << result.dump(2);
    for (const auto& chart : result["charts"]) {
        EXPECT_GT(chart["width"].get<int>(), 400) << chart.dump();
        EXPECT_GT(chart["height"].get<int>(), 200) << chart.dump();
        EXPECT_GT(chart["series"].get<int>(), 0) << chart.dump();
    }
    EXPECT_GT(result["charts"][0]["points"].get<int>(), 20);
    EXPECT_EQ(result["hidden"], 2); // the first legend entry hides that series' p99 and p50 lines
    std::ifstream errors(dir.path() / "stderr.txt");
    std::stringstream stderrText;
    stderrText << errors.rdbuf();
    EXPECT_EQ(stderrText.str().find("Uncaught"), std::string::npos) << stderrText.str();

    // The unmodified report, as a user sees it.
    const std::string screenshot = std::string(LOADSCOPE_REPORT_SCREENSHOT);
    std::filesystem::remove(screenshot);
    chromium(dir, "--window-size=1200,3000 --screenshot='" + screenshot + "'", report, status);
    EXPECT_EQ(status, 0);
    ASSERT_TRUE(std::filesystem::exists(screenshot));
    EXPECT_GT(std::filesystem::file_size(screenshot), 50'000u); // charts and tables, not a blank page
}
