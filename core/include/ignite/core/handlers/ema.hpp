#pragma once
/// @file ema.hpp
/// Ignite's EMAHandler: an exponential moving average of a model's weights.
///
/// Decision record (issue 20 §4):
///  - The EMA weights are tensors the handler owns (detached copies of the model's parameters
///    and buffers, same names, same devices), not a deep copy of a module: C++ cannot deepcopy
///    an arbitrary torch::nn::Module (only Cloneable ones), and ignite-host's models are not
///    modules at all. ema_state_dict() is those tensors by the model's state_dict names, which
///    Python's `ema_model.load_state_dict(...)` takes; swap_into_model() lets the model itself
///    score them (an evaluator run), then puts the online weights back.
///  - The warm-up counter (Ignite's momentum_scheduler.event_index) is the handler's state
///    (state_dict()), with the EMA weights: a resumed run continues the warm-up where it stopped.
///    Ignite keeps it in a LambdaStateScheduler nobody checkpoints, so a resume restarts it.
///  - The warm-up writes the momentum to the attribute attach() was given (`name`); Ignite 0.5.5
///    writes `ema_momentum` whatever the name (fixed after the release, pytorch/ignite#3834), so
///    a custom-named handler never warms up there. That bug is not reproduced.

#include <ignite/core/dict.hpp>
#include <ignite/core/engine.hpp>

#include <ATen/core/Dict.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace torch::nn {
class Module;
}

namespace ignite {

/// What the update does to the model's buffers (Ignite's handle_buffers).
enum class EmaBuffers {
    copy,      ///< the EMA buffers take the model's values ("copy", Ignite's default)
    update,    ///< averaged like the parameters; a buffer that cannot be (integer) is copied
    ema_train  ///< left alone ("ema_train": the EMA model computes its own, e.g. in train mode)
};

/// "copy", "update", "ema_train" -> the value; throws ValueError (Ignite's message) otherwise.
[[nodiscard]] EmaBuffers ema_buffers_from(const std::string& name);
[[nodiscard]] const char* ema_buffers_name(EmaBuffers b) noexcept;

/// EMAHandler's arguments, by Ignite's names.
struct EMAOptions {
    double momentum = 0.0002;  ///< lambda after the warm-up, in (0, 1): the weight of the new value
    /// The warm-up (Ignite: both given, or no warm-up): lambda starts at momentum_warmup and
    /// moves linearly to momentum over warmup_iters events.
    std::optional<double> momentum_warmup;
    std::optional<std::int64_t> warmup_iters;
    EmaBuffers handle_buffers = EmaBuffers::copy;
};

/// theta_ema <- (1 - lambda) * theta_ema + lambda * theta, at every event it is attached to,
/// lambda being engine.state.<name> (Ignite's EMAHandler, same float operations, so the
/// values are Ignite's bit for bit on the same parameter sequence).
class EMAHandler {
public:
    using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

    /// Tracks `parameters` and `buffers` (the live tensors of the model: named as in its
    /// state_dict, sharing storage with it). The EMA starts as a copy of them. Throws
    /// ValueError for a momentum outside (0, 1) ("Invalid momentum: X") and for a warm-up with
    /// warmup_iters < 1.
    EMAHandler(NamedTensors parameters, NamedTensors buffers, EMAOptions options = {});
    /// The same for a torch::nn::Module (its named_parameters() and named_buffers()).
    explicit EMAHandler(torch::nn::Module& model, EMAOptions options = {});

    /// Ignite's attach(engine, name, event): sets engine.state.<name> to momentum unless it
    /// exists, then on `event` (default ITERATION_COMPLETED) advances the warm-up (when there
    /// is one: state.<name> = momentum_at(++event_index)) and updates the EMA with
    /// state.<name>. One registration; the returned handle removes it.
    RemovableEventHandle attach(Engine& engine, const std::string& name = "ema_momentum",
                                const EventSpec& event = Events::ITERATION_COMPLETED,
                                Priority priority = Priority{});

    /// Ignite's EMAWarmUp at the k-th event (k from 1): momentum_warmup + (momentum -
    /// momentum_warmup) * (k - 1) / max(1, warmup_iters - 1), never past momentum; momentum
    /// when there is no warm-up.
    [[nodiscard]] double momentum_at(std::int64_t k) const;
    /// One update with `lambda` (what the attached handler does).
    void update(double lambda);

    /// The EMA weights by the model's names: parameters, then buffers (Python's
    /// `ema_model.load_state_dict(d)` takes it; a key order is not needed there).
    [[nodiscard]] c10::Dict<std::string, at::Tensor> ema_state_dict() const;
    /// Copies `d`'s tensors into the EMA weights; throws ValueError naming a missing or
    /// mis-shaped entry (nothing is changed then).
    void load_ema_state_dict(const c10::Dict<std::string, at::Tensor>& d);

    /// {"event_index": the warm-up counter (events seen), "ema_model": ema_state_dict()}.
    [[nodiscard]] Dict state_dict() const;
    /// Restores state_dict(); throws ValueError for a missing key or a mismatching model.
    void load_state_dict(const Dict& state);

    [[nodiscard]] std::int64_t event_index() const noexcept { return event_index_; }
    [[nodiscard]] const EMAOptions& options() const noexcept { return options_; }

    /// Puts the EMA weights into the model's own tensors while it lives (e.g. around an
    /// evaluator run), and the online weights back when it goes: the model then scores the
    /// EMA weights with no second model. Movable, not copyable.
    class ModelSwap {
    public:
        ModelSwap(ModelSwap&& o) noexcept : handler_(std::exchange(o.handler_, nullptr)), saved_(std::move(o.saved_)) {}
        ModelSwap& operator=(ModelSwap&&) = delete;
        ModelSwap(const ModelSwap&) = delete;
        ModelSwap& operator=(const ModelSwap&) = delete;
        ~ModelSwap();

    private:
        friend class EMAHandler;
        explicit ModelSwap(EMAHandler& handler);
        EMAHandler* handler_;
        std::vector<at::Tensor> saved_;
    };
    [[nodiscard]] ModelSwap swap_into_model() { return ModelSwap(*this); }

private:
    struct Tracked {
        std::string name;
        at::Tensor live, ema;
        bool buffer;
    };
    EMAOptions options_;
    std::vector<Tracked> tracked_;
    std::int64_t event_index_ = 0;
};

}  // namespace ignite
