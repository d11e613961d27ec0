#include "chart_text.h"

#include "number_text.h"

#include <QDateTime>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace loadscope {

QString formatLatency(double ms) {
    if (ms >= 1 && ms < 1000 && std::abs(ms - std::round(ms)) < 1e-9)
        return QStringLiteral("%1 ms").arg(static_cast<qint64>(std::llround(ms))); // an SLO of 75 ms, not 75.0
    if (ms >= 1000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', ms >= 10000 ? 1 : 2);
    if (ms >= 100)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', 0);
    if (ms >= 10)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', 1);
    return QStringLiteral("%1 ms").arg(ms, 0, 'f', ms >= 1 ? 2 : 3);
}

QString formatRate(double rps) {
    if (std::abs(rps - std::round(rps)) < 0.05)
        return QString::number(static_cast<qint64>(std::llround(rps)));
    return QString::number(rps, 'f', 1);
}

QString describeRuns(const ResultsDataset& data, RepetitionsShown shown) {
    if (data.runs.empty())
        return {};
    QStringList scenarios;
    for (const auto& g : data.groups)
        if (!scenarios.contains(QString::fromStdString(g.scenario)))
            scenarios.append(QString::fromStdString(g.scenario));
    const QString scenarioText =
        scenarios.isEmpty() ? QString() : QObject::tr("scenario %1").arg(scenarios.join(QStringLiteral(", ")));
    if (data.runs.size() == 1) {
        const Run& run = data.runs.front();
        int repetitions = 0;
        for (const auto& step : run.steps)
            repetitions = std::max(repetitions, step.repetition);
        QStringList parts{QObject::tr("Run %1 \u201c%2\u201d").arg(run.id).arg(QString::fromStdString(run.name))};
        if (!scenarioText.isEmpty())
            parts << scenarioText;
        if (repetitions > 1)
            parts << (shown == RepetitionsShown::Merged ? QObject::tr("%1 repetitions merged").arg(repetitions)
                                                        : QObject::tr("%1 repetitions, one shown").arg(repetitions));
        parts << QDateTime::fromMSecsSinceEpoch(run.createdMs).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        if (run.status != RunStatus::Completed)
            parts << QString::fromLatin1(toString(run.status).data());
        return parts.join(QStringLiteral(" \u00b7 "));
    }
    QStringList ids;
    for (const Run& run : data.runs)
        ids << QString::number(run.id);
    QStringList parts{QObject::tr("Runs %1").arg(ids.join(QStringLiteral(", ")))};
    if (!scenarioText.isEmpty())
        parts << scenarioText;
    return parts.join(QStringLiteral(" \u00b7 "));
}

QString describeFlags(const MeasurementGroup& group) {
    QStringList flags;
    if (group.errors > 0)
        flags << QObject::tr("errors %1 (%2 %)").arg(group.errors).arg(100.0 * group.errorRate(), 0, 'f', 2);
    if (group.generatorLimited)
        flags << QObject::tr("generator-limited");
    if (group.connectionLimited)
        flags << QObject::tr("connection-limited");
    if (group.failedRepetitions > 0)
        flags << QObject::tr("%n repetition(s) failed", nullptr, group.failedRepetitions);
    if (group.serverRestarted)
        flags << QObject::tr("server restarted");
    return flags.join(QStringLiteral(", "));
}

QString shortFlags(const MeasurementGroup& group) {
    QStringList flags;
    if (group.errors > 0)
        flags << QObject::tr("%1 % errors").arg(100.0 * group.errorRate(), 0, 'g', 2);
    if (group.generatorLimited)
        flags << QObject::tr("gen.-limited");
    if (group.connectionLimited)
        flags << QObject::tr("conn.-limited");
    if (group.failedRepetitions > 0)
        flags << QObject::tr("%1 failed").arg(group.failedRepetitions);
    return flags.join(QStringLiteral(", "));
}

QString quantileLabel(double percent) {
    // As many decimals as the nines need, no more: 99.0024 -> "p99", 99.9 -> "p99.9", 99.95 -> "p99.95".
    const int decimals = std::clamp(static_cast<int>(std::ceil(ninesOf(percent) - 1e-6)) - 2, 0, 6);
    QString text = QString::number(percent, 'f', decimals);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    return QStringLiteral("p") + text;
}

QString perSecond(const QString& number) {
    // One unit, never split across lines ("requests/ s").
    return number + QStringLiteral("\u00a0requests/\u2060s");
}

QString intervalText(const MergedMeasurement& m) {
    if (m.p99Interval)
        return QObject::tr("[%1\u2013%2], 95 % interval over %3 repetitions")
            .arg(formatLatency(m.p99Interval->low), formatLatency(m.p99Interval->high))
            .arg(m.steps);
    return QString::fromStdString(m.intervalNote());
}

QStringList groupNotes(const MeasurementGroup& group) {
    const MergedMeasurement& m = group.analysis;
    QStringList notes;
    if (m.generatorMarker)
        notes << QObject::tr("generator-limited: its lateness could explain the break (the verdict could change)");
    else if (group.generatorLimited)
        notes << QObject::tr("the generator ran late once, too little to change the verdict");
    if (group.connectionLimited)
        notes << QObject::tr("connection-limited: requests waited for a connection");
    if (group.serverRestarted)
        notes << QObject::tr("server restarted");
    if (group.errors > 0)
        notes << QObject::tr("errors %1 (%2 %)").arg(group.errors).arg(100.0 * group.errorRate(), 0, 'f', 2);
    if (!m.verdictNote.empty())
        notes << QString::fromStdString(m.verdictNote);
    else if (m.outliers() > 0)
        notes << QObject::tr("%n outlying repetition(s)", nullptr, m.outliers());
    if (group.failedRepetitions > 0)
        notes << QObject::tr("%n repetition(s) failed", nullptr, group.failedRepetitions);
    if (group.skippedRepetitions > 0)
        notes << QObject::tr("%n repetition(s) skipped: %1", nullptr, group.skippedRepetitions)
                     .arg(QString::fromStdString(m.statusMessage));
    if (group.approximate)
        notes << QObject::tr("histograms missing: the worst repetition shown");
    return notes;
}

QString describeGroup(const ResultsDataset& data, const MeasurementGroup& group, std::optional<Percentile> highlight) {
    // One number per quantity, each from the analysis library (the CLI's numbers): the merged percentiles, the
    // p99's bootstrap interval, the chance the SLO holds and the verdict.
    const MergedMeasurement& m = group.analysis;
    QStringList lines;
    lines << QStringLiteral("<b>%1</b> at %2")
                 .arg(QString::fromStdString(data.seriesLabel(group.runIndex, group.target)).toHtmlEscaped(),
                      perSecond(formatRate(group.requestedRps)));
    lines << QObject::tr("achieved %1").arg(perSecond(formatRate(group.achievedRps)));
    QString p99 = QStringLiteral("p99 = %1").arg(formatLatency(group.merged.p99Ms));
    if (const QString interval = intervalText(m); !interval.isEmpty())
        p99 += QStringLiteral(" <small>%1</small>").arg(interval.toHtmlEscaped());
    QStringList others;
    for (const Percentile p : allPercentiles()) {
        if (p == Percentile::P99)
            continue;
        QString text = QStringLiteral("%1 = %2").arg(QString::fromLatin1(percentileLabel(p).data()),
                                                     formatLatency(summaryValue(group.merged, p)));
        others << (highlight == p ? QStringLiteral("<b>%1</b>").arg(text) : text);
    }
    lines << (highlight == Percentile::P99 || !highlight ? QStringLiteral("<b>%1</b>").arg(p99) : p99);
    lines << others.join(QStringLiteral(" \u00b7 "));
    if (m.limits) {
        QString slo = QObject::tr("SLO (p99 \u2264 %1): %2")
                          .arg(formatLatency(m.limits->p99Ms), QString::fromStdString(m.verdictWord()));
        // Why it broke, but not a second p99: the one above is the number (the limit is in this line).
        QStringList why;
        for (const std::string& reason : splitList(m.verdict.reason, ';'))
            if (reason.rfind("p99 ", 0) != 0)
                why << QString::fromStdString(reason);
        if (!m.verdict.met && !why.isEmpty())
            slo += QStringLiteral(" (%1)").arg(why.join(QStringLiteral("; ")).toHtmlEscaped());
        if (m.holdProbability)
            slo += QObject::tr("; P(SLO holds) = %1 %").arg(std::round(*m.holdProbability * 100), 0, 'f', 0);
        lines << slo;
    } else {
        lines << QObject::tr("SLO: none stored with the run");
    }
    lines << (group.okRepetitions() > 1
                  ? QObject::tr("%1 repetitions merged (histograms added)").arg(group.okRepetitions())
                  : QObject::tr("1 repetition"));
    lines << QObject::tr("server CPU %1 %, peak RSS %2 MiB")
                 .arg(group.cpuPercent, 0, 'f', 0)
                 .arg(group.rssMiB, 0, 'f', 1);
    for (const QString& note : groupNotes(group))
        lines << QStringLiteral("<i>%1</i>").arg(note.toHtmlEscaped());
    return lines.join(QStringLiteral("<br>"));
}

} // namespace loadscope

namespace loadscope {
QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}
QString csvField(const std::string& text) {
    return csvField(QString::fromStdString(text));
}
} // namespace loadscope
