// Core's stopping handlers (issue 20 §2): EarlyStopping against pytorch-ignite 0.5.3's own
// EarlyStopping run in the test (tests/stop_handlers/ignite_early_stopping.py), its NaN
// policies and state layouts; TerminateOnNan on Ignite's test table; TimeLimit's budget
// across a restart.
//
// The venv has Ignite 0.5.3, whose EarlyStopping has min_delta / cumulative_delta and
// compares "higher is better" with an absolute delta only. The 0.5.5 modes are reduced to it
// exactly: mode min is mode max on -score; threshold_mode rel on positive scores is abs on
// log(score) with delta log(1 + threshold) (min: -log(score), -log(1 - threshold)), which
// holds away from the boundary (the boundary cases are checked against Python's own float
// arithmetic in a separate table).
#include <ignite/core/handlers/early_stopping.hpp>
#include <ignite/core/handlers/terminate_on_nan.hpp>
#include <ignite/core/handlers/time_limit.hpp>

#include "support/process.hpp"

#include <torch/torch.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using namespace ignite;
using ES = EarlyStopping;
using json = nlohmann::json;

namespace {

const double kNan = std::numeric_limits<double>::quiet_NaN();

// One score table: what Ignite 0.5.3 is given (scores as Ignite sees them) and what ours is.
struct Case {
    std::string name;
    std::vector<double> scores;  // ours
    std::int64_t patience = 1;
    double threshold = 0;
    bool cumulative = false;
    ES::ThresholdMode threshold_mode = ES::ThresholdMode::abs;
    ES::Mode mode = ES::Mode::max;
    ES::NanPolicy nan = ES::NanPolicy::ignite;
};

// Ours mapped onto 0.5.3's arguments: (scores, min_delta), and back for best.
double to_ignite(const Case& c, double s) {
    if (std::isnan(s)) return s;
    const bool min = c.mode == ES::Mode::min;
    if (c.threshold_mode == ES::ThresholdMode::rel) return min ? -std::log(s) : std::log(s);
    return min ? -s : s;
}
double from_ignite(const Case& c, double s) {
    const bool min = c.mode == ES::Mode::min;
    if (c.threshold_mode == ES::ThresholdMode::rel) return std::exp(min ? -s : s);
    return min ? -s : s;
}
double ignite_delta(const Case& c) {
    if (c.threshold_mode == ES::ThresholdMode::abs) return c.threshold;
    return c.mode == ES::Mode::min ? -std::log1p(-c.threshold) : std::log1p(c.threshold);
}

json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

// Runs every case through Ignite 0.5.3 in the venv.
json ignite_traces(const std::vector<Case>& cases, const std::vector<int>& state_after = {}) {
    json in = json::array();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        json scores = json::array();
        for (double s : c.scores) scores.push_back(number_or_null(to_ignite(c, s)));
        json one{{"scores", scores},
                 {"patience", c.patience},
                 {"min_delta", ignite_delta(c)},
                 {"cumulative_delta", c.cumulative}};
        if (i < state_after.size()) one["state_after"] = state_after[i];
        in.push_back(one);
    }
    const auto file = ignite::test::scratch_dir("stop_handlers_test") / "cases.json";
    std::ofstream(file) << in.dump();
    const auto r = ignite::test::run_process(
        {IGNITE_VENV_PYTHON, std::string(IGNITE_SOURCE_DIR) + "/tests/stop_handlers/ignite_early_stopping.py",
         file.string()});
    INFO(r.cmd << "\n" << r.err);
    REQUIRE(r.exited);
    REQUIRE(r.rc == 0);
    return json::parse(r.out);
}

struct Step {
    std::int64_t counter;
    std::optional<double> best;
    bool stopped;
};

