#include "host_fields.h"

#include "background_job.h"
#include "plan_text.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

#include <algorithm>
#include <future>

namespace loadscope {

std::vector<std::string> splitHostList(const QString& text) {
    return splitList(text.toStdString(), ',');
}

std::vector<HostState> checkHostConnections(const std::vector<std::string>& hosts, const SshSettings& settings) {
    std::vector<std::string> distinct;
    for (const auto& host : hosts)
        if (!host.empty() && host != "local" && std::find(distinct.begin(), distinct.end(), host) == distinct.end())
            distinct.push_back(host);
    // All at once: a check takes as long as the slowest host, not their sum.
    std::vector<std::future<std::string>> pending;
    for (const auto& host : distinct)
        pending.push_back(std::async(std::launch::async, [host, settings]() -> std::string {
            std::string error;
            auto destination = parseSshDestination(host, error);
            if (!destination)
                return error;
            SshHost connection(*destination, settings);
            std::string message = connection.connect();
            connection.close();
            return message;
        }));
    std::vector<HostState> states;
    for (std::size_t i = 0; i < distinct.size(); ++i)
        states.push_back(HostState{distinct[i], pending[i].get()});
    return states;
}

HostFields::HostFields(QWidget* parent)
    : QWidget(parent) {
    check_ = new QPushButton(tr("Check hosts"), this);
    check_->setToolTip(tr("Connect to each host over SSH as the run would (BatchMode: no password prompts)"));
    states_ = new QLabel(this);
    states_->setWordWrap(true);
    states_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(check_, 0, Qt::AlignTop);
    layout->addWidget(states_, 1);
    connect(check_, &QPushButton::clicked, this, &HostFields::checkHosts);
}

QString HostFields::stateText() const {
    return states_->text();
}

void HostFields::clearStates() {
    ++generation_;
    checking_ = false;
    check_->setEnabled(true);
    states_->clear();
}

void HostFields::checkHosts() {
    const std::vector<std::string> hosts = source_ ? source_() : std::vector<std::string>{};
    if (std::none_of(hosts.begin(), hosts.end(), [](const auto& h) { return !h.empty() && h != "local"; })) {
        states_->setText(tr("only this machine: nothing to connect to"));
        emit checkFinished();
        return;
    }
    const int generation = ++generation_;
    checking_ = true;
    check_->setEnabled(false);
    states_->setText(tr("checking %n host(s) ...", nullptr, static_cast<int>(hosts.size())));
    runInBackground(
        this, [hosts, settings = settings_] { return checkHostConnections(hosts, settings); },
        [this, generation](const std::vector<HostState>& states) {
            if (generation != generation_)
                return;
            QStringList lines;
            for (const auto& state : states)
                lines << (state.message.empty() ? tr("%1: ✓ reachable").arg(QString::fromStdString(state.host))
                                                : QStringLiteral("✗ ") + QString::fromStdString(state.message));
            states_->setText(lines.join(QLatin1Char('\n')));
            checking_ = false;
            check_->setEnabled(true);
            emit checkFinished();
        });
}

} // namespace loadscope
