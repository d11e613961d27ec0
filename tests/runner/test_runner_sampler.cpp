// The /proc sampler against real processes: a busy child costs about one core, an idle one about nothing, and the
// whole process group is counted.
#include "resource_sampler.h"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace loadscope;
using namespace std::chrono_literals;

namespace {
// A child in its own process group that spins (or sleeps) for at most `seconds`, forking `extraSpinners` more
// spinning processes into the same group. Killed with its group by the destructor.
class SpinningGroup {
public:
    SpinningGroup(bool spin, int extraSpinners, double seconds) {
        pid_ = fork();
        if (pid_ == 0) {
            setpgid(0, 0);
            for (int i = 0; i < extraSpinners; ++i)
                if (fork() == 0)
                    break;
            const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
            volatile unsigned long long x = 0;
            while (std::chrono::steady_clock::now() < end) {
                if (spin)
                    x = x + 1;
                else
                    std::this_thread::sleep_for(10ms);
            }
            _exit(0);
        }
        setpgid(pid_, pid_); // either side may win the race; both set the same group
        std::this_thread::sleep_for(100ms);
    }
    ~SpinningGroup() {
        kill(-pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = 0;
};
} // namespace

TEST(ResourceSampler, BusyProcessCostsAboutOneCore) {
    SpinningGroup busy(true, 0, 5);
    ResourceSampler sampler(busy.pid(), ResourceSampler::Scope::ProcessGroup, 100ms);
    sampler.openWindow();
    std::this_thread::sleep_for(1200ms);
    sampler.closeWindow();
    const auto samples = sampler.windowSamples();
    EXPECT_GE(samples.size(), 8u) << "a sample every 100 ms plus the two window edges";
    const auto r = sampler.windowSummary();
    EXPECT_GT(r.cpuPercent, 70);
    EXPECT_LT(r.cpuPercent, 110);
    EXPECT_GT(r.peakRssBytes, 100 * 1024);
    EXPECT_GE(r.threads, 1);
}

TEST(ResourceSampler, IdleProcessCostsAlmostNothing) {
    SpinningGroup idle(false, 0, 5);
    ResourceSampler sampler(idle.pid(), ResourceSampler::Scope::Process, 100ms);
    sampler.openWindow();
    std::this_thread::sleep_for(1000ms);
    sampler.closeWindow();
    const auto r = sampler.windowSummary();
    EXPECT_LT(r.cpuPercent, 15);
    EXPECT_GT(r.voluntaryContextSwitches, 20) << "it slept every 10 ms";
}

TEST(ResourceSampler, CountsEveryProcessOfTheGroup) {
    SpinningGroup group(true, 1, 5); // two spinners on a 2-core machine
    const auto sample = sampleProcessGroup(group.pid());
    EXPECT_EQ(sample.processes, 2);
    EXPECT_EQ(sampleProcess(group.pid()).processes, 1);
}

TEST(ResourceSampler, GoneProcessGivesZeros) {
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, nullptr, 0);
    ResourceSampler sampler(pid, ResourceSampler::Scope::ProcessGroup, 50ms);
    sampler.openWindow();
    std::this_thread::sleep_for(120ms);
    sampler.closeWindow();
    const auto r = sampler.windowSummary();
    EXPECT_EQ(r.cpuPercent, 0);
    EXPECT_EQ(r.peakRssBytes, 0);
}
