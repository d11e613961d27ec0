// RunListModel and RunFilterProxyModel over summaries from a real store: QAbstractItemModelTester, every role,
// and each filter (text, status, target, tag, date) and the sort.
#include "run_filter_proxy_model.h"
#include "run_list_model.h"
#include "ui_fixture.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QTest>

using namespace loadscope;
using namespace loadscope::test;

namespace {

constexpr std::int64_t kDay = 24 * 3600 * 1000;

std::vector<RunSummary> storedSummaries(TempFolder& folder) {
    RunStore store = RunStore::open(folder.file("runs.sqlite"));
    FixtureRunSpec a;
    a.name = "aiohttp vs tornado";
    a.rates = {500, 1000};
    a.repetitions = 1;
    a.stepSeconds = 1;
    a.tags = {"baseline"};
    a.createdMs = QDateTime::currentMSecsSinceEpoch() - 40 * kDay;
    addFixtureRun(store, a);
    FixtureRunSpec b = a;
    b.name = "uvloop only";
    b.targets = {{"aiohttp-uvloop", 2600}, {"tornado-gen-uvloop", 1500}};
    b.rates = {1000, 1500, 2000, 2500, 3000};
    b.tags = {"uvloop", "laptop"};
    b.status = RunStatus::CompletedWithFailures;
    b.createdMs = QDateTime::currentMSecsSinceEpoch() - 2 * kDay;
    addFixtureRun(store, b);
    FixtureRunSpec c = a;
    c.name = "cancelled one";
    c.targets = {{"refserver", 9000}};
    c.tags = {};
    c.status = RunStatus::Cancelled;
    c.createdMs = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    addFixtureRun(store, c);
    return store.listRuns();
}

QStringList namesIn(const QAbstractItemModel& model) {
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names << model.index(row, RunListModel::NameColumn).data(RunListModel::NameRole).toString();
    return names;
}

} // namespace

