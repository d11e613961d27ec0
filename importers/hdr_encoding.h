#pragma once
// HdrHistogram's own serialised form (the "V2 compressed" encoding of HdrHistogram Java/C, as in HistogramLogWriter
// logs: base64 text starting "HISTF"), read into and written from LatencyHistogram. Implemented from the format's
// description, not from HdrHistogram's code:
//
//   compressed:  int32 cookie 0x1c849314, int32 length of the rest, then zlib-deflated bytes of
//   uncompressed: int32 cookie 0x1c849313, int32 payload length, int32 normalizing index offset,
//                 int32 significant digits, int64 lowest discernible value, int64 highest trackable value,
//                 float64 integer-to-double conversion ratio, then the counters in index order as ZigZag LEB128
//                 varints (at most 9 bytes), a negative number -n standing for n counters that are zero.
// All integers big-endian.
//
// LatencyHistogram's layout is exactly HdrHistogram(1, 3600000000, 3) in microseconds, so writing and reading our own
// histograms is lossless for the counters; other layouts and units are converted (see addToLatencyHistogram).

#include "latency_histogram.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope::importers {

// A decoded HdrHistogram: its layout and the non-zero counters as value ranges in the histogram's own unit.
struct HdrHistogramData {
    int significantDigits = 3;
    std::int64_t lowestDiscernible = 1;
    std::int64_t highestTrackable = 0;
    struct Counter {
        std::int64_t lowest;  // the counter's lowest equivalent value
        std::int64_t highest; // and highest
        std::int64_t count;
    };
    std::vector<Counter> counters; // increasing values
    std::int64_t totalCount() const;
};

// Decodes base64 text ("HISTF..."). nullopt and `error` filled ("expected ... , found ...") when it is not a V2
// compressed integer histogram or is damaged.
std::optional<HdrHistogramData> decodeHdrHistogram(std::string_view base64, std::string* error);

// Encodes `histogram` (microseconds) as base64 V2 compressed text.
std::string encodeHdrHistogram(const LatencyHistogram& histogram);

// Records `data` into `histogram`, values multiplied by `microsPerUnit` (0.001 for nanoseconds), each counter at its
// lowest value as HdrHistogram's own add() does between layouts: lossless for our own layout in microseconds, and
// percentiles within 0.1 % of what HdrHistogram gives after adding the log into a 3-digit histogram.
// `maxUs`, when it lies inside the highest counter's range, is recorded as that counter's largest value (logs carry
// the exact maximum beside the histogram).
void addToLatencyHistogram(const HdrHistogramData& data, double microsPerUnit, std::optional<std::int64_t> maxUs,
                           LatencyHistogram& histogram);

} // namespace loadscope::importers
