// Behaviour tests of ignite::Engine beyond the recorded Ignite sample: each asserts the
// full event trace (events with epoch/iteration, handler calls) or the exact error.
#include "support/trace.hpp"

#include <ignite/core/engine.hpp>

#include <ATen/ATen.h>
#include <catch2/catch.hpp>
#include <torch/serialize.h>

using namespace ignite;
using ignite::test::Trace;
using Lines = std::vector<std::string>;

namespace {

// Only the lines whose first word is one of `kinds`, to keep expected traces focused.
Lines only(const Trace& t, std::initializer_list<std::string> kinds) {
    Lines out;
    for (const auto& l : t.lines) {
        for (const auto& k : kinds) {
            if (l.rfind(k + " ", 0) == 0) out.push_back(l);
        }
    }
    return out;
}

// The iterations (or epochs) at which a handler on `spec` runs over `n` batches.
std::vector<std::int64_t> fired_at(const EventSpec& spec, std::int64_t n, std::int64_t epochs, bool epoch_value) {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    std::vector<std::int64_t> seen;
    e.add_event_handler(spec,
                        [&](Engine& eng) { seen.push_back(epoch_value ? eng.state.epoch : eng.state.iteration); });
    e.run(data::range(n), epochs);
    return seen;
}

using V = std::vector<std::int64_t>;

// The message of the `Ex` that f throws, or a marker when it throws nothing / another type.
template <typename Ex, typename F>
std::string thrown(F&& f) {
    try {
        f();
    } catch (const Ex& e) {
        return e.what();
    } catch (...) {
        return "<another exception type>";
    }
    return "<no exception>";
}

}  // namespace

// ---- data ----------------------------------------------------------------------------

TEST_CASE("a sized one-pass iterator restarts nothing: the run ends with a warning", "[engine][data]") {
    Trace t;
    auto values = std::make_shared<std::int64_t>(0);
    Engine e(t.echo());
    t.observe(e);
    // 3 batches, 3 epochs asked: epoch 2 finds the pass exhausted and warns (Ignite does
    // not warn in the last epoch, where its _is_done() is already true).
    t.run(e,
          data::one_pass(
              [values](c10::IValue& out) {
                  if (*values >= 3) return false;
                  out = (*values)++;
                  return true;
              },
              3),
          "gen", 3);
    CHECK(only(t, {"PF", "WARN"}) ==
          Lines{"PF b=0 e=1 i=1", "PF b=1 e=1 i=2", "PF b=2 e=1 i=3",
                "WARN UserWarning: Data iterator can not provide data anymore but required total number of "
                "iterations to run is not reached. Current iteration: 3 vs Total iterations to run : 9"});
    CHECK(e.state.epoch == 3);
    CHECK(e.state.iteration == 3);
}

TEST_CASE("epoch_length longer than the data restarts the data mid-epoch", "[engine][data]") {
    Trace t;
    Engine e(t.echo());
    t.observe(e);
    t.run(e, data::range(2), "list(range(2))", 1, 5);
    CHECK(only(t, {"PF", "EV"}) == Lines{"EV STARTED e=0 i=0",
                                         "EV EPOCH_STARTED e=1 i=0",
                                         "EV GET_BATCH_STARTED e=1 i=0",
                                         "EV GET_BATCH_COMPLETED e=1 i=0",
                                         "EV ITERATION_STARTED e=1 i=1",
                                         "PF b=0 e=1 i=1",
                                         "EV ITERATION_COMPLETED e=1 i=1",
                                         "EV GET_BATCH_STARTED e=1 i=1",
                                         "EV GET_BATCH_COMPLETED e=1 i=1",
                                         "EV ITERATION_STARTED e=1 i=2",
                                         "PF b=1 e=1 i=2",
                                         "EV ITERATION_COMPLETED e=1 i=2",
                                         "EV GET_BATCH_STARTED e=1 i=2",
                                         "EV DATALOADER_STOP_ITERATION e=1 i=2",
                                         "EV GET_BATCH_COMPLETED e=1 i=2",
                                         "EV ITERATION_STARTED e=1 i=3",
                                         "PF b=0 e=1 i=3",
                                         "EV ITERATION_COMPLETED e=1 i=3",
                                         "EV GET_BATCH_STARTED e=1 i=3",
                                         "EV GET_BATCH_COMPLETED e=1 i=3",
                                         "EV ITERATION_STARTED e=1 i=4",
                                         "PF b=1 e=1 i=4",
                                         "EV ITERATION_COMPLETED e=1 i=4",
                                         "EV GET_BATCH_STARTED e=1 i=4",
                                         "EV DATALOADER_STOP_ITERATION e=1 i=4",
                                         "EV GET_BATCH_COMPLETED e=1 i=4",
                                         "EV ITERATION_STARTED e=1 i=5",
                                         "PF b=0 e=1 i=5",
                                         "EV ITERATION_COMPLETED e=1 i=5",
                                         "EV EPOCH_COMPLETED e=1 i=5",
                                         "EV COMPLETED e=1 i=5"});
}

