#include "checkpoint.hpp"

#include "folder_lock.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/durable_file.hpp>
#include <ignite/core/engine.hpp>
#include <ignite/core/handlers/checkpoint.hpp>
#include <ignite/core/handlers/checkpoint_policy.hpp>
#include <ignite/plugin_util.hpp>

#include <ATen/ATen.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <system_error>

namespace ignite::host {
namespace {

namespace fs = std::filesystem;
using checkpoint::Item;
using checkpoint::Policy;

// global_step_transform's choices.
enum class StepFrom { ignite_default, trainer, trainer_epoch, trainer_iteration };

StepFrom step_from(const std::string& choice) {
    if (choice == "trainer") return StepFrom::trainer;
    if (choice == "trainer_epoch") return StepFrom::trainer_epoch;
    if (choice == "trainer_iteration") return StepFrom::trainer_iteration;
    return StepFrom::ignite_default;  // "none" (the options were validated)
}

// Whether `path` is `folder` or lies below it (lexically, after resolving what exists).
bool within(const fs::path& path, const fs::path& folder) {
    std::error_code ec;
    const auto p = fs::weakly_canonical(fs::absolute(path, ec), ec).lexically_normal();
    const auto f = fs::weakly_canonical(fs::absolute(folder, ec), ec).lexically_normal();
    auto pi = p.begin();
    for (auto fi = f.begin(); fi != f.end(); ++fi, ++pi) {
        if (fi->empty()) continue;  // a trailing separator
        if (pi == p.end() || *pi != *fi) return false;
    }
    return true;
}

void say(LogLevel level, const std::string& message) { log_plugin_line(level, kCheckpointName, message); }

// The folder the files go to: created at the first save (Ignite's DiskSaver(create_dir=True):
// inside --output-dir it may not exist before the host takes that folder), written durably;
// a file that rotates out and cannot be deleted is a warning, not a failed run.
class FolderSaver final : public BaseSaveHandler {
public:
    explicit FolderSaver(fs::path dir) : dir_(std::move(dir)) {}
    void operator()(const c10::IValue& value, const std::string& filename, const SaveMetadata&) override {
        std::error_code ec;
        fs::create_directories(dir_, ec);
        if (ec) throw std::runtime_error("checkpoint.dirname '" + dir_.string() + "' cannot be created: " + ec.message());
        checkpoint::save(value, dir_ / filename);  // throws: nothing changed, earlier files intact
        last_written = (dir_ / filename).string();
    }
    void remove(const std::string& filename) override {
        std::error_code ec;
        fs::remove(dir_ / filename, ec);
        if (ec) say(LogLevel::warning, "could not delete the rotated checkpoint " + filename + ": " + ec.message());
    }
    [[nodiscard]] std::string location(const std::string& filename) const override {
        return (dir_ / filename).string();
    }

    std::string last_written;  ///< the path of the last file written

private:
    fs::path dir_;
};

class CheckpointComponent final : public Component {
public:
    explicit CheckpointComponent(PluginHost& plugins) : plugins_(plugins) {}

    void init(RunContext& run) override {
        const auto dirname = run.option<std::string>("dirname");
        if (dirname.empty())
            throw std::invalid_argument("checkpoint.dirname is empty; give the folder checkpoints go to");
        const auto& output_dir = run.facts().output_dir;
        dir_ = fs::path(dirname).is_relative() && !output_dir.empty() ? (fs::path(output_dir) / dirname).string()
                                                                      : dirname;
        inside_output_ = !output_dir.empty() && within(dir_, output_dir);
        resumed_ = run.facts().resumed;
        score_name_ = run.option<std::string>("score_name");
        every_ = run.option<std::int64_t>("every");
        score_sign_ = run.option<std::int64_t>("score_sign");
        if (score_sign_ == 0) throw std::invalid_argument("checkpoint.score_sign must be 1 or -1, got 0");
        step_from_ = step_from(run.option<std::string>("global_step_transform"));
        const bool include_self = run.option<bool>("include_self");
        // Ignite's to_save: the entries (all the host saves when empty); one entry names the
        // files after it (best_model_acc=0.7700.pt) and is the file's whole content.
        const auto to_save = ignite::sdk::split_list(run.option<std::string>("to_save"), true);
        selection_ = to_save;
        // Ignite adds its own state_dict as "checkpointer" (into the single object's dict;
        // here beside it, so the model's state_dict still loads strictly).
        if (!to_save.empty() && include_self &&
            std::find(to_save.begin(), to_save.end(), kCheckpointerKey) == to_save.end())
            selection_.emplace_back(kCheckpointerKey);
        include_self_ = include_self;

        trainer_ = run.engine("trainer");
        if (trainer_ == nullptr) throw std::runtime_error("checkpoint saves the trainer, and this run has none");
        // Whether this host can checkpoint at all (and has the chosen entries): known now, not
        // at the first save.
        if (!plugins_.has_checkpoint_source())
            throw std::invalid_argument("checkpoint: this host has nothing to checkpoint; use it with ignite-host train");
        try {
            plugins_.check_checkpoint_keys(selection_);
        } catch (const std::out_of_range& e) {
            throw std::invalid_argument(std::string("checkpoint.to_save: ") + e.what());
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("checkpoint.to_save: ") + e.what());
        }

