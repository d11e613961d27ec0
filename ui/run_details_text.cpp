#include "run_details_text.h"

#include "benchmark_plan.h"
#include "plan_format.h"
#include "run_analysis.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace loadscope {

namespace {

QString html(const std::string& text) {
    return QString::fromStdString(text).toHtmlEscaped();
}

QString ratesWords(const std::vector<double>& rates) {
    QStringList shown;
    for (double rate : rates)
        shown << QString::fromStdString(rateText(rate));
    if (shown.size() > 8)
        shown = QStringList{shown.front(), shown[1], QStringLiteral("\u2026"), shown.back()};
    return QObject::tr("%1 req/s (%2)")
        .arg(shown.join(QStringLiteral(", ")), countOf(static_cast<long long>(rates.size()), "rate", "rates"));
}

// The knee as the analysis states it; a knee at the highest rate is a lower bound, so it reads "≥".
QString kneeWords(const KneeEstimate& knee) {
    if (knee.sloKnown && knee.measuredAny && knee.kneeRps && knee.heldEveryRate())
        return QObject::tr("knee \u2265 %1 req/s (held every rate measured)")
            .arg(QString::fromStdString(rateText(*knee.kneeRps)));
    if (knee.sloKnown && knee.measuredAny && !knee.kneeRps)
        return QObject::tr("never met the SLO");
    return QObject::tr("knee %1 req/s").arg(html(knee.text()));
}

QString environmentHtml(const std::string& environmentJson) {
    const QJsonObject environment = QJsonDocument::fromJson(QByteArray::fromStdString(environmentJson)).object();
    QStringList env;
    const std::pair<const char*, const char*> labels[] = {
        {"host", "Host"},   {"hostname", "Host name"}, {"cpu_model", "CPU model"},  {"cpu", "CPU"},
        {"cores", "Cores"}, {"kernel", "Kernel"},      {"governor", "CPU governor"}};
    for (const auto& [key, label] : labels)
        if (const QJsonValue value = environment.value(QLatin1String(key)); value.isString() || value.isDouble())
            env << QStringLiteral("%1: %2").arg(QObject::tr(label), value.toVariant().toString().toHtmlEscaped());
    return env.isEmpty() ? QString() : QStringLiteral("<small>%1</small>").arg(env.join(QStringLiteral("<br>")));
}

} // namespace

QString planSummaryHtml(const std::string& planJson) {
    if (planJson.empty())
        return QObject::tr("Plan: not stored (an imported run)");
    BenchmarkPlan plan;
    try {
        plan = planFromJson(planJson, "stored plan");
    } catch (const std::exception& error) {
        return QObject::tr("Plan: could not be read (%1)").arg(html(error.what()));
    }
    QStringList parts;
    parts << (plan.mode == PlanMode::Search ? html(describeSearch(plan))
                                            : QObject::tr("Rates %1").arg(ratesWords(plan.rates)));
    parts
        << QObject::tr("steps of %1 (warm-up %2)").arg(humanDuration(plan.stepDurationS), humanDuration(plan.warmupS));
    parts << countOf(plan.repetitions, "repetition", "repetitions");
    parts << QObject::tr("SLO %1").arg(html(describeSlo(plan.slo)));
    return QObject::tr("<b>Plan</b>: %1").arg(parts.join(QStringLiteral(" \u00b7 ")));
}

QString runDetailsHtml(const Run& run) {
    QStringList lines;
    lines << QObject::tr("Run <b>#%1</b>, %2").arg(run.id).arg(QString::fromLatin1(toString(run.status).data()));
    QString times =
        QObject::tr("Started %1")
            .arg(QDateTime::fromMSecsSinceEpoch(run.createdMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    if (run.finishedMs > run.createdMs)
        times +=
            QObject::tr(", took %1").arg(humanDuration(static_cast<double>(run.finishedMs - run.createdMs) / 1000.0));
    lines << times;
    const RunAnalysis analysis = analyzeRun(run);
    // The limit the knees were judged by, in milliseconds, once when the targets share it.
    QStringList limits;
    for (const auto& target : analysis.targets)
        if (target.limits && !limits.contains(QString::fromStdString(rateText(target.limits->p99Ms))))
            limits << QString::fromStdString(rateText(target.limits->p99Ms));
    QString plan = planSummaryHtml(run.planJson);
    if (!limits.isEmpty() && !plan.contains(QObject::tr("%1 ms").arg(limits.front())))
        plan += limits.size() == 1
                    ? QObject::tr(" (p99 limit %1 ms)").arg(limits.front())
                    : QObject::tr(" (p99 limits %1 ms by target)").arg(limits.join(QStringLiteral(" / ")));
    lines << plan;
    QStringList targets;
    for (const TargetSnapshot& t : run.targets) {
        QString line = QStringLiteral("<b>%1</b>").arg(html(t.name));
        if (const TargetAnalysis* target = analysis.find(t.name); target && target->knee.measuredAny)
            line += QStringLiteral(": ") + kneeWords(target->knee);
        if (!t.versions.empty())
            line += QStringLiteral("<br><small>%1</small>").arg(html(t.versions));
        targets << line;
    }
    if (!targets.isEmpty())
        lines << targets.join(QStringLiteral("<br>"));
    if (const QString env = environmentHtml(run.environmentJson); !env.isEmpty())
        lines << env;
    return lines.join(QStringLiteral("<br><br>"));
}

} // namespace loadscope
