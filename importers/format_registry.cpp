#include "format_registry.h"

#include "format_parsers.h"
#include "input_file.h"
#include "text_fields.h"

namespace loadscope::importers {

namespace {

constexpr std::size_t kHeadBytes = 64 * 1024;

std::string_view firstLine(std::string_view head) {
    std::size_t start = 0;
    while (start < head.size()) { // skip blank lines
        const auto end = head.find('\n', start);
        const auto line =
            trim(head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (!line.empty())
            return line;
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return {};
}

bool contains(std::string_view text, std::string_view what) {
    return text.find(what) != std::string_view::npos;
}

bool looksLikePhout(std::string_view line) {
    std::string_view f[13];
    return splitFields(line, '\t', f, 13) == 12 && parseSecondsToMicros(f[0]).has_value() && parseInt(f[2]);
}

bool looksLikeVegetaCsv(std::string_view line) {
    std::string_view f[4];
    return splitFields(line, ',', f, 4) >= 4 && f[0].size() >= 16 && parseInt(f[0]) && parseInt(f[1]) && parseInt(f[2]);
}

std::optional<FileFormat> sniff(std::string_view head) {
    const auto line = firstLine(head);
    if (line.empty())
        return std::nullopt;
    if (contains(head, "#[Histogram log format version") || contains(head, "HISTF") ||
        startsWith(line, "\"StartTimestamp\""))
        return FileFormat::Hlog;
    if (contains(head, " test @ ") && contains(head, "threads and"))
        return FileFormat::WrkText;
    if (line.front() == '{') {
        if (contains(head, "\"format\": \"loadscope-run\"") || contains(head, "\"format\":\"loadscope-run\""))
            return FileFormat::LoadscopeRun;
        if (contains(line, "\"type\":\"Metric\"") || contains(line, "\"type\":\"Point\"") ||
            contains(line, "\"type\": \"Metric\""))
            return FileFormat::K6Json;
        if (contains(head, "\"latencyPercentiles\"") || contains(head, "\"successRate\""))
            return FileFormat::OhaJson;
        if (contains(line, "\"latency\"") && contains(line, "\"timestamp\"") && contains(line, "\"code\""))
            return FileFormat::VegetaJson;
        return std::nullopt;
    }
    if (startsWith(line, "metric_name,timestamp,metric_value"))
        return FileFormat::K6Csv;
    if (looksLikePhout(line))
        return FileFormat::Phout;
    if (looksLikeVegetaCsv(line))
        return FileFormat::VegetaCsv;
    return std::nullopt;
}

bool binary(std::string_view head) {
    for (unsigned char c : head.substr(0, 512))
        if (c == 0 || (c < 32 && c != '\n' && c != '\r' && c != '\t'))
            return true;
    return false;
}

} // namespace

const std::vector<FormatInfo>& knownFormats() {
    static const std::vector<FormatInfo> formats{
        {FileFormat::WrkText, "wrk2", "wrk2 or wrk text output (--latency)"},
        {FileFormat::VegetaCsv, "vegeta", "vegeta results, `vegeta encode --to csv`"},
        {FileFormat::VegetaJson, "vegeta", "vegeta results, `vegeta encode --to json`"},
        {FileFormat::K6Json, "k6", "k6 samples, `k6 run --out json=FILE`"},
        {FileFormat::K6Csv, "k6", "k6 samples, `k6 run --out csv=FILE`"},
        {FileFormat::OhaJson, "oha", "oha summary, `oha --output-format json`"},
        {FileFormat::Hlog, "hlog", "HdrHistogram interval log (.hlog, V2 histograms)"},
        {FileFormat::Phout, "phout", "yandex-tank / phantom phout (tab-separated)"},
        {FileFormat::LoadscopeRun, "loadscope", "a Loadscope run, `loadscope export --format json`"},
    };
    return formats;
}

const FormatInfo& formatInfo(FileFormat format) {
    for (const auto& info : knownFormats())
        if (info.format == format)
            return info;
    return knownFormats().front();
}

std::string toolChoices() {
    std::string text = "auto";
    for (const auto& info : knownFormats())
        if (text.find(std::string("|") + std::string(info.tool)) == std::string::npos)
            text += "|" + std::string(info.tool);
    return text;
}

bool isKnownTool(std::string_view tool) {
    if (tool == "auto" || tool == "wrk")
        return true;
    for (const auto& info : knownFormats())
        if (info.tool == tool)
            return true;
    return false;
}

FileFormat detectFormat(std::string_view head, const std::string& fileName, std::string_view tool) {
    if (tool == "wrk")
        tool = "wrk2";
    if (!isKnownTool(tool))
        throw ImportError("--tool: expected " + toolChoices() + ", got '" + std::string(tool) + "'");
    if (trim(head).empty())
        throw ImportError(fileName + ": empty: expected a result file (" + toolChoices().substr(5) + ")");
    const auto found = sniff(head);
    if (!found && tool != "auto") {
        // The tool was named: its parser says which line is wrong. vegeta and k6 have two formats each.
        const bool json = firstLine(head).substr(0, 1) == "{";
        for (const auto& info : knownFormats()) {
            if (info.tool != tool)
                continue;
            const bool isJson = info.format == FileFormat::VegetaJson || info.format == FileFormat::K6Json;
            const bool twoFormats = tool == "vegeta" || tool == "k6";
            if (!twoFormats || isJson == json)
                return info.format;
        }
    }
    if (!found) {
        if (binary(head))
            throw ImportError(fileName + ": binary data, not a result file Loadscope reads (vegeta's binary results: "
                                         "convert them with `vegeta encode --to csv`)");
        throw ImportError(fileName +
                          ": not a format Loadscope imports (expected wrk2/wrk text, vegeta CSV/JSON, k6 "
                          "JSON/CSV, oha JSON, an HdrHistogram log or phout); its first line is " +
                          excerpt(firstLine(head)));
    }
    if (tool != "auto" && formatInfo(*found).tool != tool)
        throw ImportError(fileName + ": --tool " + std::string(tool) + " was asked for, but the file looks like " +
                          std::string(formatInfo(*found).description));
    return *found;
}

FileFormat detectFormat(const std::filesystem::path& path, std::string_view tool) {
    InputFile file(path);
    return detectFormat(file.peek(kHeadBytes), file.displayName(), tool);
}

std::vector<ImportedStep> importFile(const std::filesystem::path& path, FileFormat format,
                                     const ParseOptions& options) {
    InputFile file(path);
    std::vector<ImportedStep> steps;
    switch (format) {
    case FileFormat::WrkText:
        steps = parseWrkText(file);
        break;
    case FileFormat::VegetaCsv:
        steps = parseVegetaCsv(file);
        break;
    case FileFormat::VegetaJson:
        steps = parseVegetaJson(file);
        break;
    case FileFormat::K6Json:
        steps = parseK6Json(file);
        break;
    case FileFormat::K6Csv:
        steps = parseK6Csv(file);
        break;
    case FileFormat::OhaJson:
        steps = parseOhaJson(file);
        break;
    case FileFormat::Hlog:
        steps = parseHlog(file, options);
        break;
    case FileFormat::Phout:
        steps = parsePhout(file);
        break;
    case FileFormat::LoadscopeRun:
        throw ImportError(file.displayName() + ": a Loadscope run: import it with RunStore::importRunJson");
    }
    const std::string sha = file.finishChecksum();
    for (auto& s : steps) {
        s.provenance.fileName = file.displayName();
        s.provenance.sha256 = sha;
        s.provenance.bytes = file.bytesRead();
    }
    return steps;
}

std::string_view toString(Fidelity fidelity) {
    switch (fidelity) {
    case Fidelity::Exact:
        return "exact";
    case Fidelity::RebuiltFromSpectrum:
        return "rebuilt from printed percentiles";
    case Fidelity::PrintedPercentiles:
        return "printed percentiles only";
    }
    return "exact";
}

} // namespace loadscope::importers
