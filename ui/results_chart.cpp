#include "results_chart.h"

#include "chart_text.h"
#include "comparison_chart.h"
#include "latency_rps_chart.h"
#include "resources_chart.h"
#include "spectrum_chart.h"
#include "timeline_chart.h"

#include <QApplication>
#include <QToolTip>

#include <cmath>
#include <limits>

namespace loadscope {

namespace {
constexpr double kHoverPixels = 10;

struct KindInfo {
    ChartKind kind;
    const char* name;
    const char* title;
};
constexpr KindInfo kKinds[] = {
    {ChartKind::LatencyVsRps, "latency-vs-rps", QT_TRANSLATE_NOOP("ResultsChart", "Latency vs RPS")},
    {ChartKind::Spectrum, "spectrum", QT_TRANSLATE_NOOP("ResultsChart", "Percentile spectrum")},
    {ChartKind::Timeline, "timeline", QT_TRANSLATE_NOOP("ResultsChart", "Timeline")},
    {ChartKind::Comparison, "comparison", QT_TRANSLATE_NOOP("ResultsChart", "Comparison")},
    {ChartKind::Resources, "resources", QT_TRANSLATE_NOOP("ResultsChart", "Server resources")},
};
} // namespace

const std::vector<ChartKind>& allChartKinds() {
    static const std::vector<ChartKind> kinds{ChartKind::LatencyVsRps, ChartKind::Spectrum, ChartKind::Timeline,
                                              ChartKind::Comparison, ChartKind::Resources};
    return kinds;
}

QString chartKindName(ChartKind kind) {
    for (const auto& info : kKinds)
        if (info.kind == kind)
            return QString::fromLatin1(info.name);
    return {};
}

QString chartKindTitle(ChartKind kind) {
    for (const auto& info : kKinds)
        if (info.kind == kind)
            return QCoreApplication::translate("ResultsChart", info.title);
    return {};
}

std::optional<ChartKind> chartKindFromName(const QString& name) {
    for (const auto& info : kKinds)
        if (name.compare(QLatin1String(info.name), Qt::CaseInsensitive) == 0)
            return info.kind;
    return std::nullopt;
}

QCPRange fittedRateRange(double minRps, double maxRps) {
    const double span = maxRps - minRps;
    const double margin = span > 0 ? span * 0.06 : std::max(maxRps * 0.1, 1.0);
    return {std::max(0.0, minRps - margin), maxRps + margin};
}

ResultsChart* createChart(ChartKind kind, QWidget* parent) {
    switch (kind) {
    case ChartKind::LatencyVsRps:
        return new LatencyRpsChart(parent);
    case ChartKind::Spectrum:
        return new SpectrumChart(parent);
    case ChartKind::Timeline:
        return new TimelineChart(parent);
    case ChartKind::Comparison:
        return new ComparisonChart(parent);
    case ChartKind::Resources:
        return new ResourcesChart(parent);
    }
    return nullptr;
}

ResultsChart::ResultsChart(QWidget* parent)
    : QCustomPlot(parent)
    , theme_(ChartTheme::fromPalette(QApplication::palette())) {
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setNoAntialiasingOnDrag(true);
    setMouseTracking(true);
    setMinimumSize(320, 240);
    // The legend lives right of the plot rather than over it: with a dozen series it would hide the curves.
    axisRect()->insetLayout()->take(legend);
    legendColumn_ = new QCPLayoutGrid;
    plotLayout()->addElement(0, 1, legendColumn_);
    legendColumn_->addElement(0, 0, legend);
    legendColumn_->addElement(1, 0, new QCPLayoutElement(this));
    legendColumn_->setRowStretchFactors({0.001, 1});
    legendColumn_->setMargins(QMargins(0, 0, 0, 0));
    plotLayout()->setColumnStretchFactor(1, 0.001);
    legend->setVisible(true);
    legend->setSelectableParts(QCPLegend::spNone);
    connect(this, &QCustomPlot::legendClick, this, &ResultsChart::onLegendClick);
    connect(this, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
}

void ResultsChart::setData(std::shared_ptr<const ResultsDataset> data, const TargetColors& colors,
                           const ChartOptions& options) {
    data_ = std::move(data);
    colors_ = colors;
    options_ = options;
    hidden_.clear();
    rebuild();
}

void ResultsChart::setOptions(const ChartOptions& options) {
    options_ = options;
    rebuild();
}

void ResultsChart::setTheme(const ChartTheme& theme) {
    // Curves, bands and markers take colours from the theme too, so rebuild, but keep the user's zoom.
    QList<QPair<QCPRange, QCPRange>> ranges;
    for (QCPAxisRect* rect : axisRects())
        ranges.append({rect->axis(QCPAxis::atBottom)->range(), rect->axis(QCPAxis::atLeft)->range()});
    theme_ = theme;
    rebuild();
    const QList<QCPAxisRect*> rects = axisRects();
    if (rects.size() == ranges.size())
        for (qsizetype i = 0; i < rects.size(); ++i) {
            rects[i]->axis(QCPAxis::atBottom)->setRange(ranges[i].first);
            rects[i]->axis(QCPAxis::atLeft)->setRange(ranges[i].second);
        }
    replot(rpQueuedReplot);
}

double ResultsChart::focusRate() const {
    if (!data_)
        return 0;
    if (options_.focusRate) {
        for (double rate : data_->rates)
            if (std::abs(rate - *options_.focusRate) < 1e-9)
                return rate;
    }
    return data_->defaultFocusRate().value_or(data_->rates.empty() ? 0.0 : data_->rates.back());
}

QString ResultsChart::seriesLabel(std::size_t runIndex, const std::string& target) const {
    return QString::fromStdString(data_->seriesLabel(runIndex, target));
}

void ResultsChart::resetLayout() {
    clearPlottables();
    clearItems();
    hover_.clear();
    companions_.clear();
    itemCompanions_.clear();
    emptyMessage_ = nullptr;
    emptyChart_ = false;
    QCPAxisRect* main = axisRect(0);
    plotLayout()->take(legendColumn_);
    for (QCPLayoutElement* element : plotLayout()->elements(false))
        if (element && element != main)
            plotLayout()->remove(element);
    plotLayout()->simplify();
    titleElement_ = nullptr;
    subtitleElement_ = nullptr;
    plotLayout()->addElement(0, 1, legendColumn_);
    plotLayout()->setColumnStretchFactor(1, 0.001);
    legend->clearItems();
    // Undo whatever the previous build did to the main axes.
    for (QCPAxis* axis : main->axes()) {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setLabel({});
        axis->setNumberFormat(QStringLiteral("gbd"));
        axis->setNumberPrecision(6);
        axis->grid()->setSubGridVisible(false);
        axis->setRange(0, 1);
    }
    main->axis(QCPAxis::atTop)->setVisible(false);
    main->axis(QCPAxis::atRight)->setVisible(false);
    main->setMarginGroup(QCP::msAll, nullptr);
    delete marginGroup_; // detaches itself from any rect left
    marginGroup_ = nullptr;
    main->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    main->setRangeZoom(Qt::Horizontal | Qt::Vertical);
}

void ResultsChart::rebuild() {
    resetLayout();
    if (data_)
        build();
    else
        showEmptyMessage(tr("No run loaded"));
    applyTheme();
    updateCompanions();
    applyDefaultRanges();
    replot(rpQueuedReplot);
}

void ResultsChart::resetView() {
    applyDefaultRanges();
    replot(rpQueuedReplot);
}

void ResultsChart::setHeading(const QString& title, const QString& subtitle) {
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    plotLayout()->insertRow(0);
    subtitleElement_ = new QCPTextElement(this, subtitle, font());
    plotLayout()->addElement(0, 0, subtitleElement_);
    plotLayout()->insertRow(0);
    titleElement_ = new QCPTextElement(this, title, titleFont);
    plotLayout()->addElement(0, 0, titleElement_);
    // The heading spans the plot only; the legend column stays empty up there.
    plotLayout()->setRowStretchFactor(0, 0.001);
    plotLayout()->setRowStretchFactor(1, 0.001);
}

QString ResultsChart::title() const {
    QString text = chartKindName(kind());
    if (data_)
        for (const Run& run : data_->runs)
            text += QStringLiteral(" run %1").arg(run.id);
    return text;
}

void ResultsChart::showEmptyMessage(const QString& message) {
    emptyChart_ = true;
    emptyMessage_ = new QCPItemText(this);
    emptyMessage_->setClipToAxisRect(false);
    emptyMessage_->position->setType(QCPItemPosition::ptAxisRectRatio);
    emptyMessage_->position->setCoords(0.5, 0.5);
    emptyMessage_->setText(message);
    emptyMessage_->setPositionAlignment(Qt::AlignCenter);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    emptyMessage_->setFont(big);
}

void ResultsChart::styleAxisRect(QCPAxisRect* rect) {
    const QPen axisPen(theme_.foreground, 1);
    for (QCPAxis* axis : rect->axes()) {
        axis->setBasePen(axisPen);
        axis->setTickPen(axisPen);
        axis->setSubTickPen(axisPen);
        axis->setTickLabelColor(theme_.foreground);
        axis->setLabelColor(theme_.foreground);
        axis->grid()->setPen(QPen(theme_.grid, 1, Qt::SolidLine));
        axis->grid()->setSubGridPen(QPen(theme_.subGrid, 1, Qt::SolidLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    rect->setBackground(Qt::NoBrush);
}

void ResultsChart::applyTheme() {
    setBackground(theme_.background);
    for (QCPAxisRect* rect : axisRects())
        styleAxisRect(rect);
    legend->setBrush(Qt::NoBrush);
    legend->setBorderPen(Qt::NoPen);
    legend->setTextColor(theme_.foreground);
    for (int i = 0; i < legend->itemCount(); ++i) {
        auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i));
        if (!item)
            continue;
        const bool off = hidden_.contains(item->plottable()->name());
        QColor text = theme_.foreground;
        if (off)
            text.setAlphaF(0.35);
        item->setTextColor(text);
    }
    if (titleElement_)
        titleElement_->setTextColor(theme_.foreground);
    if (subtitleElement_) {
        QColor muted = theme_.foreground;
        muted.setAlphaF(0.7);
        subtitleElement_->setTextColor(muted);
    }
    if (emptyMessage_)
        emptyMessage_->setColor(theme_.foreground);
    for (int i = 0; i < itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(item(i)); text && text->property("themed").toBool())
            text->setColor(text->property("sloText").toBool() ? theme_.sloLine : theme_.foreground);
}

void ResultsChart::addHorizontalMarker(QCPAxisRect* rect, double value, const QString& label, const QColor& color,
                                       Qt::AlignmentFlag labelSide) {
    auto* line = new QCPItemStraightLine(this);
    line->setClipAxisRect(rect);
    line->point1->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    line->point2->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    line->point1->setCoords(0, value);
    line->point2->setCoords(1, value);
    line->setPen(QPen(color, 1.5, Qt::DashLine));
    auto* text = new QCPItemText(this);
    text->setClipAxisRect(rect);
    text->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    text->position->setTypeY(QCPItemPosition::ptPlotCoords);
    text->position->setAxisRect(rect);
    text->position->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    text->position->setCoords(labelSide == Qt::AlignLeft ? 0.01 : 0.99, value);
    text->setPositionAlignment(labelSide | Qt::AlignBottom);
    text->setText(label);
    text->setColor(color);
    // Above bars and curves, on the chart's background, so nothing drawn covers it.
    text->setLayer(QStringLiteral("legend"));
    QColor background = theme_.background;
    background.setAlpha(220);
    text->setBrush(background);
    text->setPadding(QMargins(3, 0, 3, 1));
    text->setProperty("themed", true);
    text->setProperty("sloText", true);
}

QCPMarginGroup* ResultsChart::marginGroup() {
    if (!marginGroup_)
        marginGroup_ = new QCPMarginGroup(this);
    return marginGroup_;
}

std::optional<double> ResultsChart::latencyViewLimit(double dataMaxMs) const {
    if (options_.logLatencyAxis || !data_)
        return std::nullopt;
    double slo = 0;
    for (const auto& limits : data_->slo)
        if (limits)
            slo = std::max(slo, limits->p99Ms);
    if (slo <= 0 || dataMaxMs <= 5 * slo)
        return std::nullopt;
    return 4 * slo;
}

void ResultsChart::addOffScaleNote(QCPAxisRect* rect, double dataMaxMs) {
    if (!latencyViewLimit(dataMaxMs))
        return;
    auto* note = new QCPItemText(this);
    note->setClipToAxisRect(false);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setAxisRect(rect);
    note->position->setCoords(1, 0);
    note->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    const QString fact = tr("\u2191 off the scale up to %1").arg(formatLatency(dataMaxMs));
    note->setText(fact + tr(" (zoom out, or Log scale)"));
    note->setProperty("exportText", fact); // a picture has no zoom: the hint stays on screen
    note->setProperty("themed", true);
}

void ResultsChart::addHover(QCPAbstractPlottable* plottable, std::function<QString(int)> describe) {
    hover_.insert(plottable, std::move(describe));
}

void ResultsChart::linkToLegend(QCPAbstractPlottable* companion, QCPAbstractPlottable* owner) {
    companions_.insert(companion, owner);
}

void ResultsChart::linkToLegend(QCPAbstractItem* companion, QCPAbstractPlottable* owner) {
    itemCompanions_.insert(companion, owner);
}

QList<QCPAbstractPlottable*> ResultsChart::legendSeries() const {
    QList<QCPAbstractPlottable*> result;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i)))
            result.append(item->plottable());
    return result;
}

