#include <ignite/core/handlers/terminate_on_nan.hpp>

#include <ignite/core/errors.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <cmath>
#include <iostream>

namespace ignite {
namespace {

std::string number_text(double v) { return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"); }

// The flat index of a tensor's first non-finite element, as "[i]" (or "" for a scalar).
std::optional<TerminateOnNan::Found> in_tensor(const at::Tensor& t) {
    if (!t.defined() || !(t.is_floating_point() || t.is_complex()) || t.numel() == 0) return std::nullopt;
    // The usual case, one real number (a loss): one read, no temporary tensors.
    if (t.numel() == 1 && !t.is_complex()) {
        const double v = t.item<double>();
        if (std::isfinite(v)) return std::nullopt;
        return TerminateOnNan::Found{t.dim() == 0 ? "" : "[0]", number_text(v), 0, 0};
    }
    const auto bad = at::logical_not(at::isfinite(t.detach()));
    if (!bad.any().item<bool>()) return std::nullopt;
    const auto flat = bad.flatten();
    const auto index = flat.nonzero().flatten()[0].item<std::int64_t>();
    const auto element = t.detach().flatten()[index];
    const double v = t.is_complex() ? at::real(element).item<double>() : element.item<double>();
    const double shown = std::isfinite(v) && t.is_complex() ? at::imag(element).item<double>() : v;
    return TerminateOnNan::Found{t.dim() == 0 ? "" : fmt::format("[{}]", index), number_text(shown), 0, 0};
}

std::optional<TerminateOnNan::Found> search(const c10::IValue& v) {
    const auto inside = [](std::string where, std::optional<TerminateOnNan::Found> f) {
        if (f) f->where = where + f->where;
        return f;
    };
    if (v.isTensor()) return in_tensor(v.toTensor());
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (!std::isfinite(d)) return TerminateOnNan::Found{"", number_text(d), 0, 0};
        return std::nullopt;
    }
    if (v.isTuple()) {
        const auto& elements = v.toTupleRef().elements();
        for (std::size_t i = 0; i < elements.size(); ++i)
            if (auto f = search(elements[i])) return inside(fmt::format("[{}]", i), f);
        return std::nullopt;
    }
    if (v.isList()) {
        const auto list = v.toListRef();
        for (std::size_t i = 0; i < list.size(); ++i)
            if (auto f = search(list[i])) return inside(fmt::format("[{}]", i), f);
        return std::nullopt;
    }
    if (v.isGenericDict()) {
        for (const auto& entry : v.toGenericDict()) {
            if (auto f = search(entry.value())) {
                const auto& key = entry.key();
                return inside(key.isString() ? fmt::format("['{}']", key.toStringRef())
                                             : fmt::format("[{}]", key.isInt() ? std::to_string(key.toInt()) : "?"),
                              f);
            }
        }
        return std::nullopt;
    }
    return std::nullopt;  // ints, bools, strings, None: never non-finite
}

}  // namespace

TerminateOnNan::TerminateOnNan(Transform transform)
    : log([](const std::string& line) { std::cerr << line << '\n'; }), transform_(std::move(transform)) {}

std::optional<TerminateOnNan::Found> TerminateOnNan::find_non_finite(const c10::IValue& value) { return search(value); }

void TerminateOnNan::operator()(Engine& engine) {
    if (found_) return;
    auto f = find_non_finite(transform_ ? transform_(engine) : engine.state.output);
    if (!f) return;
    f->epoch = engine.state.epoch;
    f->iteration = engine.state.iteration;
    found_ = std::move(f);
    if (log) {
        log(fmt::format("TerminateOnNan: output{} is {} at epoch {}, iteration {}: stop training", found_->where,
                        found_->value, found_->epoch, found_->iteration));
    }
    engine.terminate(TerminateReason::bad_weights);
}

RemovableEventHandle TerminateOnNan::attach(const std::shared_ptr<TerminateOnNan>& handler, Engine& engine,
                                            const EventSpec& event, Priority priority) {
    if (!handler) throw ValueError("TerminateOnNan::attach needs a handler");
    return engine.add_event_handler(event, priority, [h = handler](Engine& e) { (*h)(e); });
}

}  // namespace ignite
