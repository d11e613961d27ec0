#pragma once
// RunStore's private state and the row-level helpers its public methods compose. Helpers run inside the caller's
// transaction; the public methods own the transactions (one per step written, one per edit).

#include "process_owner.h"
#include "run_store.h"
#include "sqlite_database.h"

#include <optional>

namespace loadscope {

struct RunStore::Impl {
    Impl(const std::filesystem::path& path, OpenMode mode);

    sqlite::Database db;
    OpenMode mode;
    int schemaVersion = 0;

    // Throws StoreError when the store was opened read-only.
    void requireWritable(std::string_view what) const;
    // Throws StoreError "<file>: <what> failed: there is no run <id>" unless the run exists.
    void requireRun(std::int64_t runId, std::string_view what);

    // Inserts the run row, its tags, targets (assigning ids) and steps. `owner` is nullopt for imported runs.
    void insertRunTree(Run& run, const std::optional<ProcessOwner>& owner);
    // Throws StoreError unless `name` is a usable target name (not empty, no control characters).
    void checkTargetName(const std::string& name, const std::string& what) const;
    void checkKnee(const TargetSnapshot& target, const std::string& what) const;
    std::int64_t insertTargetRow(std::int64_t runId, int position, const TargetSnapshot& target);
    void writeTags(std::int64_t runId, const std::vector<std::string>& tags);
    // Resolves the step's target (by id or by name within its run), fills missing summaries from the histograms
    // and inserts it. Assigns step.id.
    void insertStepRow(Step& step);
    // Recomputes the run row's summary columns (steps, failed steps, scenarios, rates, tags, targets and knees).
    void refreshRunSummary(std::int64_t runId);
};

// Tags as stored: surrounding white space trimmed, empty ones dropped, duplicates removed (first one kept).
std::vector<std::string> normalizedTags(const std::vector<std::string>& tags);

} // namespace loadscope