void ResultsChart::setSeriesVisible(QCPAbstractPlottable* legendOwner, bool visible) {
    if (!legendOwner)
        return;
    if (visible)
        hidden_.remove(legendOwner->name());
    else
        hidden_.insert(legendOwner->name());
    updateCompanions();
    applyTheme();
    replot(rpQueuedReplot);
}

bool ResultsChart::isSeriesVisible(QCPAbstractPlottable* legendOwner) const {
    return legendOwner && !hidden_.contains(legendOwner->name());
}

void ResultsChart::updateCompanions() {
    for (QCPAbstractPlottable* owner : legendSeries())
        owner->setVisible(isSeriesVisible(owner));
    for (auto it = companions_.cbegin(); it != companions_.cend(); ++it)
        it.key()->setVisible(true);
    for (auto it = itemCompanions_.cbegin(); it != itemCompanions_.cend(); ++it)
        it.key()->setVisible(true);
    for (auto it = companions_.cbegin(); it != companions_.cend(); ++it)
        if (!isSeriesVisible(it.value()))
            it.key()->setVisible(false);
    for (auto it = itemCompanions_.cbegin(); it != itemCompanions_.cend(); ++it)
        if (!isSeriesVisible(it.value()))
            it.key()->setVisible(false);
}

void ResultsChart::onLegendClick(QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
    if (auto* plottableItem = qobject_cast<QCPPlottableLegendItem*>(item))
        setSeriesVisible(plottableItem->plottable(), !isSeriesVisible(plottableItem->plottable()));
}

