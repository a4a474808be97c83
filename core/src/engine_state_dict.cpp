// Engine::state_dict / load_state_dict: Ignite's engine state as a dict, for checkpoints.
#include <ignite/core/engine.hpp>

#include <fmt/format.h>

namespace ignite {

namespace {

std::string py_keys(const Dict& d) {
    std::string out = "dict_keys([";
    bool first = true;
    for (const auto& [k, v] : d) {
        out += fmt::format("{}'{}'", first ? "" : ", ", k);
        first = false;
    }
    return out + "])";
}

std::string py_value(const c10::IValue& v) {
    if (v.isNone()) return "None";
    if (v.isInt()) return std::to_string(v.toInt());
    if (v.isString()) return fmt::format("'{}'", v.toStringRef());
    return fmt::format("{}", v.tagKind());
}

std::string py_dict(const Dict& d) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : d) {
        out += fmt::format("{}'{}': {}", first ? "" : ", ", k, py_value(v));
        first = false;
    }
    return out + "}";
}

std::optional<std::int64_t> optional_int(const c10::IValue& v, std::string_view key) {
    if (v.isNone()) return std::nullopt;
    return value_as<std::int64_t>(v, fmt::format("state_dict['{}']", key));
}

}  // namespace

Dict Engine::state_dict() const {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? c10::IValue(*v) : c10::IValue(); };
    Dict out;
    out.set("epoch_length", opt(state.epoch_length));
    if (state.max_iters) {
        out.set("iteration", state.iteration);  // Ignite 0.5.5's order
        out.set("max_iters", *state.max_iters);
    } else {
        out.set("max_epochs", opt(state.max_epochs));
        out.set("iteration", state.iteration);
    }
    for (const auto& key : state_dict_user_keys) {
        if (!state.has(key)) {
            throw ValueError(
                fmt::format("state_dict_user_keys names '{}' but engine.state has no such attribute; "
                            "set it (e.g. in a STARTED handler) before calling state_dict()",
                            key));
        }
        out.set(key, state.attr(key));
    }
    return out;
}

void Engine::load_state_dict(const Dict& sd) {
    // Ignite 0.5.5 takes max_iters in place of max_epochs; without either, 0.5.3's message.
    const bool by_max_iters = sd.contains("max_iters");
    if (by_max_iters && sd.contains("max_epochs")) {
        throw ValueError("state_dict should contain exactly one of '('max_epochs', 'max_iters')' keys");
    }
    for (const char* key : {"epoch_length", by_max_iters ? "max_iters" : "max_epochs"}) {
        if (!sd.contains(key)) {
            throw ValueError(
                fmt::format("Required state attribute '{}' is absent in provided state_dict '{}'", key, py_keys(sd)));
        }
    }
    if (sd.contains("iteration") == sd.contains("epoch")) {
        throw ValueError("state_dict should contain only one of '('iteration', 'epoch')' keys");
    }
    for (const auto& key : state_dict_user_keys) {
        if (!sd.contains(key)) {
            throw ValueError(fmt::format("Required user state attribute '{}' is absent in provided state_dict '{}'",
                                         key, py_keys(sd)));
        }
    }
    // Types are checked before anything is assigned.
    const auto max_epochs = by_max_iters ? std::nullopt : optional_int(sd.at("max_epochs"), "max_epochs");
    const auto max_iters = by_max_iters ? optional_int(sd.at("max_iters"), "max_iters") : std::nullopt;
    const auto epoch_length = optional_int(sd.at("epoch_length"), "epoch_length");
    const bool by_iteration = sd.contains("iteration");
    const auto counter =
        optional_int(sd.at(by_iteration ? "iteration" : "epoch"), by_iteration ? "iteration" : "epoch");
    if (!counter || *counter < 0) {
        throw ValueError(
            fmt::format("state_dict['{}'] should be a non-negative integer", by_iteration ? "iteration" : "epoch"));
    }
    if (epoch_length && *epoch_length < 1) {
        throw ValueError(fmt::format("state_dict['epoch_length'] should be positive or None, got {}", *epoch_length));
    }
    if (max_epochs && *max_epochs < 1) {
        throw ValueError(fmt::format("state_dict['max_epochs'] should be positive or None, got {}", *max_epochs));
    }
    if (max_iters) {
        // Ignite 0.5.5's _check_and_set_max_iters, against the iteration being loaded.
        if (*max_iters < 1) {
            throw ValueError("Argument max_iters is invalid. Please, set a correct max_iters positive value");
        }
        const std::int64_t iteration = by_iteration ? *counter : *counter * epoch_length.value_or(0);
        if (*max_iters < iteration) {
            throw ValueError(fmt::format(
                "Argument max_iters should be greater than or equal to the start iteration defined in the state: {} "
                "vs {}. Please, set engine.state.max_iters = None before calling engine.run() in order to restart "
                "the training from the beginning.",
                *max_iters, iteration));
        }
    }

    // Assignment order is Ignite's: its error for `epoch` without epoch_length is raised
    // after max_epochs, epoch_length, user keys and epoch were assigned.
    state.max_epochs = max_epochs;
    state.max_iters = max_iters;
    state.epoch_length = epoch_length;
    for (const auto& key : state_dict_user_keys) state.set(key, sd.at(key));
    if (by_iteration) {
        state.iteration = *counter;
        state.epoch = state.epoch_length ? state.iteration / *state.epoch_length : 0;
    } else {
        state.epoch = *counter;
        if (!state.epoch_length) {
            throw ValueError(fmt::format(
                "If epoch is provided in the state dict, epoch_length should not be None. Input state_dict: {}",
                py_dict(sd)));
        }
        state.iteration = *state.epoch_length * state.epoch;
    }
}

}  // namespace ignite
