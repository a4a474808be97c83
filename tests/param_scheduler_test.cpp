// CosineAnnealingScheduler against values computed by hand from Ignite's formula
// lr = start + (end - start) / 2 * (1 - cos(pi * i / cycle_size)).
#include <ignite/core/handlers/cosine_annealing.hpp>
#include <ignite/core/optimizer_params.hpp>

#include <torch/torch.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

#include <cmath>

using namespace ignite;

namespace {

// The learning rate each iteration ran with, as read by an ITERATION_COMPLETED handler.
std::vector<double> lrs_seen(torch::optim::Optimizer& opt, const std::shared_ptr<CosineAnnealingScheduler>& s,
                             std::int64_t iterations) {
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    BaseParamScheduler::attach(e, s);
    std::vector<double> seen;
    e.add_event_handler(Events::ITERATION_COMPLETED, [&] { seen.push_back(opt.param_groups()[0].options().get_lr()); });
    e.run(data::range(iterations), 1);
    return seen;
}

torch::optim::SGD make_sgd(const std::vector<at::Tensor>& params) {
    return torch::optim::SGD(params, torch::optim::SGDOptions(0.5));
}

}  // namespace

TEST_CASE("cosine annealing follows Ignite's formula and restarts after cycle_size events", "[scheduler]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    auto opt = make_sgd({w});
    auto s = std::make_shared<CosineAnnealingScheduler>(opt, "lr", 1.0, 0.0, 4);
    const auto seen = lrs_seen(opt, s, 9);
    // i = 0, 1, 2, 3 then a restart: 1, 1 - (1 - cos(pi/4))/2, 1/2, 1 - (1 - cos(3pi/4))/2
    const std::vector<double> cycle{1.0, 0.8535533905932737, 0.5, 0.14644660940672627};
    REQUIRE(seen.size() == 9);
    for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == Approx(cycle[i % 4]).margin(1e-12));
    CHECK(s->cycle() == 2);
    CHECK(s->event_index() == 1);
}

TEST_CASE("cosine annealing scales the cycle and the values on restart", "[scheduler]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    auto opt = make_sgd({w});
    // cycle 0: size 2 from 1.0; cycle 1: size 4 from 0.5; cycle 2: size 8 from 0.25 (end stays 0)
    auto s = std::make_shared<CosineAnnealingScheduler>(opt, "lr", 1.0, 0.0, 2, /*cycle_mult=*/2.0, /*start_value_mult=*/0.5);
    const auto seen = lrs_seen(opt, s, 7);
    const std::vector<double> expected{1.0, 0.5, 0.5, 0.42677669529663687, 0.25, 0.07322330470336313, 0.25};
    REQUIRE(seen.size() == expected.size());
    for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == Approx(expected[i]).margin(1e-12));
}

TEST_CASE("cosine annealing sets every parameter group", "[scheduler]") {
    auto a = torch::zeros({1}, torch::requires_grad());
    auto b = torch::zeros({1}, torch::requires_grad());
    torch::optim::SGD opt({torch::optim::OptimizerParamGroup({a}), torch::optim::OptimizerParamGroup({b})},
                          torch::optim::SGDOptions(0.5));
    CosineAnnealingScheduler s(opt, "lr", 0.2, 0.1, 10);
    s();
    s();
    const double expected = 0.2 + (0.1 - 0.2) / 2 * (1 - std::cos(M_PI / 10));
    for (auto& g : opt.param_groups()) CHECK(g.options().get_lr() == Approx(expected).margin(1e-15));
}

