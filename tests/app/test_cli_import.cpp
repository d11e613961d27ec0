// `loadscope import` of other tools' files and `loadscope export --format hlog`, driven as a user would: exit
// codes, messages naming the file and line, nothing written on bad input, the round trip through an hlog, --into,
// and Loadscope's own run JSON through the same command.
#include "child_process.h"
#include "install_paths.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

using namespace loadscope;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kData = LOADSCOPE_IMPORTER_FIXTURES;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class ImportHome {
public:
    ImportHome() {
        std::random_device random;
        dir_ = std::filesystem::temp_directory_path() /
               ("loadscope-cli-import-" + std::to_string(getpid()) + "-" + std::to_string(random()));
        std::filesystem::create_directories(dir_);
    }
    ~ImportHome() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    const std::filesystem::path& dir() const { return dir_; }
    CommandResult run(std::vector<std::string> args) const {
        ChildProcessOptions o;
        o.argv = {(binDir() / "loadscope").string()};
        o.argv.insert(o.argv.end(), args.begin(), args.end());
        o.argv.push_back("--db");
        o.argv.push_back((dir_ / "runs.sqlite").string());
        o.env = {{"XDG_DATA_HOME", (dir_ / "data").string()}, {"DISPLAY", ""}, {"QT_QPA_PLATFORM", ""}};
        return runCommand(o, 60s);
    }
    nlohmann::json exportJson(const std::string& which) const {
        const auto r = run({"export", which, "--format", "json"});
        EXPECT_TRUE(r.success()) << r.err;
        return nlohmann::json::parse(r.out);
    }

private:
    std::filesystem::path dir_;
};

int exitCode(const CommandResult& r) {
    return r.status && r.status->exited ? r.status->code : -1;
}

std::string file(const std::string& name) {
    return (kData / name).string();
}

} // namespace

TEST(CliImport, FilesOfThreeToolsBecomeOneRunWithProvenance) {
    const ImportHome home;
    const auto r =
        home.run({"import", file("vegeta_results.csv"), file("tank_phout.txt"), file("wrk2_readme_latency.txt"),
                  "--target", "nginx", "--rate", "500,1000,2000", "--name", "three tools"});
    ASSERT_EQ(exitCode(r), 0) << r.err;
    EXPECT_TRUE(contains(r.out, "Imported 3 files as run 1 \"three tools\"")) << r.out;
    EXPECT_TRUE(contains(r.out, "rebuilt from printed percentiles")) << r.out;
    const auto run = home.exportJson("1");
    ASSERT_EQ(run["steps"].size(), 3u);
    EXPECT_EQ(run["steps"][2]["target"], "nginx");
    EXPECT_EQ(run["steps"][2]["requested_rps"], 2000);
    EXPECT_TRUE(contains(run["steps"][2]["generator_log_tail"].get<std::string>(), "wrk2_readme_latency.txt"));
    const auto& environment = run["run"]["environment"];
    EXPECT_EQ(environment["imports"].size(), 3u) << environment.dump();
    EXPECT_EQ(environment["imports"][1]["tool"], "phout");
    EXPECT_EQ(environment["imports"][1]["sha256"].get<std::string>().size(), 64u);
    const auto tags = run["run"]["tags"].dump();
    EXPECT_TRUE(contains(tags, "imported")) << tags;
    // It reads like any other run.
    const auto show = home.run({"show", "1"});
    EXPECT_EQ(exitCode(show), 0) << show.err;
    EXPECT_TRUE(contains(show.out, "nginx")) << show.out;
}

TEST(CliImport, ABadFileIsRefusedWithItsLineAndNothingIsWritten) {
    const ImportHome home;
    std::ifstream in(kData / "wrk2_readme_latency.txt");
    std::stringstream text;
    text << in.rdbuf();
    const auto cut = home.dir() / "cut.txt";
    std::ofstream(cut) << text.str().substr(0, text.str().find("      10.015") + 20);
    const auto r = home.run({"import", file("vegeta_results.csv"), cut.string()});
    EXPECT_EQ(exitCode(r), 2);
    EXPECT_TRUE(contains(r.err, "loadscope import: cut.txt:43: expected a spectrum row")) << r.err;
    const auto unknown = home.run({"import", file("README.md")});
    EXPECT_EQ(exitCode(unknown), 2);
    EXPECT_TRUE(contains(unknown.err, "README.md: not a format Loadscope imports")) << unknown.err;
    const auto mismatch = home.run({"import", file("tank_phout.txt"), "--tool", "k6"});
    EXPECT_EQ(exitCode(mismatch), 2);
    EXPECT_TRUE(contains(mismatch.err, "--tool k6 was asked for")) << mismatch.err;
    const auto rates = home.run({"import", file("tank_phout.txt"), file("vegeta_results.csv"), "--rate", "1,2,3"});
    EXPECT_EQ(exitCode(rates), 2);
    EXPECT_TRUE(contains(rates.err, "--rate: expected one rate, or one per file (2), got 3")) << rates.err;
    const auto list = home.run({"list"});
    EXPECT_FALSE(contains(list.out, "Imported")) << list.out;
}

