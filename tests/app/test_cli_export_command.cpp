// The one `export` command of the Qt-free CLI library, run in process on a real database: run references in every
// form, the data formats, and what --chart says where no GUI library registered the charts (the asan build, a
// headless package). The charts themselves: tests/ui/test_headless_export.cpp, through the real executable.
#include "cli_main.h"
#include "run_store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace loadscope;

namespace {

struct Outcome {
    int exitCode = -1;
    std::string out;
    std::string err;
};

std::string fileText(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class CliExportCommand : public ::testing::Test {
protected:
    void SetUp() override {
        folder_ =
            std::filesystem::temp_directory_path() / ("loadscope-cli-export-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(folder_);
        db_ = (folder_ / "runs.sqlite").string();
        RunStore store = RunStore::open(db_);
        loadscope::Run older;
        older.name = "tagged";
        older.tags = {"baseline"};
        older.createdMs = 1'700'000'000'000;
        tagged_ = store.createRun(older);
        loadscope::Run newer;
        newer.name = "newest";
        newer.createdMs = older.createdMs + 1000;
        store.createRun(newer);
    }
    void TearDown() override { std::filesystem::remove_all(folder_); }

    // `loadscope ARGS --db DB` in this process, its standard output and error captured through files.
    Outcome run(std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), "loadscope");
        arguments.push_back("--db");
        arguments.push_back(db_);
        std::vector<char*> argv;
        for (auto& a : arguments)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        const auto outPath = folder_ / "stdout", errPath = folder_ / "stderr";
        std::fflush(stdout);
        std::fflush(stderr);
        const int savedOut = ::dup(STDOUT_FILENO), savedErr = ::dup(STDERR_FILENO);
        std::FILE* out = std::fopen(outPath.c_str(), "w");
        std::FILE* err = std::fopen(errPath.c_str(), "w");
        ::dup2(::fileno(out), STDOUT_FILENO);
        ::dup2(::fileno(err), STDERR_FILENO);
        Outcome outcome;
        outcome.exitCode = cli::runCommandLine(static_cast<int>(arguments.size()), argv.data());
        std::cout.flush();
        std::cerr.flush();
        std::fflush(stdout);
        std::fflush(stderr);
        ::dup2(savedOut, STDOUT_FILENO);
        ::dup2(savedErr, STDERR_FILENO);
        ::close(savedOut);
        ::close(savedErr);
        std::fclose(out);
        std::fclose(err);
        outcome.out = fileText(outPath);
        outcome.err = fileText(errPath);
        return outcome;
    }

    std::filesystem::path folder_;
    std::string db_;
    std::int64_t tagged_ = 0;
};

} // namespace

TEST_F(CliExportCommand, EveryRunReferenceFormNamesItsRun) {
    // The exported document carries the run's name, not its id (an import gives it a new one).
    const std::vector<std::pair<std::string, std::string>> forms{{std::to_string(tagged_), "tagged"},
                                                                 {"#" + std::to_string(tagged_), "tagged"},
                                                                 {"last", "newest"},
                                                                 {"latest", "newest"},
                                                                 {"tag:baseline", "tagged"}};
    for (const auto& [form, name] : forms) {
        const Outcome outcome = run({"export", form, "--format", "json"});
        ASSERT_EQ(outcome.exitCode, 0) << form << ": " << outcome.err;
        EXPECT_EQ(nlohmann::json::parse(outcome.out)["run"]["name"], name) << form;
    }
}

TEST_F(CliExportCommand, BadReferencesAndFormatsAreUsageErrorsThatSayWhatIsExpected) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"export", "abc"},
         "loadscope export: RUN: expected a run id (a number, see `loadscope list`), 'last' or "
         "tag:NAME, got 'abc'"},
        {{"export", "#4242"}, "RUN: there is no run 4242 in " + db_},
        {{"export", "tag:"}, "RUN: expected a tag after 'tag:'"},
        {{"export", "1", "2", "--format", "csv"}, "RUN: the csv export takes one run, got 2"},
        {{"export", "1", "--format", "xml"}, "loadscope export: --format: expected json, csv or hlog, got 'xml'"},
        {{"report", "1", "--format", "pdf"}, "loadscope report: --format: expected html or md, got 'pdf'"},
        {{"run", "--rates", "abc"}, "loadscope run: --rates: 'abc' is not a rate"},
        {{"run", "--duration", "5 parsecs"}, "loadscope run: --duration: unknown unit 'parsecs'"},
        {{"run", "--connections", "0"},
         "--connections: expected a number of connections (1 or more) or 'auto', "
         "got '0'"},
        {{"run", "--profile-repetitions", "2,x"}, "--profile-repetitions: expected repetition numbers from 1"},
        {{"compare", "1", "--metric", "p42"}, "--metric: expected one of p50, p90, p99, p99.9, achieved, cpu, errors"},
    };
    for (const auto& [arguments, message] : cases) {
        const Outcome outcome = run(arguments);
        EXPECT_EQ(outcome.exitCode, 2) << arguments.front() << " " << arguments.at(1) << ": " << outcome.err;
        EXPECT_NE(outcome.err.find(message), std::string::npos) << "expected: " << message << "\ngot: " << outcome.err;
    }
    const Outcome parseError = run({"run", "--rates", "abc"});
    EXPECT_NE(parseError.err.find("Run `loadscope run --help` for usage."), std::string::npos) << parseError.err;
}

TEST_F(CliExportCommand, ChartsSayWhatTheyNeedWithoutTheGuiLibrary) {
    const auto png = (folder_ / "chart.png").string();
    const Outcome chart = run({"export", "last", "--chart", "spectrum", "--out", png});
    EXPECT_EQ(chart.exitCode, 2);
    EXPECT_NE(chart.err.find("--chart: this loadscope was built without the desktop app"), std::string::npos)
        << chart.err;
    EXPECT_FALSE(std::filesystem::exists(png));
    const Outcome help = run({"export", "--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("--chart KIND"), std::string::npos) << help.out;
    const Outcome imageFormat = run({"export", "last", "--format", "png"});
    EXPECT_EQ(imageFormat.exitCode, 2) << "png is no data format: " << imageFormat.out;
}
