#pragma once
// HostSet: the other hosts of one run (the plan's server_host and generators), connected once before the first step
// and closed after the last. prepare() is the remote preflight: every host reachable with its key and known host key,
// the targets' requirements on the server host, loadscope-loadgen on every generator host (copied when absent or of
// another build), python3 where readiness is probed from, each host's clock offset. All problems are collected
// and thrown together as one PlanError, each naming its host and what to do. environment() records every host.

#include "benchmark_plan.h"
#include "distributed_step.h"
#include "ssh_host.h"
#include "target_definition.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace loadscope {

class HostSet {
public:
    HostSet(const BenchmarkPlan& plan, SshSettings settings);
    ~HostSet();

    // Whether the plan uses any other host (else the runner works as it always did).
    bool any() const { return !hosts_.empty(); }
    // Throws PlanError listing every problem. `log` receives progress lines.
    void prepare(const std::vector<const TargetDefinition*>& targets, const std::filesystem::path& localLoadgen,
                 const std::string& python, const std::function<void(const std::string&)>& log);
    void close();

    SshHost* serverHost() const { return server_; } // nullptr: this machine
    // The address the server binds ({host}) and the generators connect to.
    const std::string& serverAddress() const { return serverAddress_; }
    // One slot per generator of the plan (this machine when the plan has none), with the loadgen path there.
    const std::vector<GeneratorSlot>& generators() const { return slots_; }
    // The first remote generator host (readiness is probed from it), or nullptr.
    const SshHost* probeHost() const;
    double setupSeconds() const { return setupSeconds_; }
    // Seconds per phase of prepare(): connect_s, server_check_s, loadgen_s, versions_s, clock_offsets_s, facts_s.
    const nlohmann::json& setupPhases() const { return phases_; }
    // Each target's version probe as run on the server host (empty without one): target name -> first line.
    const std::map<std::string, std::string>& serverVersions() const { return serverVersions_; }
    nlohmann::json environment() const { return environment_; }

private:
    SshHost& hostFor(const std::string& destination);
    std::string sshConnectionField(SshHost& host, int field);
    void checkServer(const std::vector<const TargetDefinition*>& targets, const std::string& python,
                     const std::set<SshHost*>& reachable, std::vector<std::string>& problems);
    void probeServerVersions(const std::vector<const TargetDefinition*>& targets, const std::string& python,
                             const std::function<void(const std::string&)>& log);

    SshSettings settings_;
    std::vector<std::unique_ptr<SshHost>> hosts_;
    SshHost* server_ = nullptr;
    std::vector<SshHost*> generatorHosts_; // nullptr entries: "local"
    std::vector<GeneratorSlot> slots_;
    std::string serverAddress_ = "127.0.0.1";
    double setupSeconds_ = 0;
    nlohmann::json phases_ = nlohmann::json::object();
    std::map<std::string, std::string> serverVersions_;
    nlohmann::json environment_ = nlohmann::json::array();
};

} // namespace loadscope
