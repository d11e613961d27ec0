// The Launcher: the targets checklist model (QAbstractItemModelTester, preflight off the GUI thread, failing targets
// not checkable) and the plan form's validation (bad input marked at its field, Run disabled until valid), and the
// other hosts' fields with their connection check (loopback only: addresses where nothing accepts SSH).

#include "gui_test_support.h"
#include "host_fields.h"
#include "launcher_page.h"
#include "launcher_target_model.h"
#include "plan_form.h"
#include "profile_fields.h"
#include "rates_fields.h"
#include "search_fields.h"
#include "slo_text.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QThreadPool>

using namespace loadscope;

class TestLauncher : public QObject {
    Q_OBJECT
private:
    gui_test::TargetFixture fixture_;
    TargetCatalog catalog_;

    // A Launcher on the fixture catalog with preflight done and the refserver target checked.
    std::unique_ptr<LauncherPage> readyPage() {
        auto page = std::make_unique<LauncherPage>(nullptr, catalog_);
        if (!QTest::qWaitFor([&] { return !page->targetModel()->isChecking(); }, 30000))
            return nullptr;
        page->targetModel()->setCheckedTargets({QStringLiteral("refserver")});
        page->form()->setPlan(gui_test::tinyPlan({}));
        return page;
    }

private slots:
    void initTestCase() {
        QVERIFY2(fixture_.setUp(), qPrintable(fixture_.error()));
        catalog_ = fixture_.catalog();
        QVERIFY2(catalog_.find("refserver"), "the built-in refserver target is missing from resources/targets");
        std::string errors;
        for (const auto& error : catalog_.errors())
            errors += error.toString() + "\n";
        QVERIFY2(catalog_.find(gui_test::kBrokenTarget), errors.c_str());
        QVERIFY2(catalog_.find(gui_test::kFastRefserver), errors.c_str());
    }

