// Export of a chart as it is shown: PNG of the requested size and scale, PDF (%PDF, page of the requested size), SVG
// (well-formed, the requested width, height and view box, drawable), CSV, the clipboard; bad sizes and paths refused
// with a message naming the file.
#include "chart_export.h"
#include "latency_rps_chart.h"
#include "ui_fixture.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QImage>
#include <QMimeData>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTest>
#include <QXmlStreamReader>

using namespace loadscope;
using namespace loadscope::test;

namespace {

std::unique_ptr<LatencyRpsChart> makeChart() {
    Run run = makeFixtureRun({});
    run.id = 3;
    auto data = std::make_shared<ResultsDataset>(buildDataset({run}, {SloLimits{75, 0.001}}));
    auto chart = std::make_unique<LatencyRpsChart>();
    chart->resize(900, 600);
    chart->setData(
        data,
        TargetColors({QStringLiteral("aiohttp"), QStringLiteral("aiohttp-uvloop"), QStringLiteral("tornado-async")}),
        {});
    return chart;
}

// The first page's /MediaBox [x0 y0 x1 y1] of a PDF, in points.
QSizeF pdfPageSize(const QByteArray& pdf) {
    const QRegularExpression box(
        QStringLiteral("/MediaBox\\s*\\[\\s*([-0-9.]+)\\s+([-0-9.]+)\\s+([-0-9.]+)\\s+([-0-9.]+)\\s*\\]"));
    const QRegularExpressionMatch match = box.match(QString::fromLatin1(pdf));
    if (!match.hasMatch())
        return {};
    return {match.captured(3).toDouble() - match.captured(1).toDouble(),
            match.captured(4).toDouble() - match.captured(2).toDouble()};
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// How many pixels of the image are not background: a blank export would have almost none.
int inkPixels(const QImage& image) {
    const QRgb background = image.pixel(0, 0);
    int ink = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            ink += image.pixel(x, y) != background;
    return ink;
}

} // namespace

class TestChartExport : public QObject {
    Q_OBJECT
private slots:
    void pngOfTheRequestedSizeAndScale() {
        TempFolder folder;
        auto chart = makeChart();
        const QString path = QString::fromStdString(folder.file("chart.png").string());
        ExportSettings settings;
        settings.width = 800;
        settings.height = 500;
        QCOMPARE(exportChart(*chart, path, settings), QString());
        QImage image(path);
        QCOMPARE(image.size(), QSize(800, 500));
        QVERIFY(inkPixels(image) > 2000);
        QCOMPARE(readAll(path).left(8), QByteArray("\x89PNG\r\n\x1a\n"));
        settings.scale = 2;
        QCOMPARE(exportChart(*chart, path, settings), QString());
        QCOMPARE(QImage(path).size(), QSize(1600, 1000));
        // The chart on screen keeps its own size.
        QCOMPARE(chart->size(), QSize(900, 600));
    }

    void pdfOfTheRequestedSize() {
        TempFolder folder;
        auto chart = makeChart();
        const QString path = QString::fromStdString(folder.file("chart.pdf").string());
        ExportSettings settings;
        settings.format = ExportFormat::Pdf;
        settings.width = 720;
        settings.height = 450;
        QCOMPARE(exportChart(*chart, path, settings), QString());
        const QByteArray pdf = readAll(path);
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY(pdf.trimmed().endsWith("%%EOF"));
        const QSizeF page = pdfPageSize(pdf);
        QVERIFY2(std::abs(page.width() - 720) < 1 && std::abs(page.height() - 450) < 1,
                 qPrintable(QStringLiteral("page %1 x %2 pt").arg(page.width()).arg(page.height())));
        QVERIFY(pdf.size() > 5000);
    }

