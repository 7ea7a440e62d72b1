// SPDX-License-Identifier: MIT
#pragma once

#include "tsanannotations.h"

#include <QScopeGuard>
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
    ~WorkerThread()
    {
        m_pool.waitForDone();
        tsan::takeOver(this); // what every task did (see Job)
    }
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    // `task()` on this thread, after everything asked before it.
    template<typename Task>
    auto run(Task task) -> QFuture<std::invoke_result_t<Task &>>
    {
        return QtConcurrent::run(&m_pool, Job<Task>(this, std::move(task)));
    }

    const char *name() const { return m_name; }

    // Names the calling thread (what the kernel shows), for threads this class does not run.
    static void nameThisThread(const char *name);
    // Names the calling thread if it is a pool's thread not named yet.
    static void namePooledThread(const char *name);

private:
    // What QtConcurrent stores, moves and calls for one task. It reaches the pool's thread
    // through QThreadPool's queue, which ThreadSanitizer cannot see (tsanannotations.h): the
    // baton makes each move and the call take over from the thread that made the task, and the
    // end of the task is handed to the destructor, which joins the thread. A result is handed
    // to whoever reads it by QFutureInterface's own inline locking, which TSan sees.
    template<typename Task>
    class Job
    {
    public:
        Job(WorkerThread *owner, Task task) : m_owner(owner), m_task(std::move(task))
        {
            m_baton.pass();
        }
        Job(Job &&other) noexcept(std::is_nothrow_move_constructible_v<Task>)
            : m_baton(std::move(other.m_baton)), m_owner(other.m_owner),
              m_task(std::move(other.m_task))
        {
            m_baton.pass();
        }

        auto operator()()
        {
            m_baton.receive();
            namePooledThread(m_owner->m_name);
            const auto handBack = qScopeGuard([owner = m_owner] { tsan::handOff(owner); });
            return m_task();
        }

    private:
        tsan::Baton m_baton; // first: taken over before the other members are read
        WorkerThread *m_owner;
        Task m_task;
    };

    const char *m_name;
    QThreadPool m_pool;
};

} // namespace runboard
