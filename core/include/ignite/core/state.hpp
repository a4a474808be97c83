#pragma once
/// @file state.hpp
/// The engine's State: Ignite's `engine.state`.

#include <ignite/core/dict.hpp>

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ignite {

class DataSource;

/// Seconds taken, as Ignite records them in `state.times`. Unset (nullopt) until the
/// engine first runs; set to 0 when a run starts and updated after each epoch / run.
struct Times {
    std::optional<double> epoch_completed;  ///< "EPOCH_COMPLETED": last epoch, seconds
    std::optional<double> completed;        ///< "COMPLETED": whole run, seconds
};

/// State passed between the process function and handlers. Counters are 1-based once
/// running (the first iteration is 1), 0 before. Owned by its Engine.
struct State {
    std::int64_t iteration = 0;                ///< iterations done so far, all epochs
    std::int64_t epoch = 0;                    ///< current epoch (1-based while running)
    std::optional<std::int64_t> epoch_length;  ///< iterations per epoch; unset until known
    std::optional<std::int64_t> max_epochs;    ///< epochs to run; unset before the first run
    std::optional<std::int64_t> max_iters;     ///< iterations to run (Ignite 0.5.5); unset unless given
    std::optional<std::int64_t> seed;          ///< seed set at each epoch (deterministic engine)
    c10::IValue batch;                         ///< current batch (None between iterations)
    c10::IValue output;                        ///< last output of the process function
    Dict metrics;                              ///< metric name -> value, in attach order
    Times times;
    std::shared_ptr<DataSource> dataloader;  ///< data being iterated; null for run(None)

    /// User attributes (Ignite's `engine.state.alpha = 0.1`). set() creates or replaces.
    void set(std::string_view name, c10::IValue value) { attrs_.set(name, std::move(value)); }
    [[nodiscard]] bool has(std::string_view name) const noexcept { return attrs_.contains(name); }
    /// Typed read of a user attribute: int64_t, double, bool, std::string, at::Tensor.
    /// Throws ValueError when missing and TypeError when it holds another type.
    template <typename T>
    [[nodiscard]] T get(std::string_view name) const {
        return value_as<T>(attr(name), std::string("state attribute '") + std::string(name) + "'");
    }
    /// Untyped read; throws ValueError naming the attribute when it is missing.
    [[nodiscard]] const c10::IValue& attr(std::string_view name) const;
    /// All user attributes in creation order.
    [[nodiscard]] const Dict& attrs() const noexcept { return attrs_; }

    /// Reads a counter by name: "iteration", "epoch" or an int user attribute. Used for
    /// event filters (Ignite's get_event_attrib_value).
    [[nodiscard]] std::int64_t counter(std::string_view name) const;

private:
    Dict attrs_;
};

}  // namespace ignite
