#include "checkpoint_state.hpp"

#include "cli_common.hpp"
#include "components/lr_schedule.hpp"
#include "plural.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/optimizer_state.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace ignite::host {
namespace {

using GenericDict = c10::impl::GenericDict;

GenericDict str_dict() { return GenericDict(c10::StringType::get(), c10::AnyType::get()); }

constexpr std::int64_t kHostFormat = 1;

GenericDict host_entry(const TrainOptions& c, const Training& t) {
    auto d = str_dict();
    d.insert("format", kHostFormat);
    d.insert("model", c.model);
    d.insert("dataset", c.dataset);
    // The training split as loaded (after --limit), then how much --val-split held out of it:
    // each names its own option when a resume finds it changed.
    d.insert("train_samples", t.data.train.size() + t.data.val.size());
    d.insert("val_samples", t.data.val.size());
    d.insert("batch_size", c.batch_size);
    d.insert("seed", c.seed);
    d.insert("optimizer", c.optimizer);
    d.insert("lr_schedule", c.lr_schedule);
    d.insert("epochs", c.epochs);
    d.insert("drop_last", c.drop_last);
    d.insert("shuffle", c.shuffle);
    return d;
}

// Python: x = (images.float() * t["scale"] - t["mean"]) / t["std"], or torchvision's
// ToTensor() then Normalize((mean,), (std,)) when scale is 1/255.
GenericDict transform_entry(const InputTransform& transform) {
    auto d = str_dict();
    d.insert("scale", transform.scale);
    d.insert("mean", transform.mean);
    d.insert("std", transform.std);
    return d;
}

GenericDict as_dict(const c10::IValue& v, const std::string& path) {
    if (!v.isGenericDict())
        throw UsageError(fmt::format("checkpoint '{}' is not a dict; give a checkpoint ignite-host wrote", path));
    return v.toGenericDict();
}

c10::IValue entry(const GenericDict& d, const char* key, const std::string& path) {
    if (!d.contains(key)) {
        throw UsageError(
            fmt::format("checkpoint '{}' has no '{}' entry; give a checkpoint of ignite-host train (plugin "
                        "checkpoint) or of Ignite's Checkpoint({{\"model\", \"optimizer\", \"trainer\"}})",
                        path, key));
    }
    return d.at(key);
}

// A model entry as a state_dict; std::invalid_argument when it is none.
c10::Dict<std::string, at::Tensor> model_state(const c10::IValue& model) {
    c10::Dict<std::string, at::Tensor> sd;
    if (!model.isGenericDict()) throw std::invalid_argument("not a state_dict");
    for (const auto& item : model.toGenericDict()) {
        if (!item.key().isString() || !item.value().isTensor()) throw std::invalid_argument("not a state_dict");
        sd.insert(item.key().toStringRef(), item.value().toTensor());
    }
    return sd;
}

// Throws a UsageError "--resume 'PATH': WHAT; FIX".
[[noreturn]] void refuse(const std::string& path, const std::string& what, const std::string& fix) {
    throw UsageError(fmt::format("--resume '{}': {}; {}", path, what, fix));
}

// The model entry has this model's entries with this model's shapes (strict, as
// load_model_state restores it).
void check_model(const std::string& path, const c10::IValue& value, const TrainOptions& c, Model& model) {
    const auto fix = fmt::format("resume with the checkpointed run's --model (this run's is {})", c.model);
    c10::Dict<std::string, at::Tensor> saved;
    try {
        saved = model_state(value);
    } catch (const std::invalid_argument&) {
        refuse(path, "its 'model' entry is not a state_dict (names to tensors)",
               "give a checkpoint whose 'model' is the model's state_dict()");
    }
    const auto own = model.state_dict();
    for (const auto& item : own) {
        const auto it = saved.find(item.key());
        if (it == saved.end()) refuse(path, fmt::format("the checkpoint's model has no '{}'", item.key()), fix);
        if (it->value().sizes() != item.value().sizes()) {
            refuse(path,
                   fmt::format("the checkpoint's model has '{}' of shape {} but this run's model {}", item.key(),
                               fmt::join(it->value().sizes(), "x"), fmt::join(item.value().sizes(), "x")),
                   fix);
        }
    }
    for (const auto& item : saved) {
        if (!own.contains(item.key()))
            refuse(path, fmt::format("the checkpoint's model has '{}', which this run's model has not", item.key()),
                   fix);
    }
}

// The optimizer entry is PyTorch's state_dict of this run's optimizer kind over as many
// parameters as this run's model has.
void check_optimizer(const std::string& path, const c10::IValue& value, const TrainOptions& c,
                     torch::optim::Optimizer& optimizer) {
    const auto not_pytorch = [&] {
        refuse(path, "its 'optimizer' entry is not PyTorch's optimizer state_dict() ('state', 'param_groups')",
               "give a checkpoint whose 'optimizer' is the optimizer's state_dict()");
    };
    if (!value.isGenericDict()) not_pytorch();
    const auto d = value.toGenericDict();
    if (!d.contains("param_groups") || !d.at("param_groups").isList()) not_pytorch();
    const auto groups = d.at("param_groups").toList();
    std::size_t params = 0;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (!groups.get(i).isGenericDict()) not_pytorch();
        const auto g = groups.get(i).toGenericDict();
        if (!g.contains("params") || !g.at("params").isList()) not_pytorch();
        params += g.at("params").toList().size();
    }
    if (groups.empty()) not_pytorch();
    // The kind from the keys of its first group (core's optimizer_kind); an AdamW state of
    // PyTorch < 2.7 reads as Adam's, and load_optimizer_state_dict takes it.
    const auto group0 = groups.get(0).toGenericDict();
    const auto kind = ignite::optimizer_kind(group0);
    const bool old_adamw = c.optimizer == "adamw" && kind == "adam" && !group0.contains("decoupled_weight_decay");
    if (kind != c.optimizer && !old_adamw) {
        refuse(path,
               fmt::format("the checkpoint's optimizer is {} but this run's is {}",
                           kind.empty() ? "none of sgd, adam, adamw, rmsprop, adagrad" : kind, c.optimizer),
               kind.empty() ? "ignite-host resumes those optimizers only"
                            : fmt::format("resume with --optimizer {}", kind));
    }
    std::size_t own = 0;
    for (const auto& g : optimizer.param_groups()) own += g.params().size();
    if (groups.size() != optimizer.param_groups().size() || params != own) {
        refuse(path,
               fmt::format("the checkpoint's optimizer has {} parameter group(s) over {} parameters but this run's has "
                           "{} over {}",
                           groups.size(), params, optimizer.param_groups().size(), own),
               "resume with the checkpointed run's --model");
    }
}

