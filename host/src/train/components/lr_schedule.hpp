#pragma once
// `lr_schedule`: the learning-rate schedule of `ignite-host train`, a component (participant.hpp):
// Ignite's CosineAnnealingScheduler on the trainer's optimizer, per iteration (ITERATION_STARTED),
// in the handlers band, on every rank.
//
// Its options carry Ignite's argument names (start_value, end_value, cycle_size, param_name);
// the defaults give one half cosine from the run's --lr to 0 over the whole run. Its state is
// Ignite's CosineAnnealingScheduler.state_dict(), under Ignite's key `lr_scheduler`, with every
// attribute Ignite's load_state_dict asks for, so Python's Checkpoint.load_objects restores a
// CosineAnnealingScheduler from an ignite-host checkpoint.
//
// Decision (issue 18): the schedule decides what a resume may change, not the host by the
// flag's name. The resumed run must anneal the same cycle (cycle_size, start_value,
// end_value) as the checkpointed one, because Ignite's load_state_dict would silently replace
// this run's values with the file's: a changed --epochs, --lr or option is refused with one
// line naming the option that gives the checkpoint's value back. A checkpoint without its
// entry (a constant-rate run, Python Ignite without a scheduler) cannot resume it: the
// schedule would restart from start_value mid-run.

#include <ignite/runtime/participant.hpp>

#include <ignite/core/handlers/cosine_annealing.hpp>

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
    double start_value = 0, end_value = 0;
    std::int64_t cycle_size = 0;  ///< 0: the run's iterations
    /// Reads them from options validated against lr_schedule_spec (defaults applied).
    static LrScheduleSettings from(const std::map<std::string, OptionValue>& options);
};

class LrSchedule final : public Component {
public:
    explicit LrSchedule(LrScheduleRun run) : run_(run) {}

    /// Reads the options and starts on the run's trainer and its optimizer.
    void init(RunContext& run) override;
    /// Builds the scheduler and registers it on `trainer`'s ITERATION_STARTED in the handlers
    /// band, labelled lr_schedule. Throws std::invalid_argument for a cycle_size of 1.
    void start(ignite::Engine& trainer, torch::optim::Optimizer& optimizer, const LrScheduleSettings& settings);

    /// Ignite's CosineAnnealingScheduler.state_dict() (nullopt before start).
    [[nodiscard]] std::optional<c10::IValue> save_state() override;
    /// check_resume, then restores the position in the cycle.
    void load_state(const c10::IValue& state) override;
    /// Refuses: a checkpoint without lr_scheduler would restart the schedule mid-run.
    void load_state_missing() override;

    /// The resume checks, without a schedule (a host runs them before any participant's
    /// init): throws std::invalid_argument ("WHAT; FIX", one line) unless `state` is a
    /// CosineAnnealingScheduler state_dict of the cycle `settings` anneal over `run`;
    /// `state` null: the checkpoint has no lr_scheduler entry, always refused.
    static void check_resume(const LrScheduleRun& run, const LrScheduleSettings& settings, const c10::IValue* state);

private:
    LrScheduleRun run_;
    LrScheduleSettings settings_;
    std::shared_ptr<ignite::CosineAnnealingScheduler> scheduler_;
};

// ---- ignite-host's glue (components.cpp lists the component) -------------------------------

/// The run of `training` with `options` (--lr, --epochs, its iterations per epoch).
[[nodiscard]] LrScheduleRun lr_schedule_run(const Training& training, const TrainOptions& options);
/// A schedule for that run.
[[nodiscard]] std::unique_ptr<Component> make_lr_schedule(Training& training, const TrainOptions& options);
/// The options a run gives before the command line's, which win: start_value=--lr.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> lr_schedule_run_options(const TrainOptions& options);

}  // namespace ignite::host
