#pragma once
// Colours of the charts: one colour per target, the same on every chart, from the Okabe-Ito palette (safe for the
// common forms of colour blindness), and a light or dark chart theme that follows the application's palette.

#include <QColor>
#include <QPalette>
#include <QString>
#include <QStringList>

#include <Qt>

namespace loadscope {

// The eight Okabe-Ito colours, with black replaced by a grey that reads on dark backgrounds too. Ordered so that the
// first few colours are the most distinct from each other.
const QList<QColor>& okabeItoColors();

// Assigns each target name a colour: the i-th name of the sorted list gets the i-th palette colour, so a target keeps
// its colour on every chart of the same set of runs. Names beyond the palette reuse it with a lighter shade.
class TargetColors {
public:
    TargetColors() = default;
    explicit TargetColors(QStringList targetNames);
    QColor color(const QString& targetName) const;
    const QStringList& names() const { return names_; }

private:
    QStringList names_;
};

// A pen style per run when several runs are compared: the first run solid, the next dashed, dotted...
Qt::PenStyle runPenStyle(int runIndex);

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
