// tensorboard: the run as TensorBoard event files (`tensorboard --logdir OUTPUT/tb`), with
// Ignite's TensorboardLogger tags (docs/tensorboard.md). Our own encoder (tfevents_*.hpp),
// no protobuf. The policy is in tags.hpp, the file in event_file.hpp; this file only wires
// them to the run's events.
//
//   trainer ITERATION_STARTED every log_every_iters   lr/group_<i> (momentum/..., weight_decay/...)
//   trainer ITERATION_COMPLETED every log_every_iters training/loss (the output)
//   trainer EPOCH_COMPLETED                           training/<metric> (avg_loss)
//   each evaluating engine's COMPLETED                validation/<metric>, test/<metric>
//   trainer ITERATION_COMPLETED every norms_every    weights_norm/<name>, grads_norm/<name> (ABI 1.7)
//   trainer EPOCH_COMPLETED every histogram_every     weights/<name>, grads/<name> histograms (histograms=true; ABI 1.7)
//   trainer STARTED                                   the file; config/text_summary (fresh run)
//                                                     or SessionLog START (resumed run)
// Steps: the trainer's iteration (validation: validation_step=iteration|epoch).
#include "event_file.hpp"
#include "tags.hpp"

#include "tfevents_histogram.hpp"

#include <ignite/plugin_torch.hpp>
#include <ignite/tensor_values.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace tb = ignite::tensorboard;
using ignite::sdk::Engine;
using ignite::sdk::EventInfo;
using ignite::sdk::Events;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;
using ignite::sdk::Priority;
using ignite::tfevents::EventFile;

class TensorBoard : public ignite::sdk::Plugin {
    void init(Host& host) override {
        const auto output_dir = host.output_dir();
        const auto logdir = host.option_string("logdir");
        if (logdir.empty() && output_dir.empty()) {
            throw std::invalid_argument(
                "tensorboard writes into the run's output folder, and this run has none; give "
                "tensorboard.logdir=DIR");
        }
        logdir_ = logdir.empty()                                          ? fs::path(output_dir) / "tb"
                  : fs::path(logdir).is_relative() && !output_dir.empty() ? fs::path(output_dir) / logdir
                                                                          : fs::path(logdir);
        check_writable();
        every_ = host.option_int("log_every_iters");
        flush_secs_ = host.option_double("flush_secs");
        params_ = tb::parse_params(host.option_list("params"));
        validation_on_epoch_ = host.option_string("validation_step") == "epoch";
        resumed_ = host.resumed();
        if (!resumed_) config_ = host.run_config();

        std::vector<std::string> names;
        for (auto& e : host.engines()) names.push_back(e.name());
        const auto tags = tb::engine_tags(names, host.option_list("tags"));

        trainer_ = host.require_engine("trainer");
        Engine& trainer = *trainer_;
        const auto band = Priority::loggers;
        trainer.on(Events::STARTED, band, [this](Engine& e) { open(e); });
        trainer.on(Events::ITERATION_STARTED.every(every_), band,
                   [this](Engine& e, const EventInfo& ev) { log_params(e, ev.iteration); });
        const std::string train_tag = tags.at("trainer");
        norms_every_ = host.option_int("norms_every");
        // Histograms are asked for by `histograms`; their interval is always a real one, so a
        // histogram_every of 0 is the mistake it looks like, refused by the schema (>= 1).
        histogram_every_ = host.option_bool("histograms") ? host.option_int("histogram_every") : 0;
        if ((norms_every_ > 0 || histogram_every_ > 0) &&
            !IGNITE_API_HAS(host.api(), ignite_host_api, parameter_tensor)) {
            throw std::invalid_argument(
                "tensorboard.norms_every and histograms read the model's parameters, which this host "
                "(before ABI 1.7) does not give; leave norms_every at 0 and histograms at false");
        }
        if (norms_every_ > 0) {
            trainer.on(Events::ITERATION_COMPLETED.every(norms_every_), band,
                       [this](Engine& e, const EventInfo& ev) { log_parameters(e, ev.iteration, false); });
        }
        trainer.on(Events::ITERATION_COMPLETED.every(every_), band,
                   [this, train_tag](Engine& e, const EventInfo& ev) { log_output(e, train_tag, ev.iteration); });
        trainer.on(Events::ITERATION_COMPLETED, band, [this] { file_->flush_if_due(); });
        trainer.on(Events::EPOCH_COMPLETED, band, [this, train_tag](Engine& e, const EventInfo& ev) {
            log_metrics(e, train_tag, ev.iteration);
            if (histogram_every_ > 0 && ev.epoch % histogram_every_ == 0) log_parameters(e, ev.iteration, true);
            file_->flush();
        });
        // Synced, not closed: an engine run after the trainer's COMPLETED may still log (and
        // flushes at its COMPLETED); the file closes when the plugin shuts down.
        trainer.on(Events::COMPLETED, band, [this] { file_->sync(); });
        trainer.on(Events::EXCEPTION_RAISED, band, [this](Engine&, std::exception_ptr) { flush_after_failure(); });
        for (auto& e : host.engines()) {
            if (e.name() == "trainer") continue;
            const std::string tag = tags.at(e.name());
            e.on(Events::COMPLETED, band, [this, tag](Engine& engine) {
                if (!file_) return;  // an evaluation before the trainer started
                const auto step = validation_on_epoch_ ? trainer_->epoch() : trainer_->iteration();
                log_metrics(engine, tag, step);
                file_->flush();
            });
            e.on(Events::EXCEPTION_RAISED, band, [this](Engine&, std::exception_ptr) { flush_after_failure(); });
        }
    }

