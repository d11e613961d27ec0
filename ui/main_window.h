#pragma once

#include <QMainWindow>

namespace loadscope {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

private:
    void showAbout();
};

} // namespace loadscope
