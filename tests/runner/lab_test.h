#pragma once
// The one fixture of the tests on the SSH lab (test_ssh_hosts.cpp, test_hosts_run.cpp): each test is skipped, with
// the reason, where the lab cannot be built (not root, no sshd...), and reaches the lab's hosts with the same SSH
// settings.

#include "netns_lab.h"
#include "ssh_host.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace loadscope::test {

class LabTest : public ::testing::Test {
public:
    // `config`: the lab's ssh_config or one of its broken variants. 3 s to connect: refused and unreachable hosts
    // fail fast.
    static SshSettings sshSettings(const std::filesystem::path& config) {
        SshSettings settings;
        settings.configFile = config;
        settings.connectTimeoutS = 3;
        return settings;
    }

protected:
    void SetUp() override {
        if (const auto why = NetnsLab::unavailableReason(); !why.empty())
            GTEST_SKIP() << why;
    }
};

} // namespace loadscope::test
