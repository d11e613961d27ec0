#include "profile_view.h"

#include "background_job.h"
#include "flame_svg.h"
#include "plan_text.h"
#include "run_store.h"
#include "svg_raster.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace loadscope {

namespace {

QString stepLabel(const Run& run, const Step& step) {
    return QObject::tr("run %1 · %2 @ %3 req/s · repetition %4 (step %5, %6)")
        .arg(run.id)
        .arg(QString::fromStdString(step.targetName), QString::fromStdString(formatNumber(step.requestedRps, 1)))
        .arg(step.repetition)
        .arg(step.sequence)
        .arg(QString::fromStdString(step.profile->profiler));
}

struct LoadedPair {
    std::optional<FoldedProfile> profile, base;
    std::string error;
};

std::optional<FoldedProfile> loadOne(const RunStore& store, std::int64_t stepId, std::string& error) {
    const auto parsed = parseFolded(store.loadProfile(stepId).value_or(""));
    if (!parsed.ok()) {
        error = "the stored profile of step id " + std::to_string(stepId) + " does not parse: " + parsed.error;
        return std::nullopt;
    }
    return parsed.profile;
}

} // namespace

ProfileView::ProfileView(QWidget* parent)
    : QWidget(parent)
    , stepBox_(new QComboBox(this))
    , baseBox_(new QComboBox(this))
    , search_(new QLineEdit(this))
    , summary_(new QLabel(this))
    , hint_(new QLabel(this))
    , graph_(new FlameGraphWidget(this))
    , table_(new QTableView(this))
    , sorted_(new QSortFilterProxyModel(this))
    , top_(new TopFunctionsModel(this))
    , differences_(new FunctionDifferenceModel(this)) {
    QHBoxLayout* controls = createControls();
    QSplitter* splitter = createGraphAndTable();
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    // Three lines: the step, the comparison, the search (a word-wrapped label's height is not always renegotiated).
    summary_->setMinimumHeight(3 * summary_->fontMetrics().lineSpacing() + 6);
    summary_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    hint_->setWordWrap(true);
    hint_->setText(tr("Click a frame to zoom into it, a frame above it to zoom back out. Widths are shares of busy "
                      "samples; the loop's idle time is reported above, not drawn."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(summary_);
    layout->addWidget(splitter, 1);
    layout->addWidget(hint_);

    connect(stepBox_, &QComboBox::currentIndexChanged, this, &ProfileView::loadSelected);
    connect(baseBox_, &QComboBox::currentIndexChanged, this, &ProfileView::loadSelected);
    connect(search_, &QLineEdit::textChanged, this, &ProfileView::setSearch);
    connect(graph_, &FlameGraphWidget::hovered, this, &ProfileView::hovered);
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        search_->setText(sorted_->index(index.row(), 0).data().toString()); // highlight it in the graph
    });
    updateSummary();
}

// The step and the one to compare with, the search, "Whole graph" and the export menu.
QHBoxLayout* ProfileView::createControls() {
    search_->setPlaceholderText(tr("Search frames"));
    search_->setClearButtonEnabled(true);
    stepBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    baseBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton);
    menu->addAction(tr("Flame graph as SVG\u2026"), this, [this] { exportInteractive(ExportFormat::Svg); });
    menu->addAction(tr("Flame graph as PNG\u2026"), this, [this] { exportInteractive(ExportFormat::Png); });
    menu->addAction(tr("Folded stacks (speedscope, FlameGraph)\u2026"), this,
                    [this] { exportInteractive(ExportFormat::Folded); });
    exportButton->setMenu(menu);
    auto* resetZoom = new QPushButton(tr("Whole graph"), this);
    connect(resetZoom, &QPushButton::clicked, this, [this] { graph_->zoomTo(FrameTree::root()); });

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Step:"), this));
    controls->addWidget(stepBox_, 2);
    controls->addWidget(new QLabel(tr("Compare with:"), this));
    controls->addWidget(baseBox_, 2);
    controls->addWidget(search_, 1);
    controls->addWidget(resetZoom);
    controls->addWidget(exportButton);
    return controls;
}

