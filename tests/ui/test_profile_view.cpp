// Results > Profile: the top-functions and differences models, the flame graph widget (layout, zoom, search,
// hover), the view against a real database with profiled steps (RunStore, background load), the Profile tab's hook
// in ResultsPage, and export of each format. Screenshots go to <build>/tests/ui/screenshots.
#include "flame_graph_widget.h"
#include "folded_profile.h"
#include "profile_models.h"
#include "profile_view.h"
#include "results_page.h"
#include "run_store.h"

#include <QFile>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sstream>

using namespace loadscope;

namespace {

FoldedProfile fixture(const char* name) {
    std::ifstream in(std::string(LOADSCOPE_SOURCE_DIR) + "/tests/profiles/data/" + name);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parseFolded(text.str());
    if (!parsed.ok())
        qFatal("fixture %s: %s", name, parsed.error.c_str());
    return parsed.profile;
}

std::string readAll(const QString& path) {
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return file.readAll().toStdString();
}

void screenshot(QWidget* widget, const QString& name) {
    const QString dir = qEnvironmentVariable("LOADSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty() && QDir().mkpath(dir))
        widget->grab().save(dir + QLatin1Char('/') + name);
}

} // namespace

class TestProfileView : public QObject {
    Q_OBJECT
private slots:
    void topFunctionsModelSortsByShare() {
        TopFunctionsModel model;
        model.setProfile(fixture("tornado_gen.folded"));
        QCOMPARE(model.columnCount(), 3);
        QVERIFY(model.rowCount() > 5);
        int runner = -1;
        for (int r = 0; r < model.rowCount(); ++r)
            if (model.index(r, 0).data().toString() == "tornado.gen:Runner.run")
                runner = r;
        QVERIFY(runner >= 0);
        QCOMPARE(model.index(runner, TopFunctionsModel::Total).data().toString(), QString("50.0 %"));
        QCOMPARE(model.index(runner, TopFunctionsModel::Self).data(kProfileSortRole).toDouble(), 0.0);
        QCOMPARE(model.headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(), QString("Self"));
        QVERIFY(model.index(runner, 0).data(Qt::DecorationRole).canConvert<QColor>());
        QSortFilterProxyModel sorted;
        sorted.setSourceModel(&model);
        sorted.setSortRole(kProfileSortRole);
        sorted.sort(TopFunctionsModel::Self, Qt::DescendingOrder);
        QCOMPARE(sorted.index(0, 0).data().toString(), QString("tornado.gen:Runner.handle_yield")); // 20 self
    }

    void differenceModelRanksChanges() {
        FunctionDifferenceModel model;
        model.setProfiles(fixture("tornado_async.folded"), fixture("tornado_gen.folded"));
        QCOMPARE(model.index(0, 0).data().toString(), QString("tornado.gen:Runner.run"));
        QCOMPARE(model.index(0, FunctionDifferenceModel::Change).data().toString(), QString("+50.0"));
        QCOMPARE(model.index(0, FunctionDifferenceModel::Base).data().toString(), QString("0.0 %"));
        QVERIFY(model.index(0, FunctionDifferenceModel::Change).data(Qt::BackgroundRole).value<QColor>().red() == 255);
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains("+50.0 points"));
    }

    void flameGraphZoomsSearchesAndHovers() {
        FlameGraphWidget graph;
        graph.resize(1000, 300);
        graph.setTree(FrameTree::build(fixture("tornado_gen.folded"), false), false);
        graph.show();
        QVERIFY(QTest::qWaitForWindowExposed(&graph));
        int runner = -1;
        for (int i = 0; i < graph.tree().size(); ++i)
            if (graph.tree().node(i).name == "tornado.gen:Runner.run")
                runner = i;
        const QRectF before = graph.frameRect(runner);
        QVERIFY(before.width() > 400 && before.width() < 520); // half the width
        QSignalSpy hovered(&graph, &FlameGraphWidget::hovered);
        QTest::mouseMove(&graph, before.center().toPoint());
        QVERIFY(!hovered.isEmpty());
        QCOMPARE(hovered.last().at(0).toString(), QString("tornado.gen:Runner.run — 30 samples, 50.0 %"));
        QTest::mouseClick(&graph, Qt::LeftButton, {}, before.center().toPoint());
        QCOMPARE(graph.zoomNode(), runner);
        QVERIFY(graph.frameRect(runner).width() > 950);
        QVERIFY(graph.frameRect(graph.nodeAt(QPoint(10, 4 + 18 * 6 + 5))).width() > 600); // handle_yield: 2/3
        // A caller above zooms back out.
        QTest::mouseClick(&graph, Qt::LeftButton, {}, QPoint(500, 4 + 5));
        QCOMPARE(graph.zoomNode(), 0);
        graph.setSearch("iostream");
        QCOMPARE(graph.searchShare(), 0.5);
        screenshot(&graph, "flame_graph.png");
    }