TEST_CASE("tensors and tuples flow through as batches and outputs", "[engine][data]") {
    std::vector<c10::IValue> batches;
    for (int k = 0; k < 3; ++k) {
        batches.emplace_back(c10::ivalue::Tuple::create({at::full({2}, k), at::full({1}, 10 * k)}));
    }
    Engine e([](Engine&, const c10::IValue& b) {
        const auto& t = b.toTupleRef().elements();
        return t[0].toTensor().sum() + t[1].toTensor().sum();
    });
    const auto& s = e.run(data::from_values(batches));
    CHECK(s.output.toTensor().item<double>() == Approx(2 * 2 + 20));
}

// ---- filters -------------------------------------------------------------------------

TEST_CASE("every, once, before, after and their combinations select Ignite's values", "[engine][filters]") {
    const auto& it = Events::ITERATION_COMPLETED;
    CHECK(fired_at(it.every(3), 10, 1, false) == V{3, 6, 9});
    CHECK(fired_at(it.once(4), 10, 2, false) == V{4});
    CHECK(fired_at(it.once({1, 7, 19}), 10, 2, false) == V{1, 7, 19});
    CHECK(fired_at(it.before(4), 10, 1, false) == V{1, 2, 3});
    CHECK(fired_at(it.after(7), 10, 1, false) == V{8, 9, 10});
    CHECK(fired_at(it({.before = 6, .after = 2}), 10, 1, false) == V{3, 4, 5});
    // every with before/after counts from `after`: (value - after - 1) % every == 0.
    CHECK(fired_at(it({.every = 5, .before = 25, .after = 8}), 30, 1, false) == V{9, 14, 19, 24});
    CHECK(fired_at(Events::EPOCH_COMPLETED({.every = 2, .before = 5, .after = 1}), 2, 6, true) == V{2, 4});
    CHECK(fired_at(it.filter([](Engine&, std::int64_t v) { return v == 2 || v == 5; }), 6, 1, false) == V{2, 5});
    CHECK(fired_at(Events::EPOCH_STARTED.every(2), 1, 5, true) == V{2, 4});
}

TEST_CASE("invalid filter arguments throw at registration time, with Ignite's message", "[engine][filters][errors]") {
    const auto& it = Events::ITERATION_COMPLETED;
    CHECK_THAT(thrown<ValueError>([&] { (void)it.every(0); }),
               Catch::Equals("Argument every should be integer and greater than zero"));
    CHECK_THROWS_AS(it.once(-3), ValueError);
    CHECK_THROWS_AS(it({.event_filter = [](Engine&, std::int64_t) { return true; }, .every = 2}), ValueError);
    CHECK_THROWS_AS(it({.once = 2, .before = 3}), ValueError);
    CHECK_NOTHROW(it({.every = 2, .before = 3}));
}

TEST_CASE("a filter on an event without a state attribute is refused at registration", "[engine][filters][errors]") {
    Engine e([](Engine&, const c10::IValue&) {});
    CHECK_THAT(thrown<ValueError>([&] { (void)e.add_event_handler(Events::TERMINATE.every(2), [] {}); }),
               Catch::Contains("TERMINATE has no state attribute to filter on"));
    const Event custom = Event::custom("test.NO_ATTR");
    e.register_events({custom});
    CHECK_THROWS_AS(e.add_event_handler(EventSpec(custom).every(2), [] {}), ValueError);
    CHECK_NOTHROW(e.add_event_handler(custom, [] {}));
}

