// Ignite's keep_random_state example (ignite-engine-reference.txt): a handler that reseeds
// torch changes the dataflow of a random generator source; wrapped in keep_random_state it
// does not. Prints the batches without, then with, the wrapper.
#include <ignite/core/deterministic.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

using namespace ignite;

namespace {

void print_train_data(Engine& engine, const c10::IValue& batch) {
    fmt::print("train {} {} [{}]\n", engine.state.epoch, engine.state.iteration, batch.toTensor().item<std::int64_t>());
}

// The user's handler synchronizes the random state.
void user_handler() {
    at::manual_seed(12);
    (void)at::rand({1});
}

void run(bool keep) {
    DeterministicEngine trainer(print_train_data);
    if (keep) {
        trainer.add_event_handler(Events::ITERATION_COMPLETED.every(3), keep_random_state(user_handler));
    } else {
        trainer.add_event_handler(Events::ITERATION_COMPLETED.every(3), user_handler);
    }
    // def random_train_data_generator(): while True: yield torch.randint(0, 100, size=(1,))
    auto random_train_data_generator = data::one_pass([](c10::IValue& out) {
        out = at::randint(0, 100, {1}, at::kLong);
        return true;
    });
    manual_seed(0);
    trainer.run(random_train_data_generator, 3, 5);
}

}  // namespace

int main() {
    fmt::print("Without keep_random_state\n");
    run(false);
    fmt::print("With keep_random_state\n");
    run(true);
    return 0;
}
