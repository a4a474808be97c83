// The DeterministicEngine over a torch::data DataLoader made resumable with
// TorchBatchSampler: same batches as the IndexedLoader path, skipped batches not fetched.
#include <ignite/core/deterministic.hpp>
#include <ignite/core/torch_samplers.hpp>

#include <catch2/catch.hpp>

#include <atomic>

using namespace ignite;

namespace {

std::atomic<int> gets{0};

struct Numbers : torch::data::datasets::Dataset<Numbers> {
    torch::data::Example<> get(size_t i) override {
        ++gets;
        return {torch::tensor(static_cast<std::int64_t>(i)), torch::tensor(static_cast<std::int64_t>(i * i))};
    }
    [[nodiscard]] std::optional<size_t> size() const override { return 10; }
};

std::shared_ptr<data::ReproducibleBatchSampler> shuffled_batches() {
    return std::make_shared<data::ReproducibleBatchSampler>(
        std::make_shared<data::BatchSampler>(std::make_shared<data::RandomSampler>(10), 3));
}

DataPtr torch_loader(std::size_t workers) {
    auto batches = shuffled_batches();
    auto loader = torch::data::make_data_loader(Numbers{}, data::TorchBatchSampler(batches),
                                                torch::data::DataLoaderOptions(3).workers(workers));
    return data::from_dataloader(std::move(loader), batches);
}

// (iteration, x) of every batch a run sees, from `start` (a state_dict iteration).
std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> run(const DataPtr& data, std::int64_t start) {
    std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> seen;
    DeterministicEngine e([&](Engine& eng, const c10::IValue& b) {
        auto x = b.toTupleRef().elements()[0].toTensor().contiguous();
        seen.emplace_back(eng.state.iteration, std::vector<std::int64_t>(x.data_ptr<std::int64_t>(),
                                                                         x.data_ptr<std::int64_t>() + x.numel()));
    });
    e.load_state_dict({{"iteration", start}, {"epoch_length", 4}, {"max_epochs", 2}, {"rng_states", c10::IValue()}});
    manual_seed(21);
    e.run(data);
    return seen;
}

}  // namespace

TEST_CASE("a torch::data loader with TorchBatchSampler resumes mid-epoch without fetching the skipped part",
          "[deterministic][torch_data]") {
    // The reference: an uninterrupted run on the single-threaded loader. (A torch::data loader
    // draws no base seed per pass as Python's DataLoader and IndexedLoader do, so its orders
    // differ from theirs.)
    const auto reference = run(torch_loader(0), 0);
    REQUIRE(reference.size() == 8);
    for (const std::size_t workers : {0u, 2u}) {
        DYNAMIC_SECTION(workers << " workers") {
            CHECK(run(torch_loader(workers), 0) == reference);
            gets = 0;
            const auto resumed = run(torch_loader(workers), 6);
            CHECK(resumed == decltype(resumed)(reference.begin() + 6, reference.end()));
            if (workers == 0) CHECK(gets == 3 + 1);  // batches 2 and 3 of the pass only (3 + 1 items)
        }
    }
}

TEST_CASE("TorchBatchSampler refuses what it cannot do", "[deterministic][torch_data][errors]") {
    data::TorchBatchSampler sampler(shuffled_batches());
    sampler.reset();
    CHECK_THROWS_AS(sampler.next(4), ValueError);
    CHECK(sampler.next(3)->size() == 3);
    CHECK_THROWS_AS(sampler.reset(5), ValueError);
    torch::serialize::OutputArchive archive;
    CHECK_THROWS_AS(sampler.save(archive), RuntimeError);
    CHECK_THROWS_AS(data::TorchBatchSampler(nullptr), ValueError);
}