// The trainer entry counts epochs of this run's length, by epochs (ignite-host's runs are
// `run(data, max_epochs)`).
void check_trainer(const std::string& path, const c10::IValue& value, const TrainOptions& c, const Training& t) {
    if (!value.isGenericDict()) {
        refuse(path, "its 'trainer' entry is not an Engine's state_dict()",
               "give a checkpoint whose 'trainer' is the trainer's state_dict()");
    }
    const auto d = value.toGenericDict();
    if (d.contains("max_iters") && !d.at("max_iters").isNone()) {
        refuse(path, "the checkpoint's trainer ran by max_iters", "ignite-host trains by --epochs; start a new run");
    }
    const auto per_epoch = t.train_loader->size().value_or(0);
    if (!d.contains("epoch_length") || !d.at("epoch_length").isInt()) {
        refuse(path, "the checkpoint's trainer records no epoch_length",
               fmt::format("give a checkpoint of a run with {} per epoch", count_of(per_epoch, "iteration")));
    }
    const auto saved = d.at("epoch_length").toInt();
    if (saved != per_epoch) {
        refuse(path,
               fmt::format("the checkpoint's trainer has epoch_length {} but this run has {} per epoch "
                           "(training set {}, --batch-size {}{})",
                           saved, count_of(per_epoch, "iteration"), t.data.train.size(), c.batch_size,
                           c.drop_last ? ", --drop-last" : ""),
               "resume with the checkpointed run's --batch-size, --limit and --drop-last, or start a new run "
               "without --resume");
    }
}

