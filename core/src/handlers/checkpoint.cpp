// Ignite's Checkpoint over core's policy (checkpoint_policy.hpp): the policy decides, this
// file calls the save handler and keeps the order "write, then forget the worst" (see the
// decision record in checkpoint.hpp).
#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/checkpoint.hpp>
#include <ignite/core/handlers/checkpoint_policy.hpp>

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace ignite {

Event CheckpointEvents::saved_checkpoint() {
    static const Event event = Event::custom("checkpoint.SAVED_CHECKPOINT");
    return event;
}

// ---- Checkpointable ----------------------------------------------------------------------

Checkpointable::Checkpointable(SaveFn save, LoadFn load) : save_(std::move(save)), load_(std::move(load)) {
    if (!save_) throw ValueError("a Checkpointable needs a function that gives its state_dict");
}

namespace {

// PyTorch's load_state_dict for a LibTorch module: copies into its parameters and buffers.
void load_module(torch::nn::Module& module, const c10::IValue& state, bool strict) {
    if (!state.isGenericDict()) throw TypeError(fmt::format("a module's state_dict must be a dict, got {}", state.tagKind()));
    std::map<std::string, at::Tensor> given;
    for (const auto& item : state.toGenericDict()) {
        if (!item.key().isString() || !item.value().isTensor())
            throw TypeError("a module's state_dict maps names to tensors; this one holds something else");
        given.emplace(item.key().toStringRef(), item.value().toTensor());
    }
    std::map<std::string, at::Tensor> own;
    for (const auto& p : module.named_parameters()) own.emplace(p.key(), p.value());
    for (const auto& b : module.named_buffers()) own.emplace(b.key(), b.value());
    std::vector<std::string> missing, unexpected;
    for (const auto& [name, t] : own)
        if (!given.count(name)) missing.push_back(name);
    for (const auto& [name, t] : given)
        if (!own.count(name)) unexpected.push_back(name);
    if (strict && (!missing.empty() || !unexpected.empty())) {
        throw TypeError(fmt::format("Error(s) in loading state_dict: missing keys: [{}]; unexpected keys: [{}]",
                                    fmt::join(missing, ", "), fmt::join(unexpected, ", ")));
    }
    for (const auto& [name, t] : own) {
        const auto it = given.find(name);
        if (it == given.end()) continue;
        if (it->second.sizes() != t.sizes()) {
            throw ValueError(fmt::format("size mismatch for {}: the checkpoint's shape is [{}], the module's [{}]",
                                         name, fmt::join(it->second.sizes(), ", "), fmt::join(t.sizes(), ", ")));
        }
    }
    torch::NoGradGuard no_grad;
    for (auto& [name, t] : own) {
        const auto it = given.find(name);
        if (it != given.end()) t.copy_(it->second);
    }
}

}  // namespace

Checkpointable::Checkpointable(torch::nn::Module& module)
    : Checkpointable(
          [m = &module]() -> c10::IValue {
              // PyTorch's state_dict order: each module's parameters then its buffers, depth first.
              c10::Dict<std::string, at::Tensor> d;
              std::function<void(const torch::nn::Module&, const std::string&)> walk =
                  [&](const torch::nn::Module& mod, const std::string& prefix) {
                      for (const auto& p : mod.named_parameters(false)) d.insert(prefix + p.key(), p.value().detach());
                      for (const auto& b : mod.named_buffers(false)) d.insert(prefix + b.key(), b.value().detach());
                      for (const auto& c : mod.named_children()) walk(*c.value(), prefix + c.key() + ".");
                  };
              walk(*m, "");
              return d;
          },
          [m = &module](const c10::IValue& v, bool strict) { load_module(*m, v, strict); }) {}

void Checkpointable::load_state_dict(const c10::IValue& state, bool strict) const {
    if (!load_) throw ValueError("this object is only saved: it was given without a load_state_dict function");
    load_(state, strict);
}

c10::IValue Checkpointable::dict_value(const Dict& d) { return checkpoint::to_value(d); }
Dict Checkpointable::value_dict(const c10::IValue& v) { return checkpoint::to_dict(v, "state_dict"); }

// ---- global_step_from_engine -------------------------------------------------------------

std::function<std::int64_t(Engine&, Event)> global_step_from_engine(Engine& engine, std::optional<Event> custom_event) {
    return [&engine, custom_event](Engine&, Event event) -> std::int64_t {
        const Event e = custom_event.value_or(event);
        switch (e.id()) {
            case Event::kGetBatchStarted:
            case Event::kGetBatchCompleted:
            case Event::kIterationStarted:
            case Event::kIterationCompleted:
                return engine.state.iteration;
            case Event::kStarted:
            case Event::kEpochStarted:
            case Event::kEpochCompleted:
            case Event::kCompleted:
                return engine.state.epoch;
            default:
                throw ValueError(fmt::format(
                    "global_step_from_engine: {} has no counter (Ignite's State.event_to_attr); give custom_event, "
                    "e.g. Events::EPOCH_COMPLETED",
                    e.name()));
        }
    };
}

// ---- Checkpoint ----------------------------------------------------------------------------

struct Checkpoint::Impl {
    ToSave to_save;
    std::shared_ptr<BaseSaveHandler> saver;
    CheckpointOptions options;
    std::optional<checkpoint::Policy> policy;
    const checkpoint::Plan* pending = nullptr;  // the save under way (state_dict lists its file)
};

namespace {

// Ignite's get_default_score_fn: score_sign * engine.state.metrics[name].
Score metric_score(Engine& engine, const std::string& name, double sign) {
    const auto* v = engine.state.metrics.find(name);
    if (v == nullptr) {
        throw ValueError(fmt::format("score_name '{}' is not in engine.state.metrics (it has: {})", name,
                                     fmt::join(engine.state.metrics.keys(), ", ")));
    }
    if (v->isInt()) return sign == 1.0 ? Score(v->toInt()) : Score(sign * static_cast<double>(v->toInt()));
    if (v->isDouble()) return Score(sign * v->toDouble());
    if (v->isTensor() && v->toTensor().numel() == 1) return Score(sign * v->toTensor().item<double>());
    throw ValueError("Output of score_function should be a number");
}

}  // namespace

Checkpoint::Checkpoint(ToSave to_save, std::shared_ptr<BaseSaveHandler> save_handler, CheckpointOptions options)
    : impl_(std::make_shared<Impl>()) {
    if (to_save.empty()) throw ValueError("No objects to checkpoint.");
    if (!save_handler) throw ValueError("Checkpoint needs a save_handler");
    std::set<std::string> keys;
    for (const auto& [key, object] : to_save) {
        if (!keys.insert(key).second) throw ValueError(fmt::format("to_save names '{}' twice", key));
    }
    if (options.include_self && keys.count("checkpointer"))
        throw ValueError("Cannot have key 'checkpointer' if `include_self` is True");
    if (options.n_saved && *options.n_saved < 1)
        throw ValueError(fmt::format("n_saved must be >= 1 or None (keep all), got {}", *options.n_saved));
    if (!options.score_function && !options.score_name.empty()) {
        options.score_function = [name = options.score_name, sign = options.score_sign](Engine& e) {
            return metric_score(e, name, sign);
        };
    }
    checkpoint::PolicyOptions p;
    p.filename_prefix = options.filename_prefix;
    p.name = to_save.size() == 1 ? to_save.front().first : "checkpoint";
    p.score_name = options.score_name;
    p.scored_without_name = options.score_function && options.score_name.empty();
    p.n_saved = options.n_saved.value_or(0);
    p.greater_or_equal = options.greater_or_equal;
    p.scored_names_have_step = static_cast<bool>(options.global_step_transform);
    p.filename_pattern = options.filename_pattern;
    try {
        impl_->policy.emplace(p);
    } catch (const std::invalid_argument& e) {
        throw ValueError(e.what());
    }
    impl_->to_save = std::move(to_save);
    impl_->saver = std::move(save_handler);
    impl_->options = std::move(options);
}

Checkpoint::Checkpoint(ToSave to_save, const std::filesystem::path& dirname, CheckpointOptions options)
    : Checkpoint(std::move(to_save), std::make_shared<DiskSaver>(dirname), std::move(options)) {}

void Checkpoint::operator()(Engine& engine) const {
    auto& s = *impl_;
    const Event saved_event = CheckpointEvents::saved_checkpoint();
    if (!engine.has_registered_events(saved_event)) engine.register_events({saved_event});
    std::optional<std::int64_t> global_step;
    if (s.options.global_step_transform) {
        const auto last = engine.last_event_name();
        if (!last) throw ValueError("global_step_transform needs the event the checkpoint is called at");
        global_step = s.options.global_step_transform(engine, *last);
    }
    double priority = 0;
    bool integral = true;
    std::optional<std::int64_t> name_step = global_step;
    if (s.options.score_function) {
        const Score score = s.options.score_function(engine);
        priority = score.value;
        integral = score.integral;
    } else {
        if (!global_step) name_step = engine.state.iteration;  // Ignite: the ITERATION_COMPLETED counter
        priority = static_cast<double>(*name_step);
    }
    const auto plan = s.policy->plan(priority, integral, name_step);
    if (!plan) return;
    // The objects' state_dicts, and include_self's, see `_saved` with the new file (Ignite's
    // state_dict() at that point lists it).
    s.pending = &*plan;
    c10::IValue value;
    try {
        c10::impl::GenericDict all(c10::StringType::get(), c10::AnyType::get());
        for (const auto& [key, object] : s.to_save) all.insert(key, object.state_dict());
        if (s.to_save.size() == 1) {
            value = all.at(s.to_save.front().first);
        } else {
            value = all;
        }
        if (s.options.include_self) {
            // Ignite adds it into the saved dict, also into a single object's state_dict.
            if (!value.isGenericDict()) {
                throw ValueError(fmt::format("include_self needs a dict to add 'checkpointer' to; '{}' gives a {}",
                                             s.to_save.front().first, value.tagKind()));
            }
            auto d = value.toGenericDict();
            if (d.valueType()->kind() != c10::TypeKind::AnyType) {
                c10::impl::GenericDict any(c10::StringType::get(), c10::AnyType::get());
                for (const auto& item : d) any.insert(item.key(), item.value());
                d = any;
            }
            d.insert_or_assign("checkpointer", checkpoint::Policy::state_value(plan->saved));
            value = d;
        }
        const auto& prefix = s.options.filename_prefix;
        SaveMetadata metadata{(prefix.empty() ? "" : prefix + "_") +
                                  (s.to_save.size() == 1 ? s.to_save.front().first : std::string("checkpoint")),
                              s.options.score_name, priority};
        (*s.saver)(value, plan->filename, metadata);
    } catch (...) {
        s.pending = nullptr;
        throw;  // nothing changed: the earlier files and `_saved` stay
    }
    s.pending = nullptr;
    s.policy->commit(*plan);
    for (const auto& old : plan->remove) s.saver->remove(old);
    engine.fire_event(saved_event);
}

std::optional<std::string> Checkpoint::last_checkpoint() const {
    const auto& saved = impl_->policy->saved();
    if (saved.empty()) return std::nullopt;
    return impl_->saver->location(saved.back().filename);
}

std::vector<checkpoint::Item> Checkpoint::saved() const { return impl_->policy->saved(); }

Dict Checkpoint::state_dict() const {
    const auto& items = impl_->pending ? impl_->pending->saved : impl_->policy->saved();
    return checkpoint::to_dict(checkpoint::Policy::state_value(items), "checkpointer");
}

void Checkpoint::load_state_dict(const Dict& state) const {
    if (!state.contains("_saved")) throw ValueError("Required state attribute '_saved' is absent");
    std::vector<checkpoint::Item> items;
    try {
        items = checkpoint::Policy::from_state_value(checkpoint::to_value(state));
    } catch (const std::invalid_argument& e) {
        throw TypeError(e.what());
    }
    impl_->policy->set_saved(std::move(items));
}

void Checkpoint::reset() const { impl_->policy->set_saved({}); }

const std::shared_ptr<BaseSaveHandler>& Checkpoint::save_handler() const noexcept { return impl_->saver; }

void Checkpoint::load_objects(const ToSave& to_load, const c10::IValue& checkpoint, bool strict) {
    if (!checkpoint.isGenericDict()) {
        throw TypeError(
            fmt::format("Argument checkpoint should be a string or a dictionary, but given {}", checkpoint.tagKind()));
    }
    const auto d = checkpoint.toGenericDict();
    if (to_load.size() == 1 && !d.contains(to_load.front().first)) {
        // A file of one object is that object's state_dict itself.
        to_load.front().second.load_state_dict(checkpoint, strict);
        return;
    }
    for (const auto& [key, object] : to_load) {
        if (!d.contains(key))
            throw ValueError(fmt::format("Object labeled by '{}' from `to_load` is not found in the checkpoint", key));
    }
    for (const auto& [key, object] : to_load) object.load_state_dict(d.at(key), strict);
}

void Checkpoint::load_objects(const ToSave& to_load, const std::filesystem::path& path, bool strict) {
    load_objects(to_load, checkpoint::load(path), strict);
}

}  // namespace ignite
