// DeterministicEngine: ignite/engine/deterministic.py's DeterministicEngine, statement by
// statement, except where the header says it deliberately differs.
#include <ignite/core/deterministic.hpp>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <fmt/format.h>
#include <torch/cuda.h>

namespace ignite {

DeterministicEngine::DeterministicEngine(AnyProcessFunction process_function) : Engine(std::move(process_function)) {
    state_dict_user_keys.emplace_back("rng_states");
    if (!state.has("rng_states")) state.set("rng_states", c10::IValue());
    add_event_handler(Events::STARTED, [this] { init_run(); });
    add_event_handler(Events::DATALOADER_STOP_ITERATION | Events::TERMINATE_SINGLE_EPOCH,
                      [this](Engine&, const FiredEvent& fired) { setup_seed(fired.iter_counter); });
}

Dict DeterministicEngine::state_dict() const {
    Dict out = Engine::state_dict();
    out.set("rng_states", get_rng_states());
    return out;
}

void DeterministicEngine::init_run() {
    state.seed = at::randint(0, 1000000000, {1}, at::TensorOptions().dtype(at::kLong)).item<std::int64_t>();
    if (torch::cuda::is_available()) {
        at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/true);
        at::globalContext().setBenchmarkCuDNN(false);
    }
}

void DeterministicEngine::setup_engine() {
    if (!state.dataloader) {
        throw ValueError(
            "Deterministic engine does not support the option of data=None. Please, provide data as iterable");
    }
    dataloader_len_ = state.dataloader->size();
    if (dataloader_len_ && *dataloader_len_ < 1)
        throw ValueError("Input data has zero size. Please provide non-empty data");

    std::int64_t iteration = state.iteration;
    set_dataloader_iter(from_iteration(iteration));
    // The first epoch of this run counts from where the state is inside its epoch.
    if (state.epoch_length) iteration %= *state.epoch_length;
    set_init_iter(iteration);

    // Resumed in the middle of a pass: the saved random state continues the stream. It is
    // restored after the pass drew its order (see the header).
    const bool in_the_middle = dataloader_len_ && state.iteration % *dataloader_len_ > 0;
    if (in_the_middle && state.has("rng_states") && !state.attr("rng_states").isNone()) {
        set_rng_states(state.attr("rng_states"));
        state.set("rng_states", c10::IValue());
    }
}

std::shared_ptr<DataIterator> DeterministicEngine::from_iteration(std::int64_t iteration) {
    DataSource& data = *state.dataloader;
    if (auto* resumable = dynamic_cast<ResumableDataSource*>(&data); resumable != nullptr && dataloader_len_) {
        iteration %= *dataloader_len_;
        setup_seed();  // the pass this iteration is in
        return resumable->iter_from(iteration);
    }
    // Any other source: replay the dataflow from the start of the pass and discard.
    if (dataloader_len_) iteration %= *dataloader_len_;
    setup_seed(std::nullopt, 0);
    auto it = data.iter();
    c10::IValue discarded;
    for (std::int64_t counter = 0; counter < iteration;) {
        if (it->next(discarded)) {
            ++counter;
            continue;
        }
        it = data.iter();
        // A source that is empty right after a restart (a spent one-pass iterator) cannot
        // reach the iteration; Ignite would loop forever, the run loop warns instead.
        if (!it->next(discarded)) break;
        ++counter;
    }
    return it;
}

void DeterministicEngine::setup_seed(std::optional<std::int64_t> iter_counter, std::optional<std::int64_t> iteration) {
    std::int64_t le = 1;
    if (!iter_counter) {
        le = dataloader_len_.value_or(1);
    } else if (*iter_counter <= 0) {
        throw ValueError("iter_counter should be positive value");
    } else {
        le = *iter_counter;
    }
    if (!state.seed) throw RuntimeError("Internal error, state.seed is unset: the STARTED handler did not run");
    manual_seed(*state.seed + iteration.value_or(state.iteration) / le);
}

}  // namespace ignite
