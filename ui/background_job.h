#pragma once
// runInBackground(receiver, job, done): runs `job` on the global thread pool and calls `done(result)` on the
// receiver's thread when it is finished, unless the receiver is gone by then.
//
// Why not QtConcurrent::run(job).then(receiver, done): in Qt 6.4 that continuation asserts (qfuture_impl.h) when
// the receiver is destroyed before the job finishes, e.g. a page closed while its history still loads. A
// QFutureWatcher owned by the receiver dies with it, and the finished job is then simply dropped.

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent>

#include <type_traits>
#include <utility>

namespace loadscope {

template <typename Job, typename Done> void runInBackground(QObject* receiver, Job job, Done done) {
    using Result = std::invoke_result_t<Job>;
    auto* watcher = new QFutureWatcher<Result>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver, [watcher, done = std::move(done)]() mutable {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(std::move(job)));
}

} // namespace loadscope
