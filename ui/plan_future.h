#pragma once
// whenFinished(): run a slot on `context`'s thread with a future's result, or never if `context` is gone by then.
//
// Why not QFuture::then(context, ...): in Qt 6.4 a continuation whose context object was destroyed before the future
// finished hits Q_ASSERT(context) (qfuture_impl.h) instead of being dropped. A QFutureWatcher owned by `context` dies
// with it, taking the connection along, which is exactly the "stale result dropped" behaviour wanted.

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>

#include <utility>

namespace loadscope {

template <typename T, typename Slot> void whenFinished(QObject* context, QFuture<T> future, Slot&& slot) {
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, slot = std::forward<Slot>(slot)]() mutable {
                         watcher->deleteLater();
                         slot(watcher->result());
                     });
    watcher->setFuture(std::move(future));
}

} // namespace loadscope