TEST(CliImport, HlogExportImportsBackWithItsTargetsAndRates) {
    const ImportHome home;
    ASSERT_EQ(exitCode(home.run({"import", file("vegeta_results.csv"), file("tank_phout.txt"), "--target", "aiohttp",
                                 "--rate", "700,1400"})),
              0);
    const auto hlog = (home.dir() / "run.hlog").string();
    const auto exported = home.run({"export", "last", "--out", hlog});
    ASSERT_EQ(exitCode(exported), 0) << exported.err;
    std::ifstream in(hlog);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_TRUE(contains(text.str(), "Tag=aiohttp@1400rps#1,")) << text.str();
    const auto back = home.run({"import", hlog});
    ASSERT_EQ(exitCode(back), 0) << back.err;
    const auto original = home.exportJson("1");
    const auto again = home.exportJson("2");
    ASSERT_EQ(again["steps"].size(), 2u);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(again["steps"][i]["target"], "aiohttp");
        EXPECT_EQ(again["steps"][i]["requested_rps"], original["steps"][i]["requested_rps"]);
        EXPECT_EQ(again["steps"][i]["latency"]["p99_ms"], original["steps"][i]["latency"]["p99_ms"]);
        EXPECT_EQ(again["steps"][i]["latency"]["max_ms"], original["steps"][i]["latency"]["max_ms"]);
    }
}

TEST(CliImport, IntoAddsStepsToAnExistingRun) {
    const ImportHome home;
    ASSERT_EQ(exitCode(home.run({"import", file("wrk2_readme_latency.txt"), "--target", "nginx"})), 0);
    const auto r =
        home.run({"import", file("hdrhistogram_tagged_non_monotonic.hlog"), "--into", "last", "--rate", "800"});
    ASSERT_EQ(exitCode(r), 0) << r.err;
    EXPECT_TRUE(contains(r.out, "Added 3 steps to run 1")) << r.out;
    const auto run = home.exportJson("1");
    ASSERT_EQ(run["steps"].size(), 4u);
    EXPECT_EQ(run["steps"][3]["target"], "C");
    EXPECT_EQ(run["steps"][3]["sequence"], 4);
    const auto noRun = home.run({"import", file("tank_phout.txt"), "--into", "42"});
    EXPECT_EQ(exitCode(noRun), 2) << noRun.err;
}

TEST(CliImport, LoadscopeRunJsonStillImportsThroughTheSameCommand) {
    const ImportHome home;
    ASSERT_EQ(exitCode(home.run({"import", file("k6_results.csv")})), 0);
    const auto json = (home.dir() / "run.json").string();
    ASSERT_EQ(exitCode(home.run({"export", "1", "--out", json})), 0);
    const auto r = home.run({"import", json});
    ASSERT_EQ(exitCode(r), 0) << r.err;
    EXPECT_TRUE(contains(r.out, "as run 2")) << r.out;
    const auto alone = home.run({"import", json, "--target", "x"});
    EXPECT_EQ(exitCode(alone), 2);
    EXPECT_TRUE(contains(alone.err, "is imported alone")) << alone.err;
}

TEST(CliImport, ReportOfAnImportedRunAsHtmlAndMarkdown) {
    const ImportHome home;
    ASSERT_EQ(exitCode(home.run({"import", file("vegeta_results.csv"), file("wrk2_readme_latency.txt"), "--target",
                                 "nginx", "--rate", "500,2000"})),
              0);
    const auto html = (home.dir() / "report.html").string();
    const auto r = home.run({"report", "last", "--out", html});
    ASSERT_EQ(exitCode(r), 0) << r.err;
    std::ifstream in(html);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_TRUE(contains(text.str(), "<svg")) << text.str().substr(0, 500);
    EXPECT_TRUE(contains(text.str(), "Imported from other tools' result files"));
    const auto md = home.run({"report", "1"});
    ASSERT_EQ(exitCode(md), 0) << md.err;
    EXPECT_TRUE(contains(md.out, "# Loadscope report")) << md.out;
    EXPECT_TRUE(contains(md.out, "step 2: wrk2 text wrk2_readme_latency.txt, rebuilt from printed percentiles"))
        << md.out;
    const auto bad = home.run({"report", "1", "--format", "pdf"});
    EXPECT_EQ(exitCode(bad), 2);
    EXPECT_TRUE(contains(bad.err, "--format: expected html or md, got 'pdf'")) << bad.err;
}

TEST(CliImport, SloGivesAnImportedRunItsVerdictsAndKnee) {
    const ImportHome home;
    ASSERT_EQ(exitCode(home.run({"import", file("vegeta_results.csv"), file("wrk2_readme_latency.txt"), "--target",
                                 "nginx", "--rate", "500,2000", "--slo", "p99<5ms,errors<60%"})),
              0);
    const auto md = home.run({"report", "1"});
    ASSERT_EQ(exitCode(md), 0) << md.err;
    EXPECT_TRUE(contains(md.out, "**nginx 500")) << md.out; // 500 held (p99 3.5 ms), 2000 broke (p99 11.2 ms)
    const auto bad = home.run({"import", file("tank_phout.txt"), "--slo", "p99 under 5"});
    EXPECT_EQ(exitCode(bad), 2);
    EXPECT_TRUE(contains(bad.err, "--slo:")) << bad.err;
}
