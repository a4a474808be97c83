// Issue 17 §6: library edges found while replaying Ignite's scenarios in C++. Each test
// compiles the exact form a user writes and checks what it does (event traces, outputs),
// not only that it compiles:
// - a type-erased HandlerFn registers in every form a plain callable does (single event,
//   `A | B`, with a Priority, through on()), and an empty one is refused by every form;
// - DeterministicEngine takes every process function Engine takes (one AnyProcessFunction),
//   and the README's first example runs unchanged with DeterministicEngine swapped in.
#include "support/trace.hpp"

#include <ignite/core/deterministic.hpp>
#include <ignite/core/engine.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <torch/torch.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace ignite;
using ignite::test::Trace;
using Lines = std::vector<std::string>;

namespace {

// The ValueError message `f` throws, or a marker when it throws nothing.
template <typename F>
std::string value_error_of(F&& f) {
    try {
        f();
    } catch (const ValueError& e) {
        return e.what();
    }
    return "<no ValueError>";
}

// A HandlerFn writing "H <label> <EVENT> e= i=" into the trace.
HandlerFn labelled(Trace& t, const std::string& label) {
    return [&t, label](Engine& e, const FiredEvent& f) {
        t.add(fmt::format("H {} {} e={} i={}", label, f.event.name(), e.state.epoch, e.state.iteration));
    };
}

}  // namespace

// ---- HandlerFn fits every form -------------------------------------------------------------

TEST_CASE("a HandlerFn registers on A | B, with or without a Priority, and through on()", "[edges][handlers]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    Trace t;
    t.observe(e);
    const HandlerFn list_fn = labelled(t, "list");  // a const lvalue, as users keep one
    e.add_event_handler(Events::STARTED | Events::COMPLETED, list_fn);
    e.add_event_handler(Events::EPOCH_STARTED | Events::EPOCH_COMPLETED, Priority{-1}, labelled(t, "list-prio"));
    e.on(Events::ITERATION_COMPLETED | Events::COMPLETED, labelled(t, "on-list"));
    e.add_event_handler(Events::ITERATION_COMPLETED.every(2), Priority{5}, labelled(t, "spec-prio"));
    e.on(Events::STARTED, Priority{-3}, labelled(t, "on-prio"));
    e.run(data::range(2));
    CHECK(t.lines == Lines{"EV STARTED e=0 i=0",
                           "H on-prio STARTED e=0 i=0",
                           "H list STARTED e=0 i=0",
                           "EV EPOCH_STARTED e=1 i=0",
                           "H list-prio EPOCH_STARTED e=1 i=0",
                           "EV GET_BATCH_STARTED e=1 i=0",
                           "EV GET_BATCH_COMPLETED e=1 i=0",
                           "EV ITERATION_STARTED e=1 i=1",
                           "EV ITERATION_COMPLETED e=1 i=1",
                           "H on-list ITERATION_COMPLETED e=1 i=1",
                           "EV GET_BATCH_STARTED e=1 i=1",
                           "EV GET_BATCH_COMPLETED e=1 i=1",
                           "EV ITERATION_STARTED e=1 i=2",
                           "EV ITERATION_COMPLETED e=1 i=2",
                           "H on-list ITERATION_COMPLETED e=1 i=2",
                           "H spec-prio ITERATION_COMPLETED e=1 i=2",
                           "EV EPOCH_COMPLETED e=1 i=2",
                           "H list-prio EPOCH_COMPLETED e=1 i=2",
                           "EV COMPLETED e=1 i=2",
                           "H list COMPLETED e=1 i=2",
                           "H on-list COMPLETED e=1 i=2"});
}

TEST_CASE("a HandlerFn on A | B is one registration sharing one callable, removed at once", "[edges][handlers]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    Lines seen;
    HandlerFn counting = [&seen, calls = 0](Engine&, const FiredEvent& f) mutable {
        seen.push_back(f.event.name() + "#" + std::to_string(++calls));
    };
    auto h = e.add_event_handler(Events::STARTED | Events::EPOCH_COMPLETED | Events::COMPLETED, counting);
    CHECK(e.has_event_handler(h, Event::kStarted));
    CHECK(e.has_event_handler(h, Event::kCompleted));
    e.run(data::range(1), 2);
    CHECK(seen == Lines{"STARTED#1", "EPOCH_COMPLETED#2", "EPOCH_COMPLETED#3", "COMPLETED#4"});
    h.remove();
    CHECK_FALSE(e.has_event_handler(h));
    seen.clear();
    e.run(data::range(1));
    CHECK(seen.empty());
}

