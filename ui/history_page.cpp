#include "history_page.h"

#include "background_job.h"
#include "history_filter_bar.h"
#include "plan_format.h"
#include "run_details_text.h"
#include "run_filter_proxy_model.h"
#include "run_list_model.h"
#include "run_store.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <chrono>
#include <utility>

namespace loadscope {

struct HistoryPage::Snapshot {
    std::vector<RunSummary> runs;
    QStringList targets;
    QStringList tags;
    QString error;
    qint64 elapsedMs = 0;
};

namespace {

QStringList toQStringList(const std::vector<std::string>& values) {
    QStringList list;
    for (const auto& v : values)
        list << QString::fromStdString(v);
    return list;
}

std::vector<std::string> parseTags(const QString& text) {
    std::vector<std::string> tags;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString tag = part.trimmed();
        if (!tag.isEmpty() && std::find(tags.begin(), tags.end(), tag.toStdString()) == tags.end())
            tags.push_back(tag.toStdString());
    }
    return tags;
}

} // namespace

HistoryPage::HistoryPage(QWidget* parent)
    : QWidget(parent)
    , model_(new RunListModel(this))
    , proxy_(new RunFilterProxyModel(this))
    , filters_(new HistoryFilterBar(proxy_, this))
    , table_(new QTableView(this))
    , emptyHint_(new QLabel(this))
    , countLabel_(new QLabel(this))
    , detailsTitle_(new QLabel(this))
    , detailsBody_(new QLabel(this))
    , detailsEditor_(new QWidget(this))
    , nameEdit_(new QLineEdit(this))
    , tagsEdit_(new QLineEdit(this))
    , notesEdit_(new QPlainTextEdit(this))
    , saveButton_(new QPushButton(tr("Save changes"), this))
    , openButton_(new QPushButton(tr("Show results"), this))
    , rerunButton_(new QPushButton(tr("Re-run with the same plan"), this))
    , deleteButton_(new QPushButton(tr("Delete\u2026"), this))
    , confirm_([this](const QString& question) {
        return QMessageBox::question(this, tr("Loadscope"), question, QMessageBox::Yes | QMessageBox::Cancel,
                                     QMessageBox::Cancel) == QMessageBox::Yes;
    }) {
    setUpRunTable();
    emptyHint_->setWordWrap(true);
    emptyHint_->setAlignment(Qt::AlignCenter);
    emptyHint_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    emptyHint_->setVisible(false);
    QWidget* details = createDetailsPane();
    QWidget* list = createListPane();
    auto* splitter = new QSplitter(this);
    splitter->addWidget(list);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    const int em = table_->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    details->setMinimumWidth(22 * em);
    splitter->setSizes({1000, 30 * em});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
    connectActions();
    updateDetails();
}

