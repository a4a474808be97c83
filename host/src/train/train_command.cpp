#include "train_command.hpp"

#include "checkpoint_state.hpp"
#include "cli_common.hpp"
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

}  // namespace

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
    plugins.set_run_facts({.output_dir = options->output_dir,
                           .resumed = point.has_value(),
                           .config_json = run_config_json(options->vm)});
    plugins.init();
    std::optional<std::filesystem::path> resumed_from;
    if (point) {
        restore_checkpoint(point->path.string(), point->checkpoint, training, plugins);
        log_line(fmt::format("ignite-host: resuming from '{}' at epoch {}, iteration {}", point->path.string(),
                             training.trainer->state.epoch, training.trainer->state.iteration));
        // A finished run stays finished (Ignite's run() would start it over from iteration 0),
        // so a restart loop that resumes after the last checkpoint does no harm.
        const auto total = options->epochs * training.train_loader->size().value_or(1);
        if (training.trainer->state.iteration >= total) {
            log_line(
                fmt::format("ignite-host: the checkpointed run already completed {} epochs (--epochs {}); nothing "
                            "to train",
                            training.trainer->state.epoch, options->epochs));
            return exit_code(ExitStatus::kSuccess);
        }
        resumed_from = point->path;
    }
    RunRecord record(*options, training, resumed_from);
    return run_training(*options, training, plugins, record);
}

}  // namespace ignite::host
