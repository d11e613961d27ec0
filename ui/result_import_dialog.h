#pragma once
// File > Import (and files dropped on the window): the result files of other load tools. The dialog lists each file
// with the format found in it (or why none was), and asks what the files do not say: the tool when detection should
// be overruled, the target, the rates, the run's name and SLO, or the run to add the steps to. Accepting only
// returns the request; MainWindow runs it in the background (importers/result_import.h).

#include "result_import.h"

#include <QDialog>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace loadscope {

class ResultImportDialog : public QDialog {
    Q_OBJECT
public:
    // `currentRunId`/`currentRunName`: the run shown in Results, offered as the run to add to (0: none).
    ResultImportDialog(const QStringList& files, qint64 currentRunId, const QString& currentRunName,
                       QWidget* parent = nullptr);
    importers::ResultImportRequest request() const;
    // Fields, for tests.
    QLineEdit* targetField() const { return target_; }
    QLineEdit* ratesField() const { return rates_; }
    QLineEdit* sloField() const { return slo_; }
    QCheckBox* intoCheck() const { return into_; }
    QTableWidget* fileTable() const { return files_; }
    QString problem() const; // what keeps OK disabled, empty when the import can go ahead

    void accept() override; // checks the rates and SLO first; stays open and says what is wrong otherwise

private:
    void detectFormats();
    void updateState();

    QStringList paths_;
    qint64 currentRunId_;
    QTableWidget* files_;
    QComboBox* tool_;
    QLineEdit* target_;
    QLineEdit* rates_;
    QLineEdit* name_;
    QLineEdit* slo_;
    QCheckBox* into_;
    QLabel* problem_;
    QDialogButtonBox* buttons_;
    bool formatsOk_ = false;
};

} // namespace loadscope
