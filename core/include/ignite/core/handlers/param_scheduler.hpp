#pragma once
/// @file param_scheduler.hpp
/// Ignite's parameter schedulers (ignite/handlers/param_scheduler.py, v0.5.3): the contract
/// every scheduler shares, ConcatScheduler, ParamGroupScheduler and simulate_values.
/// The schedulers themselves: cosine_annealing.hpp, cyclical_scheduler.hpp (linear cyclical),
/// piecewise_linear_scheduler.hpp, lr_scheduler.hpp (exponential / step / multistep and
/// create_lr_scheduler_with_warmup), plateau_scheduler.hpp (ReduceLROnPlateau).
///
/// Decisions:
/// - The value applied at the (t+1)-th call is f(t): a call computes the value for the
///   current event_index, writes it into the optimizer's parameter groups, appends it to
///   `engine.state.param_history[name]` when save_history, then increments event_index
///   (Ignite's order; simulate_values numbers the calls from 0).
/// - Ignite's warm-up bugs #2441/#2462 are fixed: attach() writes the value of the next call
///   into the optimizer at once, and again at the engine's STARTED (after a checkpoint was
///   loaded), without advancing. So the lr before the first event is the schedule's, not the
///   optimizer's construction value. apply_next() is that write, for code that calls a
///   scheduler by hand.
/// - The hyper-parameters are reached through optimizer_params.hpp. A param_name the
///   optimizer lacks (momentum of Adam) is refused at construction; Ignite would write a key
///   nothing reads.
/// - load_state_dict requires every key of state_dict() (Ignite's message for the first one
///   missing) and checks every value before changing anything. A state of another
///   param_name is refused (Ignite would start scheduling that other parameter).
/// - get_param() returns one value per scheduled parameter group (Ignite returns a float
///   when all groups share it); next_param() is the value the next call will apply, with
///   the cycle logic a call runs first, and is what apply_next() and ConcatScheduler use.

#include <ignite/core/dict.hpp>
#include <ignite/core/engine.hpp>

#include <torch/optim/optimizer.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ignite {

/// Ignite's BaseParamScheduler: what ConcatScheduler, ParamGroupScheduler and every
/// ParamScheduler share.
class BaseParamScheduler : public std::enable_shared_from_this<BaseParamScheduler> {
public:
    virtual ~BaseParamScheduler() = default;

    /// One event (Ignite's __call__(engine, name)): applies the next value, records it in
    /// `engine->state.param_history[name or param_name]` when save_history and `engine` is
    /// given, then advances.
    virtual void operator()(Engine* engine, std::string_view name = {}) = 0;
    /// The call a handler makes: on `engine`.
    void operator()(Engine& engine) { (*this)(&engine); }
    /// Without an engine (no history), as simulate_values calls it.
    void operator()() { (*this)(nullptr); }

    /// The values the next call will write, one per scheduled parameter group (no side effect).
    [[nodiscard]] virtual std::vector<double> next_param() const = 0;
    /// Writes next_param() into the optimizer without advancing (the #2441/#2462 fix).
    virtual void apply_next() = 0;
    /// The values of every scheduled parameter group as they are now in the optimizer.
    [[nodiscard]] virtual std::vector<double> current_values() const = 0;

    [[nodiscard]] virtual Dict state_dict() const = 0;
    virtual void load_state_dict(const Dict& state) = 0;

    [[nodiscard]] virtual const std::string& param_name() const = 0;
    [[nodiscard]] virtual torch::optim::Optimizer& optimizer() const = 0;
    [[nodiscard]] virtual bool save_history() const = 0;
    virtual void set_save_history(bool value) = 0;

    /// Registers `scheduler` (kept alive by the engine) on `event` (Ignite 0.5.4's
    /// ParamScheduler.attach), applies its first value now and again at STARTED.
    static RemovableEventHandle attach(Engine& engine, std::shared_ptr<BaseParamScheduler> scheduler,
                                       const EventSpec& event = Events::ITERATION_STARTED);
};

/// Ignite's ParamScheduler: one parameter (lr, momentum or weight_decay) of every parameter
/// group of an optimizer, or of group `param_group_index` only. The optimizer is borrowed:
/// it must outlive the scheduler.
class ParamScheduler : public BaseParamScheduler {
public:
    /// Throws ValueError when the optimizer has no `param_name` (one line naming the
    /// optimizers that have it) or no group `param_group_index`.
    ParamScheduler(torch::optim::Optimizer& optimizer, std::string param_name, bool save_history = false,
                   std::optional<std::int64_t> param_group_index = std::nullopt);

    using BaseParamScheduler::operator();
    void operator()(Engine* engine, std::string_view name = {}) override;
    /// Ignite's get_param(): the value(s) at the current event_index, before the cycle logic
    /// of a call. One per scheduled group.
    [[nodiscard]] virtual std::vector<double> get_param() const = 0;
    [[nodiscard]] std::vector<double> next_param() const override;
    void apply_next() override;
    [[nodiscard]] std::vector<double> current_values() const override;

    [[nodiscard]] Dict state_dict() const override;
    void load_state_dict(const Dict& state) override;

