#pragma once
// Colours of the charts: one colour per target, the same on every chart, from the Okabe-Ito palette (safe for the
// common forms of colour blindness), and a light or dark chart theme that follows the application's palette.

#include <QColor>
#include <QHash>
#include <QPalette>
#include <QString>
#include <QStringList>

#include <Qt>

namespace loadscope {

// The eight Okabe-Ito colours, with black replaced by a grey that reads on dark backgrounds too. Ordered so that the
// first few colours are the most distinct from each other.
const QList<QColor>& okabeItoColors();

// Assigns each target name a colour. The built-in targets have fixed colours, the same in every view and every run:
// a framework's two variants share a hue family (aiohttp blue / sky blue, tornado-async vermillion / orange), the
// refserver baseline is grey. Other names take the palette colours the built-ins shown alongside leave free, in
// sorted order; beyond the palette, lighter shades.
class TargetColors {
public:
    TargetColors() = default;
    explicit TargetColors(QStringList targetNames);
    QColor color(const QString& targetName) const;
    const QStringList& names() const { return names_; }

private:
    QStringList names_;
    QHash<QString, int> others_; // palette index of each name that is not a built-in target
};

// A pen style per run when several runs are compared: the first run solid, the next dashed, dotted...
Qt::PenStyle runPenStyle(int runIndex);
// The fill of a bar or swatch per run, to go with runPenStyle: the first run solid, the next hatched one way, then
// the other, then cross-hatched...
Qt::BrushStyle runBrushStyle(int runIndex);

// What the chart itself is drawn with: background, text, axes and grid.
struct ChartTheme {
    QColor background;
    QColor foreground; // text, axes, ticks
    QColor grid;
    QColor subGrid;
    QColor sloLine;
    QColor kneeLine;
    bool dark = false;

    static ChartTheme fromPalette(const QPalette& palette);
    static ChartTheme light();
};

} // namespace loadscope