void HistoryPage::setUpRunTable() {
    proxy_->setSourceModel(model_);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(RunListModel::CreatedColumn, Qt::DescendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    // Fixed row heights and column widths: measuring 10,000 rows' contents would cost more than the load itself.
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
    const int em = table_->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    // In 'M' widths, chosen so that every column, Steps and Tags included, fits a 1280 px wide window next to the
    // details pane without scrolling sideways; a cut cell shows its whole value in its tooltip.
    const int widths[] = {13, 11, 13, 7, 10, 9, 17, 8, 8};
    for (int c = 0; c < RunListModel::ColumnCount; ++c)
        table_->setColumnWidth(c, widths[c] * em);
    // The date has one fixed format: measure it (plus the cell's padding) instead of guessing, so it is never elided.
    table_->setColumnWidth(RunListModel::CreatedColumn,
                           table_->fontMetrics().horizontalAdvance(QStringLiteral("8888-88-88 88:88")) + 2 * em);
    // The last column (tags, text) takes what is left.
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
}

// The selected run's title, its open button, its details, then its edit form with save, delete and re-run.
QWidget* HistoryPage::createDetailsPane() {
    auto* details = new QWidget(this);
    auto* detailsLayout = new QVBoxLayout(details);
    detailsTitle_->setWordWrap(true);
    detailsTitle_->setTextFormat(Qt::RichText);
    detailsBody_->setWordWrap(true);
    detailsBody_->setTextFormat(Qt::RichText);
    detailsBody_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailsBody_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* form = new QFormLayout;
    editForm_ = form;
    form->addRow(tr("Name"), nameEdit_);
    tagsEdit_->setPlaceholderText(tr("comma separated, e.g. baseline, laptop"));
    form->addRow(tr("Tags"), tagsEdit_);
    notesEdit_->setPlaceholderText(tr("What was special about this run?"));
    form->addRow(tr("Notes"), notesEdit_);
    openButton_->setDefault(true);
    openButton_->setToolTip(tr("Show the charts of the selected run, or compare the selected runs (Enter)"));
    rerunButton_->setToolTip(tr("Open the launcher with this run's plan"));
    detailsLayout->addWidget(detailsTitle_);
    detailsLayout->addWidget(openButton_);
    detailsLayout->addWidget(detailsBody_);
    // The edit form and its buttons, hidden while no run is selected (an empty form would look editable).
    auto* editorLayout = new QVBoxLayout(detailsEditor_);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->addLayout(form);
    auto* editButtons = new QHBoxLayout;
    editButtons->addWidget(saveButton_);
    editButtons->addStretch();
    editButtons->addWidget(deleteButton_);
    editorLayout->addLayout(editButtons);
    editorLayout->addWidget(rerunButton_);
    detailsLayout->addWidget(detailsEditor_);
    // Spare height below everything: stretching the details text left a large blank gap above Name.
    detailsLayout->addStretch(1);
    return details;
}

// The filters, the table (or the hint of an empty database) and the count under it.
QWidget* HistoryPage::createListPane() {
    auto* list = new QWidget(this);
    auto* listLayout = new QVBoxLayout(list);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(filters_);
    // The hint replaces the table when the database has no runs, so it takes the table's stretch: with no stretching
    // widget visible, the layout would share the height among the filter bar, the hint and the count instead.
    listLayout->addWidget(emptyHint_, 1);
    listLayout->addWidget(table_, 1);
    listLayout->addWidget(countLabel_);
    return list;
}

void HistoryPage::connectActions() {
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HistoryPage::updateDetails);
    connect(table_, &QTableView::doubleClicked, this, &HistoryPage::openSelected);
    connect(table_, &QTableView::activated, this, &HistoryPage::openSelected);
    connect(openButton_, &QPushButton::clicked, this, &HistoryPage::openSelected);
    connect(rerunButton_, &QPushButton::clicked, this, &HistoryPage::rerunSelected);
    connect(deleteButton_, &QPushButton::clicked, this, &HistoryPage::deleteSelected);
    connect(saveButton_, &QPushButton::clicked, this, &HistoryPage::saveDetails);
    connect(filters_, &HistoryFilterBar::textSettled, this, &HistoryPage::searchStore);
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, &HistoryPage::updateCountLabel);
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &HistoryPage::updateCountLabel);
    connect(proxy_, &QAbstractItemModel::modelReset, this, &HistoryPage::updateCountLabel);
    connect(table_, &QTableView::customContextMenuRequested, this, &HistoryPage::showContextMenu);
}

void HistoryPage::showContextMenu(const QPoint& pos) {
    if (selectedRunIds().isEmpty())
        return;
    QMenu menu(this);
    menu.addAction(openButton_->text(), this, &HistoryPage::openSelected);
    menu.addAction(rerunButton_->text(), this, &HistoryPage::rerunSelected)->setEnabled(rerunButton_->isEnabled());
    menu.addSeparator();
    menu.addAction(deleteButton_->text(), this, &HistoryPage::deleteSelected);
    menu.exec(table_->viewport()->mapToGlobal(pos));
}

