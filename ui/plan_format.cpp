#include "plan_format.h"

#include <QLocale>
#include <QObject>

#include <cmath>

namespace loadscope {

QString humanDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0)
        return QObject::tr("unknown");
    const auto total = static_cast<long long>(std::llround(seconds));
    const long long hours = total / 3600;
    const long long minutes = (total % 3600) / 60;
    const long long secs = total % 60;
    if (hours > 0)
        return QObject::tr("%1 h %2 min").arg(hours).arg(minutes, 2, 10, QLatin1Char('0'));
    if (minutes > 0)
        return secs == 0 ? QObject::tr("%1 min").arg(minutes)
                         : QObject::tr("%1 min %2 s").arg(minutes).arg(secs, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 s").arg(secs);
}

QString humanRate(double requestsPerSecond) {
    const bool whole = std::abs(requestsPerSecond - std::round(requestsPerSecond)) < 1e-9;
    return QObject::tr("%1 req/s").arg(QLocale().toString(requestsPerSecond, 'f', whole ? 0 : 1));
}

QString planNumberText(double value) {
    return QString::number(value, 'g', 12);
}

QString countOf(long long count, const char* one, const char* many) {
    return QStringLiteral("%1 %2").arg(QLocale().toString(count), QString::fromUtf8(count == 1 ? one : many));
}

QString humanLatency(double milliseconds) {
    if (!std::isfinite(milliseconds))
        return QObject::tr("n/a");
    if (milliseconds < 1.0)
        return QObject::tr("%1 µs").arg(QString::number(milliseconds * 1000.0, 'f', 0));
    if (milliseconds >= 1000.0)
        return QObject::tr("%1 s").arg(QString::number(milliseconds / 1000.0, 'f', 2));
    return QObject::tr("%1 ms").arg(QString::number(milliseconds, 'f', milliseconds < 10 ? 2 : 1));
}

} // namespace loadscope
