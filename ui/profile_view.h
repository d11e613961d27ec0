#pragma once
// The Results page's Profile tab: the flame graph of a profiled step (picked among the loaded runs' profiled
// steps), optionally against a second step as a differential flame graph, with the top functions (or the top
// differences) as a sortable table beside it, a search box with the matching share, the idle share, and export as
// SVG, PNG or folded text. Profiles load on a worker thread (RunStore::loadProfile).

#include "flame_graph_widget.h"
#include "folded_profile.h"
#include "profile_models.h"
#include "run_types.h"

#include <QWidget>

#include <filesystem>
#include <map>
#include <optional>
#include <vector>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace loadscope {

class ProfileView : public QWidget {
    Q_OBJECT
public:
    explicit ProfileView(QWidget* parent = nullptr);

    void setDatabase(const std::filesystem::path& path);
    // Lists the runs' profiled steps and shows the first (nothing to show: a hint how to profile).
    void setRuns(const std::vector<Run>& runs);
    // Picks the step shown and the one compared with (-1: none), by their positions in the step list.
    void selectSteps(int step, int base);
    int profiledStepCount() const { return static_cast<int>(entries_.size()); }

    // Shows profiles directly (what setRuns ends in once they are loaded; tests use it as is).
    void showProfiles(const FoldedProfile& profile, const QString& label, const std::optional<FoldedProfile>& base,
                      const QString& baseLabel);
    void setSearch(const QString& text);

    enum class ExportFormat { Svg, Png, Folded };
    // Writes the graph shown (differential when comparing; folded: the step's stacks). Returns "" or the error.
    QString exportTo(const QString& path, ExportFormat format) const;

    FlameGraphWidget* graph() const { return graph_; }
    QTableView* table() const { return table_; }
    TopFunctionsModel* topModel() const { return top_; }
    FunctionDifferenceModel* differenceModel() const { return differences_; }
    QString summaryText() const;

signals:
    void hovered(const QString& text);
    void statusMessage(const QString& message);
    void errorOccurred(const QString& message);

private:
    struct Entry {
        std::int64_t stepId = 0;
        QString label;
    };
    // The steps of the constructor.
    QHBoxLayout* createControls();
    QSplitter* createGraphAndTable();
    void loadSelected();
    void updateSummary();
    void exportInteractive(ExportFormat format);

    std::filesystem::path database_;
    std::vector<Entry> entries_;
    quint64 generation_ = 0;
    FoldedProfile profile_;
    std::optional<FoldedProfile> base_;
    QString label_, baseLabel_;
    QComboBox* stepBox_;
    QComboBox* baseBox_;
    QLineEdit* search_;
    QLabel* summary_;
    QLabel* hint_;
    FlameGraphWidget* graph_;
    QTableView* table_;
    QSortFilterProxyModel* sorted_;
    TopFunctionsModel* top_;
    FunctionDifferenceModel* differences_;
};

} // namespace loadscope
