// `loadscope targets` as a function: the list (preflight, versions, sources, skipped files), unknown names, JSON,
// and --probe against real servers, with nothing left running afterwards.

#include "cli_targets.h"
#include "install_paths.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace loadscope;
using namespace loadscope::cli;

namespace {

class TempFolder {
public:
    TempFolder() {
        static int counter = 0;
        path_ = std::filesystem::temp_directory_path() /
                ("loadscope-targets-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }
    void write(const std::string& name, const std::string& text) const { std::ofstream(path_ / name) << text; }

private:
    std::filesystem::path path_;
};

struct CommandOutput {
    int code = 0;
    std::string out;
    std::string err;
};

CommandOutput run(TargetsCommandOptions options) {
    std::ostringstream out;
    std::ostringstream err;
    CommandOutput result;
    result.code = runTargetsCommand(options, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
}

// Our direct children that are still around (zombies included: they would mean nobody reaped them).
std::vector<pid_t> remainingChildren() {
    std::vector<pid_t> children;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line))
            continue;
        const auto close = line.rfind(')');
        if (close == std::string::npos)
            continue;
        std::istringstream rest(line.substr(close + 2));
        std::string state;
        pid_t parent = 0;
        rest >> state >> parent;
        if (parent == ::getpid())
            children.push_back(std::stoi(name));
    }
    return children;
}

// A server definition whose command is a short Python script (the port arrives as argv[1]).
std::string scriptTarget(const std::string& name, const std::string& script, const std::string& modules = "{}") {
    nlohmann::json definition = {
        {"name", name},
        {"argv", {"{python}", "-c", script, "{port}"}},
        {"scenarios", {{"root", {{"path", "/"}, {"ideal_ms", 0}}}}},
        {"readiness", {{"path", "/"}, {"timeout_s", 5}}},
        {"requirements", {{"python_modules", nlohmann::json::parse(modules)}}},
    };
    return definition.dump(2);
}

TargetsCommandOptions emptyUserFolder(const TempFolder& user) {
    TargetsCommandOptions options;
    options.userDir = user.path();
    return options;
}

} // namespace

