#include "importer_test_support.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace loadscope::importers::test {

std::filesystem::path fixture(const std::string& name) {
    return std::filesystem::path(LOADSCOPE_IMPORTER_FIXTURES) / name;
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "loadscope-import-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::file(const std::string& name, const std::string& content) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

std::int64_t exactPercentile(const std::vector<std::int64_t>& sorted, double percentile) {
    if (sorted.empty())
        return 0;
    const auto n = static_cast<double>(sorted.size());
    const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(percentile / 100.0 * n - 1e-9)));
    return sorted[static_cast<std::size_t>(std::min<std::int64_t>(rank, static_cast<std::int64_t>(sorted.size())) - 1)];
}

} // namespace loadscope::importers::test
