#pragma once
// Where a training run failed and what that means, for the one line a failed run prints.

#include "exit_status.hpp"

#include <ignite/core/engine.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace ignite::host {

/// The first exception an engine raised: which engine, and its counters at that moment.
struct FailureSite {
    std::string engine;
    std::int64_t epoch = 0;
    std::int64_t iteration = 0;
    std::exception_ptr error;
};

/// Records into `site` (if still empty) the first exception `engine` raises, without
/// swallowing it (an exception observer that runs before every other handler). `site`
/// must outlive the engine's runs.
void record_failures(ignite::Engine& engine, const std::string& name, std::optional<FailureSite>& site);

/// What the training knows that makes LibTorch's messages meaningful.
struct FailureContext {
    std::int64_t num_classes = 0;  ///< labels go from 0 to num_classes - 1
    /// The model's output shape for a small batch, as text ("[2, 5]"), or an empty
    /// string when it cannot be told; called only when a message needs it.
    std::function<std::string()> output_shape;
};

/// The one line for a run that failed with `error`: where (engine, epoch, iteration,
/// and the trainer's epoch when the evaluator failed), the useful part of the message
/// and, for LibTorch errors whose cause is known here, what it means and the fix.
std::string describe_failure(const std::exception_ptr& error, const std::optional<FailureSite>& site,
                             const std::optional<FailureSite>& trainer_site, const FailureContext& context);

}  // namespace ignite::host