TEST_CASE("unregistered custom events cannot be handled or fired", "[engine][events][errors]") {
    Engine e([](Engine&, const c10::IValue&) {});
    const Event custom = Event::custom("test.UNREGISTERED");
    CHECK_THAT(thrown<ValueError>([&] { (void)e.add_event_handler(custom, [] {}); }),
               Catch::Contains("Event test.UNREGISTERED is not a valid event for this Engine"));
    CHECK_THROWS_AS(e.fire_event(custom), ValueError);
    CHECK_THROWS_AS(Event::custom("ITERATION_COMPLETED"), ValueError);
    CHECK(Event::custom("test.UNREGISTERED") == custom);  // interned by name
}

// ---- handlers ------------------------------------------------------------------------

TEST_CASE("priority orders handlers, ties keep registration order", "[engine][handlers]") {
    Trace t;
    Engine e(t.echo());
    e.add_event_handler(Events::EPOCH_COMPLETED, t.handler("logger"));
    e.add_event_handler(Events::EPOCH_COMPLETED, Priority{100}, t.handler("checkpoint"));
    e.add_event_handler(Events::EPOCH_COMPLETED, Priority{-10}, t.handler("metric_a"));
    e.add_event_handler(Events::EPOCH_COMPLETED, Priority{-10}, t.handler("metric_b"));
    e.add_event_handler(Events::EPOCH_COMPLETED, t.handler("logger2"));
    e.run(data::range(1));
    CHECK(only(t, {"H"}) == Lines{"H metric_a e=1 i=1", "H metric_b e=1 i=1", "H logger e=1 i=1", "H logger2 e=1 i=1",
                                  "H checkpoint e=1 i=1"});
}

TEST_CASE("handlers may take the fired event, the exception, bound arguments or nothing", "[engine][handlers]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    std::vector<std::string> calls;
    e.add_event_handler(Events::STARTED, [&] { calls.push_back("no-args"); });
    e.add_event_handler(Events::STARTED,
                        [&](Engine& eng) { calls.push_back("engine@" + std::to_string(eng.state.epoch)); });
    e.add_event_handler(Events::STARTED,
                        [&](Engine&, const FiredEvent& f) { calls.push_back("fired:" + f.event.name()); });
    e.add_event_handler(
        Events::STARTED, [&](int a, const std::string& b) { calls.push_back(std::to_string(a) + b); }, 7,
        std::string("x"));
    e.run(data::range(1));
    CHECK(calls == Lines{"no-args", "engine@0", "fired:STARTED", "7x"});
}

TEST_CASE("a handler that cannot take what an event passes is refused for the whole list",
          "[engine][handlers][errors]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    auto on_exception = [](Engine&, const std::exception_ptr&) {};
    CHECK_THAT(thrown<ValueError>(
                   [&] { (void)e.add_event_handler(Events::EXCEPTION_RAISED | Events::COMPLETED, on_exception); }),
               Catch::Equals("Error adding handler on COMPLETED: it takes (Engine&, std::exception_ptr, args...) but "
                             "will be called with (Engine&, args...); give it those parameters or (Engine&, const "
                             "FiredEvent&, args...)"));
    CHECK_FALSE(e.has_event_handler(1));
    CHECK_THAT(thrown<ValueError>([&] { (void)e.add_event_handler(Events::TERMINATE_SINGLE_EPOCH, [] {}); }),
               Catch::Contains("will be called with (Engine&, std::int64_t iter_counter, args...)"));
}

TEST_CASE("the type-erased overload fits every event and shares one callable", "[engine][handlers]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    std::vector<std::string> seen;
    HandlerFn fn = [&seen, calls = 0](Engine&, const FiredEvent& f) mutable {
        seen.push_back(f.event.name() + "#" + std::to_string(++calls));
    };
    auto h = e.add_event_handler(Events::STARTED | Events::EXCEPTION_RAISED | Events::COMPLETED, Priority{}, fn);
    e.run(data::range(1));
    CHECK(seen == Lines{"STARTED#1", "COMPLETED#2"});
    // One call removes the registration from every event it is on.
    e.remove_event_handler(h.id());
    CHECK_FALSE(e.has_event_handler(h.id()));
    CHECK_THAT(
        thrown<ValueError>([&] { e.remove_event_handler(h.id()); }),
        Catch::Equals("Input handler '" + std::to_string(h.id()) + "' is not found among registered event handlers"));
}

