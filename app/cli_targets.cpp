// loadscope targets: list the targets with preflight and versions, and optionally probe each one for real.
#include "cli_targets.h"

#include "child_process.h"
#include "cli_command.h"
#include "http_probe.h"
#include "install_paths.h"
#include "target_definition.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

namespace loadscope::cli {

namespace {

using namespace std::chrono_literals;
using Json = nlohmann::ordered_json;

struct TargetChecks {
    PreflightResult preflight;
    VersionProbeResult version;
};

struct ScenarioProbe {
    const Scenario* scenario = nullptr;
    HttpProbeResult answer;
    bool ok() const { return answer.ok && answer.status >= 200 && answer.status < 300; }
};

struct TargetProbe {
    bool attempted = false; // false: skipped because preflight failed
    int port = 0;
    ReadinessResult readiness;
    std::vector<ScenarioProbe> scenarios;
    std::optional<ExitStatus> exit;
    std::string error;     // could not start, not ready
    std::string stderrEnd; // the server's last stderr lines when something went wrong
    bool ok = false;
};

std::string formatMs(double ms) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(ms < 10 ? 2 : 1) << ms;
    return text.str();
}

std::string formatIdeal(double ms) {
    std::ostringstream text;
    text << ms;
    return text.str();
}

std::string lastLines(const std::string& text, std::size_t count) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    std::string joined;
    for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
        joined += lines[i] + "\n";
    return joined;
}

// Preflight and version probe of every target, a few at a time (each is one or two Python start-ups).
std::vector<TargetChecks> checkAll(const std::vector<const TargetDefinition*>& targets,
                                   const PlaceholderValues& values) {
    std::vector<TargetChecks> checks(targets.size());
    std::atomic<std::size_t> next = 0;
    auto worker = [&] {
        for (std::size_t i = next++; i < targets.size(); i = next++) {
            checks[i].preflight = preflight(*targets[i], values);
            checks[i].version = runVersionProbe(*targets[i], values);
        }
    };
    const auto threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 4);
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < std::min(threads, targets.size()); ++i)
        pool.emplace_back(worker);
    for (auto& thread : pool)
        thread.join();
    return checks;
}

TargetProbe probeTarget(const TargetDefinition& target, PlaceholderValues values) {
    TargetProbe probe;
    probe.attempted = true;
    try {
        probe.port = findFreePort();
    } catch (const std::exception& error) {
        probe.error = error.what();
        return probe;
    }
    values.port = probe.port;
    const auto launch = expandLaunch(target, values);
    ChildProcessOptions options;
    options.argv = launch.argv;
    options.env = launch.env;
    options.workingDirectory = launch.workingDirectory;
    std::unique_ptr<ChildProcess> server;
    try {
        server = std::make_unique<ChildProcess>(options);
    } catch (const ChildProcessError& error) {
        probe.error = error.what();
        return probe;
    }
    const auto timeout = std::chrono::milliseconds(static_cast<long long>(target.readinessTimeoutS * 1000));
    probe.readiness = waitUntilReady(*server, probe.port, target.readinessPath, timeout);
    if (!probe.readiness.ready) {
        probe.error = "not ready: " + probe.readiness.error;
    } else {
        for (const auto& scenario : target.scenarios) {
            HttpRequestSpec request;
            request.port = probe.port;
            request.method = scenario.method;
            request.target = scenario.path;
            request.headers = scenario.headers;
            request.body = scenario.body;
            request.timeout = std::chrono::milliseconds(static_cast<long long>(10000 + scenario.idealLatencyMs * 2));
            probe.scenarios.push_back({&scenario, httpRequest(request)});
        }
    }
    probe.exit = server->stop(5s);
    server->waitForOutputEnd(1s);
    const bool allAnswered = std::all_of(probe.scenarios.begin(), probe.scenarios.end(),
                                         [](const ScenarioProbe& scenario) { return scenario.ok(); });
    probe.ok = probe.readiness.ready && allAnswered;
    if (!probe.ok)
        probe.stderrEnd = lastLines(server->stderrTail(), 8);
    return probe;
}

