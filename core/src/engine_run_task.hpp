#pragma once
// Engine::RunTask: the coroutine object the run loop (engine_run.cpp) lives in. A private
// header because engine.cpp needs the complete type too (Engine owns a
// std::unique_ptr<RunTask>, destroyed by ~Engine).
#include <ignite/core/engine.hpp>

#include <coroutine>
#include <exception>
#include <utility>

namespace ignite {

class Engine::RunTask {
public:
    struct promise_type {
        std::exception_ptr error;
        RunTask get_return_object() { return RunTask(std::coroutine_handle<promise_type>::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        std::suspend_always yield_value(int) noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };

    explicit RunTask(std::coroutine_handle<promise_type> h) : handle_(h) {}
    RunTask(RunTask&& o) noexcept : handle_(std::exchange(o.handle_, {})) {}
    RunTask(const RunTask&) = delete;
    RunTask& operator=(const RunTask&) = delete;
    RunTask& operator=(RunTask&&) = delete;
    ~RunTask() {
        if (handle_) handle_.destroy();
    }

    /// Runs until the next suspension (interrupt) or the end. Returns true when finished;
    /// rethrows an exception that escaped the run loop.
    bool resume() {
        handle_.resume();
        if (auto error = std::exchange(handle_.promise().error, nullptr)) std::rethrow_exception(error);
        return handle_.done();
    }

private:
    std::coroutine_handle<promise_type> handle_;
};

}  // namespace ignite
