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
// epoch at the evaluator's COMPLETED). Priority 100: after metrics, loggers and the host's
// evaluation (50). Without a score it also saves when the trainer is terminated (a stop
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
// they were. At start the folder's stray temporaries (of killed writes) are removed and this
// policy's own earlier files (same prefix/score name) are adopted into `_saved`, so rotation
// continues across runs; no other file is ever touched.
#include "policy.hpp"

#include <ignite/plugin.hpp>

#include <algorithm>
#include <cmath>
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
using ignite_checkpoint::Item;
using ignite_checkpoint::Plan;
using ignite_checkpoint::Policy;
using ignite_checkpoint::PolicyOptions;

constexpr std::int32_t kCheckpointPriority = 100;

// global_step_transform's choices.
enum class StepFrom { ignite_default, trainer, trainer_epoch, trainer_iteration };

StepFrom step_from(const std::string& choice) {
    if (choice == "trainer") return StepFrom::trainer;
    if (choice == "trainer_epoch") return StepFrom::trainer_epoch;
    if (choice == "trainer_iteration") return StepFrom::trainer_iteration;
    return StepFrom::ignite_default;  // "none" (the host validated the choices)
}

class Checkpoint : public ignite::sdk::Plugin {
private:
    void init(Host& host) override {
        dir_ = host.option_string("dirname");
        if (dir_.empty()) throw std::invalid_argument("checkpoint.dirname is empty; give the folder checkpoints go to");
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

        // The folder is created at the first save (Ignite's DiskSaver(create_dir=True)), not
        // here: the host takes its --output-dir after init, and dirname may lie inside it.
        std::error_code ec;
        if (fs::exists(dir_, ec)) {
            if (!fs::is_directory(dir_, ec))
                throw std::invalid_argument("checkpoint.dirname '" + dir_ + "' is not a folder");
            if (host.option_bool("require_empty")) refuse_pt_files();
            const auto strays = host.remove_stray_temporaries(dir_);
            if (strays > 0)
                host.log(IGNITE_LOG_INFO, "removed " + std::to_string(strays) + " stray temporary file(s) in " + dir_);
            adopt();
        }

        Engine trainer = host.require_engine("trainer");
        if (!selection_.empty()) {
            try {
                host.check_checkpoint_keys(trainer, selection_);
            } catch (const ignite::sdk::Error& e) {
                throw std::invalid_argument(std::string("checkpoint.to_save: ") + e.what());
            }
        }
        if (o.score_name.empty()) {
            saved_event_ = trainer.register_event("SAVED_CHECKPOINT");
            attached_ = trainer;
            const auto when = every_ > 0 ? Events::ITERATION_COMPLETED.every(every_) : Events::EPOCH_COMPLETED;
            trainer.on(
                when, [this](Engine& e) { save_by_step(e); }, kCheckpointPriority);
            if (host.option_bool("on_terminate")) {
                trainer.on(
                    Events::TERMINATE,
                    [this](Engine& e) {
                        if (e.iteration() == last_iteration_) return;  // saved at this iteration already
                        save_by_step(e);
                        this->host().log(IGNITE_LOG_INFO, "the trainer was terminated: saved " + last_saved_);
                    },
                    kCheckpointPriority);
            }
        } else {
            auto evaluator = host.engine("evaluator");
            if (!evaluator) {
                throw std::invalid_argument(
                    "checkpoint.score_name needs the evaluator (train with --eval-every K > 0)");
            }
            saved_event_ = evaluator->register_event("SAVED_CHECKPOINT");
            attached_ = *evaluator;
            evaluator->on(
                Events::COMPLETED, [this, trainer](Engine& e) { save_by_score(e, trainer); }, kCheckpointPriority);
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

    // This policy's files already in the folder, e.g. of the run being resumed.
    void adopt() {
        std::vector<Item> items;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir_, ec)) {
            if (!entry.is_regular_file(ec)) continue;
            if (auto item = policy_->parse(entry.path().filename().string())) items.push_back(std::move(*item));
        }
        if (ec) throw std::invalid_argument("checkpoint.dirname '" + dir_ + "' cannot be listed: " + ec.message());
        // Equal priorities in name order, a stand-in for the order they were written in.
        std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.filename < b.filename; });
        if (!items.empty())
            host().log(IGNITE_LOG_INFO,
                       "adopted " + std::to_string(items.size()) + " earlier checkpoint(s) in " + dir_);
        policy_->set_saved(std::move(items));
    }

    // Ignite without a score: priority = global step, by default the trainer's iteration.
    void save_by_step(Engine& trainer) {
        last_iteration_ = trainer.iteration();
        // The counter of the event these saves hang on (also for the save at TERMINATE).
        const bool at_epochs = every_ == 0;
        std::int64_t step = trainer.iteration();
        if (step_from_ == StepFrom::trainer_epoch || (step_from_ == StepFrom::trainer && at_epochs))
            step = trainer.epoch();
        save(trainer, static_cast<double>(step), true, step);
    }

    void save_by_score(Engine& evaluator, const Engine& trainer) {
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
    EventSpec saved_event_{0};
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Checkpoint,
    PluginSpec("checkpoint")
        .version("1.0")
        .description("Ignite's Checkpoint/DiskSaver: saves model, optimizer, trainer, RNG and plugin states durably, "
                     "keeps the best n_saved")
        .needs_abi_minor(4)
        .state_key("checkpointer")
        .json_state()
        .event("SAVED_CHECKPOINT", "", "after a checkpoint file is durably written (Ignite's CheckpointEvents)")
        .option(Option::string("dirname", "checkpoints").help("folder of the checkpoint files (created when missing)"))
        .option(Option::list("to_save", "")
                    .help("entries to save (Ignite's to_save), e.g. model or model,optimizer; empty: everything the "
                          "host checkpoints (model, optimizer, trainer, lr_scheduler, plugin states, ignite_host), "
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
                    .help("also save when the trainer is terminated (e.g. SIGINT), without score_name")))
