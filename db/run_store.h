#pragma once
// RunStore: the SQLite results database. One RunStore per connection and per thread; a writer (a run in progress)
// and readers (the GUI, the CLI) may use the same file at once from different connections or processes (WAL).
//
// Every failure throws StoreError with a message that names the file and what went wrong. A file that is not a
// Loadscope database, or one written by a newer Loadscope, is refused and never modified.

#include "run_types.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace loadscope {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct RunFilter {
    // Every white-space separated word must occur (case-insensitive for ASCII) in the name, notes, scenarios, a tag
    // or a target's name or display name.
    std::string text;
    std::optional<RunStatus> status;
    std::string target;                        // runs that measured this target
    std::string tag;                           // runs carrying this tag
    std::optional<std::int64_t> createdFromMs; // inclusive
    std::optional<std::int64_t> createdToMs;   // exclusive
    enum class SortBy { Created, Name, Status } sortBy = SortBy::Created;
    bool descending = true;
    int limit = 0; // 0: no limit
    int offset = 0;
};

class RunStore {
public:
    enum class OpenMode { ReadWrite, ReadOnly };
    static constexpr int kSchemaVersion = 5; // the newest schema this build reads and writes

    // Opens (creating and migrating when ReadWrite) the database at `path`.
    static RunStore open(const std::filesystem::path& path, OpenMode mode = OpenMode::ReadWrite);
    // $XDG_DATA_HOME/loadscope/runs.sqlite (~/.local/share/loadscope/runs.sqlite when unset).
    static std::filesystem::path defaultPath();
    // Whether this user may write an existing database: the file and its folder (SQLite keeps the write-ahead log
    // there). Reading commands open a database they may not write read-only instead.
    static bool writable(const std::filesystem::path& path);

    RunStore(RunStore&&) noexcept;
    RunStore& operator=(RunStore&&) noexcept;
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;
    ~RunStore();

    const std::filesystem::path& path() const;
    int schemaVersion() const;

    // --- writing a run (the runner) ---
    // Inserts the run (status running, owned by this process) and its targets; assigns run.id and each target's id.
    std::int64_t createRun(Run& run);
    // Adds a target snapshot to an existing run; assigns target.id.
    std::int64_t addTarget(std::int64_t runId, TargetSnapshot& target);
    void updateTarget(const TargetSnapshot& target); // versions, argv, knee
    void setEnvironment(std::int64_t runId, const std::string& environmentJson);
    // Stores a finished step with its summaries, both histograms, timeline and log tails in one transaction; a
    // crash loses at most the step being written. Assigns step.id.
    std::int64_t insertStep(Step& step);
    void finishRun(std::int64_t runId, RunStatus status, std::int64_t finishedMs);
    // Marks `running` runs whose owning process is gone as `interrupted`; returns how many. The owner is the pid, its
    // start time and the boot id recorded by createRun, so a reused pid or a reboot is not mistaken for the owner;
    // imported runs have no owner.
    int markInterruptedRuns();

    // --- reading ---
    std::vector<RunSummary> listRuns(const RunFilter& filter = {}) const;
    int countRuns(const RunFilter& filter = {}) const;
    // The run with its targets and steps (summaries, flags, timelines, log tails) but without histograms.
    std::optional<Run> loadRun(std::int64_t runId) const;
    // Fills latencyHistogram and serviceTimeHistogram of each step (by step id).
    void loadHistograms(std::vector<Step>& steps) const;
    // The repetitions of one measurement merged: histograms added (never percentiles averaged). A step stored
    // without a histogram adds nothing; a step id that does not exist throws.
    std::pair<LatencyHistogram, LatencyHistogram> mergedHistograms(const std::vector<std::int64_t>& stepIds) const;
    // The folded stacks stored with a profiled step; nullopt for a step without a profile. Throws StoreError for a
    // step that does not exist or a damaged profile.
    std::optional<std::string> loadProfile(std::int64_t stepId) const;
    // Fills profile->folded of each profiled step.
    void loadProfiles(std::vector<Step>& steps) const;
    std::vector<std::string> allTags() const;
    std::vector<std::string> allTargetNames() const;

    // --- editing ---
    void renameRun(std::int64_t runId, const std::string& name);
    void setNotes(std::int64_t runId, const std::string& notes);
    void setTags(std::int64_t runId, const std::vector<std::string>& tags);
    void deleteRun(std::int64_t runId);

    // --- exchange (schema: docs/run-json.md) ---
    // The whole run (run, targets, steps with histograms as base64) as one JSON document.
    std::string exportRunJson(std::int64_t runId) const;
    // Imports a document written by exportRunJson as a new run; returns its id. Throws StoreError naming the field
    // (e.g. "steps[3].latency_histogram: expected a base64 Loadscope histogram") and writes nothing on error.
    std::int64_t importRunJson(const std::string& json, const std::string& sourceName = "input");

private:
    struct Impl;
    explicit RunStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace loadscope
