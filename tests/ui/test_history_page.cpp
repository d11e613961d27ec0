// The History page against real database files: background loading (and stale loads dropped), the filter bar,
// rename / notes / tags, delete with and without confirmation, re-run with the same plan, compare, errors.
#include "history_filter_bar.h"
#include "history_page.h"
#include "run_filter_proxy_model.h"
#include "run_list_model.h"
#include "ui_fixture.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QThreadPool>

#include <fstream>

using namespace loadscope;
using namespace loadscope::test;

namespace {

std::vector<std::int64_t> fill(const std::filesystem::path& path, const std::vector<std::string>& names) {
    RunStore store = RunStore::open(path);
    std::vector<std::int64_t> ids;
    std::int64_t created = 1'700'000'000'000;
    for (const auto& name : names) {
        FixtureRunSpec spec;
        spec.name = name;
        spec.rates = {500, 1000};
        spec.repetitions = 1;
        spec.stepSeconds = 1;
        spec.createdMs = created += 3'600'000;
        spec.tags = {name.find("nightly") != std::string::npos ? "nightly" : "manual"};
        ids.push_back(addFixtureRun(store, spec));
    }
    return ids;
}

bool waitLoaded(HistoryPage& page) {
    QSignalSpy loaded(&page, &HistoryPage::loaded);
    return loaded.wait(10000);
}

} // namespace

class TestHistoryPage : public QObject {
    Q_OBJECT
private slots:
    void loadsInTheBackgroundAndFilters() {
        TempFolder folder;
        fill(folder.file("runs.sqlite"), {"first manual", "second nightly", "third nightly"});
        HistoryPage page;
        page.setDatabase(folder.file("runs.sqlite"));
        QVERIFY(page.isLoading()); // the list comes from a worker thread
        QVERIFY(waitLoaded(page));
        QCOMPARE(page.model()->rowCount(), 3);
        // Newest first, and the newest is selected so its details show.
        QCOMPARE(page.proxy()->index(0, 0).data().toString(), QStringLiteral("third nightly"));
        QCOMPARE(page.selectedRunIds().size(), 1);
        QCOMPARE(page.filterBar()->tagBox()->count(), 3); // any, manual, nightly
        QCOMPARE(page.filterBar()->targetBox()->count(), 4);

        page.filterBar()->searchField()->setText(QStringLiteral("second"));
        QCOMPARE(page.proxy()->rowCount(), 1);
        page.filterBar()->searchField()->clear();
        page.filterBar()->tagBox()->setCurrentIndex(page.filterBar()->tagBox()->findData(QStringLiteral("nightly")));
        QCOMPARE(page.proxy()->rowCount(), 2);
        page.filterBar()->clearFilters();
        QCOMPARE(page.proxy()->rowCount(), 3);
    }

    void notesAreSearchedThroughTheStore() {
        TempFolder folder;
        const auto ids = fill(folder.file("runs.sqlite"), {"alpha", "beta"});
        RunStore::open(folder.file("runs.sqlite")).setNotes(ids[0], "measured after the kernel upgrade");
        HistoryPage page;
        page.setDatabase(folder.file("runs.sqlite"));
        QVERIFY(waitLoaded(page));
        page.filterBar()->searchField()->setText(QStringLiteral("kernel"));
        QCOMPARE(page.proxy()->rowCount(), 0);                        // not in the rows themselves...
        QTRY_COMPARE_WITH_TIMEOUT(page.proxy()->rowCount(), 1, 5000); // ...but the store finds it in the notes
        QCOMPARE(page.proxy()->index(0, 0).data().toString(), QStringLiteral("alpha"));
    }

    void staleLoadsAreDropped() {
        TempFolder folder;
        fill(folder.file("a.sqlite"), {"in a 1", "in a 2", "in a 3"});
        fill(folder.file("b.sqlite"), {"in b"});
        HistoryPage page;
        QSignalSpy loaded(&page, &HistoryPage::loaded);
        page.setDatabase(folder.file("a.sqlite"));
        page.setDatabase(folder.file("b.sqlite"));
        QVERIFY(loaded.wait(10000));
        // The load of a.sqlite finishes too (loads run on the global pool), and must not replace b's rows.
        QVERIFY(QThreadPool::globalInstance()->waitForDone(10000));
        QCoreApplication::processEvents(); // its result's delivery
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(page.model()->rowCount(), 1);
        QCOMPARE(page.model()->runs()[0].name, std::string("in b"));
    }

