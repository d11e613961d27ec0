#include "result_import.h"

#include "benchmark_plan.h"
#include "format_registry.h"
#include "run_assembler.h"
#include "run_json.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace loadscope::importers {

namespace {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The plan an imported run shows: its targets, rates and the longest step; the SLO asked for, else the default,
// relative to an ideal latency the files do not give: then the run has no verdicts.
std::string importedPlanJson(const Run& run, const std::string& slo) {
    BenchmarkPlan plan;
    if (!slo.empty()) {
        try {
            plan.slo = parseSlo(slo);
        } catch (const PlanError& e) {
            throw ImportError(std::string("--slo: ") + e.what());
        }
    }
    plan.name = run.name;
    plan.scenario = "imported";
    std::set<double> rates;
    for (const auto& s : run.steps) {
        if (std::find(plan.targets.begin(), plan.targets.end(), s.targetName) == plan.targets.end())
            plan.targets.push_back(s.targetName);
        rates.insert(s.requestedRps);
        plan.repetitions = std::max(plan.repetitions, s.repetition);
        plan.stepDurationS = std::max(0.0, s.durationS);
    }
    plan.rates.assign(rates.begin(), rates.end());
    plan.warmupS = 0;
    plan.cooldownS = 0;
    plan.stopRule = false;
    return planToJson(plan);
}

} // namespace

std::vector<double> parseRateList(const std::string& text) {
    std::vector<double> rates;
    if (text.empty())
        return rates;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find(',', start);
        const auto part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::size_t used = 0;
        double value = 0;
        try {
            value = std::stod(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (part.empty() || used != part.size() || !(value > 0) || value > 10'000'000)
            throw ImportError("--rate: expected requests per second (above 0), one or one per file separated by "
                              "commas, got '" +
                              part + "'");
        rates.push_back(value);
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return rates;
}

bool isLoadscopeRunFile(const std::string& path) {
    try {
        return detectFormat(path) == FileFormat::LoadscopeRun;
    } catch (const ImportError&) {
        return false;
    }
}

ParsedImport readImportFiles(const ResultImportRequest& request) {
    if (request.files.empty())
        throw ImportError("no files to import");
    if (!isKnownTool(request.tool))
        throw ImportError("--tool: expected " + toolChoices() + ", got '" + request.tool + "'");
    if (request.intoRunId != 0 && !request.slo.empty())
        throw ImportError("--slo: a run keeps the SLO it was planned with; --slo is for a new run, not with --into");
    std::vector<FileFormat> formats;
    for (const auto& file : request.files) {
        formats.push_back(detectFormat(file, request.tool));
        if (formats.back() == FileFormat::LoadscopeRun)
            throw ImportError(file + ": a Loadscope run file is imported alone and as it is, not with other files "
                                     "or options");
    }
    // Read every file before touching the database: a bad one stops the import with nothing written.
    ParsedImport parsed;
    parsed.assemble.name = request.name;
    parsed.assemble.target = request.target;
    parsed.assemble.rates = parseRateList(request.rates);
    parsed.assemble.nowMs = nowMs();
    ParseOptions parse;
    parse.hlogUnit = request.hlogUnit;
    for (std::size_t i = 0; i < request.files.size(); ++i)
        parsed.steps.push_back(importFile(request.files[i], formats[i], parse));
    return parsed;
}

ResultImportOutcome importResults(RunStore& store, const ResultImportRequest& request) {
    return importResults(store, request, readImportFiles(request));
}

ResultImportOutcome importResults(RunStore& store, const ResultImportRequest& request, const ParsedImport& parsed) {
    const auto& steps = parsed.steps;
    const auto& assemble = parsed.assemble;

    ResultImportOutcome outcome;
    if (request.intoRunId == 0) {
        outcome.run = assembleRun(steps, assemble);
        outcome.run.planJson = importedPlanJson(outcome.run, request.slo);
        outcome.runId = store.importRunJson(runToJson(outcome.run), "import"); // one transaction
        outcome.run.id = outcome.runId;
        return outcome;
    }
    auto existing = store.loadRun(request.intoRunId);
    if (!existing)
        throw ImportError("--into: there is no run " + std::to_string(request.intoRunId));
    outcome.run = assembleRun(steps, assemble, &*existing);
    outcome.runId = request.intoRunId;
    outcome.addedToExisting = true;
    // Everything is checked; the writes follow (targets, then each step in its own transaction: the store has no
    // single transaction for adding to an existing run).
    for (auto& target : outcome.run.targets)
        if (target.id == 0)
            store.addTarget(request.intoRunId, target);
    for (auto& step : outcome.run.steps) {
        step.runId = request.intoRunId;
        for (const auto& target : outcome.run.targets)
            if (target.name == step.targetName)
                step.targetId = target.id;
        store.insertStep(step);
    }
    store.setEnvironment(request.intoRunId, outcome.run.environmentJson);
    store.setTags(request.intoRunId, outcome.run.tags);
    return outcome;
}

} // namespace loadscope::importers
