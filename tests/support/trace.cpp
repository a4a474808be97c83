#include "trace.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

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

DataPtr list(std::int64_t n) { return data::range(n); }
std::string list_label(std::int64_t n) { return fmt::format("list(range({}))", n); }

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

std::string format_state(const State& s, bool with_max_iters) {
    auto opt = [](const std::optional<std::int64_t>& x) { return x ? std::to_string(*x) : std::string("null"); };
    auto time = [](const std::optional<double>& x) { return x ? std::string("\"num\"") : std::string("null"); };
    return fmt::format(
        "epoch={} iteration={} max_epochs={} epoch_length={} output={} batch={} "
        "times={{\"EPOCH_COMPLETED\":{},\"COMPLETED\":{}}}{}",
        s.epoch, s.iteration, opt(s.max_epochs), opt(s.epoch_length), format_value(s.output), format_value(s.batch),
        time(s.times.epoch_completed), time(s.times.completed),
        with_max_iters ? " max_iters=" + opt(s.max_iters) : std::string());
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
    run(engine, std::move(data), data_label, Engine::RunArgs{max_epochs, std::nullopt, epoch_length});
}

void Trace::run(Engine& engine, DataPtr data, const std::string& data_label, const Engine::RunArgs& args) {
    std::string line = "RUN data=" + data_label;
    if (args.max_epochs) line += fmt::format(" max_epochs={}", *args.max_epochs);
    if (args.max_iters) line += fmt::format(" max_iters={}", *args.max_iters);
    if (args.epoch_length) line += fmt::format(" epoch_length={}", *args.epoch_length);
    add(line);
    try {
        const State& s = engine.run(std::move(data), args);
        add("RET " + format_state(s, with_max_iters));
    } catch (...) {
        add("RAISE " + ignite::describe_exception(std::current_exception()));
        state(engine);
    }
}

bool lines_match(const std::string& expected, const std::string& actual) {
    if (expected == actual) return true;
    const auto pos_e = expected.find("RAISE ");
    const auto pos_a = actual.find("RAISE ");
    if (pos_e == std::string::npos || pos_a == std::string::npos) return false;
    if (expected.substr(0, pos_e) != actual.substr(0, pos_a)) return false;
    const std::string e = expected.substr(pos_e), a = actual.substr(pos_a);
    const auto kind_e = e.substr(0, e.find(':')), kind_a = a.substr(0, a.find(':'));
    if (kind_e != kind_a) return false;
    // Key words: the message up to its first Python repr.
    const auto cut = e.find_first_of("<{[", kind_e.size());
    return a.rfind(e.substr(0, std::min(cut, e.size())), 0) == 0;
}

nlohmann::json load_fixture(const std::string& file) {
    std::ifstream in(std::string(IGNITE_TEST_FIXTURES) + "/" + file);
    REQUIRE(in.good());
    return nlohmann::json::parse(in);
}

void check_trace(const std::string& scenario, const std::vector<std::string>& expected,
                 const std::vector<std::string>& actual) {
    for (std::size_t k = 0; k < std::max(expected.size(), actual.size()); ++k) {
        const std::string want = k < expected.size() ? expected[k] : "<end of trace>";
        const std::string got = k < actual.size() ? actual[k] : "<end of trace>";
        INFO(scenario << " line " << k + 1);
        CHECK(lines_match(want, got));
        if (!lines_match(want, got)) {
            CHECK(got == want);  // show both lines
            break;
        }
    }
}

}  // namespace ignite::test