    void viewLoadsProfiledStepsFromTheStoreAndExports() {
        QTemporaryDir dir;
        const auto db = std::filesystem::path(dir.filePath("runs.sqlite").toStdString());
        std::int64_t runId = 0;
        {
            auto store = RunStore::open(db);
            Run run;
            run.name = "profiled";
            run.createdMs = 1'700'000'000'000;
            run.targets = {TargetSnapshot{0, "tornado-gen", "", {}, {}, "", {}, {}},
                           TargetSnapshot{0, "tornado-async", "", {}, {}, "", {}, {}}};
            store.createRun(run);
            runId = run.id;
            int sequence = 0;
            for (const auto& [target, file] :
                 {std::pair{"tornado-gen", "tornado_gen.folded"}, std::pair{"tornado-async", "tornado_async.folded"}}) {
                Step step;
                step.runId = run.id;
                step.targetName = target;
                step.scenario = "simple";
                step.requestedRps = 1000;
                step.sequence = ++sequence;
                step.profile = StepProfile{"python", 100, formatFolded(fixture(file))};
                store.insertStep(step);
            }
            Step plain;
            plain.runId = run.id;
            plain.targetName = "tornado-gen";
            plain.scenario = "simple";
            plain.requestedRps = 2000;
            plain.sequence = 3;
            store.insertStep(plain);
            store.finishRun(run.id, RunStatus::Completed, run.createdMs + 1000);
        }
        ResultsPage page;
        page.resize(1300, 800);
        page.setDatabase(db);
        page.showRuns({runId});
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), 10000);
        page.show();
        page.showProfileTab();
        ProfileView* view = page.profileView();
        QVERIFY(view->isVisible());
        QCOMPARE(view->profiledStepCount(), 2); // the unprofiled step is not listed
        QTRY_VERIFY_WITH_TIMEOUT(view->topModel()->rowCount() > 0, 10000);
        QVERIFY(view->summaryText().contains("idle 40.0 %"));
        // gen against async: the differential graph and its table.
        view->selectSteps(0, 1);
        QTRY_VERIFY_WITH_TIMEOUT(view->graph()->differential(), 10000);
        QCOMPARE(view->table()->model()->index(0, 0).data().toString(), QString("tornado.gen:Runner.run"));
        view->setSearch("Runner");
        QVERIFY(view->summaryText().contains("Frames matching 'Runner': 50.0 %"));
        screenshot(&page, "results_profile_diff.png");

        const QString svg = dir.filePath("diff.svg"), png = dir.filePath("diff.png"), folded = dir.filePath("p.folded");
        QCOMPARE(view->exportTo(svg, ProfileView::ExportFormat::Svg), QString());
        QVERIFY(readAll(svg).find("(base 0.0 %, +50.0 points)") != std::string::npos);
        QCOMPARE(view->exportTo(png, ProfileView::ExportFormat::Png), QString());
        QVERIFY(QImage(png).width() >= 1200);
        QCOMPARE(view->exportTo(folded, ProfileView::ExportFormat::Folded), QString());
        QCOMPARE(readAll(folded), formatFolded(fixture("tornado_gen.folded")));
        QVERIFY(!view->exportTo(dir.filePath("no/such/folder/x.svg"), ProfileView::ExportFormat::Svg).isEmpty());
    }
};

QTEST_MAIN(TestProfileView)
#include "test_profile_view.moc"