        // Core's Checkpoint: one to_save object, the host's assembled file (the whole
        // checkpoint is named "checkpoint", a single chosen entry after itself), so files,
        // names and `_saved` are core's.
        const std::string entry = to_save.size() == 1 ? to_save.front() : std::string("checkpoint");
        ToSave objects;
        objects.emplace_back(entry, Checkpointable([this] { return plugins_.checkpoint_value(selection_); },
                                                   Checkpointable::LoadFn()));
        CheckpointOptions o;
        o.filename_prefix = run.option<std::string>("filename_prefix");
        if (!score_name_.empty()) {
            o.score_function = [this](Engine& evaluator) -> Score {
                const auto* value = evaluator.state.metrics.find(score_name_);
                if (value == nullptr) {
                    throw std::invalid_argument("checkpoint.score_name '" + score_name_ +
                                                "' is not a metric of the evaluator; use accuracy, loss or a --metric "
                                                "NAME");
                }
                return static_cast<double>(score_sign_) * metric_number(*value);
            };
        }
        o.score_name = score_name_;
        const auto n_saved = run.option<std::int64_t>("n_saved");
        o.n_saved = n_saved == 0 ? std::nullopt : std::optional<std::int64_t>(n_saved);
        if (step_from_ != StepFrom::ignite_default || score_name_.empty()) {
            // The counter of the event these saves hang on, whichever event calls (TERMINATE,
            // COMPLETED too): by default the trainer's iteration, the priority without a score.
            o.global_step_transform = [this](Engine&, Event) -> std::int64_t { return global_step(); };
        }
        o.filename_pattern = run.option<std::string>("filename_pattern");
        o.greater_or_equal = run.option<bool>("greater_or_equal");
        options_prefix_ = o.filename_prefix;
        name_ = entry;
        pattern_ = o.filename_pattern;
        saver_ = std::make_shared<FolderSaver>(dir_);
        try {
            checkpointer_.emplace(std::move(objects), saver_, std::move(o));
        } catch (const std::exception& e) {
            throw std::invalid_argument(std::string("checkpoint.") + e.what());
        }

