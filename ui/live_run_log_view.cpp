#include "live_run_log_view.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>

namespace loadscope {

LiveRunLogView::LiveRunLogView(QWidget* parent)
    : QWidget(parent)
    , filter_(new QComboBox(this))
    , text_(new QPlainTextEdit(this))
    , flushTimer_(new QTimer(this)) {
    filter_->addItem(tr("All sources"), QString());
    filter_->addItem(tr("Servers"), QStringLiteral("server"));
    filter_->addItem(tr("Load generator"), QStringLiteral("loadgen"));
    filter_->addItem(tr("Runner"), QStringLiteral("runner"));
    text_->setReadOnly(true);
    text_->setMaximumBlockCount(kMaxLines);
    text_->setLineWrapMode(QPlainTextEdit::NoWrap);
    text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text_->setPlaceholderText(tr("The servers' and the load generator's output appears here during a run."));
    flushTimer_->setSingleShot(true);
    flushTimer_->setInterval(250);
    connect(flushTimer_, &QTimer::timeout, this, &LiveRunLogView::flush);
    connect(filter_, &QComboBox::currentIndexChanged, this, &LiveRunLogView::rebuild);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(filter_);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(text_, 1);
}

void LiveRunLogView::clear() {
    lines_.clear();
    pending_.clear();
    text_->clear();
}

QString LiveRunLogView::format(const QString& source, const QString& line) {
    return QStringLiteral("[%1] %2").arg(source, line);
}

bool LiveRunLogView::accepts(const QString& source) const {
    const QString prefix = filter_->currentData().toString();
    return prefix.isEmpty() || source.startsWith(prefix);
}

void LiveRunLogView::appendLine(const QString& source, const QString& line) {
    lines_.emplace_back(source, line);
    if (static_cast<int>(lines_.size()) > kMaxLines)
        lines_.pop_front();
    if (!accepts(source))
        return;
    pending_ << format(source, line);
    if (pending_.size() > kMaxLines)
        pending_.removeFirst();
    if (!flushTimer_->isActive())
        flushTimer_->start();
}

void LiveRunLogView::flush() {
    if (pending_.isEmpty())
        return;
    QScrollBar* bar = text_->verticalScrollBar();
    const bool followTail = bar->value() >= bar->maximum() - 2; // keep a user's scroll position when they look back
    text_->appendPlainText(pending_.join(QLatin1Char('\n')));
    pending_.clear();
    if (followTail)
        bar->setValue(bar->maximum());
}

void LiveRunLogView::rebuild() {
    pending_.clear();
    QStringList shown;
    for (const auto& [source, line] : lines_)
        if (accepts(source))
            shown << format(source, line);
    text_->setPlainText(shown.join(QLatin1Char('\n')));
    text_->verticalScrollBar()->setValue(text_->verticalScrollBar()->maximum());
}

QString LiveRunLogView::text() {
    flush();
    return text_->toPlainText();
}

} // namespace loadscope