TEST_CASE("a HandlerFn in a list with EXCEPTION_RAISED gets the exception and handles it, as Ignite",
          "[edges][handlers]") {
    Engine e([](Engine& eng, const c10::IValue&) -> c10::IValue {
        if (eng.state.iteration == 2) throw std::runtime_error("boom");
        return {};
    });
    Lines seen;
    const HandlerFn on_both = [&](Engine& eng, const FiredEvent& f) {
        std::string what = "none";
        if (f.exception) {
            try {
                std::rethrow_exception(f.exception);
            } catch (const std::exception& ex) {
                what = ex.what();
            }
        }
        seen.push_back(fmt::format("{} i={} {}", f.event.name(), eng.state.iteration, what));
    };
    e.add_event_handler(Events::EXCEPTION_RAISED | Events::COMPLETED, on_both);
    REQUIRE_NOTHROW(e.run(data::range(3)));
    // As Ignite 0.5.3: the handled exception ends the epoch's loop and the run goes on to COMPLETED.
    CHECK(seen == Lines{"EXCEPTION_RAISED i=2 boom", "COMPLETED i=2 none"});
}

TEST_CASE("an empty handler is refused by every form, registering nothing", "[edges][handlers][errors]") {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    const std::string msg = "add_event_handler needs a callable handler, given an empty one";
    const HandlerFn empty;
    const std::function<void(Engine&)> empty_engine_only;
    void (*null_pointer)(Engine&) = nullptr;
    CHECK(value_error_of([&] { (void)e.add_event_handler(Events::STARTED, empty); }) == msg);
    CHECK(value_error_of([&] { (void)e.add_event_handler(Events::STARTED | Events::COMPLETED, empty); }) == msg);
    CHECK(value_error_of([&] { (void)e.add_event_handler(Events::STARTED, Priority{1}, empty); }) == msg);
    CHECK(value_error_of([&] {
              (void)e.add_event_handler(Events::STARTED | Events::COMPLETED, Priority{1}, empty,
                                        ExceptionRole::kObserves);
          }) == msg);
    CHECK(value_error_of([&] { (void)e.on(Events::COMPLETED, empty); }) == msg);
    CHECK(value_error_of([&] { (void)e.add_event_handler(Events::COMPLETED, empty_engine_only); }) == msg);
    CHECK(value_error_of([&] { (void)e.add_event_handler(Events::STARTED | Events::COMPLETED, null_pointer); }) ==
          msg);
    CHECK(value_error_of([&] { (void)e.add_exception_observer(Priority{}, empty); }) == msg);
    CHECK_FALSE(e.has_event_handler(1));
    Lines ran;
    e.set_event_observer([&](Engine&, const FiredEvent& f) { ran.push_back(f.event.name()); });
    e.run(data::range(1));  // nothing registered: the run is plain
    CHECK(ran.front() == "STARTED");
    CHECK(ran.back() == "COMPLETED");
}

// ---- one set of process functions for every engine ---------------------------------------------

namespace {

using XY = std::tuple<at::Tensor, at::Tensor>;

double typed_step(Engine&, const XY& batch) { return std::get<0>(batch).sum().item<double>(); }
double typed_step_noexcept(Engine&, const XY& batch) noexcept { return std::get<1>(batch).sum().item<double>(); }

// Two (x, y) batches: x = [k, k], y = [10k].
std::vector<XY> two_batches() {
    return {XY{at::full({2}, 1.0), at::full({1}, 10.0)}, XY{at::full({2}, 2.0), at::full({1}, 20.0)}};
}

// Runs `process_function` on an engine of type E over two_batches() and returns the output of
// each iteration as text, plus the error a batch of the wrong type gives.
template <typename E, typename F>
Lines outputs_of(F process_function) {
    E engine(process_function);
    Lines out;
    engine.add_event_handler(Events::ITERATION_COMPLETED,
                             [&](Engine& e) { out.push_back(test::format_value(e.state.output)); });
    engine.run(two_batches());
    try {
        E wrong(process_function);
        wrong.run(data::range(1));
        out.emplace_back("<no error>");
    } catch (const std::exception& ex) {
        out.emplace_back(ex.what());
    }
    return out;
}

}  // namespace