TEST_CASE("a scheduler restored from state_dict continues where the saved one was", "[scheduler]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    auto opt = make_sgd({w});
    CosineAnnealingScheduler full(opt, "lr", 1.0, 0.1, 3, 2.0, 0.5, 0.5);
    std::vector<double> uninterrupted;
    for (int i = 0; i < 8; ++i) {
        full();
        uninterrupted.push_back(opt.param_groups()[0].options().get_lr());
    }
    CosineAnnealingScheduler first(opt, "lr", 1.0, 0.1, 3, 2.0, 0.5, 0.5);
    for (int i = 0; i < 5; ++i) first();
    CosineAnnealingScheduler resumed(opt, "lr", 1.0, 0.1, 3, 2.0, 0.5, 0.5);
    // Through LibTorch's dict and pickle, as torch::save-style code keeps it.
    const TorchDict saved = first.state_dict();
    const auto bytes = torch::pickle_save(c10::IValue(saved));
    resumed.load_state_dict(torch::pickle_load(bytes).toGenericDict());
    CHECK(resumed.event_index() == 2);
    CHECK(resumed.cycle() == 1);
    for (int i = 5; i < 8; ++i) {
        resumed();
        CHECK(opt.param_groups()[0].options().get_lr() ==
              Approx(uninterrupted[static_cast<std::size_t>(i)]).margin(1e-15));
    }
}

TEST_CASE("cosine annealing refuses bad arguments with Ignite's messages", "[scheduler]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    auto opt = make_sgd({w});
    CHECK_THROWS_WITH(CosineAnnealingScheduler(opt, "lr", 1.0, 0.0, 1),
                      "Argument cycle_size should be positive and larger than 1, but given 1");
    CosineAnnealingScheduler s(opt, "lr", 1.0, 0.0, 4);
    Dict partial;
    partial.set("event_index", std::int64_t{1});
    CHECK_THROWS_WITH(s.load_state_dict(partial),
                      "Required state attribute 'param_name' is absent in provided state_dict");
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    CHECK_THROWS_WITH(BaseParamScheduler::attach(e, nullptr), "ParamScheduler::attach needs a scheduler");
    CHECK_THROWS_WITH(CosineAnnealingScheduler(opt, "lr", 1.0, 0.0, 4, 0.0),
                      "Argument cycle_mult should be > 0, but given 0");
}

TEST_CASE("a cycle_mult that shrinks the cycle to nothing is an error, not a division by zero", "[scheduler]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    auto opt = make_sgd({w});
    CosineAnnealingScheduler s(opt, "lr", 1.0, 0.0, 2, /*cycle_mult=*/0.3);
    s();
    s();
    CHECK_THROWS_WITH(s(), Catch::Contains("cycle_mult 0.3 shrank cycle_size 2 to 0"));
}

TEST_CASE("a bad state_dict leaves the scheduler as it was", "[scheduler]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    auto opt = make_sgd({w});
    CosineAnnealingScheduler s(opt, "lr", 1.0, 0.0, 4);
    s();
    auto state = s.state_dict();
    state.set("event_index", std::int64_t{3});
    state.set("cycle_size", std::int64_t{0});
    CHECK_THROWS_WITH(s.load_state_dict(state), "state_dict cycle_size must be >= 1, got 0");
    CHECK(s.event_index() == 1);
    CHECK(s.get_param()[0] == Approx(0.8535533905932737).margin(1e-12));
}

// ---- issue 20: the whole family on the shared contract ----------------------------------------

#include <ignite/core/handlers/lr_scheduler.hpp>
#include <ignite/core/handlers/piecewise_linear_scheduler.hpp>
#include <ignite/core/handlers/plateau_scheduler.hpp>

