#include "train_command.hpp"

#include "checkpoint_state.hpp"
#include "cli_common.hpp"
#include "epoch_clock.hpp"
#include "eval_schedule.hpp"
#include "plural.hpp"
#include "resume.hpp"
#include "run_config.hpp"
#include "run_record.hpp"
#include "train_options.hpp"
#include "train_plugins.hpp"
#include "train_run.hpp"
#include "training.hpp"

#include <ignite/runtime/bridge.hpp>
#include <ignite/runtime/console_log.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ignite::host {
namespace {

// The checkpoint --resume names, or nullopt to start fresh (auto with none found).
std::optional<ResumePoint> resume_point(const TrainOptions& c, const PluginHost& plugins) {
    if (c.resume.empty()) return std::nullopt;
    if (c.resume != "auto") return checkpoint_at(c.resume);
    const auto dir = checkpoint_folder(plugins, c);
    if (!dir) {
        throw UsageError(
            "--resume auto looks for checkpoints in the checkpoint plugin's dirname; add --plugin "
            "checkpoint (and --plugin-opt checkpoint.dirname=DIR), or give --resume PATH");
    }
    auto point = newest_checkpoint(*dir);
    if (!point) {
        log_line(fmt::format("ignite-host: --resume auto: no valid checkpoint in '{}'; starting fresh", dir->string()));
    }
    return point;
}

// The evaluations --eval-every runs: the validation split first (--val-split), then the test split.
std::vector<EvalRun> evaluations(const Training& training) {
    std::vector<EvalRun> runs;
    if (training.validator) {
        runs.push_back({"val", training.validator.get(), training.val_loader,
                        count_of(static_cast<std::int64_t>(training.data.val.size()), "sample")});
    }
    runs.push_back({"test", training.evaluator.get(), training.test_loader,
                    count_of(static_cast<std::int64_t>(training.data.test.size()), "sample")});
    return runs;
}

// `arg` as a POSIX shell reads it back: bare when it holds only safe characters, else in
// single quotes.
std::string shell_word(const std::string& arg) {
    const bool safe = !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                            "0123456789-_./=:,+@%") == std::string::npos;
    if (safe) return arg;
    std::string out = "'";
    for (const char ch : arg) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

// The run's configuration (run_config.hpp), "resume" being the checkpoint the run continues
// from (--resume auto resolved): the value the run uses, which a logger records (the jsonl
// component's resume marker names it). Also how the run was asked for ("command_line") and
// every participant it loaded, in order ("participants": the defaults too, which no option
// names), for the loggers that show a run's header (report, TensorBoard's config text).
std::string run_config(const TrainOptions& c, const std::optional<ResumePoint>& point,
                       const std::vector<std::string>& args, const PluginHost& plugins) {
    auto config = nlohmann::ordered_json::parse(run_config_json(c.vm));
    if (point) config["resume"] = point->path.string();
    std::string command = "ignite-host train";
    for (const auto& a : args) command += " " + shell_word(a);
    config["command_line"] = command;
    auto participants = nlohmann::ordered_json::array();
    for (const auto& p : plugins.participants()) participants.push_back(p.name);
    config["participants"] = participants;
    return config.dump();
}

}  // namespace

// Decision (issue 20 §7): a checkpoint holds no gradients, so a run resumed inside an
// accumulation window (iteration not a multiple of K) drops that window's gradients so far:
// its step uses the batches after the resume only (still each loss / K). Said once here
// rather than refused: an epoch-end checkpoint of an epoch that K does not divide is such a
// point, and refusing it would leave the run no way to continue. Bit-identical resumes need
// K to divide the checkpoint's iteration.
static void warn_inside_accumulation_window(const TrainOptions& c, std::int64_t iteration, const std::string& path) {
    const auto k = c.accumulate_grad_batches;
    if (k <= 1 || iteration % k == 0) return;
    const auto done = iteration % k;
    const auto batches = [](std::int64_t n) { return fmt::format("{} batch{}", n, n == 1 ? "" : "es"); };
    log_line(fmt::format(
        "ignite-host: warning: --resume '{}' at iteration {} is inside a window of --accumulate-grad-batches {}: the "
        "gradients of its first {} were not saved, so the step at iteration {} uses the {} after the resume only",
        path, iteration, k, batches(done), iteration - done + k, batches(k - done)));
}

int train_command(const std::vector<std::string>& args) {
    // parse -> build -> attach -> run. Everything that can be refused is checked before the
    // record takes the output folder: bad input leaves nothing written.
    const auto options = parse_train_options(args);
    if (!options) return exit_code(ExitStatus::kSuccess);  // --help
    Training training(*options);
    PluginHost plugins;
    // Before the plugins' init, so that a checkpointer can check the entries it is to save.
    plugins.set_checkpoint_source(host_checkpoint_keys(),
                                  [&] { return checkpoint_entries(*options, training); });
    open_plugins(plugins, training, *options);
    // Every check of the checkpoint comes before the plugins' init (which may take folders).
    const auto point = resume_point(*options, plugins);
    if (point) check_resumable(point->path.string(), point->checkpoint, *options, training, plugins);
    plugins.set_run_facts(
        {.output_dir = options->output_dir, .resumed = point.has_value(), .config_json = run_config(*options, point, args, plugins)});
    plugins.init();
    if (point) {
        restore_checkpoint(point->path.string(), point->checkpoint, training, plugins);
        log_line(fmt::format("ignite-host: resuming from '{}' at epoch {}, iteration {}", point->path.string(),
                             training.trainer->state.epoch, training.trainer->state.iteration));
        warn_inside_accumulation_window(*options, training.trainer->state.iteration, point->path.string());
        // A finished run stays finished (Ignite's run() would start it over from iteration 0),
        // so a restart loop that resumes after the last checkpoint does no harm.
        const auto total = options->epochs * training.train_loader->size().value_or(1);
        if (training.trainer->state.iteration >= total) {
            log_line(
                fmt::format("ignite-host: the checkpointed run already completed {} (--epochs {}); nothing "
                            "to train",
                            count_of(training.trainer->state.epoch, "epoch"), options->epochs));
            return exit_code(ExitStatus::kSuccess);
        }
    }
    const RunRecord record(*options);
    schedule_evaluation(*training.trainer, options->eval_every, evaluations(training));
    stop_epoch_clock_on_device(*training.trainer, training.device);
    return run_training(*options, training, plugins, record);
}

}  // namespace ignite::host
