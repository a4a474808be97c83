#include "training.hpp"

#include "batch_loader.hpp"
#include "cli_common.hpp"
#include "idx_reader.hpp"
#include "malloc_tuning.hpp"
#include "plural.hpp"
#include "thread_probe.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/plugin.h>

#include <ignite/core/metrics/accuracy.hpp>
#include <ignite/core/metrics/average.hpp>
#include <ignite/core/metrics/loss.hpp>
#include <ignite/core/metrics/running_average.hpp>
#include <ignite/core/supervised.hpp>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include <algorithm>
#include <thread>

namespace ignite::host {
namespace {

c10::Device parse_device(const std::string& text) {
    if (text == "auto") return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    if (text == "cpu") return c10::Device(c10::kCPU);
    if (text.rfind("cuda", 0) == 0) {
        c10::Device d(c10::kCPU);
        try {
            d = c10::Device(text);
        } catch (const std::exception&) {
            throw UsageError(fmt::format("--device '{}' is not auto, cpu, cuda or cuda:N", text));
        }
        if (!torch::cuda::is_available()) {
            throw UsageError(
                fmt::format("--device {}: CUDA is not available (this LibTorch has no CUDA support or no "
                            "GPU is visible); use --device cpu or auto",
                            text));
        }
        const auto index = d.has_index() ? d.index() : 0;
        if (index >= static_cast<int>(torch::cuda::device_count())) {
            throw UsageError(
                fmt::format("--device {}: only {} CUDA device(s) are visible", text, torch::cuda::device_count()));
        }
        return c10::Device(c10::kCUDA, index);
    }
    throw UsageError(fmt::format("--device '{}' is not auto, cpu, cuda or cuda:N", text));
}

// LibTorch's thread pools sized for --threads (0: one per core), within what the process
// may start; the seed; glibc's malloc tuned for training. Logs the result.
void set_up_libtorch(const TrainOptions& c, const c10::Device& device) {
    // 0 means one per core: Debian's LibTorch otherwise starts with a single thread.
    const int wanted_threads = c.threads > 0 ? static_cast<int>(c.threads)
                                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // LibTorch runs two pools of that size (OpenMP's team and the pthreadpool, neither of
    // which copes with a failed thread start: the pthreadpool waits forever), plus the
    // loader's thread: probe for all of them at once.
    const int threads = std::clamp((startable_threads(2 * wanted_threads + 2) - 2) / 2, 1, wanted_threads);
    if (threads < wanted_threads) {
        log_line(
            fmt::format("ignite-host: warning: only {} of the {} asked for can be started (a process or "
                        "thread limit); training with {}",
                        threads, count_of(wanted_threads, "thread"), threads));
    }
    at::set_num_threads(threads);
    torch::manual_seed(static_cast<std::uint64_t>(c.seed));
    const auto malloc_line = tune_malloc_for_training();
    log_line(fmt::format("ignite-host: LibTorch threads={} interop={} device={}; {}", at::get_num_threads(),
                         at::get_num_interop_threads(), device.str(), malloc_line));
}

TrainTestSplit load_dataset(const std::string& spec, SplitLimits limits, std::uint64_t seed) {
    if (spec == "fashion-mnist") return load_mnist_dir(kFashionMnistDir, limits);
    if (spec.rfind("mnist:", 0) == 0) return load_mnist_dir(spec.substr(6), limits);
    if (spec == "synthetic" || spec.rfind("synthetic:", 0) == 0) {
        std::int64_t n = 2000;
        if (spec.size() > 10) {
            try {
                n = std::stoll(spec.substr(10));
            } catch (const std::exception&) {
                n = 0;
            }
            if (n < 2) throw UsageError(fmt::format("--dataset '{}': synthetic:N needs N >= 2", spec));
        }
        return synthetic_dataset(n, std::max<std::int64_t>(n / 5, 1), seed, limits);
    }
    throw UsageError(fmt::format("unknown --dataset '{}': use fashion-mnist, mnist:DIR or synthetic[:N]", spec));
}

// --val-split: the validation set held out of the training split, or a refusal when the
// fraction holds out none or leaves none.
void hold_out(TrainTestSplit& data, const TrainOptions& c) {
    if (c.val_split <= 0) return;
    const auto n = data.train.size();
    const auto count = validation_size(n, c.val_split);
    const auto limit = c.limit > 0 ? fmt::format(" (--limit {})", c.limit) : std::string();
    if (count == 0) {
        throw UsageError(
            fmt::format("--val-split {} holds out no sample of the {} training samples{}; use --val-split >= {:.3g} "
                        "or more training samples",
                        c.val_split, n, limit, 1.0 / static_cast<double>(n)));
    }
    if (count >= n) {
        throw UsageError(fmt::format("--val-split {} leaves no training sample of the {}{}; use a smaller --val-split",
                                     c.val_split, n, limit));
    }
    hold_out_validation(data, count, static_cast<std::uint64_t>(c.seed));
}

// --optimizer with PyTorch's defaults but for --lr, --momentum, --nesterov and --weight-decay.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainOptions& c, const std::vector<at::Tensor>& params) {
    using namespace torch::optim;
    if (c.optimizer == "adam") return std::make_unique<Adam>(params, AdamOptions(c.lr).weight_decay(c.weight_decay));
    if (c.optimizer == "adamw") return std::make_unique<AdamW>(params, AdamWOptions(c.lr).weight_decay(c.weight_decay));
    if (c.optimizer == "rmsprop") {
        return std::make_unique<RMSprop>(params,
                                         RMSpropOptions(c.lr).momentum(c.momentum).weight_decay(c.weight_decay));
    }
    if (c.optimizer == "adagrad") {
        return std::make_unique<Adagrad>(params, AdagradOptions(c.lr).weight_decay(c.weight_decay));
    }
    return std::make_unique<SGD>(params,
                                 SGDOptions(c.lr).momentum(c.momentum).nesterov(c.nesterov).weight_decay(c.weight_decay));
}

// "optimizer adamw (lr 0.03, weight_decay 0.01); gradients clipped to norm 1; a step every 4 batches"
std::string optimizer_line(const TrainOptions& c) {
    std::string line = fmt::format("ignite-host: optimizer {} (lr {}", c.optimizer, c.lr);
    if (c.optimizer == "sgd" || c.optimizer == "rmsprop") line += fmt::format(", momentum {}", c.momentum);
    if (c.nesterov) line += ", nesterov";
    line += fmt::format(", weight_decay {})", c.weight_decay);
    if (c.clip_grad_norm > 0) line += fmt::format("; gradients clipped to a total norm of {}", c.clip_grad_norm);
    if (c.clip_grad_value > 0) line += fmt::format("; gradients clamped to [-{0}, {0}]", c.clip_grad_value);
    if (c.accumulate_grad_batches > 1) {
        line += fmt::format("; a step every {} batches (gradients accumulated, each loss / {})",
                            c.accumulate_grad_batches, c.accumulate_grad_batches);
    }
    return line;
}

}  // namespace

