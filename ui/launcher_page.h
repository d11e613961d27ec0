#pragma once
// LauncherPage: where a run is set up. Targets as a checklist with preflight status and versions, the plan's fields
// (PlanForm), presets, the estimated total time and Run. Run stays disabled until the plan is valid; every problem is
// shown at its field. Emits runRequested(); the main window hands the plan to the Live run page.

#include "benchmark_plan.h"
#include "target_definition.h"

#include <QMetaType>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QTableView;

namespace loadscope {

class LauncherTargetModel;
class PlanForm;

class LauncherPage : public QWidget {
    Q_OBJECT
public:
    // Shows `catalog` (by default TargetCatalog::loadDefault(): resources/targets and the user's folder) and the last
    // plan run, or the `quick` preset the first time.
    explicit LauncherPage(QWidget* parent = nullptr, std::optional<TargetCatalog> catalog = std::nullopt);

    // Replaces the catalog (tests, File > Reload targets) and re-runs the preflight checks.
    void setCatalog(const TargetCatalog& catalog);
    const TargetCatalog& catalog() const;

    // The plan as the page shows it (targets included), and whether it may run now.
    BenchmarkPlan currentPlan() const;
    bool canRun() const;
    // What is wrong with the plan right now (empty when Run is enabled), in field order.
    std::vector<PlanProblem> problems() const { return problems_; }

    // Fills the page from a preset ("quick", "seed-simple", "seed-complex"); false when unknown.
    bool applyPreset(const QString& name, bool faithful = false);

    // Accessors for tests and screenshots.
    PlanForm* form() const { return form_; }
    LauncherTargetModel* targetModel() const { return targets_; }
    QTableView* targetView() const { return targetView_; }
    QPushButton* runButton() const { return runButton_; }
    QString targetsMessage() const;
    QString generalMessage() const;
    QString estimateText() const;

public slots:
    // "Re-run with the same plan" from History: fills every field from the stored plan JSON. Targets that cannot run
    // here are named in the page's message. Returns false (and says why) when the JSON is not a plan.
    bool loadPlan(const QString& planJson);
    // While a run goes, Run is disabled and says so.
    void setRunInProgress(bool running);
    // Re-reads the target definitions from disk.
    void reloadTargets();

signals:
    void runRequested(const loadscope::BenchmarkPlan& plan);

private:
    // The steps of the constructor.
    QHBoxLayout* createHeader();
    QGroupBox* createTargetsBox();
    QHBoxLayout* createFooter();
    void connectEdits();
    // The plan as the page shows it (fields, preset, checked targets); `problems` gets what the fields and the
    // checklist say is wrong.
    BenchmarkPlan shownPlan(std::vector<PlanProblem>* problems) const;
    // After every edit: the problems at their fields and elsewhere, the SLO preview, the estimate and Run.
    void revalidate();
    void addRunnerProblems(const BenchmarkPlan& plan, std::vector<PlanProblem>& problems) const;
    std::vector<double> idealLatencies(const BenchmarkPlan& plan) const;
    void showProblemsOutsideTheForm(const std::vector<PlanProblem>& elsewhere);
    void updateRunButton(bool valid);
    void fitTargetList();
    QString describeEstimate(const BenchmarkPlan& plan) const;
    void updateScenarios();
    void requestRun();
    void setNotice(const QString& text);

    LauncherTargetModel* targets_ = nullptr;
    QTableView* targetView_ = nullptr;
    QLabel* targetsMessage_ = nullptr;
    QLabel* notice_ = nullptr; // e.g. "targets of the loaded plan that cannot run here"
    QComboBox* preset_ = nullptr;
    QCheckBox* faithful_ = nullptr;
    PlanForm* form_ = nullptr;
    QLabel* estimate_ = nullptr;
    QLabel* generalMessage_ = nullptr;
    QPushButton* runButton_ = nullptr;
    std::vector<PlanProblem> problems_;
    bool runInProgress_ = false;
    bool applyingPreset_ = false;
    std::string presetLabel_; // BenchmarkPlan::preset of the preset the fields came from; empty once edited
};

} // namespace loadscope

Q_DECLARE_METATYPE(loadscope::BenchmarkPlan)
