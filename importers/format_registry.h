#pragma once
// The formats Loadscope imports, in one table used by `loadscope import` and the desktop app's File > Import:
// names for --tool, detection from a file's first bytes, and the parser to call.

#include "import_types.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope::importers {

enum class FileFormat {
    WrkText, // wrk2 --latency, wrk --latency
    VegetaCsv,
    VegetaJson,
    K6Json,
    K6Csv,
    OhaJson,
    Hlog,
    Phout,
    LoadscopeRun, // `loadscope export --format json`: imported as a whole run by RunStore::importRunJson
};

struct FormatInfo {
    FileFormat format;
    std::string_view tool;        // the --tool name: wrk2, vegeta, k6, oha, hlog, phout, loadscope
    std::string_view description; // "wrk2/wrk text (--latency)"
};
const std::vector<FormatInfo>& knownFormats();
const FormatInfo& formatInfo(FileFormat format);

// The --tool names, "auto" first: "auto|wrk2|vegeta|k6|oha|hlog|phout|loadscope".
std::string toolChoices();
bool isKnownTool(std::string_view tool); // "wrk" counts as wrk2

// The format of a file from its first bytes; `tool` ("auto" or a --tool name) narrows the choice. Throws ImportError
// "<file>: ..." saying what the file looks like when it is none of them (or not the tool asked for).
FileFormat detectFormat(const std::filesystem::path& path, std::string_view tool = "auto");
FileFormat detectFormat(std::string_view head, const std::string& fileName, std::string_view tool);

// Parses a file of a result format (not LoadscopeRun): its steps with complete provenance (file name, SHA-256, bytes).
std::vector<ImportedStep> importFile(const std::filesystem::path& path, FileFormat format,
                                     const ParseOptions& options = {});

} // namespace loadscope::importers