std::string sourceText(const TargetDefinition& target) {
    if (target.builtIn)
        return "built-in " + target.sourceFile.filename().string();
    std::string text = target.sourceFile.string();
    if (!target.overrides.empty())
        text += " (overrides the built-in)";
    return text;
}

std::string scenarioNames(const TargetDefinition& target) {
    std::string names;
    for (const auto& scenario : target.scenarios)
        names += (names.empty() ? "" : ", ") + scenario.name;
    return names;
}

// Left-aligned columns sized to their widest cell.
void printTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        out << line << "\n";
    }
}

void printList(std::ostream& out, const TargetCatalog& catalog, const std::vector<const TargetDefinition*>& targets,
               const std::vector<TargetChecks>& checks, const std::filesystem::path& builtInDir,
               const std::filesystem::path& userDir) {
    std::error_code error;
    out << "Built-in targets: " << builtInDir.string() << "\n";
    out << "User targets:     " << (userDir.empty() ? std::string("(no HOME)") : userDir.string())
        << (userDir.empty() || std::filesystem::is_directory(userDir, error) ? "" : " (does not exist)") << "\n\n";
    std::vector<std::vector<std::string>> rows{
        {"NAME", "DISPLAY NAME", "SCENARIOS", "PREFLIGHT", "VERSIONS", "SOURCE"}};
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const auto& target = *targets[i];
        rows.push_back({target.name, target.displayName, scenarioNames(target),
                        checks[i].preflight.ok ? "ok" : "FAILED",
                        checks[i].version.version.empty() ? "-" : checks[i].version.version, sourceText(target)});
    }
    printTable(out, rows);

    bool headed = false;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const bool versionFailed = checks[i].version.version.empty() && !targets[i]->versionProbe.empty();
        if (checks[i].preflight.ok && !versionFailed)
            continue;
        if (!headed)
            out << "\nProblems:\n";
        headed = true;
        for (const auto& problem : checks[i].preflight.problems)
            out << "  " << targets[i]->name << ": " << problem << "\n";
        if (versionFailed && checks[i].preflight.ok)
            out << "  " << targets[i]->name << ": version probe failed: " << checks[i].version.error << "\n";
    }
    if (!catalog.errors().empty()) {
        out << "\nDefinition files skipped (fix them and run `loadscope targets` again; docs/targets.md has the "
               "format):\n";
        for (const auto& definitionError : catalog.errors())
            out << "  " << definitionError.toString() << "\n";
    }
}

void printProbe(std::ostream& out, const TargetDefinition& target, const TargetChecks& checks,
                const TargetProbe& probe) {
    out << "\n" << target.name;
    if (!checks.version.version.empty())
        out << " (" << checks.version.version << ")";
    if (!probe.attempted) {
        out << ": skipped, preflight failed:\n";
        for (const auto& problem : checks.preflight.problems)
            out << "  " << problem << "\n";
        return;
    }
    out << (probe.port ? " on port " + std::to_string(probe.port) : "") << "\n";
    if (probe.readiness.ready)
        out << "  ready after " << formatMs(probe.readiness.elapsedMs) << " ms\n";
    std::size_t nameWidth = 0;
    std::size_t requestWidth = 0;
    for (const auto& scenario : probe.scenarios) {
        nameWidth = std::max(nameWidth, scenario.scenario->name.size());
        requestWidth = std::max(requestWidth, scenario.scenario->method.size() + 1 + scenario.scenario->path.size());
    }
    for (const auto& scenario : probe.scenarios) {
        const auto& definition = *scenario.scenario;
        const auto request = definition.method + " " + definition.path;
        out << "  " << definition.name << std::string(nameWidth - definition.name.size() + 2, ' ') << request
            << std::string(requestWidth - request.size() + 2, ' ');
        if (!scenario.answer.ok) {
            out << "FAILED: " << scenario.answer.error << "\n";
            continue;
        }
        const double over = scenario.answer.latencyMs - definition.idealLatencyMs;
        out << std::setw(8) << formatMs(scenario.answer.latencyMs) << " ms  (ideal "
            << formatIdeal(definition.idealLatencyMs) << " ms, " << (over >= 0 ? "+" : "-") << formatMs(std::fabs(over))
            << " ms)";
        if (!scenario.ok())
            out << "  FAILED: answered " << scenario.answer.status;
        out << "\n";
    }
    if (!probe.error.empty())
        out << "  FAILED: " << probe.error << "\n";
    if (probe.exit)
        out << "  stopped (" << probe.exit->toString() << ")\n";
    if (!probe.stderrEnd.empty()) {
        out << "  server stderr (last lines):\n";
        std::istringstream lines(probe.stderrEnd);
        for (std::string line; std::getline(lines, line);)
            out << "    " << line << "\n";
    }
}

