#pragma once
// ProfileFields: the Launcher's "Profile the server" row: a checkbox, the rates to profile at (empty: every rate) and
// the Python sampler's rate. It fills BenchmarkPlan::profile as `loadscope run --profile --profile-rates
// --profile-hz` do, with the runner's own rules (parseRates, profileRateOutsidePlan). The repetitions to profile
// (`--profile-repetitions`) are kept as the plan or preset set them; docs/profiling.md describes every setting.

#include "profile_settings.h"

#include <QWidget>

#include <string>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace loadscope {

class ProfileFields : public QWidget {
    Q_OBJECT
public:
    explicit ProfileFields(QWidget* parent = nullptr);

    void setSettings(const ProfileSettings& settings);
    // The settings as the fields say, the repetitions as setSettings() last gave them. A rates text that does not
    // parse, or names a rate the sweep never runs, sets *problem and leaves the rates empty.
    ProfileSettings settings(const std::vector<double>& planRates, bool sweep, std::string* problem) const;

    QCheckBox* enabledBox() const { return enabled_; }
    QLineEdit* ratesEdit() const { return rates_; }
    QDoubleSpinBox* sampleRateSpin() const { return sampleRate_; }

signals:
    void changed();

private:
    ProfileSettings kept_;
    QCheckBox* enabled_ = nullptr;
    QLabel* ratesLabel_ = nullptr;
    QLineEdit* rates_ = nullptr;
    QDoubleSpinBox* sampleRate_ = nullptr;
};

} // namespace loadscope
