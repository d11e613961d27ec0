#include "cli_summary.h"

#include "benchmark_plan.h"
#include "cli_table.h"
#include "plan_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace loadscope::cli {

namespace {

std::string errorsCell(const MergedMeasurement& m) {
    const auto total = m.errors.total();
    const auto unanswered = std::max<std::int64_t>(0, m.due - m.ok - total);
    std::string cell = std::to_string(total);
    if (m.due > 0 && (total > 0 || unanswered > 0))
        cell += " (" + fixed(failureRate(m.due, m.ok) * 100, 2) + " %)";
    return cell;
}

std::vector<std::string> lastLines(const std::string& text, int count) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            lines.push_back(line);
    if (static_cast<int>(lines.size()) > count)
        lines.erase(lines.begin(), lines.end() - count);
    return lines;
}

// The SLO in words, with the p99 limits once when every target shares one ("p99 <= 1.5 x ideal latency, errors <
// 0.1 %: 75 ms").
std::string sloText(const Run& run, const RunAnalysis& analysis) {
    std::string text = "the run's SLO";
    try {
        text = describeSlo(planFromJson(run.planJson, "plan").slo);
    } catch (const std::exception&) {
    }
    // Compared as printed: limits stored as 187.5 and 187.49999999999997 are one limit to a reader.
    std::set<std::string> limits;
    std::vector<std::string> each;
    for (const auto& t : analysis.targets)
        if (t.limits) {
            limits.insert(formatNumber(t.limits->p99Ms, 1));
            each.push_back(formatNumber(t.limits->p99Ms, 1) + " ms for " + t.target);
        }
    if (limits.size() == 1)
        return text + " (p99 limit " + *limits.begin() + " ms)";
    return each.empty() ? text : text + " (p99 limit " + joinList(each, ", ") + ")";
}

std::string notesOf(const MergedMeasurement& m) {
    std::vector<std::string> notes;
    if (m.generatorMarker)
        notes.emplace_back("generator-limited: its lateness could explain the break");
    if (m.flags.connectionLimited)
        notes.emplace_back("connection-limited");
    if (m.flags.serverRestarted)
        notes.emplace_back("server restarted");
    if (m.failed > 0)
        notes.push_back(std::to_string(m.failed) + " failed");
    // "1/2" in the reps column needs its reason: the stop rule skipped the others (a sweep skips for no other cause).
    if (m.measured() && m.skipped > 0)
        notes.push_back(std::to_string(m.skipped) + (m.skipped == 1 ? " repetition" : " repetitions") +
                        " skipped by the stop rule");
    if (m.outliers() > 0)
        notes.push_back(m.verdictNote.empty() ? std::to_string(m.outliers()) + " outlying repetition(s)"
                                              : m.verdictNote);
    if (m.approximate)
        notes.emplace_back("no histograms: worst repetition shown");
    return joinList(notes, "; ");
}

// "profiled: repetition 2, left out (unprofiled ones judged)": which ok repetitions of this target and rate ran with
// a profiler (it costs the server CPU), and whether the merge left them out (withoutProfiledWhenPossible).
std::string profiledNote(const Run& run, const MergedMeasurement& m) {
    std::vector<std::string> repetitions;
    for (const auto& s : run.steps)
        if (s.profiled() && s.status == StepStatus::Ok && s.targetName == m.targetName &&
            std::abs(s.requestedRps - m.requestedRps) < 1e-6)
            repetitions.push_back(std::to_string(s.repetition));
    if (repetitions.empty())
        return {};
    std::string note = "profiled";
    const bool several =
        std::any_of(run.steps.begin(), run.steps.end(), [](const Step& s) { return s.repetition > 1; });
    if (several)
        note += (repetitions.size() == 1 ? ": repetition " : ": repetitions ") + joinList(repetitions, ", ");
    if (m.profiledLeftOut > 0)
        note += ", left out (unprofiled ones judged)";
    return note;
}

} // namespace

std::string p99Cell(const MergedMeasurement& m) {
    std::string cell = formatMs(m.latency.p99Ms);
    if (m.p99Interval)
        cell += " [" + formatMs(m.p99Interval->low) + "-" + formatMs(m.p99Interval->high) + "]";
    return cell;
}

std::string verdictCell(const MergedMeasurement& m) {
    return m.verdictText(); // the GUI's tooltips say the same (analysis/measurement.h)
}

