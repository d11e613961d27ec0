#include "launcher_page.h"

#include "launcher_target_model.h"
#include "plan_form.h"
#include "plan_format.h"
#include "target_definition.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace loadscope {

namespace {
constexpr auto kLastPlanKey = "launcher/lastPlan";
constexpr auto kProblemStyle = "color: #d55e00;"; // Okabe-Ito vermillion, as PlanForm's field messages

bool isTargetsProblem(const PlanProblem& problem) {
    return problem.field.rfind("targets", 0) == 0;
}
} // namespace

LauncherPage::LauncherPage(QWidget* parent, std::optional<TargetCatalog> catalog)
    : QWidget(parent)
    , targets_(new LauncherTargetModel(this)) {
    QHBoxLayout* header = createHeader();
    notice_ = new QLabel(this);
    notice_->setWordWrap(true);
    notice_->setStyleSheet(QLatin1String(kProblemStyle));
    notice_->hide();
    QGroupBox* targetsBox = createTargetsBox();
    form_ = new PlanForm(this);
    QHBoxLayout* footer = createFooter();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(notice_);
    layout->addWidget(targetsBox, 0);
    layout->addWidget(form_, 0);
    layout->addLayout(footer);
    layout->addStretch(1); // spare height goes below the Run button, not into an empty target list
    connectEdits();

    targets_->setCatalog(catalog ? *catalog : TargetCatalog::loadDefault());
    targetView_->resizeColumnsToContents();
    fitTargetList();
    updateScenarios();
    const QString lastPlan = QSettings().value(QLatin1String(kLastPlanKey)).toString();
    if (lastPlan.isEmpty() || !loadPlan(lastPlan))
        applyPreset(QStringLiteral("quick"));
    setNotice({});
}

// The title, then the preset and its "faithful" switch on the right.
QHBoxLayout* LauncherPage::createHeader() {
    auto* title = new QLabel(tr("<h2>New benchmark run</h2>"), this);
    preset_ = new QComboBox(this);
    preset_->addItem(tr("(custom)"), QString());
    for (const auto& name : presetNames())
        preset_->addItem(QString::fromStdString(name), QString::fromStdString(name));
    preset_->setToolTip(tr("quick: a short check of every framework; seed-simple / seed-complex: the founding "
                           "benchmark's rates and targets on each handler"));
    faithful_ = new QCheckBox(tr("faithful (300 s × 5 repetitions)"), this);
    faithful_->setToolTip(tr("The seed presets as the founding benchmark ran them: hours, not minutes"));
    auto* header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(new QLabel(tr("Preset:"), this));
    header->addWidget(preset_);
    header->addWidget(faithful_);
    return header;
}

// The target checklist, its messages and the button that reads the definitions again.
QGroupBox* LauncherPage::createTargetsBox() {
    auto* targetsBox = new QGroupBox(tr("Targets: check the servers to compare"), this);
    targetView_ = new QTableView(targetsBox);
    targetView_->setModel(targets_);
    targetView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    targetView_->setSelectionMode(QAbstractItemView::SingleSelection);
    targetView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    targetView_->verticalHeader()->hide();
    targetView_->verticalHeader()->setDefaultSectionSize(targetView_->fontMetrics().height() + 8);
    targetView_->horizontalHeader()->setStretchLastSection(true);
    targetView_->setWordWrap(false);
    targetView_->setAlternatingRowColors(true);
    targetsMessage_ = new QLabel(targetsBox);
    targetsMessage_->setWordWrap(true);
    targetsMessage_->setStyleSheet(QLatin1String(kProblemStyle));
    targetsMessage_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* reload = new QPushButton(tr("Reload definitions"), targetsBox);
    reload->setToolTip(tr("Read the target files again (resources/targets and ~/.config/loadscope/targets)"));
    connect(reload, &QPushButton::clicked, this, &LauncherPage::reloadTargets);
    auto* targetsLayout = new QVBoxLayout(targetsBox);
    targetsLayout->addWidget(targetView_, 1);
    auto* targetsFooter = new QHBoxLayout;
    targetsFooter->addWidget(targetsMessage_, 1);
    targetsFooter->addWidget(reload, 0, Qt::AlignTop);
    targetsLayout->addLayout(targetsFooter);
    return targetsBox;
}

