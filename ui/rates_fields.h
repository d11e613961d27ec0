#pragma once
// RatesFields: the Launcher's rates of a sweep, as a comma-separated list or as an inclusive start / stop / step
// range. Both end up as the text parseRates() reads (the runner's own parser, as for the CLI and plan files).

#include <QString>
#include <QWidget>

#include <string>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QStackedWidget;

namespace loadscope {

class RatesFields : public QWidget {
    Q_OBJECT
public:
    explicit RatesFields(QWidget* parent = nullptr);

    // "500,1000,1500" or "500:3000:500", as parseRates() reads it.
    std::string text() const;
    // Equally spaced rates (at least three) as start / stop / step, anything else as a list.
    void setRates(const std::vector<double>& rates);
    // "3 rates: 500, 1000, 1500" (long lists elided in the middle); empty when the text does not parse.
    QString previewText() const;

    QComboBox* modeCombo() const { return mode_; }
    QLineEdit* listEdit() const { return list_; }
    // The list or the range, whichever is shown: the part a problem frames.
    QStackedWidget* stack() const { return stack_; }

signals:
    void changed();

private:
    QComboBox* mode_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    QLineEdit* list_ = nullptr;
    QDoubleSpinBox* start_ = nullptr;
    QDoubleSpinBox* stop_ = nullptr;
    QDoubleSpinBox* step_ = nullptr;
};

// True for at least three rates that rise by one step.
bool ratesAreArithmetic(const std::vector<double>& rates);

} // namespace loadscope
