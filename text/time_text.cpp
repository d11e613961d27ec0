#include "time_text.h"

#include <ctime>

namespace loadscope {

std::string isoUtcTime(long long epochMs) {
    if (epochMs <= 0)
        return {};
    const auto t = static_cast<std::time_t>(epochMs / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

} // namespace loadscope
