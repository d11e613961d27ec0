#include "environment_info.h"

#include "loadscope_version.h"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace loadscope {

namespace {

std::string readFirstLine(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// "Key : value" lines of /proc/cpuinfo and /proc/meminfo.
std::string fieldOf(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) != 0)
            continue;
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        return value;
    }
    return {};
}

long long meminfoBytes(const std::string& key) {
    const auto text = fieldOf("/proc/meminfo", key + ":");
    return text.empty() ? 0 : std::stoll(text) * 1024;
}

std::string osName() {
    std::ifstream in("/etc/os-release");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            auto value = line.substr(12);
            if (value.size() >= 2 && value.front() == '"')
                value = value.substr(1, value.size() - 2);
            return value;
        }
    return "unknown";
}

std::string isoUtcNow() {
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

} // namespace

std::string cpuModelName() {
    auto model = fieldOf("/proc/cpuinfo", "model name");
    return model.empty() ? "unknown" : model;
}

int onlineCores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
    return static_cast<int>(std::thread::hardware_concurrency());
}

std::string frequencyGovernor() {
    const auto governor = readFirstLine("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    return governor.empty() ? "unavailable (no cpufreq: a virtual machine or a fixed clock)" : governor;
}

std::vector<double> loadAverage() {
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) != 3)
        return {};
    return {load[0], load[1], load[2]};
}

nlohmann::json collectEnvironment(const std::vector<std::string>& commandLine) {
    nlohmann::json env;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    utsname uts{};
    uname(&uts);
    env["host"] = host;
    env["os"] = osName();
    env["kernel"] = std::string(uts.sysname) + " " + uts.release + " " + uts.version;
    env["architecture"] = uts.machine;
    env["cpu_model"] = cpuModelName();
    env["cores"] = onlineCores();
    env["cores_total"] = static_cast<int>(std::thread::hardware_concurrency());
    const auto mhz = fieldOf("/proc/cpuinfo", "cpu MHz");
    env["cpu_mhz"] = mhz.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::stod(mhz));
    env["frequency_governor"] = frequencyGovernor();
    env["memory_total_bytes"] = meminfoBytes("MemTotal");
    env["memory_available_bytes"] = meminfoBytes("MemAvailable");
    env["load_average"] = loadAverage();
    env["loadscope_version"] = LOADSCOPE_VERSION;
    env["loadscope_commit"] = LOADSCOPE_GIT_COMMIT;
    env["command_line"] = commandLine;
    env["started_utc"] = isoUtcNow();
    return env;
}

} // namespace loadscope
