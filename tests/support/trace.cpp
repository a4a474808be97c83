#include "trace.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace ignite::test {

namespace {
std::string format_double(double d) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", d);
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}

std::string format_tensor(const at::Tensor& t) {
    if (t.dim() == 0) {
        return t.is_floating_point() ? format_double(t.item<double>()) : std::to_string(t.item<std::int64_t>());
    }
    std::string out = "[";
    for (std::int64_t i = 0; i < t.size(0); ++i) {
        if (i) out += ",";
        out += format_tensor(t[i]);
    }
    return out + "]";
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}
}  // namespace

std::string format_value(const c10::IValue& v) {
    if (v.isNone()) return "null";
    if (v.isBool()) return v.toBool() ? "true" : "false";
    if (v.isInt()) return std::to_string(v.toInt());
    if (v.isDouble()) return format_double(v.toDouble());
    if (v.isString()) return json_string(v.toStringRef());
    if (v.isTensor()) return "tensor" + format_tensor(v.toTensor());
    auto join = [](const auto& items) {
        std::string out = "[";
        bool first = true;
        for (const auto& e : items) {
            out += (first ? "" : ",") + format_value(e);
            first = false;
        }
        return out + "]";
    };
    if (v.isTuple()) return join(v.toTupleRef().elements());
    if (v.isList()) return join(v.toListRef());
    if (v.isGenericDict()) {
        std::string out = "{";
        bool first = true;
        for (const auto& kv : v.toGenericDict()) {
            out += (first ? "" : ",") + json_string(kv.key().toStringRef()) + ":" + format_value(kv.value());
            first = false;
        }
        return out + "}";
    }
    return fmt::format("<{}>", v.tagKind());
}

std::string format_state(const State& s) {
    auto opt = [](const std::optional<std::int64_t>& x) { return x ? std::to_string(*x) : std::string("null"); };
    auto time = [](const std::optional<double>& x) { return x ? std::string("\"num\"") : std::string("null"); };
    return fmt::format(
        "epoch={} iteration={} max_epochs={} epoch_length={} output={} batch={} "
        "times={{\"EPOCH_COMPLETED\":{},\"COMPLETED\":{}}}",
        s.epoch, s.iteration, opt(s.max_epochs), opt(s.epoch_length), format_value(s.output), format_value(s.batch),
        time(s.times.epoch_completed), time(s.times.completed));
}

std::string format_exception(const std::exception_ptr& e) {
    const std::string d = ignite::describe_exception(e);
    const auto colon = d.find(": ");
    return d.substr(0, colon) + "(" + json_string(d.substr(colon + 2)) + ")";
}

void Trace::observe(Engine& engine, const std::string& tag) {
    engine.set_event_observer([this, tag](Engine& e, const FiredEvent& f) {
        std::string extra;
        if (f.exception) extra += " args=[" + format_exception(f.exception) + "]";
        if (f.iter_counter) extra += fmt::format(" kw={{\"iter_counter\":{}}}", *f.iter_counter);
        add(fmt::format("EV{} {} e={} i={}{}", tag, f.event.name(), e.state.epoch, e.state.iteration, extra));
    });
    engine.set_warning_handler([this](const std::string& msg) { add("WARN UserWarning: " + msg); });
}

ProcessFunction Trace::echo() {
    return [this](Engine& e, const c10::IValue& batch) {
        add(fmt::format("PF b={} e={} i={}", format_value(batch), e.state.epoch, e.state.iteration));
        return batch;
    };
}

void Trace::h(Engine& engine, const std::string& label, const std::string& suffix) {
    add(fmt::format("H {} e={} i={}{}", label, engine.state.epoch, engine.state.iteration, suffix));
}

std::function<void(Engine&)> Trace::handler(const std::string& label) {
    return [this, label](Engine& e) { h(e, label); };
}

void Trace::run(Engine& engine, DataPtr data, const std::string& data_label, std::optional<std::int64_t> max_epochs,
                std::optional<std::int64_t> epoch_length) {
    std::string line = "RUN data=" + data_label;
    if (max_epochs) line += fmt::format(" max_epochs={}", *max_epochs);
    if (epoch_length) line += fmt::format(" epoch_length={}", *epoch_length);
    add(line);
    try {
        const State& s = engine.run(std::move(data), max_epochs, epoch_length);
        add("RET " + format_state(s));
    } catch (...) {
        add("RAISE " + ignite::describe_exception(std::current_exception()));
        add("STATE " + format_state(engine.state));
    }
}

}  // namespace ignite::test
