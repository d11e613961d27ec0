#include "report_input.h"

#include "number_text.h"

#include <nlohmann/json.hpp>

namespace loadscope::report {

std::vector<ReportRun> prepareReport(std::vector<Run> runs) {
    std::vector<ReportRun> out;
    for (auto& run : runs) {
        ReportRun r;
        r.analysis = analyzeRun(run);
        r.run = std::move(run);
        out.push_back(std::move(r));
    }
    return out;
}

std::string seriesName(const std::vector<ReportRun>& runs, const ReportRun& run, const std::string& target) {
    return runs.size() > 1 ? "#" + std::to_string(run.run.id) + " " + target : target;
}

std::string verdictText(const MergedMeasurement& m) {
    // Kept word for word with cli_summary.cpp's verdictCell (app/), which the report cannot link; both should move
    // to analysis/ with the other verdict words.
    if (!m.limits || !m.measured())
        return "-";
    std::string cell = m.verdict.met ? "held" : "broken";
    const bool sure = m.confidence == (m.verdict.met ? Confidence::Held : Confidence::Broken);
    if (!sure)
        cell += "?";
    if (m.holdProbability)
        cell += " (" + formatNumber(*m.holdProbability * 100, 0) + " %)";
    return cell;
}

LatencyHistogram mergedHistogram(const Run& run, const std::string& target, double rps) {
    LatencyHistogram merged;
    for (const auto& s : run.steps)
        if (s.targetName == target && s.requestedRps == rps && s.status == StepStatus::Ok && s.latencyHistogram)
            merged.merge(*s.latencyHistogram);
    return merged;
}

std::vector<std::pair<int, std::string>> importedFrom(const Run& run) {
    std::vector<std::pair<int, std::string>> out;
    const auto env = nlohmann::json::parse(run.environmentJson, nullptr, false);
    if (!env.is_object() || !env.contains("imports") || !env["imports"].is_array())
        return out;
    for (const auto& p : env["imports"]) {
        if (!p.is_object())
            continue;
        out.emplace_back(p.value("sequence", 0),
                         p.value("tool", std::string()) + " " + p.value("format", std::string()) + " " +
                             p.value("file", std::string()) + ", " + p.value("fidelity", std::string()));
    }
    return out;
}

} // namespace loadscope::report
