#pragma once
// Who owns a running run: a process, named so that it cannot be confused with a later one. A pid alone is not
// enough (pids are reused, and start again from 1 after a reboot), so the owner is the pid plus the process's start
// time in clock ticks since boot plus the boot's id. Linux only (/proc).

#include <cstdint>
#include <optional>
#include <string>

namespace loadscope {

struct ProcessOwner {
    std::int64_t pid = 0;
    std::int64_t startTicks = 0; // field 22 of /proc/<pid>/stat
    std::string bootId;          // /proc/sys/kernel/random/boot_id

    // This process.
    static ProcessOwner current();
    // Any process by pid, as it is now; nullopt when no such process exists.
    static std::optional<ProcessOwner> ofPid(std::int64_t pid);

    // True while the very process described is still running (same boot, same pid, same start time). A zombie
    // (exited, not yet reaped) counts as gone: it will write nothing more.
    bool isAlive() const;
};

} // namespace loadscope
