#include "eval_schedule.hpp"

#include "metric_lines.hpp"
#include "stop_signals.hpp"

#include <ignite/runtime/console_log.hpp>

#include <fmt/format.h>

#include <chrono>

namespace ignite::host {
namespace {

bool due(const ignite::State& s, std::int64_t every) {
    return s.epoch % every == 0 || (s.max_epochs && s.epoch == *s.max_epochs);
}

// Runs one evaluation and logs its line; false when a stop signal cut it short (its metrics
// then cover part of the split, so nothing is said about them).
bool evaluate(const ignite::State& trainer, const EvalRun& run, EvalLog log) {
    const auto start = std::chrono::steady_clock::now();
    run.engine->run(run.data);
    if (StopSignals::received() != 0) return false;
    if (log == EvalLog::none) return true;
    const auto metrics = metrics_text(run.engine->state);
    log_line(fmt::format("ignite-host: epoch {}/{}: {}{}{} ({}, {:.1f} s)", trainer.epoch,
                         trainer.max_epochs.value_or(trainer.epoch), run.split, metrics.empty() ? "" : " ", metrics,
                         run.size, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
    return true;
}

}  // namespace

void schedule_evaluation(ignite::Engine& trainer, std::int64_t every, std::vector<EvalRun> runs, EvalLog log) {
    if (every <= 0 || runs.empty()) return;
    trainer.add_event_handler(ignite::Events::EPOCH_COMPLETED, ignite::Priority::host,
                              [every, log, runs = std::move(runs)](ignite::Engine& t) {
                                  if (!due(t.state, every) || StopSignals::received() != 0) return;
                                  for (const auto& run : runs) {
                                      if (!evaluate(t.state, run, log)) return;
                                  }
                              });
}

}  // namespace ignite::host
