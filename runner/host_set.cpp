#include "host_set.h"

#include "clock_offset.h"
#include "plan_text.h"
#include "remote_preflight.h"

#include <algorithm>
#include <chrono>
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

void HostSet::prepare(const std::vector<const TargetDefinition*>& targets, const std::filesystem::path& localLoadgen,
                      const std::string& python, const std::function<void(const std::string&)>& log) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::string> problems;
    std::set<SshHost*> reachable;
    for (auto& host : hosts_) {
        log("connecting to " + host->name());
        if (auto failure = host->connect(); !failure.empty())
            problems.push_back(failure);
        else
            reachable.insert(host.get());
    }
    // The server's address: where we reached its host, or (a local server with remote generators) where they reach us.
    if (server_ && reachable.count(server_))
        serverAddress_ = sshConnectionField(*server_, 3);
    else if (!server_ && probeHost() && reachable.count(const_cast<SshHost*>(probeHost())))
        serverAddress_ = sshConnectionField(*const_cast<SshHost*>(probeHost()), 1);
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
    std::map<SshHost*, std::string> loadgenOn;
    for (auto* host : generatorHosts_) {
        if (!host || !reachable.count(host) || loadgenOn.count(host))
            continue;
        log("checking loadscope-loadgen on " + host->name());
        const auto provided = provideLoadgen(*host, localLoadgen);
        if (!provided.error.empty()) {
            problems.push_back(host->name() + ": " + provided.error);
            continue;
        }
        if (provided.copied)
            log("copied loadscope-loadgen to " + host->name() + ":" + provided.path + " in " +
                formatNumber(provided.copySeconds, 2) + " s");
        loadgenOn[host] = provided.path;
    }
    if (server_ && probeHost() && reachable.count(const_cast<SshHost*>(probeHost()))) {
        const auto python3 = probeHost()->run("command -v python3", 10s);
        if (!python3.success())
            problems.push_back(probeHost()->name() +
                               ": python3 is not installed (readiness is probed from there): apt-get install "
                               "python3-minimal");
    }
    if (!problems.empty()) {
        std::string message = "the hosts are not ready:";
        for (const auto& problem : problems)
            message += "\n  " + problem;
        throw PlanError(message);
    }

    std::map<SshHost*, ClockOffset> offsets;
    for (auto& host : hosts_) {
        offsets[host.get()] = measureClockOffset(*host);
        const auto& offset = offsets[host.get()];
        if (offset.error.empty())
            log("clock of " + host->name() + ": " + formatNumber(offset.offsetMs, 2) + " ms +- " +
                formatNumber(offset.uncertaintyMs, 2) + " ms from ours");
    }
    slots_.clear();
    for (auto* host : generatorHosts_) {
        GeneratorSlot slot;
        slot.host = host;
        slot.loadgenPath = host ? loadgenOn[host] : localLoadgen.string();
        slot.clockOffsetMs = host ? offsets[host].offsetMs : 0;
        slots_.push_back(slot);
    }
    if (slots_.empty())
        slots_.push_back({nullptr, localLoadgen.string(), 0});

    for (auto& host : hosts_) {
        const auto info = host->run("uname -srm; nproc; cut -d' ' -f1-3 /proc/loadavg; "
                                    "sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1",
                                    10s);
        std::vector<std::string> lines;
        std::istringstream in(info.out);
        for (std::string line; std::getline(in, line);)
            lines.push_back(line);
        lines.resize(4);
        std::vector<std::string> roles;
        if (host.get() == server_)
            roles.emplace_back("server");
        if (std::find(generatorHosts_.begin(), generatorHosts_.end(), host.get()) != generatorHosts_.end())
            roles.emplace_back("generator");
        const auto& offset = offsets[host.get()];
        nlohmann::json entry = {{"host", host->name()},
                                {"roles", roles},
                                {"kernel", lines[0]},
                                {"cores", lines[1]},
                                {"load", lines[2]},
                                {"cpu", lines[3]},
                                {"connect_s", host->connectSeconds()},
                                {"clock_offset_ms", offset.offsetMs},
                                {"clock_offset_uncertainty_ms", offset.uncertaintyMs}};
        if (loadgenOn.count(host.get()))
            entry["loadgen"] = loadgenOn[host.get()];
        environment_.push_back(entry);
    }
    setupSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log("hosts ready in " + formatNumber(setupSeconds_, 2) + " s; the server listens on " + serverAddress_);
}

void HostSet::close() {
    for (auto& host : hosts_)
        host->close();
}

} // namespace loadscope