    void targetModelPassesModelTester() {
        LauncherTargetModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy done(&model, &LauncherTargetModel::preflightFinished);
        model.setCatalog(catalog_);
        QCOMPARE(model.rowCount(), static_cast<int>(catalog_.targets().size()));
        QCOMPARE(model.columnCount(), int(LauncherTargetModel::ColumnCount));
        // Preflight runs on the pool: the model answers "checking" first, then fills in.
        QTRY_VERIFY_WITH_TIMEOUT(done.count() >= 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!model.isChecking(), 15000);
        QCOMPARE(model.availability(QStringLiteral("refserver")), LauncherTargetModel::Availability::Ready);
        // Check and uncheck through the model API while the tester watches.
        const int row = model.rowOf(QStringLiteral("refserver"));
        QVERIFY(model.setData(model.index(row, 0), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(model.checkedTargets(), QStringList{QStringLiteral("refserver")});
        QVERIFY(model.setData(model.index(row, 0), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(model.checkedTargets().isEmpty());
        // A new catalog resets the rows; answers about the old one are dropped.
        model.setCatalog(catalog_);
        QTRY_VERIFY_WITH_TIMEOUT(!model.isChecking(), 15000);
    }

    void failingTargetSaysWhyAndCannotBeChecked() {
        LauncherTargetModel model;
        model.setCatalog(catalog_);
        QTRY_VERIFY_WITH_TIMEOUT(!model.isChecking(), 15000);
        const QString broken = QString::fromLatin1(gui_test::kBrokenTarget);
        QCOMPARE(model.availability(broken), LauncherTargetModel::Availability::Unavailable);
        const int row = model.rowOf(broken);
        const QString status = model.index(row, LauncherTargetModel::StatusColumn).data().toString();
        QVERIFY2(status.contains(QLatin1String(gui_test::kBrokenPackage)), qPrintable(status));
        QVERIFY(!(model.flags(model.index(row, 0)) & Qt::ItemIsUserCheckable));
        QVERIFY(!model.setData(model.index(row, 0), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(model.checkedTargets().isEmpty());
        const QStringList leftOut = model.setCheckedTargets({broken, QStringLiteral("refserver")});
        QCOMPARE(leftOut, QStringList{broken});
        QCOMPARE(model.checkedTargets(), QStringList{QStringLiteral("refserver")});
        // The version probe answered for the working target.
        const QString versions =
            model.index(model.rowOf(QStringLiteral("refserver")), LauncherTargetModel::VersionsColumn)
                .data()
                .toString();
        QVERIFY2(!versions.contains(QLatin1String("probing")), qPrintable(versions));
    }

    void validPlanEnablesRun() {
        auto page = readyPage();
        QVERIFY(page);
        QVERIFY2(page->canRun(), qPrintable(page->generalMessage() + page->targetsMessage()));
        QVERIFY(page->estimateText().contains(QLatin1String("2 steps")));
        QVERIFY(page->form()->messageAt(PlanForm::Field::Rates).isEmpty());
    }

    void badRatesTextIsMarkedAtTheField() {
        auto page = readyPage();
        QVERIFY(page);
        QLineEdit* rates = page->form()->ratesListEdit();
        page->form()->ratesModeCombo()->setCurrentIndex(0);
        rates->clear();
        QTest::keyClicks(rates, QStringLiteral("500,abc"));
        QCOMPARE(rates->text(), QStringLiteral("500,abc"));
        QVERIFY2(!page->canRun(), qPrintable(QString::number(page->currentPlan().rates.size())));
        QVERIFY(!page->runButton()->isEnabled());
        const QString message = page->form()->messageAt(PlanForm::Field::Rates);
        QVERIFY2(message.contains(QLatin1String("abc")), qPrintable(message));
        QVERIFY(page->form()->fieldWidget(PlanForm::Field::Rates)->property("planProblem").toBool());

        // A zero rate, and a range whose stop is below its start: each says what is wrong.
        rates->setText(QStringLiteral("0,500"));
        QVERIFY(!page->canRun());
        QVERIFY2(page->form()->messageAt(PlanForm::Field::Rates).contains(QLatin1String("above 0")),
                 qPrintable(page->form()->messageAt(PlanForm::Field::Rates)));
        rates->setText(QStringLiteral("3000:500:500"));
        QVERIFY(!page->canRun());
        QVERIFY2(page->form()->messageAt(PlanForm::Field::Rates).contains(QLatin1String("stop")),
                 qPrintable(page->form()->messageAt(PlanForm::Field::Rates)));

        // Fixed: the message and the frame go, Run comes back.
        rates->setText(QStringLiteral("100:300:100"));
        QVERIFY(page->form()->messageAt(PlanForm::Field::Rates).isEmpty());
        QVERIFY(!page->form()->fieldWidget(PlanForm::Field::Rates)->property("planProblem").toBool());
        QVERIFY(page->canRun());
        QCOMPARE(page->currentPlan().rates, (std::vector<double>{100, 200, 300}));

        rates->clear();
        QVERIFY(!page->canRun());
        QVERIFY(!page->form()->messageAt(PlanForm::Field::Rates).isEmpty());
    }

    void zeroDurationIsMarkedAtTheField() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->durationSpin()->setValue(0);
        QVERIFY(!page->runButton()->isEnabled());
        const QString message = page->form()->messageAt(PlanForm::Field::Duration);
        QVERIFY2(message.contains(QLatin1String("above 0")), qPrintable(message));
        QVERIFY(page->form()->messageAt(PlanForm::Field::Rates).isEmpty()); // only the bad field is marked
        page->form()->durationSpin()->setValue(2);
        QVERIFY(page->form()->messageAt(PlanForm::Field::Duration).isEmpty());
        QVERIFY(page->runButton()->isEnabled());
    }

    void noTargetCheckedDisablesRun() {
        auto page = readyPage();
        QVERIFY(page);
        page->targetModel()->setCheckedTargets({});
        QVERIFY(!page->runButton()->isEnabled());
        QVERIFY2(page->targetsMessage().contains(QLatin1String("check at least one target")),
                 qPrintable(page->targetsMessage()));
        // Clicking the check box in the view brings Run back.
        QTableView* view = page->targetView();
        page->resize(1000, 800);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page.get()));
        const QModelIndex index =
            page->targetModel()->index(page->targetModel()->rowOf(QStringLiteral("refserver")), 0);
        view->scrollTo(index);
        QVERIFY(view->model()->setData(index, Qt::Checked, Qt::CheckStateRole));
        QVERIFY(page->targetsMessage().isEmpty());
        QVERIFY(page->runButton()->isEnabled());
    }

    void badSloIsMarkedAtTheField() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->sloEdit()->setText(QStringLiteral("p99<fast"));
        QVERIFY(!page->runButton()->isEnabled());
        QVERIFY(!page->form()->messageAt(PlanForm::Field::Slo).isEmpty());
        page->form()->sloEdit()->setText(QStringLiteral("p99<75ms,errors<1%"));
        QVERIFY(page->form()->messageAt(PlanForm::Field::Slo).isEmpty());
        QCOMPARE(page->currentPlan().slo.p99MaxMs.value_or(0), 75.0);
        QCOMPARE(page->currentPlan().slo.maxErrorRate, 0.01);
    }

    void runEmitsTheShownPlan() {
        auto page = readyPage();
        QVERIFY(page);
        QSignalSpy requested(page.get(), &LauncherPage::runRequested);
        QTest::mouseClick(page->runButton(), Qt::LeftButton);
        QCOMPARE(requested.count(), 1);
        const auto plan = requested.at(0).at(0).value<BenchmarkPlan>();
        QCOMPARE(plan.targets, std::vector<std::string>{"refserver"});
        QCOMPARE(plan.rates, (std::vector<double>{100, 200}));
        // While a run goes, Run is disabled.
        page->setRunInProgress(true);
        QVERIFY(!page->runButton()->isEnabled());
        page->setRunInProgress(false);
        QVERIFY(page->runButton()->isEnabled());
    }

    void loadPlanFillsEveryField() {
        auto page = readyPage();
        QVERIFY(page);
        BenchmarkPlan plan = gui_test::tinyPlan({"refserver"});
        plan.name = "re-run of #7";
        plan.rates = {300, 700, 1000};
        plan.stepDurationS = 3;
        plan.warmupS = 0.5;
        plan.repetitions = 2;
        plan.connections = 64;
        plan.order = StepOrder::Sequential;
        plan.stopRule = false;
        plan.slo.p99MaxMs = 80;
        plan.slo.maxErrorRate = 0.02;
        plan.pinning.enabled = false;
        plan.arrivals = "poisson";
        QVERIFY(page->loadPlan(QString::fromStdString(planToJson(plan))));
        QCOMPARE(QString::fromStdString(planToJson(page->currentPlan())), QString::fromStdString(planToJson(plan)));
        QVERIFY(page->canRun());

        // Targets that do not exist here are named; the rest load.
        plan.targets = {"refserver", "no-such-server"};
        QVERIFY(page->loadPlan(QString::fromStdString(planToJson(plan))));
        QCOMPARE(page->targetModel()->checkedTargets(), QStringList{QStringLiteral("refserver")});

        // Not a plan: refused with the reason, the fields keep their values.
        QVERIFY(!page->loadPlan(QStringLiteral("{\"rates\": \"fast\"}")));
        QCOMPARE(page->currentPlan().rates, (std::vector<double>{300, 700, 1000}));
    }

    void presetsFillThePage() {
        auto page = readyPage();
        QVERIFY(page);
        QVERIFY(page->applyPreset(QStringLiteral("quick")));
        const BenchmarkPlan quick = *presetPlan("quick");
        QCOMPARE(page->currentPlan().rates, quick.rates);
        QCOMPARE(page->currentPlan().stepDurationS, quick.stepDurationS);
        // quick is a knee search with 3 repetitions (enough for an interval): the page keeps both, and the budget.
        QVERIFY(page->currentPlan().mode == PlanMode::Search);
        QCOMPARE(page->currentPlan().repetitions, 3);
        QCOMPARE(page->currentPlan().search.maxTimeS.value_or(-1), quick.search.maxTimeS.value_or(-1));
        QCOMPARE(page->currentPlan().search.probeDurationS.value_or(-1), quick.search.probeDurationS.value_or(-1));
        QVERIFY2(page->form()->messageAt(PlanForm::Field::Rates).isEmpty(),
                 qPrintable(page->form()->messageAt(PlanForm::Field::Rates)));
        QVERIFY(page->applyPreset(QStringLiteral("seed-simple"), true));
        QCOMPARE(page->currentPlan().stepDurationS, presetPlan("seed-simple", true)->stepDurationS);
        QVERIFY(!page->applyPreset(QStringLiteral("no-such-preset")));
    }

    void oneClearMessageForAnUnreadableRate() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->ratesModeCombo()->setCurrentIndex(0);
        page->form()->ratesListEdit()->setText(QStringLiteral("500,1000x"));
        // One message naming the bad item; not a second, contradicting "no rates: give at least one".
        const QString message = page->form()->messageAt(PlanForm::Field::Rates);
        QVERIFY2(message.startsWith(QLatin1String("'1000x' is not a rate")), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1Char('\n')) && !message.contains(QLatin1String("no rates")),
                 qPrintable(message));
        QVERIFY(page->generalMessage().isEmpty());
        // The estimate asks for what is missing, not for the step duration that is set.
        QVERIFY2(!page->estimateText().contains(QLatin1String("step duration")), qPrintable(page->estimateText()));
        QVERIFY2(page->estimateText().contains(QLatin1String("valid rates")), qPrintable(page->estimateText()));
    }

