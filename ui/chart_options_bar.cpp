#include "chart_options_bar.h"

#include "chart_text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSignalBlocker>
#include <QToolButton>

namespace loadscope {

ChartOptionsBar::ChartOptionsBar(QWidget* parent)
    : QWidget(parent)
    , percentileGroup_(new QWidget(this))
    , xAxis_(new QComboBox(this))
    , log_(new QCheckBox(tr("Log scale"), this))
    , bands_(new QCheckBox(tr("Min\u2013max band"), this))
    , rateLabel_(new QLabel(tr("Rate"), this))
    , rate_(new QComboBox(this))
    , spectrumRates_(new QToolButton(this))
    , spectrumMenu_(new QMenu(this))
    , repetitionLabel_(new QLabel(tr("Repetition"), this))
    , repetition_(new QComboBox(this))
    , reset_(new QToolButton(this))
    , export_(new QToolButton(this)) {
    addPercentileButtons();
    setPercentiles(options_.percentiles);
    describeControls();
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(percentileGroup_);
    layout->addWidget(xAxis_);
    layout->addWidget(log_);
    layout->addWidget(bands_);
    layout->addWidget(rateLabel_);
    layout->addWidget(rate_);
    layout->addWidget(spectrumRates_);
    layout->addWidget(repetitionLabel_);
    layout->addWidget(repetition_);
    layout->addStretch();
    layout->addWidget(reset_);
    layout->addWidget(export_);
    connectControls();
    setChartKind(ChartKind::LatencyVsRps);
}

// "Percentiles" and one toggle per percentile; the checked ones are the options' percentiles.
void ChartOptionsBar::addPercentileButtons() {
    auto* percentileLayout = new QHBoxLayout(percentileGroup_);
    percentileLayout->setContentsMargins(0, 0, 0, 0);
    percentileLayout->setSpacing(2);
    percentileLayout->addWidget(new QLabel(tr("Percentiles"), percentileGroup_));
    for (Percentile p : allPercentiles()) {
        auto* button = new QToolButton(percentileGroup_);
        button->setText(QString::fromLatin1(percentileLabel(p).data()));
        button->setCheckable(true);
        button->setToolTip(tr("Show the %1 curve of every target").arg(button->text()));
        percentileLayout->addWidget(button);
        percentiles_.emplace_back(p, button);
        connect(button, &QToolButton::toggled, this, [this] {
            options_.percentiles.clear();
            for (const auto& [percentile, b] : percentiles_)
                if (b->isChecked())
                    options_.percentiles.push_back(percentile);
            emitChanged();
        });
    }
}

// Items, texts and tooltips of the other controls.
void ChartOptionsBar::describeControls() {
    xAxis_->addItem(tr("x: requested rate"), false);
    xAxis_->addItem(tr("x: achieved rate"), true);
    xAxis_->setToolTip(tr("Plot against the rate asked for, or the rate the server actually answered"));
    bands_->setChecked(false); // the p99 interval says more; the band stays one click away
    bands_->setToolTip(tr("Shade the range between the fastest and the slowest repetition"));
    rate_->setToolTip(tr("The rate (requests/s) the comparison, timeline and spectrum show"));
    spectrumRates_->setText(tr("More steps"));
    spectrumRates_->setPopupMode(QToolButton::InstantPopup);
    spectrumRates_->setMenu(spectrumMenu_);
    spectrumRates_->setToolTip(tr("Add the spectra of other rates"));
    reset_->setText(tr("Reset view"));
    reset_->setToolTip(tr("Show all data again (also: double-click the chart). Drag to pan, wheel to zoom."));
    export_->setText(tr("Export"));
    export_->setPopupMode(QToolButton::InstantPopup);
}

// Each control writes its field of the options and says so.
void ChartOptionsBar::connectControls() {
    connect(xAxis_, &QComboBox::currentIndexChanged, this, [this] {
        options_.achievedRateAxis = xAxis_->currentData().toBool();
        emitChanged();
    });
    connect(log_, &QCheckBox::toggled, this, [this](bool on) {
        options_.logLatencyAxis = on;
        emitChanged();
    });
    connect(bands_, &QCheckBox::toggled, this, [this](bool on) {
        options_.showBands = on;
        emitChanged();
    });
    connect(rate_, &QComboBox::currentIndexChanged, this, [this] {
        if (rate_->currentIndex() < 0)
            return;
        options_.focusRate = rate_->currentData().toDouble();
        fillRepetitions();
        emitChanged();
    });
    connect(repetition_, &QComboBox::currentIndexChanged, this, [this] {
        if (repetition_->currentIndex() < 0)
            return;
        options_.repetition = repetition_->currentData().toInt();
        emitChanged();
    });
    connect(reset_, &QToolButton::clicked, this, &ChartOptionsBar::resetViewRequested);
}

QToolButton* ChartOptionsBar::percentileButton(Percentile p) const {
    for (const auto& [percentile, button] : percentiles_)
        if (percentile == p)
            return button;
    return nullptr;
}

void ChartOptionsBar::setPercentiles(const std::vector<Percentile>& percentiles) {
    for (const auto& [p, button] : percentiles_) {
        const QSignalBlocker blocker(button);
        button->setChecked(std::find(percentiles.begin(), percentiles.end(), p) != percentiles.end());
    }
    options_.percentiles = percentiles;
}

void ChartOptionsBar::setDataset(const ResultsDataset& data) {
    data_ = &data;
    {
        const QSignalBlocker blocker(rate_);
        rate_->clear();
        for (double r : data.rates)
            rate_->addItem(tr("%1/s").arg(formatRate(r)), r);
        const std::optional<double> focus = data.defaultFocusRate();
        options_.focusRate = focus;
        if (focus)
            rate_->setCurrentIndex(rate_->findData(*focus));
    }
    spectrumMenu_->clear();
    options_.spectrumRates.clear();
    for (double r : data.rates) {
        QAction* action = spectrumMenu_->addAction(tr("%1 requests/s").arg(formatRate(r)));
        action->setCheckable(true);
        action->setData(r);
        connect(action, &QAction::toggled, this, [this] {
            options_.spectrumRates.clear();
            for (QAction* a : spectrumMenu_->actions())
                if (a->isChecked())
                    options_.spectrumRates.push_back(a->data().toDouble());
            emitChanged();
        });
    }
    fillRepetitions();
}

void ChartOptionsBar::fillRepetitions() {
    const QSignalBlocker blocker(repetition_);
    const int current = options_.repetition;
    repetition_->clear();
    if (!data_ || !options_.focusRate)
        return;
    for (int r : repetitionsAt(*data_, *options_.focusRate))
        repetition_->addItem(QString::number(r), r);
    const int index = repetition_->findData(current);
    repetition_->setCurrentIndex(index >= 0 ? index : 0);
    options_.repetition = repetition_->currentData().toInt();
}

void ChartOptionsBar::setChartKind(ChartKind kind) {
    const bool curves = kind == ChartKind::LatencyVsRps;
    const bool singleRate = kind == ChartKind::Comparison || kind == ChartKind::Timeline || kind == ChartKind::Spectrum;
    percentileGroup_->setVisible(curves);
    xAxis_->setVisible(curves);
    bands_->setVisible(curves);
    log_->setVisible(kind != ChartKind::Resources);
    rateLabel_->setVisible(singleRate);
    rate_->setVisible(singleRate);
    spectrumRates_->setVisible(kind == ChartKind::Spectrum);
    repetitionLabel_->setVisible(kind == ChartKind::Timeline);
    repetition_->setVisible(kind == ChartKind::Timeline);
}

void ChartOptionsBar::emitChanged() {
    emit optionsChanged(options_);
}

} // namespace loadscope