    // The folder is made when the trainer starts (the host takes --output-dir after every
    // init and refuses a new one that is not empty); here only whether it could be.
    void check_writable() const {
        std::error_code ec;
        fs::path at = logdir_;
        while (!at.empty() && !fs::exists(at, ec))
            at = at.has_parent_path() && at != at.parent_path() ? at.parent_path() : fs::path();
        if (at.empty()) at = ".";
        if (!fs::is_directory(at, ec)) {
            throw std::invalid_argument("tensorboard.logdir '" + logdir_.string() + "' cannot be a folder: '" +
                                        at.string() + "' is a file; choose another logdir");
        }
        if (::access(at.c_str(), W_OK | X_OK) != 0) {
            throw std::invalid_argument("tensorboard.logdir '" + logdir_.string() + "' is not writable ('" +
                                        at.string() + "': " + std::strerror(errno) +
                                        "); choose a folder you can write to");
        }
    }

    void open(Engine& trainer) {
        // A fresh run over an earlier one's files (--overwrite, or a reused logdir): those go
        // to a subfolder, a run of their own in TensorBoard, instead of mixing with this one.
        // (A SessionLog START at step 0 would hide them from TensorBoard's Python loader, but
        // its Rust data server, the default where installed, ignores START.)
        if (!resumed_) {
            const auto into = "replaced." + std::to_string(static_cast<long long>(EventFile::now()));
            if (const auto n = ignite::tfevents::move_event_files(logdir_, into)) {
                host().log(IGNITE_LOG_INFO, "moved " + std::to_string(n) + " event file(s) of an earlier run to '" +
                                                (logdir_ / into).string() + "' (TensorBoard shows it as run '" + into +
                                                "')");
            }
        }
        file_ = std::make_unique<EventFile>(logdir_, flush_secs_);
        auto& enc = file_->encoder();
        const double now = EventFile::now();
        if (resumed_) {
            // The run goes on after iteration I: TensorBoard drops what an abandoned
            // continuation wrote after I (steps >= I+1), in every earlier file.
            file_->append(
                enc.session_log(now, tb::purge_step(trainer.iteration()), ignite::tfevents::SessionStatus::start));
        } else {
            file_->append(enc.text(now, 0, "config/text_summary", config_text()));
        }
        file_->flush();
        if (auto saved = host().find_event("checkpoint.SAVED_CHECKPOINT")) {
            for (auto& e : host().engines()) {
                try {
                    e.on(*saved, Priority::loggers, [this] { file_->sync(); });
                } catch (const ignite::sdk::Error&) {
                    // the event lives on the checkpoint plugin's engine only
                }
            }
        }
    }

    // The configuration as an indented code block (TensorBoard's text plugin is Markdown).
    std::string config_text() const {
        const auto j = nlohmann::json::parse(config_, nullptr, /*allow_exceptions=*/false);
        const std::string body = j.is_discarded() ? config_ : j.dump(2);
        std::string out = "    ";
        for (char c : body) {
            out += c;
            if (c == '\n') out += "    ";
        }
        return out;
    }

    void scalar(const std::string& tag, std::int64_t step, double v) {
        file_->append(file_->encoder().scalar(EventFile::now(), step, tag, static_cast<float>(v)));
    }

    void log_params(Engine& trainer, std::int64_t step) {
        const auto groups = trainer.param_group_count();
        for (const auto& key : params_) {
            for (std::size_t g = 0; g < groups; ++g) {
                if (auto v = trainer.param_group(g, key.c_str())) scalar(key + "/group_" + std::to_string(g), step, *v);
            }
        }
    }

    void log_output(Engine& trainer, const std::string& tag, std::int64_t step) {
        const auto n = trainer.value_count();
        if (n == 1) {
            if (auto v = trainer.value_double()) scalar(tag + "/loss", step, *v);
            return;
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (auto v = trainer.value_double(IGNITE_VALUE_OUTPUT, i))
                scalar(tag + "/output/" + std::to_string(i), step, *v);
        }
    }

