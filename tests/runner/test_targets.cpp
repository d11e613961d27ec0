// Target definitions: the built-in catalog, every kind of invalid file and its message, user overrides,
// placeholders, preflight (missing module, missing executable, busy port) and version probes. Real files in temp
// folders, real /usr/bin/python3; no server is started here (see test_targets_servers.cpp).

#include "child_process.h"
#include "install_paths.h"
#include "target_definition.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>

using namespace loadscope;

namespace {

const std::vector<std::string> builtInNames = {
    "aiohttp",           "aiohttp-uvloop", "tornado-async", "tornado-gen", "tornado-async-uvloop", "tornado-gen-uvloop",
    "starlette-uvicorn", "refserver"};

// A fresh folder under the system temp dir, removed with the fixture.
class TempFolder {
public:
    TempFolder() {
        path_ = std::filesystem::temp_directory_path() /
                ("loadscope-targets-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name) << text;
        return path_ / name;
    }

private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

std::filesystem::path builtInDir() {
    return resourcesDir() / "targets";
}

// A valid definition to break one field at a time.
std::string validDefinition(const std::string& name = "custom") {
    return R"({
  "name": ")" +
           name + R"(",
  "display_name": "Custom server",
  "tags": {"framework": "custom"},
  "argv": ["{python}", "-m", "http.server", "--bind", "127.0.0.1", "{port}"],
  "scenarios": {
    "simple": {"path": "/", "ideal_ms": 0},
    "post": {"method": "POST", "path": "/echo", "headers": {"Content-Type": "text/plain"}, "body": "hi", "ideal_ms": 1.5}
  },
  "readiness": {"path": "/", "timeout_s": 3},
  "version_probe": ["{python}", "--version"],
  "requirements": {"executables": {"{python}": "python3"}, "python_modules": {"http.server": "python3"}}
})";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
        text.replace(at, from.size(), to);
    return text;
}

// Loads one file from its own folder, together with a good file, and returns the catalog.
TargetCatalog loadWithGoodNeighbour(const TempFolder& folder, const std::string& badText) {
    folder.write("a-bad.json", badText);
    folder.write("b-good.json", validDefinition("good"));
    return TargetCatalog::load(folder.path(), {});
}

const DefinitionError* errorFor(const TargetCatalog& catalog, const std::string& field) {
    for (const auto& error : catalog.errors()) {
        if (error.field == field)
            return &error;
    }
    return nullptr;
}

std::string allErrors(const TargetCatalog& catalog) {
    std::string text;
    for (const auto& error : catalog.errors())
        text += error.toString() + "\n";
    return text;
}

} // namespace

TEST(TargetCatalog, LoadsEveryBuiltInTarget) {
    const auto catalog = TargetCatalog::load(builtInDir(), {});
    EXPECT_TRUE(catalog.errors().empty()) << allErrors(catalog);
    ASSERT_EQ(catalog.targets().size(), builtInNames.size());
    for (const auto& name : builtInNames) {
        const auto* target = catalog.find(name);
        ASSERT_NE(target, nullptr) << name;
        EXPECT_TRUE(target->builtIn);
        EXPECT_EQ(target->sourceFile.filename(), name + ".json");
        ASSERT_EQ(target->scenarios.size(), 2u) << name;
        EXPECT_EQ(target->scenarios[0].name, "simple"); // file order is kept
        EXPECT_EQ(target->scenarios[1].name, "complex");
        EXPECT_EQ(target->scenario("simple")->path, "/simple");
        EXPECT_EQ(target->scenario("simple")->idealLatencyMs, 50);
        EXPECT_EQ(target->scenario("complex")->idealLatencyMs, name == "refserver" ? 50 : 125);
        EXPECT_EQ(target->readinessPath, "/health");
        EXPECT_FALSE(target->versionProbe.empty());
        EXPECT_FALSE(target->displayName.empty());
        EXPECT_TRUE(target->tags.count("framework")) << name;
    }
    EXPECT_EQ(catalog.find("tornado-gen-uvloop")->tags.at("style"), "gen");
    EXPECT_EQ(catalog.find("tornado-gen-uvloop")->tags.at("loop"), "uvloop");
    EXPECT_EQ(catalog.find("nope"), nullptr);
}

