#include "loadgen_test_support.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

namespace loadscope::testing {

std::string loadgenPath() {
    return LOADSCOPE_LOADGEN_PATH;
}
std::string refserverPath() {
    return LOADSCOPE_REFSERVER_PATH;
}

namespace {
bool twoCoresUsable() {
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set) && CPU_ISSET(1, &set);
}
} // namespace

std::vector<std::string> serverCpuArgs() {
    return twoCoresUsable() ? std::vector<std::string>{"--cpu", "0"} : std::vector<std::string>{};
}
std::vector<std::string> generatorCpuArgs() {
    return twoCoresUsable() ? std::vector<std::string>{"--cpu", "1"} : std::vector<std::string>{};
}

std::string RefServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
}

RefServer startRefServer(const std::vector<std::string>& args, Priority priority) {
    std::vector<std::string> argv{refserverPath(), "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    RefServer server;
    server.process = std::make_unique<TestProcess>(argv, priority);
    const auto line = server.process->readStdoutLine(std::chrono::seconds(5));
    const std::string prefix = "listening on 127.0.0.1:";
    if (!line || line->rfind(prefix, 0) != 0)
        throw std::runtime_error("refserver did not announce its port; stderr: " + server.process->stderrText());
    server.port = std::stoi(line->substr(prefix.size()));
    return server;
}

LoadgenRun runLoadgen(const std::vector<std::string>& args, std::chrono::seconds limit, Priority priority) {
    std::vector<std::string> argv{loadgenPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    TestProcess process(argv, priority);
    LoadgenRun run;
    const auto code = process.waitForExit(limit);
    run.exitCode = code ? *code : -1;
    run.out = process.stdoutText();
    run.err = process.stderrText();
    run.json = nlohmann::json::parse(run.out, nullptr, false);
    if (run.json.is_discarded())
        run.json = nullptr;
    return run;
}

int unusedPort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("cannot find a free port");
    close(fd);
    return ntohs(address.sin_port);
}

std::vector<long long> readNumbers(const std::string& path) {
    std::ifstream in(path);
    std::vector<long long> numbers;
    long long value = 0;
    while (in >> value)
        numbers.push_back(value);
    return numbers;
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "loadscope-loadgen-test-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a temporary directory");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

} // namespace loadscope::testing
