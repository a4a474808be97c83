// CosineAnnealingScheduler against values computed by hand from Ignite's formula
// lr = start + (end - start) / 2 * (1 - cos(pi * i / cycle_size)).
#include <ignite/core/handlers/cosine_annealing.hpp>

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
