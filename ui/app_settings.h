#pragma once
// The desktop app's settings, kept in QSettings (~/.config/loadscope/loadscope.conf): one place that knows the keys
// and their defaults.

#include "chart_data.h"

#include <QStringList>

#include <filesystem>
#include <vector>

namespace loadscope::AppSettings {

// The database the app opens at start: the one chosen in Settings, else RunStore::defaultPath().
std::filesystem::path defaultDatabase();
// Empty: back to RunStore::defaultPath().
void setDefaultDatabase(const std::filesystem::path& path);
bool hasCustomDefaultDatabase();

// The percentiles the latency-vs-RPS chart opens with (p50 and p99 unless chosen otherwise).
std::vector<Percentile> percentiles();
void setPercentiles(const std::vector<Percentile>& percentiles);

} // namespace loadscope::AppSettings
