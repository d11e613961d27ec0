// loadscope list: the stored runs, newest first, as a table or as JSON.
#include "cli_command.h"
#include "cli_table.h"
#include "option_checks.h"
#include "plan_text.h"
#include "run_store.h"
#include "time_text.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace loadscope::cli {

namespace {

struct ListOptions {
    std::string db;
    std::string filter;
    std::string status;
    std::string target;
    int limit = 50;
    bool json = false;
};

std::string kneesText(const RunSummary& run) {
    std::vector<std::string> parts;
    for (const auto& name : run.targetNames) {
        const auto it = run.kneeRps.find(name);
        const bool known = it != run.kneeRps.end() && it->second;
        parts.push_back(name + " " + (known ? formatRps(*it->second) : std::string("-")));
    }
    return joinList(parts, ", ");
}

// The names the store gives run statuses, for --status.
const std::vector<std::string> kRunStatuses = [] {
    std::vector<std::string> names;
    for (RunStatus status : {RunStatus::Running, RunStatus::Completed, RunStatus::CompletedWithFailures,
                             RunStatus::Failed, RunStatus::Cancelled, RunStatus::Interrupted})
        names.emplace_back(toString(status));
    return names;
}();

void printRunsJson(const std::vector<RunSummary>& runs) {
    auto array = nlohmann::json::array();
    for (const auto& r : runs) {
        nlohmann::json knees = nlohmann::json::object();
        for (const auto& [name, knee] : r.kneeRps)
            knees[name] = knee ? nlohmann::json(*knee) : nlohmann::json(nullptr);
        array.push_back({{"id", r.id},
                         {"name", r.name},
                         {"status", std::string(toString(r.status))},
                         {"created", isoUtcTime(r.createdMs)},
                         {"finished", r.finishedMs > 0 ? nlohmann::json(isoUtcTime(r.finishedMs)) : nullptr},
                         {"scenario", r.scenario},
                         {"targets", r.targetNames},
                         {"rates", r.rates},
                         {"steps", r.stepCount},
                         {"failed_steps", r.failedStepCount},
                         {"knee_rps", knees},
                         {"tags", r.tags}});
    }
    std::cout << array.dump(2) << "\n";
}

void printRunTable(const std::vector<RunSummary>& runs) {
    TextTable table;
    table.addColumn("id");
    table.addColumn("created", TextTable::Align::Left);
    table.addColumn("status", TextTable::Align::Left);
    table.addColumn("steps");
    table.addColumn("name", TextTable::Align::Left);
    table.addColumn("knee rps", TextTable::Align::Left);
    for (const auto& r : runs) {
        std::string steps = std::to_string(r.stepCount);
        if (r.failedStepCount > 0)
            steps += " (" + std::to_string(r.failedStepCount) + " failed)";
        table.addRow({std::to_string(r.id), localTime(r.createdMs), std::string(toString(r.status)), steps, r.name,
                      kneesText(r)});
    }
    table.print(std::cout);
}

// Nothing run yet is not an error: an empty list, and where it would be.
int printNoDatabase(const ListOptions& o) {
    if (o.json)
        std::cout << "[]\n";
    else
        std::cout << "No runs yet (no database at " << o.db << "). Start one with `loadscope run`.\n";
    return kExitOk;
}

int listRuns(const ListOptions& o) {
    RunFilter filter;
    filter.text = o.filter;
    filter.target = o.target;
    if (!o.status.empty())
        filter.status = runStatusFromString(o.status); // checked as it was parsed
    filter.limit = o.limit;
    std::error_code ec;
    if (!std::filesystem::exists(o.db, ec))
        return printNoDatabase(o);
    // A run whose Loadscope was killed shows as `interrupted`, not as running forever.
    auto store = openForReading(o.db);
    const auto runs = store.listRuns(filter);
    if (o.json) {
        printRunsJson(runs);
        return kExitOk;
    }
    if (runs.empty()) {
        std::cout << "No runs match.\n";
        return kExitOk;
    }
    printRunTable(runs);
    if (o.limit > 0 && static_cast<int>(runs.size()) == o.limit) {
        filter.limit = 0;
        if (const int total = store.countRuns(filter); total > o.limit)
            std::cout << "(" << o.limit << " of " << total << " runs; --limit 0 shows all)\n";
    }
    return kExitOk;
}

} // namespace

Command addListCommand(CLI::App& root) {
    auto options = std::make_shared<ListOptions>();
    auto* app = root.add_subcommand("list", "List the stored runs, newest first");
    addDatabaseOption(*app, options->db);
    app->add_option("--filter", options->filter, "Only runs whose name, notes, tags or targets contain TEXT")
        ->type_name("TEXT");
    app->add_option("--status", options->status, "Only runs with this status: " + joinList(kRunStatuses, ", "))
        ->type_name("STATUS")
        ->check(choiceCheck(kRunStatuses, "one of " + joinList(kRunStatuses, ", ")));
    app->add_option("--target", options->target, "Only runs that measured this target")->type_name("NAME");
    app->add_option("--limit", options->limit, "At most N runs (0: all)")
        ->capture_default_str()
        ->type_name("N")
        ->check(rangeCheck(0, 1e9, "0 (no limit) or more", true));
    app->add_flag("--json", options->json, "An array of runs (id, name, status, created, targets, knees ...)");
    return {app, [options] { return listRuns(*options); }};
}

} // namespace loadscope::cli
