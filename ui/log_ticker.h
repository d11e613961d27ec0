#pragma once
// Log axes labelled where people read them: at 1, 2 and 5 times each power of ten (QCPAxisTickerLog labels the
// powers of ten only, so a latency axis from 20 ms to 900 ms said nothing but "100"). Ranges over 3.5 decades keep the
// powers of ten alone, less than 0.6 of a decade adds 1.5, 3 and 7; the unlabelled multiples are sub-ticks.

#include <qcustomplot.h>

#include <QVector>

namespace loadscope {

class LogTicker125 : public QCPAxisTicker {
public:
    // The ticks for `range` (both ends > 0), ascending; what the axis labels.
    static QVector<double> ticksFor(const QCPRange& range);

protected:
    double getTickStep(const QCPRange& range) override;
    int getSubTickCount(double tickStep) override;
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override;
    QVector<double> createSubTickVector(int subTickCount, const QVector<double>& ticks) override;
};

// Makes `axis` logarithmic with 1-2-5 ticks and sub-grid lines (a linear axis again is resetLayout()'s job).
void useLogScale(QCPAxis* axis);

} // namespace loadscope