TEST(TargetCatalog, ExpandsTheLaunchOfABuiltIn) {
    const auto catalog = TargetCatalog::load(builtInDir(), {});
    const auto* target = catalog.find("tornado-gen-uvloop");
    ASSERT_NE(target, nullptr);
    PlaceholderValues values{"/usr/bin/python3", 4321, "/res", "/bin-dir"};
    const auto launch = expandLaunch(*target, values);
    EXPECT_EQ(launch.argv,
              (std::vector<std::string>{"/usr/bin/python3", "/res/servers/tornado_server.py", "--host", "127.0.0.1",
                                        "--port", "4321", "--style", "gen", "--loop", "uvloop"}));
    EXPECT_EQ(launch.workingDirectory, "/res/servers");
    EXPECT_EQ(launch.env.at("PYTHONUNBUFFERED"), "1");
    const auto refserver = expandLaunch(*catalog.find("refserver"), values);
    EXPECT_EQ(refserver.argv.front(), "/bin-dir/loadscope-refserver");
    EXPECT_EQ(refserver.workingDirectory, "/res"); // no working_directory: the resources folder
}

TEST(TargetDefinition, NotJsonGivesTheLine) {
    TempFolder folder;
    const auto catalog =
        loadWithGoodNeighbour(folder, "{\n  \"name\": \"x\",\n  \"argv\": [\"a\"\n  \"scenarios\": {}\n}\n");
    ASSERT_EQ(catalog.errors().size(), 1u) << allErrors(catalog);
    const auto& error = catalog.errors().front();
    EXPECT_EQ(error.file, folder.path() / "a-bad.json");
    EXPECT_EQ(error.line, 4);
    EXPECT_NE(error.message.find("not valid JSON"), std::string::npos) << error.message;
    EXPECT_NE(error.toString().find("a-bad.json:4: not valid JSON"), std::string::npos) << error.toString();
    // The bad file is skipped, the good one loads.
    ASSERT_EQ(catalog.targets().size(), 1u);
    EXPECT_EQ(catalog.targets().front().name, "good");
}

TEST(TargetDefinition, EmptyFileAndNonObjectAreRejected) {
    TempFolder folder;
    folder.write("empty.json", "");
    folder.write("array.json", "[1, 2]");
    const auto catalog = TargetCatalog::load(folder.path(), {});
    EXPECT_TRUE(catalog.targets().empty());
    ASSERT_EQ(catalog.errors().size(), 2u) << allErrors(catalog);
    EXPECT_NE(catalog.errors()[0].message.find("expected a JSON object (one target), found array"), std::string::npos)
        << allErrors(catalog);
    EXPECT_NE(catalog.errors()[1].message.find("not valid JSON"), std::string::npos) << allErrors(catalog);
    EXPECT_EQ(catalog.errors()[1].line, 1);
}

TEST(TargetDefinition, MissingFieldNamesTheField) {
    TempFolder folder;
    auto text =
        replaced(validDefinition(), R"(  "argv": ["{python}", "-m", "http.server", "--bind", "127.0.0.1", "{port}"],
)",
                 "");
    text = replaced(text, R"("simple": {"path": "/", "ideal_ms": 0})", R"("simple": {"ideal_ms": 0})");
    const auto catalog = loadWithGoodNeighbour(folder, text);
    const auto* argv = errorFor(catalog, "argv");
    ASSERT_NE(argv, nullptr) << allErrors(catalog);
    EXPECT_EQ(argv->message, "missing (required)");
    const auto* path = errorFor(catalog, "scenarios.simple.path");
    ASSERT_NE(path, nullptr) << allErrors(catalog);
    EXPECT_EQ(path->toString(),
              (folder.path() / "a-bad.json").string() + ": scenarios.simple.path: missing (required)");
    EXPECT_EQ(catalog.targets().size(), 1u);
}

TEST(TargetDefinition, WrongTypeSaysWhatIsExpected) {
    TempFolder folder;
    auto text = replaced(validDefinition(), R"("ideal_ms": 1.5)", R"("ideal_ms": "fast")");
    text = replaced(text, R"("{python}", "-m")", R"("{python}", 7)");
    text = replaced(text, R"("timeout_s": 3)", R"("timeout_s": true)");
    const auto catalog = loadWithGoodNeighbour(folder, text);
    const auto* ideal = errorFor(catalog, "scenarios.post.ideal_ms");
    ASSERT_NE(ideal, nullptr) << allErrors(catalog);
    EXPECT_EQ(ideal->message,
              "expected the ideal latency in milliseconds (0 when the handler does not wait), found string");
    const auto* argument = errorFor(catalog, "argv[1]");
    ASSERT_NE(argument, nullptr) << allErrors(catalog);
    EXPECT_EQ(argument->message, "expected a string, found number");
    const auto* timeout = errorFor(catalog, "readiness.timeout_s");
    ASSERT_NE(timeout, nullptr) << allErrors(catalog);
    EXPECT_EQ(timeout->message, "expected a number of seconds, found boolean");
    EXPECT_EQ(catalog.targets().size(), 1u);
    EXPECT_EQ(catalog.find("custom"), nullptr);
}

