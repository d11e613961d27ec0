#include "run_assembler.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace loadscope::importers {

namespace {
using Json = nlohmann::json;

Json provenanceJson(const Provenance& p, int sequence, const std::string& target, double rate) {
    Json j{{"sequence", sequence}, {"target", target},   {"requested_rps", rate},
           {"tool", p.tool},       {"format", p.format}, {"file", p.fileName},
           {"sha256", p.sha256},   {"bytes", p.bytes},   {"fidelity", std::string(toString(p.fidelity))},
           {"detail", p.detail}};
    if (!p.commandLine.empty())
        j["command_line"] = p.commandLine;
    if (!p.url.empty())
        j["url"] = p.url;
    if (!p.tag.empty())
        j["tag"] = p.tag;
    return j;
}

std::string logLine(const Provenance& p) {
    std::string text = "Imported from " + p.fileName + " (" + p.tool + " " + p.format + ", " + std::to_string(p.bytes) +
                       " bytes, sha256 " + p.sha256 + ")\n";
    text += "Histogram: " + std::string(toString(p.fidelity)) + "; " + p.detail + "\n";
    if (!p.commandLine.empty())
        text += "Command: " + p.commandLine + "\n";
    if (!p.url.empty())
        text += "URL: " + p.url + "\n";
    if (!p.tag.empty())
        text += "Tag: " + p.tag + "\n";
    return text;
}
// "aiohttp@1000rps#2", the tags `loadscope export --format hlog` writes (hlogTag): target and rate back.
bool parseExportTag(const std::string& tag, std::string& target, double& rate) {
    const auto at = tag.rfind('@');
    const auto rps = tag.rfind("rps#");
    if (at == std::string::npos || at == 0 || rps == std::string::npos || rps < at)
        return false;
    try {
        std::size_t used = 0;
        const std::string number = tag.substr(at + 1, rps - at - 1);
        rate = std::stod(number, &used);
        if (used != number.size() || !(rate > 0))
            return false;
    } catch (const std::exception&) {
        return false;
    }
    target = tag.substr(0, at);
    return true;
}

// The run to add to: `into` without its steps (the result carries only the new ones), or a new run.
Run importBase(const Run* into, Json& env) {
    Run run;
    env = Json::object();
    if (into) {
        run.id = into->id;
        run.name = into->name;
        run.createdMs = into->createdMs;
        run.targets = into->targets;
        run.tags = into->tags;
        env = Json::parse(into->environmentJson, nullptr, false);
        if (!env.is_object())
            env = Json::object();
    }
    if (!env.contains("imports") || !env["imports"].is_array())
        env["imports"] = Json::array();
    return run;
}

// Sequence numbers and repetitions go on from the run's existing steps.
struct ImportNumbering {
    int sequence = 0;
    std::map<std::pair<std::string, double>, int> repetitions;
};

ImportNumbering numberingAfter(const Run* into) {
    ImportNumbering numbering;
    if (!into)
        return numbering;
    for (const auto& s : into->steps) {
        numbering.sequence = std::max(numbering.sequence, s.sequence);
        auto& r = numbering.repetitions[{s.targetName, s.requestedRps}];
        r = std::max(r, s.repetition);
    }
    return numbering;
}

// The target and rate of one imported step: --target and --rate when given; else what a Loadscope export's tag
// says; else the tool (and the log's tag) and the measured rate, rounded.
std::pair<std::string, double> importedTargetAndRate(const ImportedStep& imported, const AssembleOptions& options,
                                                     std::size_t fileIndex) {
    const auto& p = imported.provenance;
    std::string target = options.target.empty() ? p.tool : options.target;
    double rate = 0, tagRate = 0;
    std::string tagTarget;
    if (p.tool == "hlog" && parseExportTag(p.tag, tagTarget, tagRate)) // a Loadscope export
        target = options.target.empty() ? tagTarget : options.target;
    else if (p.tool == "hlog" && !p.tag.empty())
        target = options.target.empty() ? p.tag : options.target + ":" + p.tag;
    if (!options.rates.empty())
        rate = options.rates.size() == 1 ? options.rates[0] : options.rates[fileIndex];
    else if (tagRate > 0)
        rate = tagRate;
    else if (imported.measuredRps)
        rate = roundRate(*imported.measuredRps);
    if (!(rate > 0))
        throw ImportError(p.fileName + ": the file shows no request rate: give it with --rate RPS");
    return {target, rate};
}

void addImportedTarget(Run& run, const std::string& target, const Provenance& p) {
    const bool known =
        std::any_of(run.targets.begin(), run.targets.end(), [&](const TargetSnapshot& t) { return t.name == target; });
    if (known)
        return;
    TargetSnapshot t;
    t.name = target;
    t.displayName = target;
    t.versions = p.tool + " results, imported";
    if (!p.commandLine.empty())
        t.argv = {p.commandLine};
    t.tags = {"imported"};
    run.targets.push_back(std::move(t));
}

// A new run's name, dates and status: dated when it was measured when the files say so, else when imported.
void describeNewImport(Run& run, const AssembleOptions& options, const std::vector<std::string>& fileNames,
                       const std::set<std::string>& tools) {
    std::int64_t earliestMs = 0, latestMs = 0;
    for (const auto& step : run.steps) {
        if (step.startedMs > 0 && (earliestMs == 0 || step.startedMs < earliestMs))
            earliestMs = step.startedMs;
        latestMs = std::max(latestMs, step.finishedMs);
    }
    std::string toolList;
    for (const auto& t : tools)
        toolList += (toolList.empty() ? "" : ", ") + t;
    run.name = options.name;
    if (run.name.empty())
        run.name = "Imported " +
                   (fileNames.size() == 1 ? fileNames.front() : std::to_string(fileNames.size()) + " files") + " (" +
                   toolList + ")";
    run.createdMs = earliestMs > 0 ? earliestMs : options.nowMs;
    run.finishedMs = latestMs > 0 ? std::max(latestMs, run.createdMs) : options.nowMs;
    run.status = RunStatus::Completed;
    run.notes = "Imported with `loadscope import`; provenance per step under \"imports\" in the environment.";
}

void addRunTag(Run& run, const std::string& tag) {
    if (std::find(run.tags.begin(), run.tags.end(), tag) == run.tags.end())
        run.tags.push_back(tag);
}

} // namespace

