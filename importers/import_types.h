#pragma once
// What an importer produces: ordinary Steps (db/run_types.h) plus where each came from. No Qt, no SQLite.
//
// Error contract: every importer throws ImportError for input it cannot read; the message names the file, the line
// (or field) and what was expected, e.g. "results.csv:12: column 3 (latency): expected nanoseconds, found 'abc'".

#include "run_types.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace loadscope::importers {

class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// How faithful an imported step's histogram is to what the tool measured.
enum class Fidelity {
    Exact,               // every request's latency, or the tool's own histogram: percentiles as the tool would give
    RebuiltFromSpectrum, // rebuilt from a printed percentile spectrum (wrk2): within the printed precision
    PrintedPercentiles,  // only a handful of printed percentiles (wrk, oha's summary): the rest are bounds
};
std::string_view toString(Fidelity fidelity); // "exact", "rebuilt from printed percentiles", ...

// Where an imported step came from; stored with the run (environment JSON, key "imports") and shown in its log tail.
struct Provenance {
    std::string tool;     // "wrk2", "vegeta", "k6", "oha", "hlog", "phout"
    std::string format;   // "text", "json", "csv", "hlog V2", "phout"
    std::string fileName; // as given on the command line, without folders
    std::string sha256;   // of the whole file, lower-case hex
    std::int64_t bytes = 0;
    Fidelity fidelity = Fidelity::Exact;
    std::string detail;      // what was rebuilt or assumed, in words ("values in nanoseconds (assumed)")
    std::string commandLine; // when the file records one
    std::string url;         // the target URL, when the file names it
    std::string tag;         // hlog: the tag of these intervals
};

struct ImportedStep {
    Step step;                         // status ok, sequence/run/target ids unset; targetName may be empty
    std::optional<double> measuredRps; // the rate the file shows (requests over their time span), when it has one
    Provenance provenance;
};

// What the caller knows that a file may not say.
struct ParseOptions {
    // Unit of the values in an HdrHistogram log ("ns", "us", "ms", "s"); empty: from the log, else nanoseconds.
    std::string hlogUnit;
};

} // namespace loadscope::importers