TEST_CASE("process functions take typed batches and return typed outputs", "[engine][data]") {
    using XY = std::tuple<at::Tensor, at::Tensor>;
    Engine e([](Engine&, const XY& batch) {
        const auto& [x, y] = batch;
        return std::make_tuple(x * 2, y);
    });
    const auto x = at::ones({2}), y = at::zeros({2});
    e.run(std::vector<c10::IValue>{c10::ivalue::Tuple::create({x, y})});
    auto [y_pred, target] = unpack<at::Tensor, at::Tensor>(e.state.output, "output");
    CHECK(y_pred.equal(x * 2));
    CHECK(target.equal(y));
    CHECK_THAT(thrown<TypeError>([&] { (void)e.run(data::range(1)); }),
               Catch::Equals("the batch should be a tuple or list (Tensor, Tensor), but given a Int"));
}

TEST_CASE("unpack converts nested tuples, lists, optionals and numbers, naming what does not fit", "[engine][data]") {
    const c10::IValue v =
        c10::ivalue::Tuple::create({std::int64_t{3}, 0.5, c10::IValue(), c10::List<std::int64_t>({1, 2})});
    auto [n, d, none, ints] = unpack<std::int64_t, double, std::optional<double>, std::vector<std::int64_t>>(v);
    CHECK(n == 3);
    CHECK(d == 0.5);
    CHECK_FALSE(none.has_value());
    CHECK(ints == std::vector<std::int64_t>{1, 2});
    CHECK(unpack<double>(c10::IValue(std::int64_t{2})) == 2.0);
    CHECK(unpack<std::pair<std::int64_t, std::string>>(c10::ivalue::Tuple::create({std::int64_t{1}, std::string("a")}))
              .second == "a");
    CHECK_THAT(thrown<TypeError>([&] { (void)unpack<at::Tensor, at::Tensor>(v, "output"); }),
               Catch::Equals("output should be a tuple or list (Tensor, Tensor), but given a Tuple of 4"));
    CHECK_THAT(thrown<TypeError>([&] { (void)unpack<std::vector<std::string>>(v, "names"); }),
               Catch::Equals("names should be str, but given a Int"));
}

TEST_CASE("state_dict converts to a LibTorch dict and back, through torch's pickle", "[engine][state]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    e.state_dict_user_keys.push_back("alpha");
    e.state.set("alpha", 0.25);
    e.run(data::range(3), 2);
    const TorchDict sd = e.state_dict();
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(sd));
    Engine restored([](Engine&, const c10::IValue& b) { return b; });
    restored.state_dict_user_keys.push_back("alpha");
    restored.load_state_dict(torch::pickle_load(bytes).toGenericDict());
    CHECK(restored.state.iteration == 6);
    CHECK(restored.state.max_epochs == 2);
    CHECK(restored.state.get<double>("alpha") == 0.25);
    CHECK(Dict(sd).keys() == std::vector<std::string>{"epoch_length", "max_epochs", "iteration", "alpha"});
    c10::impl::GenericDict bad(c10::IntType::get(), c10::AnyType::get());
    bad.insert(1, 2);
    CHECK_THAT(thrown<TypeError>([&] { restored.load_state_dict(bad); }), Catch::Contains("keys should be strings"));
}

TEST_CASE("a handler removed during its event's dispatch still runs in that dispatch", "[engine][handlers]") {
    Trace t;
    Engine e(t.echo());
    RemovableEventHandle second;
    e.add_event_handler(Events::EPOCH_COMPLETED, [&](Engine& eng) {
        t.h(eng, "first");
        second.remove();
    });
    second = e.add_event_handler(Events::EPOCH_COMPLETED, t.handler("second"));
    e.run(data::range(1), 2);
    // Ignite iterates a snapshot of the list: 'second' runs in epoch 1, not in epoch 2.
    CHECK(only(t, {"H"}) == Lines{"H first e=1 i=1", "H second e=1 i=1", "H first e=2 i=2"});
}

TEST_CASE("a handler added during its event's dispatch runs in the same dispatch", "[engine][handlers]") {
    Trace t;
    Engine e(t.echo());
    e.add_event_handler(Events::EPOCH_COMPLETED.once(1), [&](Engine& eng) {
        t.h(eng, "adder");
        eng.add_event_handler(Events::EPOCH_COMPLETED, t.handler("added"));
    });
    e.run(data::range(1), 2);
    CHECK(only(t, {"H"}) == Lines{"H adder e=1 i=1", "H added e=1 i=1", "H added e=2 i=2"});
}

