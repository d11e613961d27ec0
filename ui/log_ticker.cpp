#include "log_ticker.h"

#include <algorithm>
#include <cmath>

namespace loadscope {

namespace {

// Multiples of each power of ten, by how many decades the range spans.
QVector<double> multiplesFor(double decades) {
    if (decades > 3.5)
        return {1};
    if (decades > 0.6)
        return {1, 2, 5};
    return {1, 1.5, 2, 3, 5, 7};
}

QVector<double> multiplesOfPowers(const QCPRange& range, const QVector<double>& multiples) {
    QVector<double> ticks;
    const int first = static_cast<int>(std::floor(std::log10(range.lower)));
    const int last = static_cast<int>(std::ceil(std::log10(range.upper)));
    for (int power = first; power <= last; ++power)
        for (double m : multiples) {
            const double tick = m * std::pow(10.0, power);
            if (tick >= range.lower * (1 - 1e-9) && tick <= range.upper * (1 + 1e-9))
                ticks << tick;
        }
    return ticks;
}

} // namespace

QVector<double> LogTicker125::ticksFor(const QCPRange& range) {
    if (range.lower <= 0 || range.upper <= range.lower)
        return {};
    const double decades = std::log10(range.upper / range.lower);
    QVector<double> ticks = multiplesOfPowers(range, multiplesFor(decades));
    if (ticks.size() < 2) // a sliver of a decade: plain linear steps read better than one lonely label
        ticks = multiplesOfPowers(range, {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9});
    return ticks;
}

double LogTicker125::getTickStep(const QCPRange&) {
    return 1; // unused: the ticks are chosen per decade
}

int LogTicker125::getSubTickCount(double) {
    return 0;
}

QString LogTicker125::getTickLabel(double tick, const QLocale& locale, QChar, int) {
    // 0.05, 2, 500, 2000: never "5e-2" or "2·10³".
    const int decimals = tick >= 1 ? 0 : std::clamp(static_cast<int>(std::ceil(-std::log10(tick) - 1e-9)) + 1, 1, 6);
    QString text = locale.toString(tick, 'f', decimals);
    if (decimals > 0) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(locale.decimalPoint()))
            text.chop(1);
    }
    text.remove(locale.groupSeparator());
    return text;
}

QVector<double> LogTicker125::createTickVector(double, const QCPRange& range) {
    return ticksFor(range);
}

QVector<double> LogTicker125::createSubTickVector(int, const QVector<double>& ticks) {
    if (ticks.isEmpty())
        return {};
    QVector<double> sub;
    const QCPRange span(ticks.front() / 10, ticks.back() * 10);
    for (double t : multiplesOfPowers(span, {1, 2, 3, 4, 5, 6, 7, 8, 9}))
        if (!std::any_of(ticks.begin(), ticks.end(), [t](double k) { return std::abs(k - t) < 1e-9 * t; }))
            sub << t;
    return sub;
}

void useLogScale(QCPAxis* axis) {
    axis->setScaleType(QCPAxis::stLogarithmic);
    axis->setTicker(QSharedPointer<LogTicker125>::create());
    axis->grid()->setSubGridVisible(true);
}

} // namespace loadscope
