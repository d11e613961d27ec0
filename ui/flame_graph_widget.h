#pragma once
// A flame graph (icicle: the root on top) of one profile, or a differential one of two. Click a frame to zoom into
// it (click one of its callers above to zoom back out); hovering says the frame's samples and share; a search
// highlights matching frames and reports their share; colours by package (framework, asyncio, standard library,
// application, native, kernel) with a legend, or by the change of share in a differential graph. The layout and
// colours are profiles/flame_layout.h, the same as the SVG export.

#include "flame_layout.h"
#include "frame_tree.h"

#include <QWidget>

#include <vector>

namespace loadscope {

class FlameGraphWidget : public QWidget {
    Q_OBJECT
public:
    explicit FlameGraphWidget(QWidget* parent = nullptr);

    void setTree(FrameTree tree, bool differential);
    void setSearch(const QString& search);
    void zoomTo(int node);
    int zoomNode() const { return zoom_; }
    const FrameTree& tree() const { return tree_; }
    bool differential() const { return differential_; }
    // The frame under a point of the widget, -1 for none.
    int nodeAt(const QPoint& point) const;
    // Where a frame is drawn (empty when it is not).
    QRectF frameRect(int node) const;
    // The share (0..1) of samples under frames matching the search.
    double searchShare() const;

    QSize sizeHint() const override;

signals:
    void hovered(const QString& description);
    void zoomChanged(int node);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void relayout();
    QRectF graphArea() const;

    FrameTree tree_;
    bool differential_ = false;
    int zoom_ = 0;
    QString search_;
    std::vector<FlameRect> rects_;
    static constexpr int kRowHeight = 18;
    static constexpr int kLegendHeight = 24;
};

} // namespace loadscope
