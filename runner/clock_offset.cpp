#include "clock_offset.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>

namespace loadscope {

using namespace std::chrono_literals;

namespace {

double wallClockMs() {
    return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

ClockOffset measureClockOffset(const SshHost& host, int rounds) {
    ClockOffset result;
    std::mutex mutex;
    std::condition_variable answered;
    std::optional<double> answer;
    ChildProcessOptions options;
    // bash's $EPOCHREALTIME is read without starting a process, so the answer is stamped right after the line
    // arrives; date (a process per answer) is the fallback without bash.
    options.argv = host.commandArgv("if command -v bash >/dev/null 2>&1; then exec bash -c "
                                    "'while read -r x; do t=${EPOCHREALTIME/[.,]/}; echo \"${t}000\"; done'; "
                                    "else while read -r x; do date +%s%N; done; fi");
    options.onLine = [&](OutputStream stream, std::string_view line) {
        if (stream != OutputStream::Stdout)
            return;
        std::lock_guard lock(mutex);
        answer = std::atof(std::string(line).c_str()) / 1e6;
        answered.notify_one();
    };
    try {
        ChildProcess session(options, ChildStdin{{}, true});
        double bestRoundTrip = std::numeric_limits<double>::infinity();
        for (int i = 0; i < rounds + 1; ++i) {
            std::unique_lock lock(mutex);
            answer.reset();
            const double sent = wallClockMs();
            lock.unlock();
            if (!session.writeStdin("t\n"))
                break;
            lock.lock();
            if (!answered.wait_for(lock, 5s, [&] { return answer.has_value(); }))
                break;
            const double received = wallClockMs();
            if (i == 0)
                continue; // the first answer also pays for the shell's start
            ++result.rounds;
            const double roundTrip = received - sent;
            if (roundTrip < bestRoundTrip) {
                bestRoundTrip = roundTrip;
                result.offsetMs = *answer - (sent + received) / 2;
                result.uncertaintyMs = roundTrip / 2;
            }
        }
        session.closeStdin();
        session.waitFor(1s);
    } catch (const ChildProcessError& error) {
        result.error = error.what();
    }
    if (result.rounds == 0 && result.error.empty())
        result.error = "no answer from " + host.name() + " (date +%s%N)";
    return result;
}

double usableOffsetMs(const ClockOffset& offset) {
    if (!offset.error.empty() || std::abs(offset.offsetMs) <= offset.uncertaintyMs)
        return 0;
    return offset.offsetMs;
}

} // namespace loadscope
