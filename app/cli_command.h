#pragma once
// What every `loadscope COMMAND` shares: how a command plugs into the parser, the exit codes, the --db option and
// turning "RUN" arguments into run ids. Qt-free.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace loadscope {
class RunStore;
}

namespace loadscope::cli {

enum ExitCode : int {
    kExitOk = 0,
    kExitFailures = 1,    // the run finished with failures, or a command could not do its job
    kExitUsage = 2,       // bad arguments or input: the message names the option and what is expected
    kExitPreflight = 3,   // a target cannot run on this machine (missing package, missing generator)
    kExitCancelled = 130, // Ctrl+C (128 + SIGINT, the shell convention)
};

// A bad argument or input found after parsing ("--rates: ..."); main prints it and exits with kExitUsage.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Each command adds its subcommand (options, help) to the root parser and returns what runs it once parsed.
using CommandAction = std::function<int()>;
struct Command {
    CLI::App* app = nullptr;
    CommandAction run;
};

// `--db PATH` (default: RunStore::defaultPath()) on a subcommand; the path lands in `path`.
void addDatabaseOption(CLI::App& command, std::string& path);
// The one shape of a command over stored runs (show, compare, check, export, report, profile, delete): the
// subcommand with --db, then its RUN argument(s), whose help names the forms resolveRunId() reads.
CLI::App* addStoredRunsCommand(CLI::App& root, const std::string& name, const std::string& description,
                               std::string& db);
CLI::Option* addRunArgument(CLI::App& command, std::string& run, const std::string& role = "The run");
CLI::Option* addRunArguments(CLI::App& command, std::vector<std::string>& runs, const std::string& role = "The runs");
// --out FILE and --format FORMAT (one of `formats`, checked as it is parsed) of a command that writes a file.
// `expected` says what --format takes in its message (default: "a, b or c").
void addOutputOptions(CLI::App& command, std::string& out, std::string& format, const std::vector<std::string>& formats,
                      const std::string& outHelp, const std::string& formatHelp, const std::string& expected = "");
// --format when given, else the format that --out's extension names in `byExtension`, else `fallback`.
std::string outputFormat(const std::string& format, const std::string& out,
                         const std::vector<std::pair<std::string, std::string>>& byExtension,
                         const std::string& fallback);
// `content` to standard output when `out` is empty or "-" (false), else into the file, atomically (true).
bool writeOutput(const std::string& out, const std::string& content);
// The database for a reading command: the path, or UsageError when the file does not exist (never creates one).
std::filesystem::path existingDatabase(const std::string& path);
// A database for the reading commands (list, show, compare): opened for writing when this user may write it, so that
// runs whose Loadscope died are marked `interrupted` first; read-only otherwise (another user's results).
RunStore openForReading(const std::filesystem::path& path);
// "42", "#42", "last" (the newest run), "tag:NAME" (the newest run with that tag) -> run id (db/run_reference.h, the
// one parser of run references); UsageError naming `what` when there is no such run.
std::int64_t resolveRunId(const RunStore& store, const std::string& text, const std::string& what = "RUN");

// `export --chart KIND`: charts are drawn by the GUI library, which this Qt-free library does not link. The executable
// that links it registers them before parsing (app/main.cpp, from ui/chart_export_command.h); without, `export`
// still lists --chart and says what it needs.
struct ChartExporter {
    std::vector<std::string> kinds;   // --chart KIND: latency-vs-rps, spectrum ...
    std::vector<std::string> formats; // png, pdf, svg: --format, or the --out file's suffix
    // Adds the chart options (size, percentiles, theme ...) to the export command, in the help group `group`.
    std::function<void(CLI::App& command, const std::string& group)> addOptions;
    // Draws chart `kind` of the runs into `out` as `format`; returns what it wrote ("800 x 500 px PNG"). Throws
    // CLI::ValidationError for an option the runs cannot honour (a usage error), anything else when it fails.
    std::function<std::string(const std::filesystem::path& database, const std::vector<std::int64_t>& runs,
                              const std::string& kind, const std::string& format, const std::string& out)>
        write;
};
void registerChartExporter(ChartExporter exporter);

// The process's arguments as given (recorded with each run).
void setCommandLine(int argc, char** argv);
const std::vector<std::string>& commandLine();
// A command line to suggest to the user: the program as they invoked it ("loadscope" when it came from PATH, else
// the path they typed, e.g. build/release/bin/loadscope), then `args`, then `--db PATH` unless `db` is the default.
std::string suggestedCommand(const std::string& args, const std::string& db);

// Commands (one file each: cli_run.cpp, cli_list.cpp ...).
Command addRunCommand(CLI::App& root);
Command addListCommand(CLI::App& root);
Command addShowCommand(CLI::App& root);
Command addCompareCommand(CLI::App& root);
Command addCheckCommand(CLI::App& root);
Command addExportCommand(CLI::App& root);
Command addImportCommand(CLI::App& root);
Command addReportCommand(CLI::App& root); // cli_report.cpp (report/)
Command addDeleteCommand(CLI::App& root);
Command addTargetsCommand(CLI::App& root); // cli_targets.cpp (the targets layer)
Command addProfileCommand(CLI::App& root); // cli_profile.cpp (profiles/)

} // namespace loadscope::cli