namespace {

// What the legend below the table needs to say.
struct SummaryMarks {
    bool anyInterval = false;
    bool anyProbability = false;
    bool fewRepetitions = false;
};

TextTable summaryColumns(bool repetitions) {
    TextTable table;
    table.addColumn("target", TextTable::Align::Left);
    table.addColumn("rate");
    if (repetitions)
        table.addColumn("reps");
    for (const char* title : {"achieved", "p50 ms", "p90 ms", "p99 ms [95 % interval]", "p99.9 ms", "errors", "CPU %"})
        table.addColumn(title);
    table.addColumn("SLO", TextTable::Align::Left);
    table.addColumn("notes", TextTable::Align::Left);
    return table;
}

// The cells after "target", "rate" and "reps" of one measurement.
void addMeasurementCells(std::vector<std::string>& row, const Run& run, const MergedMeasurement& m,
                         SummaryMarks& marks) {
    if (!m.measured()) {
        for (int i = 0; i < 8; ++i)
            row.emplace_back("-");
        row.push_back(m.skipped > 0 ? "skipped: " + m.statusMessage : m.statusMessage);
        return;
    }
    marks.anyInterval |= m.p99Interval.has_value();
    marks.anyProbability |= m.holdProbability.has_value();
    marks.fewRepetitions |= !m.p99Interval && m.steps < kMinRepetitionsForInterval;
    for (std::string cell : {formatRps(m.achievedRps), formatMs(m.latency.p50Ms), formatMs(m.latency.p90Ms), p99Cell(m),
                             formatMs(m.latency.p999Ms), errorsCell(m), fixed(m.serverCpuPercent, 0), verdictCell(m)})
        row.push_back(std::move(cell));
    std::string notes = notesOf(m);
    const std::string profiled = profiledNote(run, m);
    if (!profiled.empty())
        notes += (notes.empty() ? "" : "; ") + profiled;
    row.push_back(notes);
}

void printSummaryLegend(std::ostream& out, bool repetitions, const SummaryMarks& marks) {
    out << "Latency from each request's due time (corrected for coordinated omission); achieved = completed "
           "requests per second;\nCPU % = the server's, of one core."
        << (repetitions ? " Repetitions merged through their histograms; reps = measured / planned (the "
                          "others failed, were skipped, or were profiled and left out: see notes)."
                        : "")
        << "\n";
    if (marks.anyInterval || marks.fewRepetitions)
        out << "p99 interval: 95 % bootstrap over repetitions"
            << (marks.fewRepetitions ? " (an interval needs >= " + std::to_string(kMinRepetitionsForInterval) +
                                           " repetitions: run with --repeat 3 or more)"
                                     : std::string())
            << ".\n";
    out << "SLO: held or broken with confidence; '?' = not sure either way"
        << (marks.anyProbability ? " (%: share of bootstrap resamples that met the SLO)" : "") << ".\n";
}

} // namespace

void printSummaryTable(std::ostream& out, const Run& run, const RunAnalysis& analysis) {
    int maxRepetitions = 1;
    for (const auto& s : run.steps)
        maxRepetitions = std::max(maxRepetitions, s.repetition);
    const bool repetitions = maxRepetitions > 1;
    TextTable table = summaryColumns(repetitions);
    SummaryMarks marks;
    for (const auto& t : analysis.targets) {
        bool first = true;
        for (const auto& m : t.measurements) {
            std::vector<std::string> row{first ? t.target : "", formatRps(m.requestedRps)};
            first = false;
            if (repetitions)
                row.push_back(std::to_string(m.steps) + "/" +
                              std::to_string(m.steps + m.failed + m.skipped + m.profiledLeftOut));
            addMeasurementCells(row, run, m, marks);
            table.addRow(std::move(row));
        }
    }
    if (table.empty()) {
        out << "No steps were measured.\n";
        return;
    }
    table.print(out);
    printSummaryLegend(out, repetitions, marks);
}

void printKnees(std::ostream& out, const Run& run, const RunAnalysis& analysis) {
    if (analysis.targets.empty())
        return;
    out << "Knee (the highest rate meeting " << sloText(run, analysis) << "), with its interval:\n";
    std::size_t width = 0;
    for (const auto& t : analysis.targets)
        width = std::max(width, t.target.size());
    const auto environment = nlohmann::json::parse(run.environmentJson, nullptr, false);
    for (const auto& t : analysis.targets) {
        out << "  " << t.target << std::string(width - t.target.size(), ' ') << "  " << t.knee.text();
        if (t.knee.measuredAny && t.knee.sloKnown)
            out << ": " << t.knee.explanation();
        out << "\n";
        if (environment.is_object() && environment.contains("targets") && environment["targets"].contains(t.target) &&
            environment["targets"][t.target].contains("search")) {
            const auto& search = environment["targets"][t.target]["search"];
            out << "  " << std::string(width, ' ') << "  search: " << search.value("bracket", "") << "; "
                << search.value("stop_reason", "") << " (" << search.value("probes", 0) << " probes)\n";
        }
    }
    const std::string line = kneeVerdictLine(analysis);
    if (analysis.targets.size() > 1 && !line.empty())
        out << "Verdict: " << line << "\n  ('>' holds more load: knee intervals apart; '\u2248' they overlap, "
            << "the difference is not shown)\n";
}

void printProblems(std::ostream& out, const Run& run, bool logTails) {
    bool header = false;
    for (const auto& s : run.steps) {
        const bool problem = s.status == StepStatus::Failed || s.status == StepStatus::Cancelled;
        const bool flagged = s.status == StepStatus::Ok &&
                             (s.flags.generatorLimited || s.flags.connectionLimited || s.flags.serverRestarted);
        if (!problem && !flagged)
            continue;
        if (!header) {
            out << "Steps to look at:\n";
            header = true;
        }
        out << "  #" << s.sequence << " " << s.targetName << " @ " << formatRps(s.requestedRps) << " rps";
        if (s.repetition > 1)
            out << " (repetition " << s.repetition << ")";
        out << ": " << toString(s.status);
        if (!s.statusMessage.empty())
            out << ": " << s.statusMessage;
        if (flagged)
            out << ": " << (s.flags.reason.empty() ? flagWords(s.flags) : s.flags.reason);
        out << "\n";
        if (problem && logTails) {
            for (const auto& [what, text] : {std::pair{"server", &s.serverLogTail}, {"loadgen", &s.generatorLogTail}}) {
                const auto lines = lastLines(*text, 8);
                if (lines.empty())
                    continue;
                out << "      " << what << " log (last lines):\n";
                for (const auto& line : lines)
                    out << "        " << line << "\n";
            }
        }
    }
}

} // namespace loadscope::cli