    void renameNotesTagsAndRerun() {
        TempFolder folder;
        const auto ids = fill(folder.file("runs.sqlite"), {"old name", "other"});
        HistoryPage page;
        page.setDatabase(folder.file("runs.sqlite"));
        QVERIFY(waitLoaded(page));
        page.selectRuns({ids[0]});
        QCOMPARE(page.selectedRunIds(), QList<qint64>{ids[0]});
        // The details (notes, plan) load in the background too: wait for the run's plan before re-running.
        QSignalSpy rerun(&page, &HistoryPage::rerunRequested);
        QTRY_VERIFY2_WITH_TIMEOUT(page.detailsText().contains(QStringLiteral("Python 3.11.2")),
                                  qPrintable(page.detailsText()), 5000);
        // Environment keys read as words, not as the JSON keys ("cpu_model").
        QVERIFY2(page.detailsText().contains(QStringLiteral("CPU model: Synthetic CPU")),
                 qPrintable(page.detailsText()));
        QVERIFY(!page.detailsText().contains(QStringLiteral("cpu_model")));
        page.rerunSelected();
        QCOMPARE(rerun.count(), 1);
        const Run stored = *RunStore::open(folder.file("runs.sqlite")).loadRun(ids[0]);
        QCOMPARE(rerun.first().at(0).toString().toStdString(), stored.planJson);
        QCOMPARE(rerun.first().at(1).toLongLong(), ids[0]);

        const QList<QLineEdit*> edits = page.findChildren<QLineEdit*>();
        QLineEdit* nameEdit = nullptr;
        QLineEdit* tagsEdit = nullptr;
        for (QLineEdit* e : edits) {
            if (e->text() == QStringLiteral("old name"))
                nameEdit = e;
            else if (e->placeholderText().startsWith(QStringLiteral("comma")))
                tagsEdit = e;
        }
        QVERIFY(nameEdit && tagsEdit);
        nameEdit->setText(QStringLiteral("new name"));
        tagsEdit->setText(QStringLiteral("fast, laptop, fast"));
        page.findChild<QPlainTextEdit*>()->setPlainText(QStringLiteral("a note"));
        QSignalSpy edited(&page, &HistoryPage::editFinished);
        page.saveDetails();
        QVERIFY(edited.wait(10000));
        const Run renamed = *RunStore::open(folder.file("runs.sqlite")).loadRun(ids[0]);
        QCOMPARE(renamed.name, std::string("new name"));
        QCOMPARE(renamed.notes, std::string("a note"));
        QCOMPARE(renamed.tags, (std::vector<std::string>{"fast", "laptop"}));
        QVERIFY(waitLoaded(page));
        QCOMPARE(page.selectedRunIds(), QList<qint64>{ids[0]}); // the edited run stays selected
        QVERIFY(page.model()->rowOfRun(ids[0]) >= 0);
        QCOMPARE(page.model()->runAt(page.model()->rowOfRun(ids[0]))->name, std::string("new name"));

        // An empty name is refused at the field, nothing is written.
        QSignalSpy errors(&page, &HistoryPage::errorOccurred);
        nameEdit->setText(QStringLiteral("  "));
        page.saveDetails();
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().at(0).toString().startsWith(QStringLiteral("Name:")));
    }

    void detailsShowThePlanAndTheKnees() {
        TempFolder folder;
        std::int64_t id = 0;
        {
            RunStore store = RunStore::open(folder.file("runs.sqlite"));
            FixtureRunSpec spec;
            spec.name = "plan and knees";
            // aiohttp-uvloop holds both rates (a lower bound: "≥"); tornado-async saturates far below 500.
            spec.targets = {{"aiohttp-uvloop", 2600}, {"tornado-async", 150}};
            spec.rates = {500, 1000};
            spec.repetitions = 3;
            spec.stepSeconds = 1;
            id = addFixtureRun(store, spec);
            addFixtureRun(store, FixtureRunSpec{});
        }
        HistoryPage page;
        page.setDatabase(folder.file("runs.sqlite"));
        QVERIFY(waitLoaded(page));
        page.selectRuns({id});
        QTRY_VERIFY2_WITH_TIMEOUT(page.detailsText().contains(QStringLiteral("Plan")), qPrintable(page.detailsText()),
                                  5000);
        const QString details = page.detailsText();
        // The plan: rates, step length, repetitions and the SLO with its limit in milliseconds.
        for (const char* expected : {"Rates 500, 1000 req/s", "3 repetitions", "SLO p99", "75 ms"})
            QVERIFY2(details.contains(QString::fromUtf8(expected)),
                     qPrintable(QString::fromUtf8(expected) + " in " + details));
        // The knees as the analysis states them.
        QVERIFY2(details.contains(QStringLiteral("aiohttp-uvloop</b>: knee \u2265 1000 req/s")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("tornado-async</b>: never met the SLO")), qPrintable(details));
        // Saved to be looked at (docs/screenshots/history_details.png).
        page.resize(1400, 760);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QString shots = qEnvironmentVariable("LOADSCOPE_SCREENSHOT_DIR", QStringLiteral("screenshots"));
        QVERIFY(QDir().mkpath(shots));
        QVERIFY(page.grab().save(shots + QStringLiteral("/history_details.png")));

        // Several runs: no greyed-out Name / Tags / Notes of some single run.
        page.selectRuns({id, id + 1});
        QPlainTextEdit* notes = page.findChild<QPlainTextEdit*>();
        QVERIFY(notes);
        QVERIFY(notes->isHidden());
        QCoreApplication::sendPostedEvents(); // the layout settles (a posted event) before the grab
        QVERIFY(page.grab().save(shots + QStringLiteral("/history_two_selected.png")));
        page.selectRuns({id});
        QVERIFY(!notes->isHidden());
    }

    void deleteAsksFirst() {
        TempFolder folder;
        const auto ids = fill(folder.file("runs.sqlite"), {"keep", "drop 1", "drop 2"});
        HistoryPage page;
        QStringList questions;
        bool answer = false;
        page.setConfirmation([&](const QString& q) {
            questions << q;
            return answer;
        });
        page.setDatabase(folder.file("runs.sqlite"));
        QVERIFY(waitLoaded(page));
        page.selectRuns({ids[1], ids[2]});
        page.deleteSelected();
        QCOMPARE(questions.size(), 1);
        QVERIFY(questions[0].contains(QStringLiteral("2 runs")));
        QVERIFY(QThreadPool::globalInstance()->waitForDone(10000)); // declined: no edit was started...
        QCoreApplication::processEvents();
        QCOMPARE(RunStore::open(folder.file("runs.sqlite")).countRuns(), 3); // ...and nothing deleted

        answer = true;
        QSignalSpy edited(&page, &HistoryPage::editFinished);
        page.deleteSelected();
        QVERIFY(edited.wait(10000));
        QCOMPARE(RunStore::open(folder.file("runs.sqlite")).countRuns(), 1);
        QVERIFY(waitLoaded(page));
        QCOMPARE(page.model()->rowCount(), 1);
        QCOMPARE(page.selectedRunIds(), QList<qint64>{ids[0]});
    }

    void compareEmitsTheSelectedRuns() {
        TempFolder folder;
        const auto ids = fill(folder.file("runs.sqlite"), {"a", "b", "c"});
        HistoryPage page;
        page.setDatabase(folder.file("runs.sqlite"));
        QVERIFY(waitLoaded(page));
        QSignalSpy open(&page, &HistoryPage::openResultsRequested);
        page.selectRuns({ids[0], ids[2]});
        page.openSelected();
        QCOMPARE(open.count(), 1);
        QList<qint64> requested = open.first().at(0).value<QList<qint64>>();
        std::sort(requested.begin(), requested.end());
        QCOMPARE(requested, (QList<qint64>{ids[0], ids[2]}));
    }

    void anEmptyDatabaseShowsTheHintUnderTheFilters() {
        TempFolder folder;
        RunStore::open(folder.file("new.sqlite")); // created as the main window does, before History reads it
        HistoryPage page;
        page.resize(1200, 800);
        page.show();
        page.setDatabase(folder.file("new.sqlite"));
        QVERIFY(waitLoaded(page));
        QCOMPARE(page.model()->rowCount(), 0);
        QVERIFY(!page.table()->isVisible());
        QApplication::processEvents(); // the layouts settle on the posted LayoutRequest
        // The filter bar stays one row high at the top of the page; the hint below takes the rest of the height.
        const HistoryFilterBar* bar = page.filterBar();
        QVERIFY2(bar->mapTo(&page, QPoint(0, 0)).y() <= 20, qPrintable(QString::number(bar->y())));
        QCOMPARE(bar->height(), bar->sizeHint().height());
        const auto labels = page.findChildren<QLabel*>();
        const auto hint = std::find_if(labels.begin(), labels.end(), [](const QLabel* label) {
            return label->isVisible() && label->text().contains(QStringLiteral("No runs in"));
        });
        QVERIFY(hint != labels.end());
        QVERIFY2((*hint)->height() > page.height() / 2, qPrintable(QString::number((*hint)->height())));
        // Nothing to edit: the details pane shows no form and no buttons.
        for (const QWidget* w : page.findChildren<QPlainTextEdit*>())
            QVERIFY(!w->isVisible());
        for (const QWidget* w : page.findChildren<QPushButton*>())
            QVERIFY2(!w->isVisible(), qPrintable(static_cast<const QPushButton*>(w)->text()));
    }

    void aForeignFileIsReportedAndUntouched() {
        TempFolder folder;
        const auto path = folder.file("notes.sqlite");
        std::ofstream(path) << "these are not the runs you are looking for";
        const auto before = std::filesystem::file_size(path);
        HistoryPage page;
        QSignalSpy errors(&page, &HistoryPage::errorOccurred);
        page.setDatabase(path);
        QVERIFY(errors.wait(10000));
        QVERIFY2(errors.first().at(0).toString().contains(QStringLiteral("notes.sqlite")),
                 qPrintable(errors.first().at(0).toString()));
        QCOMPARE(std::filesystem::file_size(path), before);
    }
};

QTEST_MAIN(TestHistoryPage)
#include "test_history_page.moc"