// The estimate and the messages no field owns, with the Run button at the right.
QHBoxLayout* LauncherPage::createFooter() {
    estimate_ = new QLabel(this);
    generalMessage_ = new QLabel(this);
    generalMessage_->setWordWrap(true);
    generalMessage_->setStyleSheet(QLatin1String(kProblemStyle));
    runButton_ = new QPushButton(tr("Run"), this);
    runButton_->setDefault(true);
    runButton_->setMinimumWidth(140);
    QFont runFont = runButton_->font();
    runFont.setBold(true);
    runButton_->setFont(runFont);
    auto* footer = new QHBoxLayout;
    auto* footerText = new QVBoxLayout;
    footerText->addWidget(estimate_);
    footerText->addWidget(generalMessage_);
    footer->addLayout(footerText, 1);
    footer->addWidget(runButton_, 0, Qt::AlignRight | Qt::AlignVCenter);
    return footer;
}

void LauncherPage::connectEdits() {
    connect(targets_, &LauncherTargetModel::checkedTargetsChanged, this, [this] {
        updateScenarios();
        revalidate();
    });
    connect(targets_, &QAbstractItemModel::dataChanged, this, [this] { revalidate(); });
    connect(targets_, &LauncherTargetModel::preflightFinished, this, [this] {
        targetView_->resizeColumnsToContents();
        fitTargetList();
        revalidate();
    });
    connect(form_, &PlanForm::changed, this, [this] {
        if (!applyingPreset_) {
            preset_->setCurrentIndex(0); // edited by hand: no longer the preset
            presetLabel_.clear();
        }
        revalidate();
    });
    connect(preset_, &QComboBox::activated, this, [this](int index) {
        const QString name = preset_->itemData(index).toString();
        if (!name.isEmpty())
            applyPreset(name, faithful_->isChecked());
    });
    connect(faithful_, &QCheckBox::toggled, this, [this](bool faithful) {
        const QString name = preset_->currentData().toString();
        if (!name.isEmpty())
            applyPreset(name, faithful);
    });
    connect(runButton_, &QPushButton::clicked, this, &LauncherPage::requestRun);
}

void LauncherPage::fitTargetList() {
    // As tall as its rows (up to 12, then it scrolls): a fixed share of the page left ~230 px of empty list.
    const int rows = std::clamp(targets_->rowCount(), 1, 12);
    // Room for the sideways scroll bar too: a long preflight message (a missing package) brings it up.
    const int height = targetView_->horizontalHeader()->sizeHint().height() +
                       rows * targetView_->verticalHeader()->defaultSectionSize() + 2 * targetView_->frameWidth() +
                       targetView_->horizontalScrollBar()->sizeHint().height() + 2;
    targetView_->setFixedHeight(height);
}

void LauncherPage::setCatalog(const TargetCatalog& catalog) {
    targets_->setCatalog(catalog);
    targetView_->resizeColumnsToContents();
    fitTargetList();
    updateScenarios();
    revalidate();
}

const TargetCatalog& LauncherPage::catalog() const {
    return targets_->catalog();
}

void LauncherPage::reloadTargets() {
    setCatalog(TargetCatalog::loadDefault());
}

bool LauncherPage::applyPreset(const QString& name, bool faithful) {
    const auto plan = presetPlan(name.toStdString(), faithful);
    if (!plan)
        return false;
    applyingPreset_ = true;
    QStringList names;
    for (const auto& target : plan->targets)
        names << QString::fromStdString(target);
    const QStringList leftOut = targets_->setCheckedTargets(names);
    updateScenarios();
    form_->setPlan(*plan);
    preset_->setCurrentIndex(preset_->findData(name));
    presetLabel_ = plan->preset;
    applyingPreset_ = false;
    setNotice(leftOut.isEmpty() ? QString()
                                : tr("Preset %1: these targets cannot run here and were left out: %2")
                                      .arg(name, leftOut.join(QStringLiteral(", "))));
    revalidate();
    return true;
}

