#include "presets.hpp"

#include "exit_status.hpp"

#include <fmt/format.h>

namespace ignite::host {

const std::vector<Preset>& presets() {
    // `common`: what Ignite's setup_common_training_handlers wires (contrib/engines/common.py,
    // v0.5.3, its defaults): TerminateOnNan, the lr scheduler, Checkpoint(filename_prefix=
    // "training") every save_every_iters=1000 iterations, progress bars, and empty_cuda_cache at
    // every EPOCH_COMPLETED on a GPU. Its RunningAverage of the loss (alpha 0.98) is always on in
    // ignite-host train (the bar's loss=).
    static const std::vector<Preset> list = {
        {"common",
         "Ignite's setup_common_training_handlers: NaN guard, lr schedule, checkpoint every 1000 iterations, "
         "progress bar, CUDA cache emptied per epoch",
         {
             {"terminate_on_nan", {}, "TerminateOnNan (stop_on_nan=True)"},
             {"lr_schedule", {}, "the lr scheduler, at every ITERATION_STARTED (unless --lr-schedule constant)"},
             {"checkpoint",
              {{"every", "1000"}, {"filename_prefix", "training"}},
              "Checkpoint(to_save, DiskSaver, filename_prefix=\"training\") every save_every_iters=1000"},
             {"progress", {}, "ProgressBar (with_pbars=True); the loss shown is RunningAverage(alpha=0.98)"},
             {"empty_cuda_cache", {}, "empty_cuda_cache at every EPOCH_COMPLETED (clear_cuda_cache=True; a GPU run only)"},
         }},
    };
    return list;
}

const Preset& find_preset(const std::string& name) {
    std::string names;
    for (const auto& p : presets()) {
        if (p.name == name) return p;
        names += (names.empty() ? "" : ", ") + p.name;
    }
    throw UsageError(fmt::format("unknown --preset '{}': use {}", name, names));
}

std::vector<std::string> describe_preset(const Preset& preset) {
    std::vector<std::string> lines{fmt::format("preset {}: {}", preset.name, preset.description)};
    for (const auto& e : preset.entries) {
        std::string options;
        for (const auto& [key, value] : e.options) options += fmt::format(" {}.{}={}", e.participant, key, value);
        lines.push_back(fmt::format("  --plugin {}{}  # {}", e.participant, options, e.why));
    }
    return lines;
}

}  // namespace ignite::host
