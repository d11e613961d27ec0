// HdrHistogram's own Java implementation (Debian's libhdrhistogram-java) reads the logs `loadscope export --format
// hlog` writes, and writes logs the importer reads: the counts, p50, p99 and max agree both ways.
#include "format_registry.h"
#include "hlog_writer.h"
#include "importer_test_support.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>

using namespace loadscope;
using namespace loadscope::importers;
using loadscope::importers::test::TempDir;

namespace {

struct JavaLine {
    std::int64_t count = 0, p50 = 0, p99 = 0, max = 0;
};

// Runs HlogCheck.java; its lines by tag. Empty (and `ok` false) when Java cannot run.
std::map<std::string, JavaLine> runJava(const std::string& mode, const std::filesystem::path& file, bool& ok) {
    const std::string command =
        "java -cp " LOADSCOPE_HDRHISTOGRAM_JAR " " LOADSCOPE_HLOG_CHECK " " + mode + " '" + file.string() + "' 2>&1";
    std::map<std::string, JavaLine> lines;
    FILE* pipe = popen(command.c_str(), "r");
    ok = pipe != nullptr;
    if (!pipe)
        return lines;
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe))
        output += buffer;
    ok = pclose(pipe) == 0;
    EXPECT_TRUE(ok) << command << "\n" << output;
    std::istringstream in(output);
    std::string tag;
    JavaLine line;
    while (in >> tag >> line.count >> line.p50 >> line.p99 >> line.max)
        lines[tag] = line;
    return lines;
}

bool javaAvailable(std::string& why) {
    if (!std::filesystem::exists(LOADSCOPE_HDRHISTOGRAM_JAR)) {
        why = LOADSCOPE_HDRHISTOGRAM_JAR " is missing (scripts/deps.sh installs libhdrhistogram-java)";
        return false;
    }
    if (std::system("java -version > /dev/null 2>&1") != 0) {
        why = "no java (scripts/deps.sh installs default-jdk-headless)";
        return false;
    }
    return true;
}

void expectWithinACounter(std::int64_t ours, std::int64_t theirs) {
    EXPECT_NEAR(static_cast<double>(ours), static_cast<double>(theirs), static_cast<double>(theirs) * 0.001 + 1);
}

} // namespace

TEST(JavaInterop, HdrHistogramJavaReadsOurExport) {
    std::string why;
    if (!javaAvailable(why))
        GTEST_SKIP() << why;
    loadscope::Run run;
    run.id = 1;
    run.name = "interop";
    run.createdMs = 1'700'000'000'000;
    std::mt19937_64 random(11);
    for (int i = 0; i < 3; ++i) {
        Step s;
        s.targetName = "aiohttp";
        s.requestedRps = 500.0 * (i + 1);
        s.startedMs = run.createdMs + i * 10'000;
        s.durationS = 8;
        LatencyHistogram h;
        std::lognormal_distribution<double> latency(std::log(800.0 * (i + 1)), 1.0);
        for (int k = 0; k < 30000; ++k)
            h.record(static_cast<std::int64_t>(latency(random)));
        s.latencyHistogram = h;
        run.steps.push_back(s);
    }
    const TempDir dir;
    const auto path = dir.file("export.hlog", runToHlog(run));
    bool ok = false;
    const auto java = runJava("read", path, ok);
    ASSERT_TRUE(ok);
    ASSERT_EQ(java.size(), 3u);
    for (const auto& s : run.steps) {
        const auto it = java.find(hlogTag(s));
        ASSERT_NE(it, java.end()) << hlogTag(s);
        const auto& h = *s.latencyHistogram;
        EXPECT_EQ(it->second.count, h.count());
        expectWithinACounter(h.valueAtPercentile(50), it->second.p50);
        expectWithinACounter(h.valueAtPercentile(99), it->second.p99);
        expectWithinACounter(h.max(), it->second.max);
    }
}

TEST(JavaInterop, WeImportWhatHdrHistogramJavaWrites) {
    std::string why;
    if (!javaAvailable(why))
        GTEST_SKIP() << why;
    const TempDir dir;
    const auto path = dir.path() / "java.hlog";
    bool ok = false;
    const auto java = runJava("write", path, ok);
    ASSERT_TRUE(ok);
    ASSERT_EQ(java.size(), 2u);
    // "us": microseconds at our layout; "ns": nanoseconds at 2 digits (jHiccup's kind of log), both units found from
    // the max column, so the two are the same values.
    const auto steps = importFile(path, detectFormat(path));
    ASSERT_EQ(steps.size(), 2u);
    for (const auto& imported : steps) {
        const auto& tag = imported.provenance.tag;
        const auto& expected = java.at(tag);
        const double scale = tag == "ns" ? 1000.0 : 1.0;
        const double tolerance = tag == "ns" ? 0.01 : 0.001; // the ns log keeps 2 digits
        const auto& h = *imported.step.latencyHistogram;
        EXPECT_EQ(h.count(), expected.count) << tag;
        EXPECT_NEAR(static_cast<double>(h.valueAtPercentile(50)), static_cast<double>(expected.p50) / scale,
                    static_cast<double>(expected.p50) / scale * tolerance + 1)
            << tag;
        EXPECT_NEAR(static_cast<double>(h.valueAtPercentile(99)), static_cast<double>(expected.p99) / scale,
                    static_cast<double>(expected.p99) / scale * tolerance + 1)
            << tag;
        EXPECT_NEAR(static_cast<double>(h.max()), static_cast<double>(expected.max) / scale,
                    static_cast<double>(expected.max) / scale * tolerance + 1)
            << tag;
        EXPECT_EQ(imported.step.startedMs, tag == "us" ? 1'700'000'000'000 : 1'700'000'010'000);
        EXPECT_DOUBLE_EQ(imported.step.durationS, 10.0);
    }
}
