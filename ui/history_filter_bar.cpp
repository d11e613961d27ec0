#include "history_filter_bar.h"

#include "run_filter_proxy_model.h"
#include "run_types.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>

namespace loadscope {

namespace {
enum DateChoice { AnyTime, Today, Last7Days, Last30Days, LastYear, Custom };

void setChoicesKeepingCurrent(QComboBox* box, const QString& anyText, const QStringList& values) {
    const QString current = box->currentData().toString();
    const QSignalBlocker blocker(box);
    box->clear();
    box->addItem(anyText, QString());
    for (const QString& value : values)
        box->addItem(value, value);
    const int index = box->findData(current);
    box->setCurrentIndex(index >= 0 ? index : 0);
}
} // namespace

HistoryFilterBar::HistoryFilterBar(RunFilterProxyModel* proxy, QWidget* parent)
    : QWidget(parent)
    , proxy_(proxy)
    , search_(new QLineEdit(this))
    , status_(new QComboBox(this))
    , target_(new QComboBox(this))
    , tag_(new QComboBox(this))
    , date_(new QComboBox(this))
    , from_(new QDateEdit(QDate::currentDate().addDays(-30), this))
    , to_(new QDateEdit(QDate::currentDate(), this))
    , settle_(new QTimer(this)) {
    fillChoices();
    auto* clear = new QToolButton(this);
    clear->setText(tr("Clear filters"));
    clear->setAutoRaise(true);
    connect(clear, &QToolButton::clicked, this, &HistoryFilterBar::clearFilters);

    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed); // one row: never taller than its fields
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(search_, 3);
    layout->addWidget(status_);
    layout->addWidget(target_);
    layout->addWidget(tag_);
    layout->addWidget(date_);
    layout->addWidget(from_);
    layout->addWidget(to_);
    layout->addWidget(clear);
    connectFilters();
}

// The search's placeholder, each combo's "any" item and choices, and the custom dates (hidden until "Between…").
void HistoryFilterBar::fillChoices() {
    search_->setPlaceholderText(tr("Search name, target, tag, notes or #id"));
    search_->setClearButtonEnabled(true);
    search_->setMinimumWidth(240);
    status_->addItem(tr("Any status"), QString());
    for (RunStatus s : {RunStatus::Completed, RunStatus::CompletedWithFailures, RunStatus::Failed, RunStatus::Cancelled,
                        RunStatus::Interrupted, RunStatus::Running})
        status_->addItem(QString::fromLatin1(toString(s).data()), QString::fromLatin1(toString(s).data()));
    setChoicesKeepingCurrent(target_, tr("Any target"), {});
    setChoicesKeepingCurrent(tag_, tr("Any tag"), {});
    date_->addItem(tr("Any time"), AnyTime);
    date_->addItem(tr("Today"), Today);
    date_->addItem(tr("Last 7 days"), Last7Days);
    date_->addItem(tr("Last 30 days"), Last30Days);
    date_->addItem(tr("Last 12 months"), LastYear);
    date_->addItem(tr("Between\u2026"), Custom);
    for (QDateEdit* edit : {from_, to_}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setVisible(false);
    }
    from_->setToolTip(tr("From this day (inclusive)"));
    to_->setToolTip(tr("To this day (inclusive)"));
}

// Each field sets its filter on the proxy at once; the text also goes to the store once typing settles.
void HistoryFilterBar::connectFilters() {
    settle_->setSingleShot(true);
    settle_->setInterval(250);
    connect(search_, &QLineEdit::textChanged, this, [this](const QString& text) {
        proxy_->setText(text);
        settle_->start();
    });
    connect(settle_, &QTimer::timeout, this, [this] { emit textSettled(search_->text()); });
    connect(status_, &QComboBox::currentIndexChanged, this,
            [this] { proxy_->setStatus(status_->currentData().toString()); });
    connect(target_, &QComboBox::currentIndexChanged, this,
            [this] { proxy_->setTarget(target_->currentData().toString()); });
    connect(tag_, &QComboBox::currentIndexChanged, this, [this] { proxy_->setTag(tag_->currentData().toString()); });
    connect(date_, &QComboBox::currentIndexChanged, this, &HistoryFilterBar::applyDate);
    connect(from_, &QDateEdit::dateChanged, this, &HistoryFilterBar::applyDate);
    connect(to_, &QDateEdit::dateChanged, this, &HistoryFilterBar::applyDate);
}

void HistoryFilterBar::setChoices(const QStringList& targets, const QStringList& tags) {
    setChoicesKeepingCurrent(target_, tr("Any target"), targets);
    setChoicesKeepingCurrent(tag_, tr("Any tag"), tags);
    proxy_->setTarget(target_->currentData().toString());
    proxy_->setTag(tag_->currentData().toString());
}

void HistoryFilterBar::clearFilters() {
    search_->clear();
    status_->setCurrentIndex(0);
    target_->setCurrentIndex(0);
    tag_->setCurrentIndex(0);
    date_->setCurrentIndex(0);
}

void HistoryFilterBar::applyDate() {
    const auto choice = static_cast<DateChoice>(date_->currentData().toInt());
    from_->setVisible(choice == Custom);
    to_->setVisible(choice == Custom);
    const QDateTime startOfToday = QDate::currentDate().startOfDay();
    switch (choice) {
    case AnyTime:
        proxy_->setDateRange(std::nullopt, std::nullopt);
        break;
    case Today:
        proxy_->setDateRange(startOfToday, std::nullopt);
        break;
    case Last7Days:
        proxy_->setDateRange(startOfToday.addDays(-6), std::nullopt);
        break;
    case Last30Days:
        proxy_->setDateRange(startOfToday.addDays(-29), std::nullopt);
        break;
    case LastYear:
        proxy_->setDateRange(startOfToday.addYears(-1), std::nullopt);
        break;
    case Custom:
        proxy_->setDateRange(from_->date().startOfDay(), to_->date().addDays(1).startOfDay());
        break;
    }
}

} // namespace loadscope
