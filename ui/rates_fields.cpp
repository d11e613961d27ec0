#include "rates_fields.h"

#include "benchmark_plan.h"
#include "plan_format.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QStackedWidget>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace loadscope {

bool ratesAreArithmetic(const std::vector<double>& rates) {
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

RatesFields::RatesFields(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    mode_ = new QComboBox(this);
    mode_->addItems({tr("List"), tr("Range")});
    mode_->setToolTip(tr("A comma-separated list of requests per second, or an inclusive start / stop / step"));
    stack_ = new QStackedWidget(this);
    list_ = new QLineEdit(stack_);
    list_->setPlaceholderText(tr("e.g. 500,1000,1500 (requests per second)"));
    auto* rangeRow = new QWidget(stack_);
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
    start_ = makeRateSpin(tr("from "));
    stop_ = makeRateSpin(tr("to "));
    step_ = makeRateSpin(tr("step "));
    rangeLayout->addWidget(start_);
    rangeLayout->addWidget(stop_);
    rangeLayout->addWidget(step_);
    stack_->addWidget(list_);
    stack_->addWidget(rangeRow);
    stack_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    stack_->setFixedHeight(list_->sizeHint().height());
    layout->addWidget(mode_);
    layout->addWidget(stack_, 1);

    connect(mode_, &QComboBox::currentIndexChanged, this, [this](int mode) {
        stack_->setCurrentIndex(mode);
        emit changed();
    });
    connect(list_, &QLineEdit::textChanged, this, &RatesFields::changed);
    for (auto* spin : {start_, stop_, step_})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &RatesFields::changed);
}

std::string RatesFields::text() const {
    if (mode_->currentIndex() == 0)
        return list_->text().toStdString();
    return QStringLiteral("%1:%2:%3")
        .arg(planNumberText(start_->value()), planNumberText(stop_->value()), planNumberText(step_->value()))
        .toStdString();
}

void RatesFields::setRates(const std::vector<double>& rates) {
    if (ratesAreArithmetic(rates)) {
        start_->setValue(rates.front());
        stop_->setValue(rates.back());
        step_->setValue(rates[1] - rates[0]);
        mode_->setCurrentIndex(1);
    } else {
        QStringList list;
        for (double rate : rates)
            list << planNumberText(rate);
        list_->setText(list.join(QLatin1Char(',')));
        mode_->setCurrentIndex(0);
    }
    stack_->setCurrentIndex(mode_->currentIndex());
}

QString RatesFields::previewText() const {
    try {
        const std::vector<double> rates = parseRates(text());
        QStringList shown;
        for (std::size_t i = 0; i < rates.size(); ++i) {
            if (rates.size() > 8 && i == 4) {
                shown << QStringLiteral("…");
                i = rates.size() - 3;
            }
            shown << planNumberText(rates[i]);
        }
        return tr("%1: %2")
            .arg(countOf(static_cast<long long>(rates.size()), "rate", "rates"))
            .arg(shown.join(QStringLiteral(", ")));
    } catch (const std::exception&) {
        return {}; // the problem itself is shown under the field
    }
}

} // namespace loadscope
