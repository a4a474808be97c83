#pragma once
/// @file deterministic.hpp
/// Ignite's ignite.engine.deterministic: DeterministicEngine, dataflow synchronisation by
/// seeding torch's generators per epoch, and resume from an epoch or an iteration.
///
/// Differences from Ignite 0.5.3, both so that a resumed run is bit-identical to the
/// uninterrupted one (Ignite "approximately" resumes mid-epoch):
/// - an index-based source draws the whole pass's order when the pass starts (Ignite's
///   sampler draws at the first batch, after GET_BATCH_STARTED handlers);
/// - so the saved rng_states, restored after the resumed pass has drawn its order, leave
///   the random stream exactly where the original run had it (in Ignite the restored state
///   is used to draw the order, which then differs from the original run's).

#include <ignite/core/engine.hpp>
#include <ignite/core/indexed_data.hpp>
#include <ignite/core/random_state.hpp>
#include <ignite/core/samplers.hpp>

#include <cstdint>
#include <optional>

namespace ignite {

/// Ignite's DeterministicEngine: before each pass over the data, torch's generators are
/// seeded with state.seed + (passes so far), so every epoch sees the same dataflow whatever
/// handlers draw. state.seed is drawn from torch's CPU generator at STARTED (call
/// manual_seed() before run() to fix it). state_dict() adds "rng_states" (the generators'
/// state, see get_rng_states); a run resumed from it mid-epoch continues the same random
/// stream. A ResumableDataSource resumed at iteration k skips k batches without fetching
/// them; other sources are fetched and discarded up to k, as Ignite does.
/// Running without data throws ValueError (delivered to EXCEPTION_RAISED like any error of
/// the run). When CUDA is available, STARTED also turns on deterministic algorithms (warn
/// only) and turns off cuDNN benchmarking, as Ignite does.
class DeterministicEngine : public Engine {
public:
    /// Takes every process function Engine takes (AnyProcessFunction), typed batches included.
    explicit DeterministicEngine(AnyProcessFunction process_function);

    /// Engine::state_dict() plus "rng_states": the generators' state now.
    [[nodiscard]] Dict state_dict() const override;

protected:
    void setup_engine() override;

private:
    void init_run();
    // Ignite's _setup_seed: manual_seed(seed + iteration // le), le = iter_counter when
    // given (TERMINATE_SINGLE_EPOCH), else the data's length (1 when unknown).
    void setup_seed(std::optional<std::int64_t> iter_counter = std::nullopt,
                    std::optional<std::int64_t> iteration = std::nullopt);
    std::shared_ptr<DataIterator> from_iteration(std::int64_t iteration);

    std::optional<std::int64_t> dataloader_len_;
};

}  // namespace ignite
