#include "chart_palette.h"

#include <QHash>
#include <QSet>

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

namespace {

// The built-in targets' colours (indices into okabeItoColors()).
int builtInColorIndex(const QString& target) {
    static const QHash<QString, int> fixed{
        {QStringLiteral("aiohttp"), 0},              // blue
        {QStringLiteral("aiohttp-uvloop"), 5},       // sky blue
        {QStringLiteral("tornado-async"), 4},        // vermillion
        {QStringLiteral("tornado-async-uvloop"), 1}, // orange
        {QStringLiteral("tornado-gen"), 3},          // reddish purple
        {QStringLiteral("tornado-gen-uvloop"), 2},   // bluish green
        {QStringLiteral("starlette-uvicorn"), 6},    // yellow (darkened below)
        {QStringLiteral("refserver"), 7},            // grey: the baseline
    };
    return fixed.value(target, -1);
}

int paletteSize() {
    return static_cast<int>(okabeItoColors().size());
}

QColor paletteColor(int index) {
    QColor color = okabeItoColors().at(index % paletteSize());
    if (index % paletteSize() == 6)
        color = QColor(190, 170, 0); // Okabe-Ito yellow is too pale on white: the same hue, darker
    const int round = index / paletteSize();
    return round == 0 ? color : color.lighter(100 + 35 * round);
}

} // namespace

TargetColors::TargetColors(QStringList targetNames)
    : names_(std::move(targetNames)) {
    names_.removeDuplicates();
    std::sort(names_.begin(), names_.end());
    QSet<int> taken;
    for (const QString& name : names_)
        if (const int index = builtInColorIndex(name); index >= 0)
            taken.insert(index);
    int next = 0;
    for (const QString& name : names_) {
        if (builtInColorIndex(name) >= 0)
            continue;
        while (next < paletteSize() && taken.contains(next))
            ++next;
        others_.insert(name, next++);
    }
}

QColor TargetColors::color(const QString& targetName) const {
    if (const int index = builtInColorIndex(targetName); index >= 0)
        return paletteColor(index);
    if (const auto it = others_.constFind(targetName); it != others_.constEnd())
        return paletteColor(it.value());
    // Not in the set: still stable, from the name itself.
    return paletteColor(static_cast<int>(qHash(targetName) % static_cast<size_t>(paletteSize())));
}

Qt::PenStyle runPenStyle(int runIndex) {
    static constexpr Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine,
                                              Qt::DashDotDotLine};
    return styles[static_cast<std::size_t>(std::max(runIndex, 0)) % std::size(styles)];
}

Qt::BrushStyle runBrushStyle(int runIndex) {
    static constexpr Qt::BrushStyle styles[] = {Qt::SolidPattern, Qt::BDiagPattern, Qt::FDiagPattern,
                                                Qt::DiagCrossPattern, Qt::CrossPattern};
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
