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
    Run run;
    Json env = Json::object();
    std::set<std::string> tools;
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
    int sequence = 0;
    std::map<std::pair<std::string, double>, int> repetitions;
    if (into) {
        for (const auto& s : into->steps) {
            sequence = std::max(sequence, s.sequence);
            auto& r = repetitions[{s.targetName, s.requestedRps}];
            r = std::max(r, s.repetition);
        }
    }
    std::int64_t earliestMs = 0, latestMs = 0;
    std::vector<std::string> fileNames;
    for (std::size_t f = 0; f < files.size(); ++f) {
        for (const auto& imported : files[f]) {
            Step step = imported.step;
            const auto& p = imported.provenance;
            tools.insert(p.tool);
            if (fileNames.empty() || fileNames.back() != p.fileName)
                fileNames.push_back(p.fileName);
            std::string target = options.target.empty() ? p.tool : options.target;
            double rate = 0, tagRate = 0;
            std::string tagTarget;
            if (p.tool == "hlog" && parseExportTag(p.tag, tagTarget, tagRate)) // a Loadscope export
                target = options.target.empty() ? tagTarget : options.target;
            else if (p.tool == "hlog" && !p.tag.empty())
                target = options.target.empty() ? p.tag : options.target + ":" + p.tag;
            if (!options.rates.empty())
                rate = options.rates.size() == 1 ? options.rates[0] : options.rates[f];
            else if (tagRate > 0)
                rate = tagRate;
            else if (imported.measuredRps)
                rate = roundRate(*imported.measuredRps);
            if (!(rate > 0))
                throw ImportError(p.fileName + ": the file shows no request rate: give it with --rate RPS");
            step.targetName = target;
            step.scenario = "imported";
            step.requestedRps = rate;
            step.repetition = ++repetitions[{target, rate}];
            step.sequence = ++sequence;
            step.status = StepStatus::Ok;
            step.generatorLogTail = logLine(p);
            if (step.startedMs > 0 && (earliestMs == 0 || step.startedMs < earliestMs))
                earliestMs = step.startedMs;
            latestMs = std::max(latestMs, step.finishedMs);
            const bool known = std::any_of(run.targets.begin(), run.targets.end(),
                                           [&](const TargetSnapshot& t) { return t.name == target; });
            if (!known) {
                TargetSnapshot t;
                t.name = target;
                t.displayName = target;
                t.versions = p.tool + " results, imported";
                if (!p.commandLine.empty())
                    t.argv = {p.commandLine};
                t.tags = {"imported"};
                run.targets.push_back(std::move(t));
            }
            env["imports"].push_back(provenanceJson(p, step.sequence, target, rate));
            run.steps.push_back(std::move(step));
        }
    }
    env["imported"] = true;
    env["imported_at_ms"] = options.nowMs;
    if (!into) {
        std::string toolList;
        for (const auto& t : tools)
            toolList += (toolList.empty() ? "" : ", ") + t;
        run.name = options.name;
        if (run.name.empty()) {
            run.name = "Imported " +
                       (fileNames.size() == 1 ? fileNames.front() : std::to_string(fileNames.size()) + " files") +
                       " (" + toolList + ")";
        }
        // A run dated when it was measured, when the files say so; else when it was imported.
        run.createdMs = earliestMs > 0 ? earliestMs : options.nowMs;
        run.finishedMs = latestMs > 0 ? std::max(latestMs, run.createdMs) : options.nowMs;
        run.status = RunStatus::Completed;
        run.notes = "Imported with `loadscope import`; provenance per step under \"imports\" in the environment.";
    }
    for (const auto& tag : std::vector<std::string>{"imported"})
        if (std::find(run.tags.begin(), run.tags.end(), tag) == run.tags.end())
            run.tags.push_back(tag);
    for (const auto& tool : tools)
        if (std::find(run.tags.begin(), run.tags.end(), tool) == run.tags.end())
            run.tags.push_back(tool);
    run.environmentJson = env.dump();
    return run;
}

} // namespace loadscope::importers
