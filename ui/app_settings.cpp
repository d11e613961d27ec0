#include "app_settings.h"

#include "run_store.h"

#include <QSettings>

namespace loadscope::AppSettings {

namespace {
const QString kDatabaseKey = QStringLiteral("database/default");
const QString kPercentilesKey = QStringLiteral("charts/percentiles");
} // namespace

std::filesystem::path defaultDatabase() {
    const QString chosen = QSettings().value(kDatabaseKey).toString();
    return chosen.isEmpty() ? RunStore::defaultPath() : std::filesystem::path(chosen.toStdString());
}

void setDefaultDatabase(const std::filesystem::path& path) {
    if (path.empty())
        QSettings().remove(kDatabaseKey);
    else
        QSettings().setValue(kDatabaseKey, QString::fromStdString(path.string()));
}

bool hasCustomDefaultDatabase() {
    return !QSettings().value(kDatabaseKey).toString().isEmpty();
}

std::vector<Percentile> percentiles() {
    std::vector<Percentile> result;
    const QStringList stored =
        QSettings().value(kPercentilesKey, QStringList{QStringLiteral("p50"), QStringLiteral("p99")}).toStringList();
    for (const QString& label : stored)
        if (const auto p = percentileFromLabel(label.toStdString());
            p && std::find(result.begin(), result.end(), *p) == result.end())
            result.push_back(*p);
    return result.empty() ? std::vector<Percentile>{Percentile::P50, Percentile::P99} : result;
}

void setPercentiles(const std::vector<Percentile>& percentiles) {
    QStringList labels;
    for (Percentile p : percentiles)
        labels << QString::fromLatin1(percentileLabel(p).data());
    QSettings().setValue(kPercentilesKey, labels);
}

} // namespace loadscope::AppSettings
