#include "train_run.hpp"

#include "metric_lines.hpp"
#include "plural.hpp"
#include "profile.hpp"
#include "run_failure.hpp"
#include "run_files.hpp"
#include "stop_signals.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/durable_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

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
        "trained {} in {:.1f} s ({:.0f} samples/s)", count_of(epochs_completed, "epoch"), total,
        static_cast<double>(train_samples) * static_cast<double>(trainer.state.iteration) /
            static_cast<double>(std::max<std::int64_t>(training.train_loader->size().value_or(1), 1)) / total);
    if (epochs_completed < c.epochs) {
        const auto stop = plugins.termination("trainer");
        const auto& note = training.stop_note;  // a component's stop (early_stopping, time_limit...)
        const auto why = ignite::terminate_reason_name(trainer.terminate_reason());
        summary = fmt::format("trained {} of {} in {:.1f} s, stopped early: {}", epochs_completed,
                              count_of(c.epochs, "epoch"), total,
                              note   ? fmt::format("{} terminated the trainer ({}) at epoch {}, iteration {}: {}",
                                                   note->who, why, note->epoch, note->iteration, note->what)
                              : stop ? fmt::format("plugin '{}' terminated the trainer ({}) at epoch {}, iteration {}",
                                                   stop->plugin, why, stop->epoch, stop->iteration)
                                     : fmt::format("the trainer was terminated ({})", why));
    }
    return summary;
}

// "; test accuracy 0.9012, loss 0.2801, f1_macro 0.9001" when the evaluator ran, else "";
// with --val-split the validation evaluator's "; val accuracy ..." first.
std::string test_results(const Training& training) {
    const auto results = [](const ignite::Engine& evaluator, const char* split) -> std::string {
        const auto& state = evaluator.state;
        if (!state.metrics.contains("accuracy")) return "";
        return fmt::format("; {} {}", split, metrics_text(state));
    };
    return (training.validator ? results(*training.validator, "val") : "") + results(*training.evaluator, "test");
}

// The trainer's epochs completed by the end of the run, counting those of the checkpoint a
// run resumed from.
std::shared_ptr<std::int64_t> count_epochs(ignite::Engine& trainer) {
    auto count = std::make_shared<std::int64_t>(trainer.state.epoch);
    trainer.add_event_handler(ignite::Events::EPOCH_COMPLETED, [count] { ++*count; });
    return count;
}

// Where the run's results are: metrics.jsonl when the jsonl component wrote it, else the
// output folder (--no-default-plugins without --plugin jsonl: other loggers' files).
std::filesystem::path results_path(const PluginHost& plugins, const RunRecord& record) {
    const auto metrics = record.output_dir() / "metrics.jsonl";
    std::error_code ec;
    return plugins.runs_here("jsonl") && std::filesystem::exists(metrics, ec) ? metrics : record.output_dir();
}

// Every engine of the run, profiled (profile.hpp) from before the first event.
void watch_engines(RunProfiler& profiler, Training& training) {
    profiler.watch("trainer", *training.trainer);
    profiler.watch("evaluator", *training.evaluator);
    if (training.validator) profiler.watch("validation", *training.validator);
}

// The live report page is written by the report plugin while the run goes, before the profile
// is final: the host hands it the profile so far as the trainer's state attribute "profile"
// (profile.json's text), set right before the loggers' band at each epoch end, at the end and
// when an exception is raised (docs/profile.md). Its own cost shows as the "profile" rows.
void publish_profile(ignite::Engine& trainer, const RunProfiler& profiler, const std::vector<std::string>& participants) {
    const auto label = trainer.label_handlers("profile");
    const ignite::Priority before_loggers{ignite::Priority::loggers.value - 1};
    // Never disturbs the run (an exception observer that threw would replace the run's error):
    // a page written without the newest profile is the worst outcome.
    const auto publish = [&profiler, &participants](ignite::Engine& t) noexcept {
        try {
            t.state.set("profile", profile_json(profiler.times(), {"in progress", profiler.wall_seconds(), participants}));
        } catch (...) {
        }
    };
    trainer.add_event_handler(ignite::Events::EPOCH_COMPLETED | ignite::Events::COMPLETED | ignite::Events::TERMINATE,
                              before_loggers, publish);
    trainer.add_exception_observer(before_loggers, publish);
}

