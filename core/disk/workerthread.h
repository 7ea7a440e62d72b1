// SPDX-License-Identifier: MIT
#pragma once

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <type_traits>
#include <utility>

namespace runboard {

// One named thread of an owner, for work that must run in the order it was asked for. The
// owner creates it and its destructor joins it: it waits for everything asked of it, then the
// thread ends. The thread carries `name` (at most 15 characters, Linux's limit) while it runs a
// task, as `top -H`, `ps -L` and gdb show it. Safe to call run() from one owning thread.
class WorkerThread
{
public:
    explicit WorkerThread(const char *name) : m_name(name) { m_pool.setMaxThreadCount(1); }
    ~WorkerThread() { m_pool.waitForDone(); }
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    // `task()` on this thread, after everything asked before it.
    template<typename Task>
    auto run(Task task) -> QFuture<std::invoke_result_t<Task &>>
    {
        return QtConcurrent::run(&m_pool, [name = m_name, task = std::move(task)]() mutable {
            namePooledThread(name);
            return task();
        });
    }

    const char *name() const { return m_name; }

    // Names the calling thread (what the kernel shows), for threads this class does not run.
    static void nameThisThread(const char *name);
    // Names the calling thread if it is a pool's thread not named yet.
    static void namePooledThread(const char *name);

private:
    const char *m_name;
    QThreadPool m_pool;
};

} // namespace runboard