    [[nodiscard]] const std::string& param_name() const override { return param_name_; }
    [[nodiscard]] torch::optim::Optimizer& optimizer() const override { return *optimizer_; }
    [[nodiscard]] bool save_history() const override { return save_history_; }
    void set_save_history(bool value) override { save_history_ = value; }
    [[nodiscard]] std::optional<std::int64_t> param_group_index() const noexcept { return param_group_index_; }
    [[nodiscard]] std::int64_t event_index() const noexcept { return event_index_; }
    /// The number of parameter groups this scheduler writes (1 with param_group_index).
    [[nodiscard]] std::size_t group_count() const;
    /// A state value `key` of `state`, with Ignite's message when absent.
    [[nodiscard]] static const c10::IValue& required(const Dict& state, std::string_view key);

protected:
    /// What a call does before computing (Ignite's CyclicalScheduler restarts here).
    virtual void before_call() {}
    /// next_param() for schedulers whose before_call() changes the value: they override it.
    [[nodiscard]] virtual std::vector<double> peek() const { return get_param(); }
    /// Writes `values` (one per scheduled group, or one for all) into the optimizer.
    void write(const std::vector<double>& values);
    /// The same value for every scheduled group.
    [[nodiscard]] std::vector<double> same(double v) const { return std::vector<double>(group_count(), v); }
    /// Reads and checks the base keys of `state` (event_index, param_name, save_history,
    /// param_group_index) without assigning; then commit_base() assigns them.
    struct Base {
        std::int64_t event_index;
        bool save_history;
        std::optional<std::int64_t> param_group_index;
    };
    [[nodiscard]] Base read_base(const Dict& state) const;
    void commit_base(const Base& b);

    std::int64_t event_index_ = 0;

private:
    torch::optim::Optimizer* optimizer_;
    std::string param_name_;
    bool save_history_;
    std::optional<std::int64_t> param_group_index_;
};

/// Ignite's ParamGroupScheduler: several schedulers (usually one per parameter group) called
/// together, each under its name. Not a ParamScheduler in Ignite; here a BaseParamScheduler
/// so a ConcatScheduler can hold one (create_lr_scheduler_with_warmup does).
class ParamGroupScheduler : public BaseParamScheduler {
public:
    /// `names` default to each scheduler's param_name. Throws ValueError for no scheduler,
    /// a null one, or names of another length.
    ParamGroupScheduler(std::vector<std::shared_ptr<ParamScheduler>> schedulers, std::vector<std::string> names = {},
                        bool save_history = false);

    using BaseParamScheduler::operator();
    void operator()(Engine* engine, std::string_view name = {}) override;
    /// Every child's next values, concatenated in order.
    [[nodiscard]] std::vector<double> next_param() const override;
    void apply_next() override;
    [[nodiscard]] std::vector<double> current_values() const override;
    /// Ignite's {"schedulers": [(name, state_dict), ...]}; names must match on load.
    [[nodiscard]] Dict state_dict() const override;
    void load_state_dict(const Dict& state) override;
    [[nodiscard]] const std::string& param_name() const override { return schedulers_.front()->param_name(); }
    [[nodiscard]] torch::optim::Optimizer& optimizer() const override { return schedulers_.front()->optimizer(); }
    [[nodiscard]] bool save_history() const override { return schedulers_.front()->save_history(); }
    void set_save_history(bool value) override;
    [[nodiscard]] const std::vector<std::shared_ptr<ParamScheduler>>& schedulers() const noexcept {
        return schedulers_;
    }

private:
    std::vector<std::shared_ptr<ParamScheduler>> schedulers_;
    std::vector<std::string> names_;
};

/// Ignite's ConcatScheduler: scheduler k runs for durations[k] calls, then the next one
/// starts at its own event 0; the last runs for ever. All share one optimizer and param_name.
class ConcatScheduler : public BaseParamScheduler {
public:
    /// Throws ValueError (Ignite's messages) for fewer than 2 schedulers, a count of
    /// durations other than schedulers - 1, a negative duration, or schedulers of different
    /// optimizers or param_names.
    ConcatScheduler(std::vector<std::shared_ptr<BaseParamScheduler>> schedulers, std::vector<std::int64_t> durations,
                    bool save_history = false);

    using BaseParamScheduler::operator();
    void operator()(Engine* engine, std::string_view name = {}) override;
    [[nodiscard]] std::vector<double> next_param() const override;
    void apply_next() override;
    [[nodiscard]] std::vector<double> current_values() const override;
    /// Ignite's keys: event_index, param_name, save_history, param_group_index,
    /// _current_duration, durations, _scheduler_index, schedulers (a list of state_dicts).
    [[nodiscard]] Dict state_dict() const override;
    void load_state_dict(const Dict& state) override;
    [[nodiscard]] const std::string& param_name() const override { return schedulers_.front()->param_name(); }
    [[nodiscard]] torch::optim::Optimizer& optimizer() const override { return schedulers_.front()->optimizer(); }
    [[nodiscard]] bool save_history() const override { return save_history_; }
    void set_save_history(bool value) override;
    [[nodiscard]] std::int64_t event_index() const noexcept { return event_index_; }

private:
    void setup_scheduler();
    std::vector<std::shared_ptr<BaseParamScheduler>> schedulers_;
    std::vector<std::int64_t> durations_;
    bool save_history_;
    std::int64_t event_index_ = 0;  ///< Ignite keeps (and never advances) it: in state_dict only
    std::int64_t scheduler_index_ = 0;
    std::int64_t current_duration_ = 0;
};

/// Ignite's simulate_values on an existing scheduler: `num_events` calls without an engine,
/// each row [event, value of every scheduled group...]; the scheduler's state and the
/// optimizer's values are restored afterwards (Ignite's ConcatScheduler/LRScheduler way).
[[nodiscard]] std::vector<std::vector<double>> simulate_values(BaseParamScheduler& scheduler, std::int64_t num_events);

/// Ignite's classmethod form: `make` builds the scheduler on a fake SGD optimizer with
/// `groups` parameter groups of learning rate `lr` (Ignite's _get_fake_optimizer: lr 0.01).
[[nodiscard]] std::vector<std::vector<double>> simulate_values(
    std::int64_t num_events, const std::function<std::shared_ptr<BaseParamScheduler>(torch::optim::Optimizer&)>& make,
    double lr = 0.01, std::int64_t groups = 1);

}  // namespace ignite
