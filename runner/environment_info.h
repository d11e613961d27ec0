#pragma once
// The machine a run was measured on, recorded with the run so that numbers from different days can be compared
// honestly: host, CPU model, cores, frequency governor, kernel, memory, load average at start, Loadscope's version
// and commit, and the command line. The runner adds the targets' versions and every child's argv.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace loadscope {

nlohmann::json collectEnvironment(const std::vector<std::string>& commandLine);

// Pieces, for tests and for the CLI's `show`.
std::string cpuModelName();        // "AMD EPYC 7B13", from /proc/cpuinfo
int onlineCores();                 // cores this process may run on
std::string frequencyGovernor();   // "performance", or "unavailable (no cpufreq)"
std::vector<double> loadAverage(); // 1, 5 and 15 minutes

} // namespace loadscope
