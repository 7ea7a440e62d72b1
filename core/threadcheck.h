// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QThread>
#include <QtGlobal>

// An entry point that must run on one thread says so (Qt Creator's QTC_ASSERT(isMainThread())
// is the model): a debug build stops there, a release build says where on stderr and goes on.
#define RUNBOARD_ASSERT_ON_THREAD_OF(object) \
    do { \
        if (Q_UNLIKELY(QThread::currentThread() != (object)->thread())) { \
            qWarning("%s called on thread %p, not on its object's thread %p", Q_FUNC_INFO, \
                     static_cast<void *>(QThread::currentThread()), \
                     static_cast<void *>((object)->thread())); \
            Q_ASSERT_X(false, Q_FUNC_INFO, "called on the wrong thread"); \
        } \
    } while (false)
