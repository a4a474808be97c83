#include "lr_find_command.hpp"

#include "cli_common.hpp"
#include "exit_status.hpp"
#include "lr_find_files.hpp"
#include "plural.hpp"
#include "train/train_options.hpp"
#include "train/training.hpp"

#include <ignite/core/durable_file.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/lr_finder.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <span>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ignite::host {
namespace {

// train's options that only a training run uses: refused, never silently ignored.
constexpr const char* kNotForLrFind[] = {"resume",     "plugin",    "plugin-opt", "metric",
                                         "output-dir", "eval-every", "val-split",  "config", "no-default-plugins"};

struct Settings {
    LrFinderOptions finder;
    fs::path csv, html;
    bool overwrite = false;
};

po::options_description own_options() {
    po::options_description desc("ignite-host lr-find: the learning-rate range test (Ignite's FastaiLRFinder)");
    desc.add_options()("help,h", "this help")("start-lr", po::value<double>(),
                                              "the first learning rate (default: --lr, the optimizer's)")(
        "end-lr", po::value<double>()->default_value(10.0, "10"), "the last learning rate (> --start-lr)")(
        "num-iter", po::value<std::int64_t>(),
        "steps of the schedule; the test runs num-iter + 1 iterations unless the loss diverges (default: --epochs "
        "x iterations per epoch)")("step-mode", po::value<std::string>()->default_value("exp"),
                                   "exp (geometric steps) or linear")(
        "smooth-f", po::value<double>()->default_value(0.05, "0.05"),
        "loss smoothing in [0, 1): smoothed = f * loss + (1 - f) * previous smoothed")(
        "diverge-th", po::value<double>()->default_value(5.0, "5"),
        "stop when the smoothed loss exceeds this (>= 1) times the best")(
        "history", po::value<std::string>()->default_value("applied"),
        "applied: each loss with the lr that produced it; ignite: Ignite 0.5.3's history (the lr of the next "
        "iteration, its first iteration's rate)")("output", po::value<std::string>()->default_value("lr_find.csv"),
                                                  "the CSV (lr, loss, smoothed_loss); the page goes beside it, "
                                                  "with .html")(
        "overwrite", po::bool_switch(), "replace the CSV and the page when they exist (refused otherwise)");
    return desc;
}

// The finder's settings from lr-find's own options, checked (one line each, exit 2).
Settings settings_from(const po::variables_map& vm) {
    Settings s;
    s.overwrite = vm["overwrite"].as<bool>();
    auto& o = s.finder;
    const auto finite = [](const char* name, double v) {
        if (!std::isfinite(v)) throw UsageError(fmt::format("--{} must be a finite number, got {}", name, v));
    };
    if (vm.count("start-lr")) {
        o.start_lr = vm["start-lr"].as<double>();
        finite("start-lr", *o.start_lr);
        if (!(*o.start_lr > 0)) throw UsageError(fmt::format("--start-lr must be > 0, got {}", *o.start_lr));
    }
    o.end_lr = vm["end-lr"].as<double>();
    finite("end-lr", o.end_lr);
    if (o.start_lr && !(*o.start_lr < o.end_lr)) {
        throw UsageError(fmt::format("--start-lr {} must be below --end-lr {}", *o.start_lr, o.end_lr));
    }
    if (vm.count("num-iter")) {
        o.num_iter = vm["num-iter"].as<std::int64_t>();
        if (*o.num_iter < 1) throw UsageError(fmt::format("--num-iter must be >= 1, got {}", *o.num_iter));
    }
    const auto mode = vm["step-mode"].as<std::string>();
    if (mode != "exp" && mode != "linear")
        throw UsageError(fmt::format("--step-mode must be exp or linear, got '{}'", mode));
    o.step_mode = lr_step_mode_from(mode);
    o.smooth_f = vm["smooth-f"].as<double>();
    if (!(o.smooth_f >= 0 && o.smooth_f < 1))
        throw UsageError(fmt::format("--smooth-f must be in [0, 1), got {}", o.smooth_f));
    o.diverge_th = vm["diverge-th"].as<double>();
    if (!(o.diverge_th >= 1) || !std::isfinite(o.diverge_th))
        throw UsageError(fmt::format("--diverge-th must be a finite number >= 1, got {}", o.diverge_th));
    const auto history = vm["history"].as<std::string>();
    if (history != "applied" && history != "ignite")
        throw UsageError(fmt::format("--history must be applied or ignite, got '{}'", history));
    o.history = lr_history_from(history);
    s.csv = vm["output"].as<std::string>();
    if (s.csv.empty() || !s.csv.has_filename())
        throw UsageError("--output must name the CSV file to write, e.g. --output lr_find.csv");
    s.html = fs::path(s.csv).replace_extension(".html");
    if (s.html == s.csv) throw UsageError(fmt::format("--output '{}' names the page; give the CSV's name, e.g. lr_find.csv", s.csv.string()));
    return s;
}

// The arguments for train's parser: lr-find's own taken out, a training run's refused.
std::vector<std::string> train_arguments(const std::vector<std::string>& rest, const fs::path& csv) {
    for (const auto& a : rest) {
        for (const char* name : kNotForLrFind) {
            const auto flag = std::string("--") + name;
            if (a == flag || a.rfind(flag + "=", 0) == 0) {
                throw UsageError(fmt::format("{} does not apply to lr-find (it runs the range test only: no plugins, no "
                                             "evaluation, no run folder); drop it",
                                             flag));
            }
        }
    }
    auto args = rest;
    // train checks its output folder; lr-find writes beside --output, so that is the folder a
    // training run must not hold (nothing is created there but the two files).
    const auto dir = csv.parent_path().empty() ? fs::path(".") : csv.parent_path();
    args.insert(args.end(), {"--output-dir", dir.string(), "--overwrite"});
    return args;
}

std::string number(double v) { return fmt::format("{:.4g}", v); }

}  // namespace

