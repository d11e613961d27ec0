#pragma once
// LiveRunLogView: the run's server, load generator and runner log lines in one read-only, bounded view, with a
// filter by source. Lines are buffered and appended in one go at most every 250 ms, so a chatty server costs the GUI
// one text layout per batch rather than one per line.

#include <QWidget>

#include <deque>
#include <utility>

class QComboBox;
class QPlainTextEdit;
class QTimer;

namespace loadscope {

class LiveRunLogView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxLines = 5000;

    explicit LiveRunLogView(QWidget* parent = nullptr);
    void clear();
    // The text as shown (after flushing what is buffered): for tests.
    QString text();
    int lineCount() const { return static_cast<int>(lines_.size()); }

public slots:
    void appendLine(const QString& source, const QString& line);

private:
    void flush();
    void rebuild();
    bool accepts(const QString& source) const;
    static QString format(const QString& source, const QString& line);

    QComboBox* filter_ = nullptr;
    QPlainTextEdit* text_ = nullptr;
    QTimer* flushTimer_ = nullptr;
    std::deque<std::pair<QString, QString>> lines_; // everything kept, for re-filtering
    QStringList pending_;                           // shown lines not yet appended
};

} // namespace loadscope
