#pragma once
// Shared by the importer tests: the fixture folder, temporary files, and exact percentiles from raw values.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace loadscope::importers::test {

std::filesystem::path fixture(const std::string& name); // tests/importers/data/<name>

// A temporary folder removed at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::filesystem::path file(const std::string& name, const std::string& content) const;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// The value at `percentile` of `sorted` by rank (the smallest value with at least percentile % at or below it).
std::int64_t exactPercentile(const std::vector<std::int64_t>& sorted, double percentile);

} // namespace loadscope::importers::test