Json targetJson(const TargetDefinition& target, const TargetChecks& checks, const TargetProbe* probe) {
    Json scenarios = Json::array();
    for (const auto& scenario : target.scenarios) {
        Json item{{"name", scenario.name},
                  {"method", scenario.method},
                  {"path", scenario.path},
                  {"ideal_ms", scenario.idealLatencyMs}};
        if (probe) {
            for (const auto& probed : probe->scenarios) {
                if (probed.scenario != &scenario)
                    continue;
                item["probe"] = {{"ok", probed.ok()},
                                 {"status", probed.answer.status},
                                 {"latency_ms", probed.answer.ok ? Json(probed.answer.latencyMs) : Json(nullptr)},
                                 {"error", probed.answer.error}};
            }
        }
        scenarios.push_back(std::move(item));
    }
    Json json{{"name", target.name},
              {"display_name", target.displayName},
              {"description", target.description},
              {"tags", target.tags},
              {"source", target.sourceFile.string()},
              {"built_in", target.builtIn},
              {"overrides", target.overrides.empty() ? Json(nullptr) : Json(target.overrides.string())},
              {"scenarios", std::move(scenarios)},
              {"preflight", {{"ok", checks.preflight.ok}, {"problems", checks.preflight.problems}}},
              {"version", checks.version.version.empty() ? Json(nullptr) : Json(checks.version.version)},
              {"version_error", checks.version.error}};
    if (probe) {
        json["probe"] = {{"attempted", probe->attempted},
                         {"ok", probe->ok},
                         {"port", probe->port},
                         {"ready", probe->readiness.ready},
                         {"ready_ms", probe->readiness.ready ? Json(probe->readiness.elapsedMs) : Json(nullptr)},
                         {"error", probe->error},
                         {"exit", probe->exit ? Json(probe->exit->toString()) : Json(nullptr)},
                         {"stderr_end", probe->stderrEnd}};
    }
    return json;
}

// The targets named, in the order given (each once), or all; nullopt after saying which name is unknown.
std::optional<std::vector<const TargetDefinition*>>
selectedTargets(const TargetCatalog& catalog, const std::vector<std::string>& names, std::ostream& err) {
    std::vector<const TargetDefinition*> targets;
    if (names.empty()) {
        for (const auto& target : catalog.targets())
            targets.push_back(&target);
        return targets;
    }
    for (const auto& name : names) {
        const auto* target = catalog.find(name);
        if (!target) {
            std::string known;
            for (const auto& candidate : catalog.targets())
                known += (known.empty() ? "" : ", ") + candidate.name;
            err << "loadscope targets: unknown target '" << name << "' (known: " << (known.empty() ? "none" : known)
                << ")\n";
            return std::nullopt;
        }
        if (std::find(targets.begin(), targets.end(), target) == targets.end())
            targets.push_back(target);
    }
    return targets;
}

// Each target that passed preflight, one at a time; printed as it goes unless the output is JSON.
std::vector<TargetProbe> probeTargets(const std::vector<const TargetDefinition*>& targets,
                                      const std::vector<TargetChecks>& checks, const PlaceholderValues& values,
                                      bool json, std::ostream& out) {
    std::vector<TargetProbe> probes(targets.size());
    if (!json)
        out << "\nProbing " << targets.size() << (targets.size() == 1 ? " target" : " targets")
            << " one at a time: start on a free port, one request per scenario, stop." << std::endl;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (checks[i].preflight.ok)
            probes[i] = probeTarget(*targets[i], values);
        if (!json) {
            printProbe(out, *targets[i], checks[i], probes[i]);
            out.flush();
        }
    }
    return probes;
}