TEST_CASE("remove_event_handler errors name the event or handler", "[engine][handlers][errors]") {
    Engine e([](Engine&, const c10::IValue&) {});
    auto h = e.add_event_handler(Events::STARTED, [] {});
    CHECK_THAT(thrown<ValueError>([&] { (void)e.remove_event_handler(h.id(), Event::kCompleted); }),
               Catch::Contains("is not found among registered event handlers of COMPLETED"));
    CHECK_THAT(thrown<ValueError>([&] { (void)e.remove_event_handler(h.id(), Event::custom("test.NEVER")); }),
               Catch::Contains("Input event name 'test.NEVER' does not exist"));
    e.remove_event_handler(h.id(), Event::kStarted);
    CHECK_FALSE(e.has_event_handler(h));
}

TEST_CASE("handles are safe after the engine is gone, scoped handles remove at scope end", "[engine][handlers]") {
    RemovableEventHandle dangling;
    {
        Engine e([](Engine&, const c10::IValue&) {});
        dangling = e.add_event_handler(Events::STARTED, [] {});
        int calls = 0;
        {
            ScopedEventHandle scoped(e.add_event_handler(Events::STARTED, [&] { ++calls; }));
            e.run(data::range(1));
            CHECK(e.has_event_handler(scoped.handle()));
        }
        e.run(data::range(1));
        CHECK(calls == 1);
    }
    CHECK_NOTHROW(dangling.remove());
}

// ---- terminate / interrupt / exceptions --------------------------------------------------

TEST_CASE("terminate(skip_completed) fires TERMINATE but not COMPLETED", "[engine][terminate]") {
    Trace t;
    Engine e(t.echo());
    t.observe(e);
    e.add_event_handler(Events::ITERATION_COMPLETED.once(2), [](Engine& eng) { eng.terminate(true); });
    t.run(e, data::range(3), "list(range(3))", 2);
    CHECK(Lines(t.lines.end() - 4, t.lines.end()) ==
          Lines{"PF b=1 e=1 i=2", "EV ITERATION_COMPLETED e=1 i=2", "EV TERMINATE e=1 i=2",
                "RET epoch=1 iteration=2 max_epochs=2 epoch_length=3 output=1 batch=1 "
                "times={\"EPOCH_COMPLETED\":\"num\",\"COMPLETED\":\"num\"}"});
}

TEST_CASE("terminate_epoch(skip_epoch_completed) skips EPOCH_COMPLETED of the cut epoch", "[engine][terminate]") {
    Trace t;
    Engine e(t.echo());
    t.observe(e);
    e.add_event_handler(Events::ITERATION_STARTED.once(2), [](Engine& eng) { eng.terminate_epoch(true); });
    t.run(e, data::range(3), "list(range(3))", 2);
    const auto ev = only(t, {"EV", "PF"});
    // Terminated at ITERATION_STARTED of iteration 2: the process function does not run.
    CHECK(std::find(ev.begin(), ev.end(), "PF b=1 e=1 i=2") == ev.end());
    CHECK(std::find(ev.begin(), ev.end(), "EV TERMINATE_SINGLE_EPOCH e=1 i=2 kw={\"iter_counter\":2}") != ev.end());
    CHECK(std::find(ev.begin(), ev.end(), "EV EPOCH_COMPLETED e=1 i=2") == ev.end());
    CHECK(e.state.epoch == 2);
    CHECK(e.state.iteration == 5);
}

TEST_CASE("terminate_epoch in STARTED or EPOCH_STARTED is a RuntimeError", "[engine][terminate][errors]") {
    for (const auto& spec : {Events::STARTED, Events::EPOCH_STARTED}) {
        Engine e([](Engine&, const c10::IValue&) {});
        e.add_event_handler(spec, [](Engine& eng) { eng.terminate_epoch(); });
        CHECK_THAT(thrown<RuntimeError>([&] { (void)e.run(data::range(2)); }),
                   Catch::Contains("terminate_epoch() should not be called on Event.STARTED"));
    }
}

