#pragma once
// The chart export dialog: file, format (PNG, PDF, SVG), size, scale for PNG, light background.

#include "chart_export.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace loadscope {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(const QString& suggestedPath, ExportSettings settings, QWidget* parent = nullptr);
    QString path() const;
    ExportSettings settings() const;

private:
    void browse();
    void formatChanged();
    void updateSummary();

    QLineEdit* path_;
    QComboBox* format_;
    QSpinBox* width_;
    QSpinBox* height_;
    QDoubleSpinBox* scale_;
    QCheckBox* light_;
    QLabel* summary_;
};

} // namespace loadscope
