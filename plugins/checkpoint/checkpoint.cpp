// checkpoint: Ignite's Checkpoint + DiskSaver as a plugin. The policy (when, which files,
// rotation, names: policy.hpp) is here; what is saved (model, optimizer, trainer with its RNG
// states, scheduler, every plugin's state) and the durable write come from the host through
// ABI 1.3/1.4 (checkpoint_bytes[_of], write_file_durably, remove_stray_temporaries), so the file
// format is written in one place (core) and this plugin includes only the SDK.
//
// When: `every` K > 0 saves at every K-th trainer ITERATION_COMPLETED, 0 at every trainer
// EPOCH_COMPLETED; with `score_name` it saves at the evaluator's COMPLETED instead, scored by
// score_sign * evaluator.state.metrics[score_name]. The global step (in the name; without a
// score also the priority) is Ignite's: the trainer's iteration without a score and nothing
// with one, unless `global_step_transform` names another (`trainer` is Ignite's
// global_step_from_engine(trainer): the trainer's counter of the event that fired, i.e. its
// epoch at the evaluator's COMPLETED). In the checkpoint band: after metrics, loggers and the
// host's evaluation. Without a score it also saves when the trainer is terminated (a stop
// signal, another plugin), so a stopped run resumes where it stopped.
//
// The checkpointer's own state (include_self) is JSON (ABI 1.4), so the file holds Ignite's
// Checkpoint.state_dict() under "checkpointer": {"_saved": [(priority, filename), ...]}.
// Ignite's `last_checkpoint` (the folder joined with the best kept file's name) is published
// as the string attribute state.last_checkpoint of the engine the checkpointer is attached to.
//
// Never lose a checkpoint (unlike Ignite, which deletes the worst file first): the new file
// is written durably, and only then is the worst one deleted and `_saved` updated; a failed
// save fails the run with the host's message and leaves every earlier file and `_saved` as
// they were.
//
// The folder has an owner (decision, issue 17): one run at a time, and a new run never
// deletes a file it did not write.
//  - A relative `dirname` (the default `checkpoints`) lies inside the run's --output-dir (ABI
//    1.5's output_dir), which the host locks for the run: each run's checkpoints are its own.
//    An absolute one outside it is locked by this plugin (flock on the folder, taken at init),
//    so a second run into it is refused at start instead of rotating the first run's files.
//  - A resumed run (ABI 1.5's resumed) adopts this policy's earlier files that VERIFY into
//    `_saved`, so rotation continues; a file named like a checkpoint that does not verify is
//    left alone with one warning and never counted (it would outrank every new save). A new
//    run refuses a folder that holds verifying files of this policy (another run's): it
//    would have to adopt and delete them. Stray temporaries of killed writes are removed.
//  - Options that cannot work are refused at init (exit 2): a score_name no metric of the
//    evaluator has, score_name without an evaluator (--eval-every 0), names that are not
//    plain files, a dirname under a regular file or not writable.
//  - Ignite saves only at the event it is attached to. With `every` K > 0 a run whose last
//    iteration is not a multiple of K would end without its final state on disk, so this
//    plugin also saves at the trainer's COMPLETED when the last save was earlier
//    (on_completed, default true): every finished run leaves its final weights.
#include "policy.hpp"

#include <ignite/plugin.hpp>

#include "folder_lock.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace {

namespace fs = std::filesystem;
using ignite::sdk::Engine;
using ignite::sdk::Events;
using ignite::sdk::EventSpec;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;
using ignite_checkpoint::FolderLock;
using ignite_checkpoint::Item;
using ignite_checkpoint::Plan;
using ignite_checkpoint::Policy;
using ignite_checkpoint::PolicyOptions;

constexpr std::int32_t kCheckpointPriority = ignite::sdk::Priority::checkpoint.value;

// global_step_transform's choices.
enum class StepFrom { ignite_default, trainer, trainer_epoch, trainer_iteration };

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

StepFrom step_from(const std::string& choice) {
    if (choice == "trainer") return StepFrom::trainer;
    if (choice == "trainer_epoch") return StepFrom::trainer_epoch;
    if (choice == "trainer_iteration") return StepFrom::trainer_iteration;
    return StepFrom::ignite_default;  // "none" (the host validated the choices)
}