// The lr_schedule component's resume checks (LrSchedule::check_resume) when this run loads
// it: run here, before any participant's init, because its load_state would refuse the same
// file only after the plugins' init, which may take folders.
void check_schedule(const std::string& path, const GenericDict& d, const TrainOptions& c, const Training& t,
                    const PluginHost& plugins) {
    const auto participants = plugins.participants();
    if (std::none_of(participants.begin(), participants.end(), [](const ParticipantSpec& p) {
            return p.name == kLrScheduleName && p.kind == ParticipantKind::component;
        })) {
        return;
    }
    std::map<std::string, OptionValue> options;
    for (const auto& o : lr_schedule_spec().options) {
        if (auto v = plugins.plugin_option(kLrScheduleName, o.name)) options.emplace(o.name, *v);
    }
    const auto state = d.contains(kLrSchedulerKey) ? std::optional(d.at(kLrSchedulerKey)) : std::nullopt;
    try {
        LrSchedule::check_resume(lr_schedule_run(t, c), LrScheduleSettings::from(options), state ? &*state : nullptr);
    } catch (const std::invalid_argument& e) {
        throw UsageError(fmt::format("--resume '{}': {}", path, e.what()));
    }
}

// What the entries hold, against this run: model shapes, optimizer kind and parameter
// count, the trainer's epoch length, and the learning-rate schedule's cycle.
void check_contents(const std::string& path, const GenericDict& d, const TrainOptions& c, Training& t,
                    const PluginHost& plugins) {
    check_model(path, entry(d, "model", path), c, *t.model);
    check_optimizer(path, entry(d, "optimizer", path), c, *t.optimizer);
    check_trainer(path, entry(d, "trainer", path), c, t);
    check_schedule(path, d, c, t, plugins);
}

// The text of a scalar of the ignite_host entry, for the message.
std::string text(const c10::IValue& v) {
    if (v.isString()) return v.toStringRef();
    if (v.isInt()) return std::to_string(v.toInt());
    if (v.isBool()) return v.toBool() ? "true" : "false";
    return "?";
}

// The host's own checkpoint entries, in the file's order: the one list that the keys the host
// reserves, the entries a checkpoint holds and what a resume restores are read from.
struct HostEntry {
    const char* key;
    c10::IValue (*save)(const TrainOptions&, Training&);
    /// Restores the entry into `training`; null for a record that a resume checks
    /// (check_resumable) but does not restore.
    void (*restore)(const c10::IValue&, Training&);
};

const HostEntry kHostEntries[] = {
    {"model",
     [](const TrainOptions&, Training& t) -> c10::IValue {
         auto model = c10::Dict<std::string, at::Tensor>();
         for (const auto& item : t.model->state_dict()) model.insert(item.key(), item.value().detach());
         return model;
     },
     [](const c10::IValue& v, Training& t) { load_model_state(*t.model, model_state(v)); }},
    {"optimizer", [](const TrainOptions&, Training& t) -> c10::IValue { return optimizer_state_dict(*t.optimizer); },
     [](const c10::IValue& v, Training& t) { load_optimizer_state_dict(*t.optimizer, v); }},
    {"trainer", [](const TrainOptions&, Training& t) { return checkpoint::to_value(t.trainer->state_dict()); },
     [](const c10::IValue& v, Training& t) {
         auto state = checkpoint::to_dict(v, "trainer");
         // A plain Engine's state_dict (Python Ignite's) has no random state: the data order is
         // still the seed's (DeterministicEngine), the random stream starts from the seed.
         if (!state.contains("rng_states")) state.set("rng_states", c10::IValue());
         t.trainer->load_state_dict(state);
     }},
    {"ignite_host", [](const TrainOptions& c, Training& t) -> c10::IValue { return host_entry(c, t); }, nullptr},
    {"input_transform",
     [](const TrainOptions&, Training& t) -> c10::IValue { return transform_entry(t.data.transform); }, nullptr},
};

}  // namespace

const std::vector<std::string>& host_checkpoint_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        for (const auto& e : kHostEntries) out.emplace_back(e.key);
        return out;
    }();
    return keys;
}

c10::impl::GenericDict checkpoint_entries(const TrainOptions& c, Training& t) {
    auto d = str_dict();
    for (const auto& e : kHostEntries) d.insert(e.key, e.save(c, t));
    return d;
}

std::int64_t checkpoint_iteration(const c10::IValue& v) {
    if (!v.isGenericDict()) return -1;
    const auto d = v.toGenericDict();
    if (!d.contains("trainer") || !d.at("trainer").isGenericDict()) return -1;
    const auto tr = d.at("trainer").toGenericDict();
    if (!tr.contains("iteration") || !tr.at("iteration").isInt()) return -1;
    return tr.at("iteration").toInt();
}

