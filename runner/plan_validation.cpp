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
} // namespace

std::vector<PlanProblem> validatePlan(const BenchmarkPlan& plan, const TargetCatalog& catalog) {
    std::vector<PlanProblem> problems;
    auto add = [&](std::string field, std::string message) {
        problems.push_back({std::move(field), std::move(message)});
    };
    if (plan.targets.empty())
        add("targets", "no targets: name at least one (see `loadscope targets`)");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < plan.targets.size(); ++i) {
        const auto& name = plan.targets[i];
        const auto field = "targets[" + std::to_string(i) + "]";
        if (!seen.insert(name).second) {
            add(field, "'" + name + "' is listed twice");
            continue;
        }
        const TargetDefinition* target = catalog.find(name);
        if (!target) {
            std::vector<std::string> known;
            for (const auto& t : catalog.targets())
                known.push_back(t.name);
            add(field, "unknown target '" + name + "' (known: " + joinList(known, ", ") + ")");
            continue;
        }
        if (const auto* scenario = target->scenario(plan.scenario);
            scenario && !plan.slo.p99MaxMs && !(scenario->idealLatencyMs > 0)) {
            // p99 <= 1.5 x 0 ms: every rate would break the SLO and the run would report no knee for it.
            add("slo", "the SLO's p99 limit is relative to the scenario's ideal latency, and target '" + name +
                           "' scenario '" + plan.scenario +
                           "' has an ideal of 0 ms: give an absolute limit, e.g. --slo 'p99<10ms'");
        }
        if (!target->scenario(plan.scenario)) {
            std::vector<std::string> known;
            for (const auto& s : target->scenarios)
                known.push_back(s.name);
            add("scenario", "target '" + name + "' has no scenario '" + plan.scenario +
                                "' (it has: " + joinList(known, ", ") + ")");
        }
    }
    if (plan.rates.empty() && plan.mode == PlanMode::Sweep)
        add("rates", "no rates: give at least one, e.g. 500,1000 or 500:3000:500");
    for (std::size_t i = 0; i < plan.rates.size(); ++i) {
        const double r = plan.rates[i];
        if (!std::isfinite(r) || r <= 0)
            add("rates[" + std::to_string(i) + "]", "expected a rate above 0 requests per second");
        else if (r > kMaxPlanRps)
            add("rates[" + std::to_string(i) + "]",
                "expected at most 10,000,000 requests per second (the load generator's limit), got " + formatNumber(r));
        else if (i > 0 && r <= plan.rates[i - 1])
            add("rates[" + std::to_string(i) + "]", "rates must be ascending and distinct");
    }
    if (!(plan.stepDurationS > 0))
        add("step_duration", "expected a duration above 0 s");
    if (plan.stepDurationS > 0 && plan.stepDurationS < 1)
        add("step_duration", "expected at least 1 s: the load generator reports one timeline point per second");
    if (!(plan.warmupS >= 0))
        add("warmup", "expected a duration of 0 s or more");
    if (!(plan.cooldownS >= 0))
        add("cooldown", "expected a duration of 0 s or more");
    if (plan.repetitions < 1)
        add("repetitions", "expected 1 or more");
    if (plan.connections && *plan.connections < 1)
        add("connections", "expected 1 or more (or unset for automatic sizing)");
    if (!(plan.requestTimeoutS > 0))
        add("request_timeout", "expected a duration above 0 s");
    if (plan.slo.p99MaxMs && !(*plan.slo.p99MaxMs > 0))
        add("slo.p99_max_ms", "expected a latency above 0 ms");
    if (!(plan.slo.p99FactorOfIdeal >= 1))
        add("slo.p99_factor_of_ideal", "expected a factor of 1 or more");
    if (!(plan.slo.maxErrorRate >= 0 && plan.slo.maxErrorRate < 1))
        add("slo.max_error_rate", "expected a fraction from 0 to below 1");
    if (plan.arrivals != "uniform" && plan.arrivals != "poisson")
        add("arrivals", "expected \"uniform\" or \"poisson\"");
    if (plan.mode == PlanMode::Search) {
        const auto& search = plan.search;
        if (search.startRps && !(*search.startRps > 0 && *search.startRps <= search.maxRps))
            add("search.start_rps", "expected a rate above 0 and at most search.max_rps (" +
                                        formatNumber(search.maxRps) + "), or unset for automatic");
        if (!(search.growth > 1.0 && search.growth <= 10))
            add("search.growth", "expected a factor above 1 and at most 10");
        if (!(search.resolution >= 0.01 && search.resolution <= 0.5))
            add("search.resolution", "expected a fraction from 0.01 (1 %) to 0.5");
        if (search.maxProbesPerRate < 2 || search.maxProbesPerRate > 20)
            add("search.max_probes_per_rate", "expected 2 to 20 (a break is confirmed by a second probe)");
        if (search.maxTimeS && !(*search.maxTimeS > 0))
            add("search.max_time", "expected a duration above 0 s");
        if (search.probeDurationS && !(*search.probeDurationS >= 1))
            add("search.probe_duration", "expected at least 1 s");
        if (!(search.maxRps > 0 && search.maxRps <= kMaxPlanRps))
            add("search.max_rps", "expected a rate above 0 and at most 10,000,000 requests per second");
    }
    std::string hostError;
    if (!plan.serverHost.empty() && plan.serverHost != "local" && !parseSshDestination(plan.serverHost, hostError))
        add("server_host", hostError);
    for (std::size_t i = 0; i < plan.generatorHosts.size(); ++i) {
        hostError.clear();
        if (plan.generatorHosts[i] != "local" && !parseSshDestination(plan.generatorHosts[i], hostError))
            add("generators[" + std::to_string(i) + "]", hostError);
    }
    if (plan.generatorHosts.size() > 64)
        add("generators", "expected at most 64 generator hosts");
    if (plan.pinning.enabled) {
        const int cores = static_cast<int>(std::thread::hardware_concurrency());
        if (cores > 0 && plan.pinning.serverCore >= cores)
            add("pinning.server_core", "core " + std::to_string(plan.pinning.serverCore) + " does not exist (" +
                                           std::to_string(cores) + " cores: 0 to " + std::to_string(cores - 1) + ")");
        if (cores > 0 && plan.pinning.generatorCore >= cores)
            add("pinning.generator_core", "core " + std::to_string(plan.pinning.generatorCore) + " does not exist (" +
                                              std::to_string(cores) + " cores: 0 to " + std::to_string(cores - 1) +
                                              ")");
    }
    return problems;
}

} // namespace loadscope
