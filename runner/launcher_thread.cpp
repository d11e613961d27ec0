#include "launcher_thread.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <thread>

namespace loadscope {

namespace {

class LauncherThread {
public:
    LauncherThread()
        : thread_([this] { loop(); }) {}
    ~LauncherThread() {
        {
            std::lock_guard lock(mutex_);
            quit_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    LauncherThread(const LauncherThread&) = delete;
    LauncherThread& operator=(const LauncherThread&) = delete;

    void run(const std::function<void()>& task) {
        if (std::this_thread::get_id() == thread_.get_id()) {
            task(); // a launch from within a launch: already on the right thread
            return;
        }
        std::packaged_task<void()> packaged(task);
        auto done = packaged.get_future();
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(packaged));
        }
        wake_.notify_one();
        done.get(); // rethrows the task's exception
    }

private:
    void loop() {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_.wait(lock, [this] { return quit_ || !queue_.empty(); });
            if (queue_.empty())
                return; // quit_ and nothing left to do
            auto task = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            task();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::packaged_task<void()>> queue_;
    bool quit_ = false;
    std::thread thread_; // last: starts after the members it uses exist
};

} // namespace

void runOnLauncherThread(const std::function<void()>& task) {
    // Constructed on first use, joined at static destruction (after main returns, when no ChildProcess remains).
    static LauncherThread launcher;
    launcher.run(task);
}

} // namespace loadscope