TEST(TargetDefinition, UnknownPlaceholderIsNamed) {
    TempFolder folder;
    auto text = replaced(validDefinition(), R"("--bind", "127.0.0.1", "{port}")", R"("--bind", "127.0.0.1", "{prot}")");
    text = replaced(text, R"("version_probe": ["{python}", "--version"])",
                    R"("version_probe": ["{python}", "--version"], "env": {"A": "{port"})");
    const auto catalog = loadWithGoodNeighbour(folder, text);
    const auto* argument = errorFor(catalog, "argv[5]");
    ASSERT_NE(argument, nullptr) << allErrors(catalog);
    EXPECT_NE(argument->message.find("unknown placeholder {prot}"), std::string::npos) << argument->message;
    EXPECT_NE(argument->message.find("{python}, {port}, {host}, {resources}, {bin}"), std::string::npos);
    const auto* env = errorFor(catalog, "env.A");
    ASSERT_NE(env, nullptr) << allErrors(catalog);
    EXPECT_NE(env->message.find("without a matching '}'"), std::string::npos) << env->message;
    // {port} is nowhere now (the typo ate it): the server could not be told its port.
    const auto* port = errorFor(catalog, "argv");
    ASSERT_NE(port, nullptr) << allErrors(catalog);
    EXPECT_NE(port->message.find("no {port} placeholder"), std::string::npos);
}

TEST(TargetDefinition, UnknownFieldsAndBadValuesAreReported) {
    TempFolder folder;
    auto text = replaced(validDefinition(), R"("readiness": {"path": "/", "timeout_s": 3})",
                         R"("readyness": {"path": "/"}, "_comment": "ignored")");
    text = replaced(text, R"("name": "custom")", R"("name": "has space")");
    text = replaced(text, R"("path": "/echo")", R"("path": "echo")");
    text = replaced(text, R"("method": "POST")", R"("method": "PO ST")");
    text = replaced(text, R"("http.server": "python3")", R"("http server": 3)");
    const auto catalog = loadWithGoodNeighbour(folder, text);
    EXPECT_NE(errorFor(catalog, "readyness"), nullptr) << allErrors(catalog);
    EXPECT_NE(errorFor(catalog, "readyness")->message.find("unknown field (expected one of:"), std::string::npos);
    EXPECT_EQ(errorFor(catalog, "_comment"), nullptr);
    EXPECT_NE(errorFor(catalog, "name"), nullptr) << allErrors(catalog);
    EXPECT_NE(errorFor(catalog, "scenarios.post.path"), nullptr) << allErrors(catalog);
    EXPECT_NE(errorFor(catalog, "scenarios.post.method"), nullptr) << allErrors(catalog);
    EXPECT_NE(errorFor(catalog, "requirements.python_modules.http server"), nullptr) << allErrors(catalog);
    EXPECT_EQ(catalog.targets().size(), 1u);
}

TEST(TargetDefinition, ParsesEveryField) {
    std::vector<DefinitionError> errors;
    const auto target = parseTargetDefinition(validDefinition(), "/x/custom.json", errors);
    ASSERT_TRUE(target.has_value()) << (errors.empty() ? "" : errors.front().toString());
    EXPECT_EQ(target->name, "custom");
    EXPECT_EQ(target->displayName, "Custom server");
    EXPECT_EQ(target->argvTemplate.size(), 6u);
    EXPECT_EQ(target->readinessPath, "/");
    EXPECT_EQ(target->readinessTimeoutS, 3);
    ASSERT_EQ(target->scenarios.size(), 2u);
    const auto* post = target->scenario("post");
    ASSERT_NE(post, nullptr);
    EXPECT_EQ(post->method, "POST");
    EXPECT_EQ(post->headers, std::vector<std::string>{"Content-Type: text/plain"});
    EXPECT_EQ(post->body, "hi");
    EXPECT_DOUBLE_EQ(post->idealLatencyMs, 1.5);
    EXPECT_EQ(target->scenario("simple")->method, "GET");
    ASSERT_EQ(target->requirements.size(), 2u);
    EXPECT_EQ(target->requirements[0].kind, Requirement::Kind::Executable);
    EXPECT_EQ(target->requirements[0].name, "{python}");
    EXPECT_EQ(target->requirements[1].kind, Requirement::Kind::PythonModule);
    EXPECT_EQ(target->requirements[1].debianPackage, "python3");
    EXPECT_EQ(target->sourceFile, "/x/custom.json");
}

TEST(TargetCatalog, UserFileOverridesABuiltInByName) {
    TempFolder user;
    auto text = validDefinition("aiohttp");
    text = replaced(text, R"("display_name": "Custom server")", R"("display_name": "My aiohttp")");
    user.write("my-aiohttp.json", text);
    user.write("extra.json", validDefinition("extra"));
    user.write("broken.json", "{");
    const auto catalog = TargetCatalog::load(builtInDir(), user.path());
    ASSERT_EQ(catalog.targets().size(), builtInNames.size() + 1);
    const auto* aiohttp = catalog.find("aiohttp");
    ASSERT_NE(aiohttp, nullptr);
    EXPECT_EQ(aiohttp->displayName, "My aiohttp");
    EXPECT_FALSE(aiohttp->builtIn);
    EXPECT_EQ(aiohttp->sourceFile, user.path() / "my-aiohttp.json");
    EXPECT_EQ(aiohttp->overrides, builtInDir() / "aiohttp.json");
    const auto builtIns = TargetCatalog::load(builtInDir(), {});
    for (std::size_t i = 0; i < builtIns.targets().size(); ++i) // the override keeps the built-in's place
        EXPECT_EQ(catalog.targets()[i].name, builtIns.targets()[i].name);
    EXPECT_EQ(catalog.targets().back().name, "extra");
    ASSERT_NE(catalog.find("extra"), nullptr);
    EXPECT_FALSE(catalog.find("extra")->builtIn);
    EXPECT_TRUE(catalog.find("aiohttp-uvloop")->builtIn);
    ASSERT_EQ(catalog.errors().size(), 1u);
    EXPECT_EQ(catalog.errors().front().file, user.path() / "broken.json");
}

TEST(TargetCatalog, DuplicateNamesInOneFolderAreReported) {
    TempFolder folder;
    folder.write("one.json", validDefinition("same"));
    folder.write("two.json", validDefinition("same"));
    folder.write("three.toml", "name = 'x'");
    folder.write("notes.txt", "not a definition");
    const auto catalog = TargetCatalog::load(folder.path(), {});
    ASSERT_EQ(catalog.targets().size(), 1u);
    EXPECT_EQ(catalog.targets().front().sourceFile, folder.path() / "one.json");
    ASSERT_EQ(catalog.errors().size(), 2u) << allErrors(catalog);
    const auto* duplicate = errorFor(catalog, "name");
    ASSERT_NE(duplicate, nullptr);
    EXPECT_EQ(duplicate->file, folder.path() / "two.json");
    EXPECT_NE(duplicate->message.find("already defined by"), std::string::npos);
    EXPECT_NE(allErrors(catalog).find("TOML definitions are not supported"), std::string::npos);
}

TEST(TargetCatalog, MissingFoldersAreHandled) {
    const auto catalog = TargetCatalog::load("/nonexistent/loadscope/targets", "/nonexistent/user");
    EXPECT_TRUE(catalog.targets().empty());
    ASSERT_EQ(catalog.errors().size(), 1u); // the built-in folder is required, the user folder is optional
    EXPECT_NE(catalog.errors().front().message.find("LOADSCOPE_RESOURCES"), std::string::npos);
}

TEST(TargetCatalog, UserFolderFollowsXdgConfigHome) {
    const char* saved = std::getenv("XDG_CONFIG_HOME");
    const std::string savedValue = saved ? saved : "";
    const std::string savedHome = std::getenv("HOME") ? std::getenv("HOME") : "";
    ::setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
    EXPECT_EQ(TargetCatalog::userTargetsDir(), "/tmp/xdg-test/loadscope/targets");
    ::setenv("XDG_CONFIG_HOME", "relative/ignored", 1); // the spec wants an absolute path
    ::setenv("HOME", "/home/someone", 1);
    EXPECT_EQ(TargetCatalog::userTargetsDir(), "/home/someone/.config/loadscope/targets");
    ::setenv("HOME", savedHome.c_str(), 1);
    if (saved)
        ::setenv("XDG_CONFIG_HOME", savedValue.c_str(), 1);
    else
        ::unsetenv("XDG_CONFIG_HOME");
}

TEST(Placeholders, ExpandAndEscape) {
    PlaceholderValues values{"/usr/bin/python3", 8080, "/r", "/b"};
    EXPECT_EQ(expandPlaceholders("{python} {resources}/s.py --port={port} {bin}/x", values),
              "/usr/bin/python3 /r/s.py --port=8080 /b/x");
    EXPECT_EQ(expandPlaceholders("{{\"json\": {port}}}", values), "{\"json\": 8080}");
    EXPECT_EQ(expandPlaceholders("plain", values), "plain");
    EXPECT_THROW(expandPlaceholders("{pyhton}", values), std::invalid_argument);
    EXPECT_EQ(placeholderProblem("{port}"), "");
    EXPECT_NE(placeholderProblem("a}b").find("without a matching '{'"), std::string::npos);
}

TEST(Preflight, MissingModuleNamesThePackage) {
    TempFolder folder;
    auto text = replaced(validDefinition(), R"("http.server": "python3")",
                         R"("json": "python3", "loadscope_no_such_module": "python3-loadscope-imaginary")");
    folder.write("t.json", text);
    const auto catalog = TargetCatalog::load(folder.path(), {});
    ASSERT_EQ(catalog.targets().size(), 1u) << allErrors(catalog);
    const auto result = preflight(catalog.targets().front());
    EXPECT_FALSE(result.ok);
    ASSERT_EQ(result.problems.size(), 1u);
    EXPECT_EQ(result.problems.front().rfind("python3-loadscope-imaginary is not installed", 0), 0u)
        << result.problems.front();
    EXPECT_NE(result.problems.front().find("'loadscope_no_such_module'"), std::string::npos);
    EXPECT_NE(result.problems.front().find(": apt-get install python3-loadscope-imaginary"), std::string::npos);
}

TEST(Preflight, MissingExecutableAndBrokenModule) {
    TempFolder folder;
    folder.write("broken_module.py", "raise RuntimeError('half installed')\n");
    auto text = replaced(validDefinition(), R"("{python}": "python3")",
                         R"("{python}": "python3", "/nonexistent/tool": {"fix": "build the tool first"}, )"
                         R"("loadscope-missing-tool": "loadscope-tool-pkg")");
    text = replaced(text, R"("http.server": "python3")", R"("broken_module": "python3-broken")");
    text = replaced(text, R"("tags")", R"("working_directory": ")" + folder.path().string() + R"(", "tags")");
    const auto file = folder.write("t.json", text);
    std::vector<DefinitionError> errors;
    const auto target = parseTargetDefinition(text, file, errors);
    ASSERT_TRUE(target) << (errors.empty() ? "" : errors.front().toString());
    const auto result = preflight(*target);
    EXPECT_FALSE(result.ok);
    std::string all;
    for (const auto& problem : result.problems)
        all += problem + "\n";
    EXPECT_NE(all.find("/nonexistent/tool does not exist or is not executable: build the tool first"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("loadscope-tool-pkg is not installed (loadscope-missing-tool is not in PATH): apt-get install "
                       "loadscope-tool-pkg"),
              std::string::npos)
        << all;
    // Imports run in the target's working directory, so the local broken module is found and fails.
    EXPECT_NE(all.find("the Python module 'broken_module' does not import"), std::string::npos) << all;
    EXPECT_NE(all.find("RuntimeError: half installed"), std::string::npos) << all;
    EXPECT_EQ(result.problems.size(), 3u) << all;
}

TEST(Preflight, BusyPortIsReported) {
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_EQ(::listen(listener, 4), 0);
    socklen_t length = sizeof(address);
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    const int busy = ntohs(address.sin_port);
    EXPECT_FALSE(portIsFree(busy));

    std::vector<DefinitionError> errors;
    const auto target = parseTargetDefinition(validDefinition(), "/x/t.json", errors);
    ASSERT_TRUE(target);
    auto values = defaultPlaceholderValues(busy);
    const auto result = preflight(*target, values);
    EXPECT_FALSE(result.ok);
    ASSERT_EQ(result.problems.size(), 1u);
    EXPECT_NE(result.problems.front().find("port " + std::to_string(busy) + " on 127.0.0.1 is in use"),
              std::string::npos)
        << result.problems.front();
    ::close(listener);
    EXPECT_TRUE(portIsFree(busy));
    EXPECT_TRUE(preflight(*target, values).ok);
}

TEST(Preflight, FindsFreePorts) {
    for (int i = 0; i < 20; ++i) {
        const int port = findFreePort();
        EXPECT_GT(port, 0);
        EXPECT_LT(port, 65536);
        EXPECT_TRUE(portIsFree(port));
    }
    EXPECT_FALSE(portIsFree(0));
    EXPECT_FALSE(portIsFree(70000));
}

TEST(Preflight, BuiltInPythonTargetsPassHere) {
    const auto catalog = TargetCatalog::load(builtInDir(), {});
    for (const auto& target : catalog.targets()) {
        if (target.name == "refserver")
            continue; // built by the loadgen/ targets; checked in test_targets_servers
        const auto result = preflight(target);
        EXPECT_TRUE(result.ok) << target.name << ": " << (result.problems.empty() ? "" : result.problems.front());
    }
}

TEST(VersionProbe, BuiltInPythonTargetsAnswer) {
    const auto catalog = TargetCatalog::load(builtInDir(), {});
    const std::map<std::string, std::string> expected = {
        {"aiohttp", R"(aiohttp \d+\.\d+\.\d+ / Python 3\.\d+\.\d+)"},
        {"aiohttp-uvloop", R"(aiohttp \d+\.\d+\.\d+ \+ uvloop \d+\.\d+\.\d+ / Python 3\.\d+\.\d+)"},
        {"tornado-async", R"(Tornado \d+\.\d+(\.\d+)? / Python 3\.\d+\.\d+)"},
        {"tornado-gen", R"(Tornado \d+\.\d+(\.\d+)? / Python 3\.\d+\.\d+)"},
        {"tornado-async-uvloop", R"(Tornado \d+\.\d+(\.\d+)? \+ uvloop \d+\.\d+\.\d+ / Python 3\.\d+\.\d+)"},
        {"tornado-gen-uvloop", R"(Tornado \d+\.\d+(\.\d+)? \+ uvloop \d+\.\d+\.\d+ / Python 3\.\d+\.\d+)"},
        {"starlette-uvicorn",
         R"(Starlette \d+\.\d+\.\d+ on Uvicorn \d+\.\d+\.\d+ \((h11|httptools)\) / Python 3\.\d+\.\d+)"},
    };
    for (const auto& [name, pattern] : expected) {
        const auto* target = catalog.find(name);
        ASSERT_NE(target, nullptr) << name;
        const auto probe = runVersionProbe(*target, defaultPlaceholderValues());
        EXPECT_TRUE(probe.error.empty()) << name << ": " << probe.error;
        EXPECT_TRUE(std::regex_match(probe.version, std::regex(pattern))) << name << ": '" << probe.version << "'";
    }
}

TEST(VersionProbe, RefserverAnswers) {
    const auto catalog = TargetCatalog::load(builtInDir(), {});
    const auto values = defaultPlaceholderValues();
    if (!std::filesystem::exists(values.bin / "loadscope-refserver"))
        GTEST_SKIP() << "loadscope-refserver is not built in " << values.bin;
    const auto* refserver = catalog.find("refserver");
    ASSERT_NE(refserver, nullptr);
    EXPECT_TRUE(preflight(*refserver, values).ok);
    const auto probe = runVersionProbe(*refserver, values);
    EXPECT_TRUE(std::regex_match(probe.version, std::regex(R"(loadscope-refserver \d+\.\d+\.\d+ \(.+\))")))
        << "'" << probe.version << "' " << probe.error;

    // Without the binary, preflight says how to get it.
    auto elsewhere = values;
    elsewhere.bin = "/nonexistent/bin";
    const auto missing = preflight(*refserver, elsewhere);
    EXPECT_FALSE(missing.ok);
    ASSERT_FALSE(missing.problems.empty());
    EXPECT_NE(missing.problems.front().find("/nonexistent/bin/loadscope-refserver does not exist or is not executable: "
                                            "it is built with Loadscope"),
              std::string::npos)
        << missing.problems.front();
}

TEST(VersionProbe, FailureSaysWhy) {
    std::vector<DefinitionError> errors;
    auto text = replaced(validDefinition(), R"(["{python}", "--version"])",
                         R"(["{python}", "-c", "import loadscope_no_such_module"])");
    const auto target = parseTargetDefinition(text, "/x/t.json", errors);
    ASSERT_TRUE(target);
    const auto probe = runVersionProbe(*target, defaultPlaceholderValues());
    EXPECT_TRUE(probe.version.empty());
    EXPECT_NE(probe.error.find("exit code 1: ModuleNotFoundError"), std::string::npos) << probe.error;
    EXPECT_EQ(probeVersion(*target), "");
}
