#include "train_command.hpp"

#include "batch_loader.hpp"
#include <ignite/runtime/bridge.hpp>
#include "cli_common.hpp"
#include "dataset.hpp"
#include "idx_reader.hpp"
#include <ignite/runtime/console_log.hpp>
#include "malloc_tuning.hpp"
#include "metric_lines.hpp"
#include "models.hpp"
#include "output_folder.hpp"
#include <ignite/runtime/plugin_metric.hpp>
#include "result_file.hpp"
#include "run_failure.hpp"
#include "stop_signals.hpp"

#include <ignite/plugin.h>
#include "thread_probe.hpp"

#include <ignite/core/handlers/cosine_annealing.hpp>
#include <ignite/core/metrics/accuracy.hpp>
#include <ignite/core/metrics/average.hpp>
#include <ignite/core/metrics/loss.hpp>
#include <ignite/core/supervised.hpp>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <thread>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ignite::host {
namespace {

struct TrainConfig {
    std::string model, dataset, optimizer, lr_schedule, device, output_dir;
    std::int64_t limit, epochs, batch_size, seed, threads, eval_every, prefetch;
    double lr, momentum, weight_decay;
    bool nesterov, drop_last, shuffle, default_plugins, overwrite;
};

// Above this, --threads is a typo, not a machine.
constexpr std::int64_t kMaxThreads = 1024;

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
            throw UsageError(fmt::format("--device {}: CUDA is not available (this LibTorch has no CUDA support or no "
                                         "GPU is visible); use --device cpu or auto",
                                         text));
        }
        const auto index = d.has_index() ? d.index() : 0;
        if (index >= static_cast<int>(torch::cuda::device_count())) {
            throw UsageError(fmt::format("--device {}: only {} CUDA device(s) are visible", text,
                                         torch::cuda::device_count()));
        }
        return c10::Device(c10::kCUDA, index);
    }
    throw UsageError(fmt::format("--device '{}' is not auto, cpu, cuda or cuda:N", text));
}

TrainTestSplit load_dataset(const std::string& spec, std::int64_t limit, std::uint64_t seed) {
    if (spec == "fashion-mnist") return load_mnist_dir(kFashionMnistDir, limit);
    if (spec.rfind("mnist:", 0) == 0) return load_mnist_dir(spec.substr(6), limit);
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
        if (limit > 0) n = std::min(n, limit);
        return synthetic_dataset(n, std::max<std::int64_t>(n / 5, 1), seed);
    }
    throw UsageError(fmt::format("unknown --dataset '{}': use fashion-mnist, mnist:DIR or synthetic[:N]", spec));
}

