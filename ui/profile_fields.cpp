#include "profile_fields.h"

#include "benchmark_plan.h"
#include "number_text.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QStringList>

namespace loadscope {

ProfileFields::ProfileFields(QWidget* parent)
    : QWidget(parent) {
    enabled_ = new QCheckBox(tr("Profile the server"), this);
    enabled_->setToolTip(tr("Sample the server's stacks during each profiled step's measurement (Python targets with "
                            "the sampler, native ones with perf). A profiler costs CPU: the step is marked profiled"));
    rates_ = new QLineEdit(this);
    rates_->setPlaceholderText(tr("empty: every rate; e.g. 1500,2000"));
    rates_->setToolTip(tr("Profile only the steps at these rates (as --profile-rates)"));
    sampleRate_ = new QDoubleSpinBox(this);
    sampleRate_->setRange(1, 1000);
    sampleRate_->setDecimals(0);
    sampleRate_->setSuffix(tr(" Hz"));
    sampleRate_->setToolTip(tr("The Python sampler's rate (as --profile-hz); perf samples native servers at 499 Hz"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(enabled_);
    ratesLabel_ = new QLabel(tr("only at rates"), this);
    ratesLabel_->setBuddy(rates_);
    layout->addWidget(ratesLabel_);
    layout->addWidget(rates_, 1);
    layout->addWidget(sampleRate_);

    for (QWidget* w :
         {static_cast<QWidget*>(ratesLabel_), static_cast<QWidget*>(rates_), static_cast<QWidget*>(sampleRate_)})
        connect(enabled_, &QCheckBox::toggled, w, &QWidget::setEnabled);
    connect(enabled_, &QCheckBox::toggled, this, &ProfileFields::changed);
    connect(rates_, &QLineEdit::textChanged, this, &ProfileFields::changed);
    connect(sampleRate_, &QDoubleSpinBox::valueChanged, this, &ProfileFields::changed);
    setSettings(ProfileSettings{});
}

void ProfileFields::setSettings(const ProfileSettings& settings) {
    const QSignalBlocker blocker(this);
    kept_ = settings;
    enabled_->setChecked(settings.enabled);
    rates_->setEnabled(settings.enabled);
    ratesLabel_->setEnabled(settings.enabled);
    sampleRate_->setEnabled(settings.enabled);
    QStringList rates;
    for (double rate : settings.rates)
        rates << QString::fromStdString(formatNumber(rate));
    rates_->setText(rates.join(QLatin1Char(',')));
    sampleRate_->setValue(settings.sampleRateHz);
}

ProfileSettings ProfileFields::settings(const std::vector<double>& planRates, bool sweep, std::string* problem) const {
    ProfileSettings settings = kept_;
    settings.enabled = enabled_->isChecked();
    settings.sampleRateHz = sampleRate_->value();
    settings.rates.clear();
    if (!settings.enabled)
        return settings;
    const std::string text = rates_->text().trimmed().toStdString();
    try {
        if (!text.empty())
            settings.rates = parseRates(text);
    } catch (const std::exception& error) {
        // "'1000x' is not a rate ...", without parseRates' leading "rates: " (the field is the rates to profile at).
        std::string message = error.what();
        if (message.rfind("rates: ", 0) == 0)
            message.erase(0, 7);
        if (problem)
            *problem = message;
        return settings;
    }
    const std::string outside = profileRateOutsidePlan(settings, planRates, sweep);
    if (!outside.empty() && problem)
        *problem = outside;
    return settings;
}

} // namespace loadscope
