#include "cli_files.h"

#include "cli_command.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace loadscope::cli {

void writeFileAtomically(const std::string& path, const std::string& content) {
    const auto temp = path + ".tmp-" + std::to_string(getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw UsageError("--out: cannot write " + path + " (does the folder exist? is it writable?)");
        out << content;
        out.flush();
        if (!out) {
            std::filesystem::remove(temp);
            throw std::runtime_error("writing " + path + " failed (disk full?)");
        }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp);
        throw std::runtime_error("cannot move the file into place at " + path + ": " + ec.message());
    }
}

} // namespace loadscope::cli
