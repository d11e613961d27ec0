// loadscope delete RUN...: removes runs (with their steps and histograms) from the database.
#include "cli_command.h"
#include "run_store.h"

#include <iostream>
#include <memory>
#include <set>

namespace loadscope::cli {

namespace {

struct DeleteOptions {
    std::string db;
    std::vector<std::string> runs;
};

int deleteRuns(const DeleteOptions& o) {
    auto store = RunStore::open(existingDatabase(o.db));
    store.markInterruptedRuns();
    // Resolve every id first: a typo in the third argument must not leave the first two deleted.
    std::vector<std::pair<std::int64_t, std::string>> targets;
    std::set<std::int64_t> seen;
    for (const auto& text : o.runs) {
        const auto id = resolveRunId(store, text);
        if (!seen.insert(id).second)
            continue;
        const auto run = store.loadRun(id);
        if (run->status == RunStatus::Running)
            throw UsageError("RUN: run " + std::to_string(id) +
                             " is still running in another Loadscope; cancel it there first");
        targets.emplace_back(id, run->name);
    }
    for (const auto& [id, name] : targets) {
        store.deleteRun(id);
        std::cout << "Deleted run " << id << " \"" << name << "\"\n";
    }
    return kExitOk;
}

} // namespace

Command addDeleteCommand(CLI::App& root) {
    auto options = std::make_shared<DeleteOptions>();
    auto* app = addStoredRunsCommand(root, "delete", "Delete runs from the database", options->db);
    addRunArguments(*app, options->runs);
    return {app, [options] { return deleteRuns(*options); }};
}

} // namespace loadscope::cli