class Checkpoint : public ignite::sdk::Plugin {
private:
    void init(Host& host) override {
        const auto dirname = host.option_string("dirname");
        if (dirname.empty())
            throw std::invalid_argument("checkpoint.dirname is empty; give the folder checkpoints go to");
        const auto output_dir = host.output_dir();
        dir_ = fs::path(dirname).is_relative() && !output_dir.empty() ? (fs::path(output_dir) / dirname).string()
                                                                      : dirname;
        inside_output_ = !output_dir.empty() && within(dir_, output_dir);
        resumed_ = host.resumed();
        PolicyOptions o;
        o.filename_prefix = host.option_string("filename_prefix");
        o.score_name = host.option_string("score_name");
        o.n_saved = host.option_int("n_saved");
        o.greater_or_equal = host.option_bool("greater_or_equal");
        o.filename_pattern = host.option_string("filename_pattern");
        step_from_ = step_from(host.option_string("global_step_transform"));
        o.scored_names_have_step = step_from_ != StepFrom::ignite_default;
        every_ = host.option_int("every");
        score_sign_ = host.option_int("score_sign");
        if (score_sign_ == 0) throw std::invalid_argument("checkpoint.score_sign must be 1 or -1, got 0");
        include_self_ = host.option_bool("include_self");
        // Ignite's to_save: the entries (all the host saves when empty); one entry names the
        // files after it (best_model_acc=0.7700.pt) and is the file's whole content.
        const auto to_save = host.option_list("to_save");
        if (to_save.size() == 1) o.name = to_save.front();
        if (!to_save.empty()) {
            selection_ = to_save;
            // Ignite adds its own state_dict as "checkpointer" (into the single object's dict;
            // here beside it, so the model's state_dict still loads strictly).
            if (include_self_ && std::find(to_save.begin(), to_save.end(), "checkpointer") == to_save.end())
                selection_.emplace_back("checkpointer");
        }
        try {
            policy_.emplace(o);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("checkpoint.") + e.what());
        }

        Engine trainer = host.require_engine("trainer");
        // Whether this host can checkpoint at all (and has the chosen entries): known now, not
        // at the first save.
        try {
            host.check_checkpoint_keys(trainer, selection_);
        } catch (const ignite::sdk::Error& e) {
            if (e.status() == IGNITE_ERR_UNSUPPORTED)
                throw std::invalid_argument(std::string("checkpoint: ") + e.what() + "; use it with ignite-host train");
            throw std::invalid_argument(std::string("checkpoint.to_save: ") + e.what());
        }
        if (o.score_name.empty()) {
            saved_event_ = trainer.register_event("SAVED_CHECKPOINT");
            attached_ = trainer;
            const auto when = every_ > 0 ? Events::ITERATION_COMPLETED.every(every_) : Events::EPOCH_COMPLETED;
            trainer.on(
                when, [this](Engine& e) { save_by_step(e); }, kCheckpointPriority);
            if (every_ > 0 && host.option_bool("on_completed")) {
                trainer.on(
                    Events::COMPLETED,
                    [this](Engine& e) {
                        if (e.iteration() != last_iteration_) save_by_step(e);  // the final state, once
                    },
                    kCheckpointPriority);
            }
            if (host.option_bool("on_terminate")) {
                trainer.on(
                    Events::TERMINATE,
                    [this](Engine& e) {
                        if (e.iteration() == last_iteration_) return;  // saved at this iteration already
                        save_by_step(e);
                        if (refused_bad_weights_) return;
                        this->host().log(IGNITE_LOG_INFO, "the trainer was terminated: saved " + last_saved_);
                    },
                    kCheckpointPriority);
            }
        } else {
            auto evaluator = host.engine("evaluator");
            if (!evaluator) {
                throw std::invalid_argument(
                    "checkpoint.score_name needs the evaluator, which never runs in this run; train with "
                    "--eval-every K > 0, or drop score_name to save by the trainer's steps");
            }
            if (!evaluator->has_metric(o.score_name)) {
                throw std::invalid_argument("checkpoint.score_name '" + o.score_name +
                                            "' is not a metric of the evaluator; use accuracy, loss or a --metric "
                                            "NAME the run computes");
            }
            saved_event_ = evaluator->register_event("SAVED_CHECKPOINT");
            attached_ = *evaluator;
            evaluator->on(
                Events::COMPLETED, [this, trainer](Engine& e) { save_by_score(e, trainer); }, kCheckpointPriority);
        }
        // The folder last, once every option is known to work: a refused run takes nothing.
        // Inside --output-dir the folder is created at the first save (Ignite's
        // DiskSaver(create_dir=True)): the host takes the output folder after init and refuses
        // a non-empty new one. Elsewhere it is created now, to hold its lock.
        check_writable();
        if (!inside_output_) lock_.emplace(dir_);
        std::error_code ec;
        if (fs::exists(dir_, ec)) {
            if (host.option_bool("require_empty")) refuse_pt_files();
            const auto strays = host.remove_stray_temporaries(dir_);
            if (strays > 0)
                host.log(IGNITE_LOG_INFO, "removed " + std::to_string(strays) + " stray temporary file(s) in " + dir_);
            adopt();
        }
        publish_last_checkpoint();  // of adopted files
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