void printTargetsJson(std::ostream& out, const TargetCatalog& catalog,
                      const std::vector<const TargetDefinition*>& targets, const std::vector<TargetChecks>& checks,
                      const std::vector<TargetProbe>* probes, const std::filesystem::path& builtInDir,
                      const std::filesystem::path& userDir) {
    Json list = Json::array();
    for (std::size_t i = 0; i < targets.size(); ++i)
        list.push_back(targetJson(*targets[i], checks[i], probes ? &(*probes)[i] : nullptr));
    Json errors = Json::array();
    for (const auto& error : catalog.errors())
        errors.push_back({{"file", error.file.string()},
                          {"line", error.line > 0 ? Json(error.line) : Json(nullptr)},
                          {"field", error.field},
                          {"message", error.message}});
    const Json document{{"built_in_dir", builtInDir.string()},
                        {"user_dir", userDir.string()},
                        {"targets", std::move(list)},
                        {"errors", std::move(errors)}};
    out << document.dump(2) << "\n";
}

// A failed probe, then a failed preflight, then a skipped definition file (see the command's footer).
int targetsExitCode(const TargetCatalog& catalog, const std::vector<TargetChecks>& checks,
                    const std::vector<TargetProbe>& probes) {
    if (std::any_of(probes.begin(), probes.end(), [](const TargetProbe& p) { return p.attempted && !p.ok; }))
        return kExitFailures;
    if (std::any_of(checks.begin(), checks.end(), [](const TargetChecks& check) { return !check.preflight.ok; }))
        return kExitPreflight;
    return catalog.errors().empty() ? kExitOk : kExitFailures;
}

} // namespace

int runTargetsCommand(const TargetsCommandOptions& options, std::ostream& out, std::ostream& err) {
    const auto builtInDir = options.builtInDir.empty() ? resourcesDir() / "targets" : options.builtInDir;
    const auto userDir = options.userDir ? *options.userDir : TargetCatalog::userTargetsDir();
    const auto catalog = TargetCatalog::load(builtInDir, userDir);
    const auto targets = selectedTargets(catalog, options.names, err);
    if (!targets)
        return kExitUsage;
    auto values = defaultPlaceholderValues();
    values.python = options.python;
    const auto checks = checkAll(*targets, values);
    if (!options.json)
        printList(out, catalog, *targets, checks, builtInDir, userDir);
    const std::vector<TargetProbe> probes = options.probe ? probeTargets(*targets, checks, values, options.json, out)
                                                          : std::vector<TargetProbe>(targets->size());
    if (options.json)
        printTargetsJson(out, catalog, *targets, checks, options.probe ? &probes : nullptr, builtInDir, userDir);
    return targetsExitCode(catalog, checks, probes);
}

Command addTargetsCommand(CLI::App& root) {
    auto options = std::make_shared<TargetsCommandOptions>();
    auto* app = root.add_subcommand("targets", "List the servers that can be benchmarked (preflight, versions); "
                                               "--probe starts each one and times one request per scenario");
    app->add_option("names", options->names, "Only these targets (default: all)");
    app->add_flag("--probe", options->probe,
                  "Start each target on a free port, wait until ready, send one request per scenario, print its "
                  "latency next to the ideal, stop it");
    app->add_flag("--json", options->json, "Print JSON instead of tables");
    app->add_option("--python", options->python, "The Python interpreter for {python}")->default_val(options->python);
    app->footer("Definitions: the built-in folder, then $XDG_CONFIG_HOME/loadscope/targets (user files add targets or "
                "override built-ins by name); see docs/targets.md.\nExit codes: 0 ok, 1 a probe failed or a "
                "definition file was skipped, 2 unknown target, 3 a target fails preflight.");
    return {app, [options] { return runTargetsCommand(*options, std::cout, std::cerr); }};
}

} // namespace loadscope::cli