        const auto saved_event = CheckpointEvents::saved_checkpoint();
        if (score_name_.empty()) {
            attached_ = trainer_;
            trainer_->register_events({saved_event});
            const auto save_at = [this](Engine& e) { save_by_step(e); };
            if (every_ > 0) {
                trainer_->add_event_handler(Events::ITERATION_COMPLETED.every(every_), Priority::checkpoint, save_at);
            } else {
                trainer_->add_event_handler(Events::EPOCH_COMPLETED, Priority::checkpoint, save_at);
            }
            if (every_ > 0 && run.option<bool>("on_completed")) {
                trainer_->add_event_handler(Events::COMPLETED, Priority::checkpoint, [this](Engine& e) {
                    if (e.state.iteration != last_iteration_) save_by_step(e);  // the final state, once
                });
            }
            if (run.option<bool>("on_terminate")) {
                trainer_->add_event_handler(Events::TERMINATE, Priority::checkpoint, [this](Engine& e) {
                    if (e.state.iteration == last_iteration_) return;  // saved at this iteration already
                    save_by_step(e);
                    if (refused_bad_weights_) return;
                    say(LogLevel::info, "the trainer was terminated: saved " + last_saved_);
                });
            }
        } else {
            auto* evaluator = run.engine("evaluator");
            if (evaluator == nullptr) {
                throw std::invalid_argument(
                    "checkpoint.score_name needs the evaluator, which never runs in this run; train with "
                    "--eval-every K > 0, or drop score_name to save by the trainer's steps");
            }
            if (!plugins_.has_metric("evaluator", score_name_)) {
                throw std::invalid_argument("checkpoint.score_name '" + score_name_ +
                                            "' is not a metric of the evaluator; use accuracy, loss or a --metric "
                                            "NAME the run computes");
            }
            attached_ = evaluator;
            evaluator->register_events({saved_event});
            evaluator->add_event_handler(Events::COMPLETED, Priority::checkpoint,
                                         [this](Engine& e) { save_by_score(e); });
        }
        // last_checkpoint is published before anyone else's SAVED_CHECKPOINT handler reads it
        // (the report names the file, TensorBoard syncs its event file).
        attached_->add_event_handler(saved_event, Priority{std::numeric_limits<int>::min()},
                                     [this] { publish_last_checkpoint(); });
        // The folder last, once every option is known to work: a refused run takes nothing.
        // Inside --output-dir the folder is created at the first save: the host takes the
        // output folder after init and refuses a non-empty new one. Elsewhere it is created
        // now, to hold its lock.
        check_writable();
        if (!inside_output_) lock_.emplace(dir_);
        std::error_code ec;
        if (fs::exists(dir_, ec)) {
            if (run.option<bool>("require_empty")) refuse_pt_files();
            std::size_t strays = 0;
            try {
                strays = io::remove_stray_temporaries(dir_).size();
            } catch (const io::WriteError& e) {
                throw std::runtime_error(e.what());
            }
            if (strays > 0)
                say(LogLevel::info, "removed " + std::to_string(strays) + " stray temporary file(s) in " + dir_);
            adopt();
        }
        publish_last_checkpoint();  // of adopted files
    }

    [[nodiscard]] std::optional<c10::IValue> save_state() override {
        if (!include_self_ || !checkpointer_) return std::nullopt;
        // During a save this already lists the file being written (core's pending `_saved`).
        // Each (priority, filename) pair as a list, as the checkpoint plugin's JSON state had
        // it, so files keep their layout; Python's Checkpoint.load_state_dict takes both.
        auto state = checkpoint::to_value(checkpointer_->state_dict()).toGenericDict();
        c10::impl::GenericList pairs(c10::AnyType::get());
        for (const auto& pair : state.at("_saved").toList()) {
            c10::impl::GenericList items(c10::AnyType::get());
            const c10::IValue p = pair;
            for (const auto& e : p.toTupleRef().elements()) items.push_back(e);
            pairs.push_back(items);
        }
        state.insert_or_assign("_saved", pairs);
        return state;
    }

    void load_state(const c10::IValue& state) override {
        std::vector<Item> decoded;
        const bool bytes = state.isTensor() && state.toTensor().scalar_type() == at::kByte && state.toTensor().dim() == 1;
        if (bytes) {
            // The lines this participant saved before its state was Ignite's dict.
            const auto t = state.toTensor().contiguous();
            decoded = Policy::decode_text(
                std::string_view(static_cast<const char*>(t.data_ptr()), static_cast<std::size_t>(t.numel())));
        } else {
            decoded = Policy::from_state_value(state);
        }
        // Only entries whose files still exist: a restored list never names a deleted file.
        std::vector<Item> items;
        for (auto& item : decoded) {
            std::error_code ec;
            if (fs::is_regular_file(fs::path(dir_) / item.filename, ec)) items.push_back(std::move(item));
        }
        set_saved(std::move(items));
        publish_last_checkpoint();
    }

private:
    static double metric_number(const c10::IValue& v) {
        if (v.isDouble()) return v.toDouble();
        if (v.isInt()) return static_cast<double>(v.toInt());
        if (v.isBool()) return v.toBool() ? 1.0 : 0.0;
        if (v.isTensor() && v.toTensor().numel() == 1) return v.toTensor().item<double>();
        throw std::invalid_argument("checkpoint: the score metric is not a number");
    }

