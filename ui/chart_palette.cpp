#include "chart_palette.h"

#include <algorithm>

namespace loadscope {

const QList<QColor>& okabeItoColors() {
    // https://jfly.uni-koeln.de/color/ (Okabe & Ito, 2008), in an order that keeps neighbours far apart.
    static const QList<QColor> colors{
        QColor(0, 114, 178),   // blue
        QColor(230, 159, 0),   // orange
        QColor(0, 158, 115),   // bluish green
        QColor(204, 121, 167), // reddish purple
        QColor(213, 94, 0),    // vermillion
        QColor(86, 180, 233),  // sky blue
        QColor(240, 228, 66),  // yellow
        QColor(128, 128, 128), // grey (black in the original, invisible on dark backgrounds)
    };
    return colors;
}

TargetColors::TargetColors(QStringList targetNames)
    : names_(std::move(targetNames)) {
    names_.removeDuplicates();
    std::sort(names_.begin(), names_.end());
}

QColor TargetColors::color(const QString& targetName) const {
    const auto& colors = okabeItoColors();
    qsizetype index = names_.indexOf(targetName);
    if (index < 0) // not in the set: still stable, from the name itself
        index = static_cast<qsizetype>(qHash(targetName) % static_cast<size_t>(colors.size()));
    const QColor base = colors.at(index % colors.size());
    const auto round = index / colors.size();
    return round == 0 ? base : base.lighter(static_cast<int>(100 + 35 * round));
}

Qt::PenStyle runPenStyle(int runIndex) {
    static constexpr Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine,
                                              Qt::DashDotDotLine};
    return styles[static_cast<std::size_t>(std::max(runIndex, 0)) % std::size(styles)];
}

ChartTheme ChartTheme::fromPalette(const QPalette& palette) {
    ChartTheme theme;
    theme.background = palette.color(QPalette::Base);
    theme.foreground = palette.color(QPalette::Text);
    theme.dark = theme.background.lightnessF() < 0.5;
    theme.grid = theme.dark ? QColor(255, 255, 255, 45) : QColor(0, 0, 0, 40);
    theme.subGrid = theme.dark ? QColor(255, 255, 255, 18) : QColor(0, 0, 0, 15);
    theme.sloLine = theme.dark ? QColor(255, 110, 110) : QColor(200, 30, 30);
    theme.kneeLine = theme.foreground;
    return theme;
}

ChartTheme ChartTheme::light() {
    QPalette palette;
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::Text, Qt::black);
    return fromPalette(palette);
}

} // namespace loadscope
