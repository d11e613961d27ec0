// Profiling inside a run: the Python sampler around the server of a session that may be profiled, and a profiler
// for each profiled step (plan.profile says which). A profiler that fails costs the step its profile, never its
// measurement: the step is stored unprofiled with a warning in the log.
#include "benchmark_runner_impl.h"

#include "install_paths.h"
#include "plan_text.h"

#include <algorithm>

namespace loadscope {

void BenchmarkRunner::Impl::prepareProfiling(ServerSession& session, SessionKey key) {
    const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
    if (!plan.profile.enabled || def.profiler != ProfilerKind::Python)
        return;
    // A sweep's session is one repetition: when none of its steps can be profiled it runs as it would without
    // --profile, so the unprofiled repetitions of a paired run are the plain server.
    const auto& repetitions = plan.profile.repetitions;
    if (key.second > 0 && !repetitions.empty() &&
        std::find(repetitions.begin(), repetitions.end(), key.second) == repetitions.end())
        return;
    try {
        auto channel = std::make_unique<PythonSamplerChannel>(plan.profile.sampleRateHz);
        PythonSamplerChannel* raw = channel.get();
        session.setArgvWrapper([raw](const std::vector<std::string>& argv) { return raw->wrap(argv); });
        samplerChannels[key] = std::move(channel);
    } catch (const std::exception& e) {
        log("warning: " + def.name + ": no profiles for this server: " + e.what());
    }
}

std::unique_ptr<StepProfiler> BenchmarkRunner::Impl::startStepProfiler(const Step& step, SessionKey key,
                                                                       const ServerSession& session) {
    if (!plan.profile.applies(step.requestedRps, step.repetition))
        return nullptr;
    const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
    if (def.profiler == ProfilerKind::Python) {
        const auto channel = samplerChannels.find(key);
        return channel == samplerChannels.end() ? nullptr : channel->second->stepProfiler(step.sequence);
    }
    if (def.profiler == ProfilerKind::Perf) {
        try {
            return startPerfProfiler(session.pid());
        } catch (const std::exception& e) {
            log("warning: " + def.name + " @ " + formatNumber(step.requestedRps, 1) +
                " rps: not profiled: " + e.what());
        }
    }
    return nullptr;
}

void BenchmarkRunner::Impl::attachProfile(Step& step, StepProfiler& profiler) {
    std::string error;
    if (auto profile = profiler.collect(&error)) {
        step.profile = std::move(*profile);
        return;
    }
    log("warning: " + step.targetName + " @ " + formatNumber(step.requestedRps, 1) +
        " rps: the step is stored without its profile: " + error);
}

} // namespace loadscope

namespace loadscope {

std::vector<std::string> profilingProblems(const BenchmarkPlan& plan, const TargetCatalog& catalog) {
    std::vector<std::string> problems;
    if (!plan.profile.enabled)
        return problems;
    for (const auto& name : plan.targets) {
        const TargetDefinition* def = catalog.find(name);
        if (!def)
            continue;
        if (def->profiler == ProfilerKind::Perf) {
            if (const auto problem = perfAccessProblem(); !problem.empty())
                problems.push_back(name + ": --profile: " + problem);
        } else if (def->profiler == ProfilerKind::Python) {
            const auto sampler = resourcesDir() / "profilers" / "pysampler.py";
            if (!std::filesystem::exists(sampler))
                problems.push_back(name + ": --profile: the Python sampler " + sampler.string() +
                                   " is missing (reinstall Loadscope)");
        } else {
            problems.push_back(name +
                               ": --profile: the target has no profiler (its definition says \"profiler\": "
                               "\"none\"; set \"python\" or \"perf\" in " +
                               def->sourceFile.string() + ")");
        }
    }
    return problems;
}

} // namespace loadscope