TEST(TargetsCommand, ListsEveryBuiltInWithPreflightAndVersions) {
    TempFolder user;
    const auto result = run(emptyUserFolder(user));
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    for (const auto* name : {"aiohttp", "aiohttp-uvloop", "tornado-async", "tornado-gen", "tornado-async-uvloop",
                             "tornado-gen-uvloop", "starlette-uvicorn", "refserver"})
        EXPECT_NE(result.out.find(std::string("\n") + name + " "), std::string::npos) << name << "\n" << result.out;
    EXPECT_NE(result.out.find("NAME"), std::string::npos);
    EXPECT_NE(result.out.find("PREFLIGHT"), std::string::npos);
    EXPECT_NE(result.out.find("built-in aiohttp.json"), std::string::npos);
    EXPECT_NE(result.out.find("aiohttp 3."), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("/ Python 3."), std::string::npos);
    EXPECT_NE(result.out.find("simple, complex"), std::string::npos);
    EXPECT_EQ(result.out.find("FAILED"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("Definition files skipped"), std::string::npos);
}

TEST(TargetsCommand, ShowsOverridesSkippedFilesAndPreflightProblems) {
    TempFolder user;
    user.write("broken.json", "{\n  \"name\": \"broken\",,\n}");
    user.write("needs-module.json",
               scriptTarget("needs-module", "pass", R"({"loadscope_no_such_module": "python3-loadscope-imaginary"})"));
    auto options = emptyUserFolder(user);
    options.names = {"needs-module", "aiohttp"};
    const auto result = run(options);
    EXPECT_EQ(result.code, 3) << result.out; // a listed target fails preflight
    EXPECT_NE(result.out.find("FAILED"), std::string::npos);
    EXPECT_NE(result.out.find("needs-module: python3-loadscope-imaginary is not installed"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("apt-get install python3-loadscope-imaginary"), std::string::npos);
    EXPECT_NE(result.out.find((user.path() / "broken.json").string() + ":2: not valid JSON"), std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find("tornado-gen"), std::string::npos) << "only the named targets are listed";

    // Only a skipped file: exit code 1.
    TempFolder onlyBroken;
    onlyBroken.write("broken.json", "[]");
    auto refserverOnly = emptyUserFolder(onlyBroken);
    refserverOnly.names = {"refserver"};
    const auto skipped = run(refserverOnly);
    EXPECT_EQ(skipped.code, 1) << skipped.out;
}

TEST(TargetsCommand, UnknownNameIsAUsageError) {
    TempFolder user;
    auto options = emptyUserFolder(user);
    options.names = {"aiohttp", "tornado-fast"};
    const auto result = run(options);
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find("unknown target 'tornado-fast' (known: "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("tornado-gen-uvloop"), std::string::npos);
}

TEST(TargetsCommand, JsonHasEveryTargetAndError) {
    TempFolder user;
    user.write("bad.json", "{\"name\": 5}");
    auto options = emptyUserFolder(user);
    options.json = true;
    options.names = {"tornado-gen", "refserver"};
    const auto result = run(options);
    EXPECT_EQ(result.code, 1);
    const auto document = nlohmann::json::parse(result.out);
    ASSERT_EQ(document.at("targets").size(), 2u);
    const auto& first = document.at("targets").at(0);
    EXPECT_EQ(first.at("name"), "tornado-gen");
    EXPECT_EQ(first.at("tags").at("style"), "gen");
    EXPECT_EQ(first.at("scenarios").at(1).at("ideal_ms"), 125);
    EXPECT_EQ(document.at("targets").at(1).at("version").get<std::string>().rfind("loadscope-refserver ", 0), 0u);
    EXPECT_TRUE(first.at("preflight").at("ok").get<bool>());
    EXPECT_TRUE(first.at("version").is_string());
    EXPECT_EQ(first.at("scenarios").size(), 2u);
    EXPECT_FALSE(first.contains("probe"));
    // Every problem of the file is reported, each with its field.
    std::map<std::string, std::string> errors;
    for (const auto& error : document.at("errors")) {
        EXPECT_EQ(error.at("file"), (user.path() / "bad.json").string());
        errors[error.at("field")] = error.at("message");
    }
    EXPECT_EQ(errors, (std::map<std::string, std::string>{{"name", "expected a string, found number"},
                                                          {"argv", "missing (required)"},
                                                          {"scenarios", "missing (required)"}}));
}

TEST(TargetsCommand, ProbeTimesEachScenarioAndStopsTheServers) {
    TempFolder user;
    auto options = emptyUserFolder(user);
    options.names = {"refserver", "aiohttp-uvloop"};
    options.probe = true;
    const auto result = run(options);
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("Probing 2 targets"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("refserver ("), std::string::npos);
    EXPECT_NE(result.out.find("ready after"), std::string::npos);
    EXPECT_NE(result.out.find("GET /complex"), std::string::npos);
    EXPECT_NE(result.out.find("(ideal 125 ms, +"), std::string::npos) << result.out; // aiohttp's complex
    EXPECT_NE(result.out.find("(ideal 50 ms, +"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("stopped (exit code 0)"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("FAILED"), std::string::npos) << result.out;
    EXPECT_TRUE(remainingChildren().empty()) << "a server outlived the probe";
    std::cout << result.out;
}

TEST(TargetsCommand, ProbeReportsAServerThatDies) {
    TempFolder user;
    user.write("dies.json", scriptTarget("dies", "import sys; print('cannot start', file=sys.stderr); sys.exit(3)"));
    auto options = emptyUserFolder(user);
    options.names = {"dies"};
    options.probe = true;
    options.json = true;
    const auto result = run(options);
    EXPECT_EQ(result.code, 1) << result.out;
    const auto document = nlohmann::json::parse(result.out);
    const auto& probe = document.at("targets").at(0).at("probe");
    EXPECT_FALSE(probe.at("ok").get<bool>());
    EXPECT_FALSE(probe.at("ready").get<bool>());
    EXPECT_NE(probe.at("error").get<std::string>().find("the server exited (exit code 3) before it was ready"),
              std::string::npos)
        << probe.dump();
    EXPECT_NE(probe.at("error").get<std::string>().find("cannot start"), std::string::npos);
    EXPECT_TRUE(remainingChildren().empty());
}