namespace {

double lr_of(torch::optim::Optimizer& opt, std::size_t group = 0) { return opt.param_groups()[group].options().get_lr(); }

// Two groups on one SGD with momentum and weight decay to schedule.
torch::optim::SGD two_groups(double lr = 0.1) {
    auto a = torch::zeros({1}, torch::requires_grad());
    auto b = torch::zeros({1}, torch::requires_grad());
    return torch::optim::SGD({torch::optim::OptimizerParamGroup({a}), torch::optim::OptimizerParamGroup({b})},
                             torch::optim::SGDOptions(lr).momentum(0.9).weight_decay(1e-4));
}

// A scheduler factory and the number of events to run it, for the round-trip table.
struct Kind {
    const char* name;
    std::function<std::shared_ptr<BaseParamScheduler>(torch::optim::Optimizer&)> make;
};

std::vector<Kind> kinds() {
    return {
        {"cosine with every mult",
         [](auto& o) { return std::make_shared<CosineAnnealingScheduler>(o, "lr", 1.0, 0.1, 3, 2.0, 0.5, 0.5, 2); }},
        {"linear cyclical",
         [](auto& o) { return std::make_shared<LinearCyclicalScheduler>(o, "momentum", 0.95, 0.85, 4); }},
        {"piecewise linear",
         [](auto& o) {
             return std::make_shared<PiecewiseLinear>(
                 o, "weight_decay", std::vector<std::pair<std::int64_t, double>>{{1, 0.1}, {4, 0.2}, {9, 0.0}});
         }},
        {"step", [](auto& o) { return LRScheduler::step(o, 3, 0.5); }},
        {"multistep", [](auto& o) { return LRScheduler::multistep(o, {2, 5, 5}, 0.5); }},
        {"warm-up then exponential",
         [](auto& o) { return create_lr_scheduler_with_warmup(LRScheduler::exponential(o, 0.9), 0.0, 4); }},
        {"warm-up then cosine",
         [](auto& o) {
             return create_lr_scheduler_with_warmup(std::make_shared<CosineAnnealingScheduler>(o, "lr", 0.1, 0.0, 5),
                                                    0.01, 3);
         }},
        {"concat of two cosines",
         [](auto& o) {
             return std::make_shared<ConcatScheduler>(
                 std::vector<std::shared_ptr<BaseParamScheduler>>{
                     std::make_shared<CosineAnnealingScheduler>(o, "lr", 0.1, 0.5, 4),
                     std::make_shared<LinearCyclicalScheduler>(o, "lr", 0.5, 0.1, 6)},
                 std::vector<std::int64_t>{5});
         }},
    };
}

// The values of every group of `param` after each of `n` calls.
std::vector<double> run_calls(BaseParamScheduler& s, torch::optim::Optimizer& opt, int n) {
    std::vector<double> out;
    for (int i = 0; i < n; ++i) {
        s();
        for (auto& g : opt.param_groups()) out.push_back(*param_slot(g.options(), s.param_name()));
    }
    return out;
}

}  // namespace

TEST_CASE("every scheduler resumed from its pickled state_dict mid-cycle continues bit for bit", "[scheduler]") {
    for (const auto& kind : kinds()) {
        INFO(kind.name);
        auto full_opt = two_groups();
        auto full = kind.make(full_opt);
        const auto uninterrupted = run_calls(*full, full_opt, 17);

        auto first_opt = two_groups();
        auto first = kind.make(first_opt);
        (void)run_calls(*first, first_opt, 7);
        const auto bytes = torch::pickle_save(c10::IValue(first->state_dict().to_torch()));

        auto resumed_opt = two_groups();
        auto resumed = kind.make(resumed_opt);
        resumed->load_state_dict(torch::pickle_load(bytes).toGenericDict());
        const auto rest = run_calls(*resumed, resumed_opt, 10);
        const std::vector<double> tail(uninterrupted.end() - static_cast<std::ptrdiff_t>(rest.size()), uninterrupted.end());
        CHECK(rest == tail);  // exactly: the same operations on the same numbers
    }
}

TEST_CASE("attach applies the first value at once and at STARTED (Ignite's #2441 and #2462 fixed)", "[scheduler]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    torch::optim::SGD opt({w}, torch::optim::SGDOptions(0.5));
    auto s = create_lr_scheduler_with_warmup(std::make_shared<CosineAnnealingScheduler>(opt, "lr", 0.1, 0.0, 4), 0.01, 3);
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    BaseParamScheduler::attach(e, s);
    // Ignite leaves the construction value (0.5) here until the first ITERATION_STARTED.
    CHECK(lr_of(opt) == 0.01);
    double at_started = 0;
    e.add_event_handler(Events::STARTED, [&] { at_started = lr_of(opt); });
    std::vector<double> seen;
    e.add_event_handler(Events::ITERATION_COMPLETED, [&] { seen.push_back(lr_of(opt)); });
    e.run(data::range(4), 1);
    CHECK(at_started == 0.01);
    REQUIRE(seen.size() == 4);
    CHECK(seen[0] == 0.01);
    CHECK(seen[2] == 0.5);  // warmup_end_value defaults to the optimizer's value
    CHECK(seen[3] == 0.1);
}

