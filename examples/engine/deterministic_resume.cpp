// Ignite's "Dataflow synchronization" example (ignite-engine-reference.txt): a
// DeterministicEngine over a shuffled loader, run for 2 epochs, then resumed from epoch 1;
// the resumed run sees the same batches as the original's second epoch.
#include <ignite/core/deterministic.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

using namespace ignite;

namespace {

// DataLoader(torch.arange(0, size), batch_size=4, shuffle=True)
DataPtr random_train_data_loader(std::int64_t size) {
    return data::tensor_loader(at::arange(size, at::kLong), 4, true);
}

void print_train_data(Engine& engine, const c10::IValue& batch) {
    const auto b = batch.toTensor().contiguous();
    const std::vector<std::int64_t> values(b.data_ptr<std::int64_t>(), b.data_ptr<std::int64_t>() + b.numel());
    fmt::print("train {} {} [{}]\n", engine.state.epoch, engine.state.iteration, fmt::join(values, ", "));
}

}  // namespace

int main() {
    DeterministicEngine trainer(print_train_data);

    fmt::print("Original Run\n");
    manual_seed(56);
    trainer.run(random_train_data_loader(40), 2, 5);

    fmt::print("Resumed Run\n");
    // Resume from the 2nd epoch
    trainer.load_state_dict({{"epoch", 1}, {"epoch_length", 5}, {"max_epochs", 2}, {"rng_states", c10::IValue()}});
    manual_seed(56);
    trainer.run(random_train_data_loader(40));
    return 0;
}