int lr_find_command(const std::vector<std::string>& args) {
    const auto desc = own_options();
    po::parsed_options parsed(nullptr);
    po::variables_map vm;
    try {
        parsed = po::command_line_parser(args).options(desc).allow_unregistered().run();
        po::store(parsed, vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(fmt::format("lr-find: {}", e.what()));
    }
    if (vm.count("help")) {
        std::cout << desc
                  << "\nand the options of `ignite-host train` that build the run (--model, --dataset, --limit, "
                     "--batch-size, --optimizer, --lr, --momentum, --seed, --epochs, --device, ...): see "
                     "ignite-host train --help\n";
        return 0;
    }
    const auto s = settings_from(vm);
    const auto options = parse_train_options(train_arguments(po::collect_unrecognized(parsed.options, po::include_positional), s.csv));
    if (!options) return 0;
    if (!fs::is_directory(s.csv.parent_path().empty() ? fs::path(".") : s.csv.parent_path())) {
        throw UsageError(fmt::format("--output '{}': its folder does not exist", s.csv.string()));
    }
    for (const auto& file : {s.csv, s.html}) {
        std::error_code ec;
        if (!s.overwrite && fs::exists(file, ec)) {
            throw UsageError(fmt::format("'{}' exists (an earlier lr-find's?); give another --output, or --overwrite",
                                         file.string()));
        }
    }
    Training training(*options);
    std::vector<at::Tensor> model_tensors;
    for (const auto& item : training.model->state_dict()) model_tensors.push_back(item.value());
    FastaiLRFinder finder;
    try {
        const auto attached = finder.attach(*training.trainer, *training.optimizer, model_tensors, s.finder);
        training.trainer->run(training.train_loader, options->epochs);
    } catch (const ignite::ValueError& e) {
        throw UsageError(fmt::format("lr-find: {}", e.what()));
    } catch (...) {
        throw RunFailed(fmt::format("lr-find: the range test failed: {}", describe_exception(std::current_exception())));
    }
    const auto& h = finder.get_results();
    std::optional<double> suggestion;
    std::string no_suggestion;
    try {
        suggestion = finder.lr_suggestion();
    } catch (const ignite::RuntimeError& e) {
        no_suggestion = e.what();
    }
    const bool exp = s.finder.step_mode == LrStepMode::exp;
    const auto summary = fmt::format(
        "{} ({} steps, {}{}), {}; {}", count_of(static_cast<std::int64_t>(h.lr.size()), "iteration"),
        exp ? "exp" : "linear", h.lr.empty() ? "" : number(h.lr.front()), h.lr.empty() ? "" : " -> " + number(h.lr.back()),
        finder.diverged() ? fmt::format("the loss diverged at iteration {}", h.lr.size())
                          : std::string("completed without the loss diverging (raise --end-lr or lower --diverge-th)"),
        suggestion ? fmt::format("suggested lr {}", *suggestion) : std::string("no suggestion"));
    const auto csv = lr_find_csv(h);
    const auto html = lr_find_html(h, {.title = fmt::format("lr-find: {} on {}", options->model, options->dataset),
                                       .summary = summary,
                                       .log_x = exp,
                                       .suggestion = suggestion});
    try {
        io::write_file_durably(s.csv, std::span<const char>(csv.data(), csv.size()));
        io::write_file_durably(s.html, std::span<const char>(html.data(), html.size()));
    } catch (const std::exception& e) {
        throw RunFailed(e.what());
    }
    std::cout << "lr-find: " << summary << "\n"
              << fmt::format("wrote {} (lr, loss, smoothed_loss) and {}\n", s.csv.string(), s.html.string());
    if (suggestion) std::cout << fmt::format("suggested lr: {}\n", *suggestion);
    std::cout.flush();
    if (!suggestion) throw RunFailed(fmt::format("lr-find: no suggested lr: {}", no_suggestion));
    return 0;
}

}  // namespace ignite::host