TEST_CASE("save_history records every group's value under the scheduler's name in state.param_history", "[scheduler]") {
    auto opt = two_groups();
    auto s = std::make_shared<PiecewiseLinear>(opt, "lr", std::vector<std::pair<std::int64_t, double>>{{0, 1.0}, {2, 0.0}},
                                               /*save_history=*/true);
    Engine e([](Engine&, const c10::IValue& b) { return b; });
    BaseParamScheduler::attach(e, s);
    e.run(data::range(3), 1);
    const auto history = e.state.attr("param_history").toGenericDict().at("lr").toList();
    REQUIRE(history.size() == 3);
    CHECK(history.get(1).toList().get(0).toDouble() == 0.5);
    CHECK(history.get(1).toList().get(1).toDouble() == 0.5);
}

TEST_CASE("a parameter the optimizer lacks is refused naming the optimizers that have it", "[scheduler]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    torch::optim::Adam adam({w}, torch::optim::AdamOptions(1e-3));
    CHECK_THROWS_WITH(CosineAnnealingScheduler(adam, "momentum", 0.9, 0.8, 4),
                      "param_name 'momentum': Adam has no momentum (the optimizers that have it: SGD, RMSprop)");
    CHECK_THROWS_WITH(CosineAnnealingScheduler(adam, "betas", 0.9, 0.8, 4), Catch::Contains("param_name 'betas'"));
    // weight_decay of Adam, AdamW, Adagrad and momentum of RMSprop are scheduled.
    torch::optim::AdamW adamw({w}, torch::optim::AdamWOptions(1e-3));
    torch::optim::Adagrad adagrad({w}, torch::optim::AdagradOptions(1e-2));
    torch::optim::RMSprop rmsprop({w}, torch::optim::RMSpropOptions(1e-2));
    for (torch::optim::Optimizer* o : std::initializer_list<torch::optim::Optimizer*>{&adam, &adamw, &adagrad}) {
        CosineAnnealingScheduler s(*o, "weight_decay", 0.1, 0.0, 4);
        s();
        CHECK(*param_slot(o->param_groups()[0].options(), "weight_decay") == 0.1);
    }
    LinearCyclicalScheduler m(rmsprop, "momentum", 0.9, 0.5, 4);
    m();
    m();
    CHECK(dynamic_cast<torch::optim::RMSpropOptions&>(rmsprop.param_groups()[0].options()).momentum() ==
          Approx(0.7).margin(1e-15));
    auto opt = two_groups();
    CHECK_THROWS_WITH(CosineAnnealingScheduler(opt, "lr", 0.9, 0.8, 4, 1, 1, 1, 0, false, 2),
                      "Argument param_group_index should be in [0, 2), but given 2");
}

TEST_CASE("load_state_dict names the first missing key as Ignite does and changes nothing on a bad state", "[scheduler]") {
    for (const auto& kind : kinds()) {
        INFO(kind.name);
        auto opt = two_groups();
        auto s = kind.make(opt);
        s->operator()();
        const auto good = s->state_dict();
        for (const auto& key : good.keys()) {
            Dict partial = good;
            partial.erase(key);
            CHECK_THROWS_WITH(s->load_state_dict(partial),
                              Catch::Contains("Required state attribute '" + key + "' is absent"));
        }
        CHECK(s->state_dict().to_torch() == good.to_torch());
    }
}

