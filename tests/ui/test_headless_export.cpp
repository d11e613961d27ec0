// `loadscope export RUN --chart ...` run as the real executable: each chart kind in PNG equals the GUI's own
// rendering of the same chart pixel for pixel; PDF and SVG of the requested size; no display needed; errors name
// the option or the run and use the documented exit codes.
#include "chart_export.h"
#include "child_process.h"
#include "results_chart.h"
#include "results_loader.h"
#include "ui_fixture.h"

#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTest>

#include <chrono>
#include <map>
#include <string>

using namespace loadscope;
using namespace loadscope::test;

namespace {

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

// The real `loadscope` as a user starts it, through the runner's ChildProcess like every test's child. `environment`
// is set on top of the test's own (an empty value counts as unset for the display variables).
Result runLoadscope(const QStringList& arguments, const std::map<std::string, std::string>& environment = {}) {
    ChildProcessOptions options;
    options.argv = {LOADSCOPE_EXECUTABLE};
    for (const QString& argument : arguments)
        options.argv.push_back(argument.toStdString());
    options.env = environment;
    const CommandResult result = runCommand(options, std::chrono::seconds(60));
    return {result.status && result.status->exited ? result.status->code : -1, QString::fromStdString(result.out),
            QString::fromStdString(result.err)};
}

} // namespace

class TestHeadlessExport : public QObject {
    Q_OBJECT
private:
    TempFolder folder_;
    QString database_;
    std::int64_t runId_ = 0;

private slots:
    void initTestCase() {
        RunStore store = RunStore::open(folder_.file("runs.sqlite"));
        FixtureRunSpec spec;
        spec.name = "headless";
        spec.stopRule = true;
        runId_ = addFixtureRun(store, spec);
        database_ = QString::fromStdString(folder_.file("runs.sqlite").string());
    }

    void eachChartEqualsTheGuisRendering_data() {
        QTest::addColumn<QString>("kind");
        for (ChartKind kind : allChartKinds())
            QTest::newRow(qPrintable(chartKindName(kind))) << chartKindName(kind);
    }

    void eachChartEqualsTheGuisRendering() {
        QFETCH(QString, kind);
        const QString out = QString::fromStdString(folder_.file(kind.toStdString() + ".png").string());
        const Result result =
            runLoadscope({QStringLiteral("export"), QString::number(runId_), QStringLiteral("--chart"), kind,
                          QStringLiteral("--format"), QStringLiteral("png"), QStringLiteral("--out"), out,
                          QStringLiteral("--width"), QStringLiteral("800"), QStringLiteral("--height"),
                          QStringLiteral("500"), QStringLiteral("--db"), database_});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.out.contains(QStringLiteral("800 x 500 px PNG")), qPrintable(result.out));
        const QImage headless(out);
        QCOMPARE(headless.size(), QSize(800, 500));