void check_resumable(const std::string& path, const c10::IValue& v, const TrainOptions& c, Training& t,
                     const PluginHost& plugins) {
    const auto d = as_dict(v, path);
    if (!d.contains("ignite_host")) {
        // Another writer's checkpoint, e.g. Python Ignite's Checkpoint({"model", "optimizer",
        // "trainer"}): the command line's options stand for the run's; what the file holds is checked.
        check_contents(path, d, c, t, plugins);
        log_line(fmt::format(
            "ignite-host: checkpoint '{}' has no 'ignite_host' entry (not written by ignite-host, e.g. by Python "
            "Ignite): resuming with this command line's options; checked: the model's shapes, the optimizer's kind "
            "and parameter count, the trainer's epoch length, the learning-rate schedule; not checked: --dataset, "
            "--seed, --no-shuffle, and --batch-size, --limit, --drop-last beyond the epoch length they give",
            path));
        return;
    }
    const auto h = d.at("ignite_host");
    if (!h.isGenericDict()) throw UsageError(fmt::format("checkpoint '{}': 'ignite_host' is not a dict", path));
    const auto saved = h.toGenericDict();
    const auto now = host_entry(c, t);
    // The options whose change would make the resumed run another run (epochs may grow).
    const std::pair<const char*, const char*> checked[] = {
        {"model", "--model"},           {"dataset", "--dataset"},       {"train_samples", "--dataset/--limit"},
        {"val_samples", "--val-split"}, {"batch_size", "--batch-size"}, {"seed", "--seed"},
        {"optimizer", "--optimizer"},   {"drop_last", "--drop-last"},   {"shuffle", "--no-shuffle"}};
    for (const auto& [key, option] : checked) {
        // Checkpoints from before --val-split held nothing out.
        const bool before_val_split = key == std::string("val_samples") && !saved.contains(key);
        if (!saved.contains(key) && !before_val_split) {
            throw UsageError(
                fmt::format("checkpoint '{}' does not record '{}'; it was not written by this ignite-host", path, key));
        }
        const auto a = before_val_split ? c10::IValue(std::int64_t{0}) : saved.at(key), b = now.at(key);
        if (text(a) != text(b)) {
            throw UsageError(fmt::format(
                "--resume '{}': the checkpoint's {} is {} but this run's is {}; resume with "
                "the checkpointed run's {} or start a new run without --resume",
                path, key == std::string("train_samples") ? "training set size" : key, text(a), text(b), option));
        }
    }
    // The options agree; what the entries hold must too (an edited file would otherwise fail
    // mid-run, after the output folder was taken, without naming the file).
    check_contents(path, d, c, t, plugins);
}

void restore_checkpoint(const std::string& path, const c10::IValue& v, Training& t, PluginHost& plugins) {
    const auto d = as_dict(v, path);
    // Runs one part's restore; its error becomes one line naming the file and the entry.
    const auto restoring = [&](const char* what, auto&& restore) {
        try {
            restore(entry(d, what, path));
        } catch (const UsageError&) {
            throw;
        } catch (const std::exception& e) {
            throw UsageError(fmt::format("checkpoint '{}': its '{}' does not fit this run: {}", path, what, e.what()));
        }
    };
    for (const auto& e : kHostEntries) {
        if (e.restore) restoring(e.key, [&](const c10::IValue& v) { e.restore(v, t); });
    }
    const auto& host_keys = host_checkpoint_keys();
    std::map<std::string, c10::IValue> states;
    for (const auto& item : d) {
        if (!item.key().isString()) continue;
        const auto& key = item.key().toStringRef();
        if (std::find(host_keys.begin(), host_keys.end(), key) != host_keys.end()) continue;
        states.emplace(key, item.value());
    }
    try {
        for (const auto& key : plugins.load_plugin_states(states)) {
            log_line(
                fmt::format("ignite-host: warning: checkpoint '{}' holds state '{}' that no loaded plugin claims; "
                            "it is not restored",
                            path, key));
        }
    } catch (const std::exception& e) {
        throw UsageError(fmt::format("checkpoint '{}': {}", path, e.what()));
    }
    t.train_batches->seek(t.trainer->state.iteration);
}

}  // namespace ignite::host
