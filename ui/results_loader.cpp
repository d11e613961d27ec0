#include "results_loader.h"

#include "run_store.h"

#include <charconv>

namespace loadscope {

LoadedResults loadResults(const std::filesystem::path& database, const std::vector<std::int64_t>& runIds) {
    LoadedResults result;
    try {
        const RunStore store = RunStore::open(database, RunStore::OpenMode::ReadOnly);
        std::vector<Run> runs;
        for (const std::int64_t id : runIds) {
            std::optional<Run> run = store.loadRun(id);
            if (!run) {
                result.error = database.string() + ": no run " + std::to_string(id);
                return result;
            }
            // Each repetition's histogram: the verdicts' intervals resample repetitions. The dataset frees them
            // once merged.
            store.loadHistograms(run->steps);
            runs.push_back(std::move(*run));
        }
        // The SLO each run was measured against comes from what is stored with it, not today's definitions.
        auto data = std::make_shared<ResultsDataset>(buildDataset(std::move(runs), {}));
        result.data = std::move(data);
    } catch (const std::exception& e) {
        result.error = e.what();
        result.data.reset();
    }
    return result;
}

std::int64_t resolveRunReference(const std::filesystem::path& database, const std::string& reference,
                                 std::string& error) {
    try {
        const RunStore store = RunStore::open(database, RunStore::OpenMode::ReadOnly);
        if (reference == "latest" || reference == "last") {
            RunFilter newest;
            newest.limit = 1;
            const auto runs = store.listRuns(newest);
            if (runs.empty()) {
                error = database.string() + ": the database holds no run yet";
                return 0;
            }
            return runs.front().id;
        }
        std::int64_t id = 0;
        const auto [end, ec] = std::from_chars(reference.data(), reference.data() + reference.size(), id);
        if (ec != std::errc() || end != reference.data() + reference.size() || id <= 0) {
            error = "RUN: expected a run id (a positive number, see `loadscope list`) or \"latest\", got \"" +
                    reference + "\"";
            return 0;
        }
        if (!store.loadRun(id)) {
            error = database.string() + ": no run " + std::to_string(id) + " (see `loadscope list`)";
            return 0;
        }
        return id;
    } catch (const std::exception& e) {
        error = e.what();
        return 0;
    }
}

} // namespace loadscope
