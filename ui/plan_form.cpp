#include "plan_form.h"

#include "host_fields.h"
#include "plan_format.h"
#include "profile_fields.h"
#include "rates_fields.h"
#include "search_fields.h"
#include "slo_text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace loadscope {

namespace {
// The frame and message colour of a field with a problem: Okabe-Ito vermillion, readable on light and dark palettes.
constexpr auto kProblemColour = "#d55e00";

QDoubleSpinBox* secondsSpin(double minimum, double maximum, QWidget* parent) {
    auto* spin = new QDoubleSpinBox(parent);
    spin->setRange(minimum, maximum);
    spin->setDecimals(1);
    spin->setSuffix(QObject::tr(" s"));
    spin->setAccelerated(true);
    return spin;
}

void reportPlanProblem(std::vector<PlanProblem>* problems, std::string field, std::string message) {
    if (problems)
        problems->push_back(PlanProblem{std::move(field), std::move(message)});
}
} // namespace

std::optional<PlanForm::Field> PlanForm::fieldForProblem(const std::string& field) {
    const std::string key = field.substr(0, field.find_first_of(".["));
    static const std::map<std::string, Field> kFields{
        {"name", Field::Name},
        {"scenario", Field::Scenario},
        {"mode", Field::Mode},
        {"rates", Field::Rates},
        {"search", Field::Search},
        {"arrivals", Field::Arrivals},
        {"stepDurationS", Field::Duration},
        {"step_duration", Field::Duration},
        {"step_duration_s", Field::Duration},
        {"duration", Field::Duration},
        {"warmupS", Field::Warmup},
        {"warmup_s", Field::Warmup},
        {"warmup", Field::Warmup},
        {"cooldownS", Field::Cooldown},
        {"cooldown_s", Field::Cooldown},
        {"cooldown", Field::Cooldown},
        {"repetitions", Field::Repetitions},
        {"connections", Field::Connections},
        {"requestTimeoutS", Field::RequestTimeout},
        {"request_timeout", Field::RequestTimeout},
        {"request_timeout_s", Field::RequestTimeout},
        {"timeout", Field::RequestTimeout},
        {"order", Field::Order},
        {"pinning", Field::Pinning},
        {"stopRule", Field::StopRule},
        {"stop_rule", Field::StopRule},
        {"slo", Field::Slo},
        {"server_host", Field::ServerHost},
        {"serverHost", Field::ServerHost},
        {"generators", Field::GeneratorHosts},
        {"generatorHosts", Field::GeneratorHosts},
        {"profile", Field::Profile},
    };
    const auto found = kFields.find(key);
    if (found == kFields.end())
        return std::nullopt;
    return found->second;
}

PlanForm::PlanForm(QWidget* parent)
    : QWidget(parent) {
    auto* loadBox = new QGroupBox(tr("Load"), this);
    auto* loadForm = new QFormLayout(loadBox);
    auto* methodBox = new QGroupBox(tr("Method and limits"), this);
    auto* methodForm = new QFormLayout(methodBox);
    for (auto* form : {loadForm, methodForm}) {
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    }
    addLoadFields(loadForm);
    addMethodFields(methodForm);
    addHostFields(methodForm);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(loadBox, 1);
    layout->addWidget(methodBox, 1);
    connectEdits();

    // Enough repetitions for an interval (the analysis bootstraps over repetitions: 3 at least).
    BenchmarkPlan defaults;
    defaults.repetitions = 3;
    setPlan(defaults);
}

