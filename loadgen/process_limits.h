#pragma once
// The limits a generator with many connections runs into, checked before a run rather than discovered in the middle:
// open files (RLIMIT_NOFILE, raised to its hard limit) and the local port range.

#include <optional>
#include <string>
#include <vector>

namespace loadscope::loadgen {

// Raises the soft open-file limit to the hard one and returns the limit now in force.
long raiseOpenFileLimit();

// Why `connections` (plus the few descriptors the process and its `threads` event loops need) cannot fit, or nullopt
// when they can.
std::optional<std::string> connectionLimitProblem(int connections, int threads, long openFileLimit);

// "1", "0,2", "1-3" -> cores; nullopt with `error` for anything else or cores this process may not use.
std::optional<std::vector<int>> parseCpuList(const std::string& text, std::string& error);

// Pins the calling process (and the threads it starts afterwards) to `cpus`. Empty string on success.
std::string pinToCpus(const std::vector<int>& cpus);

// Puts the calling process (and the threads it starts afterwards) under SCHED_FIFO at a low real-time priority.
// Empty string on success, else why not. The kernel's real-time throttling (sched_rt_runtime_us, 95 % by default)
// still leaves the core's other tasks their share should the generator saturate it.
std::string runAtRealtimePriority();

} // namespace loadscope::loadgen
