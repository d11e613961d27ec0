// loadscope-ui-results-shots DB OUTDIR RUN [RUN...]: opens DB in the main window, shows the runs on the Results page
// (several: compared) and saves each tab as OUTDIR/<prefix>-<tab>.png, plus the status bar with a hover and a
// tooltip as the charts show it. For looking at the Results page under Xvfb or offscreen (QT_QPA_PLATFORM=offscreen).
#include "chart_text.h"
#include "difference_panel.h"
#include "latency_rps_chart.h"
#include "main_window.h"
#include "results_page.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTimer>

#include <cstdio>

using namespace loadscope;

namespace {

bool save(QWidget& widget, const QString& path) {
    QApplication::processEvents();
    const bool ok = widget.grab().save(path);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(path));
    return ok;
}

// The tooltip of the p99 point nearest the middle of the latency chart, rendered as Qt shows it.
void saveTooltip(ResultsPage& page, const QString& path) {
    auto* chart = qobject_cast<LatencyRpsChart*>(page.chart(ChartKind::LatencyVsRps));
    if (!chart || chart->curves().empty())
        return;
    for (const LatencyCurve& curve : chart->curves())
        if (curve.percentile == Percentile::P99 && curve.points.size() > 1) {
            const LatencyPoint& point = curve.points[curve.points.size() / 2];
            QLabel tip(QStringLiteral("<p style='white-space:pre'>%1</p>")
                           .arg(describeGroup(*page.dataset(), *point.group, Percentile::P99)));
            tip.setTextFormat(Qt::RichText);
            tip.setMargin(6);
            tip.setStyleSheet(QStringLiteral("background:#ffffe1; border:1px solid #777;"));
            tip.adjustSize();
            save(tip, path);
            return;
        }
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Loadscope"));
    if (argc < 4) {
        std::fprintf(stderr, "usage: loadscope-ui-results-shots DB OUTDIR RUN [RUN...]\n");
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[2]);
    QDir().mkpath(out);
    QList<qint64> ids;
    for (int i = 3; i < argc; ++i)
        ids << QString::fromLocal8Bit(argv[i]).toLongLong();
    const QString prefix = ids.size() > 1 ? QStringLiteral("compare") : QStringLiteral("run%1").arg(ids.front());

    MainWindow window;
    window.resize(1440, 900);
    window.show();
    QSignalSpy opened(&window, &MainWindow::databaseOpened);
    window.openDatabase(argv[1]);
    if (!opened.wait(20000))
        return 1;
    ResultsPage* page = window.resultsPage();
    QSignalSpy loaded(page, &ResultsPage::loaded);
    page->showRuns(ids);
    window.setCurrentPlace(MainWindow::Place::Results);
    if (!loaded.wait(60000))
        return 1;
    bool ok = true;
    for (ChartKind kind : allChartKinds()) {
        page->setChartKind(kind);
        ok &= save(window, QStringLiteral("%1/%2-%3.png").arg(out, prefix, chartKindName(kind)));
    }
    page->showDifference();
    ok &= save(window, QStringLiteral("%1/%2-difference.png").arg(out, prefix));
    page->setChartKind(ChartKind::LatencyVsRps);
    saveTooltip(*page, QStringLiteral("%1/%2-tooltip.png").arg(out, prefix));
    std::printf("title: %s\nverdict: %s\n", qPrintable(window.windowTitle()),
                qPrintable(verdictLineText(*page->dataset())));
    return ok ? 0 : 1;
}
