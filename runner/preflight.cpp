// Preflight (can this target run here, and if not, how to fix it), free ports, and version probes.

#include "child_process.h"
#include "target_definition.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

namespace loadscope {

using namespace std::chrono_literals;

namespace {

// Tries importing each module named on the command line; prints "<module>\t<exception type>: <message>" for each
// one that fails. One interpreter start for all of a target's modules.
constexpr const char* importCheck = R"(import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException as error:
        print(name + "\t" + type(error).__name__ + ": " + str(error).replace("\n", " "), flush=True)
)";

} // namespace

const char* pythonImportCheckScript() {
    return importCheck;
}

std::string installHint(const Requirement& requirement) {
    if (!requirement.fix.empty())
        return requirement.fix;
    return "apt-get install " + requirement.debianPackage;
}

namespace {

// The path `name` resolves to ("" when none): a path is taken as is, a bare name is looked up in `pathVariable`.
std::string resolveExecutable(const std::string& name, const std::string& pathVariable) {
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 && !std::filesystem::is_directory(name) ? name : "";
    return findInPath(name, pathVariable).string();
}

// The PATH the target will see: its own env's, else Loadscope's.
std::string pathVariableFor(const TargetLaunch& launch) {
    if (const auto path = launch.env.find("PATH"); path != launch.env.end())
        return path->second;
    const char* path = std::getenv("PATH");
    return path ? path : "/usr/local/bin:/usr/bin:/bin";
}

struct ExecutableCheck {
    std::string name;      // as expanded
    std::string template_; // as written
    const Requirement* requirement = nullptr;
};

std::string missingExecutableMessage(const ExecutableCheck& check) {
    std::string what = check.name.find('/') != std::string::npos ? check.name + " does not exist or is not executable"
                                                                 : check.name + " is not in PATH";
    if (check.requirement && !check.requirement->debianPackage.empty())
        return check.requirement->debianPackage + " is not installed (" + what +
               "): " + installHint(*check.requirement);
    if (check.requirement)
        return what + ": " + check.requirement->fix;
    return what;
}

bool bindable(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    ::close(fd);
    return ok;
}

int kernelChosenPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    int port = 0;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

} // namespace

bool portIsFree(int port) {
    return port > 0 && port < 65536 && bindable(port);
}

int findFreePort() {
    int ephemeralLow = 32768;
    if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range)
        range >> ephemeralLow;
    constexpr int lowest = 10000;
    if (ephemeralLow - lowest >= 1000) {
        std::random_device seed;
        std::mt19937 random(seed());
        std::uniform_int_distribution<int> pick(lowest, ephemeralLow - 1);
        for (int attempt = 0; attempt < 200; ++attempt) {
            const int port = pick(random);
            if (bindable(port))
                return port;
        }
    }
    if (const int port = kernelChosenPort(); port > 0)
        return port;
    throw std::runtime_error("no free TCP port on 127.0.0.1");
}

namespace {

void addPreflightProblem(PreflightResult& result, std::string message) {
    result.ok = false;
    result.problems.push_back(std::move(message));
}

// The executables: the ones required, and the command itself even when the definition forgot to list it. Returns
// those that are missing.
std::set<std::string> checkExecutables(const TargetDefinition& target, const PlaceholderValues& values,
                                       const TargetLaunch& launch, PreflightResult& result) {
    std::vector<ExecutableCheck> executables;
    for (const auto& requirement : target.requirements) {
        if (requirement.kind == Requirement::Kind::Executable)
            executables.push_back({expandPlaceholders(requirement.name, values), requirement.name, &requirement});
    }
    if (!launch.argv.empty()) {
        const bool listed = std::any_of(executables.begin(), executables.end(),
                                        [&](const ExecutableCheck& check) { return check.name == launch.argv[0]; });
        if (!listed)
            executables.push_back({launch.argv[0], target.argvTemplate[0], nullptr});
    }
    const auto pathVariable = pathVariableFor(launch);
    std::set<std::string> missing;
    for (const auto& check : executables) {
        if (resolveExecutable(check.name, pathVariable).empty()) {
            missing.insert(check.name);
            addPreflightProblem(result, missingExecutableMessage(check));
        }
    }
    return missing;
}

// Files of Loadscope's own that the command line names (a server script under {resources}, a binary in {bin}), and
// the working directory.
void checkOwnFiles(const TargetDefinition& target, const TargetLaunch& launch, PreflightResult& result) {
    for (std::size_t i = 1; i < launch.argv.size(); ++i) {
        const auto& written = target.argvTemplate[i];
        if ((written.rfind("{resources}/", 0) == 0 || written.rfind("{bin}/", 0) == 0) &&
            !std::filesystem::exists(launch.argv[i]))
            addPreflightProblem(result, "argv[" + std::to_string(i) + "]: " + launch.argv[i] +
                                            " does not exist (is LOADSCOPE_RESOURCES / LOADSCOPE_BIN_DIR right?)");
    }
    if (!target.workingDirectory.empty() && !std::filesystem::is_directory(launch.workingDirectory))
        addPreflightProblem(result, "the working directory " + launch.workingDirectory.string() + " does not exist");
}

// importCheck's lines ("<module>\t<exception>: <message>"), each a problem naming the package to install.
void reportFailedImports(const std::string& out, const std::vector<const Requirement*>& modules,
                         const std::string& python, PreflightResult& result) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        const auto tab = line.find('\t');
        const auto name = line.substr(0, tab);
        const auto why = tab == std::string::npos ? std::string() : line.substr(tab + 1);
        const auto module = std::find_if(modules.begin(), modules.end(),
                                         [&](const Requirement* candidate) { return candidate->name == name; });
        if (module == modules.end())
            continue;
        const auto& requirement = **module;
        if (why.rfind("ModuleNotFoundError", 0) == 0 && !requirement.debianPackage.empty())
            addPreflightProblem(result, requirement.debianPackage + " is not installed (no Python module '" + name +
                                            "' in " + python + "): " + installHint(requirement));
        else
            addPreflightProblem(result, "the Python module '" + name + "' does not import in " + python + " (" + why +
                                            "): " + installHint(requirement));
    }
}