    // The earlier files of this policy that verify: a resumed run's own, or another run's
    // (refused). Files that do not verify are left alone with one warning each.
    void adopt() {
        std::vector<Item> items;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir_, ec)) {
            if (!entry.is_regular_file(ec)) continue;
            auto item = policy_->parse(entry.path().filename().string());
            if (!item) continue;
            if (const auto problem = host().checkpoint_problem(entry.path().string()); !problem.empty()) {
                host().log(IGNITE_LOG_WARNING, "ignoring a file named like a checkpoint: " + problem +
                                                   "; it is left as it is and not counted among the kept files");
                continue;
            }
            items.push_back(std::move(*item));
        }
        if (ec) throw std::invalid_argument("checkpoint.dirname '" + dir_ + "' cannot be listed: " + ec.message());
        if (!items.empty() && !resumed_) {
            std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.filename < b.filename; });
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
        std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.filename < b.filename; });
        if (!items.empty())
            host().log(IGNITE_LOG_INFO,
                       "adopted " + std::to_string(items.size()) + " earlier checkpoint(s) in " + dir_);
        policy_->set_saved(std::move(items));
    }

    // A trainer stopped because its weights went bad (a NaN loss: terminate reason
    // bad_weights) must not replace a good checkpoint with them, at TERMINATE, COMPLETED or any
    // later save: the last good file stays the newest.
    bool weights_are_bad(const Engine& trainer) {
        if (trainer.terminate_reason() != ignite::sdk::TerminateReason::bad_weights) return false;
        if (!refused_bad_weights_) {
            refused_bad_weights_ = true;
            host().log(IGNITE_LOG_WARNING,
                       "the trainer was terminated for bad weights (terminate reason bad_weights): not saving "
                       "them; the newest checkpoint stays " +
                           (last_saved_.empty() ? std::string("(none saved)") : last_saved_));
        }
        return true;
    }

    // Ignite without a score: priority = global step, by default the trainer's iteration.
    void save_by_step(Engine& trainer) {
        if (weights_are_bad(trainer)) return;
        last_iteration_ = trainer.iteration();
        // The counter of the event these saves hang on (also for the save at TERMINATE).
        const bool at_epochs = every_ == 0;
        std::int64_t step = trainer.iteration();
        if (step_from_ == StepFrom::trainer_epoch || (step_from_ == StepFrom::trainer && at_epochs))
            step = trainer.epoch();
        save(trainer, static_cast<double>(step), true, step);
    }

    void save_by_score(Engine& evaluator, const Engine& trainer) {
        if (weights_are_bad(trainer)) return;
        const auto& name = host().option_string("score_name");
        const auto value = evaluator.metric(name);
        if (!value) {
            throw std::invalid_argument("checkpoint.score_name '" + name +
                                        "' is not a metric of the evaluator; use "
                                        "accuracy, loss or a --metric NAME");
        }
        std::optional<std::int64_t> step;  // Ignite's default: no global step with a score
        if (step_from_ == StepFrom::trainer || step_from_ == StepFrom::trainer_epoch) step = trainer.epoch();
        if (step_from_ == StepFrom::trainer_iteration) step = trainer.iteration();
        save(evaluator, static_cast<double>(score_sign_) * *value, false, step);
    }

    void save(Engine& engine, double priority, bool integral, std::optional<std::int64_t> global_step) {
        const auto plan = policy_->plan(priority, integral, global_step);
        if (!plan) return;
        // save_state (include_self) already lists the new file, as Ignite's checkpointer entry does.
        pending_ = &*plan;
        std::string_view bytes;
        try {
            bytes =
                selection_.empty() ? host().checkpoint_bytes(engine) : host().checkpoint_bytes_of(engine, selection_);
        } catch (...) {
            pending_ = nullptr;
            throw;
        }
        pending_ = nullptr;
        std::error_code ec;
        fs::create_directories(dir_, ec);
        if (ec) throw std::runtime_error("checkpoint.dirname '" + dir_ + "' cannot be created: " + ec.message());
        const auto path = (fs::path(dir_) / plan->filename).string();
        host().write_file_durably(path, bytes);  // throws: nothing changed, earlier files intact
        policy_->commit(*plan);
        for (const auto& old : plan->remove) {
            fs::remove(fs::path(dir_) / old, ec);
            if (ec)
                host().log(IGNITE_LOG_WARNING, "could not delete the rotated checkpoint " + old + ": " + ec.message());
        }
        last_saved_ = path;
        publish_last_checkpoint();
        engine.fire(saved_event_);
    }

    // Ignite's Checkpoint.last_checkpoint: dirname / _saved[-1].filename (the best kept file,
    // the latest among equals), "" while nothing is kept.
    void publish_last_checkpoint() {
        if (!attached_) return;
        const auto& saved = policy_->saved();
        attached_->set_state("last_checkpoint",
                             saved.empty() ? std::string() : (fs::path(dir_) / saved.back().filename).string());
    }

    std::string save_state() override {
        if (!include_self_) return {};
        return Policy::encode(pending_ ? pending_->saved : policy_->saved());
    }
    void load_state(std::string_view bytes) override {
        // Only entries whose files still exist: a restored list never names a deleted file.
        std::vector<Item> items;
        for (auto& item : Policy::decode(bytes)) {
            std::error_code ec;
            if (fs::is_regular_file(fs::path(dir_) / item.filename, ec)) items.push_back(std::move(item));
        }
        policy_->set_saved(std::move(items));
        publish_last_checkpoint();
    }

    std::string dir_;
    bool inside_output_ = false;  // dirname lies in --output-dir, which the host locks
    bool resumed_ = false;
    std::optional<FolderLock> lock_;
    std::vector<std::string> selection_;  // checkpoint_bytes_of's keys; empty: everything
    std::optional<Policy> policy_;
    const Plan* pending_ = nullptr;
    std::int64_t score_sign_ = 1;
    std::int64_t every_ = 0;
    StepFrom step_from_ = StepFrom::ignite_default;
    std::optional<Engine> attached_;  // the engine whose event saves (trainer or evaluator)
    bool include_self_ = false;
    std::int64_t last_iteration_ = -1;
    std::string last_saved_;
    bool refused_bad_weights_ = false;
    EventSpec saved_event_{0};
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Checkpoint,
    PluginSpec("checkpoint")
        .version("1.0")
        .description("Ignite's Checkpoint/DiskSaver: saves model, optimizer, trainer, RNG and plugin states durably, "
                     "keeps the best n_saved")
        .needs_abi_minor(5)
        .placement(ignite::sdk::Placement::rank_zero)
        .band(ignite::sdk::Priority::checkpoint)
        .state_key("checkpointer")
        .json_state()
        .event("SAVED_CHECKPOINT", "", "after a checkpoint file is durably written (Ignite's CheckpointEvents)")
        .option(Option::string("dirname", "checkpoints")
                    .help("folder of the checkpoint files (created when missing); a relative one lies inside "
                          "--output-dir, an absolute one is locked for the run"))
        .option(Option::list("to_save", "")
                    .help("entries to save (Ignite's to_save), e.g. model or model,optimizer; empty: everything the "
                          "host checkpoints (model, optimizer, trainer, ignite_host, every participant's state: "
                          "lr_scheduler...), "
                          "which --resume needs; one entry is the whole file and names it: best_model_acc=0.7700.pt"))
        .option(Option::integer("every", 0)
                    .min(0)
                    .help("save every K trainer iterations; 0: at every trainer epoch end (ignored with score_name)"))
        .option(
            Option::integer("n_saved", 1).min(0).help("files kept (the best by priority); 0: keep all (Ignite's None)"))
        .option(Option::string("score_name", "")
                    .help("evaluator metric that scores a checkpoint (saved at the evaluator's COMPLETED), e.g. "
                          "accuracy: best_checkpoint_accuracy=0.7700.pt; empty: score by the global step"))
        .option(
            Option::string("global_step_transform", "none")
                .choices({"none", "trainer", "trainer_epoch", "trainer_iteration"})
                .help("global step in names (and, without score_name, the priority): none: Ignite's default "
                      "(trainer iteration; no step with score_name); trainer: global_step_from_engine(trainer), e.g. "
                      "best_checkpoint_3_accuracy=0.7700.pt; trainer_epoch / trainer_iteration: that counter"))
        .option(Option::integer("score_sign", 1).range(-1, 1).help("1: higher score is better; -1: lower (e.g. loss)"))
        .option(Option::string("filename_prefix", "").help("prefix of file names ({prefix}_checkpoint_...)"))
        .option(Option::string("filename_pattern", "")
                    .help("Ignite's filename_pattern, e.g. {global_step}-{name}-{score}.{ext}; fields "
                          "{filename_prefix} {name} {score} {score_name} {global_step} {ext}; empty: Ignite's default"))
        .option(Option::boolean("greater_or_equal", false)
                    .help("a score equal to the worst kept one replaces it (Ignite: the first equal ones are kept)"))
        .option(Option::boolean("include_self", false)
                    .help("save Ignite's checkpointer state_dict {'_saved': [(priority, filename)]} into each "
                          "checkpoint (key 'checkpointer')"))
        .option(Option::boolean("require_empty", false)
                    .help("refuse a dirname that already holds .pt files (Ignite's DiskSaver default is true; false "
                          "here so that a restarted or resumed run adopts its files)"))
        .option(Option::boolean("on_terminate", true)
                    .help("also save when the trainer is terminated (e.g. SIGINT), without score_name"))
        .option(Option::boolean("on_completed", true)
                    .help("with every K > 0, also save the final state at the trainer's COMPLETED when the last "
                          "iteration is not a multiple of K (Ignite saves only every K)")))
