// The command line's entry: one CLI11 parser with a subcommand per command, exit codes, and the headless default.
#include "cli_main.h"

#include "cli_command.h"
#include "loadscope_version.h"
#include "run_store.h"

#include <cstdio>
#include <iostream>
#include <optional>
#include <string_view>
#include <vector>

namespace loadscope::cli {

namespace {

std::string versionText() {
    return std::string("loadscope ") + LOADSCOPE_VERSION + " (commit " + LOADSCOPE_GIT_COMMIT + ")";
}

// CLI11 would only say "A subcommand is required" for a mistyped command: name it, and what would do.
bool isUnknownCommand(int argc, char** argv, const std::vector<Command>& commands) {
    if (argc < 2 || argv[1][0] == '-')
        return false;
    std::string names;
    for (const auto& command : commands) {
        if (command.app->get_name() == argv[1])
            return false;
        names += (names.empty() ? "" : ", ") + command.app->get_name();
    }
    std::fprintf(stderr, "loadscope: unknown command '%s' (expected one of: %s; see `loadscope --help`)\n", argv[1],
                 names.c_str());
    return true;
}

// CLI11 names the option; we name the command, where to look, and use our own exit code for every usage error.
int parseErrorExit(const CLI::App& root, const CLI::ParseError& error) {
    const auto chosen = root.get_subcommands();
    const std::string command = chosen.empty() ? "" : " " + chosen.front()->get_name();
    std::fprintf(stderr, "loadscope%s: %s\nRun `loadscope%s --help` for usage.\n", command.c_str(), error.what(),
                 chosen.empty() ? " --help` or `loadscope COMMAND" : command.c_str());
    return kExitUsage;
}

// The parsed command's exit code; what it throws is printed under its name.
int runCommand(Command& command) {
    const std::string name = command.app->get_name();
    try {
        return command.run();
    } catch (const UsageError& e) {
        std::fprintf(stderr, "loadscope %s: %s\n", name.c_str(), e.what());
        return kExitUsage;
    } catch (const std::exception& e) { // StoreError included: the database could not do its part
        std::fprintf(stderr, "loadscope %s: %s\n", name.c_str(), e.what());
        return kExitFailures;
    }
}

int runParsed(int argc, char** argv) {
    setCommandLine(argc, argv);
    CLI::App root{"Loadscope: benchmark HTTP servers and plot latency percentiles against load.\n"
                  "Without a command, opens the desktop app (without a display, runs the quick comparison).",
                  "loadscope"};
    root.set_version_flag("--version", versionText());
    root.require_subcommand(1, 1);
    root.footer("Every command takes --db PATH (default: " + RunStore::defaultPath().string() +
                ").\nExit codes: 0 ok, 1 the run finished with failures, 2 usage error, 3 preflight failed, "
                "130 cancelled.\nCharts as images: `loadscope export RUN --chart latency-vs-rps --out chart.png` (also "
                "spectrum, timeline, comparison, resources; .pdf, .svg).\nSee `loadscope COMMAND --help` for each "
                "command's options; docs/cli.md for more.");
    std::vector<Command> commands{addRunCommand(root),     addListCommand(root),   addShowCommand(root),
                                  addCompareCommand(root), addCheckCommand(root),  addExportCommand(root),
                                  addImportCommand(root),  addReportCommand(root), addDeleteCommand(root),
                                  addTargetsCommand(root), addProfileCommand(root)};
    if (isUnknownCommand(argc, argv, commands))
        return kExitUsage;
    try {
        root.parse(argc, argv);
    } catch (const CLI::Success& e) { // --help, --help-all, --version
        return root.exit(e);
    } catch (const CLI::ParseError& e) {
        return parseErrorExit(root, e);
    }
    for (auto& command : commands)
        if (command.app->parsed())
            return runCommand(command);
    return kExitUsage; // require_subcommand makes this unreachable
}

} // namespace

bool wantsCommandLine(int argc, char** argv) {
    return argc > 1 && argv[1] != nullptr;
}

namespace {
// `loadscope --db PATH` (or --db=PATH) alone: the app on that database, or headless its quick comparison.
std::optional<std::string> onlyDatabaseOption(int argc, char** argv) {
    const std::string_view first = argc > 1 ? argv[1] : "";
    if (argc == 3 && first == "--db")
        return std::string(argv[2]);
    if (argc == 2 && first.rfind("--db=", 0) == 0)
        return std::string(first.substr(5));
    return std::nullopt;
}

int runQuickHeadless(const char* program, const std::optional<std::string>& database) {
    std::fprintf(stderr, "loadscope: no display found, so running the quick comparison headless "
                         "(`loadscope --help` lists every command).\n");
    std::vector<std::string> arguments{program ? program : "loadscope", "run", "--preset", "quick"};
    if (database) {
        arguments.emplace_back("--db");
        arguments.push_back(*database);
    }
    std::vector<char*> pointers;
    for (auto& a : arguments)
        pointers.push_back(a.data());
    pointers.push_back(nullptr);
    return runParsed(static_cast<int>(arguments.size()), pointers.data());
}
} // namespace

int runCommandLine(int argc, char** argv) {
    if (const auto database = onlyDatabaseOption(argc, argv))
        return runQuickHeadless(argv[0], database);
    return runParsed(argc, argv);
}

int runHeadlessDefault(int argc, char** argv) {
    return runQuickHeadless(argc > 0 ? argv[0] : nullptr, onlyDatabaseOption(argc, argv));
}

} // namespace loadscope::cli
