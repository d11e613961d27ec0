#include "chart_export.h"

#include "results_chart.h"

#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QFileInfo>
#include <QMimeData>
#include <QPointer>
#include <QSaveFile>
#include <QSvgGenerator>

namespace loadscope {

namespace {

// Switches a chart to the export theme for the lifetime of the guard.
class ThemeGuard {
public:
    ThemeGuard(ResultsChart& chart, bool light)
        : chart_(chart)
        , saved_(chart.theme()) {
        if (light && saved_.dark) {
            chart_.setTheme(ChartTheme::light());
            switched_ = true;
        }
    }
    ~ThemeGuard() {
        if (switched_)
            chart_.setTheme(saved_);
    }
    ThemeGuard(const ThemeGuard&) = delete;
    ThemeGuard& operator=(const ThemeGuard&) = delete;

private:
    ResultsChart& chart_;
    ChartTheme saved_;
    bool switched_ = false;
};

// Hints that only make sense on screen ("zoom out, or Log scale") are left out of a picture for the lifetime of the
// guard: a text item with an "exportText" property shows that text instead.
class ScreenHintGuard {
public:
    explicit ScreenHintGuard(ResultsChart& chart) {
        for (int i = 0; i < chart.itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(chart.item(i));
                text && text->property("exportText").isValid()) {
                saved_.append({text, text->text()});
                text->setText(text->property("exportText").toString());
            }
    }
    ~ScreenHintGuard() {
        for (const auto& [text, screen] : saved_)
            if (text)
                text->setText(screen);
    }
    ScreenHintGuard(const ScreenHintGuard&) = delete;
    ScreenHintGuard& operator=(const ScreenHintGuard&) = delete;

private:
    QList<QPair<QPointer<QCPItemText>, QString>> saved_;
};

QString writeSvg(ResultsChart& chart, const QString& path, int width, int height) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QObject::tr("%1: cannot write: %2").arg(path, file.errorString());
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(QSize(width, height));
    generator.setViewBox(QRect(0, 0, width, height));
    generator.setResolution(96);
    generator.setTitle(chart.title());
    generator.setDescription(QStringLiteral("Loadscope chart"));
    QCPPainter painter;
    if (!painter.begin(&generator))
        return QObject::tr("%1: cannot start the SVG painter").arg(path);
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    chart.toPainter(&painter, width, height);
    painter.end();
    if (!file.commit())
        return QObject::tr("%1: cannot write: %2").arg(path, file.errorString());
    return {};
}

} // namespace

std::optional<ExportFormat> exportFormatFromName(const QString& name) {
    QString n = name.trimmed().toLower();
    if (n.startsWith(QLatin1Char('.')))
        n.remove(0, 1);
    if (n == QLatin1String("png"))
        return ExportFormat::Png;
    if (n == QLatin1String("pdf"))
        return ExportFormat::Pdf;
    if (n == QLatin1String("svg"))
        return ExportFormat::Svg;
    return std::nullopt;
}

std::optional<ExportFormat> exportFormatFromPath(const QString& path) {
    return exportFormatFromName(QFileInfo(path).suffix());
}

QString exportFormatName(ExportFormat format) {
    switch (format) {
    case ExportFormat::Png:
        return QStringLiteral("png");
    case ExportFormat::Pdf:
        return QStringLiteral("pdf");
    case ExportFormat::Svg:
        return QStringLiteral("svg");
    }
    return {};
}

QString exportChart(ResultsChart& chart, const QString& path, const ExportSettings& settings) {
    if (settings.width < 16 || settings.height < 16 || settings.width > 20000 || settings.height > 20000)
        return QObject::tr("%1: size %2 x %3 is out of range (16 to 20000)")
            .arg(path)
            .arg(settings.width)
            .arg(settings.height);
    if (settings.scale <= 0 || settings.scale > 8)
        return QObject::tr("%1: scale %2 is out of range (above 0, at most 8)").arg(path).arg(settings.scale);
    ThemeGuard guard(chart, settings.lightTheme);
    ScreenHintGuard hints(chart); // after the theme: a theme change rebuilds the items
    bool ok = false;
    switch (settings.format) {
    case ExportFormat::Png:
        ok = chart.savePng(path, settings.width, settings.height, settings.scale);
        break;
    case ExportFormat::Pdf:
        ok = chart.savePdf(path, settings.width, settings.height, QCP::epNoCosmetic, QStringLiteral("Loadscope"),
                           chart.title());
        break;
    case ExportFormat::Svg:
        return writeSvg(chart, path, settings.width, settings.height);
    }
    if (!ok)
        return QObject::tr("%1: could not write the %2 file (is the folder writable?)")
            .arg(path, exportFormatName(settings.format).toUpper());
    return {};
}

void copyChartToClipboard(ResultsChart& chart, QSize size, double scale) {
    ScreenHintGuard hints(chart);
    const QPixmap pixmap = chart.toPixmap(size.width(), size.height(), scale);
    auto* mime = new QMimeData;
    mime->setImageData(pixmap.toImage());
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    pixmap.save(&buffer, "PNG");
    mime->setData(QStringLiteral("image/png"), png);
    QApplication::clipboard()->setMimeData(mime);
}

QString writeTextFile(const QString& path, const QByteArray& content) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QObject::tr("%1: cannot write: %2").arg(path, file.errorString());
    file.write(content);
    if (!file.commit())
        return QObject::tr("%1: cannot write: %2").arg(path, file.errorString());
    return {};
}

} // namespace loadscope
