// Engine::set_handler_observer and label_handlers (issue 18): a profiler's begin/end around
// every handler call, with the label the handler was registered under. The cost when no
// observer is set is bench/engine_overhead's.
#include <ignite/core/engine.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ignite;

namespace {

// "begin LABEL EVENT" / "end LABEL EVENT" lines, into a log the handlers write to too.
class Recorder final : public HandlerObserver {
public:
    explicit Recorder(std::vector<std::string>& log) : log_(log) {}
    void begin(std::string_view label, const FiredEvent& f) noexcept override { line("begin", label, f); }
    void end(std::string_view label, const FiredEvent& f) noexcept override { line("end", label, f); }

private:
    void line(const char* what, std::string_view label, const FiredEvent& f) {
        log_.push_back(std::string(what) + " " + (label.empty() ? "-" : std::string(label)) + " " + f.event.name());
    }
    std::vector<std::string>& log_;
};

ProcessFunction noop() {
    return [](Engine&, const c10::IValue& b) { return b; };
}

}  // namespace

TEST_CASE("an observer sees every handler call with its label, in dispatch order", "[observer]") {
    Engine e(noop());
    std::vector<std::string> log;
    {
        const auto scope = e.label_handlers("console");
        e.add_event_handler(Events::STARTED, [&] { log.push_back("console STARTED"); });
        // Filtered out at iterations 1 and 3: not called, so not observed either.
        e.add_event_handler(Events::ITERATION_COMPLETED.every(2), [&] { log.push_back("console every2"); });
    }
    e.add_event_handler(Events::COMPLETED, [&] { log.push_back("unlabelled COMPLETED"); });
    {
        const auto scope = e.label_handlers("checkpoint");
        e.add_event_handler(Events::COMPLETED, Priority::checkpoint, [&] { log.push_back("checkpoint COMPLETED"); });
    }
    e.set_handler_observer(std::make_shared<Recorder>(log));
    e.run(data::range(3), 1);
    const std::vector<std::string> expected = {"begin console STARTED", "console STARTED",
                                               "end console STARTED",   "begin console ITERATION_COMPLETED",
                                               "console every2",        "end console ITERATION_COMPLETED",
                                               "begin - COMPLETED",     "unlabelled COMPLETED",
                                               "end - COMPLETED",       "begin checkpoint COMPLETED",
                                               "checkpoint COMPLETED",  "end checkpoint COMPLETED"};
    CHECK(log == expected);

    // Removed: the handlers run, unobserved.
    log.clear();
    e.set_handler_observer(nullptr);
    e.run(data::range(3), 1);
    CHECK(log == std::vector<std::string>{"console STARTED", "console every2", "unlabelled COMPLETED",
                                          "checkpoint COMPLETED"});
}

TEST_CASE("a handler that throws still reaches end, and its exception goes on as unobserved", "[observer]") {
    struct Case {
        bool handled;  // an EXCEPTION_RAISED handler (labelled "on_error") swallows it
        std::vector<std::string> expected;
    };
    const Case cases[] = {
        {false, {"begin boom ITERATION_COMPLETED", "end boom ITERATION_COMPLETED"}},
        {true,
         {"begin boom ITERATION_COMPLETED", "end boom ITERATION_COMPLETED", "begin on_error EXCEPTION_RAISED",
          "end on_error EXCEPTION_RAISED"}},
    };
    for (const Case& c : cases) {
        INFO((c.handled ? "handled" : "not handled"));
        Engine e(noop());
        std::vector<std::string> log;
        {
            const auto scope = e.label_handlers("boom");
            e.add_event_handler(Events::ITERATION_COMPLETED, [] { throw std::runtime_error("boom"); });
        }
        if (c.handled) {
            const auto scope = e.label_handlers("on_error");
            e.add_event_handler(Events::EXCEPTION_RAISED, [](Engine&, const std::exception_ptr&) {});
        }
        e.set_handler_observer(std::make_shared<Recorder>(log));
        if (c.handled) {
            CHECK_NOTHROW(e.run(data::range(3), 1));
        } else {
            CHECK_THROWS_WITH(e.run(data::range(3), 1), "boom");
        }
        CHECK(log == c.expected);
    }
}

TEST_CASE("a dispatch inside a handler nests its begin/end pairs inside the handler's", "[observer]") {
    Engine e(noop());
    const Event custom = Event::custom("observer_test.PING");
    e.register_events({custom});
    std::vector<std::string> log;
    {
        const auto outer = e.label_handlers("outer");
        e.add_event_handler(Events::STARTED, [custom](Engine& en) { en.fire_event(custom); });
        const auto inner = e.label_handlers("inner");  // scopes nest
        e.add_event_handler(custom, [] {});
    }
    e.add_event_handler(Events::COMPLETED, [] {});  // after both scopes: no label again
    e.set_handler_observer(std::make_shared<Recorder>(log));
    e.run(data::range(1), 1);
    const std::vector<std::string> expected = {"begin outer STARTED",
                                               "begin inner observer_test.PING",
                                               "end inner observer_test.PING",
                                               "end outer STARTED",
                                               "begin - COMPLETED",
                                               "end - COMPLETED"};
    CHECK(log == expected);
}

TEST_CASE("an observer set by a handler takes over from the next dispatch on", "[observer]") {
    Engine e(noop());
    std::vector<std::string> log;
    auto recorder = std::make_shared<Recorder>(log);
    // Both on STARTED: the second is not observed (set during that dispatch), COMPLETED is.
    e.add_event_handler(Events::STARTED, [recorder](Engine& en) { en.set_handler_observer(recorder); });
    e.add_event_handler(Events::STARTED, [&] { log.push_back("second STARTED"); });
    e.add_event_handler(Events::COMPLETED, [&] { log.push_back("COMPLETED"); });
    e.run(data::range(1), 1);
    CHECK(log == std::vector<std::string>{"second STARTED", "begin - COMPLETED", "COMPLETED", "end - COMPLETED"});
}
