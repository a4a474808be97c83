// create_supervised_trainer / create_supervised_evaluator and the Loss metric, checked
// against values computed by hand on a model with fixed weights.
#include <ignite/core/deterministic.hpp>
#include <ignite/core/metrics/accuracy.hpp>
#include <ignite/core/metrics/loss.hpp>
#include <ignite/core/supervised.hpp>

#include <torch/torch.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

using namespace ignite;

namespace {

// y = 2x + 1 with one Linear(1, 1) initialised at w = 0, b = 0.
torch::nn::Linear zero_linear() {
    torch::nn::Linear lin(1, 1);
    torch::NoGradGuard g;
    lin->weight.zero_();
    lin->bias.zero_();
    return lin;
}

DataPtr one_batch() {
    auto x = torch::tensor({{1.0f}, {2.0f}});
    auto y = torch::tensor({{3.0f}, {5.0f}});
    return data::from_values({c10::ivalue::Tuple::create({x, y})});
}

auto mse = [](const at::Tensor& p, const at::Tensor& y) { return torch::mse_loss(p, y); };

}  // namespace

TEST_CASE("the supervised trainer runs train(), forward, loss, backward and step", "[supervised]") {
    auto lin = zero_linear();
    torch::optim::SGD opt(lin->parameters(), torch::optim::SGDOptions(0.1));
    auto trainer = create_supervised_trainer(supervised_model(lin), opt, mse);
    lin->eval();
    trainer->run(one_batch(), 1);
    // loss = ((0-3)^2 + (0-5)^2) / 2 = 17; dL/dw = (2*(0-3)*1 + 2*(0-5)*2) / 2 = -13;
    // dL/db = (2*(-3) + 2*(-5)) / 2 = -8. After one step of lr 0.1: w = 1.3, b = 0.8.
    // Ignite 0.5.3 on the same model and batch: output 17.0 (a float), w 1.3, b 0.8.
    CHECK(trainer->state.output.isDouble());  // Ignite's default output_transform: loss.item()
    CHECK(trainer->state.output.toDouble() == Approx(17.0));
    CHECK(lin->weight.item<double>() == Approx(1.3));
    CHECK(lin->bias.item<double>() == Approx(0.8));
    CHECK(lin->is_training());  // the step put the model in train mode, as Ignite does
}

TEST_CASE("the trainer takes a module holder and designated options, and gives the loss tensor on request",
          "[supervised]") {
    auto lin = zero_linear();
    torch::optim::SGD opt(lin->parameters(), torch::optim::SGDOptions(0.1));
    // What a program that avoids a device sync per iteration does (ignite-host does).
    auto trainer =
        create_supervised_trainer(lin, opt, torch::nn::MSELoss(),
                                  {.device = torch::kCPU,
                                   .output_transform = [](const at::Tensor&, const at::Tensor&, const at::Tensor&,
                                                          const at::Tensor& loss) { return c10::IValue(loss); }});
    trainer->run(one_batch(), 1);
    REQUIRE(trainer->state.output.isTensor());
    CHECK_FALSE(trainer->state.output.toTensor().requires_grad());
    CHECK(trainer->state.output.toTensor().item<double>() == Approx(17.0));
    CHECK(lin->weight.item<double>() == Approx(1.3));
}

TEST_CASE("gradient accumulation steps every N iterations with the loss scaled back", "[supervised]") {
    auto lin = zero_linear();
    torch::optim::SGD opt(lin->parameters(), torch::optim::SGDOptions(0.1));
    TrainerOptions options;
    options.gradient_accumulation_steps = 2;
    auto trainer = create_supervised_trainer(supervised_model(lin), opt, mse, options);
    auto x = torch::tensor({{1.0f}, {2.0f}});
    auto y = torch::tensor({{3.0f}, {5.0f}});
    auto batch = c10::ivalue::Tuple::create({x, y});
    trainer->run(data::from_values({batch, batch}), 1);
    // Two iterations accumulate (-13/2) * 2 = -13 for w and -8 for b, then one step.
    CHECK(lin->weight.item<double>() == Approx(1.3));
    CHECK(lin->bias.item<double>() == Approx(0.8));
    CHECK(trainer->state.output.toDouble() == Approx(17.0));  // reported unscaled, as Ignite's 17.0
}

TEST_CASE("trainer options are validated when the trainer is created", "[supervised][errors]") {
    auto lin = zero_linear();
    torch::optim::SGD opt(lin->parameters(), torch::optim::SGDOptions(0.1));
    TrainerOptions bad_steps;
    bad_steps.gradient_accumulation_steps = 0;
    CHECK_THROWS_AS(create_supervised_trainer(supervised_model(lin), opt, mse, bad_steps), ValueError);
    TrainerOptions deterministic;
    deterministic.deterministic = true;  // Ignite's deterministic=True: a DeterministicEngine
    CHECK(dynamic_cast<DeterministicEngine*>(
        create_supervised_trainer(supervised_model(lin), opt, mse, deterministic).get()));
    CHECK_FALSE(dynamic_cast<DeterministicEngine*>(create_supervised_trainer(supervised_model(lin), opt, mse).get()));
    CHECK_THROWS_AS(create_supervised_trainer(supervised_model(lin), opt, nullptr), ValueError);
}

