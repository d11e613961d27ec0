// loadscope check RUN --baseline RUN2: did anything regress beyond noise? Per target, the knees and the p99 at the
// rates both runs measured, judged by analysis/comparison.h. Exit 0: nothing regressed; 1: something did; 2: usage.
#include "cli_command.h"
#include "cli_table.h"
#include "cli_verdicts.h"
#include "plan_text.h"
#include "run_reference.h"
#include "run_store.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace loadscope::cli {

namespace {

struct CheckOptions {
    std::string db;
    std::string run;
    std::string baseline;
    std::string format = "text";
    double alpha = 0.05;
    double minEffectPercent = 5;
};

struct TargetCheck {
    std::string target;
    const TargetAnalysis* now = nullptr;
    const TargetAnalysis* before = nullptr;
    PairVerdict verdict;
    bool regressed = false;
    bool improved = false;
};

struct CheckResult {
    std::int64_t runId = 0, baselineId = 0;
    std::vector<TargetCheck> targets;
    std::vector<std::string> missing; // baseline targets the run did not measure
    bool regressed() const {
        for (const auto& t : targets)
            if (t.regressed)
                return true;
        return false;
    }
};

TargetCheck checkTarget(const TargetAnalysis& now, const TargetAnalysis& before, const DifferenceRules& rules) {
    TargetCheck c{now.target, &now, &before, comparePair(now, before, rules), false, false};
    c.regressed = c.verdict.knee.decidable && c.verdict.knee.ordering == Ordering::Worse;
    c.improved = c.verdict.knee.decidable && c.verdict.knee.ordering == Ordering::Better;
    for (const auto& r : c.verdict.rates) {
        c.regressed |= r.ordering == Ordering::Worse;
        c.improved |= r.ordering == Ordering::Better;
    }
    return c;
}

std::string outcomeWord(const TargetCheck& c) {
    return c.regressed ? "REGRESSED" : c.improved ? "improved" : "no change beyond noise";
}

nlohmann::json rateJson(const RateComparison& r) {
    nlohmann::json j = {{"rps", r.rps},
                        {"p99_ms", r.p99A},
                        {"baseline_p99_ms", r.p99B},
                        {"ratio", r.ratio},
                        {"verdict", std::string(symbolOf(r.ordering))},
                        {"note", r.note}};
    j["ratio_interval"] =
        r.ratioInterval ? nlohmann::json{r.ratioInterval->low, r.ratioInterval->high} : nlohmann::json(nullptr);
    j["p_value"] = r.test ? nlohmann::json(r.test->pValue) : nlohmann::json(nullptr);
    return j;
}

void printJson(const CheckResult& result) {
    nlohmann::json doc = {{"run", result.runId},
                          {"baseline", result.baselineId},
                          {"regressed", result.regressed()},
                          {"missing_targets", result.missing}};
    doc["targets"] = nlohmann::json::array();
    for (const auto& t : result.targets) {
        nlohmann::json rates = nlohmann::json::array();
        for (const auto& r : t.verdict.rates)
            rates.push_back(rateJson(r));
        doc["targets"].push_back({{"target", t.target},
                                  {"regressed", t.regressed},
                                  {"improved", t.improved},
                                  {"knee", t.now->knee.text()},
                                  {"baseline_knee", t.before->knee.text()},
                                  {"knee_verdict", std::string(symbolOf(t.verdict.knee.ordering))},
                                  {"knee_reason", t.verdict.knee.reason},
                                  {"rates", rates}});
    }
    std::cout << doc.dump(2) << "\n";
}

void printMarkdown(const CheckResult& result) {
    std::cout << "### Loadscope check: run " << result.runId << " against baseline run " << result.baselineId << ": "
              << (result.regressed() ? "**regressed**" : "no regression beyond noise") << "\n\n"
              << "| target | knee | baseline knee | knee | rate | p99 ms | baseline p99 ms | ratio | p | verdict |\n"
              << "|---|---|---|---|---:|---:|---:|---|---:|---|\n";
    for (const auto& t : result.targets) {
        bool first = true;
        auto head = [&] {
            const std::string cells = first ? "| " + t.target + " | " + t.now->knee.text() + " | " +
                                                  t.before->knee.text() + " | " +
                                                  std::string(symbolOf(t.verdict.knee.ordering)) + " "
                                            : "| | | | ";
            first = false;
            return cells;
        };
        if (t.verdict.rates.empty())
            std::cout << head() << "| | | | | | " << outcomeWord(t) << " |\n";
        for (const auto& r : t.verdict.rates)
            std::cout << head() << "| " << formatRps(r.rps) << " | " << formatMs(r.p99A) << " | " << formatMs(r.p99B)
                      << " | " << r.numbers().substr(0, r.numbers().find(',')) << " | "
                      << (r.test ? formatNumber(r.test->pValue, 3) : std::string("-")) << " | " << symbolOf(r.ordering)
                      << (r.note.empty() ? "" : " " + r.note) << " |\n";
    }
    for (const auto& name : result.missing)
        std::cout << "\n" << name << " was in the baseline but not in this run.";
    std::cout << "\n`>` better, `<` worse (regression), `\u2248` no difference beyond noise (p < 0.05 and >= 5 % "
                 "needed; knees: intervals apart).\n";
}

void printText(const CheckResult& result) {
    std::cout << "Run " << result.runId << " against baseline run " << result.baselineId << ":\n\n";
    for (const auto& t : result.targets) {
        printPairVerdict(std::cout, {"#" + std::to_string(result.runId) + " " + t.target, t.now},
                         {"#" + std::to_string(result.baselineId) + " " + t.target, t.before}, t.verdict);
        std::cout << "  => " << outcomeWord(t) << "\n";
    }
    for (const auto& name : result.missing)
        std::cout << name << ": in the baseline, not measured in run " << result.runId << "\n";
    std::cout << "\n";
    printVerdictLegend(std::cout);
    std::cout << (result.regressed() ? "REGRESSED: exit 1\n" : "No regression beyond noise: exit 0\n");
}

int checkRuns(const CheckOptions& o) {
    if (o.format != "text" && o.format != "json" && o.format != "markdown")
        throw UsageError("--format: expected text, json or markdown, got '" + o.format + "'");
    if (!(o.alpha > 0 && o.alpha < 1))
        throw UsageError("--alpha: expected a significance level between 0 and 1, e.g. 0.05");
    if (!(o.minEffectPercent >= 0 && o.minEffectPercent < 100))
        throw UsageError("--min-effect: expected a percentage from 0 to below 100, e.g. 5");
    auto store = openForReading(existingDatabase(o.db));
    CheckResult result;
    result.runId = resolveRunId(store, o.run, "RUN");
    result.baselineId = resolveRunId(store, o.baseline, "--baseline");
    if (result.runId == result.baselineId)
        throw UsageError("--baseline: run " + std::to_string(result.runId) + " is the run being checked");
    auto load = [&](std::int64_t id) {
        auto run = *store.loadRun(id);
        store.loadHistograms(run.steps);
        return std::make_unique<RunAnalysis>(analyzeRun(run));
    };
    const auto now = load(result.runId), before = load(result.baselineId);
    const DifferenceRules rules{o.alpha, o.minEffectPercent / 100.0};
    for (const auto& t : before->targets) {
        if (const TargetAnalysis* current = now->find(t.target))
            result.targets.push_back(checkTarget(*current, t, rules));
        else
            result.missing.push_back(t.target);
    }
    if (result.targets.empty())
        throw UsageError("run " + std::to_string(result.runId) + " and baseline run " +
                         std::to_string(result.baselineId) + " have no target in common");
    if (o.format == "json")
        printJson(result);
    else if (o.format == "markdown")
        printMarkdown(result);
    else
        printText(result);
    return result.regressed() ? kExitFailures : kExitOk;
}

} // namespace

Command addCheckCommand(CLI::App& root) {
    auto o = std::make_shared<CheckOptions>();
    auto* app = addStoredRunsCommand(
        root, "check", "Check a run against a baseline for regressions beyond noise (exit 1 when something regressed)",
        o->db);
    addRunArgument(*app, o->run, "The run to check");
    app->add_option("--baseline", o->baseline, "The run to compare with: " + std::string(kRunReferenceForms))
        ->required()
        ->type_name("RUN");
    app->add_option("--format", o->format, "text, json or markdown (for a pull-request comment)")
        ->capture_default_str()
        ->type_name("FORMAT");
    app->add_option("--alpha", o->alpha, "Significance level of the rank test")->capture_default_str();
    app->add_option("--min-effect", o->minEffectPercent, "The smallest p99 change worth claiming, in percent")
        ->capture_default_str()
        ->type_name("PERCENT");
    return {app, [o] { return checkRuns(*o); }};
}

} // namespace loadscope::cli
