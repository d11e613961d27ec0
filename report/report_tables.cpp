#include "report_tables.h"

#include "number_text.h"
#include "report_writer.h"

#include <nlohmann/json.hpp>

namespace loadscope::report {

namespace {
std::string ms(double v) {
    return formatNumber(v, v < 1 ? 3 : v < 100 ? 2 : 1);
}

// The notes column: the measurement's flags without the SLO's, which the verdict column shows.
std::string flagNotes(StepFlags flags) {
    flags.sloViolated = false;
    return flagWords(flags);
}
} // namespace

std::vector<SummaryRow> summaryRows(const std::vector<ReportRun>& runs, const ReportRun& run) {
    std::vector<SummaryRow> rows;
    for (const auto& t : run.analysis.targets) {
        for (const auto& m : t.measurements) {
            SummaryRow row;
            row.target = seriesName(runs, run, t.target);
            row.rate = rateText(m.requestedRps);
            row.repetitions = std::to_string(m.steps);
            if (!m.measured()) {
                row.notes = m.statusMessage.empty() ? "not measured" : m.statusMessage;
                rows.push_back(row);
                continue;
            }
            row.achieved = formatNumber(m.achievedRps, 1);
            row.p50 = ms(m.latency.p50Ms);
            row.p90 = ms(m.latency.p90Ms);
            row.p99 = ms(m.latency.p99Ms);
            if (m.p99Interval)
                row.p99 += " [" + ms(m.p99Interval->low) + "-" + ms(m.p99Interval->high) + "]";
            row.p999 = ms(m.latency.p999Ms);
            row.max = ms(m.latency.maxMs);
            const auto errors = m.errors.total();
            row.errors = std::to_string(errors);
            if (m.due > 0 && errors > 0)
                row.errors +=
                    " (" + formatNumber(100.0 * static_cast<double>(errors) / static_cast<double>(m.due), 2) + " %)";
            row.verdict = verdictText(m);
            std::vector<std::string> notes;
            if (const auto flags = flagNotes(m.flags); !flags.empty())
                notes.push_back(flags);
            if (!m.verdictNote.empty())
                notes.push_back(m.verdictNote);
            if (m.approximate)
                notes.emplace_back("approximate (a repetition without histogram)");
            row.notes = joinList(notes, "; ");
            rows.push_back(row);
        }
    }
    return rows;
}

std::vector<KneeRow> kneeRows(const std::vector<ReportRun>& runs, const ReportRun& run) {
    std::vector<KneeRow> rows;
    for (const auto& t : run.analysis.targets)
        rows.push_back({seriesName(runs, run, t.target), t.knee.text(), t.knee.explanation()});
    return rows;
}

std::string verdictLine(const ReportRun& run) {
    const std::string line = kneeVerdictLine(run.analysis);
    return line.empty() ? "no knee: no SLO stored with this run" : line;
}

std::string sloText(const ReportRun& run) {
    std::vector<std::string> parts;
    for (const auto& t : run.analysis.targets)
        if (t.limits)
            parts.push_back(t.target + ": p99 <= " + formatNumber(t.limits->p99Ms, 2) + " ms, errors < " +
                            formatNumber(t.limits->maxErrorRate * 100, 3) + " %");
    return parts.empty() ? "no SLO stored with this run" : joinList(parts, "; ");
}

std::string runHeading(const ReportRun& run) {
    const auto& r = run.run;
    return "#" + std::to_string(r.id) + " \"" + r.name + "\", " + std::string(toString(r.status)) + ", " +
           utcText(r.createdMs) + ", " + std::to_string(r.steps.size()) + (r.steps.size() == 1 ? " step" : " steps");
}

std::string planLine(const Run& run) {
    const auto plan = nlohmann::json::parse(run.planJson, nullptr, false);
    if (!plan.is_object())
        return "no plan stored";
    std::vector<std::string> parts;
    if (plan.contains("scenario") && plan["scenario"].is_string())
        parts.push_back("scenario " + plan["scenario"].get<std::string>());
    if (plan.contains("mode") && plan["mode"].is_string())
        parts.push_back(plan["mode"].get<std::string>());
    if (plan.contains("rates") && plan["rates"].is_array()) {
        std::vector<std::string> rates;
        for (const auto& r : plan["rates"])
            if (r.is_number())
                rates.push_back(rateText(r.get<double>()));
        if (!rates.empty())
            parts.push_back("rates " + joinList(rates, ", ") + " req/s");
    }
    if (plan.contains("step_duration") && plan["step_duration"].is_number())
        parts.push_back(formatNumber(plan["step_duration"].get<double>(), 1) + " s steps");
    if (plan.contains("repetitions") && plan["repetitions"].is_number_integer()) {
        const int n = plan["repetitions"].get<int>();
        parts.push_back(std::to_string(n) + (n == 1 ? " repetition" : " repetitions"));
    }
    return parts.empty() ? "plan stored" : joinList(parts, "; ");
}

} // namespace loadscope::report
