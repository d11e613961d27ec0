#include "cli_command.h"

#include "run_store.h"

#include <charconv>

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

std::filesystem::path existingDatabase(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw UsageError("--db: no database at " + path + " (nothing has been run yet? `loadscope run` creates it)");
    if (std::filesystem::is_directory(path, ec))
        throw UsageError("--db: " + path + " is a folder; expected a Loadscope database file");
    return path;
}

std::int64_t resolveRunId(const RunStore& store, const std::string& text, const std::string& what) {
    if (text == "last" || text == "latest") {
        RunFilter newest;
        newest.limit = 1;
        const auto runs = store.listRuns(newest);
        if (runs.empty())
            throw UsageError(what + ": 'last' asked for the newest run, but " + store.path().string() +
                             " holds no runs");
        return runs.front().id;
    }
    if (text.rfind("tag:", 0) == 0) {
        RunFilter tagged;
        tagged.tag = text.substr(4);
        tagged.limit = 1;
        if (tagged.tag.empty())
            throw UsageError(what + ": expected a tag after 'tag:' (e.g. tag:baseline)");
        const auto runs = store.listRuns(tagged);
        if (runs.empty())
            throw UsageError(what + ": no run in " + store.path().string() + " carries the tag '" + tagged.tag +
                             "' (tag runs with `loadscope run --tag NAME` or in History)");
        return runs.front().id;
    }
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '#')
        digits.remove_prefix(1);
    std::int64_t id = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || id <= 0)
        throw UsageError(what + ": expected a run id (a number, see `loadscope list`), 'last' or tag:NAME, got '" +
                         text + "'");
    if (!store.loadRun(id))
        throw UsageError(what + ": there is no run " + std::to_string(id) + " in " + store.path().string() +
                         " (see `loadscope list`)");
    return id;
}

} // namespace loadscope::cli
