#include "host_set.h"

#include "clock_offset.h"
#include "plan_text.h"
#include "remote_preflight.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <sstream>

namespace loadscope {

using namespace std::chrono_literals;

HostSet::HostSet(const BenchmarkPlan& plan, SshSettings settings)
    : settings_(std::move(settings)) {
    if (!plan.serverHost.empty() && plan.serverHost != "local")
        server_ = &hostFor(plan.serverHost);
    for (const auto& name : plan.generatorHosts)
        generatorHosts_.push_back(name == "local" ? nullptr : &hostFor(name));
}

HostSet::~HostSet() {
    close();
}

SshHost& HostSet::hostFor(const std::string& destination) {
    std::string error;
    const auto parsed = parseSshDestination(destination, error);
    if (!parsed)
        throw PlanError(error);
    for (auto& host : hosts_)
        if (host->name() == parsed->text())
            return *host;
    hosts_.push_back(std::make_unique<SshHost>(*parsed, settings_));
    return *hosts_.back();
}

const SshHost* HostSet::probeHost() const {
    for (const auto* host : generatorHosts_)
        if (host)
            return host;
    return nullptr;
}

// A field of $SSH_CONNECTION there: 1 our address as the host sees it, 3 the host's address we reached it at.
std::string HostSet::sshConnectionField(SshHost& host, int field) {
    const auto echoed = host.run("echo $SSH_CONNECTION", 10s);
    std::istringstream in(echoed.out);
    std::string value;
    for (int i = 0; i < field; ++i)
        in >> value;
    return value;
}

namespace {

// job(host) for every host at once, one thread each: the time goes into waiting for the network and the hosts.
template <typename Job> auto onEachAtOnce(const std::vector<SshHost*>& hosts, Job job) {
    using Result = decltype(job(*hosts.front()));
    std::vector<std::future<Result>> futures;
    for (auto* host : hosts)
        futures.push_back(std::async(std::launch::async, [&job, host] { return job(*host); }));
    std::vector<Result> results;
    for (auto& future : futures)
        results.push_back(future.get());
    return results;
}

// "uname, cores, load, CPU model" of a host, each on its line.
std::vector<std::string> hostFacts(const SshHost& host) {
    const auto info = host.run("uname -srm; nproc; cut -d' ' -f1-3 /proc/loadavg; "
                               "sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1",
                               10s);
    std::vector<std::string> lines;
    std::istringstream in(info.out);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    lines.resize(4);
    return lines;
}

} // namespace

void HostSet::prepare(const std::vector<const TargetDefinition*>& targets, const std::filesystem::path& localLoadgen,
                      const std::string& python, const std::function<void(const std::string&)>& log) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<SshHost*> all;
    for (auto& host : hosts_)
        all.push_back(host.get());
    log("connecting to " + std::to_string(all.size()) + " host(s)");
    // Where the set-up time goes (stored with the run: docs/benchmarks.md measures it).
    auto lap = [this, at = started]() mutable {
        const auto now = std::chrono::steady_clock::now();
        const double seconds = std::chrono::duration<double>(now - at).count();
        at = now;
        return seconds;
    };
    std::vector<std::string> problems;
    std::set<SshHost*> reachable;
    const auto failures = onEachAtOnce(all, [](SshHost& host) { return host.connect(); });
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (failures[i].empty())
            reachable.insert(all[i]);
        else
            problems.push_back(failures[i]);
    }
    phases_["connect_s"] = lap();
    checkServer(targets, python, reachable, problems);
    phases_["server_check_s"] = lap();
    std::vector<SshHost*> generatorHosts;
    for (auto* host : generatorHosts_)
        if (host && reachable.count(host) &&
            std::find(generatorHosts.begin(), generatorHosts.end(), host) == generatorHosts.end())
            generatorHosts.push_back(host);
    std::map<SshHost*, std::string> loadgenOn;
    if (!generatorHosts.empty()) {
        const auto checksum = localSha256(localLoadgen);
        const auto provided =
            onEachAtOnce(generatorHosts, [&](SshHost& host) { return provideLoadgen(host, localLoadgen, checksum); });
        for (std::size_t i = 0; i < generatorHosts.size(); ++i) {
            if (!provided[i].error.empty())
                problems.push_back(generatorHosts[i]->name() + ": " + provided[i].error);
            else
                loadgenOn[generatorHosts[i]] = provided[i].path;
            if (provided[i].copied)
                log("copied loadscope-loadgen to " + generatorHosts[i]->name() + ":" + provided[i].path + " in " +
                    formatNumber(provided[i].copySeconds, 2) + " s");
        }
    }
    if (!problems.empty()) {
        std::string message = "the hosts are not ready:";
        for (const auto& problem : problems)
            message += "\n  " + problem;
        throw PlanError(message);
    }
    phases_["loadgen_s"] = lap();
    probeServerVersions(targets, python, log);
    phases_["versions_s"] = lap();

    // One host after the other: round trips measured while the other hosts are being measured are noisier.
    std::vector<ClockOffset> offsets;
    for (auto* host : all)
        offsets.push_back(measureClockOffset(*host));
    phases_["clock_offsets_s"] = lap();
    const auto facts = onEachAtOnce(all, [](SshHost& host) { return hostFacts(host); });
    phases_["facts_s"] = lap();
    std::map<SshHost*, ClockOffset> offsetOf;
    for (std::size_t i = 0; i < all.size(); ++i) {
        offsetOf[all[i]] = offsets[i];
        if (offsets[i].error.empty())
            log("clock of " + all[i]->name() + ": " + formatNumber(offsets[i].offsetMs, 2) + " ms +- " +
                formatNumber(offsets[i].uncertaintyMs, 2) + " ms from ours");
        std::vector<std::string> roles;
        if (all[i] == server_)
            roles.emplace_back("server");
        if (std::find(generatorHosts_.begin(), generatorHosts_.end(), all[i]) != generatorHosts_.end())
            roles.emplace_back("generator");
        nlohmann::json entry = {{"host", all[i]->name()},
                                {"roles", roles},
                                {"kernel", facts[i][0]},
                                {"cores", facts[i][1]},
                                {"load", facts[i][2]},
                                {"cpu", facts[i][3]},
                                {"connect_s", all[i]->connectSeconds()},
                                {"clock_offset_ms", offsets[i].offsetMs},
                                {"clock_offset_uncertainty_ms", offsets[i].uncertaintyMs}};
        if (loadgenOn.count(all[i]))
            entry["loadgen"] = loadgenOn[all[i]];
        environment_.push_back(entry);
    }
    slots_.clear();
    for (auto* host : generatorHosts_)
        slots_.push_back(
            {host, host ? loadgenOn[host] : localLoadgen.string(), host ? usableOffsetMs(offsetOf[host]) : 0});
    if (slots_.empty())
        slots_.push_back({nullptr, localLoadgen.string(), 0});
    setupSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log("hosts ready in " + formatNumber(setupSeconds_, 2) + " s; the server listens on " + serverAddress_);
}

