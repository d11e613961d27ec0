#include "search_fields.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>

namespace loadscope {

SearchFields::SearchFields(QWidget* parent)
    : QWidget(parent) {
    startAuto_ = new QCheckBox(tr("auto start"), this);
    startAuto_->setToolTip(tr("Start at a tenth of what the connections carry at the scenario's ideal latency"));
    start_ = new QDoubleSpinBox(this);
    start_->setRange(1, 10'000'000);
    start_->setDecimals(0);
    start_->setPrefix(tr("from "));
    start_->setSuffix(tr(" req/s"));
    start_->setAccelerated(true);
    start_->setToolTip(tr("The first rate probed; the search climbs by x1.5 from here until the SLO breaks"));
    resolution_ = new QDoubleSpinBox(this);
    resolution_->setRange(1, 50);
    resolution_->setDecimals(0);
    resolution_->setPrefix(tr("resolution "));
    resolution_->setSuffix(tr(" %"));
    resolution_->setToolTip(tr("Bisect until the lowest broken rate is within this of the highest held one"));
    budget_ = new QDoubleSpinBox(this);
    budget_->setRange(0, 24 * 60);
    budget_->setDecimals(1);
    budget_->setPrefix(tr("budget "));
    budget_->setSuffix(tr(" min"));
    budget_->setSpecialValueText(tr("no time budget"));
    budget_->setToolTip(tr("Stop the whole search after this long and report the bracket reached (0: no budget)"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(startAuto_);
    layout->addWidget(start_, 1);
    layout->addWidget(resolution_, 1);
    layout->addWidget(budget_, 1);

    connect(startAuto_, &QCheckBox::toggled, start_, &QWidget::setDisabled);
    connect(startAuto_, &QCheckBox::toggled, this, &SearchFields::changed);
    for (auto* spin : {start_, resolution_, budget_})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &SearchFields::changed);
    setSettings(SearchSettings{});
}

void SearchFields::setSettings(const SearchSettings& settings) {
    const QSignalBlocker blocker(this);
    kept_ = settings;
    startAuto_->setChecked(!settings.startRps.has_value());
    start_->setEnabled(settings.startRps.has_value());
    start_->setValue(settings.startRps.value_or(500));
    resolution_->setValue(settings.resolution * 100.0);
    budget_->setValue(settings.maxTimeS ? *settings.maxTimeS / 60.0 : 0.0);
}

SearchSettings SearchFields::settings() const {
    SearchSettings settings = kept_;
    settings.startRps = startAuto_->isChecked() ? std::nullopt : std::optional<double>(start_->value());
    settings.resolution = resolution_->value() / 100.0;
    settings.maxTimeS = budget_->value() > 0 ? std::optional<double>(budget_->value() * 60.0) : std::nullopt;
    return settings;
}

} // namespace loadscope