        // The same chart drawn here, by the code the Results page uses.
        const LoadedResults loaded = loadResults(database_.toStdString(), {runId_});
        QVERIFY(loaded.data);
        std::unique_ptr<ResultsChart> chart(createChart(*chartKindFromName(kind)));
        chart->setFollowSystemTheme(false);
        chart->setTheme(ChartTheme::light());
        QStringList names;
        for (const auto& t : loaded.data->targets)
            names << QString::fromStdString(t);
        chart->setData(loaded.data, TargetColors(names), {});
        const QString mine = QString::fromStdString(folder_.file("gui-" + kind.toStdString() + ".png").string());
        ExportSettings settings;
        settings.width = 800;
        settings.height = 500;
        QCOMPARE(exportChart(*chart, mine, settings), QString());
        const QImage gui(mine);
        QCOMPARE(gui.size(), headless.size());
        int different = 0;
        for (int y = 0; y < gui.height(); ++y)
            for (int x = 0; x < gui.width(); ++x)
                different += gui.pixel(x, y) != headless.pixel(x, y);
        QVERIFY2(different == 0, qPrintable(QStringLiteral("%1 pixels differ").arg(different)));
    }

    void pdfAndSvgWithoutADisplay() {
        // No DISPLAY, no platform chosen: the command picks the offscreen platform itself.
        const std::map<std::string, std::string> environment{
            {"DISPLAY", ""}, {"WAYLAND_DISPLAY", ""}, {"QT_QPA_PLATFORM", ""}};
        const QString pdf = QString::fromStdString(folder_.file("c.pdf").string());
        Result result = runLoadscope({QStringLiteral("export"), QStringLiteral("latest"), QStringLiteral("--chart"),
                                      QStringLiteral("comparison"), QStringLiteral("--out"), pdf,
                                      QStringLiteral("--width"), QStringLiteral("640"), QStringLiteral("--height"),
                                      QStringLiteral("400"), QStringLiteral("--db"), database_},
                                     environment);
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY2(bytes.contains("/MediaBox"), bytes.left(300).constData());
        // The page is 640 x 400 points (the chart's size): Qt writes the box in points, maybe with decimals.
        QVERIFY2(QString::fromLatin1(bytes).contains(QRegularExpression(
                     QStringLiteral("/MediaBox\\s*\\[\\s*0\\s+0\\s+640(\\.0+)?\\s+400(\\.0+)?\\s*\\]"))),
                 "MediaBox is not 640 x 400");

        const QString svg = QString::fromStdString(folder_.file("s.svg").string());
        result = runLoadscope({QStringLiteral("export"), QString::number(runId_), QStringLiteral("--chart=spectrum"),
                               QStringLiteral("--format=svg"), QStringLiteral("--out"), svg, QStringLiteral("--rate"),
                               QStringLiteral("1000"), QStringLiteral("--log"), QStringLiteral("--db"), database_},
                              environment);
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        QCOMPARE(renderer.viewBox(), QRect(0, 0, 1200, 750)); // the default size
    }

    void errorsNameTheProblem_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString out = QString::fromStdString(folder_.file("x.png").string());
        const QString id = QString::number(runId_);
        QTest::newRow("unknown chart") << QStringList{id, QStringLiteral("--chart"), QStringLiteral("pie"),
                                                      QStringLiteral("--out"), out}
                                       << 2 << QStringLiteral("--chart: expected one of latency-vs-rps|spectrum");
        QTest::newRow("no format") << QStringList{id, QStringLiteral("--chart"), QStringLiteral("spectrum"),
                                                  QStringLiteral("--out"), QStringLiteral("chart.gif")}
                                   << 2 << QStringLiteral("does not end in .png, .pdf or .svg");
        QTest::newRow("no such run") << QStringList{QStringLiteral("4242"), QStringLiteral("--chart"),
                                                    QStringLiteral("spectrum"), QStringLiteral("--out"), out}
                                     << 2 << QStringLiteral("RUN: there is no run 4242");
        QTest::newRow("not a run id") << QStringList{QStringLiteral("abc"), QStringLiteral("--chart"),
                                                     QStringLiteral("timeline"), QStringLiteral("--out"), out}
                                      << 2 << QStringLiteral("RUN: expected a run id");
        QTest::newRow("rate not measured") << QStringList{id,
                                                          QStringLiteral("--chart"),
                                                          QStringLiteral("comparison"),
                                                          QStringLiteral("--rate"),
                                                          QStringLiteral("1234"),
                                                          QStringLiteral("--out"),
                                                          out}
                                           << 2 << QStringLiteral("rates measured: 500, 1000, 1500, 2000, 2500, 3000");
        QTest::newRow("bad percentile") << QStringList{id,
                                                       QStringLiteral("--chart"),
                                                       QStringLiteral("latency-vs-rps"),
                                                       QStringLiteral("--percentiles"),
                                                       QStringLiteral("p50,p95"),
                                                       QStringLiteral("--out"),
                                                       out}
                                        << 2 << QStringLiteral("\"p95\" is not one of");
        QTest::newRow("size") << QStringList{id,
                                             QStringLiteral("--chart"),
                                             QStringLiteral("resources"),
                                             QStringLiteral("--width"),
                                             QStringLiteral("3"),
                                             QStringLiteral("--out"),
                                             out}
                              << 2 << QStringLiteral("--width: expected 16 to 20000, got '3'");
        QTest::newRow("the CLI's run references")
            << QStringList{QStringLiteral("#") + id,   QStringLiteral("tag:none"), QStringLiteral("--chart"),
                           QStringLiteral("spectrum"), QStringLiteral("--out"),    out}
            << 2 << QStringLiteral("RUN: no run in");
        QTest::newRow("folder missing") << QStringList{id, QStringLiteral("--chart"), QStringLiteral("spectrum"),
                                                       QStringLiteral("--out"), QStringLiteral("/nonexistent/x.png")}
                                        << 2 << QStringLiteral("--out: cannot write /nonexistent/x.png");
    }

    void errorsNameTheProblem() {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Result result = runLoadscope(QStringList{QStringLiteral("export")} + arguments +
                                           QStringList{QStringLiteral("--db"), database_});
        QCOMPARE(result.exitCode, exitCode);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY(!QFile::exists(QString::fromStdString(folder_.file("x.png").string())));
    }

    void theCliRunReferencesWork() {
        // One parser for every RUN: '#42' and tag:NAME name runs for charts as they do for the data export.
        RunStore store = RunStore::open(folder_.file("runs.sqlite"));
        store.setTags(runId_, {"chart-me"});
        const QString out = QString::fromStdString(folder_.file("tagged.svg").string());
        const Result result =
            runLoadscope({QStringLiteral("export"), QStringLiteral("#%1").arg(runId_), QStringLiteral("tag:chart-me"),
                          QStringLiteral("--chart"), QStringLiteral("comparison"), QStringLiteral("--out"), out,
                          QStringLiteral("--db"), database_});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.out.contains(QStringLiteral("comparison chart of run %1, %1").arg(runId_)),
                 qPrintable(result.out));
        QVERIFY(QSvgRenderer(out).isValid());
    }

    void theHelpListsTheChartOptions() {
        const Result result = runLoadscope({QStringLiteral("export"), QStringLiteral("1"), QStringLiteral("--chart"),
                                            QStringLiteral("spectrum"), QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        for (const char* option : {"--chart KIND", "--width", "--percentiles", "--theme", "--format", "--db"})
            QVERIFY2(result.out.contains(QLatin1String(option)), qPrintable(result.out));
    }

    void theJsonExportStaysWithTheCli() {
        // Without --chart (and with a data format) the Qt-free CLI's export answers, as before.
        const QString json = QString::fromStdString(folder_.file("run.json").string());
        const Result result =
            runLoadscope({QStringLiteral("export"), QString::number(runId_), QStringLiteral("--format"),
                          QStringLiteral("json"), QStringLiteral("--out"), json, QStringLiteral("--db"), database_});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("\"steps\""));
    }
};

QTEST_MAIN(TestHeadlessExport)
#include "test_headless_export.moc"