void validate(const TrainConfig& c, const po::variables_map& vm) {
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
    positive("lr", c.lr);
    if (c.lr > 10) throw UsageError(fmt::format("--lr {} is absurdly large (the training diverges at once); use a value in (0, 10], e.g. 0.03", c.lr));
    if (c.eval_every < 0) throw UsageError(fmt::format("--eval-every must be >= 0, got {}", c.eval_every));
    if (c.threads < 0) throw UsageError(fmt::format("--threads must be >= 0 (0: one per core), got {}", c.threads));
    if (c.threads > kMaxThreads) {
        throw UsageError(fmt::format("--threads {} is above the limit of {}; use 0 (one per core, {} here) or a smaller "
                                     "number",
                                     c.threads, kMaxThreads, std::max(1u, std::thread::hardware_concurrency())));
    }
    if (c.limit < 0) throw UsageError(fmt::format("--limit must be >= 0, got {}", c.limit));
    if (c.prefetch < -1 || c.prefetch > 1024) {
        throw UsageError(fmt::format("--prefetch must be -1 (auto) or in 0..1024, got {}", c.prefetch));
    }
    if (c.momentum < 0 || c.momentum >= 1) throw UsageError(fmt::format("--momentum must be in [0, 1), got {}", c.momentum));
    if (c.weight_decay < 0 || c.weight_decay > 1) {
        throw UsageError(fmt::format("--weight-decay must be in [0, 1] (typical: 1e-4), got {}", c.weight_decay));
    }
    if (c.nesterov && c.momentum == 0) throw UsageError("--nesterov needs --momentum > 0");
    if (c.lr_schedule != "cosine" && c.lr_schedule != "constant") {
        throw UsageError(fmt::format("unknown --lr-schedule '{}': use cosine or constant", c.lr_schedule));
    }
    if (c.optimizer != "sgd" && c.optimizer != "adam") {
        throw UsageError(fmt::format("unknown --optimizer '{}': use sgd or adam", c.optimizer));
    }
    if (c.optimizer == "adam") {
        for (const char* sgd_only : {"momentum", "nesterov"}) {
            if (vm.count(sgd_only) && !vm[sgd_only].defaulted()) {
                throw UsageError(fmt::format("--{} applies to --optimizer sgd only; drop it or use --optimizer sgd",
                                             sgd_only));
            }
        }
    }
    if (c.eval_every == 0 && vm.count("metric")) {
        throw UsageError(fmt::format("--metric {} can never be computed with --eval-every 0 (the evaluator never runs); "
                                     "drop --metric or use --eval-every K",
                                     vm["metric"].as<std::vector<std::string>>().front()));
    }
    OutputFolder::check(c.output_dir, c.overwrite);
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainConfig& c, const std::vector<at::Tensor>& params) {
    if (c.optimizer == "adam") {
        return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(c.lr).weight_decay(c.weight_decay));
    }
    return std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(c.lr).momentum(c.momentum).nesterov(c.nesterov).weight_decay(c.weight_decay));
}

// One line for an unknown --metric: what the loaded plugins declare and, when a plugin on
// the search path declares the name, which one to load.
std::string unknown_metric_message(const std::string& name, const std::vector<PluginHost::AvailableMetric>& loaded) {
    std::string available;
    for (const auto& m : loaded) available += fmt::format("{}{} ({})", available.empty() ? "" : ", ", m.name, m.plugin);
    std::string providers, elsewhere;
    for (const auto& path : discover_plugins()) {
        try {
            const auto module = load_plugin_module(path);
            for (const auto* d : metric_decls(*module.info)) {
                if (std::any_of(loaded.begin(), loaded.end(), [&](const auto& m) { return m.name == d->name; })) continue;
                if (name == d->name) {
                    providers += fmt::format("{}--plugin {}", providers.empty() ? "" : " or ", module.info->name);
                } else {
                    elsewhere += fmt::format("{}{} ({})", elsewhere.empty() ? "" : ", ", d->name, module.info->name);
                }
            }
        } catch (const PluginError&) {
            // an unusable module on the path provides nothing
        }
    }
    if (!providers.empty()) {
        return fmt::format("unknown --metric '{}': no loaded plugin declares it; add {} (loaded plugins declare: {})",
                           name, providers, available.empty() ? "none" : available);
    }
    return fmt::format("unknown --metric '{}': loaded plugins declare: {}; plugins on the search path also offer: {}; "
                       "load the plugin with --plugin NAME",
                       name, available.empty() ? "none" : available, elsewhere.empty() ? "none" : elsewhere);
}

}  // namespace

