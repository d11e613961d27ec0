#pragma once
// A whole run as one JSON document (schema: docs/run-json.md), for `loadscope export` / `import` and for sharing
// results. Lossless: every field of Run, TargetSnapshot and Step, both histograms as base64 of
// LatencyHistogram::serialize(). Database ids are not part of the document (an import gets new ones).

#include "run_types.h"

#include <string>
#include <string_view>

namespace loadscope {

constexpr std::string_view kRunJsonFormat = "loadscope-run";
constexpr int kRunJsonFormatVersion = 1;

// The document for `run` (its steps' histograms included when loaded), indented by two spaces.
std::string runToJson(const Run& run);

// Parses and validates a document. Throws StoreError "<sourceName>: <field path>: <what was expected>", e.g.
// "results.json: steps[3].latency.p99_ms: expected a number, found a string". Ids in the result are 0; steps name
// their target in targetName.
Run runFromJson(std::string_view json, const std::string& sourceName);

} // namespace loadscope
