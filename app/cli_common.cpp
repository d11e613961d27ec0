#include "cli_command.h"

#include "cli_files.h"
#include "option_checks.h"
#include "run_reference.h"
#include "run_store.h"

#include <algorithm>
#include <cctype>
#include <iostream>

namespace loadscope::cli {

namespace {
std::vector<std::string>& storedCommandLine() {
    static std::vector<std::string> arguments;
    return arguments;
}
} // namespace

void setCommandLine(int argc, char** argv) {
    storedCommandLine().assign(argv, argv + argc);
}

const std::vector<std::string>& commandLine() {
    return storedCommandLine();
}

namespace {
// Single quotes when the text has anything a shell would act on.
std::string shellQuoted(const std::string& text) {
    const bool plain = !text.empty() && text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                               "0123456789_./-+:,@%=") == std::string::npos;
    if (plain)
        return text;
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}
} // namespace

RunStore openForReading(const std::filesystem::path& path) {
    if (!RunStore::writable(path))
        return RunStore::open(path, RunStore::OpenMode::ReadOnly);
    auto store = RunStore::open(path);
    store.markInterruptedRuns();
    return store;
}

std::string suggestedCommand(const std::string& args, const std::string& db) {
    const auto& argv = commandLine();
    std::string program = argv.empty() || argv.front().find('/') == std::string::npos ? "loadscope" : argv.front();
    std::string command = shellQuoted(program);
    if (!args.empty())
        command += " " + args;
    if (db != RunStore::defaultPath().string())
        command += " --db " + shellQuoted(db);
    return command;
}

void addDatabaseOption(CLI::App& command, std::string& path) {
    path = RunStore::defaultPath().string();
    command.add_option("--db", path, "The results database (SQLite)")->capture_default_str()->type_name("PATH");
}

CLI::App* addStoredRunsCommand(CLI::App& root, const std::string& name, const std::string& description,
                               std::string& db) {
    auto* command = root.add_subcommand(name, description);
    addDatabaseOption(*command, db);
    return command;
}

CLI::Option* addRunArgument(CLI::App& command, std::string& run, const std::string& role) {
    return command.add_option("RUN", run, role + ": " + std::string(kRunReferenceForms))->required();
}

CLI::Option* addRunArguments(CLI::App& command, std::vector<std::string>& runs, const std::string& role) {
    return command.add_option("RUN", runs, role + ", each " + std::string(kRunReferenceForms))
        ->required()
        ->expected(1, -1);
}

void addOutputOptions(CLI::App& command, std::string& out, std::string& format, const std::vector<std::string>& formats,
                      const std::string& outHelp, const std::string& formatHelp, const std::string& expected) {
    command.add_option("--format", format, formatHelp)
        ->type_name("FORMAT")
        ->check(choiceCheck(formats, expected.empty() ? alternativesText(formats) : expected));
    command.add_option("--out,-o", out, outHelp)->type_name("FILE");
}

std::string outputFormat(const std::string& format, const std::string& out,
                         const std::vector<std::pair<std::string, std::string>>& byExtension,
                         const std::string& fallback) {
    if (!format.empty())
        return format;
    std::string extension = std::filesystem::path(out).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& [suffix, named] : byExtension)
        if (extension == suffix)
            return named;
    return fallback;
}

bool writeOutput(const std::string& out, const std::string& content) {
    if (out.empty() || out == "-") {
        std::cout << content;
        return false;
    }
    writeFileAtomically(out, content);
    return true;
}

std::filesystem::path existingDatabase(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw UsageError("--db: no database at " + path + " (nothing has been run yet? `loadscope run` creates it)");
    if (std::filesystem::is_directory(path, ec))
        throw UsageError("--db: " + path + " is a folder; expected a Loadscope database file");
    return path;
}

std::int64_t resolveRunId(const RunStore& store, const std::string& text, const std::string& what) {
    auto resolved = resolveRunReference(store, text, what);
    if (auto* error = std::get_if<RunReferenceError>(&resolved))
        throw UsageError(std::move(error->message));
    return std::get<std::int64_t>(resolved);
}

} // namespace loadscope::cli
