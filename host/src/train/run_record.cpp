#include "run_record.hpp"

#include "resumed_lines.hpp"
#include "stop_signals.hpp"

#include <ignite/runtime/console_log.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ignite::host {

RunRecord::RunRecord(const TrainOptions& options, Training& training,
                     const std::optional<std::filesystem::path>& resumed_from)
    : options_(options),
      training_(training),
      output_(options.output_dir, options.overwrite || !options.resume.empty()),
      superseded_(resumed_from
                      ? supersede_lines_after(output_.path() / "metrics.jsonl", training.trainer->state.iteration)
                      : 0),
      metrics_out_(output_.path() / "metrics.jsonl", !options.resume.empty()),
      epochs_completed_(training.trainer->state.epoch) {
    auto& trainer = *training_.trainer;
    if (resumed_from) {
        if (superseded_ > 0) {
            log_line(fmt::format(
                "ignite-host: {} line(s) of metrics.jsonl after iteration {} belong to the run's earlier continuation; "
                "moved to {}",
                superseded_, trainer.state.iteration, superseded_path(metrics_out_.path()).string()));
        }
        metrics_out_.append_line(fmt::format(R"({{"split":"resume","epoch":{},"iteration":{},"checkpoint":{},)"
                                             R"("superseded":{}}})",
                                             trainer.state.epoch, trainer.state.iteration,
                                             nlohmann::json(resumed_from->string()).dump(), superseded_));
        metrics_out_.flush();
    }
    trainer.add_event_handler(ignite::Events::EPOCH_STARTED,
                              [this] { epoch_start_ = std::chrono::steady_clock::now(); });
    // The host's band: after loggers report the epoch, before checkpoints.
    trainer.add_event_handler(ignite::Events::EPOCH_COMPLETED, ignite::Priority::host,
                              [this](ignite::Engine& t) { epoch_completed(t); });
}

void RunRecord::epoch_completed(ignite::Engine& t) {
    ++epochs_completed_;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count();
    const auto where = fmt::format("train epoch {}", t.state.epoch);
    metrics_out_.append_line(fmt::format(
        "{{\"split\":\"train\",\"epoch\":{},\"iteration\":{},\"loss\":{},\"lr\":{},\"epoch_seconds\":{:.3f},"
        "\"samples_per_second\":{:.1f}}}",
        t.state.epoch, t.state.iteration, json_.number(metric_value(t.state, "avg_loss"), "loss", where),
        json_.number(training_.optimizer->param_groups().front().options().get_lr(), "lr", where, "{:.6g}"), secs,
        static_cast<double>(training_.data.train.size()) / secs));
    const auto eval_every = options_.eval_every;
    if (eval_every > 0 && (t.state.epoch % eval_every == 0 || t.state.epoch == *t.state.max_epochs) &&
        StopSignals::received() == 0) {
        evaluate(t);
    }
    metrics_out_.flush();
}

void RunRecord::evaluate(ignite::Engine& t) {
    // Validation first, as Ignite's examples log the val_evaluator before anything is
    // tested; the test line keeps its place at the end of the epoch's lines.
    if (training_.validator &&
        !evaluate_split(t, *training_.validator, training_.val_loader, "val", training_.data.val.size())) {
        return;
    }
    evaluate_split(t, *training_.evaluator, training_.test_loader, "test", training_.data.test.size());
}

bool RunRecord::evaluate_split(ignite::Engine& t, ignite::Engine& evaluator, const ignite::DataPtr& loader,
                               const char* split, std::int64_t samples) {
    const auto& metric_names = options_.metrics;
    const auto eval_start = std::chrono::steady_clock::now();
    evaluator.run(loader);
    // A stop signal cut the evaluation short: its metrics cover part of the split.
    if (StopSignals::received() != 0) return false;
    const auto where = fmt::format("{} epoch {}", split, t.state.epoch);
    const auto accuracy = metric_value(evaluator.state, "accuracy");
    const auto loss = metric_value(evaluator.state, "loss");
    metrics_out_.append_line(
        fmt::format("{{\"split\":\"{}\",\"epoch\":{},\"iteration\":{},\"accuracy\":{},\"loss\":{}{}}}", split,
                    t.state.epoch, t.state.iteration, json_.number(accuracy, "accuracy", where),
                    json_.number(loss, "loss", where), json_.fields(evaluator.state, metric_names, where)));
    const auto extra = metric_texts(evaluator.state, metric_names);
    log_line(fmt::format("ignite-host: epoch {}/{}: {} accuracy {:.4f}, loss {:.4f}{} ({} samples, {:.1f} s)",
                         t.state.epoch, *t.state.max_epochs, split, accuracy, loss, extra, samples,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_start).count()));
    return true;
}

}  // namespace ignite::host