TEST_CASE("ConcatScheduler and ParamGroupScheduler refuse what Ignite refuses", "[scheduler]") {
    auto opt = two_groups();
    auto other = two_groups();
    auto a = std::make_shared<CosineAnnealingScheduler>(opt, "lr", 0.1, 0.0, 4);
    auto b = std::make_shared<CosineAnnealingScheduler>(other, "lr", 0.1, 0.0, 4);
    auto m = std::make_shared<CosineAnnealingScheduler>(opt, "momentum", 0.9, 0.8, 4);
    using List = std::vector<std::shared_ptr<BaseParamScheduler>>;
    CHECK_THROWS_WITH(ConcatScheduler(List{a}, {}), Catch::Contains("more than one parameter schedulers"));
    CHECK_THROWS_WITH(ConcatScheduler(List{a, a}, {1, 2}), "Incorrect number schedulers or duration values, given 2 and 2");
    CHECK_THROWS_WITH(ConcatScheduler(List{a, b}, {2}), "schedulers should be related to same optimizer");
    CHECK_THROWS_WITH(ConcatScheduler(List{a, m}, {2}), "schedulers should be related to same param_name");
    ParamGroupScheduler pg({a, m}, {"lr", "momentum"});
    auto state = pg.state_dict();
    ParamGroupScheduler renamed({a, m}, {"lr", "mom"});
    CHECK_THROWS_WITH(renamed.load_state_dict(state),
                      "Name of scheduler from input state dict does not correspond to required one, momentum vs mom");
    CHECK_THROWS_WITH(create_lr_scheduler_with_warmup(a, 0.0, 1),
                      "Argument warmup_duration should be at least 2 events, but given 1");
}

TEST_CASE("ReduceLROnPlateau follows torch's rule on Ignite's docstring sequence and resumes exactly", "[scheduler]") {
    PlateauOptions o;
    o.patience = 3;
    o.factor = 0.5;
    o.threshold = 0.1;
    const auto rows = ReduceLROnPlateauScheduler::simulate_values(8, {10, 5, 3, 4, 4, 4, 5, 1}, 0.1, o);
    std::vector<double> lrs;
    for (const auto& r : rows) lrs.push_back(r[1]);
    CHECK(lrs == std::vector<double>{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05});
    auto w = torch::zeros({1}, torch::requires_grad());
    torch::optim::SGD opt({w}, torch::optim::SGDOptions(0.1));
    ReduceLROnPlateauScheduler s(opt, "loss", nullptr, false, std::nullopt, o);
    Engine evaluator([](Engine&, const c10::IValue& b) { return b; });
    CHECK_THROWS_WITH(s(evaluator), "Argument engine should have in its 'state', attribute 'metrics' which itself has "
                                    "the metric loss.");
    for (double m : {10.0, 5.0, 3.0, 4.0}) s.step(m);
    torch::optim::SGD opt2({w}, torch::optim::SGDOptions(0.1));
    ReduceLROnPlateauScheduler resumed(opt2, "loss", nullptr, false, std::nullopt, o);
    resumed.load_state_dict(torch::pickle_load(torch::pickle_save(c10::IValue(s.state_dict().to_torch()))).toGenericDict());
    for (double m : {4.0, 4.0, 5.0}) {
        s.step(m);
        resumed.step(m);
    }
    CHECK(lr_of(opt) == 0.05);
    CHECK(lr_of(opt2) == 0.05);
}

TEST_CASE("simulate_values gives Ignite's rows and leaves the scheduler and the optimizer as they were", "[scheduler]") {
    auto opt = two_groups(0.3);
    auto s = std::make_shared<CosineAnnealingScheduler>(opt, "lr", 1.0, 0.0, 4);
    (*s)();
    const auto before = s->state_dict().to_torch();
    const auto rows = simulate_values(*s, 3);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == std::vector<double>{0, 0.8535533905932737, 0.8535533905932737});
    CHECK(s->state_dict().to_torch() == before);
    CHECK(lr_of(opt) == 1.0);
    const auto fresh = simulate_values(6, [](torch::optim::Optimizer& o) {
        return std::make_shared<LinearCyclicalScheduler>(o, "lr", 0.0, 1.0, 4, 1, 1, 1, 0, false, std::nullopt, true);
    });
    // E17 in the notes: 0, .25, .5, .75, 0, .25
    std::vector<double> values;
    for (const auto& r : fresh) values.push_back(r[1]);
    CHECK(values == std::vector<double>{0, 0.25, 0.5, 0.75, 0, 0.25});
}
