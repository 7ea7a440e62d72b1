// SPDX-License-Identifier: MIT
//
// WorkerThread: a named, owned thread for ordered background work (workerthread.h).
// A pooled thread's kernel name is set by the first task it runs rather than when it starts:
// QThreadPool (Qt 6.4) names the threads it starts "Thread (pooled)" and may end an idle one and
// start another, so only a task knows which pool it runs on. prctl() costs about a microsecond.

#include "workerthread.h"

#include "backgroundrelease.h"

#include <QGlobalStatic>

#include <cstring>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

namespace runboard {

namespace {
struct DocumentThread : WorkerThread
{
    DocumentThread() : WorkerThread("rb-documents") {}
};
} // namespace

Q_GLOBAL_STATIC(DocumentThread, theDocumentThread)

WorkerThread &documentThread()
{
    return *theDocumentThread();
}

void WorkerThread::nameThisThread(const char *name)
{
#ifdef Q_OS_LINUX
    ::prctl(PR_SET_NAME, reinterpret_cast<unsigned long>(name), 0, 0, 0);
#else
    Q_UNUSED(name)
#endif
}

void WorkerThread::namePooledThread(const char *name)
{
#ifdef Q_OS_LINUX
    // Only a thread of the pool is renamed: one that waits for a task not yet started runs it
    // itself (QFuture's waitForFinished() and result() do that), and must keep its own name.
    char current[16] = {};
    if (::prctl(PR_GET_NAME, reinterpret_cast<unsigned long>(current), 0, 0, 0) == 0
        && std::strcmp(current, "Thread (pooled)") == 0)
        nameThisThread(name);
#else
    Q_UNUSED(name)
#endif
}

} // namespace runboard
