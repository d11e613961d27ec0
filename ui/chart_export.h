#pragma once
// Writing a chart out: PNG (size and scale chosen), PDF (QCustomPlot::savePdf), SVG (QSvgGenerator), the clipboard;
// and the text exports (the chart's data as CSV, a run as JSON). The GUI and the headless
// `loadscope export --chart` use the same functions, so a file looks the same whichever wrote it.

#include <QSize>
#include <QString>

#include <optional>

namespace loadscope {

class ResultsChart;

enum class ExportFormat { Png, Pdf, Svg };
std::optional<ExportFormat> exportFormatFromName(const QString& name); // "png", "PDF", ".svg"
std::optional<ExportFormat> exportFormatFromPath(const QString& path); // by the file's suffix
QString exportFormatName(ExportFormat format);

struct ExportSettings {
    ExportFormat format = ExportFormat::Png;
    int width = 1200; // in pixels (PNG: before scaling) or points (PDF, SVG)
    int height = 750;
    double scale = 1.0;     // PNG only: 2.0 writes 2400 x 1500 pixels of the same layout (sharp on HiDPI, print)
    bool lightTheme = true; // documents are usually white whatever the desktop's theme
};

// Writes `chart` as it is now (zoom and hidden series kept) to `path`. Returns an empty string on success, else a
// message naming the file and the problem.
QString exportChart(ResultsChart& chart, const QString& path, const ExportSettings& settings);
// Copies a picture of the chart to the clipboard (also as PNG data for apps that want a file format).
void copyChartToClipboard(ResultsChart& chart, QSize size, double scale = 1.0);
// Writes text (CSV, JSON) atomically: a half-written file never replaces a good one. Empty string on success.
QString writeTextFile(const QString& path, const QByteArray& content);

} // namespace loadscope
