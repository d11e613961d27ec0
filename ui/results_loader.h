#pragma once
// Loading runs for the Results charts: opens its own read-only connection (one RunStore per thread), loads the runs,
// resolves their SLOs and merges each measurement's repetitions through RunStore::mergedHistograms. Blocking and
// Qt-free: the Results page calls it on a worker thread, the headless export directly.

#include "chart_data.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace loadscope {

struct LoadedResults {
    std::shared_ptr<const ResultsDataset> data; // null on error
    std::string error;                          // names the database and the run when something is wrong
};

LoadedResults loadResults(const std::filesystem::path& database, const std::vector<std::int64_t>& runIds);

} // namespace loadscope