std::vector<Step> our_trace(const Case& c, EarlyStopping* loaded_from = nullptr) {
    Engine trainer([](Engine&, const c10::IValue&) {});
    Engine evaluator([](Engine&, const c10::IValue&) {});
    std::size_t next = 0;
    ES h(c.patience, [&](Engine&) { return c.scores[next++]; }, trainer,
         {.threshold = c.threshold,
          .cumulative = c.cumulative,
          .threshold_mode = c.threshold_mode,
          .mode = c.mode,
          .nan = c.nan});
    h.log = nullptr;
    if (loaded_from) h.load_state_dict(loaded_from->state_dict());
    std::vector<Step> trace;
    while (next < c.scores.size()) {
        h(evaluator);
        trace.push_back({h.counter(), h.best_score(), trainer.should_terminate()});
    }
    return trace;
}

void check_same(const Case& c, const std::vector<Step>& ours, const json& theirs) {
    REQUIRE(ours.size() == theirs.size());
    for (std::size_t k = 0; k < ours.size(); ++k) {
        INFO(c.name << ", after score " << k + 1);
        const auto& t = theirs[k];
        CHECK(ours[k].counter == t[0].get<std::int64_t>());
        CHECK(ours[k].stopped == t[2].get<bool>());
        if (t[1].is_string()) {
            REQUIRE(ours[k].best);
            CHECK(std::isnan(*ours[k].best));
        } else {
            REQUIRE(ours[k].best);
            CHECK(*ours[k].best == Approx(from_ignite(c, t[1].get<double>())).epsilon(1e-12));
        }
    }
}

}  // namespace

TEST_CASE("early stopping decides as Ignite's EarlyStopping on score tables", "[early_stopping]") {
    using TM = ES::ThresholdMode;
    using M = ES::Mode;
    const std::vector<Case> cases = {
        {"plateau stops after patience", {1.0, 1.0, 1.0, 1.0, 1.0}, 3},
        {"improvement resets the counter", {0.5, 0.4, 0.6, 0.6, 0.59, 0.7, 0.1, 0.1}, 2},
        {"abs threshold", {1.0, 2.0, 2.01, 2.02, 2.5, 2.55}, 3, 0.1},
        {"cumulative delta", {0.0, 0.3, 0.6, 0.9, 0.95}, 2, 0.4, true},
        {"last-event delta", {0.0, 0.3, 0.6, 0.9, 0.95}, 3, 0.4, false},
        {"min mode", {3.0, 2.0, 2.5, 1.9, 1.95, 1.99}, 2, 0.0, false, TM::abs, M::min},
        {"min mode cumulative", {3.0, 2.8, 2.6, 2.4, 2.2}, 2, 0.3, true, TM::abs, M::min},
        {"rel threshold", {1.0, 1.05, 1.2, 1.25, 1.5, 1.6}, 2, 0.1, false, TM::rel},
        {"rel threshold cumulative min", {10.0, 9.5, 9.0, 8.0, 7.9, 7.8}, 3, 0.05, true, TM::rel, M::min},
        {"NaN with Ignite's policy counts as an improvement (E13)", {1.0, kNan, 0.5, 0.4, 0.3}, 2},
    };
    // Also, in the same Python run (each start of it costs seconds): the skip policy's
    // reference (the scores without the NaN) and a 0.5.3 state taken after 3 scores.
    auto all = cases;
    all.push_back({"without NaN", {1.0, 0.5, 0.4, 0.3}, 3});
    all.push_back({"resume", {0.5, 0.6, 0.55, 0.58, 0.7, 0.69, 0.68}, 3, 0.01});
    std::vector<int> state_after(all.size(), 0);
    state_after.back() = 3;
    const auto theirs = ignite_traces(all, state_after);
    for (std::size_t i = 0; i < cases.size(); ++i) check_same(cases[i], our_trace(cases[i]), theirs[i]["trace"]);

    {  // a NaN score is ignored with skip: Ignite's decisions on the scores without it
        Case skip{"skip", {1.0, kNan, 0.5, kNan, 0.4, 0.3}, 3};
        skip.nan = ES::NanPolicy::skip;
        const auto ours = our_trace(skip);
        std::vector<Step> finite_steps;
        for (std::size_t k = 0; k < ours.size(); ++k) {
            if (!std::isnan(skip.scores[k]))
                finite_steps.push_back(ours[k]);
            else
                CHECK(ours[k].counter == ours[k - 1].counter);  // unchanged by the NaN
        }
        check_same(all[all.size() - 2], finite_steps, theirs[all.size() - 2]["trace"]);
        CHECK(ours.back().best == 1.0);  // the pre-NaN best survives (Ignite loses it)
    }
    {  // a 0.5.3 state from Ignite loads and continues as Ignite does
        const auto& full = all.back();
        const auto& theirs_full = theirs[all.size() - 1];
        const auto& state = theirs_full["state"];
        CHECK(state.size() == 2);  // 0.5.3's layout: exactly {counter, best_score}
        Engine trainer([](Engine&, const c10::IValue&) {});
        ES h(3, [](Engine&) { return 0.0; }, trainer, {.threshold = 0.01});
        h.load_state_dict(Dict{{"counter", c10::IValue(state["counter"].get<std::int64_t>())},
                               {"best_score", c10::IValue(state["best_score"].get<double>())}});
        Case rest = full;
        rest.scores.erase(rest.scores.begin(), rest.scores.begin() + 3);
        json tail = json::array();
        for (std::size_t k = 3; k < theirs_full["trace"].size(); ++k) tail.push_back(theirs_full["trace"][k]);
        check_same(rest, our_trace(rest, &h), tail);
    }
}

