// Engine::terminate_reason(): why a run was terminated (terminate_reasons.def), the first
// reason asked of a run, reset when a run starts; the events a terminate fires are
// Ignite's whatever the reason.
#include "support/trace.hpp"

#include <ignite/core/engine.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string_view>

using namespace ignite;
using ignite::test::Trace;
using Lines = std::vector<std::string>;

// The names are the def's core names; the values are the ABI's, fixed forever.
static_assert(std::string_view(terminate_reason_name(TerminateReason::none)) == "none");
static_assert(std::string_view(terminate_reason_name(TerminateReason::bad_weights)) == "bad_weights");
static_assert(std::string_view(terminate_reason_name(TerminateReason::iteration_limit)) == "iteration_limit");
static_assert(static_cast<int>(TerminateReason::none) == 0 && static_cast<int>(TerminateReason::handler) == 1 &&
              static_cast<int>(TerminateReason::user_signal) == 2 &&
              static_cast<int>(TerminateReason::bad_weights) == 3 &&
              static_cast<int>(TerminateReason::iteration_limit) == 4);

namespace {

// The EV lines of a trace from the first one that is, or starts with, `from`.
Lines events_from(const Trace& t, const std::string& from) {
    Lines out;
    for (const auto& l : t.lines) {
        if (l.rfind("EV ", 0) != 0) continue;
        if (out.empty() && l != "EV " + from && l.rfind("EV " + from + " ", 0) != 0) continue;
        out.push_back(l);
    }
    return out;
}

// A process function that returns its batch, for engines whose trace is not needed.
c10::IValue echo(Engine&, const c10::IValue& b) { return b; }

}  // namespace

TEST_CASE("terminate_reason names the first reason asked, or none, and leaves the events alone",
          "[engine][terminate]") {
    struct Case {
        const char* name;
        std::function<void(Engine&)> setup;
        Engine::RunArgs args;
        TerminateReason expected;
        Lines events;  // from the second ITERATION_COMPLETED on
    };
    using R = TerminateReason;
    auto at_iteration_2 = [](std::function<void(Engine&)> act) {
        return [act](Engine& e) { e.add_event_handler(Events::ITERATION_COMPLETED.once(2), act); };
    };
    const Lines terminated{"EV ITERATION_COMPLETED e=1 i=2", "EV TERMINATE e=1 i=2", "EV COMPLETED e=1 i=2"};
    const Lines ran_out{"EV ITERATION_COMPLETED e=1 i=2",
                        "EV GET_BATCH_STARTED e=1 i=2",
                        "EV GET_BATCH_COMPLETED e=1 i=2",
                        "EV ITERATION_STARTED e=1 i=3",
                        "EV ITERATION_COMPLETED e=1 i=3",
                        "EV EPOCH_COMPLETED e=1 i=3",
                        "EV COMPLETED e=1 i=3"};
    const std::vector<Case> cases{
        {"no terminate", [](Engine&) {}, {.max_epochs = 1}, R::none, ran_out},
        {"a handler's terminate()",
         at_iteration_2([](Engine& e) { e.terminate(); }),
         {.max_epochs = 1},
         R::handler,
         terminated},
        {"terminate(bad_weights) then terminate(handler)",
         at_iteration_2([](Engine& e) {
             e.terminate(R::bad_weights);
             e.terminate(R::handler);
         }),
         {.max_epochs = 1},
         R::bad_weights,
         terminated},
        {"terminate(user_signal, skip_completed) skips COMPLETED",
         at_iteration_2([](Engine& e) { e.terminate(R::user_signal, true); }),
         {.max_epochs = 1},
         R::user_signal,
         {"EV ITERATION_COMPLETED e=1 i=2", "EV TERMINATE e=1 i=2"}},
        {"terminate(none) counts as handler",
         at_iteration_2([](Engine& e) { e.terminate(R::none); }),
         {.max_epochs = 1},
         R::handler,
         terminated},
        {"max_iters reached mid-epoch", [](Engine&) {}, {.max_iters = 2}, R::iteration_limit, terminated},
        {"max_iters at an epoch's end is no terminate", [](Engine&) {}, {.max_iters = 3}, R::none, ran_out},
        {"a reason asked on max_iters' last iteration wins",
         at_iteration_2([](Engine& e) { e.terminate(R::bad_weights); }),
         {.max_iters = 2},
         R::bad_weights,
         terminated},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.name) {
            Trace t;
            Engine e(t.echo());
            t.observe(e);
            c.setup(e);
            // What a checkpoint policy on COMPLETED reads: the reason, already final.
            std::optional<TerminateReason> at_completed;
            e.add_event_handler(Events::COMPLETED, [&](Engine& eng) { at_completed = eng.terminate_reason(); });
            t.run(e, data::range(3), "list(range(3))", c.args);
            CHECK(terminate_reason_name(e.terminate_reason()) == std::string_view(terminate_reason_name(c.expected)));
            CHECK(events_from(t, "ITERATION_COMPLETED e=1 i=2") == c.events);
            if (at_completed) CHECK(*at_completed == c.expected);
        }
    }
}

TEST_CASE("a run started after a terminated one starts at none", "[engine][terminate]") {
    Engine e(echo);
    std::vector<std::string> at_started;
    e.add_event_handler(Events::STARTED,
                        [&](Engine& eng) { at_started.emplace_back(terminate_reason_name(eng.terminate_reason())); });
    auto bad = e.add_event_handler(Events::ITERATION_COMPLETED.once(2),
                                   [](Engine& eng) { eng.terminate(TerminateReason::bad_weights); });
    e.run(data::range(3), 2);
    CHECK(e.terminate_reason() == TerminateReason::bad_weights);
    bad.remove();
    // The terminated run resumes (its state is not done) at the next epoch: a new loop, a
    // new reason.
    e.run(data::range(3));
    CHECK(e.state.epoch == 2);
    CHECK(e.terminate_reason() == TerminateReason::none);
    // A finished engine starts a new state (switching between max_epochs and max_iters
    // needs the other reset first, Ignite 0.5.5's rule).
    e.state.max_epochs = std::nullopt;
    e.run(data::range(3), {.max_iters = 2});
    CHECK(e.terminate_reason() == TerminateReason::iteration_limit);
    e.state.max_iters = std::nullopt;
    e.run(data::range(3), 1);
    CHECK(e.terminate_reason() == TerminateReason::none);
    CHECK(at_started == std::vector<std::string>{"none", "none", "none", "none"});
}

TEST_CASE("a reason asked while a run is interrupted is kept by the run() that resumes it", "[engine][terminate]") {
    Trace t;
    Engine e(t.echo());
    t.observe(e);
    e.add_event_handler(Events::ITERATION_COMPLETED.once(1), [](Engine& eng) { eng.interrupt(); });
    t.run(e, data::range(3), "list(range(3))", 1);
    CHECK(e.state.iteration == 1);
    CHECK(e.terminate_reason() == TerminateReason::none);
    e.terminate(TerminateReason::user_signal);  // e.g. SIGINT between the two calls
    CHECK(e.terminate_reason() == TerminateReason::user_signal);
    t.lines.clear();
    t.run(e, data::range(3), "list(range(3))", 1);
    CHECK(events_from(t, "TERMINATE") == Lines{"EV TERMINATE e=1 i=1", "EV COMPLETED e=1 i=1"});
    CHECK(e.terminate_reason() == TerminateReason::user_signal);
}

TEST_CASE("terminate_reason_name says unknown for a value no reason has", "[engine][terminate]") {
    CHECK(std::string_view(terminate_reason_name(static_cast<TerminateReason>(99))) == "unknown");
}
