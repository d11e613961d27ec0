#pragma once
// One parser per format (one .cpp each). Each reads an InputFile from its start, returns the steps it holds (one,
// or one per tag for HdrHistogram logs) with the provenance fields it knows (tool, format, fidelity, detail, url,
// command line), and throws ImportError naming the line and what was expected. import_file.cpp adds the file name
// and checksum. Formats: docs/import.md.

#include "import_types.h"
#include "input_file.h"

#include <vector>

namespace loadscope::importers {

std::vector<ImportedStep> parseWrkText(InputFile& file);                           // wrk2 --latency [-U], wrk --latency
std::vector<ImportedStep> parseVegetaCsv(InputFile& file);                         // vegeta encode --to csv
std::vector<ImportedStep> parseVegetaJson(InputFile& file);                        // vegeta encode --to json
std::vector<ImportedStep> parseK6Json(InputFile& file);                            // k6 run --out json
std::vector<ImportedStep> parseK6Csv(InputFile& file);                             // k6 run --out csv
std::vector<ImportedStep> parseOhaJson(InputFile& file);                           // oha --output-format json
std::vector<ImportedStep> parseHlog(InputFile& file, const ParseOptions& options); // HistogramLogWriter, V2
std::vector<ImportedStep> parsePhout(InputFile& file);                             // yandex-tank / phantom phout

} // namespace loadscope::importers
