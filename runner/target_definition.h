#pragma once
// Targets: the servers under test, defined by JSON files (docs/targets.md) in resources/targets/ and in
// $XDG_CONFIG_HOME/loadscope/targets/ (user files add targets or override built-ins by name).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

struct Scenario {
    std::string name; // "simple"
    std::string method = "GET";
    std::string path; // "/simple"
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    double idealLatencyMs = 0; // what an infinitely fast server would answer in (the handler's own waits)
};

struct Requirement {
    enum class Kind { Executable, PythonModule } kind = Kind::Executable;
    std::string name;          // "/usr/bin/python3" or "tornado"
    std::string debianPackage; // "python3-tornado"
};

struct TargetDefinition {
    std::string name;        // unique key: "tornado-gen-uvloop"
    std::string displayName; // "Tornado (gen.coroutine) + uvloop"
    std::string description;
    std::map<std::string, std::string> tags;  // framework=tornado, loop=uvloop, style=gen ...
    std::vector<std::string> argvTemplate;    // with {python} {port} {resources} {bin}
    std::map<std::string, std::string> env;
    std::string workingDirectory;             // may use placeholders; empty: the resources folder
    std::vector<Scenario> scenarios;
    std::string readinessPath = "/health";
    double readinessTimeoutS = 10;
    std::vector<std::string> versionProbe;    // argv (placeholders allowed) whose stdout's first line is the version
    std::vector<Requirement> requirements;
    std::filesystem::path sourceFile;         // where it was defined
    bool builtIn = true;                      // false when it came from the user's folder

    const Scenario* scenario(const std::string& scenarioName) const;
};

// A problem with one definition file: it is skipped, the others load.
struct DefinitionError {
    std::filesystem::path file;
    std::string field; // "argv[2]", "scenarios.simple.ideal_ms", "" for the whole file
    std::string message; // what is expected, e.g. "expected a number of milliseconds"
    std::string toString() const; // "<file>: <field>: <message>"
};

struct PlaceholderValues {
    std::string python = "/usr/bin/python3";
    int port = 0;
    std::filesystem::path resources;
    std::filesystem::path bin;
};
// Expands {python} {port} {resources} {bin} in one string.
std::string expandPlaceholders(const std::string& text, const PlaceholderValues& values);

class TargetCatalog {
public:
    // Loads the built-in folder, then the user folder (overriding by name). Never throws for bad files.
    static TargetCatalog load(const std::filesystem::path& builtInDir, const std::filesystem::path& userDir);
    // resourcesDir()/targets and $XDG_CONFIG_HOME/loadscope/targets.
    static TargetCatalog loadDefault();

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
PreflightResult preflight(const TargetDefinition& target);
// A free TCP port on 127.0.0.1 (bound and released).
int findFreePort();
bool portIsFree(int port);
// Runs the target's version probe (at most a few seconds); empty when it has none or it failed.
std::string probeVersion(const TargetDefinition& target);

} // namespace loadscope