    // Every metric of `engine`, a tensor one flattened as Ignite's _flatten_dict.
    void log_metrics(Engine& engine, const std::string& tag, std::int64_t step) {
        for (const auto& name : engine.metric_names()) {
            if (auto v = engine.metric(name)) {
                scalar(tag + "/" + name, step, *v);
                continue;
            }
            auto t = engine.metric_tensor(name);
            const DLTensor& d = t->dl_tensor;
            if (!ignite::sdk::dtype_readable(d.dtype)) continue;  // not logged (metric tensors are float64 or int64)
            const auto values = ignite::sdk::tensor_values(d);  // row-major, as flatten_tensor's offsets
            const std::vector<std::int64_t> shape(d.shape, d.shape + d.ndim);
            for (const auto& [flat_tag, offset] : tb::flatten_tensor(tag + "/" + name, shape))
                scalar(flat_tag, step, values.at(offset));
        }
    }

    // Ignite's WeightsScalarHandler / GradsScalarHandler (reduction torch.norm) or its
    // WeightsHistHandler / GradsHistHandler: each parameter's value, then each gradient (a
    // parameter without one, e.g. frozen, is skipped as Ignite skips grad None).
    void log_parameters(Engine& trainer, std::int64_t step, bool histograms) {
        if (names_.empty()) names_ = trainer.parameter_names();
        for (const std::int32_t which : {IGNITE_PARAMETER_VALUE, IGNITE_PARAMETER_GRAD}) {
            const std::string kind = which == IGNITE_PARAMETER_VALUE ? "weights" : "grads";
            for (std::size_t i = 0; i < names_.size(); ++i) {
                DLManagedTensor* borrowed = trainer.parameter_tensor(i, which);
                if (!borrowed) continue;
                const at::Tensor t = ignite::sdk::tensor_view(borrowed, names_[i].c_str()).detach();
                if (!histograms) {
                    scalar(tb::parameter_tag(kind + "_norm", names_[i]), step, t.norm().item<double>());
                    continue;
                }
                const at::Tensor cpu = t.to(at::kCPU, at::kDouble).contiguous();
                ignite::tfevents::HistogramBuilder h;
                h.add(cpu.data_ptr<double>(), static_cast<std::size_t>(cpu.numel()));
                if (auto made = h.finish()) {
                    file_->append(
                        file_->encoder().histogram(EventFile::now(), step, tb::parameter_tag(kind, names_[i]), *made));
                }
            }
        }
    }

    // An exception ends the run: keep what was logged, and report (not throw) a failed write,
    // so the run's own error stays the one shown.
    void flush_after_failure() {
        if (!file_) return;
        try {
            file_->sync();
        } catch (const std::exception& e) {
            host().log(IGNITE_LOG_WARNING, e.what());
        }
    }

    fs::path logdir_;
    std::int64_t every_ = 100;
    double flush_secs_ = 5;
    std::vector<std::string> params_;
    std::int64_t norms_every_ = 0, histogram_every_ = 0;
    std::vector<std::string> names_;  // the model's parameters, read once
    bool validation_on_epoch_ = false;
    bool resumed_ = false;
    std::string config_;
    std::optional<Engine> trainer_;
    std::unique_ptr<EventFile> file_;
};

}  // namespace

IGNITE_SDK_PLUGIN(
    TensorBoard,
    PluginSpec("tensorboard")
        .version("1.0")
        .description("TensorBoard event files with Ignite's tags (training/, validation/, lr/); no protobuf")
        .needs_abi_minor(6)
        .placement(ignite::sdk::Placement::rank_zero)
        .band(Priority::loggers)
        .option(Option::string("logdir", "")
                    .help("folder of the event files; empty: <output-dir>/tb; a relative one lies inside --output-dir"))
        .option(Option::integer("log_every_iters", 100)
                    .min(1)
                    .help("training/loss and lr/group_<i> every N trainer iterations (at the trainer's iteration)"))
        .option(Option::number("flush_secs", 5)
                    .min(0)
                    .help("write buffered records at least this often (seconds); also at every epoch end, evaluation, "
                          "checkpoint save, exception and the end"))
        .option(Option::list("params", "lr")
                    .help("optimizer parameters logged per group: lr, momentum, weight_decay (lr/group_0, "
                          "momentum/group_0...)"))
        .option(
            Option::list("tags", "")
                .help("engine:tag overrides of the tag prefixes (defaults: trainer:training, validation:validation, "
                      "evaluator:test with --val-split else evaluator:validation)"))
        .option(Option::integer("norms_every", 0)
                    .min(0)
                    .help("weights_norm/<param> and grads_norm/<param> (L2 norms, '.' as '/') every N trainer "
                          "iterations; 0: off"))
        .option(Option::boolean("histograms", false)
                    .help("weights/<param> and grads/<param> histograms (torch's bins) every histogram_every epochs"))
        .option(Option::integer("histogram_every", 1)
                    .min(1)
                    .help("the histograms' interval in trainer epochs (with histograms=true)"))
        .option(Option::string("validation_step", "iteration")
                    .choices({"iteration", "epoch"})
                    .help("step of evaluation scalars: the trainer's iteration (shares the training curves' x "
                          "axis) or its epoch (Ignite's global_step_from_engine default)")))
