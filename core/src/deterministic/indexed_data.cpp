// Python's map-style DataLoader (num_workers=0) over a batch sampler and a fetch function.
#include <ignite/core/errors.hpp>
#include <ignite/core/indexed_data.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

namespace ignite::data {
namespace {

class IndexedIterator final : public DataIterator {
public:
    IndexedIterator(BatchIndices batches, Fetch fetch) : batches_(std::move(batches)), fetch_(std::move(fetch)) {}
    bool next(c10::IValue& out) override {
        if (next_ >= batches_.size()) return false;
        out = fetch_(batches_.batch(next_++));
        return true;
    }

private:
    BatchIndices batches_;
    Fetch fetch_;
    std::int64_t next_ = 0;
};

}  // namespace

IndexedLoader::IndexedLoader(std::shared_ptr<ReproducibleBatchSampler> batch_sampler, Fetch fetch)
    : batch_sampler_(std::move(batch_sampler)), fetch_(std::move(fetch)) {
    if (!batch_sampler_) throw ValueError("a DataLoader needs a batch sampler");
    if (!fetch_) throw ValueError("a DataLoader needs a function that fetches a batch by its indices");
}

std::shared_ptr<DataIterator> IndexedLoader::iter_from(std::int64_t start_iteration) {
    if (start_iteration < 0) throw ValueError(fmt::format("a pass cannot start at batch {}", start_iteration));
    // Python's _BaseDataLoaderIter draws its base seed (for workers) on every iter(), before
    // the sampler draws; the draw is kept so the random stream stays Python's.
    (void)at::empty({}, at::kLong).random_();
    if (start_iteration > 0) batch_sampler_->set_start_iteration(start_iteration);
    return std::make_shared<IndexedIterator>(batch_sampler_->pass(), fetch_);
}

std::shared_ptr<IndexedLoader> dataloader(std::shared_ptr<BatchSampler> batch_sampler, Fetch fetch) {
    if (!batch_sampler) throw ValueError("a DataLoader needs a batch sampler");
    return std::make_shared<IndexedLoader>(std::make_shared<ReproducibleBatchSampler>(std::move(batch_sampler)),
                                           std::move(fetch));
}

std::shared_ptr<IndexedLoader> dataloader(std::int64_t n, Fetch fetch, std::int64_t batch_size, bool shuffle,
                                          bool drop_last) {
    std::shared_ptr<Sampler> sampler;
    if (shuffle) {
        sampler = std::make_shared<RandomSampler>(n);
    } else {
        sampler = std::make_shared<SequentialSampler>(n);
    }
    return dataloader(std::make_shared<BatchSampler>(std::move(sampler), batch_size, drop_last), std::move(fetch));
}

std::shared_ptr<IndexedLoader> tensor_loader(at::Tensor data, std::int64_t batch_size, bool shuffle, bool drop_last) {
    const auto n = data.size(0);
    return dataloader(
        n, [data = std::move(data)](const at::Tensor& idx) -> c10::IValue { return data.index_select(0, idx); },
        batch_size, shuffle, drop_last);
}

std::shared_ptr<IndexedLoader> tensor_loader(at::Tensor x, at::Tensor y, std::int64_t batch_size, bool shuffle,
                                             bool drop_last) {
    if (x.size(0) != y.size(0))
        throw ValueError(fmt::format("Size mismatch between tensors: {} vs {}", x.size(0), y.size(0)));
    const auto n = x.size(0);
    return dataloader(
        n,
        [x = std::move(x), y = std::move(y)](const at::Tensor& idx) -> c10::IValue {
            return c10::ivalue::Tuple::create({x.index_select(0, idx), y.index_select(0, idx)});
        },
        batch_size, shuffle, drop_last);
}

}  // namespace ignite::data

namespace ignite {

std::shared_ptr<data::IndexedLoader> update_dataloader(
    const data::IndexedLoader& loader, std::shared_ptr<data::ReproducibleBatchSampler> new_batch_sampler) {
    return std::make_shared<data::IndexedLoader>(std::move(new_batch_sampler), loader.fetch());
}

std::shared_ptr<data::IndexedLoader> update_dataloader(const data::IndexedLoader& loader,
                                                       std::shared_ptr<data::BatchSampler> new_batch_sampler) {
    if (!new_batch_sampler) throw ValueError("update_dataloader needs a batch sampler");
    return update_dataloader(loader, std::make_shared<data::ReproducibleBatchSampler>(std::move(new_batch_sampler)));
}

}  // namespace ignite
