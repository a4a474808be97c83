#include "train_run.hpp"

#include "metric_lines.hpp"
#include "run_failure.hpp"
#include "stop_signals.hpp"

#include <ignite/runtime/console_log.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>

namespace ignite::host {
namespace {

// A stop signal ends the run after the current iteration, of either engine.
void stop_on_signals(Training& training) {
    const auto stop_if_signalled = [&training] {
        if (StopSignals::received() == 0) return;
        training.trainer->terminate(ignite::TerminateReason::user_signal);
        training.evaluator->terminate(ignite::TerminateReason::user_signal);
        if (training.validator) training.validator->terminate(ignite::TerminateReason::user_signal);
    };
    training.trainer->add_event_handler(ignite::Events::ITERATION_COMPLETED,
                                        ignite::Priority{std::numeric_limits<int>::max()}, stop_if_signalled);
    training.evaluator->add_event_handler(ignite::Events::ITERATION_COMPLETED,
                                          ignite::Priority{std::numeric_limits<int>::max()}, stop_if_signalled);
    if (training.validator) {
        training.validator->add_event_handler(ignite::Events::ITERATION_COMPLETED,
                                              ignite::Priority{std::numeric_limits<int>::max()}, stop_if_signalled);
    }
}

// "trained 5 epochs in 12.3 s (4512 samples/s)", or how and why it stopped early.
std::string summary_line(const TrainOptions& c, Training& training, PluginHost& plugins, std::int64_t epochs_completed,
                         double total) {
    const auto& trainer = *training.trainer;
    const auto train_samples = training.data.train.size();
    std::string summary = fmt::format(
        "trained {} epochs in {:.1f} s ({:.0f} samples/s)", epochs_completed, total,
        static_cast<double>(train_samples) * static_cast<double>(trainer.state.iteration) /
            static_cast<double>(std::max<std::int64_t>(training.train_loader->size().value_or(1), 1)) / total);
    if (epochs_completed < c.epochs) {
        const auto stop = plugins.termination("trainer");
        summary =
            fmt::format("trained {} of {} epochs in {:.1f} s, stopped early: {}", epochs_completed, c.epochs, total,
                        stop ? fmt::format("plugin '{}' terminated the trainer at epoch {}, iteration {}", stop->plugin,
                                           stop->epoch, stop->iteration)
                             : std::string("the trainer was terminated"));
    }
    return summary;
}

// "; test accuracy 0.9012, loss 0.2801, f1_macro 0.9001" when the evaluator ran, else "";
// with --val-split the validation evaluator's "; val accuracy ..." first.
std::string test_results(const TrainOptions& c, const Training& training) {
    const auto results = [&c](const ignite::Engine& evaluator, const char* split) -> std::string {
        const auto& state = evaluator.state;
        if (!state.metrics.contains("accuracy")) return "";
        return fmt::format("; {} accuracy {:.4f}, loss {:.4f}{}", split, metric_value(state, "accuracy"),
                           metric_value(state, "loss"), metric_texts(state, c.metrics));
    };
    return (training.validator ? results(*training.validator, "val") : "") + results(*training.evaluator, "test");
}

}  // namespace

int run_training(const TrainOptions& c, Training& training, PluginHost& plugins, RunRecord& record) {
    stop_on_signals(training);
    std::exception_ptr failure;
    const auto start = std::chrono::steady_clock::now();
    auto& metrics_out = record.metrics_file();
    {
        const StopSignals stop_signals;
        try {
            training.trainer->run(training.train_loader, c.epochs);
        } catch (...) {
            failure = std::current_exception();
        }
        const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        plugins.shutdown();  // loggers flush their files, whatever happened
        try {
            metrics_out.close();
        } catch (const ResultWriteError&) {
            if (!failure) failure = std::current_exception();
        }
        if (failure) {
            FailureContext context;
            context.num_classes = training.data.train.num_classes;
            context.output_shape = [&training] { return training.output_shape_for_two_samples(); };
            throw RunFailed(
                fmt::format("{}; {} of {} epochs completed, results so far in {}",
                            describe_failure(failure, training.evaluator_failure, training.trainer_failure, context),
                            record.epochs_completed(), c.epochs, metrics_out.path().string()));
        }
        if (const int signal = StopSignals::received()) {
            log_line(
                fmt::format("ignite-host: stopped by {} at epoch {}, iteration {}: {} of {} epochs completed in "
                            "{:.1f} s; every logger flushed, results in {}",
                            StopSignals::name(signal), training.trainer->state.epoch, training.trainer->state.iteration,
                            record.epochs_completed(), c.epochs, total, metrics_out.path().string()));
            return stopped_by_signal(signal);
        }
        std::cout << summary_line(c, training, plugins, record.epochs_completed(), total);
    }
    std::cout << test_results(c, training);
    std::cout << fmt::format("; metrics in {}\n", metrics_out.path().string());
    std::cout.flush();
    if (!std::cout) throw RunFailed("the summary could not be written to standard output");
    return exit_code(ExitStatus::kSuccess);
}

}  // namespace ignite::host
