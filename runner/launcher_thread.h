#pragma once
// LauncherThread: the one thread that forks every child process. PR_SET_PDEATHSIG fires when the thread that
// forked a child exits (not the whole process), so forking from short-lived threads (a thread pool's worker, a
// std::async task) would kill servers in the middle of a run. This thread lives until the process exits, so the
// children's death signal means exactly "Loadscope is gone".

#include <functional>

namespace loadscope {

// Runs `task` on the launcher thread and waits for it; exceptions propagate to the caller.
void runOnLauncherThread(const std::function<void()>& task);

} // namespace loadscope
