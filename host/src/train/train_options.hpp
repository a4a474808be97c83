#pragma once
// `ignite-host train`'s command line: the options, their help, and the checks that need
// nothing loaded (numbers in range, options that apply, the output folder usable).

#include <boost/program_options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ignite::host {

/// `ignite-host train`'s options as given, checked against each other but not yet against
/// the machine, the data or the plugins.
struct TrainOptions {
    std::string model, dataset, optimizer, lr_schedule, device, output_dir;
    std::string preset;       ///< --preset: "" (none) or a name in presets.cpp
    std::string resume;       ///< --resume: "" (none), "auto" or a checkpoint's path
    std::int64_t limit;       ///< --limit: the first N training samples (0: all)
    std::int64_t test_limit;  ///< --test-limit: the first N test samples (0: all)
    double val_split;         ///< --val-split: the fraction of the training samples held out for validation
    std::int64_t epochs, batch_size, seed, threads, eval_every, prefetch;
    double lr;
    /// --momentum (sgd: 0.9 unless given, rmsprop: 0, PyTorch's; 0 for the others, which have
    /// none) and --weight-decay (0 unless given; adamw: PyTorch's 0.01), as the run uses them.
    double momentum, weight_decay;
    /// --accumulate-grad-batches: an optimizer step every K batches, each batch's loss / K
    /// (Ignite's gradient_accumulation_steps); 1: a step every batch.
    std::int64_t accumulate_grad_batches;
    /// --clip-grad-norm / --clip-grad-value before each step; 0: not given (they exclude each other).
    double clip_grad_norm, clip_grad_value;
    bool nesterov, drop_last, shuffle, default_plugins, overwrite;
    std::vector<std::string> plugins;  ///< --plugin, in the order given
    std::vector<std::string> metrics;  ///< --metric, in the order given
    /// The parsed command line and config file. --plugin-opt is read from it only when the
    /// plugins are opened, so its errors come after those of the data and the model.
    boost::program_options::variables_map vm;
};

/// --optimizer's choices, LibTorch's optimizers whose state has PyTorch's format.
inline constexpr const char* kOptimizers[] = {"sgd", "adam", "adamw", "rmsprop", "adagrad"};

/// --lr's default (also lr_schedule's start_value's, which a run sets to its --lr).
inline constexpr double kDefaultLr = 0.03;

/// Above this, --threads is a typo, not a machine.
inline constexpr std::int64_t kMaxThreads = 1024;

/// Parses `ignite-host train ARGS` (and --config FILE) and checks the options. Returns
/// nullopt when --help was asked for (the help is printed). Throws UsageError (one line)
/// for bad input.
std::optional<TrainOptions> parse_train_options(const std::vector<std::string>& args);

}  // namespace ignite::host
