#include <ignite/core/metric.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <utility>

namespace ignite {

std::pair<at::Tensor, at::Tensor> unpack_pair(const c10::IValue& output, const char* metric) {
    const auto what = fmt::format("{}.update's input, a pair (y_pred, y),", metric);
    auto [y_pred, y] = unpack<at::Tensor, at::Tensor>(output, what);
    return {y_pred.detach(), y.detach()};
}

MetricUsage MetricUsage::epoch_wise() {
    return {Events::EPOCH_STARTED, Events::ITERATION_COMPLETED, Events::EPOCH_COMPLETED};
}
MetricUsage MetricUsage::running_epoch_wise() {
    return {Events::STARTED, Events::ITERATION_COMPLETED, Events::EPOCH_COMPLETED};
}
MetricUsage MetricUsage::batch_wise() {
    return {Events::ITERATION_STARTED, Events::ITERATION_COMPLETED, Events::ITERATION_COMPLETED};
}
MetricUsage MetricUsage::running_batch_wise() {
    return {Events::STARTED, Events::ITERATION_COMPLETED, Events::ITERATION_COMPLETED};
}
MetricUsage MetricUsage::single_epoch_running_batch_wise() {
    return {Events::EPOCH_STARTED, Events::ITERATION_COMPLETED, Events::ITERATION_COMPLETED};
}

Metric::Metric(OutputTransform output_transform) : output_transform_(std::move(output_transform)) {}

Metric::~Metric() = default;

c10::IValue Metric::transform(const c10::IValue& output) const {
    return output_transform_ ? output_transform_(output) : output;
}

void Metric::started(Engine& /*engine*/) { reset(); }

void Metric::load_statistics_parts(const std::vector<StatisticsPart>& parts) {
    if (parts.size() != 1) {
        throw ValueError(fmt::format("{}.load_statistics_parts: expected 1 part, got {}", name(), parts.size()));
    }
    load_statistics(parts[0].values);
}

void Metric::iteration_completed(Engine& engine) { feed(engine.state.output); }

void Metric::feed(const c10::IValue& engine_output) {
    c10::IValue output = transform(engine_output);
    if (output.isGenericDict()) {
        // Ignite: a mapping output is turned into a tuple of the required keys, in order.
        const auto keys = required_output_keys();
        if (keys.empty()) {
            throw TypeError(
                fmt::format("Transformed engine output for {} metric should be a tuple/list, but "
                            "given {}",
                            name(), output.tagKind()));
        }
        const auto dict = output.toGenericDict();
        std::vector<c10::IValue> items;
        items.reserve(keys.size());
        for (const auto& k : keys) {
            auto it = dict.find(c10::IValue(k));
            if (it == dict.end()) {
                std::vector<std::string> present;
                for (const auto& e : dict) present.push_back(e.key().isString() ? e.key().toStringRef() : "?");
                throw ValueError(
                    fmt::format("When transformed engine's output is a mapping, it should contain "
                                "['{}'] keys, but given ['{}']",
                                fmt::join(keys, "', '"), fmt::join(present, "', '")));
            }
            items.push_back(it->value());
        }
        output = c10::ivalue::Tuple::create(std::move(items));
    }
    update(output);
}

void Metric::completed(Engine& engine, const std::string& metric_name) {
    c10::IValue result = compute();
    if (result.isGenericDict()) {
        const auto dict = result.toGenericDict();
        for (const auto& e : dict) {
            if (e.key().isString() && e.key().toStringRef() == metric_name) {
                throw ValueError(
                    fmt::format("Argument name '{}' is conflicting with mapping keys of {}", metric_name, name()));
            }
        }
        for (const auto& e : dict) {
            if (e.key().isString()) engine.state.metrics.set(e.key().toStringRef(), e.value());
        }
    } else if (result.isTensor()) {
        // Ignite stores 0-d results as Python numbers and keeps tensors on the CPU, so
        // loggers and checkpoints never touch device memory.
        const at::Tensor& t = result.toTensor();
        if (t.dim() == 0) {
            result = t.is_floating_point() ? c10::IValue(t.item<double>()) : c10::IValue(t.item<std::int64_t>());
        } else if (!t.is_cpu()) {
            result = t.cpu();
        }
    }
    engine.state.metrics.set(metric_name, std::move(result));
}

bool Metric::registered(const Engine& engine, Role role, Event event) const {
    return std::any_of(registrations_.begin(), registrations_.end(), [&](const Registration& r) {
        return r.engine == &engine && r.role == role && r.event == event && !r.alive.expired() &&
               engine.has_event_handler(r.id, event);
    });
}

void Metric::forget_dead() {
    std::erase_if(registrations_, [](const Registration& r) { return r.alive.expired(); });
}

void Metric::attach(Engine& engine, const std::string& metric_name, const MetricUsage& usage, Priority priority) {
    std::shared_ptr<Metric> self = weak_from_this().lock();
    if (!self) {
        throw RuntimeError(
            fmt::format("{}.attach: the metric must be owned by a std::shared_ptr (create it with "
                        "std::make_shared) so the engine can keep it alive",
                        name()));
    }
    forget_dead();
    // The token lives inside the handler: when the engine drops the handler, the weak
    // pointer in our registration expires.
    auto add = [&](Role role, const EventSpec& spec, HandlerFn fn) {
        auto token = std::make_shared<int>(0);
        HandlerFn wrapped = [fn = std::move(fn), token](Engine& e, const FiredEvent& f) {
            (void)token;
            fn(e, f);
        };
        auto handle = engine.add_event_handler(EventList{spec}, priority, std::move(wrapped));
        registrations_.push_back({&engine, role, spec.event(), handle.id(), token});
    };
    if (!registered(engine, Role::kStarted, usage.started.event())) {
        add(Role::kStarted, usage.started, [self](Engine& e, const FiredEvent&) { self->started(e); });
    }
    if (!registered(engine, Role::kIterationCompleted, usage.iteration_completed.event())) {
        add(Role::kIterationCompleted, usage.iteration_completed,
            [self](Engine& e, const FiredEvent&) { self->iteration_completed(e); });
    }
    add(Role::kCompleted, usage.completed,
        [self, metric_name](Engine& e, const FiredEvent&) { self->completed(e, metric_name); });
}

void Metric::detach(Engine& engine, const MetricUsage& usage) {
    // Same order as Ignite: completed, then started, then iteration_completed.
    const std::pair<Role, Event> targets[] = {{Role::kCompleted, usage.completed.event()},
                                              {Role::kStarted, usage.started.event()},
                                              {Role::kIterationCompleted, usage.iteration_completed.event()}};
    for (const auto& [role, event] : targets) {
        for (auto& r : registrations_) {
            if (r.engine == &engine && r.role == role && r.event == event && !r.alive.expired() &&
                engine.has_event_handler(r.id, event)) {
                engine.remove_event_handler(r.id, event);
            }
        }
    }
    // A removed handler may survive a while in a dispatch snapshot; drop our records now.
    std::erase_if(registrations_, [&](const Registration& r) {
        return r.engine == &engine && !engine.has_event_handler(r.id, r.event);
    });
    forget_dead();
}

bool Metric::is_attached(const Engine& engine, const MetricUsage& usage) const {
    return registered(engine, Role::kCompleted, usage.completed.event());
}

}  // namespace ignite