int train_command(const std::vector<std::string>& args) {
    po::options_description desc("ignite-host train: supervised training of an image classifier");
    TrainConfig c;
    desc.add_options()("help,h", "this help")
        ("model", po::value(&c.model)->default_value("cnn"), "mlp, cnn, or a TorchScript file (.pt)")
        ("dataset", po::value(&c.dataset)->default_value("fashion-mnist"),
         "fashion-mnist (Debian's dataset-fashion-mnist), mnist:DIR (IDX files) or synthetic[:N]")
        ("limit", po::value(&c.limit)->default_value(0), "use only the first N samples of each split (0: all)")
        ("epochs", po::value(&c.epochs)->default_value(5), "training epochs")
        ("batch-size", po::value(&c.batch_size)->default_value(64), "samples per batch")
        ("optimizer", po::value(&c.optimizer)->default_value("sgd"), "sgd or adam")
        ("lr", po::value(&c.lr)->default_value(0.03, "0.03"), "learning rate (the start value with --lr-schedule cosine)")
        ("lr-schedule", po::value(&c.lr_schedule)->default_value("cosine"),
         "cosine: anneal the learning rate from --lr to 0 over the run, per iteration (Ignite's "
         "CosineAnnealingScheduler); constant: keep --lr")
        ("momentum", po::value(&c.momentum)->default_value(0.9, "0.9"), "SGD momentum")
        ("nesterov", po::bool_switch(&c.nesterov), "SGD with Nesterov momentum")
        ("weight-decay", po::value(&c.weight_decay)->default_value(0.0, "0"), "L2 weight decay")
        ("seed", po::value(&c.seed)->default_value(0), "seed for weights and shuffling")
        ("threads", po::value(&c.threads)->default_value(0), "LibTorch intra-op threads (0: one per core)")
        ("device", po::value(&c.device)->default_value("auto"), "auto, cpu, cuda or cuda:N")
        ("output-dir", po::value(&c.output_dir)->default_value("ignite-output"),
         "folder for metrics.jsonl; must not exist yet or be empty (see --overwrite)")
        ("overwrite", po::bool_switch(&c.overwrite),
         "write into a non-empty --output-dir, replacing its metrics.jsonl (never while another run holds it)")
        ("eval-every", po::value(&c.eval_every)->default_value(1), "evaluate on the test split every K epochs (0: never)")
        ("drop-last", po::bool_switch(&c.drop_last), "drop the last incomplete training batch")
        ("prefetch", po::value(&c.prefetch)->default_value(-1),
         "batches prepared ahead on a background thread; 0: prepared on the training thread; -1 (auto): 4 when "
         "the thread has a core of its own (CUDA, or more cores than LibTorch threads), else 0")
        ("no-shuffle", po::bool_switch(), "keep the training data in file order")
        ("no-default-plugins", po::bool_switch(), "do not load the progress plugin by default")
        ("metric", po::value<std::vector<std::string>>()->composing(),
         "NAME of a metric a loaded plugin declares (e.g. f1_macro with --plugin metrics), computed by the evaluator "
         "after accuracy and loss; repeatable");
    desc.add(plugin_options_description());
    const auto vm = parse(args, desc);
    if (vm.count("help")) {
        std::cout << desc << "\n" << kConfigFileHelp;
        return 0;
    }
    c.shuffle = !vm["no-shuffle"].as<bool>();
    c.default_plugins = !vm["no-default-plugins"].as<bool>();
    validate(c, vm);

    // ---- everything that can be refused is checked before anything is written ----
    const auto device = parse_device(c.device);
    // 0 means one per core: Debian's LibTorch otherwise starts with a single thread.
    const int wanted_threads = c.threads > 0 ? static_cast<int>(c.threads)
                                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // LibTorch runs two pools of that size (OpenMP's team and the pthreadpool, neither of
    // which copes with a failed thread start: the pthreadpool waits forever), plus the
    // loader's thread: probe for all of them at once.
    const int threads = std::clamp((startable_threads(2 * wanted_threads + 2) - 2) / 2, 1, wanted_threads);
    if (threads < wanted_threads) {
        log_line(fmt::format("ignite-host: warning: only {} of the {} threads asked for can be started (a process or "
                             "thread limit); training with {}",
                             threads, wanted_threads, threads));
    }
    at::set_num_threads(threads);
    torch::manual_seed(static_cast<std::uint64_t>(c.seed));
    const auto malloc_line = tune_malloc_for_training();
    log_line(fmt::format("ignite-host: LibTorch threads={} interop={} device={}; {}", at::get_num_threads(),
                         at::get_num_interop_threads(), device.str(), malloc_line));

    TrainTestSplit data;
    try {
        data = load_dataset(c.dataset, c.limit, static_cast<std::uint64_t>(c.seed));
    } catch (const DatasetError& e) {
        throw UsageError(e.what());
    }
    std::unique_ptr<Model> model;
    try {
        model = make_model(c.model, data.train.images.size(2), data.train.num_classes);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (data.train.images.size(2) != data.train.images.size(3)) {
        throw UsageError(fmt::format("images must be square, got {}x{}", data.train.images.size(2), data.train.images.size(3)));
    }
    model->to(device);
    log_line(fmt::format("ignite-host: {} on {}", model->describe(), data.description));

    const bool cuda = device.is_cuda();
    // A producer thread only helps when it does not take a core from LibTorch's OpenMP
    // team: measured on 2 cores with 2 LibTorch threads, it made an mlp epoch ~1.7x slower.
    if (c.prefetch < 0) {
        const bool spare_core = std::thread::hardware_concurrency() > static_cast<unsigned>(at::get_num_threads());
        c.prefetch = cuda || spare_core ? 4 : 0;
    }
    auto train_loader = make_batch_loader(data.train, {c.batch_size, c.shuffle, c.drop_last,
                                                       static_cast<std::uint64_t>(c.seed), cuda, static_cast<int>(c.prefetch)});
    auto test_loader = make_batch_loader(data.test, {std::max<std::int64_t>(c.batch_size, 256), false, false, 0, cuda, static_cast<int>(c.prefetch)});
    if (train_loader->size().value_or(1) == 0) {
        throw UsageError(fmt::format("the training split yields no batches: {} samples{} with --batch-size {} and "
                                     "--drop-last; use a smaller --batch-size{} or drop --drop-last",
                                     data.train.size(), c.limit > 0 ? fmt::format(" (--limit {})", c.limit) : "",
                                     c.batch_size, c.limit > 0 ? ", a larger --limit" : ""));
    }

    auto optimizer = make_optimizer(c, model->parameters());
    auto cross_entropy = [](const at::Tensor& y_pred, const at::Tensor& y) { return torch::nn::functional::cross_entropy(y_pred, y); };
    ignite::SupervisedModel supervised{[m = model.get()](const at::Tensor& x) { return m->forward(x); },
                                       [m = model.get()](bool on) { m->train(on); }};
    ignite::TrainerOptions trainer_options;
    trainer_options.device = device;
    trainer_options.non_blocking = cuda;
    auto trainer = ignite::create_supervised_trainer(supervised, *optimizer, cross_entropy, trainer_options);
    ignite::EvaluatorOptions evaluator_options;
    evaluator_options.device = device;
    evaluator_options.non_blocking = cuda;
    auto evaluator = ignite::create_supervised_evaluator(
        supervised,
        {{"accuracy", std::make_shared<ignite::Accuracy>()}, {"loss", std::make_shared<ignite::Loss>(cross_entropy)}},
        evaluator_options);
    // Before any other handler, so the first exception is recorded where it happened.
    std::optional<FailureSite> trainer_failure, evaluator_failure;
    record_failures(*trainer, "trainer", trainer_failure);
    record_failures(*evaluator, "evaluator", evaluator_failure);
    if (c.lr_schedule == "cosine") {
        const auto iterations = c.epochs * train_loader->size().value_or(1);
        ignite::CosineAnnealingScheduler::attach(*trainer, std::make_shared<ignite::CosineAnnealingScheduler>(
                                                               *optimizer, c.lr, 0.0, std::max<std::int64_t>(iterations, 2)));
    }
    // The epoch's mean training loss: a tensor sum on the training device (no sync per
    // iteration), also published to plugins as the running sum (IGNITE_STATE_EPOCH_OUTPUT_SUM)
    // so a progress bar shows the epoch's mean without reading every loss.
    const auto epoch_loss = std::make_shared<ignite::Average>(ignite::OutputTransform{}, device);
    epoch_loss->attach(*trainer, "avg_loss");
    trainer->add_event_handler(ignite::Events::EPOCH_STARTED, [epoch_loss](ignite::Engine& t) {
        t.state.set(IGNITE_STATE_EPOCH_OUTPUT_SUM, epoch_loss->accumulator());
    });

    PluginHost plugins;
    plugins.add_engine("trainer", *trainer);
    plugins.add_engine("evaluator", *evaluator);
    plugins.set_optimizer("trainer", *optimizer);  // plugins read and schedule its parameter groups
    std::vector<std::string> plugin_list;
    if (c.default_plugins) {
        for (const char* name : {"progress"}) {
            try {
                resolve_plugin(name);
                plugin_list.emplace_back(name);
            } catch (const PluginError&) {
                log_line(fmt::format("ignite-host: warning: default plugin '{}' not found; continuing without it", name));
            }
        }
    }
    for (const auto& p : strings(vm, "plugin")) {
        if (std::find(plugin_list.begin(), plugin_list.end(), p) == plugin_list.end()) plugin_list.push_back(p);
    }
    plugins.open(plugin_list, raw_plugin_options(vm));
    // Plugin metrics are attached before the plugins' init registers their handlers, so
    // they compute before loggers read state.metrics (same priority, registration order).
    const auto metric_names = strings(vm, "metric");
    for (std::size_t i = 0; i < metric_names.size(); ++i) {
        const auto& name = metric_names[i];
        if (name == "accuracy" || name == "loss") {
            throw UsageError(fmt::format("--metric {}: the evaluator always computes '{}'; name a plugin metric", name, name));
        }
        if (std::find(metric_names.begin(), metric_names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
            metric_names.begin() + static_cast<std::ptrdiff_t>(i)) {
            throw UsageError(fmt::format("--metric {} is given twice; give each metric once", name));
        }
        const auto available = plugins.metrics();
        if (std::none_of(available.begin(), available.end(), [&](const auto& m) { return m.name == name; })) {
            throw UsageError(unknown_metric_message(name, available));
        }
        plugins.make_metric(name)->attach(*evaluator, name);
    }
    plugins.init();

    // ---- input accepted: from here on the run writes its outputs ----
    OutputFolder output(c.output_dir, c.overwrite);
    ResultFile metrics_out(output.path() / "metrics.jsonl");
    MetricJson json;

    const auto train_samples = data.train.size();
    std::int64_t epochs_completed = 0;
    auto epoch_start = std::chrono::steady_clock::now();
    trainer->add_event_handler(ignite::Events::EPOCH_STARTED, [&] { epoch_start = std::chrono::steady_clock::now(); });
    // Priority 50: after loggers (0) report the epoch, before checkpoints (100).
    trainer->add_event_handler(ignite::Events::EPOCH_COMPLETED, ignite::Priority{50}, [&](ignite::Engine& t) {
        ++epochs_completed;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
        const auto where = fmt::format("train epoch {}", t.state.epoch);
        metrics_out.append_line(fmt::format(
            "{{\"split\":\"train\",\"epoch\":{},\"iteration\":{},\"loss\":{},\"lr\":{},\"epoch_seconds\":{:.3f},"
            "\"samples_per_second\":{:.1f}}}",
            t.state.epoch, t.state.iteration, json.number(metric_value(t.state, "avg_loss"), "loss", where),
            json.number(optimizer->param_groups().front().options().get_lr(), "lr", where, "{:.6g}"), secs,
            static_cast<double>(train_samples) / secs));
        if (c.eval_every > 0 && (t.state.epoch % c.eval_every == 0 || t.state.epoch == *t.state.max_epochs) &&
            StopSignals::received() == 0) {
            const auto eval_start = std::chrono::steady_clock::now();
            evaluator->run(test_loader);
            // A stop signal cut the evaluation short: its metrics cover part of the split.
            if (StopSignals::received() == 0) {
                const auto test_where = fmt::format("test epoch {}", t.state.epoch);
                const auto accuracy = metric_value(evaluator->state, "accuracy");
                const auto loss = metric_value(evaluator->state, "loss");
                metrics_out.append_line(fmt::format(
                    "{{\"split\":\"test\",\"epoch\":{},\"iteration\":{},\"accuracy\":{},\"loss\":{}{}}}", t.state.epoch,
                    t.state.iteration, json.number(accuracy, "accuracy", test_where), json.number(loss, "loss", test_where),
                    json.fields(evaluator->state, metric_names, test_where)));
                std::string extra;
                for (const auto& name : metric_names) {
                    if (const auto* v = evaluator->state.metrics.find(name)) extra += fmt::format(", {} {}", name, metric_text(*v));
                }
                log_line(fmt::format("ignite-host: epoch {}/{}: test accuracy {:.4f}, loss {:.4f}{} ({} samples, {:.1f} s)",
                                     t.state.epoch, *t.state.max_epochs, accuracy, loss, extra, data.test.size(),
                                     std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_start).count()));
            }
        }
        metrics_out.flush();
    });
    // A stop signal ends the run after the current iteration, of either engine.
    const auto stop_if_signalled = [&] {
        if (StopSignals::received() == 0) return;
        trainer->terminate();
        evaluator->terminate();
    };
    trainer->add_event_handler(ignite::Events::ITERATION_COMPLETED, ignite::Priority{std::numeric_limits<int>::max()},
                               stop_if_signalled);
    evaluator->add_event_handler(ignite::Events::ITERATION_COMPLETED, ignite::Priority{std::numeric_limits<int>::max()},
                                 stop_if_signalled);

    std::exception_ptr failure;
    const auto start = std::chrono::steady_clock::now();
    {
        const StopSignals stop_signals;
        try {
            trainer->run(train_loader, c.epochs);
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
            context.num_classes = data.train.num_classes;
            context.output_shape = [&]() -> std::string {
                try {
                    at::NoGradGuard no_grad;
                    model->train(false);
                    const auto y = model->forward(data.test.images.narrow(0, 0, std::min<std::int64_t>(2, data.test.size())).to(device));
                    std::string shape = "[";
                    for (std::int64_t d = 0; d < y.dim(); ++d) shape += (d ? ", " : "") + std::to_string(y.size(d));
                    return shape + "]";
                } catch (...) {
                    return "";
                }
            };
            throw RunFailed(fmt::format("{}; {} of {} epochs completed, results so far in {}",
                                        describe_failure(failure, evaluator_failure, trainer_failure, context),
                                        epochs_completed, c.epochs, metrics_out.path().string()));
        }
        if (const int signal = StopSignals::received()) {
            log_line(fmt::format("ignite-host: stopped by {} at epoch {}, iteration {}: {} of {} epochs completed in "
                                 "{:.1f} s; every logger flushed, results in {}",
                                 StopSignals::name(signal), trainer->state.epoch, trainer->state.iteration,
                                 epochs_completed, c.epochs, total, metrics_out.path().string()));
            return 128 + signal;
        }
        std::string summary = fmt::format("trained {} epochs in {:.1f} s ({:.0f} samples/s)", epochs_completed, total,
                                          static_cast<double>(train_samples) * static_cast<double>(trainer->state.iteration) /
                                              static_cast<double>(std::max<std::int64_t>(train_loader->size().value_or(1), 1)) /
                                              total);
        if (epochs_completed < c.epochs) {
            const auto stop = plugins.termination("trainer");
            summary = fmt::format("trained {} of {} epochs in {:.1f} s, stopped early: {}", epochs_completed, c.epochs,
                                  total,
                                  stop ? fmt::format("plugin '{}' terminated the trainer at epoch {}, iteration {}",
                                                     stop->plugin, stop->epoch, stop->iteration)
                                       : std::string("the trainer was terminated"));
        }
        std::cout << summary;
    }
    if (evaluator->state.metrics.contains("accuracy")) {
        std::cout << fmt::format("; test accuracy {:.4f}, loss {:.4f}", metric_value(evaluator->state, "accuracy"),
                                 metric_value(evaluator->state, "loss"));
        for (const auto& name : metric_names) {
            if (const auto* v = evaluator->state.metrics.find(name)) std::cout << fmt::format(", {} {}", name, metric_text(*v));
        }
    }
    std::cout << fmt::format("; metrics in {}\n", metrics_out.path().string());
    std::cout.flush();
    if (!std::cout) throw RunFailed("the summary could not be written to standard output");
    return 0;
}

}  // namespace ignite::host