TEST_CASE("rel threshold boundaries follow Python's float arithmetic", "[early_stopping]") {
    // Ignite 0.5.5's tests: best 2.0 and threshold 0.1 make 2.1 and 2.2 no improvement
    // (2.2 <= 2.0 * 1.1 in floats); Python says so here, and ours must agree.
    const auto r = ignite::test::run_process(
        {IGNITE_VENV_PYTHON, "-c", "print(2.1 <= 2.0*(1+0.1), 2.2 <= 2.0*(1+0.1), 2.21 <= 2.0*(1+0.1))"});
    REQUIRE(r.rc == 0);
    REQUIRE(r.out == "True True False\n");
    for (const auto& [score, improves] :
         std::vector<std::pair<double, bool>>{{2.1, false}, {2.2, false}, {2.21, true}}) {
        Case c{"rel boundary", {2.0, score}, 5, 0.1, false, ES::ThresholdMode::rel};
        CHECK(our_trace(c).back().counter == (improves ? 0 : 1));
    }
}

TEST_CASE("a NaN score stops the run by default", "[early_stopping]") {
    Engine trainer([](Engine&, const c10::IValue&) {});
    Engine evaluator([](Engine&, const c10::IValue&) {});
    std::vector<double> scores{1.0, kNan};
    std::size_t next = 0;
    ES stop(
        5, [&](Engine&) { return scores[next++]; }, trainer);
    std::string line;
    stop.log = [&](const std::string& l) { line = l; };
    stop(evaluator);
    CHECK_FALSE(trainer.should_terminate());
    stop(evaluator);
    CHECK(trainer.should_terminate());
    CHECK(trainer.terminate_reason() == TerminateReason::handler);
    CHECK(stop.stop_cause() == "the score was NaN");
    CHECK(line == "EarlyStopping: stop training: the score was NaN");
    CHECK(stop.best_score() == 1.0);
}

