#pragma once
// File → Settings: the database opened at start and the percentiles the charts open with.

#include <QDialog>

#include <vector>

class QCheckBox;
class QLineEdit;

namespace loadscope {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);
    // Writes the choices to QSettings (called on OK).
    void save();

private:
    QLineEdit* database_;
    std::vector<QCheckBox*> percentiles_;
};

} // namespace loadscope
