#pragma once
// Helpers for the loadgen tests: start a real loadscope-refserver, run a real loadscope-loadgen against it, parse
// its JSON. Paths come from CMake (LOADSCOPE_LOADGEN_PATH, LOADSCOPE_REFSERVER_PATH).

#include "test_process.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace loadscope::testing {

std::string loadgenPath();
std::string refserverPath();

// On a machine with 2+ usable cores, pins the server to core 0 and the generator to core 1, so they do not take
// CPU from each other (the arguments are empty otherwise).
std::vector<std::string> serverCpuArgs();
std::vector<std::string> generatorCpuArgs();

struct RefServer {
    std::unique_ptr<TestProcess> process;
    int port = 0;
    std::string url(const std::string& path = "/simple") const;
};
// Starts loadscope-refserver --port 0 with `args` and waits for its "listening on 127.0.0.1:PORT" line.
RefServer startRefServer(const std::vector<std::string>& args, Priority priority = Priority::Normal);

struct LoadgenRun {
    int exitCode = -1;
    std::string out;
    std::string err;
    nlohmann::json json; // parsed stdout when it is JSON, else null
};
// Runs loadscope-loadgen with `args` to its end (killed after `limit`: the test then fails on exitCode -1).
LoadgenRun runLoadgen(const std::vector<std::string>& args, std::chrono::seconds limit = std::chrono::seconds(15),
                      Priority priority = Priority::Normal);

// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
int unusedPort();

// Lines of a file, as numbers (the refserver's --arrivals-log).
std::vector<long long> readNumbers(const std::string& path);

// A fresh temporary directory, removed with everything in it at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

} // namespace loadscope::testing