// What is sent and how: name, scenario, mode, rates or search, arrivals, and the timing of each step.
void PlanForm::addLoadFields(QFormLayout* form) {
    loadForm_ = form;
    name_ = new QLineEdit(this);
    name_->setPlaceholderText(tr("automatic, e.g. \"simple: aiohttp vs tornado-gen\""));
    addField(form, Field::Name, tr("Run name"), name_);

    scenario_ = new QComboBox(this);
    addField(form, Field::Scenario, tr("Scenario"), scenario_, nullptr,
             tr("The request every target answers, e.g. simple (one 50 ms wait) or complex (four waits, ~125 ms)."));

    mode_ = new QComboBox(this);
    mode_->addItem(tr("sweep: measure the rates listed"), static_cast<int>(PlanMode::Sweep));
    mode_->addItem(tr("search: find each target's knee"), static_cast<int>(PlanMode::Search));
    addField(form, Field::Mode, tr("Mode"), mode_, nullptr,
             tr("Sweep: every rate listed, every repetition. Search: climb from a start rate until the SLO breaks, "
                "then bisect to the resolution; no list of rates needed."));

    rates_ = new RatesFields(this);
    ratesField_ = addField(form, Field::Rates, tr("Rates (req/s)"), rates_, rates_->stack());
    ratesPreview_ = addPreviewLine(ratesField_);
    search_ = new SearchFields(this);
    searchField_ = addField(form, Field::Search, tr("Search"), search_);

    arrivals_ = new QComboBox(this);
    arrivals_->addItem(tr("uniform (evenly spaced)"), QStringLiteral("uniform"));
    arrivals_->addItem(tr("poisson (independent clients)"), QStringLiteral("poisson"));
    addField(form, Field::Arrivals, tr("Arrivals"), arrivals_);

    duration_ = secondsSpin(0, 24 * 3600, this);
    addField(form, Field::Duration, tr("Step duration"), duration_, nullptr,
             tr("How long each step is measured, after its warm-up"));
    warmup_ = secondsSpin(0, 3600, this);
    addField(form, Field::Warmup, tr("Warm-up"), warmup_, nullptr,
             tr("Load before each step's measurement, left out of the results"));
    cooldown_ = secondsSpin(0, 3600, this);
    addField(form, Field::Cooldown, tr("Cool-down"), cooldown_, nullptr, tr("Idle time between steps"));
    repetitions_ = new QSpinBox(this);
    repetitions_->setRange(1, 1000);
    addField(form, Field::Repetitions, tr("Repetitions"), repetitions_, nullptr,
             tr("Each target and rate is measured this many times, each repetition with a fresh server"));
}

// How the load is made and judged: connections, timeout, order, pinning, stop rule, SLO and profiling.
void PlanForm::addMethodFields(QFormLayout* form) {
    addField(form, Field::Connections, tr("Connections"), createConnectionsRow(), connections_);

    requestTimeout_ = secondsSpin(0, 600, this);
    addField(form, Field::RequestTimeout, tr("Request timeout"), requestTimeout_);

    order_ = new QComboBox(this);
    order_->addItem(tr("interleaved"), static_cast<int>(StepOrder::Interleaved));
    order_->addItem(tr("sequential"), static_cast<int>(StepOrder::Sequential));
    order_->setToolTip(tr("Interleaved: every target at one rate, then the next rate (fairer when the machine drifts). "
                          "Sequential: one target at every rate, then the next target."));
    addField(form, Field::Order, tr("Order"), order_);

    addField(form, Field::Pinning, tr("CPU pinning"), createPinningRow());

    stopRule_ = new QCheckBox(tr("stop a target once it misses the SLO at two rates in a row"), this);
    addField(form, Field::StopRule, tr("Stop rule"), stopRule_);

    slo_ = new QLineEdit(this);
    slo_->setPlaceholderText(tr("e.g. p99<75ms,errors<0.1%  or  p99<=1.5x (of the ideal latency)"));
    QWidget* sloField = addField(form, Field::Slo, tr("SLO"), slo_, nullptr,
                                 tr("The service level a rate must meet to count as held: p99 latency and error rate"));
    sloPreview_ = addPreviewLine(sloField);

    profile_ = new ProfileFields(this);
    addField(form, Field::Profile, tr("Profiling"), profile_, profile_->ratesEdit());
}

QWidget* PlanForm::createConnectionsRow() {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    connectionsAuto_ = new QCheckBox(tr("auto"), row);
    connectionsAuto_->setToolTip(tr("rate × ideal latency × 4, at least 256, within the open-file limit"));
    connections_ = new QSpinBox(row);
    connections_->setRange(1, 1'000'000);
    connections_->setValue(256);
    layout->addWidget(connectionsAuto_);
    layout->addWidget(connections_, 1);
    connect(connectionsAuto_, &QCheckBox::toggled, connections_, &QWidget::setDisabled);
    return row;
}

QWidget* PlanForm::createPinningRow() {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    pinning_ = new QCheckBox(tr("pin"), row);
    pinning_->setToolTip(tr("Server and load generator on separate CPU cores (only with 2 or more cores)"));
    serverCore_ = new QSpinBox(row);
    serverCore_->setRange(0, 1023);
    serverCore_->setPrefix(tr("server core "));
    generatorCore_ = new QSpinBox(row);
    generatorCore_->setRange(-1, 1023);
    generatorCore_->setPrefix(tr("generator core "));
    generatorCore_->setSpecialValueText(tr("generator core: last"));
    layout->addWidget(pinning_);
    layout->addWidget(serverCore_, 1);
    layout->addWidget(generatorCore_, 1);
    connect(pinning_, &QCheckBox::toggled, serverCore_, &QWidget::setEnabled);
    connect(pinning_, &QCheckBox::toggled, generatorCore_, &QWidget::setEnabled);
    return row;
}