// The required Python modules imported by the target's interpreter, in its environment, all in one start.
void checkPythonModules(const TargetDefinition& target, const PlaceholderValues& values, const TargetLaunch& launch,
                        const std::set<std::string>& missingExecutables, PreflightResult& result) {
    std::vector<const Requirement*> modules;
    for (const auto& requirement : target.requirements) {
        if (requirement.kind == Requirement::Kind::PythonModule)
            modules.push_back(&requirement);
    }
    if (modules.empty())
        return;
    if (missingExecutables.count(values.python) || resolveExecutable(values.python, pathVariableFor(launch)).empty()) {
        addPreflightProblem(result, "cannot check the Python modules: " + values.python +
                                        " is not there (apt-get install python3)");
        return;
    }
    ChildProcessOptions check;
    check.argv = {values.python, "-c", importCheck};
    for (const auto* module : modules)
        check.argv.push_back(module->name);
    check.env = launch.env;
    if (std::filesystem::is_directory(launch.workingDirectory))
        check.workingDirectory = launch.workingDirectory;
    const auto run = runCommand(check, 20s);
    if (!run.success()) {
        addPreflightProblem(result, "cannot check the Python modules with " + values.python + ": " +
                                        (!run.startError.empty() ? run.startError
                                         : run.timedOut          ? std::string("it did not finish within 20 s")
                                                                 : run.status->toString() + " " + run.err));
        return;
    }
    reportFailedImports(run.out, modules, values.python, result);
}

} // namespace

PreflightResult preflight(const TargetDefinition& target, const PlaceholderValues& values) {
    PreflightResult result;
    TargetLaunch launch;
    try {
        launch = expandLaunch(target, values);
    } catch (const std::invalid_argument& error) {
        addPreflightProblem(result, std::string("the definition has a bad placeholder: ") + error.what());
        return result;
    }
    const auto missing = checkExecutables(target, values, launch, result);
    checkOwnFiles(target, launch, result);
    checkPythonModules(target, values, launch, missing, result);
    if (values.port != 0 && !portIsFree(values.port))
        addPreflightProblem(result, "port " + std::to_string(values.port) +
                                        " on 127.0.0.1 is in use: stop what listens there (see `ss -ltnp 'sport = :" +
                                        std::to_string(values.port) + "'`) or choose another port");
    return result;
}

VersionProbeResult runVersionProbe(const TargetDefinition& target, const PlaceholderValues& values) {
    VersionProbeResult result;
    if (target.versionProbe.empty()) {
        result.error = "the definition has no version_probe";
        return result;
    }
    ChildProcessOptions options;
    try {
        const auto launch = expandLaunch(target, values);
        for (const auto& argument : target.versionProbe)
            options.argv.push_back(expandPlaceholders(argument, values));
        options.env = launch.env;
        if (std::filesystem::is_directory(launch.workingDirectory))
            options.workingDirectory = launch.workingDirectory;
    } catch (const std::invalid_argument& error) {
        result.error = error.what();
        return result;
    }
    const auto run = runCommand(options, 10s);
    if (!run.startError.empty()) {
        result.error = run.startError;
        return result;
    }
    if (run.timedOut) {
        result.error = "the version probe did not finish within 10 s";
        return result;
    }
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos)
            continue;
        const auto last = line.find_last_not_of(" \t\r");
        result.version = line.substr(first, last - first + 1);
        break;
    }
    if (!run.success() || result.version.empty()) {
        std::string err = run.err;
        while (!err.empty() && (err.back() == '\n' || err.back() == '\r'))
            err.pop_back();
        if (const auto newline = err.rfind('\n'); newline != std::string::npos)
            err = err.substr(newline + 1); // a Python traceback's last line says what went wrong
        result.error = run.status->toString() + (err.empty() ? "" : ": " + err);
        if (result.version.empty() && run.success())
            result.error = "the version probe printed nothing";
        result.version.clear();
    }
    return result;
}

std::string probeVersion(const TargetDefinition& target, const PlaceholderValues& values) {
    return runVersionProbe(target, values).version;
}

} // namespace loadscope