TEMPLATE_TEST_CASE("Engine and DeterministicEngine take the same process functions", "[edges][process]", Engine,
                   DeterministicEngine) {
    using E = TestType;
    const std::string wrong_batch = "the batch should be a tuple or list (Tensor, Tensor), but given a Int";
    SECTION("a typed batch by const reference (README's first example)") {
        CHECK(outputs_of<E>([](Engine&, const XY& b) { return std::get<1>(b).sum().item<double>(); }) ==
              Lines{"10.0", "20.0", wrong_batch});
    }
    SECTION("a typed batch by value, mutable, returning a tuple") {
        CHECK(outputs_of<E>([n = 0](Engine&, XY b) mutable {
                  return std::make_tuple(std::get<0>(b) * ++n, std::get<1>(b));
              }) == Lines{"[tensor[1.0,1.0],tensor[10.0]]", "[tensor[4.0,4.0],tensor[20.0]]", wrong_batch});
    }
    SECTION("a function and a noexcept function") {
        CHECK(outputs_of<E>(typed_step) == Lines{"2.0", "4.0", wrong_batch});
        CHECK(outputs_of<E>(&typed_step_noexcept) == Lines{"10.0", "20.0", wrong_batch});
        CHECK(outputs_of<E>([](Engine&, const XY& b) noexcept { return std::get<0>(b).numel(); }) ==
              Lines{"2", "2", wrong_batch});
    }
    SECTION("a std::function over a typed batch, and the IValue forms") {
        std::function<double(Engine&, const XY&)> fn = typed_step;
        CHECK(outputs_of<E>(fn) == Lines{"2.0", "4.0", wrong_batch});
        ProcessFunction erased = [](Engine&, const c10::IValue& b) { return b.isTuple() ? c10::IValue(1) : b; };
        CHECK(outputs_of<E>(erased) == Lines{"1", "1", "<no error>"});
        CHECK(outputs_of<E>([](Engine&, const auto&) {}) == Lines{"null", "null", "<no error>"});
    }
    SECTION("an empty process function is refused in every form, with Ignite's message") {
        const std::string msg = "Engine must be given a processing function in order to run.";
        CHECK(value_error_of([] { E e(ProcessFunction{}); }) == msg);
        CHECK(value_error_of([] { E e(std::function<double(Engine&, const XY&)>{}); }) == msg);
        double (*null_pointer)(Engine&, const XY&) = nullptr;
        CHECK(value_error_of([&] { E e(null_pointer); }) == msg);
    }
}

// ---- the README's first example, with either engine -----------------------------------------------

namespace {

// Captures what the process writes to stdout (fmt::print) between construction and lines().
class CapturedStdout {
public:
    CapturedStdout() : file_(std::tmpfile()) {
        REQUIRE(file_ != nullptr);
        std::fflush(stdout);
        saved_ = ::dup(STDOUT_FILENO);
        REQUIRE(saved_ >= 0);
        REQUIRE(::dup2(::fileno(file_), STDOUT_FILENO) >= 0);
    }
    ~CapturedStdout() { restore(); }
    CapturedStdout(const CapturedStdout&) = delete;
    CapturedStdout& operator=(const CapturedStdout&) = delete;

    Lines lines() {
        restore();
        std::rewind(file_);
        std::string text;
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) text.append(buf, n);
        Lines out;
        std::istringstream in(text);
        for (std::string l; std::getline(in, l);) out.push_back(l);
        return out;
    }

private:
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stdout);
        ::dup2(saved_, STDOUT_FILENO);
        ::close(saved_);
        saved_ = -1;
    }
    std::FILE* file_;
    int saved_ = -1;
};

