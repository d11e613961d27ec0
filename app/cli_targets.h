#pragma once
// `loadscope targets [NAME...] [--probe] [--json]`: what can be benchmarked here. Lists every target (name, display
// name, scenarios, source file, preflight status, versions) and the definition files that were skipped and why;
// --probe starts each target on a free port, waits until it is ready, sends one request per scenario, prints each
// latency next to its ideal and stops the server again. Qt-free.

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace loadscope::cli {

struct TargetsCommandOptions {
    std::vector<std::string> names; // only these targets (all when empty); an unknown name is a usage error
    bool probe = false;
    bool json = false;
    std::string python = "/usr/bin/python3";
    std::filesystem::path builtInDir;             // empty: resourcesDir()/targets
    std::optional<std::filesystem::path> userDir; // unset: TargetCatalog::userTargetsDir()
};

// Exit code: 0 all good; 3 a listed target fails preflight; 1 a probe failed, or a definition file was skipped;
// 2 an unknown target name (the message lists the known ones).
int runTargetsCommand(const TargetsCommandOptions& options, std::ostream& out, std::ostream& err);

} // namespace loadscope::cli
