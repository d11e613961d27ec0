#pragma once
// `loadscope export RUN... --chart KIND`: the Results charts drawn without a window, by the same chart and export
// code as the GUI. The one export command (app/cli_export.cpp) reads the runs, the database and the file; this part
// adds the chart options to it and draws. The executable joins the two (app/main.cpp); drawing needs a QApplication
// (made by the caller, on the offscreen platform when there is no display).

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace loadscope {

struct ChartExportCommand {
    std::vector<std::string> kinds;   // the --chart names: latency-vs-rps, spectrum ...
    std::vector<std::string> formats; // png, pdf, svg
    // Adds --width, --height, --scale, --percentiles, --rate, --repetition, --x, --log, --theme to `command`.
    std::function<void(CLI::App& command, const std::string& group)> addOptions;
    // Draws chart `kind` of `runs` into `out` with the options parsed; returns what it wrote ("800 x 500 px PNG").
    // Throws CLI::ValidationError naming the option the runs cannot honour (--rate), std::runtime_error when the
    // database or the file fails.
    std::function<std::string(const std::filesystem::path& database, const std::vector<std::int64_t>& runs,
                              const std::string& kind, const std::string& format, const std::string& out)>
        write;
};

// A new one for each parser: addOptions and write share the options' values.
ChartExportCommand chartExportCommand();

} // namespace loadscope
