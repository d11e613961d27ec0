#include "remote_preflight.h"

#include <algorithm>
#include <chrono>
#include <sstream>

namespace loadscope {

using namespace std::chrono_literals;

namespace {

std::string firstWordOf(const std::string& text) {
    std::istringstream in(text);
    std::string word;
    in >> word;
    return word;
}

std::string lastOutputLine(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    const auto newline = text.rfind('\n');
    return newline == std::string::npos ? text : text.substr(newline + 1);
}

// One remote shell line testing every executable: prints "missing\t<name>" for each one that is not there.
std::string executableProbe(const std::vector<std::string>& names) {
    std::string script;
    for (const auto& name : names) {
        const auto quoted = shellQuote(name);
        if (name.find('/') != std::string::npos)
            script += "[ -x " + quoted + " ] && [ ! -d " + quoted + " ] || printf 'missing\\t%s\\n' " + quoted + "; ";
        else
            script += "command -v " + quoted + " >/dev/null 2>&1 || printf 'missing\\t%s\\n' " + quoted + "; ";
    }
    return script + "true";
}

} // namespace

std::vector<std::string> remoteTargetProblems(SshHost& host, const TargetDefinition& target,
                                              const PlaceholderValues& values) {
    std::vector<std::string> problems;
    auto problem = [&](const std::string& message) { problems.push_back(host.name() + ": " + message); };
    TargetLaunch launch;
    try {
        launch = expandLaunch(target, values);
    } catch (const std::invalid_argument& error) {
        problem(std::string("the definition has a bad placeholder: ") + error.what());
        return problems;
    }
    // The executables it requires, the command itself, and Loadscope's own files on its command line.
    std::vector<std::pair<std::string, const Requirement*>> executables;
    for (const auto& requirement : target.requirements)
        if (requirement.kind == Requirement::Kind::Executable)
            executables.emplace_back(expandPlaceholders(requirement.name, values), &requirement);
    if (!launch.argv.empty() && std::none_of(executables.begin(), executables.end(),
                                             [&](const auto& check) { return check.first == launch.argv[0]; }))
        executables.emplace_back(launch.argv[0], nullptr);
    std::vector<std::string> names;
    for (const auto& [name, requirement] : executables)
        names.push_back(name);
    std::vector<std::string> files;
    for (std::size_t i = 1; i < launch.argv.size(); ++i) {
        const auto& written = target.argvTemplate[i];
        if (written.rfind("{resources}/", 0) == 0 || written.rfind("{bin}/", 0) == 0)
            files.push_back(launch.argv[i]);
    }
    std::string script = executableProbe(names);
    for (const auto& file : files)
        script += "; [ -e " + shellQuote(file) + " ] || printf 'nofile\\t%s\\n' " + shellQuote(file);
    const auto checked = host.run(script, 20s);
    if (!checked.success()) {
        problem("cannot check the requirements: " +
                (checked.startError.empty() ? lastOutputLine(checked.err) : checked.startError));
        return problems;
    }
    std::istringstream lines(checked.out);
    for (std::string line; std::getline(lines, line);) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos)
            continue;
        const auto kind = line.substr(0, tab), name = line.substr(tab + 1);
        if (kind == "nofile") {
            problem(name + " does not exist there: Loadscope's resources and executables must be installed at the same "
                           "paths on the server host");
            continue;
        }
        const auto it = std::find_if(executables.begin(), executables.end(),
                                     [&](const auto& check) { return check.first == name; });
        const Requirement* requirement = it == executables.end() ? nullptr : it->second;
        const std::string what =
            name + (name.find('/') != std::string::npos ? " does not exist or is not executable" : " is not in PATH");
        if (requirement && !requirement->debianPackage.empty())
            problem(requirement->debianPackage + " is not installed (" + what + "): " + installHint(*requirement));
        else if (requirement && !requirement->fix.empty())
            problem(what + ": " + requirement->fix);
        else
            problem(what);
    }

    std::vector<const Requirement*> modules;
    for (const auto& requirement : target.requirements)
        if (requirement.kind == Requirement::Kind::PythonModule)
            modules.push_back(&requirement);
    if (modules.empty())
        return problems;
    std::vector<std::string> argv{values.python, "-c", pythonImportCheckScript()};
    for (const auto* module : modules)
        argv.push_back(module->name);
    const auto imported = host.run(shellCommand(argv), 30s);
    if (!imported.success()) {
        problem("cannot check the Python modules with " + values.python + " (apt-get install python3): " +
                (imported.startError.empty() ? lastOutputLine(imported.err) : imported.startError));
        return problems;
    }
    std::istringstream failures(imported.out);
    for (std::string line; std::getline(failures, line);) {
        const auto tab = line.find('\t');
        const auto name = line.substr(0, tab);
        const auto why = tab == std::string::npos ? std::string() : line.substr(tab + 1);
        const auto module =
            std::find_if(modules.begin(), modules.end(), [&](const Requirement* r) { return r->name == name; });
        if (module == modules.end())
            continue;
        if (why.rfind("ModuleNotFoundError", 0) == 0 && !(*module)->debianPackage.empty())
            problem((*module)->debianPackage + " is not installed (no Python module '" + name + "' in " +
                    values.python + "): " + installHint(**module));
        else
            problem("the Python module '" + name + "' does not import (" + why + "): " + installHint(**module));
    }
    return problems;
}

std::string localSha256(const std::filesystem::path& file) {
    ChildProcessOptions options;
    options.argv = {"sha256sum", "--", file.string()};
    const auto summed = runCommand(options, 30s);
    return summed.success() ? firstWordOf(summed.out) : std::string();
}

RemoteLoadgen provideLoadgen(SshHost& host, const std::filesystem::path& localLoadgen,
                             const std::string& localSha256Hex) {
    RemoteLoadgen result;
    const auto wanted = localSha256Hex.empty() ? localSha256(localLoadgen) : localSha256Hex;
    if (wanted.empty()) {
        result.error = "cannot read " + localLoadgen.string() + " (is it built?)";
        return result;
    }
    // The one in PATH, then a copy made earlier in this connection's folder.
    std::string folder;
    try {
        folder = host.temporaryFolder();
    } catch (const std::runtime_error& error) {
        result.error = error.what();
        return result;
    }
    const std::string copy = folder + "/loadscope-loadgen";
    const auto candidates = host.run("p=$(command -v loadscope-loadgen) && sha256sum \"$p\"; [ -x " + shellQuote(copy) +
                                         " ] && sha256sum " + shellQuote(copy) + "; true",
                                     20s);
    std::istringstream lines(candidates.out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string sum, path;
        fields >> sum >> path;
        if (sum == wanted) {
            result.path = path;
            return result;
        }
    }
    const auto started = std::chrono::steady_clock::now();
    if (auto error = host.copyFile(localLoadgen, copy); !error.empty()) {
        result.error = error;
        return result;
    }
    result.copySeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto checked = host.run("sha256sum " + shellQuote(copy) + " && " + shellQuote(copy) + " --version", 20s);
    if (!checked.success() || firstWordOf(checked.out) != wanted) {
        result.error = "the copy of loadscope-loadgen on " + host.name() + " does not run: " +
                       (checked.startError.empty() ? lastOutputLine(checked.err) : checked.startError) +
                       " (the generator host needs Debian 12's libc, libstdc++ and zlib1g)";
        return result;
    }
    result.path = copy;
    result.copied = true;
    return result;
}

} // namespace loadscope
