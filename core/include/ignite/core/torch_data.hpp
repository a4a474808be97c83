#pragma once
/// @file torch_data.hpp
/// Adapts a `torch::data` DataLoader to an engine DataSource. Separate from data.hpp
/// because <torch/data.h> is heavy to compile and most users of the engine need not
/// pay for it.

#include <ignite/core/data.hpp>

#include <torch/data.h>

#include <memory>

namespace ignite::data {

/// Converts one loader batch to the engine's dynamic batch. A vector of Examples is
/// stacked into an (x, y) tuple, a single Example becomes (x, y), anything else that
/// c10::IValue accepts is passed through.
template <typename Batch>
c10::IValue to_ivalue(Batch&& batch) {
    using B = std::decay_t<Batch>;
    if constexpr (std::is_same_v<B, std::vector<torch::data::Example<>>>) {
        std::vector<at::Tensor> xs, ys;
        xs.reserve(batch.size());
        ys.reserve(batch.size());
        for (auto& e : batch) {
            xs.push_back(e.data);
            ys.push_back(e.target);
        }
        return c10::ivalue::Tuple::create({at::stack(xs), at::stack(ys)});
    } else if constexpr (std::is_same_v<B, torch::data::Example<>>) {
        return c10::ivalue::Tuple::create({batch.data, batch.target});
    } else {
        return c10::IValue(std::forward<Batch>(batch));
    }
}

/// Wraps a torch DataLoader (as returned by torch::data::make_data_loader). The loader
/// is re-iterable: each pass calls loader->begin(). Its size is reported when the
/// dataset size is known, as ceil(size / batch_size) (or floor with drop_last).
template <typename Loader>
DataPtr from_dataloader(std::shared_ptr<Loader> loader, std::optional<std::int64_t> length = std::nullopt) {
    return reiterable(
        [loader]() -> Generator {
            auto it = std::make_shared<typename Loader::iterator>(loader->begin());
            return [loader, it](c10::IValue& out) {
                if (*it == loader->end()) return false;
                out = to_ivalue(**it);
                ++*it;
                return true;
            };
        },
        length);
}

template <typename Loader>
DataPtr from_dataloader(std::unique_ptr<Loader> loader, std::optional<std::int64_t> length = std::nullopt) {
    return from_dataloader(std::shared_ptr<Loader>(std::move(loader)), length);
}

}  // namespace ignite::data
