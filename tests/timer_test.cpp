// ignite::Timer against Ignite's Timer (ignite.handlers.timing): the same scenarios run here
// and in pytorch-ignite, both driven by one fake clock (Ignite's module-level perf_counter
// replaced), so the values must be equal and no test depends on real time.
#include <ignite/core/handlers/timer.hpp>

#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace ignite;

namespace {

// Ignite's tests/ignite/handlers/test_timing.py::test_timer with sleeps replaced by a fake
// clock: each process function "takes" 0.2 s; the trainer runs the tester at every epoch
// end. Then a table of call sequences on a bare Timer: a number advances the clock by that
// many seconds, a word calls the method, "value" records value().
const char* kIgniteScript = R"PY(
import json, sys
import ignite.handlers.timing as timing
from ignite.engine import Engine, Events
now = [100.0]
timing.perf_counter = lambda: now[0]
Timer = timing.Timer
out = {}
def sleep(engine, batch): now[0] += 0.2
trainer, tester = Engine(sleep), Engine(sleep)
t_total, t_batch, t_train = Timer(), Timer(average=True), Timer()
t_total.attach(trainer)
t_batch.attach(trainer, pause=Events.ITERATION_COMPLETED, resume=Events.ITERATION_STARTED, step=Events.ITERATION_COMPLETED)
t_train.attach(trainer, pause=Events.EPOCH_COMPLETED, resume=Events.EPOCH_STARTED)
trainer.add_event_handler(Events.EPOCH_COMPLETED, lambda e: tester.run(range(3)))
trainer.run(range(3))
out["engine"] = [t_total.value(), t_batch.value(), t_train.value()]
t_total.reset()
out["engine"].append(t_total.value())
for script in json.loads(sys.argv[1]):
    t, values = Timer(average=script[0] == "average"), []
    for op in script[1:]:
        if op == "value": values.append(t.value())
        elif op in ("reset", "pause", "resume", "step"): getattr(t, op)()
        else: now[0] += float(op)
    out[" ".join(script)] = values
print(json.dumps(out))
)PY";

const std::vector<std::vector<std::string>> kScripts = {
    {"total", "0.5", "value", "pause", "1", "value", "resume", "0.25", "value"},
    {"total", "1", "resume", "1", "value", "pause", "pause", "3", "value"},  // resume while running restarts nothing
    {"average", "1", "step", "value", "step", "step", "value", "pause", "value"},
    {"average", "2", "value", "pause", "step", "step", "step", "step", "value"},  // zero steps divide by 1
    {"average", "1", "pause", "step", "resume", "0.5", "pause", "step", "value", "reset", "value", "1", "value"},
    {"total", "0.125", "pause", "resume", "0.125", "pause", "resume", "0.125", "value", "step", "value"},
};

nlohmann::json ignite_values() {
    const auto py = ignite::test::run_process({IGNITE_VENV_PYTHON, "-c", kIgniteScript, nlohmann::json(kScripts).dump()});
    INFO(py.out << py.err);
    REQUIRE(py.rc == 0);
    return nlohmann::json::parse(py.out);
}

}  // namespace

TEST_CASE("Ignite's timer test gives Ignite's values on a fake clock", "[timer]") {
    const auto expected = ignite_values()["engine"].get<std::vector<double>>();
    auto now = std::make_shared<double>(100.0);
    const Timer::Clock clock = [now] { return *now; };
    const auto sleep = [now](Engine&, const c10::IValue&) { *now += 0.2; };
    Engine trainer(sleep), tester(sleep);
    auto t_total = Timer::attach(trainer, std::make_shared<Timer>(false, clock));
    auto t_batch = Timer::attach(trainer, std::make_shared<Timer>(true, clock), Events::STARTED,
                                 Events::ITERATION_COMPLETED, Events::ITERATION_STARTED, Events::ITERATION_COMPLETED);
    auto t_train = Timer::attach(trainer, std::make_shared<Timer>(false, clock), Events::STARTED,
                                 Events::EPOCH_COMPLETED, Events::EPOCH_STARTED);
    trainer.add_event_handler(Events::EPOCH_COMPLETED, [&] { tester.run(data::range(3)); });
    trainer.run(data::range(3));
    // Ignite's assertions: 2 * n_iter * sleep, sleep, n_iter * sleep (here exact).
    CHECK(t_total->value() == Approx(1.2).margin(1e-12));
    CHECK(t_batch->value() == Approx(0.2).margin(1e-12));
    CHECK(t_train->value() == Approx(0.6).margin(1e-12));
    std::vector<double> got{t_total->value(), t_batch->value(), t_train->value()};
    t_total->reset();
    got.push_back(t_total->value());
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).margin(1e-12));
}

TEST_CASE("reset pause resume step and value follow Ignite call for call", "[timer]") {
    const auto expected = ignite_values();
    for (const auto& script : kScripts) {
        std::string key;
        for (const auto& w : script) key += (key.empty() ? "" : " ") + w;
        INFO(key);
        double now = 100.0;
        Timer t(script[0] == "average", [&now] { return now; });
        std::vector<double> values;
        for (std::size_t i = 1; i < script.size(); ++i) {
            const auto& op = script[i];
            if (op == "value") values.push_back(t.value());
            else if (op == "reset") t.reset();
            else if (op == "pause") t.pause();
            else if (op == "resume") t.resume();
            else if (op == "step") t.step();
            else now += std::stod(op);
        }
        const auto want = expected.at(key).get<std::vector<double>>();
        REQUIRE(values.size() == want.size());
        for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i] == Approx(want[i]).margin(1e-12));
    }
}

TEST_CASE("a timer on the real clock measures a running interval and stops when paused", "[timer]") {
    Timer t;
    CHECK(t.running());
    t.pause();
    const double paused = t.value();
    CHECK(paused >= 0.0);
    CHECK(t.value() == paused);  // paused: the value no longer moves
    CHECK_THROWS_AS(Timer::attach(*std::make_unique<Engine>([](Engine&, const c10::IValue&) {}), nullptr),
                    ValueError);
}
