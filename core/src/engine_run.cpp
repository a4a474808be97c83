// Engine: the run loop, its control signals (terminate, terminate_epoch, interrupt) and
// run()'s argument rules.
//
// The run loop is a C++20 coroutine because Ignite's is a Python generator: interrupt()
// suspends it mid-epoch and the next run() resumes it at the same point. Everything
// else (terminate, terminate_epoch, exceptions) follows Ignite 0.5.3's control flow
// statement by statement, so the event order matches the recorded traces.
#include <ignite/core/engine.hpp>

#include "engine_run_task.hpp"

#include <fmt/format.h>

#include <chrono>
#include <coroutine>
#include <cstdio>

namespace ignite {

namespace {

// Control-flow signals, as Ignite's _EngineTerminateException and friends. Not derived
// from std::exception so that nothing but the run loop can catch them by accident.
struct TerminateSignal {};
struct TerminateEpochSignal {};

// Yields None for `size` iterations: the data iterator of run(None, epoch_length=N).
class NoneIterator final : public DataIterator {
public:
    explicit NoneIterator(std::int64_t size) : left_(size) {}
    bool next(c10::IValue& out) override {
        if (left_ <= 0) return false;
        --left_;
        out = c10::IValue();
        return true;
    }

private:
    std::int64_t left_;
};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Ignite's _is_done, with the limits given (0.5.5 added max_iters).
bool done(const State& s, std::optional<std::int64_t> max_epochs, std::optional<std::int64_t> max_iters) noexcept {
    const bool done_iters = max_iters && s.iteration >= *max_iters;
    const bool done_count = s.epoch_length && max_epochs && s.iteration >= *s.epoch_length * *max_epochs;
    const bool done_epochs = max_epochs && s.epoch >= *max_epochs;
    return done_iters || done_count || done_epochs;
}

}  // namespace

// Ignite's _maybe_terminate_or_interrupt, placed after every event the loop fires.
// A macro, not a function: it may co_yield, which only the coroutine's own body can do.
#define IGNITE_STOP_POINT()                                                                  \
    do {                                                                                     \
        if (signal_pending()) [[unlikely]] {                                                 \
            if (should_terminate_ != Stop::kNone) throw TerminateSignal{};                   \
            if (should_terminate_single_epoch_ != Stop::kNone) throw TerminateEpochSignal{}; \
            if (should_interrupt_) {                                                         \
                fire_simple(Event::kInterrupt);                                              \
                should_interrupt_ = false;                                                   \
                co_yield 0;                                                                  \
            }                                                                                \
        }                                                                                    \
    } while (false)

// ---- control -----------------------------------------------------------------------------

void Engine::terminate(bool skip_completed) noexcept { terminate(TerminateReason::handler, skip_completed); }

void Engine::terminate(TerminateReason reason, bool skip_completed) noexcept {
    should_terminate_ = skip_completed ? Stop::kSkipEvent : Stop::kStop;
    // The first reason stays: why the run stopped, not who asked last.
    if (terminate_reason_ == TerminateReason::none) {
        terminate_reason_ = reason == TerminateReason::none ? TerminateReason::handler : reason;
    }
}

void Engine::terminate_epoch(bool skip_epoch_completed) noexcept {
    should_terminate_single_epoch_ = skip_epoch_completed ? Stop::kSkipEvent : Stop::kStop;
}

void Engine::interrupt() noexcept { should_interrupt_ = true; }

bool Engine::is_done() const noexcept { return done(state, state.max_epochs, state.max_iters); }

// ---- running -----------------------------------------------------------------------------

State& Engine::run(DataPtr data, std::optional<std::int64_t> max_epochs, std::optional<std::int64_t> epoch_length) {
    return run(std::move(data), RunArgs{max_epochs, std::nullopt, epoch_length});
}

void Engine::check_run_args(const DataPtr& data, const RunArgs& args) {
    // Ignite 0.5.5's max_iters rules come first (engine.py, run()).
    if (args.max_epochs && args.max_iters) {
        throw ValueError(
            "Arguments max_iters and max_epochs are mutually exclusive. Please provide only max_epochs "
            "or max_iters.");
    }
    if (args.max_iters && state.max_epochs) {
        throw ValueError(
            "To switch from max_epochs to max_iters mode during resume, you must first reset by setting "
            "'engine.state.max_epochs = None' before calling run().");
    }
    if (args.max_epochs && state.max_iters) {
        throw ValueError(
            "To switch from max_iters to max_epochs mode during resume, you must first reset by setting "
            "'engine.state.max_iters = None' before calling run().");
    }
    // Ignite 0.5.3: a defined state checks the overrides before deciding to resume.
    if (state.max_epochs && args.max_epochs && *args.max_epochs < state.epoch) {
        throw ValueError(fmt::format(
            "Argument max_epochs should be greater than or equal to the start epoch defined in the state: {} vs {}. "
            "Please, set engine.state.max_epochs = None before calling engine.run() in order to restart the "
            "training from the beginning.",
            *args.max_epochs, state.epoch));
    }
    if (state.max_iters && args.max_iters) {
        if (*args.max_iters < 1) {
            throw ValueError("Argument max_iters is invalid. Please, set a correct max_iters positive value");
        }
        if (*args.max_iters < state.iteration) {
            throw ValueError(fmt::format(
                "Argument max_iters should be greater than or equal to the start iteration defined in the state: {} "
                "vs {}. Please, set engine.state.max_iters = None before calling engine.run() in order to restart "
                "the training from the beginning.",
                *args.max_iters, state.iteration));
        }
    }
    if ((state.max_epochs || state.max_iters) && args.epoch_length && args.epoch_length != state.epoch_length) {
        throw ValueError(fmt::format("Argument epoch_length should be same as in the state, but given {} vs {}",
                                     *args.epoch_length,
                                     state.epoch_length ? std::to_string(*state.epoch_length) : "None"));
    }
    if (new_state_needed(args)) {
        if (!args.epoch_length) {
            if (!data) throw ValueError("epoch_length should be provided if data is None");
            const auto size = data->size();
            if (size && *size < 1) throw ValueError("Input data has zero size. Please provide non-empty data");
        }
    } else if (!state.epoch_length && !data) {
        throw ValueError("epoch_length should be provided if data is None");
    }
}

bool Engine::new_state_needed(const RunArgs& args) const noexcept {
    if (!state.max_epochs && !state.max_iters) return true;
    // The overrides count: a finished engine given a larger max_epochs resumes.
    return done(state, state.max_epochs && args.max_epochs ? args.max_epochs : state.max_epochs,
                state.max_iters && args.max_iters ? args.max_iters : state.max_iters) &&
           !run_task_;
}

State& Engine::run(DataPtr data, const RunArgs& args) {
    check_run_args(data, args);  // everything that can fail, before anything changes
    if (new_state_needed(args)) {
        state.iteration = 0;
        state.epoch = 0;
        state.max_epochs = args.max_iters ? std::nullopt : std::optional<std::int64_t>(args.max_epochs.value_or(1));
        state.max_iters = args.max_iters;
        state.epoch_length = args.epoch_length ? args.epoch_length : data->size();
        run_task_.reset();
    } else {
        if (state.max_epochs && args.max_epochs) state.max_epochs = args.max_epochs;
        if (state.max_iters && args.max_iters) state.max_iters = args.max_iters;
        // Resuming a terminated run: the next epoch counts its iterations from zero.
        if (should_terminate_ != Stop::kNone) init_iter_ = 0;
    }
    if (!dataloader_iter_) state.dataloader = std::move(data);
    return internal_run();
}

State& Engine::internal_run() {
    if (!run_task_) run_task_ = std::make_unique<RunTask>(run_as_coroutine());
    bool finished = false;
    try {
        finished = run_task_->resume();
    } catch (...) {
        // Unlike Ignite (whose dead generator makes the next run() a silent no-op), the
        // next run() starts a fresh loop from the current state.
        run_task_.reset();
        throw;
    }
    if (finished) run_task_.reset();
    return state;
}

void Engine::set_data(DataPtr data) {
    if (!data) throw ValueError("set_data needs a data source; to run without data pass epoch_length to run()");
    state.dataloader = std::move(data);
    dataloader_iter_ = state.dataloader->iter();
}

void Engine::setup_dataloader_iter() {
    if (!state.dataloader) {
        if (!state.epoch_length) {
            throw RuntimeError("Internal error, state.epoch_length is unset while running without data");
        }
        dataloader_iter_ = std::make_shared<NoneIterator>(*state.epoch_length);
    } else {
        dataloader_iter_ = state.dataloader->iter();
    }
}

void Engine::setup_engine() {
    setup_dataloader_iter();
    if (!init_iter_) {
        std::int64_t iteration = state.iteration;
        // The first epoch run counts from where the state says it is inside its epoch.
        if (state.epoch_length) iteration %= *state.epoch_length;
        init_iter_ = iteration;
    }
}

Engine::RunTask Engine::run_as_coroutine() {
    should_terminate_ = should_terminate_single_epoch_ = Stop::kNone;
    terminate_reason_ = TerminateReason::none;
    should_interrupt_ = false;
    exception_handler_failed_ = false;
    state.times.epoch_completed = 0.0;
    state.times.completed = 0.0;
    const auto start_time = Clock::now();
    try {
        try {
            fire_simple(Event::kStarted);
            IGNITE_STOP_POINT();

            while (!is_done() && should_terminate_ == Stop::kNone) {
                state.epoch += 1;
                auto handlers_start = Clock::now();
                fire_simple(Event::kEpochStarted);
                double epoch_time = seconds_since(handlers_start);
                IGNITE_STOP_POINT();

                if (!dataloader_iter_) setup_engine();

                // ---- one epoch over the data (Ignite's _run_once_on_dataset_as_gen) ----
                const auto epoch_start = Clock::now();
                std::int64_t iter_counter = init_iter_.value_or(0);
                init_iter_.reset();
                bool should_exit = false;
                try {
                    if (!dataloader_iter_) throw RuntimeError("Internal error, the data iterator is unset");
                    while (true) {
                        state.batch = c10::IValue();
                        // GET_BATCH_STARTED is not fired twice when the iterator was restarted.
                        if (last_event_ != Event::kDataloaderStopIteration && state.dataloader) {
                            fire_simple(Event::kGetBatchStarted);
                            IGNITE_STOP_POINT();
                        }
                        if (dataloader_iter_->next(state.batch)) {
                            state.output = c10::IValue();
                            if (state.dataloader) {
                                fire_simple(Event::kGetBatchCompleted);
                                IGNITE_STOP_POINT();
                            }
                            ++iter_counter;
                            should_exit = false;
                        } else {
                            if (!state.epoch_length) {
                                // A one-pass source of unknown length defines the epoch.
                                state.epoch_length = iter_counter;
                                if (state.max_iters) {
                                    // Ignite 0.5.5: max_epochs = ceil(max_iters / epoch_length).
                                    if (iter_counter == 0) {
                                        throw ValueError(
                                            "max_iters can never be reached: the data yielded no "
                                            "batch, so epoch_length is 0; give non-empty data");
                                    }
                                    state.max_epochs = (*state.max_iters + iter_counter - 1) / iter_counter;
                                }
                                break;
                            }
                            if (should_exit) {
                                if (!is_done() && (state.max_epochs || state.max_iters)) {
                                    const auto total =
                                        state.max_epochs ? *state.epoch_length * *state.max_epochs : *state.max_iters;
                                    const auto msg = fmt::format(
                                        "Data iterator can not provide data anymore but required total number "
                                        "of iterations to run is not reached. Current iteration: {} vs Total "
                                        "iterations to run : {}",
                                        state.iteration, total);
                                    if (warning_handler_) {
                                        warning_handler_(msg);
                                    } else {
                                        std::fprintf(stderr, "UserWarning: %s\n", msg.c_str());
                                    }
                                }
                                break;
                            }
                            if (state.dataloader) {
                                fire_simple(Event::kDataloaderStopIteration);
                                IGNITE_STOP_POINT();
                            }
                            setup_dataloader_iter();
                            should_exit = true;
                            continue;
                        }

                        state.iteration += 1;
                        fire_simple(Event::kIterationStarted);
                        IGNITE_STOP_POINT();

                        state.output = process_function_(*this, state.batch);
                        fire_simple(Event::kIterationCompleted);
                        IGNITE_STOP_POINT();

                        if (state.epoch_length && iter_counter == *state.epoch_length) break;
                        if (state.max_iters && state.iteration == *state.max_iters) [[unlikely]] {
                            should_terminate_ = Stop::kStop;  // Ignite 0.5.5: max_iters reached
                            if (terminate_reason_ == TerminateReason::none) {
                                terminate_reason_ = TerminateReason::iteration_limit;
                            }
                            throw TerminateSignal{};
                        }
                    }
                } catch (const TerminateEpochSignal&) {
                    fire(Event::kTerminateSingleEpoch, FiredEvent{Event::kTerminateSingleEpoch, nullptr, iter_counter});
                    setup_dataloader_iter();
                } catch (const TerminateSignal&) {
                    throw;
                } catch (...) {
                    handle_exception(std::current_exception());
                }
                epoch_time += seconds_since(epoch_start);
                // ---- end of the epoch ----

                state.times.epoch_completed = epoch_time;
                if (should_terminate_single_epoch_ != Stop::kSkipEvent) {
                    handlers_start = Clock::now();
                    fire_simple(Event::kEpochCompleted);
                    epoch_time += seconds_since(handlers_start);
                    state.times.epoch_completed = epoch_time;
                }
                // EPOCH_COMPLETED has fired: the epoch is over, nothing left to terminate.
                should_terminate_single_epoch_ = Stop::kNone;
                IGNITE_STOP_POINT();
            }
        } catch (const TerminateSignal&) {
            fire_simple(Event::kTerminate);
        } catch (const TerminateEpochSignal&) {
            throw RuntimeError(
                "The method terminate_epoch() should not be called on Event.STARTED or Event.EPOCH_STARTED.");
        }

        double time_taken = seconds_since(start_time);
        state.times.completed = time_taken;
        if (should_terminate_ != Stop::kSkipEvent) {
            const auto handlers_start = Clock::now();
            fire_simple(Event::kCompleted);
            time_taken += seconds_since(handlers_start);
            state.times.completed = time_taken;
        }
    } catch (...) {
        dataloader_iter_.reset();
        handle_exception(std::current_exception());
    }
    dataloader_iter_.reset();
}

#undef IGNITE_STOP_POINT

}  // namespace ignite
