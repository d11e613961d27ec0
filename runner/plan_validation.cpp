// validatePlan(): a plan checked against the target catalog and this machine, every problem named by its field.
#include "benchmark_plan.h"

#include "plan_text.h"
#include "ssh_host.h"
#include "target_definition.h"

#include <cmath>
#include <set>
#include <thread>

namespace loadscope {

namespace {
// The highest rate loadscope-loadgen accepts (LoadSchedule::kMaxRps); a plan above it would start every server only
// to have the generator refuse the rate.
constexpr double kMaxPlanRps = 10'000'000;

// The problems found so far, each under the plan's field it is about.
class PlanProblems {
public:
    void add(std::string field, std::string message) { list_.push_back({std::move(field), std::move(message)}); }
    std::vector<PlanProblem> take() { return std::move(list_); }

private:
    std::vector<PlanProblem> list_;
};

std::string indexed(const char* field, std::size_t i) {
    return std::string(field) + "[" + std::to_string(i) + "]";
}

// Each target known, listed once, with the plan's scenario, and an SLO it can be judged by.
void checkPlanTarget(const BenchmarkPlan& plan, const TargetCatalog& catalog, const std::string& name,
                     const std::string& field, PlanProblems& problems) {
    const TargetDefinition* target = catalog.find(name);
    if (!target) {
        std::vector<std::string> known;
        for (const auto& t : catalog.targets())
            known.push_back(t.name);
        problems.add(field, "unknown target '" + name + "' (known: " + joinList(known, ", ") + ")");
        return;
    }
    const auto* scenario = target->scenario(plan.scenario);
    if (!scenario) {
        std::vector<std::string> known;
        for (const auto& s : target->scenarios)
            known.push_back(s.name);
        problems.add("scenario", "target '" + name + "' has no scenario '" + plan.scenario +
                                     "' (it has: " + joinList(known, ", ") + ")");
    } else if (!plan.slo.p99MaxMs && !(scenario->idealLatencyMs > 0)) {
        // p99 <= 1.5 x 0 ms: every rate would break the SLO and the run would report no knee for it.
        problems.add("slo", "the SLO's p99 limit is relative to the scenario's ideal latency, and target '" + name +
                                "' scenario '" + plan.scenario +
                                "' has an ideal of 0 ms: give an absolute limit, e.g. --slo 'p99<10ms'");
    }
}

void checkPlanTargets(const BenchmarkPlan& plan, const TargetCatalog& catalog, PlanProblems& problems) {
    if (plan.targets.empty())
        problems.add("targets", "no targets: name at least one (see `loadscope targets`)");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < plan.targets.size(); ++i) {
        const auto& name = plan.targets[i];
        if (!seen.insert(name).second)
            problems.add(indexed("targets", i), "'" + name + "' is listed twice");
        else
            checkPlanTarget(plan, catalog, name, indexed("targets", i), problems);
    }
}

void checkPlanRates(const BenchmarkPlan& plan, PlanProblems& problems) {
    if (plan.rates.empty() && plan.mode == PlanMode::Sweep)
        problems.add("rates", "no rates: give at least one, e.g. 500,1000 or 500:3000:500");
    for (std::size_t i = 0; i < plan.rates.size(); ++i) {
        const double r = plan.rates[i];
        if (!std::isfinite(r) || r <= 0)
            problems.add(indexed("rates", i), "expected a rate above 0 requests per second");
        else if (r > kMaxPlanRps)
            problems.add(indexed("rates", i),
                         "expected at most 10,000,000 requests per second (the load generator's limit), got " +
                             formatNumber(r));
        else if (i > 0 && r <= plan.rates[i - 1])
            problems.add(indexed("rates", i), "rates must be ascending and distinct");
    }
}

// Durations, counts, the SLO and the arrivals: each a range of its own.
void checkPlanSettings(const BenchmarkPlan& plan, PlanProblems& problems) {
    if (!(plan.stepDurationS > 0))
        problems.add("step_duration", "expected a duration above 0 s");
    if (plan.stepDurationS > 0 && plan.stepDurationS < 1)
        problems.add("step_duration",
                     "expected at least 1 s: the load generator reports one timeline point per second");
    if (!(plan.warmupS >= 0))
        problems.add("warmup", "expected a duration of 0 s or more");
    if (!(plan.cooldownS >= 0))
        problems.add("cooldown", "expected a duration of 0 s or more");
    if (plan.repetitions < 1)
        problems.add("repetitions", "expected 1 or more");
    if (plan.connections && *plan.connections < 1)
        problems.add("connections", "expected 1 or more (or unset for automatic sizing)");
    if (!(plan.requestTimeoutS > 0))
        problems.add("request_timeout", "expected a duration above 0 s");
    if (plan.slo.p99MaxMs && !(*plan.slo.p99MaxMs > 0))
        problems.add("slo.p99_max_ms", "expected a latency above 0 ms");
    if (!(plan.slo.p99FactorOfIdeal >= 1))
        problems.add("slo.p99_factor_of_ideal", "expected a factor of 1 or more");
    if (!(plan.slo.maxErrorRate >= 0 && plan.slo.maxErrorRate < 1))
        problems.add("slo.max_error_rate", "expected a fraction from 0 to below 1");
    if (plan.arrivals != "uniform" && plan.arrivals != "poisson")
        problems.add("arrivals", "expected \"uniform\" or \"poisson\"");
}

void checkPlanSearch(const SearchSettings& search, PlanProblems& problems) {
    if (search.startRps && !(*search.startRps > 0 && *search.startRps <= search.maxRps))
        problems.add("search.start_rps", "expected a rate above 0 and at most search.max_rps (" +
                                             formatNumber(search.maxRps) + "), or unset for automatic");
    if (!(search.growth > 1.0 && search.growth <= 10))
        problems.add("search.growth", "expected a factor above 1 and at most 10");
    if (!(search.resolution >= 0.01 && search.resolution <= 0.5))
        problems.add("search.resolution", "expected a fraction from 0.01 (1 %) to 0.5");
    if (search.maxProbesPerRate < 2 || search.maxProbesPerRate > 20)
        problems.add("search.max_probes_per_rate", "expected 2 to 20 (a break is confirmed by a second probe)");
    if (search.maxTimeS && !(*search.maxTimeS > 0))
        problems.add("search.max_time", "expected a duration above 0 s");
    if (search.probeDurationS && !(*search.probeDurationS >= 1))
        problems.add("search.probe_duration", "expected at least 1 s");
    if (!(search.maxRps > 0 && search.maxRps <= kMaxPlanRps))
        problems.add("search.max_rps", "expected a rate above 0 and at most 10,000,000 requests per second");
}

void checkPlanHosts(const BenchmarkPlan& plan, PlanProblems& problems) {
    std::string hostError;
    if (!plan.serverHost.empty() && plan.serverHost != "local" && !parseSshDestination(plan.serverHost, hostError))
        problems.add("server_host", hostError);
    for (std::size_t i = 0; i < plan.generatorHosts.size(); ++i) {
        hostError.clear();
        if (plan.generatorHosts[i] != "local" && !parseSshDestination(plan.generatorHosts[i], hostError))
            problems.add(indexed("generators", i), hostError);
    }
    if (plan.generatorHosts.size() > 64)
        problems.add("generators", "expected at most 64 generator hosts");
}

// The pinned cores exist on this machine.
void checkPlanPinning(const BenchmarkPlan& plan, PlanProblems& problems) {
    if (!plan.pinning.enabled)
        return;
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    if (cores <= 0)
        return;
    auto check = [&](const char* field, int core) {
        if (core >= cores)
            problems.add(field, "core " + std::to_string(core) + " does not exist (" + std::to_string(cores) +
                                    " cores: 0 to " + std::to_string(cores - 1) + ")");
    };
    check("pinning.server_core", plan.pinning.serverCore);
    check("pinning.generator_core", plan.pinning.generatorCore);
}

} // namespace

std::vector<PlanProblem> validatePlan(const BenchmarkPlan& plan, const TargetCatalog& catalog) {
    PlanProblems problems;
    checkPlanTargets(plan, catalog, problems);
    checkPlanRates(plan, problems);
    checkPlanSettings(plan, problems);
    if (plan.mode == PlanMode::Search)
        checkPlanSearch(plan.search, problems);
    checkPlanHosts(plan, problems);
    checkPlanPinning(plan, problems);
    return problems.take();
}

} // namespace loadscope