bool LauncherPage::loadPlan(const QString& planJson) {
    BenchmarkPlan plan;
    try {
        plan = planFromJson(planJson.toStdString(), "stored plan");
    } catch (const std::exception& error) {
        setNotice(tr("Could not load the plan: %1").arg(QString::fromUtf8(error.what())));
        return false;
    }
    applyingPreset_ = true;
    QStringList names;
    for (const auto& target : plan.targets)
        names << QString::fromStdString(target);
    const QStringList leftOut = targets_->setCheckedTargets(names);
    updateScenarios();
    form_->setPlan(plan);
    preset_->setCurrentIndex(std::max(0, preset_->findData(QString::fromStdString(plan.preset))));
    presetLabel_ = plan.preset;
    applyingPreset_ = false;
    setNotice(leftOut.isEmpty()
                  ? QString()
                  : tr("The plan's targets %1 are not defined or cannot run here; the others are checked.")
                        .arg(leftOut.join(QStringLiteral(", "))));
    revalidate();
    return true;
}

void LauncherPage::setRunInProgress(bool running) {
    runInProgress_ = running;
    revalidate();
}

BenchmarkPlan LauncherPage::currentPlan() const {
    return shownPlan(nullptr);
}

BenchmarkPlan LauncherPage::shownPlan(std::vector<PlanProblem>* problems) const {
    BenchmarkPlan plan = form_->plan(problems);
    plan.preset = presetLabel_;
    for (const auto& name : targets_->checkedTargets())
        plan.targets.push_back(name.toStdString());
    if (plan.targets.empty() && problems)
        problems->push_back({"targets", "check at least one target to run"});
    return plan;
}

bool LauncherPage::canRun() const {
    return runButton_->isEnabled();
}

void LauncherPage::updateScenarios() {
    // The scenarios of the checked targets (of every target when none is checked), in definition order.
    const QStringList checked = targets_->checkedTargets();
    QStringList scenarios;
    for (int row = 0; row < targets_->rowCount(); ++row) {
        const QModelIndex index = targets_->index(row, 0);
        if (!checked.isEmpty() && !checked.contains(index.data(LauncherTargetModel::TargetNameRole).toString()))
            continue;
        for (const auto& name : index.data(LauncherTargetModel::ScenariosRole).toStringList())
            if (!scenarios.contains(name))
                scenarios << name;
    }
    form_->setScenarios(scenarios);
}

void LauncherPage::revalidate() {
    std::vector<PlanProblem> problems;
    const BenchmarkPlan plan = shownPlan(&problems);
    addRunnerProblems(plan, problems);
    form_->setIdealLatencies(idealLatencies(plan));
    form_->setNamePlaceholder(QString::fromStdString(defaultRunName(plan)));
    problems_ = problems;
    showProblemsOutsideTheForm(form_->showProblems(problems));
    estimate_->setText(describeEstimate(plan));
    updateRunButton(problems.empty());
}

// The runner's own validation (unknown scenario for a target, rates out of order, ...): whatever the CLI would refuse,
// the GUI refuses at the same field. Its "no targets" message speaks to CLI users: ours replaces it. A field the form
// could not read already has its message ("'1000x' is not a rate"): the runner's view of the default left in its
// place ("no rates: give at least one") would contradict it.
void LauncherPage::addRunnerProblems(const BenchmarkPlan& plan, std::vector<PlanProblem>& problems) const {
    std::set<std::string> unreadable;
    for (const auto& problem : problems)
        unreadable.insert(problem.field.substr(0, problem.field.find_first_of(".[")));
    try {
        for (auto& problem : validatePlan(plan, targets_->catalog()))
            if (!(plan.targets.empty() && problem.field == "targets") &&
                !unreadable.count(problem.field.substr(0, problem.field.find_first_of(".["))))
                problems.push_back(std::move(problem));
    } catch (const std::exception& error) {
        problems.push_back({"", error.what()});
    }
}

// The ideal latency of each checked target in the plan's scenario, for the SLO field's preview.
std::vector<double> LauncherPage::idealLatencies(const BenchmarkPlan& plan) const {
    std::vector<double> ideals;
    for (const auto& name : plan.targets)
        if (const TargetDefinition* target = targets_->catalog().find(name))
            if (const Scenario* scenario = target->scenario(plan.scenario))
                ideals.push_back(scenario->idealLatencyMs);
    return ideals;
}

