#pragma once
// Targets: the servers under test, defined by JSON files (docs/targets.md) in resources/targets/ and in
// $XDG_CONFIG_HOME/loadscope/targets/ (user files add targets or override built-ins by name).
// Loading never throws: a bad file becomes DefinitionErrors (file, field, what is expected) and is skipped.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

struct Scenario {
    std::string name; // "simple"
    std::string method = "GET";
    std::string path;                 // "/simple"
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    double idealLatencyMs = 0; // what an infinitely fast server would answer in (the handler's own waits)
};

struct Requirement {
    enum class Kind { Executable, PythonModule } kind = Kind::Executable;
    std::string name;          // "/usr/bin/python3" or "tornado"; executables may use placeholders ("{python}")
    std::string debianPackage; // "python3-tornado"
    std::string fix;           // how to get it when it is not a Debian package ("build the loadgen/ targets")
};

// Which sampling profiler can look inside a target's server (docs/profiling.md): our Python sampler
// (resources/profilers/pysampler.py) or Linux perf for native servers.
enum class ProfilerKind { None, Python, Perf };
std::string toString(ProfilerKind kind); // "none", "python", "perf"
std::optional<ProfilerKind> profilerKindFromString(const std::string& text);

struct TargetDefinition {
    std::string name;        // unique key: "tornado-gen-uvloop"
    std::string displayName; // "Tornado (gen.coroutine) + uvloop"
    std::string description;
    std::map<std::string, std::string> tags; // framework=tornado, loop=uvloop, style=gen ...
    std::vector<std::string> argvTemplate;   // with {python} {port} {resources} {bin}
    std::map<std::string, std::string> env;
    std::string workingDirectory; // may use placeholders; empty: the resources folder
    std::vector<Scenario> scenarios;
    std::string readinessPath = "/health";
    double readinessTimeoutS = 10;
    std::vector<std::string> versionProbe; // argv (placeholders allowed) whose stdout's first line is the version
    std::vector<Requirement> requirements;
    ProfilerKind profiler = ProfilerKind::None;
    std::filesystem::path sourceFile; // where it was defined
    bool builtIn = true;              // false when it came from the user's folder
    std::filesystem::path overrides;  // the built-in file this user file replaces (empty: none)

    const Scenario* scenario(const std::string& scenarioName) const;
};

// A problem with one definition file: it is skipped, the others load.
struct DefinitionError {
    std::filesystem::path file;
    std::string field;            // "argv[2]", "scenarios.simple.ideal_ms", "" for the whole file
    std::string message;          // what is expected, e.g. "expected a number of milliseconds"
    int line = 0;                 // 1-based, when known (JSON syntax errors); 0 otherwise
    std::string toString() const; // "<file>:<line>: <field>: <message>" (line and field when known)
};

// Parses one definition file's text. Appends every problem found to `errors` and returns nothing when there is
// any (the file is then skipped as a whole).
std::optional<TargetDefinition> parseTargetDefinition(const std::string& text, const std::filesystem::path& file,
                                                      std::vector<DefinitionError>& errors);

struct PlaceholderValues {
    std::string python = "/usr/bin/python3";
    int port = 0;
    std::filesystem::path resources;
    std::filesystem::path bin;
    std::string host = "127.0.0.1"; // the address to bind: the server host's address when it runs on another host
};
// python = /usr/bin/python3, resources = resourcesDir(), bin = binDir(), the given port.
PlaceholderValues defaultPlaceholderValues(int port = 0);
// Expands {python} {port} {host} {resources} {bin} in one string; "{{" and "}}" are literal braces. Throws
// std::invalid_argument for an unknown placeholder (definitions are checked when they load, so this means a
// string that did not come from a loaded definition).
std::string expandPlaceholders(const std::string& text, const PlaceholderValues& values);
// What is wrong with the placeholders of `text` ("unknown placeholder {prot} ..."), or "" when nothing is.
std::string placeholderProblem(const std::string& text);

// How to start a target: argv, env and working directory with the placeholders expanded.
struct TargetLaunch {
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;
    std::filesystem::path workingDirectory; // the definition's, or the resources folder
};
TargetLaunch expandLaunch(const TargetDefinition& target, const PlaceholderValues& values);

class TargetCatalog {
public:
    // Loads the built-in folder, then the user folder (overriding by name). Never throws for bad files.
    static TargetCatalog load(const std::filesystem::path& builtInDir, const std::filesystem::path& userDir);
    // resourcesDir()/targets and userTargetsDir().
    static TargetCatalog loadDefault();
    // $XDG_CONFIG_HOME/loadscope/targets, or ~/.config/loadscope/targets when XDG_CONFIG_HOME is unset.
    static std::filesystem::path userTargetsDir();

    const std::vector<TargetDefinition>& targets() const { return targets_; }
    const TargetDefinition* find(const std::string& name) const;
    const std::vector<DefinitionError>& errors() const { return errors_; }

private:
    std::vector<TargetDefinition> targets_;
    std::vector<DefinitionError> errors_;
};

// Preflight: can this target run here? Every failure says how to fix it.
struct PreflightResult {
    bool ok = true;
    std::vector<std::string> problems; // "python3-tornado is not installed: apt-get install python3-tornado"
};
// Checks the executables (after placeholder expansion) and Python modules (one `{python} -c import ...` run in the
// target's env and working directory) it requires, and that `values.port` is free when it is not 0.
PreflightResult preflight(const TargetDefinition& target, const PlaceholderValues& values = defaultPlaceholderValues());
// The Python script preflight runs to import modules (argv[1:]: module names; prints "<module>\t<error>" for each
// one that fails), also run on other hosts (remote_preflight.h).
const char* pythonImportCheckScript();
// How to get a missing requirement: its `fix`, else "apt-get install <package>".
std::string installHint(const Requirement& requirement);
// A free TCP port on 127.0.0.1 (bound and released). Chosen below the kernel's ephemeral range
// (net.ipv4.ip_local_port_range) when there is room, so that no outgoing connection (the load generator's) can be
// handed the same port between this check and the server's bind. Throws std::runtime_error when none is found.
int findFreePort();
// True when a server could bind 127.0.0.1:port now (with SO_REUSEADDR, as servers do).
bool portIsFree(int port);
struct VersionProbeResult {
    std::string version; // the first non-empty line of its stdout
    std::string error;   // why there is none ("exit code 1: ModuleNotFoundError: ..."), "" when it worked
};
// Runs the target's version probe (at most 10 s) in the target's env and working directory.
VersionProbeResult runVersionProbe(const TargetDefinition& target, const PlaceholderValues& values);
// Runs the target's version probe (at most a few seconds); empty when it has none or it failed.
std::string probeVersion(const TargetDefinition& target, const PlaceholderValues& values = defaultPlaceholderValues());

} // namespace loadscope
