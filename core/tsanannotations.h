// SPDX-License-Identifier: MIT
#pragma once

// Hand-offs between threads that ThreadSanitizer cannot see, made visible to it.
//
// Debian's Qt is not built with -fsanitize=thread. Its QMutex locked in Qt's own code, its
// QSemaphore and the queues of QThreadPool and QFutureInterface wait on futexes that TSan does
// not know, so data handed to another thread through them looks unsynchronised. (A QMutex locked
// in our code is seen: Qt 6's inline lock() and unlock() tell TSan.) Where our code hands data
// over through such a queue, the sending side calls handOff(token) after it wrote the data and
// the receiving side takeOver(token) before it reads it: TSan then orders the two as the queue
// does. Any address is a token; Baton makes an object carry its own.
//
// Without TSan (__SANITIZE_THREAD__ is g++'s, __has_feature(thread_sanitizer) clang's) all of
// this compiles to nothing.

#if defined(__SANITIZE_THREAD__)
#define RUNBOARD_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RUNBOARD_TSAN 1
#endif
#endif

#ifdef RUNBOARD_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#include <QScopeGuard>

#include <type_traits>
#include <utility>

namespace runboard::tsan {

// Everything this thread wrote before is visible to a later takeOver(token) on another thread.
inline void handOff([[maybe_unused]] const void *token)
{
#ifdef RUNBOARD_TSAN
    __tsan_release(const_cast<void *>(token));
#endif
}

// This thread sees what was written before the last handOff(token).
inline void takeOver([[maybe_unused]] const void *token)
{
#ifdef RUNBOARD_TSAN
    __tsan_acquire(const_cast<void *>(token));
#endif
}

// A member for an object that is made on one thread and moved or called on another through a
// queue TSan cannot see. Declared first, it takes over from the source of a move before the other
// members are read; the owner's constructors end with pass(), and what runs the object calls
// receive() first. Costs nothing without TSan.
class Baton
{
public:
    Baton() = default;
    Baton(Baton &&other) noexcept { takeOver(&other); }
    Baton(const Baton &other) noexcept { takeOver(&other); }
    Baton &operator=(const Baton &) = delete;
    Baton &operator=(Baton &&) = delete;

    void pass() const { handOff(this); }
    void receive() const { takeOver(this); }
};

// `function` wrapped for a queued call (QMetaObject::invokeMethod with Qt::QueuedConnection):
// Qt's event queue is one of the hand-offs TSan cannot see, so the wrapper carries a baton from
// the thread that posts the call to the one that runs it, and back to whichever thread frees
// the call (Qt counts its references inside libQt6Core).
template<typename Function>
class HandedOver
{
public:
    explicit HandedOver(Function function) : m_function(std::move(function)) { m_baton.pass(); }
    HandedOver(HandedOver &&other) noexcept(std::is_nothrow_move_constructible_v<Function>)
        : m_baton(std::move(other.m_baton)), m_function(std::move(other.m_function))
    {
        m_baton.pass();
    }
    HandedOver(const HandedOver &other) : m_baton(other.m_baton), m_function(other.m_function)
    {
        m_baton.pass();
    }
    // Before the captures go: the call may have run on another thread.
    ~HandedOver() { m_baton.receive(); }

    auto operator()()
    {
        m_baton.receive();
        const auto passBack = qScopeGuard([this] { m_baton.pass(); });
        return m_function();
    }

private:
    Baton m_baton; // first: taken over before the function's captures are read
    Function m_function;
};

template<typename Function>
HandedOver<Function> handedOver(Function function)
{
    return HandedOver<Function>(std::move(function));
}

} // namespace runboard::tsan
