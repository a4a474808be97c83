#include "train_options.hpp"

#include "cli_common.hpp"
#include "console_options.hpp"
#include "output_folder.hpp"
#include "presets.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <thread>

namespace po = boost::program_options;

namespace ignite::host {
namespace {

std::string optimizer_list() {
    std::string out;
    for (const char* o : kOptimizers) out += (out.empty() ? "" : ", ") + std::string(o);
    return out;
}

// --optimizer's choice, then the values the run uses for what the command line left out:
// --momentum 0.9 for sgd (ignite-host's default since its first version) and PyTorch's
// defaults otherwise (rmsprop: momentum 0; adamw: weight decay 0.01).
void resolve_optimizer(TrainOptions& c, const po::variables_map& vm) {
    if (std::find_if(std::begin(kOptimizers), std::end(kOptimizers),
                     [&](const char* o) { return c.optimizer == o; }) == std::end(kOptimizers)) {
        throw UsageError(fmt::format("unknown --optimizer '{}': use one of {}", c.optimizer, optimizer_list()));
    }
    c.momentum = vm.count("momentum") ? vm["momentum"].as<double>() : c.optimizer == "sgd" ? 0.9 : 0.0;
    c.weight_decay = vm.count("weight-decay") ? vm["weight-decay"].as<double>() : c.optimizer == "adamw" ? 0.01 : 0.0;
    c.clip_grad_norm = vm.count("clip-grad-norm") ? vm["clip-grad-norm"].as<double>() : 0.0;
    c.clip_grad_value = vm.count("clip-grad-value") ? vm["clip-grad-value"].as<double>() : 0.0;
}

// The resolved values into the parsed options, marked as defaults, so the run's config fact
// (run_config.cpp) says what the run uses.
void record_resolved(TrainOptions& c) {
    const auto set = [&](const char* name, double v) {
        if (c.vm.count(name)) return;
        c.vm.insert({name, po::variable_value(boost::any(v), true)});
    };
    if (c.optimizer == "sgd" || c.optimizer == "rmsprop") set("momentum", c.momentum);
    set("weight-decay", c.weight_decay);
}

void validate(const TrainOptions& c, const po::variables_map& vm) {
    auto positive = [](const char* name, auto v) {
        if (v <= 0) throw UsageError(fmt::format("--{} must be > 0, got {}", name, v));
    };
    auto finite = [](const char* name, double v) {
        if (!std::isfinite(v)) throw UsageError(fmt::format("--{} must be a finite number, got {}", name, v));
    };
    positive("epochs", c.epochs);
    positive("batch-size", c.batch_size);
    finite("lr", c.lr);
    finite("momentum", c.momentum);
    finite("weight-decay", c.weight_decay);
    for (const char* clip : {"clip-grad-norm", "clip-grad-value"}) {
        if (!vm.count(clip)) continue;
        const auto v = vm[clip].as<double>();
        if (!(std::isfinite(v) && v > 0)) {
            throw UsageError(fmt::format("--{} must be a finite number > 0 (e.g. 1.0), got {}", clip, v));
        }
    }
    if (vm.count("clip-grad-norm") && vm.count("clip-grad-value")) {
        throw UsageError(
            "--clip-grad-norm and --clip-grad-value exclude each other (both clip the gradients before the step); "
            "give one of them");
    }
    if (c.accumulate_grad_batches < 1) {
        throw UsageError(fmt::format(
            "--accumulate-grad-batches must be >= 1 (the batches whose gradients make one step; 1: a step every "
            "batch), got {}",
            c.accumulate_grad_batches));
    }
    positive("lr", c.lr);
    if (c.lr > 10)
        throw UsageError(fmt::format(
            "--lr {} is absurdly large (the training diverges at once); use a value in (0, 10], e.g. 0.03", c.lr));
    if (c.eval_every < 0) throw UsageError(fmt::format("--eval-every must be >= 0, got {}", c.eval_every));
    if (c.threads < 0) throw UsageError(fmt::format("--threads must be >= 0 (0: one per core), got {}", c.threads));
    if (c.threads > kMaxThreads) {
        throw UsageError(
            fmt::format("--threads {} is above the limit of {}; use 0 (one per core, {} here) or a smaller "
                        "number",
                        c.threads, kMaxThreads, std::max(1u, std::thread::hardware_concurrency())));
    }
    if (c.limit < 0) throw UsageError(fmt::format("--limit must be >= 0, got {}", c.limit));
    if (c.test_limit < 0) throw UsageError(fmt::format("--test-limit must be >= 0, got {}", c.test_limit));
    if (!(c.val_split >= 0 && c.val_split < 1)) {  // NaN fails both
        throw UsageError(
            fmt::format("--val-split must be in [0, 1) (the fraction of the training samples held out for "
                        "validation, e.g. 0.1), got {}",
                        c.val_split));
    }
    if (c.prefetch < -1 || c.prefetch > 1024) {
        throw UsageError(fmt::format("--prefetch must be -1 (auto) or in 0..1024, got {}", c.prefetch));
    }
    if (c.momentum < 0 || c.momentum >= 1)
        throw UsageError(fmt::format("--momentum must be in [0, 1), got {}", c.momentum));
    if (c.weight_decay < 0 || c.weight_decay > 1) {
        throw UsageError(fmt::format("--weight-decay must be in [0, 1] (typical: 1e-4), got {}", c.weight_decay));
    }
    if (!c.preset.empty()) (void)find_preset(c.preset);  // unknown: one line naming the presets
    if (c.lr_schedule != "cosine" && c.lr_schedule != "constant") {
        throw UsageError(fmt::format("unknown --lr-schedule '{}': use cosine or constant", c.lr_schedule));
    }
    // --lr-schedule cosine is --plugin lr_schedule; constant is its absence, so both at once
    // contradict each other.
    if (c.lr_schedule == "constant") {
        const auto plugins = strings(vm, "plugin");
        if (std::find(plugins.begin(), plugins.end(), "lr_schedule") != plugins.end()) {
            throw UsageError(
                "--plugin lr_schedule loads the cosine schedule that --lr-schedule constant leaves out; drop one of "
                "them");
        }
        for (const auto& o : strings(vm, "plugin-opt")) {
            if (o.starts_with("lr_schedule.")) {
                throw UsageError(fmt::format("--plugin-opt {} sets the cosine schedule, which --lr-schedule constant "
                                             "leaves out; drop one of them",
                                             o));
            }
        }
    }
    if (vm.count("momentum") && c.optimizer != "sgd" && c.optimizer != "rmsprop") {
        throw UsageError(fmt::format(
            "--momentum applies to --optimizer sgd and rmsprop only ({} has none); drop it or use one of them",
            c.optimizer));
    }
    if (c.nesterov && c.optimizer != "sgd") {
        throw UsageError("--nesterov applies to --optimizer sgd only; drop it or use --optimizer sgd");
    }
    if (c.nesterov && c.momentum == 0) throw UsageError("--nesterov needs --momentum > 0");
    if (c.eval_every == 0 && vm.count("metric")) {
        throw UsageError(
            fmt::format("--metric {} can never be computed with --eval-every 0 (the evaluator never runs); "
                        "drop --metric or use --eval-every K",
                        vm["metric"].as<std::vector<std::string>>().front()));
    }
    if (c.eval_every == 0 && c.val_split > 0) {
        throw UsageError(
            fmt::format("--val-split {} holds out samples that are never evaluated with --eval-every 0; drop "
                        "--val-split or use --eval-every K",
                        c.val_split));
    }
    if (vm.count("resume") && c.resume.empty()) {
        throw UsageError("--resume is empty; give auto (the newest valid checkpoint in checkpoint.dirname) or a file");
    }
    // A resumed run continues into its own folder: --resume allows a non-empty one.
    OutputFolder::check(c.output_dir, c.overwrite || !c.resume.empty());
}

}  // namespace

std::optional<TrainOptions> parse_train_options(const std::vector<std::string>& args) {
    po::options_description desc("ignite-host train: supervised training of an image classifier");
    TrainOptions c;
    desc.add_options()("help,h", "this help")("model", po::value(&c.model)->default_value("cnn"),
                                              "mlp, cnn, or a TorchScript file (.pt)")(
        "dataset", po::value(&c.dataset)->default_value("fashion-mnist"),
        "fashion-mnist (Debian's dataset-fashion-mnist), mnist:DIR (IDX files) or synthetic[:N]")(
        "limit", po::value(&c.limit)->default_value(0),
        "use only the first N samples of the training split (0: all); the test split: --test-limit")(
        "test-limit", po::value(&c.test_limit)->default_value(0),
        "use only the first N samples of the test split (0: all)")(
        "val-split", po::value(&c.val_split)->default_value(0.0, "0"),
        "hold out this fraction F (0 <= F < 1) of the training samples (after --limit) as a validation set, "
        "evaluated by the \"validation\" engine before the test split at every evaluation (\"split\":\"val\" "
        "lines); the samples are chosen by --seed alone (the same on resume, whatever the shuffling), "
        "floor(F * N) of them")("epochs", po::value(&c.epochs)->default_value(5), "training epochs")(
        "batch-size", po::value(&c.batch_size)->default_value(64), "samples per batch")(
        "optimizer", po::value(&c.optimizer)->default_value("sgd"),
        "sgd, adam, adamw, rmsprop or adagrad (LibTorch's; PyTorch's defaults but --lr, --momentum and "
        "--weight-decay; the checkpoint's \"optimizer\" is PyTorch's state_dict of the same torch.optim class)")(
        "lr", po::value(&c.lr)->default_value(kDefaultLr, "0.03"),
        "learning rate (the start value with --lr-schedule cosine)")(
        "lr-schedule", po::value(&c.lr_schedule)->default_value("cosine"),
        "cosine: load the lr_schedule component, Ignite's CosineAnnealingScheduler from --lr to 0 over the run, "
        "per iteration (its options: --plugin-opt lr_schedule.KEY=VALUE, `ignite-host plugins inspect "
        "lr_schedule`); constant: keep --lr")("momentum", po::value<double>(),
                                                          "momentum of sgd (default 0.9) and rmsprop (default 0)")("nesterov", po::bool_switch(&c.nesterov),
                                                                          "SGD with Nesterov momentum")(
        "weight-decay", po::value<double>(),
        "weight decay (an L2 penalty; adamw's is decoupled); default 0, adamw 0.01 (PyTorch's)")(
        "clip-grad-norm", po::value<double>(),
        "before each optimizer step, scale the gradients so their total 2-norm is at most X "
        "(torch.nn.utils.clip_grad_norm_); excludes --clip-grad-value")(
        "clip-grad-value", po::value<double>(),
        "before each optimizer step, clamp every gradient element to [-X, X] (torch.nn.utils.clip_grad_value_)")(
        "accumulate-grad-batches", po::value(&c.accumulate_grad_batches)->default_value(1),
        "one optimizer step every K batches, each batch's loss divided by K (Ignite's "
        "gradient_accumulation_steps); the lr schedule still moves every iteration")(
        "preset", po::value(&c.preset)->default_value(""),
        "common: what Ignite's setup_common_training_handlers wires (terminate_on_nan, lr_schedule, checkpoint "
        "every 1000 iterations with filename_prefix training, progress, empty_cuda_cache); `ignite-host dry-run "
        "--preset common` prints it; --plugin-opt values win over the preset's")(
        "seed", po::value(&c.seed)->default_value(0), "seed for weights and shuffling")(
        "threads", po::value(&c.threads)->default_value(0), "LibTorch intra-op threads (0: one per core)")(
        "device", po::value(&c.device)->default_value("auto"), "auto, cpu, cuda or cuda:N")(
        "output-dir", po::value(&c.output_dir)->default_value("ignite-output"),
        "folder of the run's files (metrics.jsonl, checkpoints); must not exist yet or be empty (see --overwrite)")(
        "overwrite", po::bool_switch(&c.overwrite),
        "write into a non-empty --output-dir, replacing the files the run writes (metrics.jsonl) (never while "
        "another run holds it)")(
        "resume", po::value(&c.resume),
        "continue a run from a checkpoint: auto (the newest checkpoint in the checkpoint plugin's dirname that "
        "verifies, by the iteration stored inside; none: start fresh) or PATH; the options must match the "
        "checkpoint's run, and the run continues into its --output-dir (metrics.jsonl is appended to)")(
        "eval-every", po::value(&c.eval_every)->default_value(1),
        "evaluate on the validation (--val-split) and test splits every K epochs and after the last (0: never)")(
        "drop-last", po::bool_switch(&c.drop_last), "drop the last incomplete training batch")(
        "prefetch", po::value(&c.prefetch)->default_value(-1),
        "batches prepared ahead on a background thread; 0: prepared on the training thread; -1 (auto): 4 when "
        "the thread has a core of its own (CUDA, or more cores than LibTorch threads), else 0")(
        "no-shuffle", po::bool_switch(), "keep the training data in file order")(
        "no-default-plugins", po::bool_switch(), "do not load the progress plugin by default")(
        "metric", po::value<std::vector<std::string>>()->composing(),
        "NAME of a metric a loaded plugin declares (e.g. f1_macro with --plugin metrics) or core declares (miou, "
        "fbeta, roc_auc, ...: plugins inspect core_metrics), or \"NAME = EXPR\" over metrics (e.g. \"f1 = "
        "2*precision*recall/(precision+recall)\"), computed by the evaluator after accuracy and loss; repeatable");
    desc.add(plugin_options_description());
    desc.add(console_options_description());
    c.vm = parse(args, desc);
    if (c.vm.count("help")) {
        std::cout << desc << "\n" << kConfigFileHelp;
        return std::nullopt;
    }
    apply_console_options(c.vm);
    c.shuffle = !c.vm["no-shuffle"].as<bool>();
    c.default_plugins = !c.vm["no-default-plugins"].as<bool>();
    resolve_optimizer(c, c.vm);
    validate(c, c.vm);
    record_resolved(c);
    c.plugins = strings(c.vm, "plugin");
    c.metrics = strings(c.vm, "metric");
    return c;
}

}  // namespace ignite::host
