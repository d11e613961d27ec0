#pragma once
// What a process group costs, read from /proc: CPU time, resident memory, threads and context switches of every
// process in the group (a server may fork workers or run behind a wrapper). A background thread samples every
// 250 ms; the measured window of a step is marked from outside and summarised afterwards.

#include "run_types.h"

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace loadscope {

struct ProcessSample {
    double timeS = 0;           // monotonic seconds
    double cpuSeconds = 0;      // user + system of every process in the group
    std::int64_t rssBytes = 0;  // sum of VmRSS
    int threads = 0;            // sum of Threads
    std::int64_t voluntary = 0; // context switches, summed over every thread
    std::int64_t involuntary = 0;
    int processes = 0; // 0: the group is gone
};

// One reading of every live process whose process group is `pgid` (pgid = the leader's pid for our children).
ProcessSample sampleProcessGroup(pid_t pgid);
// One reading of a single process (all its threads).
ProcessSample sampleProcess(pid_t pid);
// CPU %, peak RSS, peak threads and context switches between two readings and over the readings in between.
ServerResources summarizeSamples(const std::vector<ProcessSample>& samples);

class ResourceSampler {
public:
    enum class Scope { ProcessGroup, Process };
    ResourceSampler(pid_t id, Scope scope, std::chrono::milliseconds interval = std::chrono::milliseconds(250));
    ~ResourceSampler(); // stops the thread
    ResourceSampler(const ResourceSampler&) = delete;
    ResourceSampler& operator=(const ResourceSampler&) = delete;

    // The measured window: samples taken at once when it opens and when it closes, so short steps are exact.
    void openWindow();
    void closeWindow();
    // The window's summary (zeros when it never opened or the process was gone).
    ServerResources windowSummary() const;
    std::vector<ProcessSample> windowSamples() const;

private:
    ProcessSample take() const;
    void loop();

    pid_t id_;
    Scope scope_;
    std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool windowOpen_ = false;
    std::vector<ProcessSample> window_;
    std::thread thread_;
};

} // namespace loadscope
