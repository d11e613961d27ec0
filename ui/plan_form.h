#pragma once
// PlanForm: the fields of a BenchmarkPlan except its targets (the Launcher's checklist holds those): name, scenario,
// mode (a sweep of rates, or a knee search), rates (RatesFields: a list, or start/stop/step) or the search's start,
// resolution and time budget, arrivals, duration, warm-up, cool-down, repetitions, connections (auto or N), request
// timeout, order, CPU pinning, stop rule and SLO (with its limit in milliseconds for the checked targets), and the
// other hosts: the server host and the generator hosts over SSH, with a "Check hosts" row (HostFields) showing each
// host's state.
//
// Text fields are parsed with the runner's own parsers (parseRates, parseSlo) so the GUI accepts exactly what the CLI
// and plan files accept. Problems are shown at their field: a red frame and the reason in a line under it.

#include "benchmark_plan.h"

#include <QWidget>

#include <map>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace loadscope {

class PlanForm : public QWidget {
    Q_OBJECT
public:
    // Where a problem is shown; the keys validatePlan() uses for its fields ("rates[2]" and "slo.p99" map to their
    // first part).
    enum class Field {
        Name,
        Scenario,
        Mode,
        Rates,
        Search,
        Arrivals,
        Duration,
        Warmup,
        Cooldown,
        Repetitions,
        Connections,
        RequestTimeout,
        Order,
        Pinning,
        StopRule,
        Slo,
        ServerHost,
        GeneratorHosts,
        Profile
    };
    static std::optional<Field> fieldForProblem(const std::string& field);

    explicit PlanForm(QWidget* parent = nullptr);

    // The plan as the fields say (targets left empty). Fields that do not parse add a problem and keep the plan's
    // default for that member.
    BenchmarkPlan plan(std::vector<PlanProblem>* problems = nullptr) const;
    // Fills every field from `plan` (its targets are ignored here).
    void setPlan(const BenchmarkPlan& plan);
    // The run name used when the field is left empty (defaultRunName() of the plan), shown as its placeholder.
    void setNamePlaceholder(const QString& name);
    // Scenario names offered; the current choice is kept when still offered.
    void setScenarios(const QStringList& scenarios);
    // The ideal latencies (ms) of the checked targets in the chosen scenario, so the SLO line can say what a factor
    // means: "p99 <= 1.5 x ideal (75 ms)".
    void setIdealLatencies(const std::vector<double>& idealMs);
    // The SLO in words under its field, e.g. "p99 ≤ 1.5 x ideal (75 ms), errors < 0.1 %" (empty when it does not
    // parse: the problem is shown instead).
    QString sloPreview() const;

    // Shows these problems at their fields and clears the others. Returns the problems no field of this form owns
    // (e.g. "targets"), for the caller to show.
    std::vector<PlanProblem> showProblems(const std::vector<PlanProblem>& problems);
    // The message shown under a field (empty when it is fine). For tests and accessibility.
    QString messageAt(Field field) const;
    QWidget* fieldWidget(Field field) const;

    // Direct access for tests that type into the form.
    QLineEdit* ratesListEdit() const;
    QDoubleSpinBox* durationSpin() const { return duration_; }
    QLineEdit* sloEdit() const { return slo_; }
    QComboBox* ratesModeCombo() const;
    QComboBox* modeCombo() const { return mode_; }
    QLineEdit* serverHostEdit() const { return serverHost_; }
    QLineEdit* generatorHostsEdit() const { return generatorHosts_; }
    class HostFields* hostFields() const {
        return hostFields_;
    }
    class SearchFields* searchFields() const {
        return search_;
    }
    class ProfileFields* profileFields() const {
        return profile_;
    }

signals:
    // Any field was edited.
    void changed();

private:
    struct FieldSlot {
        QWidget* input = nullptr;  // gets the red frame
        QLabel* message = nullptr; // the reason, under the field
        QString help;              // the input's own tooltip, shown again once the problem is gone
    };
    QWidget* addField(QFormLayout* form, Field field, const QString& label, QWidget* input, QWidget* framed = nullptr,
                      const QString& help = {});
    // The steps of the constructor: the two columns of fields, the hosts, and the edits that re-validate.
    void addLoadFields(QFormLayout* form);
    void addMethodFields(QFormLayout* form);
    QWidget* createConnectionsRow();
    QWidget* createPinningRow();
    void addHostFields(QFormLayout* form);
    QLabel* addPreviewLine(QWidget* field);
    void connectEdits();
    // The steps of plan() and setPlan(), one per column of fields.
    void readLoadFields(BenchmarkPlan& plan, std::vector<PlanProblem>* problems) const;
    std::vector<double> readRates(std::vector<PlanProblem>* problems) const;
    void readMethodFields(BenchmarkPlan& plan, std::vector<PlanProblem>* problems) const;
    void fillLoadFields(const BenchmarkPlan& plan);
    void fillMethodFields(const BenchmarkPlan& plan);
    void updateRatesPreview();
    void updateSloPreview();
    void showModeFields();
    void setMessage(Field field, const QString& message);

    QLineEdit* name_ = nullptr;
    QComboBox* scenario_ = nullptr;
    QComboBox* mode_ = nullptr;
    class SearchFields* search_ = nullptr;
    class ProfileFields* profile_ = nullptr;
    QWidget* ratesField_ = nullptr;
    QWidget* searchField_ = nullptr;
    QFormLayout* loadForm_ = nullptr;
    QLabel* sloPreview_ = nullptr;
    std::vector<double> idealMs_;
    class RatesFields* rates_ = nullptr;
    QLabel* ratesPreview_ = nullptr;
    QComboBox* arrivals_ = nullptr;
    QDoubleSpinBox* duration_ = nullptr;
    QDoubleSpinBox* warmup_ = nullptr;
    QDoubleSpinBox* cooldown_ = nullptr;
    QSpinBox* repetitions_ = nullptr;
    QCheckBox* connectionsAuto_ = nullptr;
    QSpinBox* connections_ = nullptr;
    QDoubleSpinBox* requestTimeout_ = nullptr;
    QComboBox* order_ = nullptr;
    QCheckBox* pinning_ = nullptr;
    QSpinBox* serverCore_ = nullptr;
    QSpinBox* generatorCore_ = nullptr;
    QCheckBox* stopRule_ = nullptr;
    QLineEdit* slo_ = nullptr;
    QLineEdit* serverHost_ = nullptr;
    QLineEdit* generatorHosts_ = nullptr;
    class HostFields* hostFields_ = nullptr;
    std::map<Field, FieldSlot> fieldSlots_;
};

} // namespace loadscope
