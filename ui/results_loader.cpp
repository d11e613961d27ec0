#include "results_loader.h"

#include "run_store.h"

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

} // namespace loadscope