// The flame graph (scrolling) beside the table of the top functions.
QSplitter* ProfileView::createGraphAndTable() {
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(graph_);
    scroll->setWidgetResizable(true);
    sorted_->setSortRole(kProfileSortRole);
    sorted_->setSourceModel(top_);
    table_->setModel(sorted_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(TopFunctionsModel::Total, Qt::DescendingOrder);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideLeft); // the function's name is at the end of "module:function"
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(scroll);
    splitter->addWidget(table_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({720, 520});
    return splitter;
}

void ProfileView::setDatabase(const std::filesystem::path& path) {
    database_ = path;
}

void ProfileView::setRuns(const std::vector<Run>& runs) {
    entries_.clear();
    for (const Run& run : runs)
        for (const Step& step : run.steps)
            if (step.profiled() && step.status == StepStatus::Ok)
                entries_.push_back({step.id, stepLabel(run, step)});
    const QSignalBlocker blockSteps(stepBox_), blockBase(baseBox_);
    stepBox_->clear();
    baseBox_->clear();
    baseBox_->addItem(tr("nothing (plain flame graph)"));
    for (const auto& e : entries_) {
        stepBox_->addItem(e.label);
        baseBox_->addItem(e.label);
    }
    profile_ = {};
    base_.reset();
    if (entries_.empty()) {
        graph_->setTree(FrameTree::build({}, false), false);
        top_->setProfile({});
        summary_->setText(tr("<b>No profiled steps in these runs.</b> Profile the server during a run with "
                             "<i>loadscope run \u2026 --profile</i> (or <i>--profile-rates 1500,2000</i>)."));
        return;
    }
    loadSelected();
}

void ProfileView::selectSteps(int step, int base) {
    const QSignalBlocker blockSteps(stepBox_), blockBase(baseBox_);
    stepBox_->setCurrentIndex(step);
    baseBox_->setCurrentIndex(base + 1);
    loadSelected();
}

void ProfileView::loadSelected() {
    const int step = stepBox_->currentIndex(), base = baseBox_->currentIndex() - 1;
    if (step < 0 || step >= profiledStepCount())
        return;
    const auto stepId = entries_[static_cast<std::size_t>(step)].stepId;
    const std::optional<std::int64_t> baseId =
        base >= 0 ? std::optional(entries_[static_cast<std::size_t>(base)].stepId) : std::nullopt;
    const QString label = entries_[static_cast<std::size_t>(step)].label;
    const QString baseLabel = base >= 0 ? entries_[static_cast<std::size_t>(base)].label : QString();
    const quint64 generation = ++generation_;
    const auto path = database_;
    summary_->setText(tr("Loading the profile\u2026"));
    runInBackground(
        this,
        [path, stepId, baseId]() {
            LoadedPair loaded;
            try {
                const auto store = RunStore::open(path, RunStore::OpenMode::ReadOnly);
                loaded.profile = loadOne(store, stepId, loaded.error);
                if (baseId)
                    loaded.base = loadOne(store, *baseId, loaded.error);
            } catch (const std::exception& e) {
                loaded.error = e.what();
            }
            return loaded;
        },
        [this, generation, label, baseLabel](const LoadedPair& loaded) {
            if (generation != generation_)
                return;
            if (!loaded.error.empty() || !loaded.profile) {
                emit errorOccurred(QString::fromStdString(loaded.error));
                return;
            }
            showProfiles(*loaded.profile, label, loaded.base, baseLabel);
        });
}

void ProfileView::showProfiles(const FoldedProfile& profile, const QString& label,
                               const std::optional<FoldedProfile>& base, const QString& baseLabel) {
    profile_ = profile;
    base_ = base;
    label_ = label;
    baseLabel_ = baseLabel;
    if (base_) {
        graph_->setTree(FrameTree::buildDifferential(*base_, profile_, false), true);
        differences_->setProfiles(*base_, profile_);
        sorted_->setSourceModel(differences_);
        table_->sortByColumn(FunctionDifferenceModel::Change, Qt::DescendingOrder);
    } else {
        graph_->setTree(FrameTree::build(profile_, false), false);
        top_->setProfile(profile_);
        sorted_->setSourceModel(top_);
        table_->sortByColumn(TopFunctionsModel::Total, Qt::DescendingOrder);
    }
    updateSummary();
}

void ProfileView::setSearch(const QString& text) {
    if (search_->text() != text)
        search_->setText(text); // comes back here through textChanged
    graph_->setSearch(text);
    updateSummary();
}

QString ProfileView::summaryText() const {
    if (profile_.empty())
        return {};
    auto pct = [](double share) { return QStringLiteral("%1 %").arg(100.0 * share, 0, 'f', 1); };
    QString text = tr("<b>%1</b>: %2 busy samples, idle %3 of all samples")
                       .arg(label_.toHtmlEscaped())
                       .arg(profile_.busySamples())
                       .arg(pct(profile_.idleShare()));
    if (base_)
        text += tr("<br>against <b>%1</b> (idle %2): red frames took a larger share of busy samples, blue a smaller "
                   "one; the table lists the largest changes.")
                    .arg(baseLabel_.toHtmlEscaped(), pct(base_->idleShare()));
    if (!search_->text().isEmpty())
        text += tr("<br>Frames matching '%1': %2 of busy samples.")
                    .arg(search_->text().toHtmlEscaped(), pct(graph_->searchShare()));
    return text;
}

void ProfileView::updateSummary() {
    if (!profile_.empty())
        summary_->setText(summaryText());
}

QString ProfileView::exportTo(const QString& path, ExportFormat format) const {
    if (profile_.empty())
        return tr("no profile is shown");
    if (format == ExportFormat::Folded) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return tr("%1 could not be written: %2").arg(path, file.errorString());
        file.write(QByteArray::fromStdString(formatFolded(profile_)));
        return file.error() == QFile::NoError ? QString() : file.errorString();
    }
    FlameSvgOptions options;
    options.differential = base_.has_value();
    options.title = (base_ ? label_ + tr(" vs ") + baseLabel_ : label_).toStdString();
    options.subtitle = QStringLiteral("%1 busy samples; idle %2 % (not drawn)")
                           .arg(profile_.busySamples())
                           .arg(100.0 * profile_.idleShare(), 0, 'f', 1)
                           .toStdString();
    options.search = search_->text().toStdString();
    const std::string svg = renderFlameSvg(graph_->tree(), options);
    if (format == ExportFormat::Png)
        return writeSvgAsPng(svg, path, 1.5);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return tr("%1 could not be written: %2").arg(path, file.errorString());
    file.write(QByteArray::fromStdString(svg));
    return {};
}

void ProfileView::exportInteractive(ExportFormat format) {
    const QString suffix = format == ExportFormat::Svg   ? QStringLiteral("svg")
                           : format == ExportFormat::Png ? QStringLiteral("png")
                                                         : QStringLiteral("folded");
    const QString folder = QSettings().value(QStringLiteral("export/folder"), QDir::homePath()).toString();
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the profile"),
                                                      QDir(folder).filePath(QStringLiteral("profile.") + suffix));
    if (path.isEmpty())
        return;
    const QString error = exportTo(path, format);
    if (error.isEmpty())
        emit statusMessage(tr("Profile written to %1").arg(path));
    else
        emit errorOccurred(error);
}

} // namespace loadscope
