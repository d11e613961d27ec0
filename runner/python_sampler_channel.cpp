// The runner's side of resources/profilers/pysampler.py: its argv, its control pipe, and one step's window.
#include "step_profiler.h"

#include "folded_profile.h"
#include "install_paths.h"
#include "plan_text.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace loadscope {

namespace {

using namespace std::chrono_literals;

// Writes to a FIFO whose reader may be gone without SIGPIPE killing us: the signal is blocked on this thread for
// the write and a pending one is consumed.
bool writeWithoutSigpipe(int fd, const std::string& text) {
    sigset_t pipeOnly, previous;
    sigemptyset(&pipeOnly);
    sigaddset(&pipeOnly, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous);
    const ssize_t written = ::write(fd, text.data(), text.size());
    const int savedErrno = errno;
    const timespec noWait{0, 0};
    while (sigtimedwait(&pipeOnly, nullptr, &noWait) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    errno = savedErrno;
    return written == static_cast<ssize_t>(text.size());
}

std::string readWhole(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class PythonStepProfiler : public StepProfiler {
public:
    PythonStepProfiler(PythonSamplerChannel& channel, int sequence)
        : channel_(channel)
        , out_(channel.folder() / ("step-" + std::to_string(sequence) + ".folded")) {
        std::filesystem::remove(out_);
    }
    void openWindow() override { opened_ = channel_.send("start\n", &error_); }
    void closeWindow() override {
        if (opened_)
            closed_ = channel_.send("stop " + out_.string() + "\n", &error_);
    }
    std::optional<StepProfile> collect(std::string* error) override {
        if (!opened_ || !closed_) {
            *error = error_.empty() ? "the profiling window was never opened" : error_;
            return std::nullopt;
        }
        // The sampler writes the file (to .tmp, then renames it) as soon as it reads the stop command.
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!std::filesystem::exists(out_) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
        if (!std::filesystem::exists(out_)) {
            *error = "the Python sampler wrote no profile within 5 s (see the server's log)";
            return std::nullopt;
        }
        std::string folded = readWhole(out_);
        std::filesystem::remove(out_);
        if (const auto parsed = parseFolded(folded); !parsed.ok()) {
            *error = "the Python sampler wrote a profile that does not parse: " + parsed.error;
            return std::nullopt;
        }
        return StepProfile{"python", channel_.sampleRateHz(), std::move(folded)};
    }

private:
    PythonSamplerChannel& channel_;
    std::filesystem::path out_;
    bool opened_ = false, closed_ = false;
    std::string error_;
};

} // namespace

PythonSamplerChannel::PythonSamplerChannel(double sampleRateHz)
    : rateHz_(sampleRateHz) {
    std::string pattern = (std::filesystem::temp_directory_path() / "loadscope-profile-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a folder for the profiler's control pipe: " +
                                 std::string(std::strerror(errno)));
    folder_ = pattern;
    fifo_ = folder_ / "control";
    if (::mkfifo(fifo_.c_str(), 0600) != 0)
        throw std::runtime_error("cannot create the profiler's control pipe " + fifo_.string() + ": " +
                                 std::strerror(errno));
}

PythonSamplerChannel::~PythonSamplerChannel() {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
}

std::vector<std::string> PythonSamplerChannel::wrap(const std::vector<std::string>& argv) const {
    if (argv.size() < 2)
        return argv;
    std::vector<std::string> wrapped{argv[0],     (resourcesDir() / "profilers" / "pysampler.py").string(),
                                     "--rate",    formatNumber(rateHz_, 0),
                                     "--control", fifo_.string()};
    wrapped.insert(wrapped.end(), argv.begin() + 1, argv.end());
    return wrapped;
}

bool PythonSamplerChannel::send(const std::string& command, std::string* error) {
    // The sampler reopens its end after each writer closes, so retry a moment when nobody is reading.
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (true) {
        const int fd = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
            const bool ok = writeWithoutSigpipe(fd, command);
            const int savedErrno = errno;
            ::close(fd);
            if (ok)
                return true;
            *error = "writing to the Python sampler's control pipe failed: " + std::string(std::strerror(savedErrno));
            return false;
        }
        if (errno != ENXIO || std::chrono::steady_clock::now() > deadline) {
            *error = "the Python sampler does not listen on its control pipe (" + std::string(std::strerror(errno)) +
                     "): is the server running under resources/profilers/pysampler.py?";
            return false;
        }
        std::this_thread::sleep_for(10ms);
    }
}

std::unique_ptr<StepProfiler> PythonSamplerChannel::stepProfiler(int stepSequence) {
    return std::make_unique<PythonStepProfiler>(*this, stepSequence);
}

} // namespace loadscope