// A muted line under a field's input (above its problem message) that says what the input means.
QLabel* PlanForm::addPreviewLine(QWidget* field) {
    auto* preview = new QLabel(field);
    preview->setEnabled(false); // the palette's muted text colour
    preview->setWordWrap(true);
    static_cast<QVBoxLayout*>(field->layout())->insertWidget(1, preview);
    return preview;
}

// Every edit re-validates (cheap: parsing and arithmetic only).
void PlanForm::connectEdits() {
    auto notify = [this] { emit changed(); };
    connect(name_, &QLineEdit::textChanged, this, notify);
    connect(scenario_, &QComboBox::currentIndexChanged, this, notify);
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        showModeFields();
        emit changed();
    });
    connect(search_, &SearchFields::changed, this, notify);
    connect(profile_, &ProfileFields::changed, this, notify);
    connect(rates_, &RatesFields::changed, this, [this] {
        updateRatesPreview();
        emit changed();
    });
    connect(arrivals_, &QComboBox::currentIndexChanged, this, notify);
    for (auto* spin : {duration_, warmup_, cooldown_, requestTimeout_})
        connect(spin, &QDoubleSpinBox::valueChanged, this, notify);
    for (auto* spin : {repetitions_, connections_, serverCore_, generatorCore_})
        connect(spin, &QSpinBox::valueChanged, this, notify);
    for (auto* box : {connectionsAuto_, pinning_, stopRule_})
        connect(box, &QCheckBox::toggled, this, notify);
    connect(order_, &QComboBox::currentIndexChanged, this, notify);
    for (auto* edit : {serverHost_, generatorHosts_})
        connect(edit, &QLineEdit::textChanged, this, [this] {
            hostFields_->clearStates(); // a state shown is of the hosts as they were checked
            emit changed();
        });
    connect(slo_, &QLineEdit::textChanged, this, [this] {
        updateSloPreview();
        emit changed();
    });
}

void PlanForm::addHostFields(QFormLayout* form) {
    serverHost_ = new QLineEdit(this);
    serverHost_->setPlaceholderText(tr("local, or user@host[:port]"));
    addField(form, Field::ServerHost, tr("Server host"), serverHost_, nullptr,
             tr("Run the servers under test on this host over SSH (empty or \"local\": this machine)"));
    generatorHosts_ = new QLineEdit(this);
    generatorHosts_->setPlaceholderText(tr("local, or user@h1,user@h2"));
    addField(form, Field::GeneratorHosts, tr("Generator hosts"), generatorHosts_, nullptr,
             tr("Split the load between generators on these hosts over SSH, comma separated (\"local\" is this "
                "machine; empty: this machine only)"));
    hostFields_ = new HostFields(this);
    hostFields_->setHostSource([this] {
        std::vector<std::string> hosts = splitHostList(generatorHosts_->text());
        hosts.insert(hosts.begin(), serverHost_->text().trimmed().toStdString());
        return hosts;
    });
    form->addRow(QString(), hostFields_);
}

QWidget* PlanForm::addField(QFormLayout* form, Field field, const QString& label, QWidget* input, QWidget* framed,
                            const QString& help) {
    // The input with its message line under it, as one form row.
    auto* container = new QWidget(this);
    auto* column = new QVBoxLayout(container);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(1);
    column->addWidget(input);
    auto* message = new QLabel(container);
    message->setWordWrap(true);
    message->setStyleSheet(QStringLiteral("color: %1;").arg(QLatin1String(kProblemColour)));
    message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message->hide();
    column->addWidget(message);
    if (!help.isEmpty())
        input->setToolTip(help);
    form->addRow(label, container);
    fieldSlots_[field] = FieldSlot{framed ? framed : input, message, help};
    return container;
}

void PlanForm::updateRatesPreview() {
    const QString preview = rates_->previewText();
    if (preview.isEmpty())
        ratesPreview_->clear(); // no text at all, so the label takes no line (setText("") would keep one)
    else
        ratesPreview_->setText(preview);
}

BenchmarkPlan PlanForm::plan(std::vector<PlanProblem>* problems) const {
    BenchmarkPlan plan;
    readLoadFields(plan, problems);
    readMethodFields(plan, problems);
    return plan;
}

