#include "slo_text.h"

#include "plan_format.h"

#include <QObject>
#include <QStringList>

namespace loadscope {

QString sloFieldText(const ServiceLevelObjective& slo) {
    QString p99 = slo.p99MaxMs ? QStringLiteral("p99<%1ms").arg(planNumberText(*slo.p99MaxMs))
                               : QStringLiteral("p99<=%1x").arg(planNumberText(slo.p99FactorOfIdeal));
    return QStringLiteral("%1,errors<%2%").arg(p99, planNumberText(slo.maxErrorRate * 100.0));
}

QString sloPreviewText(const QString& typed, const std::vector<double>& idealMs) {
    ServiceLevelObjective slo;
    try {
        if (!typed.trimmed().isEmpty())
            slo = parseSlo(typed.trimmed().toStdString());
    } catch (const std::exception&) {
        return {};
    }
    QString p99;
    if (slo.p99MaxMs) {
        p99 = QObject::tr("p99 ≤ %1 ms").arg(planNumberText(*slo.p99MaxMs));
    } else {
        // The factor in milliseconds for the checked targets: one number when they share an ideal latency.
        QStringList limits;
        for (double ideal : idealMs)
            if (!limits.contains(planNumberText(slo.p99LimitMs(ideal))))
                limits << planNumberText(slo.p99LimitMs(ideal));
        p99 = QObject::tr("p99 ≤ %1 x ideal").arg(planNumberText(slo.p99FactorOfIdeal));
        if (!limits.isEmpty())
            p99 += limits.size() == 1 ? QObject::tr(" (%1 ms)").arg(limits.front())
                                      : QObject::tr(" (%1 ms, by target)").arg(limits.join(QStringLiteral(" / ")));
    }
    return QObject::tr("%1, errors < %2 %").arg(p99, planNumberText(slo.maxErrorRate * 100.0));
}

} // namespace loadscope