TEST_CASE("terminate inside EPOCH_COMPLETED ends the run after that epoch", "[engine][terminate]") {
    Trace t;
    Engine e(t.echo());
    t.observe(e);
    e.add_event_handler(Events::EPOCH_COMPLETED.once(1), [](Engine& eng) { eng.terminate(); });
    t.run(e, data::range(2), "list(range(2))", 3);
    CHECK(Lines(t.lines.end() - 4, t.lines.end() - 1) ==
          Lines{"EV EPOCH_COMPLETED e=1 i=2", "EV TERMINATE e=1 i=2", "EV COMPLETED e=1 i=2"});
}

TEST_CASE("interrupt in EPOCH_COMPLETED resumes at the next epoch", "[engine][interrupt]") {
    Trace t;
    Engine e(t.echo());
    t.observe(e);
    e.add_event_handler(Events::EPOCH_COMPLETED.once(1), [](Engine& eng) { eng.interrupt(); });
    t.run(e, data::range(2), "list(range(2))", 2);
    CHECK(t.lines.back().rfind("RET epoch=1 iteration=2", 0) == 0);
    CHECK(t.lines[t.lines.size() - 2] == "EV INTERRUPT e=1 i=2");
    t.lines.clear();
    t.run(e, data::range(2), "list(range(2))", 2);
    CHECK(t.lines[1] == "EV EPOCH_STARTED e=2 i=2");
    CHECK(e.state.iteration == 4);
}

TEST_CASE("an exception propagates unchanged without an EXCEPTION_RAISED handler", "[engine][exceptions]") {
    struct Custom : std::runtime_error {
        using std::runtime_error::runtime_error;
    };
    Engine e([](Engine& eng, const c10::IValue&) {
        if (eng.state.iteration == 2) throw Custom("custom failure");
    });
    int completed = 0;
    e.add_event_handler(Events::COMPLETED, [&] { ++completed; });
    CHECK_THROWS_AS(e.run(data::range(3)), Custom);
    CHECK(completed == 0);
    CHECK(e.state.iteration == 2);
}

TEST_CASE("an exception in a handler reaches EXCEPTION_RAISED, the run goes on", "[engine][exceptions]") {
    Trace t;
    Engine e(t.echo());
    t.observe(e);
    e.add_event_handler(Events::EPOCH_COMPLETED.once(1), [] { throw ValueError("handler failed"); });
    e.add_event_handler(Events::EXCEPTION_RAISED, [&](Engine& eng, const std::exception_ptr& ex) {
        t.h(eng, "on_exception", " " + ignite::describe_exception(ex));
    });
    t.run(e, data::range(2), "list(range(2))", 2);
    // Raised outside the data loop: handled at the run level, the run returns (no COMPLETED).
    CHECK(only(t, {"H"}) == Lines{"H on_exception e=1 i=2 ValueError: handler failed"});
    CHECK(t.lines.back().rfind("RET epoch=1 iteration=2", 0) == 0);
}

TEST_CASE("an exception observer sees the exception once and does not swallow it", "[engine][exceptions]") {
    // Raised inside the data loop (handled there first in Ignite) and outside it.
    for (const bool in_iteration : {true, false}) {
        DYNAMIC_SECTION((in_iteration ? "in an iteration" : "in EPOCH_COMPLETED")) {
            Engine e([&](Engine& eng, const c10::IValue&) {
                if (in_iteration && eng.state.iteration == 2) throw ValueError("boom");
            });
            if (!in_iteration) e.add_event_handler(Events::EPOCH_COMPLETED, [] { throw ValueError("boom"); });
            std::vector<std::string> seen;
            e.add_exception_observer(Priority{}, [&](Engine& eng, const std::exception_ptr& ex) {
                seen.push_back(std::to_string(eng.state.iteration) + " " + ignite::describe_exception(ex));
            });
            int completed = 0;
            e.add_event_handler(Events::COMPLETED, [&] { ++completed; });
            CHECK_THAT(thrown<ValueError>([&] { (void)e.run(data::range(3), 2); }), Catch::Equals("boom"));
            CHECK(seen == std::vector<std::string>{(in_iteration ? "2" : "3") + std::string(" ValueError: boom")});
            CHECK(completed == 0);
        }
    }
}

TEST_CASE("an observer beside an ordinary EXCEPTION_RAISED handler: Ignite's rule, swallowed", "[engine][exceptions]") {
    Engine e([](Engine& eng, const c10::IValue&) {
        if (eng.state.iteration == 2) throw ValueError("boom");
    });
    std::vector<std::string> calls;
    e.add_exception_observer(Priority{-1}, [&](Engine&) { calls.push_back("observer"); });
    e.add_event_handler(Events::EXCEPTION_RAISED, [&](Engine&) { calls.push_back("handler"); });
    CHECK_NOTHROW(e.run(data::range(3), 1));
    CHECK(calls == std::vector<std::string>{"observer", "handler"});
}

