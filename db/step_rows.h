#pragma once
// Step <-> a row of the `steps` table (and its `step_histograms` and `step_profiles` rows). The INSERT and the SELECT
// both walk stepFields() (step_fields.h), so a column cannot be written from one member and read into another.

#include "sqlite_database.h"

namespace loadscope::step_rows {

// Inserts `step` (step.runId and step.targetId must be set) with its histograms; returns the new id. Runs inside
// the caller's transaction.
std::int64_t insert(sqlite::Database& db, const Step& step);

// Every step of a run in execution order, with its target's name, without histograms.
std::vector<Step> loadForRun(sqlite::Database& db, std::int64_t runId);

// The stored histograms of one step: {latency, service time}, each nullopt when the step has none. Throws
// StoreError for a step id that does not exist or a damaged blob.
std::pair<std::optional<LatencyHistogram>, std::optional<LatencyHistogram>> loadHistograms(sqlite::Database& db,
                                                                                           std::int64_t stepId);

// Stores a step's profile (compressed). Runs inside the caller's transaction.
void insertProfile(sqlite::Database& db, std::int64_t stepId, const StepProfile& profile);
// The folded stacks of a step; nullopt when it has no profile. Throws StoreError for a missing step or a damaged
// profile.
std::optional<std::string> loadProfile(sqlite::Database& db, std::int64_t stepId);

} // namespace loadscope::step_rows