struct ExampleRun {
    Lines printed;  // what the README's handler printed
    Lines events;   // every event the engine fired, with epoch and iteration
    std::optional<std::int64_t> seed;
};

// The README's first example ("Using the engine from C++"), verbatim from `auto update_model`
// to `trainer.run`, with `Engine` in `Engine trainer(update_model);` replaced by TrainerEngine
// (the one change issue 17 §6 makes). The setup before it is examples/engine/basic_trainer's:
// a linear regression over 400 (x, y) batches of 4.
template <typename TrainerEngine>
ExampleRun readme_first_example() {
    torch::manual_seed(0);
    const torch::Tensor x = torch::randn({1600, 4});
    const torch::Tensor y = x.matmul(torch::tensor({{1.5F}, {-2.0F}, {0.5F}, {3.0F}})) + 0.7;
    std::vector<std::tuple<torch::Tensor, torch::Tensor>> data_loader;
    for (std::int64_t i = 0; i < 1600; i += 4) data_loader.emplace_back(x.slice(0, i, i + 4), y.slice(0, i, i + 4));
    torch::nn::Linear model(4, 1);
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.01));
    torch::nn::MSELoss criterion;
    Trace events;
    CapturedStdout captured;

    // ---- README, verbatim ----
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"  // update_model's `engine`, as the README has it
    auto update_model = [&](Engine& engine, const std::tuple<torch::Tensor, torch::Tensor>& batch) {
        const auto& [inputs, targets] = batch;
        optimizer.zero_grad();
        auto outputs = model(inputs);
        auto loss = criterion(outputs, targets);
        loss.backward();
        optimizer.step();
        return loss.item<double>();
    };

    TrainerEngine trainer(update_model);

    trainer.on(Events::ITERATION_COMPLETED.every(100), [&](Engine& engine) {
        auto batch_loss = unpack<double>(engine.state.output);
        auto lr = optimizer.param_groups()[0].options().get_lr();
        fmt::print("Epoch {}/{} : {} - batch loss: {}, lr: {}\n", engine.state.epoch, *engine.state.max_epochs,
                   engine.state.iteration, batch_loss, lr);
    });

    events.observe(trainer);
    trainer.run(data_loader, /*max_epochs=*/5);  // or trainer.run(data, {.max_iters = 500})
#pragma GCC diagnostic pop
    // ---- end of the README ----

    return {captured.lines(), events.lines, trainer.state.seed};
}

}  // namespace

TEST_CASE("the README's first example runs the same with DeterministicEngine swapped in", "[edges][readme]") {
    const ExampleRun plain = readme_first_example<Engine>();
    const ExampleRun deterministic = readme_first_example<DeterministicEngine>();

    // 5 epochs of 400 iterations, logged every 100: 20 lines, epoch and iteration as Ignite's.
    REQUIRE(plain.printed.size() == 20);
    for (std::size_t k = 0; k < plain.printed.size(); ++k) {
        const auto iteration = static_cast<std::int64_t>(k + 1) * 100;
        INFO(plain.printed[k]);
        CHECK(plain.printed[k].rfind(fmt::format("Epoch {}/5 : {} - batch loss: ", (iteration - 1) / 400 + 1, iteration),
                                     0) == 0);
        CHECK(plain.printed[k].ends_with(", lr: 0.01"));
    }
    // The data is a list and nothing draws random numbers: reseeding per epoch changes
    // nothing, so the deterministic trainer fires the same events and prints the same losses.
    CHECK(deterministic.printed == plain.printed);
    CHECK(deterministic.events == plain.events);
    // STARTED, COMPLETED, per epoch EPOCH_STARTED/COMPLETED and 4 events per iteration, and
    // DATALOADER_STOP_ITERATION when epochs 2 to 5 restart the list (where the deterministic
    // trainer reseeds).
    CHECK(plain.events.size() == 2 + 5 * (2 + 400 * 4) + 4);
    CHECK(std::count(plain.events.begin(), plain.events.end(), "EV DATALOADER_STOP_ITERATION e=2 i=400") == 1);
    CHECK_FALSE(plain.seed);
    CHECK(deterministic.seed);  // drawn at STARTED: the DeterministicEngine really ran
}