TEST_CASE("an observer may decide to handle the exception, only inside its dispatch", "[engine][exceptions]") {
    Engine e([](Engine& eng, const c10::IValue&) {
        if (eng.state.iteration == 2) throw ValueError("boom");
    });
    CHECK_THROWS_AS(e.mark_exception_handled(), RuntimeError);
    int observed = 0;
    e.add_exception_observer(Priority{}, [&](Engine& eng) {
        ++observed;
        eng.mark_exception_handled();
    });
    CHECK_NOTHROW(e.run(data::range(3), 1));
    CHECK(observed == 1);
    CHECK_THROWS_AS(e.mark_exception_handled(), RuntimeError);
    // The decision is per exception: a later one propagates unless marked again.
    Engine f([](Engine& eng, const c10::IValue&) {
        if (eng.state.iteration == 1) throw ValueError("first");
        if (eng.state.iteration == 2) throw ValueError("second");
    });
    int seen = 0;
    f.add_exception_observer(Priority{}, [&](Engine& eng) {
        if (++seen == 1) eng.mark_exception_handled();
    });
    CHECK_NOTHROW(f.run(data::range(2), 1));  // the first is swallowed: epoch 1 ends
    CHECK_THAT(thrown<ValueError>([&] { (void)f.run(data::range(2), 2); }), Catch::Equals("second"));
}

TEST_CASE("a re-raising EXCEPTION_RAISED handler is called once and the error propagates", "[engine][exceptions]") {
    bool failed_once = false;
    Engine e([&](Engine& eng, const c10::IValue&) {
        if (eng.state.iteration == 1 && !failed_once) {
            failed_once = true;
            throw ValueError("boom");
        }
    });
    int calls = 0;
    e.add_event_handler(Events::EXCEPTION_RAISED, [&](const std::exception_ptr& ex) {
        ++calls;
        std::rethrow_exception(ex);
    });
    CHECK_THAT(thrown<ValueError>([&] { (void)e.run(data::range(2), 2); }), Catch::Equals("boom"));
    CHECK(calls == 1);
    // The engine stays usable (Ignite's dead generator would make this run a no-op): the
    // next run resumes from the state it stopped in, epoch 1 of 2.
    int runs_completed = 0;
    e.add_event_handler(Events::COMPLETED, [&] { ++runs_completed; });
    e.run(data::range(2), 2);
    CHECK(e.state.epoch == 2);
    CHECK(runs_completed == 1);
}

// ---- run / resume / state ---------------------------------------------------------------

TEST_CASE("a larger max_epochs on a finished engine continues training", "[engine][run]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    e.run(data::range(2), 2);
    e.run(data::range(2), 4);
    CHECK(e.state.epoch == 4);
    CHECK(e.state.iteration == 8);
}

TEST_CASE("resume from an iteration via load_state_dict continues mid-epoch", "[engine][run]") {
    Trace t;
    Engine e(t.echo());
    t.observe(e);
    e.load_state_dict({{"iteration", 5}, {"max_epochs", 2}, {"epoch_length", 4}});
    CHECK(e.state.epoch == 1);
    t.run(e, data::range(4), "list(range(4))");
    CHECK(only(t, {"PF"}) == Lines{"PF b=0 e=2 i=6", "PF b=1 e=2 i=7", "PF b=2 e=2 i=8"});
    CHECK(e.state.iteration == 8);
}

TEST_CASE("run argument errors are clear and leave the state alone", "[engine][run][errors]") {
    Engine e([](Engine&, const c10::IValue&) {});
    CHECK_THAT(thrown<ValueError>([&] { (void)e.run(nullptr, 2); }),
               Catch::Equals("epoch_length should be provided if data is None"));
    CHECK_THAT(thrown<ValueError>([&] { (void)e.run(data::range(0)); }),
               Catch::Equals("Input data has zero size. Please provide non-empty data"));
    e.run(data::range(3), 3);
    e.load_state_dict({{"epoch", 2}, {"max_epochs", 3}, {"epoch_length", 3}});
    CHECK_THAT(thrown<ValueError>([&] { (void)e.run(data::range(3), 1); }),
               Catch::Contains("Argument max_epochs should be greater than or equal to the start epoch "
                               "defined in the state: 1 vs 2"));
    CHECK_THAT(thrown<ValueError>([&] { (void)e.run(data::range(3), 3, 4); }),
               Catch::Contains("Argument epoch_length should be same as in the state, but given 4 vs 3"));
    CHECK(e.state.epoch == 2);
    CHECK(e.state.iteration == 6);
}

