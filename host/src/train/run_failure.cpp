#include "run_failure.hpp"

#include <fmt/format.h>

#include <limits>
#include <regex>

namespace ignite::host {

void record_failures(ignite::Engine& engine, const std::string& name, std::optional<FailureSite>& site) {
    engine.add_exception_observer(ignite::Priority{std::numeric_limits<int>::min()},
                                  [name, &site](ignite::Engine& e, const std::exception_ptr& error) {
                                      if (!site) site = FailureSite{name, e.state.epoch, e.state.iteration, error};
                                  });
}

namespace {

// " (it returns shape [2, 5] for a batch of 2)", or "" when the model cannot tell.
std::string returned_shape(const FailureContext& context) {
    const std::string shape = context.output_shape ? context.output_shape() : "";
    return shape.empty() ? "" : " (it returns shape " + shape + " for a batch of 2)";
}

// LibTorch's words for a mistake in the model or its data, and what they mean here.
std::string hint(const std::string& message, const FailureContext& context) {
    static const std::regex kTargetOutOfBounds(R"(Target (-?\d+) is out of bounds)");
    const auto logits =
        fmt::format("the model must return one tensor of floating-point logits [batch, {}]", context.num_classes);
    if (std::regex_search(message, kTargetOutOfBounds)) {
        return fmt::format(
            "the model outputs fewer classes than the labels, which go from 0 to {}{}: make its last "
            "layer output {} values per sample",
            context.num_classes - 1, returned_shape(context), context.num_classes);
    }
    if (message.find("does not require grad and does not have a grad_fn") != std::string::npos) {
        return "the loss does not depend on any trainable parameter: the model has no parameters, or its output is "
               "detached from them (no_grad, .detach(), a constant)";
    }
    if (message.find("Expected Tensor but got") != std::string::npos) {
        return logits + ", not a tuple, list or dict";
    }
    if (message.find("Expected floating point type for target") != std::string::npos ||
        message.find("not implemented for 'Long'") != std::string::npos ||
        message.find("not implemented for 'Int'") != std::string::npos ||
        message.find("Expected input batch_size") != std::string::npos ||
        message.find("1D target tensor expected") != std::string::npos) {
        return logits + returned_shape(context);
    }
    return {};
}

std::string where(const FailureSite& site, const std::optional<FailureSite>& trainer_site) {
    std::string out = fmt::format("in the {} at epoch {}, iteration {}", site.engine, site.epoch, site.iteration);
    if (site.engine != "trainer" && trainer_site) out += fmt::format(" (after trainer epoch {})", trainer_site->epoch);
    return out;
}

}  // namespace

std::string describe_failure(const std::exception_ptr& error, const std::optional<FailureSite>& site,
                             const std::optional<FailureSite>& trainer_site, const FailureContext& context) {
    // The innermost site saw the original exception; the trainer's may be the same one
    // re-raised out of the evaluator run inside its EPOCH_COMPLETED handler.
    const auto& first = site ? site : trainer_site;
    const std::string message = ignite::describe_exception(first ? first->error : error);
    std::string line = first ? fmt::format("training failed {}: {}", where(*first, trainer_site), message)
                             : fmt::format("training failed: {}", message);
    if (const auto h = hint(message, context); !h.empty()) line += " -- " + h;
    return line;
}

}  // namespace ignite::host
