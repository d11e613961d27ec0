#include "chart_text.h"

#include <QDateTime>
#include <QStringList>

#include <QStringList>
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

QString describeRuns(const ResultsDataset& data) {
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
            parts << QObject::tr("%1 repetitions merged").arg(repetitions);
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

QString describeGroup(const ResultsDataset& data, const MeasurementGroup& group, std::optional<Percentile> highlight) {
    QStringList lines;
    lines << QStringLiteral("<b>%1</b> at %2 requests/s")
                 .arg(QString::fromStdString(data.seriesLabel(group.runIndex, group.target)).toHtmlEscaped(),
                      formatRate(group.requestedRps));
    lines << QObject::tr("achieved %1/s (%2 \u2013 %3)")
                 .arg(formatRate(group.achievedRps), formatRate(group.achievedMinRps),
                      formatRate(group.achievedMaxRps));
    const Run& run = data.runs[group.runIndex];
    for (const Percentile p : allPercentiles()) {
        double low = summaryValue(run.steps[group.okSteps.front()].latency, p);
        double high = low;
        for (const std::size_t index : group.okSteps) {
            low = std::min(low, summaryValue(run.steps[index].latency, p));
            high = std::max(high, summaryValue(run.steps[index].latency, p));
        }
        QString line = QStringLiteral("%1 = %2").arg(QString::fromLatin1(percentileLabel(p).data()),
                                                     formatLatency(summaryValue(group.merged, p)));
        if (group.okRepetitions() > 1)
            line += QStringLiteral(" <small>(%1 \u2013 %2)</small>").arg(formatLatency(low), formatLatency(high));
        if (highlight && *highlight == p)
            line = QStringLiteral("<b>%1</b>").arg(line);
        lines << line;
    }
    QString repetitions = group.okRepetitions() > 1
                              ? QObject::tr("%1 repetitions merged (histograms added)").arg(group.okRepetitions())
                              : QObject::tr("1 repetition");
    if (group.approximate)
        repetitions += QObject::tr("; histograms missing: worst repetition shown");
    lines << repetitions;
    lines << QObject::tr("server CPU %1 %, peak RSS %2 MiB")
                 .arg(group.cpuPercent, 0, 'f', 0)
                 .arg(group.rssMiB, 0, 'f', 1);
    if (const QString flags = describeFlags(group); !flags.isEmpty())
        lines << QStringLiteral("<span style='color:#d55e00'>\u26a0 %1</span>").arg(flags.toHtmlEscaped());
    if (!group.note.empty())
        lines << QStringLiteral("<i>%1</i>").arg(QString::fromStdString(group.note).toHtmlEscaped());
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