    void searchModeNeedsNoRatesAndKeepsItsSettings() {
        auto page = readyPage();
        QVERIFY(page);
        PlanForm* form = page->form();
        form->modeCombo()->setCurrentIndex(form->modeCombo()->findData(static_cast<int>(PlanMode::Search)));
        form->ratesListEdit()->clear();
        form->ratesModeCombo()->setCurrentIndex(0);
        form->searchFields()->startAutoBox()->setChecked(false);
        form->searchFields()->startSpin()->setValue(300);
        form->searchFields()->resolutionSpin()->setValue(10);
        form->searchFields()->budgetSpin()->setValue(2);
        QVERIFY2(page->canRun(), qPrintable(form->messageAt(PlanForm::Field::Rates) + page->generalMessage()));
        const BenchmarkPlan plan = page->currentPlan();
        QVERIFY(plan.mode == PlanMode::Search);
        QCOMPARE(plan.search.startRps.value_or(0), 300.0);
        QCOMPARE(plan.search.resolution, 0.1);
        QCOMPARE(plan.search.maxTimeS.value_or(0), 120.0);
        // No step total for a search: its probe count is not known in advance.
        QVERIFY2(page->estimateText().contains(QLatin1String("knee search")) &&
                     !page->estimateText().contains(QLatin1String("steps")),
                 qPrintable(page->estimateText()));
        // A budget longer than the search's typical time does not cap the estimate; a shorter one does.
        form->searchFields()->budgetSpin()->setValue(600);
        QVERIFY2(page->estimateText().contains(QLatin1String("typically about")) &&
                     page->estimateText().contains(QLatin1String("within the budget of")),
                 qPrintable(page->estimateText()));
        form->searchFields()->budgetSpin()->setValue(0.1); // 6 s: less than any search of this plan
        QVERIFY2(page->estimateText().contains(QLatin1String("at most about")) &&
                     page->estimateText().contains(QLatin1String("(the time budget)")),
                 qPrintable(page->estimateText()));
        // No budget: the search runs to its resolution.
        form->searchFields()->budgetSpin()->setValue(0);
        QVERIFY(!page->currentPlan().search.maxTimeS.has_value());
        QVERIFY(page->canRun());
        // Back to a sweep: the rates are needed again.
        form->modeCombo()->setCurrentIndex(form->modeCombo()->findData(static_cast<int>(PlanMode::Sweep)));
        QVERIFY(!page->canRun());
        QVERIFY(!form->messageAt(PlanForm::Field::Rates).isEmpty());
    }