class TestRunListModel : public QObject {
    Q_OBJECT
private slots:
    void passesTheModelTester() {
        TempFolder folder;
        RunListModel model;
        RunFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester sourceTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns(storedSummaries(folder));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(RunListModel::ColumnCount));
        proxy.sort(RunListModel::CreatedColumn, Qt::DescendingOrder);
        proxy.setText(QStringLiteral("uvloop"));
        proxy.setStatus(QStringLiteral("completed"));
        proxy.setText({});
        proxy.setStatus({});
        model.setRuns({});
        QCOMPARE(proxy.rowCount(), 0);
    }

    void rolesAndColumns() {
        TempFolder folder;
        RunListModel model;
        model.setRuns(storedSummaries(folder));
        const int row = model.rowOfRun(model.runs()[0].id);
        QVERIFY(row >= 0);
        // listRuns sorts newest first: "cancelled one", "uvloop only", "aiohttp vs tornado".
        const QModelIndex uvloop = model.index(1, RunListModel::NameColumn);
        QCOMPARE(uvloop.data(RunListModel::NameRole).toString(), QStringLiteral("uvloop only"));
        QCOMPARE(uvloop.data(RunListModel::TargetsRole).toStringList(),
                 (QStringList{QStringLiteral("aiohttp-uvloop"), QStringLiteral("tornado-gen-uvloop")}));
        QCOMPARE(uvloop.data(RunListModel::ScenarioRole).toString(), QStringLiteral("simple"));
        QCOMPARE(uvloop.data(RunListModel::StatusRole).toString(), QStringLiteral("completed-with-failures"));
        QCOMPARE(uvloop.data(RunListModel::TagsRole).toStringList(),
                 (QStringList{QStringLiteral("uvloop"), QStringLiteral("laptop")}));
        QCOMPARE(uvloop.data(RunListModel::RatesRole).value<QList<double>>(),
                 (QList<double>{1000, 1500, 2000, 2500, 3000}));
        QVERIFY(uvloop.data(RunListModel::CreatedRole).toDateTime().isValid());
        const QVariantMap knees = uvloop.data(RunListModel::KneeRole).toMap();
        QVERIFY(knees.value(QStringLiteral("aiohttp-uvloop")).toDouble() >
                knees.value(QStringLiteral("tornado-gen-uvloop")).toDouble());
        // Many rates: the span and the count, without an ellipsis the view would double when it elides the cell;
        // the tooltip lists them all.
        QCOMPARE(model.index(1, RunListModel::RatesColumn).data().toString(),
                 QStringLiteral("1000\u20133000, 5 rates"));
        QCOMPARE(model.index(1, RunListModel::RatesColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("1000, 1500, 2000, 2500, 3000"));
        // Every cell a narrow column cuts can be read in full in its tooltip; the knee's also says what a knee is.
        for (int column = 0; column < RunListModel::ColumnCount; ++column)
            if (column != RunListModel::CreatedColumn && column != RunListModel::RatesColumn &&
                column != RunListModel::KneeColumn)
                QCOMPARE(model.index(1, column).data(Qt::ToolTipRole), model.index(1, column).data());
        const QString kneeTip = model.index(1, RunListModel::KneeColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(kneeTip.contains(QLatin1String("aiohttp-uvloop ")) && kneeTip.contains(QLatin1String("overloaded")),
                 qPrintable(kneeTip));
        const QString kneeText = model.index(1, RunListModel::KneeColumn).data().toString();
        QVERIFY2(kneeText.startsWith(QStringLiteral("aiohttp-uvloop ")), qPrintable(kneeText));
        QVERIFY(kneeText.contains(QStringLiteral("tornado-gen-uvloop ")));
        QCOMPARE(model.index(2, RunListModel::RatesColumn).data().toString(), QStringLiteral("500, 1000"));
        QCOMPARE(model.headerData(RunListModel::KneeColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Knee per target (req/s)"));
    }

    void filtersAndSort() {
        TempFolder folder;
        RunListModel model;
        RunFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        model.setRuns(storedSummaries(folder));
        proxy.sort(RunListModel::CreatedColumn, Qt::AscendingOrder);
        QCOMPARE(namesIn(proxy), (QStringList{QStringLiteral("aiohttp vs tornado"), QStringLiteral("uvloop only"),
                                              QStringLiteral("cancelled one")}));
        proxy.sort(RunListModel::NameColumn, Qt::AscendingOrder);
        QCOMPARE(namesIn(proxy).first(), QStringLiteral("aiohttp vs tornado"));

        proxy.setText(QStringLiteral("UVLOOP gen")); // every word, any field, any case
        QCOMPARE(namesIn(proxy), QStringList{QStringLiteral("uvloop only")});
        proxy.setText(QStringLiteral("#%1").arg(model.runs().back().id));
        QCOMPARE(namesIn(proxy), QStringList{QStringLiteral("aiohttp vs tornado")});
        proxy.setText(QStringLiteral("nothing-like-this"));
        QCOMPARE(proxy.rowCount(), 0);
        // The store's search (it also reads notes) can add runs for the current text only.
        proxy.setStoreTextMatches(QStringLiteral("nothing-like-this"), {model.runs().front().id});
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setStoreTextMatches(QStringLiteral("an older text"), {model.runs().back().id});
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setText({});

        proxy.setStatus(QStringLiteral("cancelled"));
        QCOMPARE(namesIn(proxy), QStringList{QStringLiteral("cancelled one")});
        proxy.setStatus({});
        proxy.setTarget(QStringLiteral("tornado-async"));
        QCOMPARE(namesIn(proxy), QStringList{QStringLiteral("aiohttp vs tornado")});
        proxy.setTarget({});
        proxy.setTag(QStringLiteral("laptop"));
        QCOMPARE(namesIn(proxy), QStringList{QStringLiteral("uvloop only")});
        proxy.setTag({});
        proxy.setDateRange(QDateTime::currentDateTime().addDays(-7), std::nullopt);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setDateRange(std::nullopt, QDateTime::currentDateTime().addDays(-7));
        QCOMPARE(namesIn(proxy), QStringList{QStringLiteral("aiohttp vs tornado")});
        proxy.setDateRange(std::nullopt, std::nullopt);
        QCOMPARE(proxy.rowCount(), 3);
    }
};

QTEST_GUILESS_MAIN(TestRunListModel)
#include "test_run_list_model.moc"