    // The global step of a save, as the plugin gave it: the counter of the event the saves hang
    // on (the trainer's epoch at its EPOCH_COMPLETED or the evaluator's COMPLETED with
    // `trainer`), also for the saves at TERMINATE and COMPLETED.
    std::int64_t global_step() const {
        const auto& s = trainer_->state;
        switch (step_from_) {
            case StepFrom::trainer_epoch:
                return s.epoch;
            case StepFrom::trainer:
                return score_name_.empty() && every_ > 0 ? s.iteration : s.epoch;
            case StepFrom::trainer_iteration:
            case StepFrom::ignite_default:
                return s.iteration;
        }
        return s.iteration;
    }

    // Ignite's Checkpoint.load_state_dict for the adopted or restored `_saved`.
    void set_saved(std::vector<Item> items) {
        Dict d;
        d.set("_saved", Policy::state_value(items).toGenericDict().at("_saved"));
        checkpointer_->load_state_dict(d);
    }

    // Ignite's DiskSaver(require_empty=True): no *.pt file may be in the folder yet.
    void refuse_pt_files() const {
        std::vector<std::string> found;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir_, ec)) {
            const auto name = entry.path().filename().string();
            if (name.size() >= 3 && name.compare(name.size() - 3, 3, ".pt") == 0) found.push_back(name);
        }
        if (found.empty()) return;
        std::sort(found.begin(), found.end());
        std::string list;
        for (std::size_t i = 0; i < found.size() && i < 3; ++i) list += (i ? ", " : "") + found[i];
        if (found.size() > 3) list += ", ...";
        throw std::invalid_argument("checkpoint.dirname '" + dir_ + "' already holds " + std::to_string(found.size()) +
                                    " .pt file(s) (" + list +
                                    ") and checkpoint.require_empty is true; choose an empty folder or set "
                                    "checkpoint.require_empty=false");
    }

    // dirname, or its first existing ancestor, must be a folder this process can write into;
    // found now rather than at the first save, an epoch later.
    void check_writable() const {
        std::error_code ec;
        fs::path at = fs::path(dir_);
        while (!at.empty() && !fs::exists(at, ec)) at = at.has_parent_path() ? at.parent_path() : fs::path();
        if (at.empty()) at = ".";
        if (!fs::is_directory(at, ec)) {
            throw std::invalid_argument("checkpoint.dirname '" + dir_ + "' cannot be a folder: '" + at.string() +
                                        "' is a file; choose another dirname");
        }
        if (::access(at.c_str(), W_OK | X_OK) != 0) {
            throw std::invalid_argument("checkpoint.dirname '" + dir_ + "' is not writable ('" + at.string() +
                                        "': " + std::strerror(errno) + "); choose a folder you can write to");
        }
    }

    // The policy of this checkpointer's options, for reading its own file names back.
    [[nodiscard]] std::optional<Item> parse(const std::string& filename) const { return policy_view().parse(filename); }
    [[nodiscard]] Policy policy_view() const {
        checkpoint::PolicyOptions o;
        o.filename_prefix = options_prefix_;
        o.name = name_;
        o.score_name = score_name_;
        o.scored_names_have_step = step_from_ != StepFrom::ignite_default;
        o.filename_pattern = pattern_;
        return Policy(o);
    }

    // The earlier files of this policy that verify: a resumed run's own, or another run's
    // (refused). Files that do not verify are left alone with one warning each.
    void adopt() {
        std::vector<Item> items;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir_, ec)) {
            if (!entry.is_regular_file(ec)) continue;
            auto item = parse(entry.path().filename().string());
            if (!item) continue;
            try {
                (void)checkpoint::load(entry.path());
            } catch (const std::exception& e) {
                say(LogLevel::warning, std::string("ignoring a file named like a checkpoint: ") + e.what() +
                                           "; it is left as it is and not counted among the kept files");
                continue;
            }
            items.push_back(std::move(*item));
        }
        if (ec) throw std::invalid_argument("checkpoint.dirname '" + dir_ + "' cannot be listed: " + ec.message());
        std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.filename < b.filename; });
        if (!items.empty() && !resumed_) {
            std::string list;
            for (std::size_t i = 0; i < items.size() && i < 3; ++i) list += (i ? ", " : "") + items[i].filename;
            if (items.size() > 3) list += ", ...";
            throw std::invalid_argument("checkpoint.dirname '" + dir_ + "' holds " + std::to_string(items.size()) +
                                        " checkpoint(s) of another run (" + list +
                                        "), which this run would rotate away; resume that run with --resume auto "
                                        "(and its --output-dir), or choose another checkpoint.dirname or "
                                        "--output-dir");
        }
        // Equal priorities in name order, a stand-in for the order they were written in.
        if (!items.empty())
            say(LogLevel::info, "adopted " + std::to_string(items.size()) + " earlier checkpoint(s) in " + dir_);
        set_saved(std::move(items));
    }

    // A trainer stopped because its weights went bad (a NaN loss: terminate reason
    // bad_weights) must not replace a good checkpoint with them, at TERMINATE, COMPLETED or any
    // later save: the last good file stays the newest.
    bool weights_are_bad() {
        if (trainer_->terminate_reason() != TerminateReason::bad_weights) return false;
        if (!refused_bad_weights_) {
            refused_bad_weights_ = true;
            say(LogLevel::warning,
                "the trainer was terminated for bad weights (terminate reason bad_weights): not saving them; the "
                "newest checkpoint stays " +
                    (last_saved_.empty() ? std::string("(none saved)") : last_saved_));
        }
        return true;
    }

    void save_by_step(Engine& trainer) {
        if (weights_are_bad()) return;
        last_iteration_ = trainer.state.iteration;
        save(trainer);
    }

    void save_by_score(Engine& evaluator) {
        if (weights_are_bad()) return;
        save(evaluator);
    }

    void save(Engine& engine) {
        saver_->last_written.clear();
        // Core: plan, write durably, rotate, then SAVED_CHECKPOINT, whose handlers (the report,
        // TensorBoard) read last_checkpoint: published before the event fires.
        (*checkpointer_)(engine);
        if (!saver_->last_written.empty()) last_saved_ = saver_->last_written;
    }

    // Ignite's Checkpoint.last_checkpoint: dirname / _saved[-1].filename (the best kept file,
    // the latest among equals), "" while nothing is kept.
    void publish_last_checkpoint() {
        if (attached_ == nullptr) return;
        attached_->state.set("last_checkpoint", checkpointer_->last_checkpoint().value_or(std::string()));
    }

    PluginHost& plugins_;
    std::string dir_;
    bool inside_output_ = false;  // dirname lies in --output-dir, which the host locks
    bool resumed_ = false;
    std::optional<FolderLock> lock_;
    std::vector<std::string> selection_;  // checkpoint_value's keys; empty: everything
    std::shared_ptr<FolderSaver> saver_;
    std::optional<Checkpoint> checkpointer_;
    std::string score_name_, options_prefix_, name_ = "checkpoint", pattern_;
    std::int64_t score_sign_ = 1;
    std::int64_t every_ = 0;
    StepFrom step_from_ = StepFrom::ignite_default;
    Engine* trainer_ = nullptr;
    Engine* attached_ = nullptr;  // the engine whose event saves (trainer or evaluator)
    bool include_self_ = false;
    std::int64_t last_iteration_ = -1;
    std::string last_saved_;
    bool refused_bad_weights_ = false;
};

