#pragma once
// Imported steps -> a Run (or the steps to add to an existing run): target names, rates, repetitions, sequence
// numbers, and the provenance of every step in the run's environment JSON under "imports" (docs/import.md).

#include "import_types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loadscope::importers {

struct AssembleOptions {
    std::string name;          // the run's name; empty: "Imported <files>"
    std::string target;        // every step's target; empty: the tool's name (an hlog tag: the tag, or for a log
                               // Loadscope exported, the target and rate its tags name)
    std::vector<double> rates; // empty: the rate each file shows; one: every file; else one per file
    std::int64_t nowMs = 0;    // when the import happens
};

// Throws ImportError when the options do not fit the files (e.g. three rates for two files). `files` holds each
// file's steps in the order given. With `into`, the result keeps into's id, name, targets (new ones appended with
// id 0) and environment (imports added), and holds only the new steps, numbered after into's.
Run assembleRun(const std::vector<std::vector<ImportedStep>>& files, const AssembleOptions& options,
                const Run* into = nullptr);

// 3 significant digits: a measured 1999.7 req/s reads as the 2000 req/s that was asked for.
double roundRate(double rps);

} // namespace loadscope::importers
