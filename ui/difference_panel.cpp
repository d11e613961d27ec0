#include "difference_panel.h"

#include "difference_model.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QTableView>
#include <QVBoxLayout>

namespace loadscope {

namespace {

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent) {
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionMode(QAbstractItemView::NoSelection);
    view->setWordWrap(false);
    view->setAlternatingRowColors(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setStretchLastSection(true);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return view;
}

// The default pair: one target in the first two runs when runs are compared, else the first two targets.
std::pair<int, int> defaultPair(const ResultsDataset& data) {
    const auto series = data.series();
    if (data.multiRun())
        for (std::size_t i = 0; i < series.size(); ++i)
            for (std::size_t j = i + 1; j < series.size(); ++j)
                if (series[i].second == series[j].second && series[i].first != series[j].first)
                    return {static_cast<int>(i), static_cast<int>(j)};
    return {0, series.size() > 1 ? 1 : 0};
}

} // namespace

DifferencePanel::DifferencePanel(QWidget* parent)
    : QWidget(parent)
    , first_(new QComboBox(this))
    , second_(new QComboBox(this))
    , summary_(new QLabel(this))
    , pairModel_(new PairDifferenceModel(this))
    , gridTitle_(new QLabel(this))
    , gridModel_(new KneeGridModel(this)) {
    pairView_ = makeTable(pairModel_, this);
    gridView_ = makeTable(gridModel_, this);
    first_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    second_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    auto* legend = new QLabel(
        tr("'>' the first is better (holds more load, or a lower p99), '<' worse, '\u2248' no real difference shown. "
           "At a rate: the p99 ratio [95 % bootstrap interval over repetitions] and the Mann-Whitney U test on the "
           "repetitions' p99s; a difference is claimed when p < 0.05 and the ratio differs from 1 by >= 5 %. Knees "
           "differ only when their intervals do not overlap."),
        this);
    legend->setWordWrap(true);
    gridTitle_->setText(tr("<b>Knees, target \u00d7 run</b> (symbols against the first run)"));

    auto* pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("Compare"), this));
    pick->addWidget(first_);
    pick->addWidget(new QLabel(tr("with"), this));
    pick->addWidget(second_);
    pick->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(pick);
    layout->addWidget(summary_);
    layout->addWidget(pairView_, 2);
    layout->addWidget(legend);
    layout->addWidget(gridTitle_);
    layout->addWidget(gridView_, 1);

    connect(first_, &QComboBox::currentIndexChanged, this, &DifferencePanel::update);
    connect(second_, &QComboBox::currentIndexChanged, this, &DifferencePanel::update);
}

void DifferencePanel::setDataset(std::shared_ptr<const ResultsDataset> data) {
    data_ = std::move(data);
    {
        const QSignalBlocker a(first_), b(second_);
        first_->clear();
        second_->clear();
        if (data_)
            for (const auto& [runIndex, target] : data_->series()) {
                const QString label = QString::fromStdString(data_->seriesLabel(runIndex, target));
                first_->addItem(label);
                second_->addItem(label);
            }
        if (data_) {
            const auto [a0, b0] = defaultPair(*data_);
            first_->setCurrentIndex(a0);
            second_->setCurrentIndex(b0);
        }
    }
    gridModel_->setDataset(data_ && data_->multiRun() ? data_ : nullptr);
    gridTitle_->setVisible(data_ && data_->multiRun());
    gridView_->setVisible(data_ && data_->multiRun());
    update();
}

void DifferencePanel::setPair(int a, int b) {
    {
        const QSignalBlocker blockA(first_), blockB(second_);
        first_->setCurrentIndex(a);
        second_->setCurrentIndex(b);
    }
    update();
}

void DifferencePanel::update() {
    const int a = first_->currentIndex(), b = second_->currentIndex();
    if (!data_ || a < 0 || b < 0 || a == b) {
        pairModel_->setPair(nullptr, 0, 0);
        summary_->setText(data_ && first_->count() < 2 ? tr("Only one series: nothing to compare.")
                                                       : tr("Pick two different series."));
        return;
    }
    pairModel_->setPair(data_, static_cast<std::size_t>(a), static_cast<std::size_t>(b));
    const PairVerdict& verdict = pairModel_->verdict();
    const QString words = PairDifferenceModel::kneeWords(verdict.knee, first_->currentText(), second_->currentText());
    summary_->setText(tr("<b>%1 vs %2</b>: %3 <b>%4</b> %5 (%6)%7")
                          .arg(first_->currentText().toHtmlEscaped(), second_->currentText().toHtmlEscaped(),
                               first_->currentText().toHtmlEscaped(),
                               verdict.knee.decidable
                                   ? QString::fromStdString(std::string(symbolOf(verdict.knee.ordering)))
                                   : QStringLiteral("?"),
                               second_->currentText().toHtmlEscaped(), words.toHtmlEscaped())
                          .arg(verdict.rates.empty() ? tr("; no rate measured by both") : QString()));
}

} // namespace loadscope