OptionSchema option(std::string name, ignite_option_type type, std::string default_value, std::string help) {
    OptionSchema o;
    o.name = std::move(name);
    o.type = type;
    o.default_value = std::move(default_value);
    o.help = std::move(help);
    return o;
}

}  // namespace

ParticipantSpec checkpoint_spec() {
    ParticipantSpec spec;
    spec.name = kCheckpointName;
    spec.version = "2.0";
    spec.description =
        "Ignite's Checkpoint/DiskSaver (core's ignite::Checkpoint): saves model, optimizer, trainer, RNG and plugin "
        "states durably, keeps the best n_saved";
    auto dirname = option("dirname", IGNITE_OPTION_STRING, "checkpoints",
                          "folder of the checkpoint files (created when missing); a relative one lies inside "
                          "--output-dir, an absolute one is locked for the run");
    auto to_save = option("to_save", IGNITE_OPTION_STRING, "",
                          "entries to save (Ignite's to_save), e.g. model or model,optimizer; empty: everything the "
                          "host checkpoints (model, optimizer, trainer, ignite_host, every participant's state: "
                          "lr_scheduler...), which --resume needs; one entry is the whole file and names it: "
                          "best_model_acc=0.7700.pt");
    to_save.flags = IGNITE_OPTION_LIST;
    auto every = option("every", IGNITE_OPTION_INT, "0",
                        "save every K trainer iterations; 0: at every trainer epoch end (ignored with score_name)");
    every.flags = IGNITE_OPTION_HAS_MIN;
    auto n_saved = option("n_saved", IGNITE_OPTION_INT, "1", "files kept (the best by priority); 0: keep all (Ignite's None)");
    n_saved.flags = IGNITE_OPTION_HAS_MIN;
    auto step = option("global_step_transform", IGNITE_OPTION_STRING, "none",
                       "global step in names (and, without score_name, the priority): none: Ignite's default "
                       "(trainer iteration; no step with score_name); trainer: global_step_from_engine(trainer), e.g. "
                       "best_checkpoint_3_accuracy=0.7700.pt; trainer_epoch / trainer_iteration: that counter");
    step.choices = {"none", "trainer", "trainer_epoch", "trainer_iteration"};
    auto sign = option("score_sign", IGNITE_OPTION_INT, "1", "1: higher score is better; -1: lower (e.g. loss)");
    sign.flags = IGNITE_OPTION_HAS_MIN | IGNITE_OPTION_HAS_MAX;
    sign.min = -1;
    sign.max = 1;
    spec.options = {
        dirname,
        to_save,
        every,
        n_saved,
        option("score_name", IGNITE_OPTION_STRING, "",
               "evaluator metric that scores a checkpoint (saved at the evaluator's COMPLETED), e.g. accuracy: "
               "best_checkpoint_accuracy=0.7700.pt; empty: score by the global step"),
        step,
        sign,
        option("filename_prefix", IGNITE_OPTION_STRING, "", "prefix of file names ({prefix}_checkpoint_...)"),
        option("filename_pattern", IGNITE_OPTION_STRING, "",
               "Ignite's filename_pattern, e.g. {global_step}-{name}-{score}.{ext}; fields {filename_prefix} {name} "
               "{score} {score_name} {global_step} {ext}; empty: Ignite's default"),
        option("greater_or_equal", IGNITE_OPTION_BOOL, "false",
               "a score equal to the worst kept one replaces it (Ignite: the first equal ones are kept)"),
        option("include_self", IGNITE_OPTION_BOOL, "false",
               "save Ignite's checkpointer state_dict {'_saved': [(priority, filename)]} into each checkpoint (key "
               "'checkpointer')"),
        option("require_empty", IGNITE_OPTION_BOOL, "false",
               "refuse a dirname that already holds .pt files (Ignite's DiskSaver default is true; false here so that "
               "a restarted or resumed run adopts its files)"),
        option("on_terminate", IGNITE_OPTION_BOOL, "true",
               "also save when the trainer is terminated (e.g. SIGINT), without score_name"),
        option("on_completed", IGNITE_OPTION_BOOL, "true",
               "with every K > 0, also save the final state at the trainer's COMPLETED when the last iteration is not "
               "a multiple of K (Ignite saves only every K)"),
    };
    spec.state_key = kCheckpointerKey;
    spec.placement = Placement::rank_zero;  // one writer per run
    spec.priority_band = ignite::Priority::checkpoint.value;
    spec.kind = ParticipantKind::component;
    spec.events = {{"checkpoint.SAVED_CHECKPOINT", "after a checkpoint file is durably written (Ignite's CheckpointEvents)"}};
    return spec;
}

std::unique_ptr<Component> make_checkpoint_component(PluginHost& plugins) {
    return std::make_unique<CheckpointComponent>(plugins);
}

std::unique_ptr<Component> make_checkpoint(Training&, const TrainOptions&, PluginHost& plugins) {
    return make_checkpoint_component(plugins);
}

}  // namespace ignite::host