// Problems no field owns: about the targets under the checklist (with the definitions that were skipped), the rest
// above the Run button.
void LauncherPage::showProblemsOutsideTheForm(const std::vector<PlanProblem>& elsewhere) {
    QStringList targetMessages;
    QStringList generalMessages;
    for (const auto& problem : elsewhere) {
        const QString message = QString::fromStdString(problem.message);
        QStringList& list = isTargetsProblem(problem) ? targetMessages : generalMessages;
        if (!list.contains(message))
            list << message;
    }
    QString targetsText = targetMessages.join(QLatin1Char('\n'));
    for (const auto& error : targets_->catalog().errors())
        targetsText += (targetsText.isEmpty() ? QString() : QStringLiteral("\n")) +
                       tr("Skipped definition: %1").arg(QString::fromStdString(error.toString()));
    targetsMessage_->setText(targetsText);
    targetsMessage_->setVisible(!targetsText.isEmpty());
    generalMessage_->setText(generalMessages.join(QLatin1Char('\n')));
    generalMessage_->setVisible(!generalMessages.isEmpty());
}

// Run is enabled for a valid plan once the checked targets' preflight is done and no run is going; its tooltip says
// why not.
void LauncherPage::updateRunButton(bool valid) {
    bool checking = false;
    for (const auto& name : targets_->checkedTargets())
        checking = checking || targets_->availability(name) == LauncherTargetModel::Availability::Checking;
    runButton_->setEnabled(valid && !checking && !runInProgress_);
    if (runInProgress_)
        runButton_->setToolTip(tr("A run is in progress: see the Live run page"));
    else if (checking)
        runButton_->setToolTip(tr("Checking the targets…"));
    else if (!valid)
        runButton_->setToolTip(tr("Fix the marked fields first"));
    else
        runButton_->setToolTip(tr("Start the run"));
}

QString LauncherPage::describeEstimate(const BenchmarkPlan& plan) const {
    // Says what is missing, never a field that is set ("enter rates and a step duration" while a duration was set).
    QStringList missing;
    if (plan.mode == PlanMode::Sweep && plan.rates.empty())
        missing << tr("valid rates");
    if (plan.stepDurationS <= 0)
        missing << tr("a step duration");
    if (!missing.isEmpty())
        return tr("Estimated total time: enter %1").arg(missing.join(tr(" and ")));
    BenchmarkPlan costed = plan;
    if (costed.targets.empty())
        costed.targets.push_back("one target"); // the cost per target before anything is checked
    const QString time = humanDuration(estimatedSeconds(costed));
    if (plan.mode == PlanMode::Search) {
        // A search's probe count is not known in advance: no step count, only the time it may take.
        const QString what = plan.targets.empty() ? tr("Per target: a knee search") : tr("A knee search");
        if (!plan.search.maxTimeS)
            return tr("%1 · typically about <b>%2</b>").arg(what, time);
        // The budget caps the estimate only when the search would typically take longer.
        BenchmarkPlan unbounded = costed;
        unbounded.search.maxTimeS.reset();
        if (estimatedSeconds(unbounded) > estimatedSeconds(costed))
            return tr("%1 · at most about <b>%2</b> (the time budget)").arg(what, time);
        return tr("%1 · typically about <b>%2</b>, within the budget of %3")
            .arg(what, time, humanDuration(*plan.search.maxTimeS));
    }
    if (plan.targets.empty())
        return tr("Per target: %1, about %2").arg(countOf(plannedStepCount(costed), "step", "steps"), time);
    return tr("%1 · estimated total time about <b>%2</b>").arg(countOf(plannedStepCount(plan), "step", "steps"), time);
}

void LauncherPage::requestRun() {
    revalidate();
    if (!runButton_->isEnabled())
        return;
    const BenchmarkPlan plan = currentPlan();
    QSettings().setValue(QLatin1String(kLastPlanKey), QString::fromStdString(planToJson(plan)));
    emit runRequested(plan);
}

void LauncherPage::setNotice(const QString& text) {
    notice_->setText(text);
    notice_->setVisible(!text.isEmpty());
}

QString LauncherPage::targetsMessage() const {
    return targetsMessage_->isHidden() ? QString() : targetsMessage_->text();
}

QString LauncherPage::generalMessage() const {
    return generalMessage_->isHidden() ? QString() : generalMessage_->text();
}

QString LauncherPage::estimateText() const {
    return estimate_->text();
}

} // namespace loadscope