TEST_CASE("max_epochs or epoch_length <= 0 is a run with nothing to do, as in Ignite", "[engine][run]") {
    for (const Engine::RunArgs& args : {Engine::RunArgs{.max_epochs = 0}, Engine::RunArgs{.epoch_length = 0}}) {
        Trace t;
        Engine e(t.echo());
        t.observe(e);
        e.run(data::range(3), args);
        CHECK(only(t, {"EV", "PF"}) == Lines{"EV STARTED e=0 i=0", "EV COMPLETED e=0 i=0"});
    }
}

TEST_CASE("max_iters: typed keyword arguments, state_dict round trip and its errors", "[engine][run][max_iters]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    e.run(data::range(4), {.max_iters = 6});
    CHECK(e.state.iteration == 6);
    CHECK(e.state.epoch == 2);
    CHECK_FALSE(e.state.max_epochs.has_value());
    const Dict sd = e.state_dict();
    CHECK(sd.keys() == std::vector<std::string>{"epoch_length", "iteration", "max_iters"});
    Engine resumed([](Engine&, const c10::IValue& b) { return b; });
    resumed.load_state_dict({{"iteration", 2}, {"max_iters", 7}, {"epoch_length", 4}});
    resumed.run(data::range(4));
    CHECK(resumed.state.iteration == 7);
    CHECK_THAT(
        thrown<ValueError>([&] {
            resumed.load_state_dict({{"iteration", 2}, {"max_iters", 7}, {"max_epochs", 2}, {"epoch_length", 4}});
        }),
        Catch::Contains("exactly one of '('max_epochs', 'max_iters')'"));
    CHECK_THAT(thrown<ValueError>([&] { e.run(data::range(4), {.max_epochs = 1, .max_iters = 1}); }),
               Catch::Contains("mutually exclusive"));
    Engine empty([](Engine&, const c10::IValue& b) { return b; });
    CHECK_THAT(thrown<ValueError>([&] { empty.run(data::one_pass_values({}), {.max_iters = 3}); }),
               Catch::Contains("max_iters can never be reached"));
}

TEST_CASE("state user attributes are typed with clear errors", "[engine][state][errors]") {
    State s;
    s.set("alpha", 0.5);
    s.set("name", std::string("run-1"));
    CHECK(s.get<double>("alpha") == 0.5);
    CHECK(s.get<std::string>("name") == "run-1");
    CHECK_THAT(thrown<ValueError>([&] { (void)s.get<double>("beta"); }),
               Catch::Contains("engine.state has no attribute 'beta'"));
    CHECK_THAT(thrown<TypeError>([&] { (void)s.get<std::int64_t>("name"); }),
               Catch::Equals("state attribute 'name' holds a String, not an int"));
}

TEST_CASE("state_dict with a user key the state lacks is an error", "[engine][state][errors]") {
    Engine e([](Engine&, const c10::IValue&) {});
    e.state_dict_user_keys.push_back("beta");
    CHECK_THAT(thrown<ValueError>([&] { (void)e.state_dict(); }), Catch::Contains("names 'beta'"));
    CHECK_THAT(thrown<TypeError>([&] {
                   (void)e.load_state_dict(
                       {{"iteration", std::string("x")}, {"max_epochs", 1}, {"epoch_length", 1}, {"beta", 1}});
               }),
               Catch::Contains("state_dict['iteration'] holds a String"));
}

TEST_CASE("times record epoch and run durations in seconds", "[engine][state]") {
    Engine e([](Engine&, const c10::IValue&) {});
    CHECK_FALSE(e.state.times.completed.has_value());
    e.run(data::range(3), 2);
    REQUIRE(e.state.times.epoch_completed.has_value());
    REQUIRE(e.state.times.completed.has_value());
    CHECK(*e.state.times.completed >= *e.state.times.epoch_completed);
    CHECK(*e.state.times.completed < 10.0);
}