Training::Training(const TrainOptions& c) : device(parse_device(c.device)) {
    set_up_libtorch(c, device);
    try {
        data = load_dataset(c.dataset, {c.limit, c.test_limit}, static_cast<std::uint64_t>(c.seed));
    } catch (const DatasetError& e) {
        throw UsageError(e.what());
    }
    hold_out(data, c);
    try {
        model = make_model(c.model, data.train.images.size(2), data.train.num_classes);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (data.train.images.size(2) != data.train.images.size(3)) {
        throw UsageError(
            fmt::format("images must be square, got {}x{}", data.train.images.size(2), data.train.images.size(3)));
    }
    model->to(device);
    log_line(fmt::format("ignite-host: {} on {}", model->describe(), data.description()));

    const bool cuda = device.is_cuda();
    // A producer thread only helps when it does not take a core from LibTorch's OpenMP
    // team: measured on 2 cores with 2 LibTorch threads, it made an mlp epoch ~1.7x slower.
    std::int64_t prefetch = c.prefetch;
    if (prefetch < 0) {
        const bool spare_core = std::thread::hardware_concurrency() > static_cast<unsigned>(at::get_num_threads());
        prefetch = cuda || spare_core ? 4 : 0;
    }
    train_batches = make_batch_loader(
        data.train,
        {c.batch_size, c.shuffle, c.drop_last, static_cast<std::uint64_t>(c.seed), cuda, static_cast<int>(prefetch)});
    train_loader = train_batches;
    const LoaderOptions eval_batches{
        std::max<std::int64_t>(c.batch_size, 256), false, false, 0, cuda, static_cast<int>(prefetch)};
    test_loader = make_batch_loader(data.test, eval_batches);
    if (data.val.size() > 0) val_loader = make_batch_loader(data.val, eval_batches);
    if (train_loader->size().value_or(1) == 0) {
        std::string cuts;  // " (--limit 50, after --val-split 0.2)"
        if (c.limit > 0) cuts = fmt::format("--limit {}", c.limit);
        if (c.val_split > 0) cuts += fmt::format("{}after --val-split {}", cuts.empty() ? "" : ", ", c.val_split);
        if (!cuts.empty()) cuts = " (" + cuts + ")";
        throw UsageError(
            fmt::format("the training split yields no batches: {}{} with --batch-size {} and "
                        "--drop-last; use a smaller --batch-size{} or drop --drop-last",
                        count_of(static_cast<std::int64_t>(data.train.size()), "sample"), cuts, c.batch_size,
                        c.limit > 0 ? ", a larger --limit" : ""));
    }

    optimizer = make_optimizer(c, model->parameters());
    auto cross_entropy = [](const at::Tensor& y_pred, const at::Tensor& y) {
        return torch::nn::functional::cross_entropy(y_pred, y);
    };
    ignite::SupervisedModel supervised{[m = model.get()](const at::Tensor& x) { return m->forward(x); },
                                       [m = model.get()](bool on) { m->train(on); }};
    ignite::TrainerOptions trainer_options;
    trainer_options.device = device;
    trainer_options.non_blocking = cuda;
    trainer_options.deterministic = true;  // resumable bit for bit (deterministic.hpp)
    trainer_options.gradient_accumulation_steps = c.accumulate_grad_batches;
    if (c.clip_grad_norm > 0) trainer_options.clip_grad_norm = c.clip_grad_norm;
    if (c.clip_grad_value > 0) trainer_options.clip_grad_value = c.clip_grad_value;
    log_line(optimizer_line(c));
    // The loss tensor as the output, not the library's default loss.item(): no device sync per iteration.
    trainer_options.output_transform = [](const at::Tensor&, const at::Tensor&, const at::Tensor&,
                                          const at::Tensor& loss) { return c10::IValue(loss); };
    trainer = ignite::create_supervised_trainer(supervised, *optimizer, cross_entropy, trainer_options);
    ignite::EvaluatorOptions evaluator_options;
    evaluator_options.device = device;
    evaluator_options.non_blocking = cuda;
    evaluator_options.metrics_priority = ignite::Priority::metrics;
    const auto make_evaluator = [&] {
        return ignite::create_supervised_evaluator(supervised,
                                                   {{"accuracy", std::make_shared<ignite::Accuracy>()},
                                                    {"loss", std::make_shared<ignite::Loss>(cross_entropy)}},
                                                   evaluator_options);
    };
    evaluator = make_evaluator();
    if (val_loader) validator = make_evaluator();
    // Before any other handler, so the first exception is recorded where it happened.
    record_failures(*trainer, "trainer", trainer_failure);
    record_failures(*evaluator, "evaluator", evaluator_failure);
    if (validator) record_failures(*validator, "validation evaluator", evaluator_failure);
    // The epoch's mean training loss: a tensor sum on the training device (no sync per
    // iteration), also published to plugins as the running sum (IGNITE_STATE_EPOCH_OUTPUT_SUM)
    // so a progress bar shows the epoch's mean without reading every loss.
    const auto epoch_loss = std::make_shared<ignite::Average>(ignite::OutputTransform{}, device);
    epoch_loss->attach(*trainer, "avg_loss", ignite::Priority::metrics);
    trainer->add_event_handler(ignite::Events::EPOCH_STARTED, [epoch_loss](ignite::Engine& t) {
        t.state.set(IGNITE_STATE_EPOCH_OUTPUT_SUM, epoch_loss->accumulator());
    });
    // The smoothed loss the progress bar shows (issue 20): Ignite's RunningAverage of the
    // output, alpha 0.98, RunningBatchWise (reset at STARTED, a value every iteration), kept
    // as a tensor on the training device (no sync per iteration) in a state attribute, not
    // in state.metrics, so the loggers' outputs stay as they were.
    const auto running = std::make_shared<ignite::RunningAverage>(nullptr, 0.98);
    trainer->add_event_handler(ignite::Events::STARTED, ignite::Priority::metrics,
                               [running](ignite::Engine&) { running->reset(); });
    trainer->add_event_handler(ignite::Events::ITERATION_COMPLETED, ignite::Priority::metrics,
                               [running](ignite::Engine& t) {
                                   running->feed(t.state.output);
                                   t.state.set(IGNITE_STATE_RUNNING_OUTPUT, running->compute());
                               });
}

std::string Training::output_shape_for_two_samples() {
    try {
        at::NoGradGuard no_grad;
        model->train(false);
        const auto y =
            model->forward(data.test.images.narrow(0, 0, std::min<std::int64_t>(2, data.test.size())).to(device));
        std::string shape = "[";
        for (std::int64_t d = 0; d < y.dim(); ++d) shape += (d ? ", " : "") + std::to_string(y.size(d));
        return shape + "]";
    } catch (...) {
        return "";
    }
}

}  // namespace ignite::host
