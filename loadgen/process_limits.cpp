#include "process_limits.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sched.h>
#include <sys/resource.h>

namespace loadscope::loadgen {

namespace {
// stdin/out/err, the signal pipe, the probe socket and slack; and per event loop its epoll, timerfd and eventfd.
constexpr long kOwnDescriptors = 24;
constexpr long kDescriptorsPerThread = 4;
} // namespace

long raiseOpenFileLimit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? 1L << 30 : static_cast<long>(limit.rlim_cur);
}

std::optional<std::string> connectionLimitProblem(int connections, int threads, long openFileLimit) {
    const long own = kOwnDescriptors + kDescriptorsPerThread * threads;
    if (connections + own > openFileLimit) {
        return "--connections " + std::to_string(connections) + " needs " + std::to_string(connections + own) +
               " open files, but this process may open at most " + std::to_string(openFileLimit) +
               " (the hard limit, ulimit -Hn): lower --connections to " + std::to_string(openFileLimit - own) +
               " or raise the limit";
    }
    std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
    long low = 0, high = 0;
    if (range >> low >> high && high >= low && connections > high - low + 1) {
        return "--connections " + std::to_string(connections) + " exceeds the " + std::to_string(high - low + 1) +
               " local ports of /proc/sys/net/ipv4/ip_local_port_range (" + std::to_string(low) + "-" +
               std::to_string(high) + ") available to one destination";
    }
    return std::nullopt;
}

std::optional<std::vector<int>> parseCpuList(const std::string& text, std::string& error) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        CPU_ZERO(&allowed);
    std::vector<int> cpus;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        int first = -1, last = -1;
        char dash = 0;
        std::istringstream parts(item);
        parts >> first;
        if (parts >> dash) {
            if (dash != '-' || !(parts >> last))
                first = -1;
        } else {
            last = first;
        }
        if (!parts.eof() || first < 0 || last < first || last >= CPU_SETSIZE) {
            error = "bad core list \"" + text + "\" (expected core numbers like 1, 0,2 or 0-3)";
            return std::nullopt;
        }
        for (int cpu = first; cpu <= last; ++cpu) {
            if (!CPU_ISSET(cpu, &allowed)) {
                error = "core " + std::to_string(cpu) + " is not available to this process (it may use " +
                        std::to_string(CPU_COUNT(&allowed)) + " cores)";
                return std::nullopt;
            }
            cpus.push_back(cpu);
        }
    }
    if (cpus.empty()) {
        error = "empty core list (expected core numbers like 1, 0,2 or 0-3)";
        return std::nullopt;
    }
    return cpus;
}

std::string runAtRealtimePriority() {
    sched_param param{};
    param.sched_priority = 10; // above every normal task, below the kernel's own real-time threads (50 and up)
    if (sched_setscheduler(0, SCHED_FIFO, &param) != 0)
        return std::strerror(errno);
    return {};
}

std::string pinToCpus(const std::vector<int>& cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu : cpus)
        CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        return std::strerror(errno);
    return {};
}

} // namespace loadscope::loadgen