void HistoryPage::setDatabase(const std::filesystem::path& path) {
    database_ = path;
    model_->setRuns({});
    pendingSelection_.clear();
    reload();
}

void HistoryPage::reload() {
    if (database_.empty())
        return;
    if (pendingSelection_.isEmpty())
        pendingSelection_ = selectedRunIds();
    const quint64 generation = ++generation_;
    loading_ = true;
    const std::filesystem::path path = database_;
    runInBackground(
        this,
        [path] {
            Snapshot snapshot;
            const auto start = std::chrono::steady_clock::now();
            try {
                const RunStore store = RunStore::open(path, RunStore::OpenMode::ReadOnly);
                snapshot.runs = store.listRuns();
                snapshot.targets = toQStringList(store.allTargetNames());
                snapshot.tags = toQStringList(store.allTags());
            } catch (const std::exception& e) {
                snapshot.error = QString::fromStdString(e.what());
            }
            snapshot.elapsedMs =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
            return snapshot;
        },
        [this, generation](Snapshot snapshot) {
            if (generation != generation_)
                return; // a newer load (another database, an edit) was asked for meanwhile
            loading_ = false;
            applySnapshot(snapshot);
        });
}

void HistoryPage::applySnapshot(const Snapshot& snapshot) {
    if (!snapshot.error.isEmpty()) {
        emit errorOccurred(snapshot.error);
        return;
    }
    const int count = static_cast<int>(snapshot.runs.size());
    model_->setRuns(snapshot.runs);
    filters_->setChoices(snapshot.targets, snapshot.tags);
    emptyHint_->setVisible(count == 0);
    table_->setVisible(count > 0);
    if (count == 0)
        emptyHint_->setText(tr("<p><b>No runs in %1 yet.</b></p><p>Start one from the <b>Launcher</b>, or in a "
                               "terminal:<br><code>loadscope run --preset quick --db %1</code></p>")
                                .arg(QString::fromStdString(database_.string()).toHtmlEscaped()));
    if (!pendingSelection_.isEmpty())
        selectRuns(pendingSelection_);
    if (selectedRunIds().isEmpty() && proxy_->rowCount() > 0)
        table_->selectRow(0);
    pendingSelection_.clear();
    updateDetails();
    emit statusMessage(tr("%1 loaded in %2 ms").arg(countOf(count, "run", "runs")).arg(snapshot.elapsedMs));
    emit loaded(count);
}

QString HistoryPage::detailsText() const {
    return detailsBody_->text();
}

QList<qint64> HistoryPage::selectedRunIds() const {
    QList<qint64> ids;
    const QModelIndexList rows = table_->selectionModel()->selectedRows();
    QList<int> proxyRows;
    for (const QModelIndex& index : rows)
        proxyRows << index.row();
    std::sort(proxyRows.begin(), proxyRows.end());
    for (int row : proxyRows)
        ids << proxy_->index(row, 0).data(RunListModel::RunIdRole).toLongLong();
    return ids;
}

void HistoryPage::selectRuns(const QList<qint64>& runIds) {
    QItemSelection selection;
    for (qint64 id : runIds) {
        const int sourceRow = model_->rowOfRun(id);
        if (sourceRow < 0)
            continue;
        const QModelIndex index = proxy_->mapFromSource(model_->index(sourceRow, 0));
        if (index.isValid())
            selection.select(index, index.siblingAtColumn(RunListModel::ColumnCount - 1));
    }
    table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (!selection.isEmpty())
        table_->scrollTo(selection.indexes().first());
}

void HistoryPage::updateCountLabel() {
    countLabel_->setText(tr("%1 of %2 shown").arg(proxy_->rowCount()).arg(countOf(model_->rowCount(), "run", "runs")));
}

