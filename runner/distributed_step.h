#pragma once
// One measurement by N load generators, each on this machine or on another host over SSH. The plan's rate is split
// between them with one schedule: generator k of N runs `loadscope-loadgen --share k/N` (every N-th arrival from the
// k-th, or 1/N of the Poisson process), and all start at the same wall-clock instant (--start-at, corrected by each
// host's measured clock offset), so the arrivals at the server stay evenly spaced with the plan's total rate.
// Remote generators run under the same remote watchdog as remote servers (end of file on the session's stdin stops
// them with SIGINT: cancel, or Loadscope gone). Their histograms are merged into the step (counts add, histograms
// add: lossless); each generator's lateness is checked and a late one flags the step with its host named. A generator
// that fails (its host died, it crashed) fails the step with that host and reason.

#include "remote_server.h"
#include "ssh_host.h"
#include "step_executor.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace loadscope {

struct GeneratorSlot {
    const SshHost* host = nullptr; // nullptr: this machine
    std::string loadgenPath;       // where loadscope-loadgen is on that host
    double clockOffsetMs = 0;      // that host's clock - ours
    std::string name() const { return host ? host->name() : std::string("local"); }
};

struct DistributedRequest {
    LoadRequest load; // url, total rate, duration...; load.loadgen, cpuCore and busyPoll apply to a local generator
    std::vector<GeneratorSlot> generators;
    // The server to sample: a remote process group (serverHost set) or a local one.
    const SshHost* serverHost = nullptr;
    pid_t serverProcessGroup = 0;
    // From now to the common start: time for every ssh to start its generator (on the busy 2-core test VM half a
    // second was sometimes not enough; a generator that misses it says so on stderr and starts out of step).
    double startLeadS = 1.5;
};

struct GeneratorOutcome {
    std::string host;
    std::vector<std::string> argv; // as run on that host
    bool failed = false;
    std::string failure;
    Step part; // its own measurements (histograms included)
};

// Runs the generators and fills `step` (merged measurements, flags, server resources). `poll` every ~50 ms.
StepExecution executeDistributedStep(const DistributedRequest& request, Step& step, const std::atomic<bool>& cancel,
                                     StepEvents& events, const std::function<void()>& poll,
                                     std::vector<GeneratorOutcome>& outcomes);

// Merges the generators' measurements into `step`: counts, errors and histograms add; rates add; the measured
// duration is the longest; lateness, the per-second percentiles of the timeline and the generator CPU are the worst
// generator's (they have no histogram to merge).
void mergeGeneratorParts(const std::vector<Step>& parts, Step& step);

} // namespace loadscope
