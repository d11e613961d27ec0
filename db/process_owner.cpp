#include "process_owner.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace loadscope {
namespace {

std::string readBootId() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

struct StatFields {
    char state = '?';
    std::int64_t startTicks = 0;
};

std::optional<StatFields> readStat(std::int64_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line))
        return std::nullopt;
    // "pid (comm) state ..." where comm may itself contain spaces and parentheses: fields start after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(line.substr(close + 1));
    StatFields stat;
    fields >> stat.state;
    // Fields 4..21 come between the state (field 3) and the start time (field 22).
    std::string skipped;
    for (int field = 4; field <= 21; ++field)
        fields >> skipped;
    fields >> stat.startTicks;
    if (!fields)
        return std::nullopt;
    return stat;
}

} // namespace

ProcessOwner ProcessOwner::current() {
    auto owner = ofPid(static_cast<std::int64_t>(::getpid()));
    return owner ? *owner : ProcessOwner{static_cast<std::int64_t>(::getpid()), 0, readBootId()};
}

std::optional<ProcessOwner> ProcessOwner::ofPid(std::int64_t pid) {
    if (pid <= 0)
        return std::nullopt;
    const auto stat = readStat(pid);
    if (!stat)
        return std::nullopt;
    return ProcessOwner{pid, stat->startTicks, readBootId()};
}

bool ProcessOwner::isAlive() const {
    if (pid <= 0 || bootId.empty() || bootId != readBootId())
        return false;
    const auto stat = readStat(pid);
    return stat && stat->startTicks == startTicks && stat->state != 'Z' && stat->state != 'X';
}

} // namespace loadscope
