// loadscope show RUN: what was measured (plan, machine, targets) and the summary table with knees and problems.
#include "benchmark_plan.h"
#include "cli_command.h"
#include "cli_summary.h"
#include "cli_table.h"
#include "plan_text.h"
#include "run_store.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace loadscope::cli {

namespace {

struct ShowOptions {
    std::string db;
    std::string run;
    bool logs = false;
    bool planJson = false;
    bool environmentJson = false;
};

std::string planText(const Run& run) {
    try {
        const auto plan = planFromJson(run.planJson, "plan");
        std::vector<std::string> rates;
        for (double r : plan.rates)
            rates.push_back(formatNumber(r, 1));
        const std::string what =
            plan.mode == PlanMode::Search ? describeSearch(plan) : "rates " + joinList(rates, ", ") + " rps";
        std::string text = "scenario " + plan.scenario + "; " + what + "; " + formatDuration(plan.stepDurationS) +
                           " steps, " + formatDuration(plan.warmupS) + " warm-up, " + formatDuration(plan.cooldownS) +
                           " cool-down; " + std::to_string(plan.repetitions) +
                           (plan.repetitions == 1 ? " repetition; " : " repetitions; ") +
                           std::string(toString(plan.order)) + "; stop rule " + (plan.stopRule ? "on" : "off") +
                           "; SLO " + describeSlo(plan.slo) + "; connections " +
                           (plan.connections ? std::to_string(*plan.connections) : std::string("auto")) + "; " +
                           plan.arrivals + " arrivals; timeout " + formatDuration(plan.requestTimeoutS);
        if (plan.profile.enabled)
            text += "; profiled: " + plan.profile.describe();
        return text;
    } catch (const std::exception& e) {
        return std::string("(not readable: ") + e.what() + ")";
    }
}

std::string machineText(const Run& run) {
    const auto env = nlohmann::json::parse(run.environmentJson, nullptr, false);
    if (!env.is_object())
        return "(not recorded)";
    auto str = [&](const char* key) {
        return env.contains(key) && env[key].is_string() ? env[key].get<std::string>() : std::string("?");
    };
    std::string text = str("host") + ", " + str("cpu_model");
    if (env.contains("cores") && env["cores"].is_number())
        text += " (" + std::to_string(env["cores"].get<int>()) + " cores)";
    text += ", governor " + str("frequency_governor") + ", " + str("os") + ", kernel " + str("kernel");
    if (env.contains("load_average") && env["load_average"].is_array() && env["load_average"].size() == 3) {
        text += ", load average at start";
        for (const auto& v : env["load_average"])
            text += " " + (v.is_number() ? fixed(v.get<double>(), 2) : std::string("?"));
    }
    if (env.contains("pinning") && env["pinning"].is_string())
        text += "; pinning: " + env["pinning"].get<std::string>();
    text += "; loadscope " + str("loadscope_version") + " (" + str("loadscope_commit") + ")";
    return text;
}

std::string durationText(const Run& run) {
    std::string text = localTime(run.createdMs);
    if (run.finishedMs > 0)
        text += " to " + localTime(run.finishedMs).substr(11) + ", " +
                formatDuration(static_cast<double>(run.finishedMs - run.createdMs) / 1000.0);
    return text;
}

int showRun(const ShowOptions& o) {
    auto store = openForReading(existingDatabase(o.db));
    const auto id = resolveRunId(store, o.run);
    auto run = *store.loadRun(id);
    if (o.planJson) {
        std::cout << run.planJson << "\n";
        return kExitOk;
    }
    if (o.environmentJson) {
        const auto env = nlohmann::json::parse(run.environmentJson, nullptr, false);
        std::cout << (env.is_discarded() ? run.environmentJson : env.dump(2)) << "\n";
        return kExitOk;
    }
    store.loadHistograms(run.steps);

    std::cout << "Run #" << run.id << " \"" << run.name << "\"\n";
    std::cout << "  status:  " << toString(run.status) << " (" << durationText(run) << ")\n";
    std::cout << "  plan:    " << planText(run) << "\n";
    std::cout << "  machine: " << machineText(run) << "\n";
    if (!run.tags.empty())
        std::cout << "  tags:    " << joinList(run.tags, ", ") << "\n";
    if (!run.notes.empty())
        std::cout << "  notes:   " << run.notes << "\n";
    std::cout << "  targets:\n";
    for (const auto& t : run.targets) {
        std::cout << "    " << t.name;
        if (!t.versions.empty())
            std::cout << " (" << t.versions << ")";
        std::cout << "\n      " << (t.argv.empty() ? std::string("(never started)") : joinList(t.argv, " ")) << "\n";
    }
    std::cout << "\n";
    const RunAnalysis analysis = analyzeRun(run);
    printSummaryTable(std::cout, run, analysis);
    std::cout << "\n";
    printKnees(std::cout, run, analysis);
    std::cout << "\n";
    printProblems(std::cout, run, o.logs);
    return kExitOk;
}

} // namespace

Command addShowCommand(CLI::App& root) {
    auto options = std::make_shared<ShowOptions>();
    auto* app = addStoredRunsCommand(root, "show", "Show one run: its plan, machine, targets, summary table and knees",
                                     options->db);
    addRunArgument(*app, options->run);
    app->add_flag("--logs", options->logs, "Also print the log tails of failed steps");
    app->add_flag("--plan", options->planJson, "Print only the run's plan as JSON (reusable with `run --plan`)");
    app->add_flag("--environment", options->environmentJson, "Print only the recorded environment as JSON");
    return {app, [options] { return showRun(*options); }};
}

} // namespace loadscope::cli