    void svgOfTheRequestedSize() {
        TempFolder folder;
        auto chart = makeChart();
        const QString path = QString::fromStdString(folder.file("chart.svg").string());
        ExportSettings settings;
        settings.format = ExportFormat::Svg;
        settings.width = 1000;
        settings.height = 640;
        QCOMPARE(exportChart(*chart, path, settings), QString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&file);
        QString width, height, viewBox;
        int paths = 0, texts = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            if (xml.name() == QLatin1String("svg")) {
                width = xml.attributes().value(QLatin1String("width")).toString();
                height = xml.attributes().value(QLatin1String("height")).toString();
                viewBox = xml.attributes().value(QLatin1String("viewBox")).toString();
            }
            paths += xml.name() == QLatin1String("path") || xml.name() == QLatin1String("polyline");
            texts += xml.name() == QLatin1String("text");
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        // QSvgGenerator writes the size in millimetres at its resolution (96 dpi): 1000 px = 264.58 mm.
        QCOMPARE(viewBox, QStringLiteral("0 0 1000 640"));
        QVERIFY2(width.endsWith(QLatin1String("mm")) && std::abs(width.chopped(2).toDouble() - 1000 * 25.4 / 96) < 0.1,
                 qPrintable(width));
        QVERIFY(std::abs(height.chopped(2).toDouble() - 640 * 25.4 / 96) < 0.1);
        QVERIFY(paths > 20);
        QVERIFY(texts > 10);
        QSvgRenderer renderer(path);
        QVERIFY(renderer.isValid());
        QCOMPARE(renderer.viewBox(), QRect(0, 0, 1000, 640));
        QImage drawn(1000, 640, QImage::Format_ARGB32);
        drawn.fill(Qt::white);
        QPainter painter(&drawn);
        renderer.render(&painter);
        painter.end();
        QVERIFY(inkPixels(drawn) > 2000);
    }

    void exportKeepsTheZoomAndHiddenSeries() {
        TempFolder folder;
        auto chart = makeChart();
        chart->xAxis->setRange(900, 2100);
        QCPAbstractPlottable* first = chart->legendSeries().front();
        chart->setSeriesVisible(first, false);
        ExportSettings settings;
        settings.width = 600;
        settings.height = 400;
        const QString path = QString::fromStdString(folder.file("zoomed.png").string());
        QCOMPARE(exportChart(*chart, path, settings), QString());
        QCOMPARE(chart->xAxis->range(), QCPRange(900, 2100));
        QVERIFY(!chart->isSeriesVisible(first));
    }

    void darkChartsExportOnWhite() {
        TempFolder folder;
        auto chart = makeChart();
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(20, 20, 20));
        dark.setColor(QPalette::Text, Qt::white);
        chart->setTheme(ChartTheme::fromPalette(dark));
        const QString path = QString::fromStdString(folder.file("light.png").string());
        ExportSettings settings;
        QCOMPARE(exportChart(*chart, path, settings), QString());
        QCOMPARE(QImage(path).pixelColor(3, 3), QColor(Qt::white));
        QVERIFY(chart->theme().dark); // back to what the screen shows
        settings.lightTheme = false;
        QCOMPARE(exportChart(*chart, path, settings), QString());
        QVERIFY(qGray(QImage(path).pixel(3, 3)) < 40);
    }

    void badRequestsAreRefusedWithTheFileName() {
        TempFolder folder;
        auto chart = makeChart();
        ExportSettings settings;
        settings.width = 5;
        QVERIFY(exportChart(*chart, QStringLiteral("/tmp/x.png"), settings).contains(QStringLiteral("out of range")));
        settings.width = 800;
        const QString missing = QString::fromStdString((folder.path() / "no/such/folder/c.svg").string());
        settings.format = ExportFormat::Svg;
        const QString error = exportChart(*chart, missing, settings);
        QVERIFY2(error.startsWith(missing), qPrintable(error));
        QCOMPARE(exportFormatFromPath(QStringLiteral("a/b.PDF")), std::optional<ExportFormat>(ExportFormat::Pdf));
        QCOMPARE(exportFormatFromName(QStringLiteral("jpeg")), std::optional<ExportFormat>());
    }

    void csvAndClipboard() {
        TempFolder folder;
        auto chart = makeChart();
        const QString path = QString::fromStdString(folder.file("data.csv").string());
        QCOMPARE(writeTextFile(path, chart->csv().toUtf8()), QString());
        QCOMPARE(readAll(path), chart->csv().toUtf8());
        copyChartToClipboard(*chart, QSize(640, 400));
        const QMimeData* mime = QApplication::clipboard()->mimeData();
        QVERIFY(mime && mime->hasImage());
        QCOMPARE(qvariant_cast<QImage>(mime->imageData()).size(), QSize(640, 400));
        QVERIFY(mime->data(QStringLiteral("image/png")).startsWith("\x89PNG"));
    }
};

QTEST_MAIN(TestChartExport)
#include "test_chart_export.moc"
