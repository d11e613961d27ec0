#include "plan_form.h"

#include "host_fields.h"
#include "plan_format.h"
#include "profile_fields.h"
#include "search_fields.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

#include <cmath>
#include <sstream>

namespace loadscope {

namespace {
// The frame and message colour of a field with a problem: Okabe-Ito vermillion, readable on light and dark palettes.
constexpr auto kProblemColour = "#d55e00";

QString planNumberText(double value) {
    return QString::number(value, 'g', 12);
}

QDoubleSpinBox* secondsSpin(double minimum, double maximum, QWidget* parent) {
    auto* spin = new QDoubleSpinBox(parent);
    spin->setRange(minimum, maximum);
    spin->setDecimals(1);
    spin->setSuffix(QObject::tr(" s"));
    spin->setAccelerated(true);
    return spin;
}

// "p99<75ms,errors<0.1%" or "p99<=1.5x,errors<0.1%": the text parseSlo() reads back to the same objective.
QString sloText(const ServiceLevelObjective& slo) {
    QString p99 = slo.p99MaxMs ? QStringLiteral("p99<%1ms").arg(planNumberText(*slo.p99MaxMs))
                               : QStringLiteral("p99<=%1x").arg(planNumberText(slo.p99FactorOfIdeal));
    return QStringLiteral("%1,errors<%2%").arg(p99, planNumberText(slo.maxErrorRate * 100.0));
}

// Equally spaced rates (at least three) are shown as start/stop/step, anything else as a list.
bool isArithmetic(const std::vector<double>& rates) {
    if (rates.size() < 3)
        return false;
    const double step = rates[1] - rates[0];
    if (step <= 0)
        return false;
    for (std::size_t i = 2; i < rates.size(); ++i)
        if (std::abs(rates[i] - rates[i - 1] - step) > 1e-9 * std::max(1.0, step))
            return false;
    return true;
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

    name_ = new QLineEdit(this);
    name_->setPlaceholderText(tr("automatic, e.g. \"simple: aiohttp vs tornado-gen\""));
    addField(loadForm, Field::Name, tr("Run name"), name_);

    scenario_ = new QComboBox(this);
    addField(loadForm, Field::Scenario, tr("Scenario"), scenario_, nullptr,
             tr("The request every target answers, e.g. simple (one 50 ms wait) or complex (four waits, ~125 ms)."));

    mode_ = new QComboBox(this);
    mode_->addItem(tr("sweep: measure the rates listed"), static_cast<int>(PlanMode::Sweep));
    mode_->addItem(tr("search: find each target's knee"), static_cast<int>(PlanMode::Search));
    addField(loadForm, Field::Mode, tr("Mode"), mode_, nullptr,
             tr("Sweep: every rate listed, every repetition. Search: climb from a start rate until the SLO breaks, "
                "then bisect to the resolution; no list of rates needed."));
    loadForm_ = loadForm;

    // Rates: a list, or start / stop / step. Both end up as the text parseRates() reads.
    auto* ratesRow = new QWidget(this);
    auto* ratesLayout = new QHBoxLayout(ratesRow);
    ratesLayout->setContentsMargins(0, 0, 0, 0);
    ratesMode_ = new QComboBox(ratesRow);
    ratesMode_->addItems({tr("List"), tr("Range")});
    ratesMode_->setToolTip(tr("A comma-separated list of requests per second, or an inclusive start / stop / step"));
    ratesStack_ = new QStackedWidget(ratesRow);
    ratesList_ = new QLineEdit(ratesStack_);
    ratesList_->setPlaceholderText(tr("e.g. 500,1000,1500 (requests per second)"));
    auto* rangeRow = new QWidget(ratesStack_);
    auto* rangeLayout = new QHBoxLayout(rangeRow);
    rangeLayout->setContentsMargins(0, 0, 0, 0);
    auto makeRateSpin = [rangeRow](const QString& prefix) {
        auto* spin = new QDoubleSpinBox(rangeRow);
        spin->setRange(0, 10'000'000);
        spin->setDecimals(0);
        spin->setPrefix(prefix);
        spin->setAccelerated(true);
        return spin;
    };
    rateStart_ = makeRateSpin(tr("from "));
    rateStop_ = makeRateSpin(tr("to "));
    rateStep_ = makeRateSpin(tr("step "));
    rangeLayout->addWidget(rateStart_);
    rangeLayout->addWidget(rateStop_);
    rangeLayout->addWidget(rateStep_);
    ratesStack_->addWidget(ratesList_);
    ratesStack_->addWidget(rangeRow);
    ratesStack_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    ratesStack_->setFixedHeight(ratesList_->sizeHint().height());
    ratesLayout->addWidget(ratesMode_);
    ratesLayout->addWidget(ratesStack_, 1);
    QWidget* ratesField = addField(loadForm, Field::Rates, tr("Rates (req/s)"), ratesRow, ratesStack_);
    ratesPreview_ = new QLabel(ratesField);
    ratesPreview_->setEnabled(false); // the palette's muted text colour
    ratesPreview_->setWordWrap(true);
    static_cast<QVBoxLayout*>(ratesField->layout())->insertWidget(1, ratesPreview_);
    ratesField_ = ratesField;
    search_ = new SearchFields(this);
    searchField_ = addField(loadForm, Field::Search, tr("Search"), search_);

    arrivals_ = new QComboBox(this);
    arrivals_->addItem(tr("uniform (evenly spaced)"), QStringLiteral("uniform"));
    arrivals_->addItem(tr("poisson (independent clients)"), QStringLiteral("poisson"));
    addField(loadForm, Field::Arrivals, tr("Arrivals"), arrivals_);

    duration_ = secondsSpin(0, 24 * 3600, this);
    addField(loadForm, Field::Duration, tr("Step duration"), duration_, nullptr,
             tr("How long each step is measured, after its warm-up"));
    warmup_ = secondsSpin(0, 3600, this);
    addField(loadForm, Field::Warmup, tr("Warm-up"), warmup_, nullptr,
             tr("Load before each step's measurement, left out of the results"));
    cooldown_ = secondsSpin(0, 3600, this);
    addField(loadForm, Field::Cooldown, tr("Cool-down"), cooldown_, nullptr, tr("Idle time between steps"));
    repetitions_ = new QSpinBox(this);
    repetitions_->setRange(1, 1000);
    addField(loadForm, Field::Repetitions, tr("Repetitions"), repetitions_, nullptr,
             tr("Each target and rate is measured this many times, each repetition with a fresh server"));

    auto* connectionsRow = new QWidget(this);
    auto* connectionsLayout = new QHBoxLayout(connectionsRow);
    connectionsLayout->setContentsMargins(0, 0, 0, 0);
    connectionsAuto_ = new QCheckBox(tr("auto"), connectionsRow);
    connectionsAuto_->setToolTip(tr("rate × ideal latency × 4, at least 256, within the open-file limit"));
    connections_ = new QSpinBox(connectionsRow);
    connections_->setRange(1, 1'000'000);
    connections_->setValue(256);
    connectionsLayout->addWidget(connectionsAuto_);
    connectionsLayout->addWidget(connections_, 1);
    addField(methodForm, Field::Connections, tr("Connections"), connectionsRow, connections_);
    connect(connectionsAuto_, &QCheckBox::toggled, connections_, &QWidget::setDisabled);

    requestTimeout_ = secondsSpin(0, 600, this);
    addField(methodForm, Field::RequestTimeout, tr("Request timeout"), requestTimeout_);

    order_ = new QComboBox(this);
    order_->addItem(tr("interleaved"), static_cast<int>(StepOrder::Interleaved));
    order_->addItem(tr("sequential"), static_cast<int>(StepOrder::Sequential));
    order_->setToolTip(tr("Interleaved: every target at one rate, then the next rate (fairer when the machine drifts). "
                          "Sequential: one target at every rate, then the next target."));
    addField(methodForm, Field::Order, tr("Order"), order_);

    auto* pinningRow = new QWidget(this);
    auto* pinningLayout = new QHBoxLayout(pinningRow);
    pinningLayout->setContentsMargins(0, 0, 0, 0);
    pinning_ = new QCheckBox(tr("pin"), pinningRow);
    pinning_->setToolTip(tr("Server and load generator on separate CPU cores (only with 2 or more cores)"));
    serverCore_ = new QSpinBox(pinningRow);
    serverCore_->setRange(0, 1023);
    serverCore_->setPrefix(tr("server core "));
    generatorCore_ = new QSpinBox(pinningRow);
    generatorCore_->setRange(-1, 1023);
    generatorCore_->setPrefix(tr("generator core "));
    generatorCore_->setSpecialValueText(tr("generator core: last"));
    pinningLayout->addWidget(pinning_);
    pinningLayout->addWidget(serverCore_, 1);
    pinningLayout->addWidget(generatorCore_, 1);
    addField(methodForm, Field::Pinning, tr("CPU pinning"), pinningRow);
    connect(pinning_, &QCheckBox::toggled, serverCore_, &QWidget::setEnabled);
    connect(pinning_, &QCheckBox::toggled, generatorCore_, &QWidget::setEnabled);

    stopRule_ = new QCheckBox(tr("stop a target once it misses the SLO at two rates in a row"), this);
    addField(methodForm, Field::StopRule, tr("Stop rule"), stopRule_);

    slo_ = new QLineEdit(this);
    slo_->setPlaceholderText(tr("e.g. p99<75ms,errors<0.1%  or  p99<=1.5x (of the ideal latency)"));
    QWidget* sloField = addField(methodForm, Field::Slo, tr("SLO"), slo_, nullptr,
                                 tr("The service level a rate must meet to count as held: p99 latency and error rate"));
    sloPreview_ = new QLabel(sloField);
    sloPreview_->setEnabled(false); // muted, as the rates preview
    sloPreview_->setWordWrap(true);
    static_cast<QVBoxLayout*>(sloField->layout())->insertWidget(1, sloPreview_);

    profile_ = new ProfileFields(this);
    addField(methodForm, Field::Profile, tr("Profiling"), profile_, profile_->ratesEdit());

    addHostFields(methodForm);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(loadBox, 1);
    layout->addWidget(methodBox, 1);

    // Every edit re-validates (cheap: parsing and arithmetic only).
    auto notify = [this] { emit changed(); };
    connect(name_, &QLineEdit::textChanged, this, notify);
    connect(scenario_, &QComboBox::currentIndexChanged, this, notify);
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        showModeFields();
        emit changed();
    });
    connect(search_, &SearchFields::changed, this, notify);
    connect(profile_, &ProfileFields::changed, this, notify);
    connect(ratesMode_, &QComboBox::currentIndexChanged, this, [this](int mode) {
        ratesStack_->setCurrentIndex(mode);
        updateRatesPreview();
        emit changed();
    });
    connect(ratesList_, &QLineEdit::textChanged, this, [this] {
        updateRatesPreview();
        emit changed();
    });
    for (auto* spin : {rateStart_, rateStop_, rateStep_})
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this] {
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

    // Enough repetitions for an interval (the analysis bootstraps over repetitions: 3 at least).
    BenchmarkPlan defaults;
    defaults.repetitions = 3;
    setPlan(defaults);
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

std::string PlanForm::ratesText() const {
    if (ratesMode_->currentIndex() == 0)
        return ratesList_->text().toStdString();
    return QStringLiteral("%1:%2:%3")
        .arg(planNumberText(rateStart_->value()), planNumberText(rateStop_->value()),
             planNumberText(rateStep_->value()))
        .toStdString();
}

void PlanForm::updateRatesPreview() {
    try {
        const std::vector<double> rates = parseRates(ratesText());
        QStringList shown;
        for (std::size_t i = 0; i < rates.size(); ++i) {
            if (rates.size() > 8 && i == 4) {
                shown << QStringLiteral("…");
                i = rates.size() - 3;
            }
            shown << planNumberText(rates[i]);
        }
        ratesPreview_->setText(tr("%1: %2")
                                   .arg(countOf(static_cast<long long>(rates.size()), "rate", "rates"))
                                   .arg(shown.join(QStringLiteral(", "))));
    } catch (const std::exception&) {
        ratesPreview_->clear(); // the problem itself is shown under the field
    }
}

BenchmarkPlan PlanForm::plan(std::vector<PlanProblem>* problems) const {
    BenchmarkPlan plan;
    auto report = [problems](std::string field, std::string message) {
        if (problems)
            problems->push_back(PlanProblem{std::move(field), std::move(message)});
    };
    plan.name = name_->text().trimmed().toStdString();
    plan.scenario = scenario_->currentText().toStdString();
    if (plan.scenario.empty())
        report("scenario", "choose a scenario (the checked targets define none in common)");
    plan.mode = static_cast<PlanMode>(mode_->currentData().toInt());
    plan.search = search_->settings();
    plan.rates.clear();
    const std::string rates = ratesText();
    if (plan.mode == PlanMode::Search) {
        // A search needs no rates; none are sent along (the runner would start from the lowest).
    } else if (QString::fromStdString(rates).trimmed().isEmpty()) {
        report("rates", "enter at least one rate, e.g. 500,1000,1500 or the range 500:3000:500");
    } else {
        try {
            plan.rates = parseRates(rates);
        } catch (const std::exception& error) {
            // The message is shown at the Rates field: "'1000x' is not a rate ...", without a leading "rates: ".
            std::string message = error.what();
            if (message.rfind("rates: ", 0) == 0)
                message.erase(0, 7);
            report("rates", message);
        }
    }
    plan.arrivals = arrivals_->currentData().toString().toStdString();
    plan.stepDurationS = duration_->value(); // range checks: validatePlan(), as for the CLI
    plan.warmupS = warmup_->value();
    plan.cooldownS = cooldown_->value();
    plan.repetitions = repetitions_->value();
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
            report("slo", error.what());
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
        report("profile", profileProblem);
    return plan;
}

void PlanForm::setPlan(const BenchmarkPlan& plan) {
    QSignalBlocker blocker(this); // one changed() at the end, not one per field
    name_->setText(QString::fromStdString(plan.name));
    const QString scenario = QString::fromStdString(plan.scenario);
    if (scenario_->findText(scenario) < 0)
        scenario_->addItem(scenario);
    scenario_->setCurrentText(scenario);
    mode_->setCurrentIndex(std::max(0, mode_->findData(static_cast<int>(plan.mode))));
    search_->setSettings(plan.search);
    if (isArithmetic(plan.rates)) {
        rateStart_->setValue(plan.rates.front());
        rateStop_->setValue(plan.rates.back());
        rateStep_->setValue(plan.rates[1] - plan.rates[0]);
        ratesMode_->setCurrentIndex(1);
    } else {
        QStringList list;
        for (double rate : plan.rates)
            list << planNumberText(rate);
        ratesList_->setText(list.join(QLatin1Char(',')));
        ratesMode_->setCurrentIndex(0);
    }
    ratesStack_->setCurrentIndex(ratesMode_->currentIndex());
    const int arrivals = arrivals_->findData(QString::fromStdString(plan.arrivals));
    arrivals_->setCurrentIndex(arrivals < 0 ? 0 : arrivals);
    duration_->setValue(plan.stepDurationS);
    warmup_->setValue(plan.warmupS);
    cooldown_->setValue(plan.cooldownS);
    repetitions_->setValue(plan.repetitions);
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
    slo_->setText(sloText(plan.slo));
    serverHost_->setText(QString::fromStdString(plan.serverHost));
    QStringList generators;
    for (const auto& host : plan.generatorHosts)
        generators << QString::fromStdString(host);
    generatorHosts_->setText(generators.join(QStringLiteral(",")));
    hostFields_->clearStates();
    profile_->setSettings(plan.profile);
    updateRatesPreview();
    updateSloPreview();
    showModeFields();
    blocker.unblock();
    emit changed();
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
    QString text;
    try {
        const QString typed = slo_->text().trimmed();
        const ServiceLevelObjective slo = typed.isEmpty() ? ServiceLevelObjective{} : parseSlo(typed.toStdString());
        QString p99;
        if (slo.p99MaxMs) {
            p99 = tr("p99 ≤ %1 ms").arg(planNumberText(*slo.p99MaxMs));
        } else {
            // The factor in milliseconds for the checked targets: one number when they share an ideal latency.
            QStringList limits;
            for (double ideal : idealMs_)
                if (!limits.contains(planNumberText(slo.p99LimitMs(ideal))))
                    limits << planNumberText(slo.p99LimitMs(ideal));
            p99 = tr("p99 ≤ %1 x ideal").arg(planNumberText(slo.p99FactorOfIdeal));
            if (!limits.isEmpty())
                p99 += limits.size() == 1 ? tr(" (%1 ms)").arg(limits.front())
                                          : tr(" (%1 ms, by target)").arg(limits.join(QStringLiteral(" / ")));
        }
        text = tr("%1, errors < %2 %").arg(p99, planNumberText(slo.maxErrorRate * 100.0));
    } catch (const std::exception&) {
        // the problem itself is shown under the field
    }
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

QWidget* PlanForm::fieldWidget(Field field) const {
    const auto found = fieldSlots_.find(field);
    return found == fieldSlots_.end() ? nullptr : found->second.input;
}

} // namespace loadscope