// The server's address, the targets' requirements on its host, python3 where readiness is probed from.
void HostSet::checkServer(const std::vector<const TargetDefinition*>& targets, const std::string& python,
                          const std::set<SshHost*>& reachable, std::vector<std::string>& problems) {
    // Where we reached the server's host, or (a local server with remote generators) where they reach us.
    auto* prober = const_cast<SshHost*>(probeHost());
    if (server_ && reachable.count(server_))
        serverAddress_ = sshConnectionField(*server_, 3);
    else if (!server_ && prober && reachable.count(prober))
        serverAddress_ = sshConnectionField(*prober, 1);
    if (serverAddress_.empty())
        problems.push_back("cannot tell the server's address from $SSH_CONNECTION");
    if (server_ && reachable.count(server_)) {
        for (const auto* target : targets) {
            auto values = defaultPlaceholderValues(0);
            values.python = python;
            values.host = serverAddress_;
            for (auto& problem : remoteTargetProblems(*server_, *target, values))
                problems.push_back(target->name + ": " + problem);
        }
    }
    if (server_ && prober && reachable.count(prober) && !prober->run("command -v python3", 10s).success())
        problems.push_back(prober->name() +
                           ": python3 is not installed (readiness is probed from there): apt-get install "
                           "python3-minimal");
}

// The versions that count are the server host's.
void HostSet::probeServerVersions(const std::vector<const TargetDefinition*>& targets, const std::string& python,
                                  const std::function<void(const std::string&)>& log) {
    for (const auto* target : server_ ? targets : std::vector<const TargetDefinition*>{}) {
        if (target->versionProbe.empty())
            continue;
        auto values = defaultPlaceholderValues(0);
        values.python = python;
        values.host = serverAddress_;
        std::vector<std::string> probe;
        for (const auto& argument : target->versionProbe)
            probe.push_back(expandPlaceholders(argument, values));
        const auto probed = server_->run(shellCommand(probe), 10s);
        std::istringstream lines(probed.out);
        for (std::string line; std::getline(lines, line);) {
            if (line.find_first_not_of(" \t\r") != std::string::npos) {
                serverVersions_[target->name] = line;
                break;
            }
        }
        if (serverVersions_[target->name].empty())
            log("warning: version probe of " + target->name + " on " + server_->name() + " printed nothing");
    }
}

void HostSet::close() {
    for (auto& host : hosts_)
        host->close();
}

} // namespace loadscope