    void sloFactorIsShownInMilliseconds() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->sloEdit()->setText(QStringLiteral("p99<=1.5x,errors<0.1%"));
        // The refserver's simple scenario: an ideal latency of 50 ms, so 1.5 x is 75 ms.
        const Scenario* scenario = catalog_.find("refserver")->scenario("simple");
        QVERIFY(scenario);
        const QString expected = QStringLiteral("p99 ≤ 1.5 x ideal (%1 ms), errors < 0.1 %")
                                     .arg(QString::number(1.5 * scenario->idealLatencyMs, 'g', 12));
        QCOMPARE(page->form()->sloPreview(), expected);
        page->form()->sloEdit()->setText(QStringLiteral("p99<75ms"));
        QCOMPARE(page->form()->sloPreview(), QStringLiteral("p99 ≤ 75 ms, errors < 0.1 %"));
    }

    // The SLO field's texts alone: the field's text reads back to the same objective, and the preview names the
    // limit per target only when the targets' ideal latencies differ.
    void sloTextsAlone() {
        for (const char* typed : {"p99<75ms,errors<0.1%", "p99<=1.5x,errors<2%", "p99<=2x"}) {
            const ServiceLevelObjective slo = parseSlo(typed);
            const ServiceLevelObjective again = parseSlo(sloFieldText(slo).toStdString());
            QCOMPARE(again.p99MaxMs, slo.p99MaxMs);
            QCOMPARE(again.p99FactorOfIdeal, slo.p99FactorOfIdeal);
            QCOMPARE(again.maxErrorRate, slo.maxErrorRate);
        }
        QCOMPARE(sloPreviewText(QStringLiteral("p99<=1.5x"), {50, 50}),
                 QStringLiteral("p99 ≤ 1.5 x ideal (75 ms), errors < 0.1 %"));
        QCOMPARE(sloPreviewText(QStringLiteral("p99<=2x"), {50, 125}),
                 QStringLiteral("p99 ≤ 2 x ideal (100 / 250 ms, by target), errors < 0.1 %"));
        QCOMPARE(sloPreviewText(QStringLiteral(" p99<75ms "), {}), QStringLiteral("p99 ≤ 75 ms, errors < 0.1 %"));
        QVERIFY(sloPreviewText(QStringLiteral("p99<fast"), {50}).isEmpty());
    }

    // The rates fields alone: equally spaced rates become a range, others a list; the preview elides long lists.
    void ratesFieldsAlone() {
        RatesFields rates;
        rates.setRates({500, 1000, 1500, 2000});
        QCOMPARE(rates.modeCombo()->currentIndex(), 1);
        QCOMPARE(rates.text(), std::string("500:2000:500"));
        QCOMPARE(rates.previewText(), QStringLiteral("4 rates: 500, 1000, 1500, 2000"));
        rates.setRates({500, 700});
        QCOMPARE(rates.modeCombo()->currentIndex(), 0);
        QCOMPARE(rates.text(), std::string("500,700"));
        QSignalSpy changed(&rates, &RatesFields::changed);
        rates.listEdit()->setText(QStringLiteral("100:1000:100"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(rates.previewText(), QStringLiteral("10 rates: 100, 200, 300, 400, …, 800, 900, 1000"));
        rates.listEdit()->setText(QStringLiteral("500,abc"));
        QVERIFY(rates.previewText().isEmpty());
        QVERIFY(!ratesAreArithmetic({500, 1000, 1600}));
        QVERIFY(ratesAreArithmetic({0.5, 1, 1.5}));
    }

    void targetListIsAsTallAsItsRows() {
        auto page = readyPage();
        QVERIFY(page);
        page->resize(1280, 1000);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page.get()));
        auto* view = page->findChild<QTableView*>();
        QVERIFY(view);
        const int rows = view->model()->rowCount();
        const int rowsHeight = rows * view->verticalHeader()->defaultSectionSize();
        // No more than a row's worth of empty list below the last target, however tall the window.
        QVERIFY2(view->viewport()->height() - rowsHeight < view->verticalHeader()->defaultSectionSize(),
                 qPrintable(QStringLiteral("%1 vs %2").arg(view->viewport()->height()).arg(rowsHeight)));
    }

    void hostFieldsParseIntoThePlan() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->serverHostEdit()->setText(QStringLiteral(" bench@10.0.0.5:2222 "));
        page->form()->generatorHostsEdit()->setText(QStringLiteral("bench@h1, local ,bench@[::1]:2200,"));
        QVERIFY2(page->canRun(), qPrintable(page->generalMessage() + page->targetsMessage()));
        const BenchmarkPlan plan = page->currentPlan();
        QCOMPARE(plan.serverHost, std::string("bench@10.0.0.5:2222"));
        QCOMPARE(plan.generatorHosts, (std::vector<std::string>{"bench@h1", "local", "bench@[::1]:2200"}));
        QVERIFY(page->form()->messageAt(PlanForm::Field::ServerHost).isEmpty());
        QVERIFY(page->form()->messageAt(PlanForm::Field::GeneratorHosts).isEmpty());
        // Empty or "local": this machine, as without hosts.
        page->form()->serverHostEdit()->setText(QStringLiteral("local"));
        page->form()->generatorHostsEdit()->clear();
        QVERIFY(page->currentPlan().serverHost.empty());
        QVERIFY(page->currentPlan().generatorHosts.empty());
        QVERIFY(page->canRun());
    }

    void badHostEntryIsMarkedAtItsField() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->generatorHostsEdit()->setText(QStringLiteral("bench@h1,bench@h2:99999"));
        QVERIFY(!page->canRun());
        QVERIFY(!page->runButton()->isEnabled());
        const QString message = page->form()->messageAt(PlanForm::Field::GeneratorHosts);
        QVERIFY2(message.contains(QLatin1String("'bench@h2:99999'")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("expected user@host[:port]")), qPrintable(message));
        QCOMPARE(message.count(QLatin1Char('\n')), 0); // one message
        QVERIFY(page->form()->fieldWidget(PlanForm::Field::GeneratorHosts)->property("planProblem").toBool());
        QVERIFY(page->form()->messageAt(PlanForm::Field::ServerHost).isEmpty());

        page->form()->serverHostEdit()->setText(QStringLiteral("@server"));
        const QString server = page->form()->messageAt(PlanForm::Field::ServerHost);
        QVERIFY2(server.contains(QLatin1String("'@server'")) && server.contains(QLatin1String("user before '@'")),
                 qPrintable(server));
        page->form()->serverHostEdit()->clear();
        page->form()->generatorHostsEdit()->setText(QStringLiteral("bench@h1"));
        QVERIFY(page->canRun());
        QVERIFY(page->form()->messageAt(PlanForm::Field::GeneratorHosts).isEmpty());
    }

    void hostsSurviveAPlanRoundTrip() {
        auto page = readyPage();
        QVERIFY(page);
        BenchmarkPlan plan = gui_test::tinyPlan({"refserver"});
        plan.serverHost = "bench@10.0.0.5";
        plan.generatorHosts = {"local", "bench@10.0.0.6:2222"};
        // As History's "Re-run with the same plan" does: the stored JSON into the form, back out as the plan run.
        QVERIFY(page->loadPlan(QString::fromStdString(planToJson(plan))));
        QCOMPARE(page->form()->serverHostEdit()->text(), QStringLiteral("bench@10.0.0.5"));
        QCOMPARE(page->form()->generatorHostsEdit()->text(), QStringLiteral("local,bench@10.0.0.6:2222"));
        const BenchmarkPlan shown = page->currentPlan();
        QCOMPARE(shown.serverHost, plan.serverHost);
        QCOMPARE(shown.generatorHosts, plan.generatorHosts);
        const BenchmarkPlan again = planFromJson(planToJson(shown), "again.json");
        QCOMPARE(again.serverHost, plan.serverHost);
        QCOMPARE(again.generatorHosts, plan.generatorHosts);
    }

    void profileFieldsFillThePlanAsTheCliOptions() {
        auto page = readyPage();
        QVERIFY(page);
        ProfileFields* fields = page->form()->profileFields();
        QVERIFY(!page->currentPlan().profile.enabled);
        QVERIFY(!fields->ratesEdit()->isEnabled());
        QCOMPARE(fields->sampleRateSpin()->value(), 100.0);
        fields->enabledBox()->setChecked(true);
        QVERIFY(fields->ratesEdit()->isEnabled());
        QTest::keyClicks(fields->ratesEdit(), QStringLiteral("200"));
        fields->sampleRateSpin()->setValue(250);
        QVERIFY2(page->canRun(), qPrintable(page->generalMessage() + page->targetsMessage()));
        const ProfileSettings profile = page->currentPlan().profile;
        QVERIFY(profile.enabled);
        QCOMPARE(profile.rates, std::vector<double>{200});
        QVERIFY(profile.repetitions.empty());
        QCOMPARE(profile.sampleRateHz, 250.0);
        // As `--profile --profile-rates 200 --profile-hz 250`: the same JSON as the CLI's plan.
        BenchmarkPlan cli = page->currentPlan();
        cli.profile = profileSettingsFromJson(nlohmann::json::parse(R"({"rates":[200],"sample_rate_hz":250})"), "cli");
        QCOMPARE(planToJson(page->currentPlan()), planToJson(cli));
        // Empty rates: every rate.
        fields->ratesEdit()->clear();
        QVERIFY(page->currentPlan().profile.rates.empty());
        QVERIFY(page->canRun());
        QVERIFY(page->currentPlan().profile.applies(100, 1));
    }

    void badProfileRatesGiveOneMessageAtTheField() {
        auto page = readyPage();
        QVERIFY(page);
        ProfileFields* fields = page->form()->profileFields();
        fields->enabledBox()->setChecked(true);
        fields->ratesEdit()->setText(QStringLiteral("200,abc"));
        QVERIFY(!page->canRun());
        QVERIFY(!page->runButton()->isEnabled());
        QString message = page->form()->messageAt(PlanForm::Field::Profile);
        QVERIFY2(message.contains(QLatin1String("'abc'")), qPrintable(message));
        QCOMPARE(message.count(QLatin1Char('\n')), 0); // one message
        QVERIFY(page->form()->fieldWidget(PlanForm::Field::Profile)->property("planProblem").toBool());
        QVERIFY(page->form()->messageAt(PlanForm::Field::Rates).isEmpty());
        // A rate the sweep never runs: the runner's rule, as --profile-rates says it.
        fields->ratesEdit()->setText(QStringLiteral("300"));
        QVERIFY(!page->canRun());
        message = page->form()->messageAt(PlanForm::Field::Profile);
        QVERIFY2(message.contains(QLatin1String("300 req/s is not one of the plan's rates")), qPrintable(message));
        // Off: the text is not looked at.
        fields->enabledBox()->setChecked(false);
        QVERIFY(page->canRun());
        QVERIFY(page->form()->messageAt(PlanForm::Field::Profile).isEmpty());
    }

    void profileSurvivesAPlanRoundTrip() {
        auto page = readyPage();
        QVERIFY(page);
        BenchmarkPlan plan = gui_test::tinyPlan({"refserver"});
        plan.profile.enabled = true;
        plan.profile.rates = {200};
        plan.profile.repetitions = {2}; // no field: kept as the plan says
        plan.profile.sampleRateHz = 300;
        QVERIFY(page->loadPlan(QString::fromStdString(planToJson(plan))));
        ProfileFields* fields = page->form()->profileFields();
        QVERIFY(fields->enabledBox()->isChecked());
        QCOMPARE(fields->ratesEdit()->text(), QStringLiteral("200"));
        QCOMPARE(fields->sampleRateSpin()->value(), 300.0);
        const BenchmarkPlan again = planFromJson(planToJson(page->currentPlan()), "again.json");
        QVERIFY(again.profile.enabled);
        QCOMPARE(again.profile.rates, plan.profile.rates);
        QCOMPARE(again.profile.repetitions, plan.profile.repetitions);
        QCOMPARE(again.profile.sampleRateHz, 300.0);
        // A plan without profiling turns the fields off again.
        QVERIFY(page->loadPlan(QString::fromStdString(planToJson(gui_test::tinyPlan({"refserver"})))));
        QVERIFY(!fields->enabledBox()->isChecked());
        QVERIFY(!page->currentPlan().profile.enabled);
        page->form()->profileFields()->enabledBox()->setChecked(true);
        fields->ratesEdit()->setText(QStringLiteral("200"));
        page->resize(1280, 900);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page.get()));
        QVERIFY(gui_test::saveScreenshot(page.get(), QStringLiteral("launcher_profile.png")));
    }

    void hostCheckShowsTheRunnersMessagePerHost() {
        auto page = readyPage();
        QVERIFY(page);
        SshSettings settings;
        settings.connectTimeoutS = 3;
        page->form()->hostFields()->setSshSettings(settings);
        // Loopback ports where nothing listens: ssh is refused at once.
        page->form()->serverHostEdit()->setText(QStringLiteral("nobody@127.0.0.1:1"));
        page->form()->generatorHostsEdit()->setText(QStringLiteral("local,nobody@127.0.0.1:9"));
        QSignalSpy finished(page->form()->hostFields(), &HostFields::checkFinished);
        QTest::mouseClick(page->form()->hostFields()->checkButton(), Qt::LeftButton);
        QVERIFY(page->form()->hostFields()->isChecking());
        QVERIFY(page->form()->hostFields()->stateText().contains(QLatin1String("checking")));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 20000);
        const QString states = page->form()->hostFields()->stateText();
        const QStringList lines = states.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2); // "local" is not connected to
        QVERIFY2(lines[0].contains(QLatin1String("nobody@127.0.0.1:1 is unreachable")), qPrintable(states));
        QVERIFY2(lines[1].contains(QLatin1String("nobody@127.0.0.1:9 is unreachable")), qPrintable(states));
        QVERIFY2(states.contains(QLatin1String("is sshd running")), qPrintable(states));
        QVERIFY(page->form()->hostFields()->checkButton()->isEnabled());
        // The check is done (checkFinished), so every ssh it started is closed and reaped. Only ssh: the version
        // probes of the catalog's targets may still run on a busy machine.
        QVERIFY(gui_test::childProcesses("ssh").empty());
        // Editing a host forgets the states of the hosts as they were.
        page->form()->serverHostEdit()->clear();
        QVERIFY(page->form()->hostFields()->stateText().isEmpty());
    }

    void closingDuringAHostCheckLeavesNoSsh() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->generatorHostsEdit()->setText(QStringLiteral("nobody@127.0.0.1:1,nobody@127.0.0.1:9"));
        page->form()->hostFields()->checkHosts();
        page.reset(); // the window goes while ssh runs: its result is dropped, its processes closed
        // Wait for the check itself (it runs on the global pool), not for "no ssh right now": the two hosts' ssh
        // may run one after the other, and the first may be gone before the second has started.
        QVERIFY(QThreadPool::globalInstance()->waitForDone(30000));
        QVERIFY(gui_test::childProcesses("ssh").empty());
    }

    void hostsScreenshot() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->serverHostEdit()->setText(QStringLiteral("nobody@127.0.0.1:1"));
        page->form()->generatorHostsEdit()->setText(QStringLiteral("local,nobody@127.0.0.1:9,bench@h3:99999"));
        page->form()->hostFields()->checkHosts();
        QTRY_VERIFY_WITH_TIMEOUT(!page->form()->hostFields()->isChecking(), 20000);
        page->resize(1280, 980);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page.get()));
        QTest::qWait(50);
        QVERIFY(gui_test::saveScreenshot(page.get(), QStringLiteral("launcher_hosts.png")));
    }

    void screenshot() {
        auto page = readyPage();
        QVERIFY(page);
        page->form()->ratesListEdit()->setText(QStringLiteral("500,abc")); // show what a marked field looks like
        page->form()->ratesModeCombo()->setCurrentIndex(0);
        page->resize(1280, 860);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page.get()));
        QVERIFY(gui_test::saveScreenshot(page.get(), QStringLiteral("launcher_page_invalid.png")));
        QVERIFY(page->applyPreset(QStringLiteral("quick")));
        QTest::qWait(50);
        QVERIFY(gui_test::saveScreenshot(page.get(), QStringLiteral("launcher_page.png")));
    }
};

QTEST_MAIN(TestLauncher)
#include "test_launcher.moc"