QString ResultsChart::tooltipAt(const QPoint& pos) const {
    double best = std::numeric_limits<double>::max();
    QString text;
    for (auto it = hover_.cbegin(); it != hover_.cend(); ++it) {
        QCPAbstractPlottable* plottable = it.key();
        if (!plottable->realVisibility() || !plottable->keyAxis() || !plottable->valueAxis())
            continue;
        if (!plottable->keyAxis()->axisRect()->rect().contains(pos))
            continue;
        if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
            // The nearest data point, not the nearest line segment: a tooltip names a measurement.
            const auto data = graph->data();
            int index = 0;
            for (auto point = data->constBegin(); point != data->constEnd(); ++point, ++index) {
                if (std::isnan(point->value))
                    continue;
                const QPointF pixel = graph->coordsToPixels(point->key, point->value);
                const double distance = std::hypot(pixel.x() - pos.x(), pixel.y() - pos.y());
                if (distance <= kHoverPixels && distance < best) {
                    best = distance;
                    text = it.value()(index);
                }
            }
            continue;
        }
        QVariant details;
        const double distance = plottable->selectTest(pos, false, &details);
        if (distance >= 0 && distance <= kHoverPixels && distance < best) {
            const auto selection = details.value<QCPDataSelection>();
            if (selection.dataRangeCount() > 0) {
                best = distance;
                text = it.value()(selection.dataRange(0).begin());
            }
        }
    }
    return text;
}

void ResultsChart::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() != Qt::NoButton)
        return;
    const QString text = tooltipAt(event->pos());
    if (text.isEmpty())
        QToolTip::hideText();
    else // each line whole: a tooltip never breaks "requests/s" or a number from its unit
        QToolTip::showText(event->globalPosition().toPoint(),
                           QStringLiteral("<p style='white-space:pre'>%1</p>").arg(text), this);
    emit hovered(text);
}

void ResultsChart::leaveEvent(QEvent* event) {
    QCustomPlot::leaveEvent(event);
    QToolTip::hideText();
    emit hovered({});
}

void ResultsChart::changeEvent(QEvent* event) {
    QCustomPlot::changeEvent(event);
    if (followSystemTheme_ && (event->type() == QEvent::PaletteChange || event->type() == QEvent::ThemeChange)) {
        const ChartTheme theme = ChartTheme::fromPalette(palette());
        if (theme.background != theme_.background || theme.foreground != theme_.foreground)
            setTheme(theme);
    }
}

} // namespace loadscope