void PlanForm::readLoadFields(BenchmarkPlan& plan, std::vector<PlanProblem>* problems) const {
    plan.name = name_->text().trimmed().toStdString();
    plan.scenario = scenario_->currentText().toStdString();
    if (plan.scenario.empty())
        reportPlanProblem(problems, "scenario", "choose a scenario (the checked targets define none in common)");
    plan.mode = static_cast<PlanMode>(mode_->currentData().toInt());
    plan.search = search_->settings();
    plan.rates.clear();
    // A search needs no rates; none are sent along (the runner would start from the lowest).
    if (plan.mode != PlanMode::Search)
        plan.rates = readRates(problems);
    plan.arrivals = arrivals_->currentData().toString().toStdString();
    plan.stepDurationS = duration_->value(); // range checks: validatePlan(), as for the CLI
    plan.warmupS = warmup_->value();
    plan.cooldownS = cooldown_->value();
    plan.repetitions = repetitions_->value();
}

std::vector<double> PlanForm::readRates(std::vector<PlanProblem>* problems) const {
    const std::string rates = rates_->text();
    if (QString::fromStdString(rates).trimmed().isEmpty()) {
        reportPlanProblem(problems, "rates", "enter at least one rate, e.g. 500,1000,1500 or the range 500:3000:500");
        return {};
    }
    try {
        return parseRates(rates);
    } catch (const std::exception& error) {
        // The message is shown at the Rates field: "'1000x' is not a rate ...", without a leading "rates: ".
        std::string message = error.what();
        if (message.rfind("rates: ", 0) == 0)
            message.erase(0, 7);
        reportPlanProblem(problems, "rates", message);
        return {};
    }
}

void PlanForm::readMethodFields(BenchmarkPlan& plan, std::vector<PlanProblem>* problems) const {
    if (!connectionsAuto_->isChecked())
        plan.connections = connections_->value();
    plan.requestTimeoutS = requestTimeout_->value();
    plan.order = static_cast<StepOrder>(order_->currentData().toInt());
    plan.pinning.enabled = pinning_->isChecked();
    plan.pinning.serverCore = serverCore_->value();
    plan.pinning.generatorCore = generatorCore_->value();
    plan.stopRule = stopRule_->isChecked();
    const QString slo = slo_->text().trimmed();
    if (!slo.isEmpty()) {
        try {
            plan.slo = parseSlo(slo.toStdString());
        } catch (const std::exception& error) {
            reportPlanProblem(problems, "slo", error.what());
        }
    }
    // Entries are checked by validatePlan() with parseSshDestination(), as for the CLI and plan files.
    plan.serverHost = serverHost_->text().trimmed().toStdString();
    if (plan.serverHost == "local")
        plan.serverHost.clear();
    plan.generatorHosts = splitHostList(generatorHosts_->text());
    std::string profileProblem;
    plan.profile = profile_->settings(plan.rates, plan.mode == PlanMode::Sweep, &profileProblem);
    if (!profileProblem.empty())
        reportPlanProblem(problems, "profile", profileProblem);
}

void PlanForm::setPlan(const BenchmarkPlan& plan) {
    QSignalBlocker blocker(this); // one changed() at the end, not one per field
    fillLoadFields(plan);
    fillMethodFields(plan);
    updateRatesPreview();
    updateSloPreview();
    showModeFields();
    blocker.unblock();
    emit changed();
}

void PlanForm::fillLoadFields(const BenchmarkPlan& plan) {
    name_->setText(QString::fromStdString(plan.name));
    const QString scenario = QString::fromStdString(plan.scenario);
    if (scenario_->findText(scenario) < 0)
        scenario_->addItem(scenario);
    scenario_->setCurrentText(scenario);
    mode_->setCurrentIndex(std::max(0, mode_->findData(static_cast<int>(plan.mode))));
    search_->setSettings(plan.search);
    rates_->setRates(plan.rates);
    const int arrivals = arrivals_->findData(QString::fromStdString(plan.arrivals));
    arrivals_->setCurrentIndex(arrivals < 0 ? 0 : arrivals);
    duration_->setValue(plan.stepDurationS);
    warmup_->setValue(plan.warmupS);
    cooldown_->setValue(plan.cooldownS);
    repetitions_->setValue(plan.repetitions);
}

