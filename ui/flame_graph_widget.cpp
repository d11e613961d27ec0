#include "flame_graph_widget.h"

#include "flame_layout.h"
#include "frame_package.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace loadscope {

namespace {
QColor toQColor(Rgb c) {
    return QColor(c.r, c.g, c.b);
}
} // namespace

FlameGraphWidget::FlameGraphWidget(QWidget* parent)
    : QWidget(parent)
    , tree_(FrameTree::build({}, false)) {
    setMouseTracking(true);
    setMinimumHeight(120);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void FlameGraphWidget::setTree(FrameTree tree, bool differential) {
    tree_ = std::move(tree);
    differential_ = differential;
    zoom_ = FrameTree::root();
    relayout();
}

void FlameGraphWidget::setSearch(const QString& search) {
    search_ = search;
    update();
}

void FlameGraphWidget::zoomTo(int node) {
    if (node < 0 || node >= tree_.size())
        return;
    zoom_ = node;
    relayout();
    emit zoomChanged(node);
}

double FlameGraphWidget::searchShare() const {
    return loadscope::searchShare(tree_, search_.toStdString());
}

QSize FlameGraphWidget::sizeHint() const {
    return {900, std::min(900, (tree_.maxDepth() + 2) * kRowHeight + kLegendHeight + 8)};
}

void FlameGraphWidget::relayout() {
    // Frames narrower than one pixel are not laid out (they could not be seen or clicked).
    const double width = std::max(1.0, graphArea().width());
    rects_ = layoutFlame(tree_, {zoom_, 1.0 / width});
    updateGeometry();
    update();
}

void FlameGraphWidget::resizeEvent(QResizeEvent*) {
    relayout();
}

QRectF FlameGraphWidget::graphArea() const {
    return QRectF(4, 4, width() - 8, height() - kLegendHeight - 8);
}

QRectF FlameGraphWidget::frameRect(int node) const {
    const QRectF area = graphArea();
    for (const auto& r : rects_)
        if (r.node == node)
            return {area.left() + r.x0 * area.width(), area.top() + r.row * kRowHeight, (r.x1 - r.x0) * area.width(),
                    double(kRowHeight - 1)};
    return {};
}

int FlameGraphWidget::nodeAt(const QPoint& point) const {
    const QRectF area = graphArea();
    for (const auto& r : rects_) {
        const QRectF rect(area.left() + r.x0 * area.width(), area.top() + r.row * kRowHeight,
                          (r.x1 - r.x0) * area.width(), kRowHeight - 1);
        if (rect.contains(point))
            return r.node;
    }
    return -1;
}

void FlameGraphWidget::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    const QRectF area = graphArea();
    const std::string search = search_.toStdString();
    QFont font = painter.font();
    font.setPointSizeF(8.5);
    painter.setFont(font);
    const QFontMetricsF metrics(font);
    for (const auto& r : rects_) {
        const QRectF box(area.left() + r.x0 * area.width(), area.top() + r.row * kRowHeight,
                         std::max(0.5, (r.x1 - r.x0) * area.width() - 0.5), kRowHeight - 1);
        if (box.top() > area.bottom())
            continue;
        const auto& frame = tree_.node(r.node);
        Rgb colour =
            differential_ ? differenceColor(tree_.share(r.node) - tree_.baseShare(r.node)) : packageColor(frame.name);
        if (frameMatches(frame.name, search))
            colour = kSearchColor;
        painter.fillRect(box, toQColor(colour));
        painter.setPen(QColor(0, 0, 0, 40)); // an outline, so unchanged (white) frames of a difference show
        painter.drawRect(box.adjusted(0, 0, -0.5, -0.5));
        if (box.width() > 24) {
            painter.setPen(Qt::black);
            painter.drawText(box.adjusted(3, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft,
                             metrics.elidedText(QString::fromStdString(frame.name), Qt::ElideRight, box.width() - 5));
        }
    }
    // Legend: packages (or the difference scale), and the search's share.
    double x = 6;
    const double y = height() - kLegendHeight + 6;
    auto swatch = [&](Rgb colour, const QString& label) {
        painter.fillRect(QRectF(x, y, 12, 12), toQColor(colour));
        painter.setPen(QColor(0, 0, 0, 60));
        painter.drawRect(QRectF(x, y, 12, 12));
        painter.setPen(palette().text().color());
        painter.drawText(QPointF(x + 16, y + 10), label);
        x += 28 + metrics.horizontalAdvance(label);
    };
    if (differential_) {
        swatch(differenceColor(0.10), tr("share grew (+10 points)"));
        swatch(differenceColor(0.0), tr("unchanged"));
        swatch(differenceColor(-0.10), tr("share shrank (\u221210 points)"));
    } else {
        for (int p = 0; p < kFramePackageCount; ++p)
            swatch(packageSwatch(p), QString::fromStdString(framePackageName(static_cast<FramePackage>(p))));
    }
    if (!search_.isEmpty())
        swatch(kSearchColor, tr("'%1': %2 % of samples").arg(search_).arg(100.0 * searchShare(), 0, 'f', 1));
}

void FlameGraphWidget::mouseMoveEvent(QMouseEvent* event) {
    const int node = nodeAt(event->position().toPoint());
    const QString text = node < 0 ? QString() : QString::fromStdString(frameDescription(tree_, node, differential_));
    setToolTip(text);
    emit hovered(text);
}

void FlameGraphWidget::mousePressEvent(QMouseEvent* event) {
    const int node = nodeAt(event->position().toPoint());
    if (node >= 0 && event->button() == Qt::LeftButton)
        zoomTo(node);
}

} // namespace loadscope