TEST_CASE("early stopping's state is 0.5.5's and loads both layouts", "[early_stopping]") {
    Engine trainer([](Engine&, const c10::IValue&) {});
    ES h(2, [](Engine&) { return 1.0; }, trainer, {.threshold_mode = ES::ThresholdMode::rel});
    CHECK(h.state_dict().keys() == std::vector<std::string>{"counter", "best_score", "threshold_mode"});
    CHECK(h.state_dict().at("best_score").isNone());
    h.load_state_dict(Dict{{"counter", c10::IValue(std::int64_t{1})},
                           {"best_score", c10::IValue(0.5)},
                           {"threshold_mode", c10::IValue(std::string("rel"))}});
    CHECK(h.counter() == 1);
    CHECK(h.best_score() == 0.5);
    h.load_state_dict(Dict{{"counter", c10::IValue(std::int64_t{0})}, {"best_score", c10::IValue(0.25)}});
    CHECK(h.best_score() == 0.25);

    SECTION("bad states change nothing") {
        CHECK_THROWS_WITH(h.load_state_dict(Dict{{"counter", c10::IValue(std::int64_t{0})}}),
                          "Required state attribute 'best_score' is absent in provided state_dict");
        CHECK_THROWS_WITH(h.load_state_dict(Dict{{"counter", c10::IValue(std::int64_t{0})},
                                                 {"best_score", c10::IValue(1.0)},
                                                 {"threshold_mode", c10::IValue(std::string("abs"))}}),
                          "state_dict threshold_mode is 'abs' but this EarlyStopping's is 'rel'");
        CHECK_THROWS_AS(
            h.load_state_dict(Dict{{"counter", c10::IValue(std::string("x"))}, {"best_score", c10::IValue(1.0)}}),
            TypeError);
        CHECK(h.counter() == 0);
        CHECK(h.best_score() == 0.25);
    }
}

TEST_CASE("early stopping refuses Ignite's bad arguments", "[early_stopping]") {
    Engine trainer([](Engine&, const c10::IValue&) {});
    const auto score = [](Engine&) { return 0.0; };
    CHECK_THROWS_WITH(ES(0, score, trainer), "Argument patience should be positive integer.");
    CHECK_THROWS_AS(ES(1, score, trainer, {.threshold = -0.1}), ValueError);
    CHECK_THROWS_AS(ES(1, ES::ScoreFunction{}, trainer), TypeError);
    CHECK_THROWS_AS(parse_threshold_mode("relative"), ValueError);
    CHECK_THROWS_AS(parse_mode("maximum"), ValueError);
    CHECK_THROWS_AS(parse_nan_policy("ignore"), ValueError);
}

TEST_CASE("early stopping's attach resets at the reset event and restores the best weights when it stops",
          "[early_stopping]") {
    Engine trainer([](Engine&, const c10::IValue&) {});
    Engine evaluator([](Engine&, const c10::IValue&) {});
    auto w = torch::zeros({3});
    const std::vector<double> scores{0.1, 0.9, 0.5, 0.4};
    std::size_t next = 0;
    auto h = std::make_shared<ES>(
        2, [&](Engine&) { return scores[next++]; }, trainer);
    h->log = nullptr;
    h->keep_best_weights([&] { return ES::NamedTensors{{"w", w}}; });
    ES::attach(h, evaluator, Events::COMPLETED, &trainer, Events::STARTED);
    // Each trainer epoch changes the weights, then evaluates them.
    trainer.add_event_handler(Events::EPOCH_COMPLETED, [&](Engine& t) {
        w.fill_(static_cast<double>(t.state.epoch));
        evaluator.run(std::vector<int>{0}, 1);
    });
    trainer.run(std::vector<int>{0}, 10);
    CHECK(trainer.state.epoch == 4);  // 0.9 at epoch 2, then 2 without improvement
    CHECK(h->stop_cause() == "no improvement in 2 evaluations");
    CHECK(torch::equal(w, torch::full({3}, 2.0)));  // epoch 2's weights
    // A new trainer run resets the handler (reset_engine = trainer, at STARTED).
    next = 0;
    trainer.state.max_epochs = std::nullopt;  // start afresh (Ignite's rule)
    trainer.run(std::vector<int>{0}, 1);
    CHECK(h->best_score() == 0.1);
    CHECK(h->counter() == 0);
}

