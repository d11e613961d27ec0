#pragma once
// Importing result files into a results database, the whole job that `loadscope import` and the desktop app's
// File > Import both run: detect each file's format, read and check every file, assemble the run (importers/), give it
// a plan (runner/: targets, rates, the SLO asked for), then write. Nothing is written until every file has been read.
//
// Error contract: ImportError for bad input or options, its message naming the file and line or the option
// ("--rate: ..."); StoreError (db/) for the database.

#include "import_types.h"
#include "run_assembler.h"
#include "run_store.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loadscope::importers {

struct ResultImportRequest {
    std::vector<std::string> files;
    std::string tool = "auto";  // or a --tool name
    std::string target;         // empty: the tool's name
    std::string rates;          // "2000" or "500,1000,2000" (one per file); empty: each file's own
    std::string name;           // the new run's name
    std::string slo;            // "p99<75ms,errors<0.1%" for a new run; empty: the default
    std::string hlogUnit;       // ns, us, ms, s; empty: from the log
    std::int64_t intoRunId = 0; // add to this run instead of a new one
};

struct ResultImportOutcome {
    std::int64_t runId = 0;
    bool addedToExisting = false;
    Run run; // a new run as written, or (with intoRunId) the existing run's name and the steps added
};

// "2000" or "500,1000,2000"; ImportError "--rate: ..." otherwise.
std::vector<double> parseRateList(const std::string& text);

// A Loadscope run JSON among the files (`loadscope export --format json`): true when the first file is one. Such a
// file is imported alone with RunStore::importRunJson, not through importResults.
bool isLoadscopeRunFile(const std::string& path);

// The files read and checked, nothing written yet: what the database needs is not opened for bad input.
struct ParsedImport {
    std::vector<std::vector<ImportedStep>> steps; // one list per file
    AssembleOptions assemble;
};

// Reads and checks every file of the request (ImportError on bad input or options); touches no database.
ParsedImport readImportFiles(const ResultImportRequest& request);

// Writes files read by readImportFiles as a new run, or adds them to request.intoRunId.
ResultImportOutcome importResults(RunStore& store, const ResultImportRequest& request, const ParsedImport& parsed);

// Both of the above.
ResultImportOutcome importResults(RunStore& store, const ResultImportRequest& request);

} // namespace loadscope::importers
