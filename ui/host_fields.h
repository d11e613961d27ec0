#pragma once
// HostFields: the Launcher's "Check hosts" row for the plan's other hosts (docs/hosts.md). The server host and
// generator host fields are PlanForm's; this row connects to each host they name, off the GUI thread, with the
// runner's own SshHost (the connection the run would open: BatchMode, ConnectTimeout, ControlMaster) and shows per
// host "✓ reachable" or the runner's message (unreachable, key refused, unknown host key). Every ssh process of a
// check is closed when the check ends (SshHost's RAII, inside the job): a check is bounded by the connect timeout,
// and a window closed meanwhile just drops its result.

#include "ssh_host.h"

#include <QWidget>

#include <functional>
#include <string>
#include <vector>

class QLabel;
class QPushButton;

namespace loadscope {

// "bench@h1, bench@h2" as the CLI's --generator-hosts reads it (splitList: comma separated, trimmed, empty items
// dropped).
std::vector<std::string> splitHostList(const QString& text);

struct HostState {
    std::string host;    // as written in the plan
    std::string message; // empty: reachable
};
// Connects to every distinct host of `hosts` at once ("local" and empty entries are this machine: skipped), closes
// each, and returns one state per distinct host, in order. A malformed entry gets parseSshDestination()'s message.
std::vector<HostState> checkHostConnections(const std::vector<std::string>& hosts, const SshSettings& settings);

class HostFields : public QWidget {
    Q_OBJECT
public:
    explicit HostFields(QWidget* parent = nullptr);

    // Where the hosts to check come from (PlanForm: its server and generator fields).
    void setHostSource(std::function<std::vector<std::string>()> source) { source_ = std::move(source); }
    void setSshSettings(const SshSettings& settings) { settings_ = settings; }

    QPushButton* checkButton() const { return check_; }
    // What the row shows: "bench@h2: ✓ reachable" lines, "checking ..." or nothing.
    QString stateText() const;
    bool isChecking() const { return checking_; }
    // Forgets the shown states (the hosts were edited).
    void clearStates();

public slots:
    void checkHosts();

signals:
    void checkFinished();

private:
    std::function<std::vector<std::string>()> source_;
    SshSettings settings_;
    QPushButton* check_ = nullptr;
    QLabel* states_ = nullptr;
    bool checking_ = false;
    int generation_ = 0; // a check started before the last edit is not shown
};

} // namespace loadscope