TEST_CASE("terminate on nan finds NaN and Inf as Ignite's test table does", "[terminate_on_nan]") {
    using T = c10::IValue;
    const double inf = std::numeric_limits<double>::infinity();
    struct Row {
        const char* what;
        T output;
        bool stops;
        const char* where;
    };
    const std::vector<Row> rows = {
        {"1.0", T(1.0), false, ""},
        {"tensor(123.45)", T(torch::tensor(123.45)), false, ""},
        {"asin of an out-of-range tensor", T(torch::asin(torch::tensor({1.0, 2.0}))), true, "[1]"},
        {"tuple with 1/tensor([..0..])", T(std::make_tuple(torch::tensor(1.0), 1.0 / torch::tensor({1.0, 0.0}))), true,
         "[1][1]"},
        {"(1.0, tensor(1.), 'abc')", T(std::make_tuple(1.0, torch::tensor(1.0), std::string("abc"))), false, ""},
        {"(nan, 10.)", T(std::make_tuple(kNan, 10.0)), true, "[0]"},
        {"inf", T(inf), true, ""},
        {"[nan, 10.]", T(c10::List<double>({kNan, 10.0})), true, "[0]"},
        {"an integer tensor", T(torch::tensor({1, 2})), false, ""},
    };
    for (const auto& row : rows) {
        INFO(row.what);
        Engine e([&](Engine&, const c10::IValue&) { return row.output; });
        auto h = std::make_shared<TerminateOnNan>();
        std::string line;
        h->log = [&](const std::string& l) { line = l; };
        TerminateOnNan::attach(h, e);
        e.run(std::vector<int>{0, 0, 0}, 2);
        CHECK(e.should_terminate() == row.stops);
        if (row.stops) {
            CHECK(e.terminate_reason() == TerminateReason::bad_weights);
            CHECK(e.state.iteration == 1);
            REQUIRE(h->found());
            CHECK(h->found()->where == row.where);
            CHECK(line.rfind("TerminateOnNan: output", 0) == 0);
        }
    }
    c10::impl::GenericDict g(c10::StringType::get(), c10::AnyType::get());
    g.insert("ok", 1.0);
    g.insert("loss", torch::tensor(-inf));
    const auto found = TerminateOnNan::find_non_finite(c10::IValue(g));
    REQUIRE(found);
    CHECK(found->where == "['loss']");
    CHECK(found->value == "-inf");
}

TEST_CASE("time limit stops after limit_sec and its budget survives a restart", "[time_limit]") {
    double now = 100.0;
    const auto clock = [&] { return now; };
    Engine first([&](Engine&, const c10::IValue&) { now += 1.0; });  // 1 s per iteration
    auto limit = std::make_shared<TimeLimit>(5, clock);
    limit->log = nullptr;
    TimeLimit::attach(limit, first);
    first.run(std::vector<int>{0, 0, 0, 0}, 10);
    CHECK(first.state.iteration == 6);  // 6 s > 5 s (strict, Ignite's rule)
    CHECK(first.terminate_reason() == TerminateReason::handler);
    const auto state = limit->state_dict();
    CHECK(state.at("elapsed").toDouble() == 6.0);

    // A restart: a new handler (a new process) given the state spends the same budget.
    auto again = std::make_shared<TimeLimit>(8, clock);
    again->log = nullptr;
    again->load_state_dict(state);
    Engine second([&](Engine&, const c10::IValue&) { now += 1.0; });
    TimeLimit::attach(again, second);
    second.run(std::vector<int>{0, 0, 0, 0}, 10);
    CHECK(second.state.iteration == 3);  // 6 + 3 > 8
    CHECK(again->stopped());

    CHECK_THROWS_WITH(TimeLimit(0), "Argument limit_sec should be a positive integer.");
    CHECK_THROWS_AS(again->load_state_dict(Dict{{"elapsed", c10::IValue(-1.0)}}), ValueError);
    CHECK_THROWS_AS(again->load_state_dict(Dict{}), ValueError);
}