void PlanForm::fillMethodFields(const BenchmarkPlan& plan) {
    connectionsAuto_->setChecked(!plan.connections.has_value());
    connections_->setEnabled(plan.connections.has_value());
    if (plan.connections)
        connections_->setValue(*plan.connections);
    requestTimeout_->setValue(plan.requestTimeoutS);
    order_->setCurrentIndex(order_->findData(static_cast<int>(plan.order)));
    pinning_->setChecked(plan.pinning.enabled);
    serverCore_->setEnabled(plan.pinning.enabled);
    generatorCore_->setEnabled(plan.pinning.enabled);
    serverCore_->setValue(plan.pinning.serverCore);
    generatorCore_->setValue(plan.pinning.generatorCore);
    stopRule_->setChecked(plan.stopRule);
    slo_->setText(sloFieldText(plan.slo));
    serverHost_->setText(QString::fromStdString(plan.serverHost));
    QStringList generators;
    for (const auto& host : plan.generatorHosts)
        generators << QString::fromStdString(host);
    generatorHosts_->setText(generators.join(QStringLiteral(",")));
    hostFields_->clearStates();
    profile_->setSettings(plan.profile);
}

void PlanForm::showModeFields() {
    const bool search = static_cast<PlanMode>(mode_->currentData().toInt()) == PlanMode::Search;
    loadForm_->setRowVisible(ratesField_, !search);
    loadForm_->setRowVisible(searchField_, search);
}

void PlanForm::setIdealLatencies(const std::vector<double>& idealMs) {
    if (idealMs == idealMs_)
        return;
    idealMs_ = idealMs;
    updateSloPreview();
}

void PlanForm::updateSloPreview() {
    const QString text = sloPreviewText(slo_->text(), idealMs_);
    sloPreview_->setText(text);
    sloPreview_->setVisible(!text.isEmpty());
}

QString PlanForm::sloPreview() const {
    return sloPreview_->isHidden() ? QString() : sloPreview_->text();
}

void PlanForm::setNamePlaceholder(const QString& name) {
    name_->setPlaceholderText(name.isEmpty() ? QString() : tr("automatic: %1").arg(name));
}

void PlanForm::setScenarios(const QStringList& scenarios) {
    const QString current = scenario_->currentText();
    if (scenarios == [this] {
            QStringList items;
            for (int i = 0; i < scenario_->count(); ++i)
                items << scenario_->itemText(i);
            return items;
        }())
        return;
    const QSignalBlocker blocker(scenario_);
    scenario_->clear();
    scenario_->addItems(scenarios);
    const int keep = scenario_->findText(current);
    scenario_->setCurrentIndex(keep >= 0 ? keep : (scenarios.isEmpty() ? -1 : 0));
    if (scenario_->currentText() != current)
        emit changed();
}

std::vector<PlanProblem> PlanForm::showProblems(const std::vector<PlanProblem>& problems) {
    std::map<Field, QStringList> messages;
    std::vector<PlanProblem> elsewhere;
    for (const auto& problem : problems) {
        const auto field = fieldForProblem(problem.field);
        if (!field) {
            elsewhere.push_back(problem);
            continue;
        }
        const QString message = QString::fromStdString(problem.message);
        if (!messages[*field].contains(message))
            messages[*field] << message;
    }
    for (const auto& [field, slot] : fieldSlots_)
        setMessage(field, messages.count(field) ? messages[field].join(QLatin1Char('\n')) : QString());
    return elsewhere;
}

void PlanForm::setMessage(Field field, const QString& message) {
    FieldSlot& slot = fieldSlots_.at(field);
    if (slot.message->text() == message && slot.message->isHidden() == message.isEmpty())
        return;
    slot.message->setText(message);
    slot.message->setVisible(!message.isEmpty());
    // The frame: a property the style sheet keys on, so the widget keeps its native look when fine.
    slot.input->setProperty("planProblem", !message.isEmpty());
    slot.input->setStyleSheet(
        message.isEmpty()
            ? QString()
            : QStringLiteral("*[planProblem=\"true\"] { border: 2px solid %1; }").arg(QLatin1String(kProblemColour)));
    slot.input->setToolTip(message.isEmpty() ? slot.help : message);
}

QString PlanForm::messageAt(Field field) const {
    const auto found = fieldSlots_.find(field);
    return found == fieldSlots_.end() || found->second.message->isHidden() ? QString() : found->second.message->text();
}

QLineEdit* PlanForm::ratesListEdit() const {
    return rates_->listEdit();
}

QComboBox* PlanForm::ratesModeCombo() const {
    return rates_->modeCombo();
}

QWidget* PlanForm::fieldWidget(Field field) const {
    const auto found = fieldSlots_.find(field);
    return found == fieldSlots_.end() ? nullptr : found->second.input;
}

} // namespace loadscope
