#include "ui_fixture.h"

#include "run_analysis.h"

#include "benchmark_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <unistd.h>

namespace loadscope::test {

namespace {

// Mean queueing delay of an M/D/1-like server: grows without bound as utilisation nears 1.
double queueingMs(double utilisation, double serviceMs) {
    if (utilisation >= 0.98)
        return serviceMs * 50 * (utilisation - 0.98 + 0.02) / 0.02; // overloaded: the backlog grows through the step
    return serviceMs * utilisation / (2 * (1 - utilisation));
}

struct StepModel {
    double medianMs;
    double sigma;
    double errorRate;
};

StepModel modelFor(const FixtureRunSpec& spec, const FixtureTarget& target, double rate) {
    const double utilisation = rate / target.capacityRps;
    // A Python server spends ~0.4 ms of CPU per request: the service time that queues up.
    const double serviceMs = 1000.0 / target.capacityRps;
    StepModel m;
    m.medianMs = spec.idealMs + 0.8 + queueingMs(utilisation, serviceMs);
    m.sigma = utilisation < 0.7 ? 0.04 : utilisation < 0.98 ? 0.12 : 0.45;
    m.errorRate = utilisation > 1.15 ? std::min(0.3, (utilisation - 1.15) * 0.5) : 0.0;
    return m;
}

Step makeStep(const FixtureRunSpec& spec, const FixtureTarget& target, double rate, int repetition, int sequence,
              std::mt19937_64& rng) {
    const StepModel model = modelFor(spec, target, rate);
    // Repetitions differ a little, like real ones on a shared machine.
    std::normal_distribution<double> drift(1.0, 0.03);
    const double medianMs = model.medianMs * std::max(0.9, drift(rng));
    std::lognormal_distribution<double> latency(std::log(medianMs), model.sigma);
    std::normal_distribution<double> noise(1.0, 0.01);

    Step step;
    step.targetName = target.name;
    step.scenario = spec.scenario;
    step.requestedRps = rate;
    step.repetition = repetition;
    step.sequence = sequence;
    step.status = StepStatus::Ok;
    step.durationS = spec.stepSeconds;
    step.startedMs =
        spec.createdMs + static_cast<std::int64_t>(sequence) * static_cast<std::int64_t>((spec.stepSeconds + 3) * 1000);
    step.finishedMs = step.startedMs + static_cast<std::int64_t>(spec.stepSeconds * 1000);
    const double utilisation = rate / target.capacityRps;
    const double achieved = std::min(rate, target.capacityRps * 1.02) * noise(rng);
    step.achievedRps = achieved;
    step.due = static_cast<std::int64_t>(rate * spec.stepSeconds);
    step.sent = step.due;
    step.completed = static_cast<std::int64_t>(achieved * spec.stepSeconds);
    step.errors.timeout = static_cast<std::int64_t>(std::llround(model.errorRate * static_cast<double>(step.due)));
    if (utilisation > 1.3)
        step.errors.status[503] = step.errors.timeout / 4;
    step.ok = std::max<std::int64_t>(0, step.completed - step.errors.total());
    step.waited = utilisation > 1.1 ? step.due / 5 : 0;
    step.peakInFlight = static_cast<std::int64_t>(rate * medianMs / 1000.0 * 1.5);

    LatencyHistogram latencyHistogram;
    LatencyHistogram serviceHistogram;
    const auto samples = static_cast<int>(std::min<std::int64_t>(step.completed, spec.maxSamplesPerStep));
    for (int i = 0; i < samples; ++i) {
        const double ms = latency(rng);
        latencyHistogram.record(static_cast<std::int64_t>(ms * 1000));
        serviceHistogram.record(static_cast<std::int64_t>(std::min(ms, spec.idealMs + 5 + ms * 0.1) * 1000));
    }
    step.latency = summarize(latencyHistogram);
    step.serviceTime = summarize(serviceHistogram);
    step.latencyHistogram = std::move(latencyHistogram);
    step.serviceTimeHistogram = std::move(serviceHistogram);
    step.latenessP50Ms = 0.05;
    step.latenessP99Ms = 0.4;
    step.latenessMaxMs = 1.5;

    step.server.cpuPercent = std::min(99.5, 100 * utilisation * 0.93) * noise(rng);
    step.server.peakRssBytes = static_cast<std::int64_t>((38 + rate * 0.004 + repetition) * 1024 * 1024);
    step.server.threads = 1;
    step.server.voluntaryContextSwitches = static_cast<std::int64_t>(rate * spec.stepSeconds * 0.3);
    step.server.involuntaryContextSwitches = static_cast<std::int64_t>(rate * spec.stepSeconds * 0.05);
    step.generatorCpuPercent = 3 + rate * 0.004;

    step.flags.sloViolated = step.latency.p99Ms > spec.sloP99Ms || model.errorRate > 0.001;
    step.flags.connectionLimited = step.waited > 0;
    if (spec.generatorLimitedAt && spec.generatorLimitedAt->first == target.name &&
        spec.generatorLimitedAt->second == rate) {
        step.flags.generatorLimited = true;
        step.flags.reason = "lateness p99 2.3 ms > 1 ms";
    } else if (step.flags.connectionLimited) {
        step.flags.reason = "requests waited for a free connection";
    } else if (step.flags.sloViolated) {
        step.flags.reason = "p99 above the SLO";
    }

    const int seconds = std::max(1, static_cast<int>(spec.stepSeconds));
    std::normal_distribution<double> perSecond(1.0, 0.04);
    for (int s = 0; s < seconds; ++s) {
        TimelinePoint point;
        point.second = s;
        point.sent = static_cast<std::int64_t>(rate);
        point.completed = static_cast<std::int64_t>(achieved * perSecond(rng));
        point.errors = step.errors.total() / seconds;
        const double growth = utilisation > 1 ? 1 + s * (utilisation - 1) * 2 : 1;
        point.p50Ms = step.latency.p50Ms * perSecond(rng) * growth;
        point.p99Ms = step.latency.p99Ms * perSecond(rng) * growth;
        step.timeline.push_back(point);
    }
    return step;
}

} // namespace

Run makeFixtureRun(const FixtureRunSpec& spec) {
    std::mt19937_64 rng(spec.seed);
    Run run;
    run.name = spec.name;
    run.createdMs = spec.createdMs;
    run.status = spec.status;
    run.tags = spec.tags;
    run.notes = spec.notes;
    BenchmarkPlan plan;
    plan.name = spec.name;
    plan.scenario = spec.scenario;
    plan.rates = spec.rates;
    plan.repetitions = spec.repetitions;
    plan.stepDurationS = spec.stepSeconds;
    plan.slo.p99MaxMs = spec.sloP99Ms;
    if (spec.search)
        plan.mode = PlanMode::Search;
    for (const auto& t : spec.targets)
        plan.targets.push_back(t.name);
    run.planJson = planToJson(plan);
    run.environmentJson = R"({"host":"fixture-host","cpu_model":"Synthetic CPU @ 3.0 GHz","cores":2,"kernel":"6.1.0"})";
    for (const auto& t : spec.targets) {
        TargetSnapshot snapshot;
        snapshot.name = t.name;
        snapshot.displayName = t.name;
        snapshot.argv = {"/usr/bin/python3", "server.py", "--port", "0"};
        snapshot.versions = t.name + " 1.0 / Python 3.11.2";
        run.targets.push_back(snapshot);
    }
    int sequence = 0;
    std::vector<int> brokenInARow(spec.targets.size(), 0);
    for (int repetition = 1; repetition <= spec.repetitions; ++repetition) {
        std::fill(brokenInARow.begin(), brokenInARow.end(), 0);
        for (double rate : spec.rates)
            for (std::size_t t = 0; t < spec.targets.size(); ++t) {
                Step step = makeStep(spec, spec.targets[t], rate, repetition, sequence++, rng);
                if (spec.stopRule && brokenInARow[t] >= 2) {
                    step.status = StepStatus::Skipped;
                    step.statusMessage = "skipped: gave up (SLO broken at two rates in a row)";
                    step.latencyHistogram.reset();
                    step.serviceTimeHistogram.reset();
                    step.latency = {};
                    step.serviceTime = {};
                    step.timeline.clear();
                    step.achievedRps = 0;
                } else {
                    brokenInARow[t] = step.flags.sloViolated ? brokenInARow[t] + 1 : 0;
                }
                run.steps.push_back(std::move(step));
            }
    }
    run.finishedMs = run.steps.empty() ? spec.createdMs : run.steps.back().finishedMs;
    if (spec.storeKnees) {
        // The runner's knee: the analysis library on the run as stored.
        const RunAnalysis analysis = analyzeRun(run);
        for (auto& t : run.targets)
            t.kneeRps = analysis.find(t.name)->knee.kneeRps;
    }
    return run;
}

std::int64_t addFixtureRun(RunStore& store, const FixtureRunSpec& spec) {
    Run run = makeFixtureRun(spec);
    std::vector<Step> steps = std::move(run.steps);
    run.steps.clear();
    const RunStatus status = run.status;
    run.status = RunStatus::Running;
    const std::int64_t runId = store.createRun(run);
    for (Step& step : steps) {
        step.runId = runId;
        for (const auto& t : run.targets)
            if (t.name == step.targetName)
                step.targetId = t.id;
        store.insertStep(step);
    }
    for (const auto& t : run.targets)
        store.updateTarget(t);
    store.finishRun(runId, status, run.finishedMs);
    return runId;
}

TempFolder::TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "loadscope-ui-test-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a temporary folder");
    path_ = pattern;
}

TempFolder::~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

} // namespace loadscope::test
