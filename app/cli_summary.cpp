#include "cli_summary.h"

#include "benchmark_plan.h"
#include "cli_table.h"
#include "knee.h"
#include "plan_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
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

// The run's SLO and each target's ideal latency, from its stored plan and environment (absent for foreign runs).
struct RunSlo {
    std::optional<ServiceLevelObjective> slo;
    std::map<std::string, double> idealMs;
    std::optional<double> p99LimitMs(const std::string& target) const {
        if (!slo)
            return std::nullopt;
        if (slo->p99MaxMs)
            return *slo->p99MaxMs;
        const auto it = idealMs.find(target);
        if (it == idealMs.end())
            return std::nullopt;
        return slo->p99LimitMs(it->second);
    }
};

RunSlo runSlo(const Run& run) {
    RunSlo result;
    try {
        result.slo = planFromJson(run.planJson, "plan").slo;
    } catch (const std::exception&) {
        return result;
    }
    const auto env = nlohmann::json::parse(run.environmentJson, nullptr, false);
    if (env.is_object() && env.contains("targets") && env["targets"].is_object())
        for (const auto& [name, t] : env["targets"].items())
            if (t.is_object() && t.contains("ideal_latency_ms") && t["ideal_latency_ms"].is_number())
                result.idealMs[name] = t["ideal_latency_ms"].get<double>();
    return result;
}

std::string sloText(const Run& run) {
    const auto context = runSlo(run);
    if (!context.slo)
        return "the run's SLO";
    std::string text = describeSlo(*context.slo);
    if (!context.slo->p99MaxMs) {
        std::vector<std::string> limits;
        for (const auto& t : run.targets)
            if (const auto limit = context.p99LimitMs(t.name))
                limits.push_back(formatNumber(*limit, 1) + " ms for " + t.name);
        if (!limits.empty())
            text += ": " + joinList(limits, ", ");
    }
    return text;
}

} // namespace

std::string describeFlags(const StepFlags& flags) {
    std::vector<std::string> words;
    if (flags.sloViolated)
        words.emplace_back("SLO broken");
    if (flags.connectionLimited)
        words.emplace_back("connection-limited");
    if (flags.generatorLimited)
        words.emplace_back("generator-limited");
    if (flags.serverRestarted)
        words.emplace_back("server restarted");
    return joinList(words, ", ");
}

void printSummaryTable(std::ostream& out, const Run& run) {
    auto merged = mergeRepetitions(run.steps);
    // Whether the SLO held is judged on the merged measurement, as the knee is (one slow repetition of three does
    // not make the rate break it, nor does a fast one hide it).
    const auto context = runSlo(run);
    for (auto& m : merged) {
        const auto limit = context.p99LimitMs(m.targetName);
        if (m.steps > 0 && limit) {
            ServiceLevelObjective fixedLimit = *context.slo;
            fixedLimit.p99MaxMs = *limit;
            m.flags.sloViolated = !evaluateSlo(m.latency.p99Ms, m.due, m.ok, fixedLimit, 0).met;
        }
    }
    int maxRepetitions = 1;
    for (const auto& s : run.steps)
        maxRepetitions = std::max(maxRepetitions, s.repetition);

    TextTable table;
    table.addColumn("target", TextTable::Align::Left);
    table.addColumn("rate");
    if (maxRepetitions > 1)
        table.addColumn("reps");
    for (const char* title : {"achieved", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "errors", "CPU %"})
        table.addColumn(title);
    table.addColumn("notes", TextTable::Align::Left);

    std::string previousTarget;
    for (const auto& m : merged) {
        std::vector<std::string> row;
        row.push_back(m.targetName == previousTarget ? "" : m.targetName);
        previousTarget = m.targetName;
        row.push_back(formatRps(m.requestedRps));
        if (maxRepetitions > 1)
            row.push_back(std::to_string(m.steps) + "/" + std::to_string(m.steps + m.failed + m.skipped));
        if (m.steps == 0) {
            for (int i = 0; i < 7; ++i)
                row.emplace_back("-");
            row.push_back(m.skipped > 0 ? "skipped: " + m.statusMessage : m.statusMessage);
            table.addRow(std::move(row));
            continue;
        }
        row.push_back(formatRps(m.achievedRps));
        row.push_back(formatMs(m.latency.p50Ms));
        row.push_back(formatMs(m.latency.p90Ms));
        row.push_back(formatMs(m.latency.p99Ms));
        row.push_back(formatMs(m.latency.p999Ms));
        row.push_back(errorsCell(m));
        row.push_back(fixed(m.serverCpuPercent, 0));
        std::string notes = describeFlags(m.flags);
        if (m.failed > 0)
            notes += std::string(notes.empty() ? "" : ", ") + std::to_string(m.failed) + " failed";
        row.push_back(notes);
        table.addRow(std::move(row));
    }
    if (table.empty()) {
        out << "No steps were measured.\n";
        return;
    }
    table.print(out);
    out << "Latency from each request's due time (corrected for coordinated omission); achieved = completed "
           "requests per second;\nCPU % = the server's, of one core."
        << (maxRepetitions > 1 ? " Repetitions merged through their histograms." : "") << "\n";
}

void printKnees(std::ostream& out, const Run& run) {
    if (run.targets.empty())
        return;
    out << "Knee (the highest rate meeting " << sloText(run) << "):\n";
    std::size_t width = 0;
    for (const auto& t : run.targets)
        width = std::max(width, t.name.size());
    const auto merged = mergeRepetitions(run.steps);
    for (const auto& t : run.targets) {
        out << "  " << t.name << std::string(width - t.name.size(), ' ') << "  ";
        if (t.kneeRps) {
            // A knee at the highest rate measured is a lower bound: the target may hold more.
            double highest = 0;
            for (const auto& m : merged) // failed and skipped rates count: the target did not hold them
                if (m.targetName == t.name)
                    highest = std::max(highest, m.requestedRps);
            if (*t.kneeRps >= highest)
                out << ">= " << formatRps(*t.kneeRps) << " rps (held every rate measured)\n";
            else
                out << formatRps(*t.kneeRps) << " rps\n";
            continue;
        }
        bool measured = false;
        for (const auto& m : merged)
            measured |= m.targetName == t.name && m.steps > 0;
        out << (measured ? "none: no measured rate met the SLO" : "none: nothing was measured") << "\n";
    }
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
            out << ": " << (s.flags.reason.empty() ? describeFlags(s.flags) : s.flags.reason);
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
