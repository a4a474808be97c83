// Replays tests/fixtures/ignite-engine-edges.json: what Ignite does at the engine's edges
// (run() arguments and handler signature checks, recorded from 0.5.3; max_iters, recorded
// from 0.5.5). tests/conformance/record_engine_edges.py wrote the fixture by running
// Ignite; each function below is the C++ transcription of the Python scenario of the
// same name, and every scenario of the fixture must have one.
#include "support/trace.hpp"

#include <ignite/core/engine.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <functional>
#include <map>

using namespace ignite;
using ignite::test::list;
using ignite::test::list_label;
using ignite::test::Trace;

namespace {

using Scenario = std::function<void(Trace&)>;

DataPtr one_pass(std::int64_t n) {
    std::vector<c10::IValue> values;
    for (std::int64_t k = 0; k < n; ++k) values.emplace_back(k);
    return data::one_pass_values(std::move(values));
}

// Python's Unsized(n): re-iterable, no len().
DataPtr unsized(std::int64_t n) {
    return data::reiterable([n]() -> data::Generator {
        return [n, k = std::int64_t{0}](c10::IValue& out) mutable {
            if (k == n) return false;
            out = k++;
            return true;
        };
    });
}

// A handler that writes "H label" and then calls `action` on the engine.
template <typename A>
std::function<void(Engine&)> acting(Trace& t, const std::string& label, A action) {
    return [&t, label, action](Engine& e) {
        t.h(e, label);
        action(e);
    };
}

std::string dict_json(const Dict& d) { return ignite::test::format_value(c10::IValue(d.to_torch())); }

// ---- run() arguments (0.5.3) --------------------------------------------------------------

void run_args_nonpositive_accepted(Trace& t) {
    for (const Engine::RunArgs& args :
         {Engine::RunArgs{.max_epochs = 0}, Engine::RunArgs{.max_epochs = -1}, Engine::RunArgs{.epoch_length = 0},
          Engine::RunArgs{.max_epochs = 2, .epoch_length = -2}}) {
        Engine e(t.echo());
        t.observe(e);
        t.run(e, list(2), list_label(2), args);
    }
    Engine e(t.echo());
    t.observe(e);
    t.run(e, nullptr, "None", {.epoch_length = 0});
}

template <typename A>
void data_none_after(Trace& t, const std::string& label, A action) {
    Engine e(t.echo());
    t.observe(e);
    e.on(Events::ITERATION_COMPLETED.once(3), acting(t, label, action));
    t.run(e, list(4), list_label(4), 2);
    t.run(e, nullptr, "None");
}

void run_args_data_none_after_terminate(Trace& t) {
    data_none_after(t, "terminate", [](Engine& eng) { eng.terminate(); });
}

void run_args_data_none_after_interrupt(Trace& t) {
    data_none_after(t, "interrupt", [](Engine& eng) { eng.interrupt(); });
}

void run_args_epoch_length_unknown_on_resume(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    e.on(Events::ITERATION_COMPLETED.once(2), acting(t, "interrupt", [](Engine& eng) { eng.interrupt(); }));
    t.run(e, one_pass(4), "iter(range(4))", 2);
    t.run(e, nullptr, "None", std::nullopt, 4);
    t.run(e, nullptr, "None");
    t.run(e, list(3), list_label(3));
}

void run_args_resume_overrides(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    e.on(Events::ITERATION_COMPLETED.once(3), acting(t, "interrupt", [](Engine& eng) { eng.interrupt(); }));
    t.run(e, list(2), list_label(2), 3);
    t.run(e, list(2), list_label(2), 1);
    t.run(e, list(2), list_label(2), std::nullopt, 3);
    t.run(e, list(2), list_label(2), 2, 2);
    t.run(e, list(3), list_label(3), 1, 3);
    t.run(e, list(3), list_label(3), 1);
}

void run_args_resume_without_epoch_length(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    t.call_raising("load_state_dict({iteration:2,max_epochs:2,epoch_length:None})", [&] {
        e.load_state_dict({{"iteration", 2}, {"max_epochs", 2}, {"epoch_length", c10::IValue()}});
    });
    t.run(e, list(4), list_label(4));
}

void run_args_one_pass_two_epochs(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    t.run(e, one_pass(3), "iter(range(3))", 2);
}

// ---- handler signatures (0.5.3) -----------------------------------------------------------

void handler_signature_event_args(Trace& t) {
    auto echo = t.echo();
    Engine e([echo](Engine& eng, const c10::IValue& b) {
        auto out = echo(eng, b);
        if (eng.state.iteration == 2) eng.terminate_epoch();
        if (eng.state.iteration == 4) throw ValueError("boom at iteration 4");
        return out;
    });
    t.observe(e);
    const Event edge = Event::custom("EDGE_EVENT");
    e.register_events({edge});

    auto takes_exception = [&t](Engine& eng, const std::exception_ptr& ex) {
        t.h(eng, "takes_exception", " args=[" + ignite::test::format_exception(ex) + "]");
    };
    auto takes_nothing = [&t, &e] { t.h(e, "takes_nothing"); };
    auto takes_engine = [&t](Engine& eng) { t.h(eng, "takes_engine"); };
    auto takes_iter_counter = [&t](Engine& eng, std::int64_t iter_counter) {
        t.h(eng, "takes_iter_counter", fmt::format(" kw={{\"iter_counter\":{}}}", iter_counter));
    };
    auto add = [&](const std::string& what, const EventSpec& spec, const auto& handler) {
        t.call_raising("add_event_handler(" + what + ")", [&] { (void)e.add_event_handler(spec, handler); });
    };
    add("ITERATION_COMPLETED, takes_exception", Events::ITERATION_COMPLETED, takes_exception);
    add("ITERATION_COMPLETED(every=2), takes_exception", Events::ITERATION_COMPLETED.every(2), takes_exception);
    add("EDGE_EVENT, takes_exception", edge, takes_exception);
    add("EXCEPTION_RAISED, takes_nothing", Events::EXCEPTION_RAISED, takes_nothing);
    add("TERMINATE_SINGLE_EPOCH, takes_nothing", Events::TERMINATE_SINGLE_EPOCH, takes_nothing);
    add("EDGE_EVENT, takes_nothing", edge, takes_nothing);
    add("EXCEPTION_RAISED, takes_exception", Events::EXCEPTION_RAISED, takes_exception);
    add("EXCEPTION_RAISED, takes_engine", Events::EXCEPTION_RAISED, takes_engine);
    add("TERMINATE_SINGLE_EPOCH, takes_iter_counter", Events::TERMINATE_SINGLE_EPOCH, takes_iter_counter);
    add("EPOCH_COMPLETED, takes_engine", Events::EPOCH_COMPLETED, takes_engine);
    t.run(e, list(3), list_label(3), 2);
}

// ---- max_iters (0.5.5) --------------------------------------------------------------------

void add_lifecycle(Trace& t, Engine& e) {
    e.add_event_handler(Events::EPOCH_COMPLETED, t.handler("epoch_completed"));
    e.add_event_handler(Events::TERMINATE, t.handler("terminate"));
    e.add_event_handler(Events::COMPLETED, t.handler("completed"));
}

void max_iters_mid_epoch(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    add_lifecycle(t, e);
    t.run(e, list(3), list_label(3), {.max_iters = 5});
    t.call("state_dict()", dict_json(e.state_dict()));
    t.run(e, list(3), list_label(3), {.max_iters = 2});
}

void max_iters_at_epoch_end(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    add_lifecycle(t, e);
    t.run(e, list(3), list_label(3), {.max_iters = 6});
}

void max_iters_unknown_length(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    add_lifecycle(t, e);
    t.run(e, unsized(4), "Unsized(4)", {.max_iters = 6});
    Engine e2(t.echo());
    t.observe(e2);
    t.run(e2, one_pass(4), "iter(range(4))", {.max_iters = 6});
}

void max_iters_with_epoch_length(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    add_lifecycle(t, e);
    t.run(e, list(5), list_label(5), {.max_iters = 5, .epoch_length = 2});
    Engine e2(t.echo());
    t.observe(e2);
    t.run(e2, nullptr, "None", {.max_iters = 3, .epoch_length = 2});
}

void max_iters_errors_and_resume(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    e.on(Events::ITERATION_COMPLETED.once(2), acting(t, "interrupt", [](Engine& eng) { eng.interrupt(); }));
    t.run(e, list(3), list_label(3), {.max_epochs = 2, .max_iters = 3});
    t.run(e, list(3), list_label(3), {.max_iters = 4});
    t.run(e, list(3), list_label(3), {.max_epochs = 1});
    t.run(e, list(3), list_label(3), {.max_iters = 1});
    t.run(e, list(3), list_label(3), {.max_iters = 0});
    t.run(e, list(3), list_label(3), {.max_iters = 4, .epoch_length = 2});
    t.run(e, list(3), list_label(3), {.max_iters = 5});
    t.run(e, list(3), list_label(3), {.max_epochs = 3});
    t.call_raising("state.max_iters = None", [&] { e.state.max_iters.reset(); });
    t.run(e, list(3), list_label(3), {.max_epochs = 1});
}

void max_iters_state_dict(Trace& t) {
    Engine e(t.echo());
    t.observe(e);
    t.call_raising("load_state_dict({iteration:2,max_iters:5,epoch_length:3})", [&] {
        e.load_state_dict({{"iteration", 2}, {"max_iters", 5}, {"epoch_length", 3}});
    });
    t.state(e);
    t.run(e, list(3), list_label(3));
    t.call("state_dict()", dict_json(e.state_dict()));
    Engine e2(t.echo());
    t.call_raising("load_state_dict({iteration:4,max_iters:3,epoch_length:3})", [&] {
        e2.load_state_dict({{"iteration", 4}, {"max_iters", 3}, {"epoch_length", 3}});
    });
    t.call_raising("load_state_dict({iteration:1,max_iters:0,epoch_length:3})", [&] {
        e2.load_state_dict({{"iteration", 1}, {"max_iters", 0}, {"epoch_length", 3}});
    });
    t.call_raising("load_state_dict({epoch:1,max_iters:7,epoch_length:3})", [&] {
        e2.load_state_dict({{"epoch", 1}, {"max_iters", 7}, {"epoch_length", 3}});
    });
    t.state(e2);
    t.run(e2, list(3), list_label(3));
}

const std::map<std::string, Scenario>& scenarios() {
    static const std::map<std::string, Scenario> all = {
        {"run_args_nonpositive_accepted", run_args_nonpositive_accepted},
        {"run_args_data_none_after_terminate", run_args_data_none_after_terminate},
        {"run_args_data_none_after_interrupt", run_args_data_none_after_interrupt},
        {"run_args_epoch_length_unknown_on_resume", run_args_epoch_length_unknown_on_resume},
        {"run_args_resume_overrides", run_args_resume_overrides},
        {"run_args_resume_without_epoch_length", run_args_resume_without_epoch_length},
        {"run_args_one_pass_two_epochs", run_args_one_pass_two_epochs},
        {"handler_signature_event_args", handler_signature_event_args},
        {"max_iters_mid_epoch", max_iters_mid_epoch},
        {"max_iters_at_epoch_end", max_iters_at_epoch_end},
        {"max_iters_unknown_length", max_iters_unknown_length},
        {"max_iters_with_epoch_length", max_iters_with_epoch_length},
        {"max_iters_errors_and_resume", max_iters_errors_and_resume},
        {"max_iters_state_dict", max_iters_state_dict},
    };
    return all;
}

}  // namespace

TEST_CASE("the engine's edges replay Ignite 0.5.3 (run arguments, signatures) and 0.5.5 (max_iters)", "[conformance]") {
    const auto fixture = ignite::test::load_fixture("ignite-engine-edges.json");
    REQUIRE(fixture.size() == scenarios().size());
    for (const auto& scenario : fixture) {
        const std::string name = scenario.at("name");
        SECTION(name) {
            auto it = scenarios().find(name);
            if (it == scenarios().end()) FAIL("scenario " << name << " has no C++ transcription");
            Trace trace;
            trace.with_max_iters = scenario.at("ignite") == "0.5.5";
            it->second(trace);
            ignite::test::check_trace(name, scenario.at("trace").get<std::vector<std::string>>(), trace.lines);
        }
    }
}
