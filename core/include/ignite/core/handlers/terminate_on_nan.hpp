#pragma once
/// @file terminate_on_nan.hpp
/// Ignite's TerminateOnNan: stops the run when the process function's output (or what a
/// transform takes from the engine) holds a NaN or an infinite number.
///
/// Decision record (issue 20 §2):
///  - What is checked is Ignite's apply_to_type over numbers and tensors: every float or
///    tensor element inside nested tuples, lists and dicts; ints, bools and strings are never
///    non-finite. (Ignite ignores numpy arrays; an IValue has none.)
///  - terminate(TerminateReason::bad_weights), not Ignite's reasonless terminate(): the
///    weights that produced a NaN are not worth keeping, and the reason tells a checkpointer
///    not to save them and a host to fail the run.
///  - The first non-finite element is named (its place in the output and its value) in the
///    one line logged and in found(), so a host can say which iteration gave what.
///  - A tensor check reads one bool back from the tensor's device per call: on a GPU that is
///    a synchronisation per iteration (Ignite's cost too; its check calls .item() per element
///    group). Nothing is read when the tensor is an integer one.

#include <ignite/core/engine.hpp>

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace ignite {

class TerminateOnNan {
public:
    /// What to check, from the engine; default: state.output (Ignite's output_transform
    /// applied to engine.state.output).
    using Transform = std::function<c10::IValue(Engine&)>;

    /// A non-finite value found: where ("", "[1]", "['loss']", "[0][2]" for an element of a
    /// tensor...), its value ("nan", "inf", "-inf") and when.
    struct Found {
        std::string where;
        std::string value;
        std::int64_t epoch = 0, iteration = 0;
    };

    explicit TerminateOnNan(Transform transform = {});

    /// Checks and, on a non-finite value, logs one line and terminates `engine` with
    /// TerminateReason::bad_weights (once: later calls find nothing new to say).
    void operator()(Engine& engine);
    /// Registers this handler (shared) on `engine`'s `event` (Ignite: ITERATION_COMPLETED).
    static RemovableEventHandle attach(const std::shared_ptr<TerminateOnNan>& handler, Engine& engine,
                                       const EventSpec& event = Events::ITERATION_COMPLETED,
                                       Priority priority = Priority{});

    /// The first non-finite number or tensor element in `value` (nested tuples, lists, dicts),
    /// or nullopt; epoch and iteration are left 0.
    [[nodiscard]] static std::optional<Found> find_non_finite(const c10::IValue& value);

    /// What stopped the run, when this handler did.
    [[nodiscard]] const std::optional<Found>& found() const noexcept { return found_; }

    /// Where its one line goes; default: standard error.
    std::function<void(const std::string&)> log;

private:
    Transform transform_;
    std::optional<Found> found_;
};

}  // namespace ignite
