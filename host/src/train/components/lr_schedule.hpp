#pragma once
// `lr_schedule`: the parameter schedule of `ignite-host train`, a component (participant.hpp):
// one of Ignite's parameter schedulers (core/include/ignite/core/handlers/) on the trainer's
// optimizer, per iteration (ITERATION_STARTED), in the handlers band, on every rank; or
// ReduceLROnPlateau on the evaluator's metric at the evaluator's COMPLETED.
//
// Its options carry Ignite's argument names (scheduler picks the class; start_value,
// end_value, cycle_size, cycle_mult, ..., gamma, step_size, milestones, metric_name, ...,
// warmup_start_value, warmup_duration, warmup_end_value for create_lr_scheduler_with_warmup,
// param_name, param_group_index). The defaults give one half cosine from the run's --lr to 0
// over the whole run. Its state is the scheduler's Ignite state_dict under Ignite's key
// `lr_scheduler`, so Python's Checkpoint.load_objects restores the same scheduler.
//
// Decisions:
// - (issue 18) The schedule decides what a resume may change, not the host by the flag's
//   name: the checkpointed schedule must be the one this run's options build (Ignite's
//   load_state_dict would silently replace this run's values with the file's). A change is
//   refused with one line naming the option that gives the checkpoint's value back. A
//   checkpoint without the entry cannot resume a schedule: it would restart mid-run.
// - (issue 20) Ignite's CyclicalScheduler has its own `warmup_duration` (the ramp back to
//   start_value at the end of each cycle); here it is `cycle_warmup_duration`, because
//   `warmup_duration` is create_lr_scheduler_with_warmup's, the one users reach for.
// - plateau with a warm-up is refused: Ignite's composition would call ReduceLROnPlateau per
//   iteration on the trainer, where no metric is.
// - The schedule is built in one place (build_schedule) for train and `ignite-host schedule`.

#include <ignite/runtime/participant.hpp>

#include <ignite/core/handlers/param_scheduler.hpp>
#include <ignite/core/handlers/plateau_scheduler.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ignite::host {

struct Training;
struct TrainOptions;

/// The component's name and its checkpoint entry (Ignite's key for a scheduler in to_save).
inline constexpr const char* kLrScheduleName = "lr_schedule";
inline constexpr const char* kLrSchedulerKey = "lr_scheduler";

/// The run the schedule anneals over, for cycle_size's default and the resume messages.
struct LrScheduleRun {
    double lr = 0;                  ///< --lr: start_value's default (the host passes it as the option)
    std::int64_t epochs = 0;        ///< --epochs
    std::int64_t epoch_length = 0;  ///< the trainer's iterations per epoch
    /// cycle_size's default: the run's iterations (at least 2, Ignite's smallest cycle).
    [[nodiscard]] std::int64_t iterations() const noexcept;
};

/// The schedule's spec: name lr_schedule, Ignite's option names (start_value's default is
/// --lr's, 0.03: a host passes its run's --lr), state_key lr_scheduler, every rank, the
/// handlers band.
[[nodiscard]] ParticipantSpec lr_schedule_spec();

/// The schedule's settings, from its validated options.
struct LrScheduleSettings {
    std::string scheduler = "cosine";  ///< cosine | linear_cyclical | piecewise_linear | exponential | step | multistep | plateau
    double start_value = 0, end_value = 0;
    std::int64_t cycle_size = 0;  ///< 0: the run's iterations
    double cycle_mult = 1, start_value_mult = 1, end_value_mult = 1;
    std::int64_t cycle_warmup_duration = 0;
    bool monotonic = false;
    std::vector<std::pair<std::int64_t, double>> milestones_values;
    double gamma = 0.1;
    std::int64_t step_size = 1;
    std::vector<std::int64_t> milestones;
    std::string metric_name = "loss";
    ignite::PlateauOptions plateau;
    double warmup_start_value = 0;
    std::int64_t warmup_duration = 0;  ///< 0: no warm-up
    std::optional<double> warmup_end_value;
    std::string param_name = "lr";
    std::optional<std::int64_t> param_group_index;
    /// Reads them from options validated against lr_schedule_spec (defaults applied) and
    /// checks what the schema cannot: throws std::invalid_argument with one line naming
    /// `lr_schedule.KEY` and what is allowed.
    static LrScheduleSettings from(const std::map<std::string, OptionValue>& options);
};

/// A schedule built from settings: `per_event` runs on the trainer (every kind but plateau),
/// `plateau` on the evaluator.
struct BuiltSchedule {
    std::shared_ptr<ignite::BaseParamScheduler> per_event;
    std::shared_ptr<ignite::ReduceLROnPlateauScheduler> plateau;
    [[nodiscard]] ignite::BaseParamScheduler& scheduler() const {
        return per_event ? *per_event : static_cast<ignite::BaseParamScheduler&>(*plateau);
    }
};

/// The scheduler `settings` describe on `optimizer`, cycle_size 0 meaning `iterations`.
/// Throws std::invalid_argument ("lr_schedule.KEY ...", one line) for what the optimizer or
/// the scheduler refuses (momentum of Adam, a cycle of 1).
[[nodiscard]] BuiltSchedule build_schedule(torch::optim::Optimizer& optimizer, const LrScheduleSettings& settings,
                                           std::int64_t iterations, ignite::Engine* trainer = nullptr);

class LrSchedule final : public Component {
public:
    explicit LrSchedule(LrScheduleRun run) : run_(run) {}

    /// Reads the options and starts on the run's trainer and its optimizer.
    void init(RunContext& run) override;
    /// Builds the scheduler and registers it (attach(): its first value applied now and at
    /// STARTED) on `trainer`'s ITERATION_STARTED in the handlers band, labelled lr_schedule;
    /// plateau on `evaluator`'s COMPLETED. Throws std::invalid_argument for bad settings.
    void start(ignite::Engine& trainer, ignite::Engine* evaluator, torch::optim::Optimizer& optimizer,
               const LrScheduleSettings& settings);

    /// The scheduler's Ignite state_dict (nullopt before start).
    [[nodiscard]] std::optional<c10::IValue> save_state() override;
    /// check_resume, then restores the position in the schedule.
    void load_state(const c10::IValue& state) override;
    /// Refuses: a checkpoint without lr_scheduler would restart the schedule mid-run.
    void load_state_missing() override;

    /// The resume checks, without a schedule (a host runs them before any participant's
    /// init): throws std::invalid_argument ("WHAT; FIX", one line) unless `state` is the
    /// state_dict of the schedule `settings` build over `run`; `state` null: the checkpoint
    /// has no lr_scheduler entry, always refused.
    static void check_resume(const LrScheduleRun& run, const LrScheduleSettings& settings, const c10::IValue* state);

private:
    LrScheduleRun run_;
    LrScheduleSettings settings_;
    BuiltSchedule schedule_;
};

// ---- ignite-host's glue (components.cpp lists the component) -------------------------------

/// The run of `training` with `options` (--lr, --epochs, its iterations per epoch).
[[nodiscard]] LrScheduleRun lr_schedule_run(const Training& training, const TrainOptions& options);
/// A schedule for that run.
[[nodiscard]] std::unique_ptr<Component> make_lr_schedule(Training& training, const TrainOptions& options);
/// The options a run gives before the command line's, which win: start_value=--lr.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> lr_schedule_run_options(const TrainOptions& options);

}  // namespace ignite::host