// How the run ended, in profile.json's words.
std::string outcome_of(const Training& training, bool failed) {
    if (failed) return "failed";
    if (StopSignals::received() != 0) return "stopped";
    if (training.trainer->terminate_reason() != ignite::TerminateReason::none) return "terminated";
    return "completed";
}

// Writes <output-dir>/profile.json durably; the error's text when it could not.
std::optional<std::string> write_profile(const RunProfiler& profiler, const RunRecord& record,
                                         const std::vector<std::string>& participants, std::string outcome) {
    const auto path = record.output_dir() / "profile.json";
    try {
        const auto text = profile_json(profiler.times(), {std::move(outcome), profiler.wall_seconds(), participants});
        ignite::io::write_file_durably(path, text);
        return std::nullopt;
    } catch (const std::exception& e) {
        return fmt::format("the profile could not be written: {}", e.what());
    }
}

}  // namespace

int run_training(const TrainOptions& c, Training& training, PluginHost& plugins, const RunRecord& record) {
    stop_on_signals(training);
    const auto epochs_completed = count_epochs(*training.trainer);
    RunProfiler profiler;
    std::vector<std::string> participants;
    for (const auto& p : plugins.participants()) participants.push_back(p.name);
    watch_engines(profiler, training);
    publish_profile(*training.trainer, profiler, participants);
    std::exception_ptr failure;
    profiler.start();
    const auto start = std::chrono::steady_clock::now();
    const auto results = [&] { return results_path(plugins, record).string(); };
    {
        const StopSignals stop_signals;
        try {
            training.trainer->run(training.train_loader, c.epochs);
        } catch (...) {
            failure = std::current_exception();
        }
        const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        plugins.shutdown();  // loggers flush their files, whatever happened
        // Where the time went, for every run however it ended (a failed one's too).
        const auto profile_error = write_profile(profiler, record, participants, outcome_of(training, failure != nullptr));
        if (failure) {
            if (profile_error) log_line(fmt::format("ignite-host: warning: {}", *profile_error), LogLevel::warning);
            FailureContext context;
            context.num_classes = training.data.train.num_classes;
            context.output_shape = [&training] { return training.output_shape_for_two_samples(); };
            throw RunFailed(
                fmt::format("{}; {} of {} completed, results so far in {}",
                            describe_failure(failure, training.evaluator_failure, training.trainer_failure, context),
                            *epochs_completed, count_of(c.epochs, "epoch"), results()));
        }
        if (profile_error) throw RunFailed(*profile_error);
        if (const int signal = StopSignals::received()) {
            log_line(
                fmt::format("ignite-host: stopped by {} at epoch {}, iteration {}: {} of {} completed in "
                            "{:.1f} s; every logger flushed, results in {}",
                            StopSignals::name(signal), training.trainer->state.epoch, training.trainer->state.iteration,
                            *epochs_completed, count_of(c.epochs, "epoch"), total, results()),
                LogLevel::warning);  // how the run ended: shown under --quiet too
            return stopped_by_signal(signal);
        }
        std::cout << summary_line(c, training, plugins, *epochs_completed, total);
    }
    std::cout << test_results(training);
    std::cout << fmt::format("; {} in {}\n", results().ends_with(".jsonl") ? "metrics" : "results", results());
    for (const auto& line : run_file_lines(record.output_dir(), list_run_files(record.output_dir()), tensorboard_command()))
        std::cout << line << '\n';
    std::cout.flush();
    if (!std::cout) throw RunFailed("the summary could not be written to standard output");
    // Weights a participant stopped the run for as bad (a NaN loss) are a failed run, not a
    // result: a script checking the exit status must not take them for a trained model.
    if (training.trainer->terminate_reason() == ignite::TerminateReason::bad_weights) {
        if (const auto& note = training.stop_note) {
            throw RunFailed(fmt::format("{} stopped the trainer at epoch {}, iteration {}: {}; the run failed and no "
                                        "checkpoint keeps those weights, results so far in {}",
                                        note->who, note->epoch, note->iteration, note->what, results()));
        }
        throw RunFailed(fmt::format("the trainer was stopped because its weights went bad (terminate reason "
                                    "bad_weights) at epoch {}, iteration {}; no checkpoint keeps them, results so "
                                    "far in {}",
                                    training.trainer->state.epoch, training.trainer->state.iteration,
                                    results()));
    }
    return exit_code(ExitStatus::kSuccess);
}

}  // namespace ignite::host