TEST_CASE("a batch the default prepare_batch cannot split is a TypeError naming it", "[supervised][errors]") {
    auto lin = zero_linear();
    torch::optim::SGD opt(lin->parameters(), torch::optim::SGDOptions(0.1));
    auto trainer = create_supervised_trainer(supervised_model(lin), opt, mse);
    CHECK_THROWS_WITH(trainer->run(data::range(2)),
                      Catch::Equals("the batch given to the default prepare_batch (x, y) should be a tuple or list "
                                    "(Tensor, Tensor), but given a Int"));
}

TEST_CASE("the supervised evaluator runs eval() under no-grad and feeds its metrics", "[supervised]") {
    torch::nn::Linear lin(2, 3);
    {
        torch::NoGradGuard g;
        lin->weight.copy_(torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}, {0.0f, 0.0f}}));
        lin->bias.zero_();
    }
    lin->train();
    auto ce = [](const at::Tensor& p, const at::Tensor& y) { return torch::nn::functional::cross_entropy(p, y); };
    // A module holder directly; metrics attached in the order given, not sorted.
    auto evaluator = create_supervised_evaluator(
        lin, {{"zloss", std::make_shared<Loss>(ce)}, {"acc", std::make_shared<Accuracy>()}});
    // Logits are [x0, x1, 0]: predictions 0, 1, 0 for the three samples; labels 0, 1, 2.
    auto x = torch::tensor({{2.0f, 0.0f}, {0.0f, 3.0f}, {1.0f, 0.0f}});
    auto y = torch::tensor({0, 1, 2}, torch::kLong);
    bool grad_mode_seen = true;
    evaluator->add_event_handler(Events::ITERATION_COMPLETED, [&](Engine& e) {
        grad_mode_seen = e.state.output.toTupleRef().elements()[0].toTensor().requires_grad();
    });
    evaluator->run(data::from_values({c10::ivalue::Tuple::create({x, y})}));
    CHECK_FALSE(grad_mode_seen);
    CHECK_FALSE(lin->is_training());
    CHECK(evaluator->state.metrics.get<double>("acc") == Approx(2.0 / 3.0));
    // Cross-entropy by hand: -log softmax([2,0,0])[0], -log softmax([0,3,0])[1], -log softmax([1,0,0])[2].
    const double l0 = -std::log(std::exp(2.0) / (std::exp(2.0) + 2.0));
    const double l1 = -std::log(std::exp(3.0) / (std::exp(3.0) + 2.0));
    const double l2 = -std::log(1.0 / (std::exp(1.0) + 2.0));
    CHECK(evaluator->state.metrics.get<double>("zloss") == Approx((l0 + l1 + l2) / 3.0));
    // Ignite 0.5.3, metrics={'zloss': ..., 'acc': ...}: state.metrics keys ['zloss', 'acc'].
    CHECK(evaluator->state.metrics.keys() == std::vector<std::string>{"zloss", "acc"});
}

TEST_CASE("Loss weights batches by size and exposes summable statistics", "[metrics]") {
    auto mean_abs = [](const at::Tensor& p, const at::Tensor& y) { return (p - y).abs().mean(); };
    Loss a(mean_abs), b(mean_abs), all(mean_abs);
    auto batch1 = c10::ivalue::Tuple::create({torch::tensor({1.0, 2.0, 3.0}), torch::tensor({0.0, 0.0, 0.0})});
    auto batch2 = c10::ivalue::Tuple::create({torch::tensor({10.0}), torch::tensor({0.0})});
    a.update(batch1);
    b.update(batch2);
    all.update(batch1);
    all.update(batch2);
    // (mean 2 over 3 samples + 10 over 1 sample) / 4 = 16 / 4 = 4.
    CHECK(all.compute().toDouble() == Approx(4.0));
    auto sa = a.statistics(), sb = b.statistics();
    Loss merged(mean_abs);
    merged.load_statistics({sa[0] + sb[0], sa[1] + sb[1]});
    CHECK(merged.compute().toDouble() == Approx(4.0));
    Loss empty(mean_abs);
    CHECK_THROWS_AS(empty.compute(), RuntimeError);
    Loss per_sample([](const at::Tensor& p, const at::Tensor& y) { return (p - y).abs(); });
    CHECK_THROWS_WITH(per_sample.update(batch1), Catch::Contains("loss_fn did not return the average loss"));
}
