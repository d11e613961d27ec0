#include "install_paths.h"

#include <cstdlib>
#include <system_error>

namespace loadscope {

std::filesystem::path executableDir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::current_path() : exe.parent_path();
}

std::filesystem::path binDir() {
    if (const char* overridden = std::getenv("LOADSCOPE_BIN_DIR"); overridden && *overridden)
        return overridden;
    return executableDir();
}

std::filesystem::path resourcesDir() {
    if (const char* overridden = std::getenv("LOADSCOPE_RESOURCES"); overridden && *overridden)
        return overridden;
    return (executableDir() / ".." / "share" / "loadscope" / "resources").lexically_normal();
}

} // namespace loadscope