double roundRate(double rps) {
    if (!(rps > 0))
        return 0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rps)) - 2);
    return std::round(rps / magnitude) * magnitude;
}

Run assembleRun(const std::vector<std::vector<ImportedStep>>& files, const AssembleOptions& options, const Run* into) {
    if (options.rates.size() > 1 && options.rates.size() != files.size())
        throw ImportError("--rate: expected one rate, or one per file (" + std::to_string(files.size()) + "), got " +
                          std::to_string(options.rates.size()));
    Json env;
    Run run = importBase(into, env);
    ImportNumbering numbering = numberingAfter(into);
    std::set<std::string> tools;
    std::vector<std::string> fileNames;
    for (std::size_t f = 0; f < files.size(); ++f) {
        for (const auto& imported : files[f]) {
            const auto& p = imported.provenance;
            tools.insert(p.tool);
            if (fileNames.empty() || fileNames.back() != p.fileName)
                fileNames.push_back(p.fileName);
            const auto [target, rate] = importedTargetAndRate(imported, options, f);
            Step step = imported.step;
            step.targetName = target;
            step.scenario = "imported";
            step.requestedRps = rate;
            step.repetition = ++numbering.repetitions[{target, rate}];
            step.sequence = ++numbering.sequence;
            step.status = StepStatus::Ok;
            step.generatorLogTail = logLine(p);
            addImportedTarget(run, target, p);
            env["imports"].push_back(provenanceJson(p, step.sequence, target, rate));
            run.steps.push_back(std::move(step));
        }
    }
    env["imported"] = true;
    env["imported_at_ms"] = options.nowMs;
    if (!into)
        describeNewImport(run, options, fileNames, tools);
    addRunTag(run, "imported");
    for (const auto& tool : tools)
        addRunTag(run, tool);
    run.environmentJson = env.dump();
    return run;
}

} // namespace loadscope::importers