void HistoryPage::updateDetails() {
    const QList<qint64> ids = selectedRunIds();
    showSelectionControls(static_cast<int>(ids.size()));
    if (ids.size() != 1) {
        showSeveralOrNoneSelected(static_cast<int>(ids.size()));
        return;
    }
    const RunSummary* summary = model_->runAt(model_->rowOfRun(ids.front()));
    if (!summary || summary->id == detailsRunId_)
        return;
    detailsRunId_ = summary->id;
    loadedPlanJson_.clear();
    detailsTitle_->setText(QStringLiteral("<h3>%1</h3>").arg(QString::fromStdString(summary->name).toHtmlEscaped()));
    nameEdit_->setText(QString::fromStdString(summary->name));
    tagsEdit_->setText(toQStringList(summary->tags).join(QStringLiteral(", ")));
    notesEdit_->clear();
    detailsBody_->setText(tr("Loading\u2026"));
    rerunButton_->setEnabled(false);
    loadDetails(summary->id);
}

// Which controls a selection of `selected` runs offers, and what its buttons say.
void HistoryPage::showSelectionControls(int selected) {
    const bool one = selected == 1;
    // Name, tags and notes belong to one run: with several selected they are hidden, not shown greyed out.
    for (QWidget* w : std::initializer_list<QWidget*>{nameEdit_, tagsEdit_, notesEdit_})
        editForm_->setRowVisible(w, one);
    for (QWidget* w : std::initializer_list<QWidget*>{nameEdit_, tagsEdit_, notesEdit_, saveButton_, rerunButton_})
        w->setEnabled(one);
    saveButton_->setVisible(one);
    rerunButton_->setVisible(one);
    openButton_->setEnabled(selected > 0);
    deleteButton_->setEnabled(selected > 0);
    openButton_->setVisible(selected > 0);
    detailsEditor_->setVisible(selected > 0);
    openButton_->setText(selected > 1 ? tr("Compare %1 runs").arg(selected) : tr("Show results"));
    deleteButton_->setText(selected > 1 ? tr("Delete %1 runs\u2026").arg(selected) : tr("Delete\u2026"));
}

void HistoryPage::showSeveralOrNoneSelected(int selected) {
    detailsRunId_ = 0;
    ++detailsGeneration_;
    detailsTitle_->setText(selected == 0 ? tr("<h3>No run selected</h3>")
                                         : tr("<h3>%1 runs selected</h3>").arg(selected));
    detailsBody_->setText(selected == 0 ? QString() : tr("Compare them to see their curves on the same charts."));
    nameEdit_->clear();
    tagsEdit_->clear();
    notesEdit_->clear();
}

// Notes, plan and environment are not in the list: load the run itself, off the GUI thread.
void HistoryPage::loadDetails(qint64 id) {
    const quint64 generation = ++detailsGeneration_;
    const std::filesystem::path path = database_;
    runInBackground(
        this,
        [path, id]() -> std::pair<std::optional<Run>, QString> {
            try {
                const RunStore store = RunStore::open(path, RunStore::OpenMode::ReadOnly);
                auto run = store.loadRun(id);
                if (run)
                    store.loadHistograms(run->steps); // the knees' merged verdicts, as Results and the CLI
                return {std::move(run), {}};
            } catch (const std::exception& e) {
                return {std::nullopt, QString::fromStdString(e.what())};
            }
        },
        [this, generation, id](const std::pair<std::optional<Run>, QString>& loaded) {
            if (generation != detailsGeneration_)
                return;
            if (!loaded.first) {
                detailsBody_->setText(loaded.second.isEmpty() ? tr("Run %1 is no longer in the database.").arg(id)
                                                              : loaded.second.toHtmlEscaped());
                return;
            }
            showDetails(*loaded.first);
        });
}

void HistoryPage::showDetails(const Run& run) {
    loadedPlanJson_ = run.planJson;
    notesEdit_->setPlainText(QString::fromStdString(run.notes));
    rerunButton_->setEnabled(!run.planJson.empty());
    detailsBody_->setText(runDetailsHtml(run));
}

