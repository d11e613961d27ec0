// A stand-in for the Loadscope process in test_hosts_run's kill test: runs one plan with other hosts through
// BenchmarkRunner, printing "measuring" when the first step's load starts, so the test can SIGKILL it mid-step.
// Usage: test_hosts_run_helper PLAN.json DATABASE SSH_CONFIG
#include "benchmark_runner.h"
#include "target_definition.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace loadscope;

namespace {
class Announcer : public RunObserver {
public:
    void stepProgress(const Step&, const StepProgress& progress) override {
        if (!announced_ && progress.elapsedS >= 0) {
            announced_ = true;
            std::cout << "measuring" << std::endl;
        }
    }

private:
    bool announced_ = false;
};
} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: test_hosts_run_helper PLAN.json DATABASE SSH_CONFIG\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    std::ostringstream text;
    text << in.rdbuf();
    BenchmarkRunner::Options options;
    options.databasePath = argv[2];
    options.ssh.configFile = argv[3];
    Announcer announcer;
    BenchmarkRunner runner(planFromJson(text.str(), argv[1]), TargetCatalog::loadDefault(), options, &announcer);
    runner.run();
    return 0;
}
