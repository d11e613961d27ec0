#pragma once
// Preflight on other hosts, over an SshHost's shared connection: the target's requirements on the server host
// (executables, Python modules with the Debian package to install, Loadscope's own files), and loadscope-loadgen on
// generator hosts, copied to the host's private temporary folder when it is absent or another build (SHA-256
// compared). Every problem names the host.

#include "ssh_host.h"
#include "target_definition.h"

#include <filesystem>
#include <string>
#include <vector>

namespace loadscope {

// Problems with `target` on `host` ("bench@h2: python3-tornado is not installed (...): apt-get install ..."); empty
// when it can run there. `values` are the remote placeholder values ({host} = the host's address).
std::vector<std::string> remoteTargetProblems(SshHost& host, const TargetDefinition& target,
                                              const PlaceholderValues& values);

// The lower-case hex SHA-256 of a local file (sha256sum); empty when it cannot be read.
std::string localSha256(const std::filesystem::path& file);

struct RemoteLoadgen {
    std::string path; // where to run it on the host; empty when it could not be provided
    bool copied = false;
    double copySeconds = 0;
    std::string error; // why there is none
};
// loadscope-loadgen on `host`: the one in its PATH when it is this very build, else a copy in the host's temporary
// folder (removed when the host is closed). The copy is checked (checksum, --version) before it is used.
// `localSha256Hex`: the local file's checksum when already known (one per run, not one per host).
RemoteLoadgen provideLoadgen(SshHost& host, const std::filesystem::path& localLoadgen,
                             const std::string& localSha256Hex = {});

} // namespace loadscope