void HistoryPage::openSelected() {
    const QList<qint64> ids = selectedRunIds();
    if (!ids.isEmpty())
        emit openResultsRequested(ids);
}

void HistoryPage::rerunSelected() {
    const QList<qint64> ids = selectedRunIds();
    if (ids.size() != 1 || loadedPlanJson_.empty() || detailsRunId_ != ids.front())
        return;
    emit rerunRequested(QString::fromStdString(loadedPlanJson_), ids.front());
}

void HistoryPage::runEdit(std::function<void(RunStore&)> edit, const QString& done) {
    const std::filesystem::path path = database_;
    runInBackground(
        this,
        [path, edit]() -> QString {
            try {
                RunStore store = RunStore::open(path);
                edit(store);
                return {};
            } catch (const std::exception& e) {
                return QString::fromStdString(e.what());
            }
        },
        [this, done](const QString& error) {
            if (error.isEmpty())
                emit statusMessage(done);
            else
                emit errorOccurred(error);
            detailsRunId_ = 0; // show what the store now holds
            reload();
            emit editFinished();
        });
}

void HistoryPage::saveDetails() {
    const QList<qint64> ids = selectedRunIds();
    if (ids.size() != 1)
        return;
    const QString name = nameEdit_->text().trimmed();
    if (name.isEmpty()) {
        emit errorOccurred(tr("Name: a run needs a name (it was left unchanged)"));
        return;
    }
    const qint64 id = ids.front();
    const std::string newName = name.toStdString();
    const std::string notes = notesEdit_->toPlainText().toStdString();
    const std::vector<std::string> tags = parseTags(tagsEdit_->text());
    pendingSelection_ = ids;
    runEdit(
        [=](RunStore& store) {
            store.renameRun(id, newName);
            store.setNotes(id, notes);
            store.setTags(id, tags);
        },
        tr("Run %1 saved").arg(id));
}

void HistoryPage::deleteSelected() {
    const QList<qint64> ids = selectedRunIds();
    if (ids.isEmpty())
        return;
    QStringList names;
    for (qint64 id : ids)
        if (const RunSummary* run = model_->runAt(model_->rowOfRun(id)))
            names << QStringLiteral("#%1 %2").arg(id).arg(QString::fromStdString(run->name));
    const QString question = ids.size() == 1
                                 ? tr("Delete run %1 with all its steps? This cannot be undone.").arg(names.value(0))
                                 : tr("Delete these %1 runs with all their steps? This cannot be undone.\n\n%2")
                                       .arg(ids.size())
                                       .arg(names.mid(0, 10).join(QLatin1Char('\n')) +
                                            (names.size() > 10 ? QStringLiteral("\n\u2026") : QString()));
    if (!confirm_(question))
        return;
    pendingSelection_.clear();
    const std::vector<std::int64_t> toDelete(ids.begin(), ids.end());
    runEdit(
        [toDelete](RunStore& store) {
            for (std::int64_t id : toDelete)
                store.deleteRun(id);
        },
        tr("%n run(s) deleted", nullptr, static_cast<int>(ids.size())));
}

void HistoryPage::searchStore(const QString& text) {
    if (text.trimmed().isEmpty() || database_.empty())
        return;
    const std::filesystem::path path = database_;
    runInBackground(
        this,
        [path, text]() -> QSet<qint64> {
            QSet<qint64> ids;
            try {
                RunFilter filter;
                filter.text = text.trimmed().toStdString();
                for (const RunSummary& run : RunStore::open(path, RunStore::OpenMode::ReadOnly).listRuns(filter))
                    ids.insert(run.id);
            } catch (const std::exception&) {
            }
            return ids;
        },
        [this, text](const QSet<qint64>& ids) { proxy_->setStoreTextMatches(text, ids); });
}

} // namespace loadscope
