// Metric base, Average and Accuracy against values recorded from PyTorch Ignite 0.5.3
// (fixtures/ignite-traces.json, scenario "metrics_accuracy_average_evaluator") and
// Ignite's documented attach() semantics.
#include <ignite/core/engine.hpp>
#include <ignite/core/metric.hpp>
#include <ignite/core/metrics/accuracy.hpp>
#include <ignite/core/metrics/average.hpp>

#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace ignite;
using Catch::Matchers::Contains;

namespace {

c10::IValue pair(const at::Tensor& y_pred, const at::Tensor& y) { return c10::ivalue::Tuple::create({y_pred, y}); }

at::Tensor f64(std::vector<double> v) { return at::tensor(v, at::kDouble); }
at::Tensor i64(std::vector<std::int64_t> v) { return at::tensor(v, at::kLong); }

bool same(const c10::IValue& v, const at::Tensor& expected) {
    return v.isTensor() && v.toTensor().sizes() == expected.sizes() &&
           at::allclose(v.toTensor().to(at::kDouble), expected.to(at::kDouble));
}

// An engine over data::range(n) whose output is batch + 10 * (epoch - 1), so each epoch
// has its own values and a missing per-epoch reset shows.
std::unique_ptr<Engine> epoch_shifted_engine() {
    return std::make_unique<Engine>(
        [](Engine& e, const c10::IValue& b) { return static_cast<double>(b.toInt() + 10 * (e.state.epoch - 1)); });
}

// The metric's value, or -1 when the engine has none under that name yet.
double metric_or_missing(const Engine& e, const char* name) {
    return e.state.metrics.contains(name) ? e.state.metrics.get<double>(name) : -1.0;
}

}  // namespace

// ---- Average ------------------------------------------------------------------------

TEST_CASE("Average over 0-d batches is the mean of the values (Ignite docs case 1)") {
    Average avg;
    for (int i = 0; i < 5; ++i) avg.update(at::scalar_tensor(static_cast<double>(i)));
    const auto r = avg.compute();
    REQUIRE(r.isDouble());
    CHECK(r.toDouble() == 2.0);
}

TEST_CASE("Average over python numbers: one sample each") {
    Average avg;
    avg.update(7.0);
    CHECK(avg.compute().toDouble() == 7.0);
    avg.update(static_cast<std::int64_t>(1));
    CHECK(avg.compute().toDouble() == 4.0);
    CHECK(avg.num_examples() == 2);
}

TEST_CASE("Average: a 1-D tensor is ONE vector-valued sample") {
    Average avg;
    avg.update(f64({1, 2}));
    avg.update(f64({3, 4}));
    CHECK(same(avg.compute(), f64({2.0, 3.0})));
    CHECK(avg.num_examples() == 2);
}

TEST_CASE("Average: rows of a 2-D tensor are samples") {
    Average avg;
    avg.update(f64({0, 0, 2, 4}).reshape({2, 2}));
    avg.update(f64({1, 2}).reshape({1, 2}));
    CHECK(same(avg.compute(), f64({1.0, 2.0})));
    CHECK(avg.num_examples() == 3);
}

TEST_CASE("Average: 1-D batches of different lengths raise torch's RuntimeError") {
    Average avg;
    avg.update(f64({1, 2, 3}));
    CHECK_THROWS_AS(avg.update(f64({4, 5})), RuntimeError);
    Average avg2;
    avg2.update(f64({1, 2, 3}));
    CHECK_THROWS_WITH(avg2.update(f64({4, 5})),
                      Contains("The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
                               "dimension 0"));
}

TEST_CASE("Average: compute before any update raises NotComputableError (RuntimeError)") {
    Average avg;
    CHECK_THROWS_AS(avg.compute(), RuntimeError);
    CHECK_THROWS_WITH(avg.compute(), "Average must have at least one example before it can be computed.");
    avg.update(1.0);
    avg.reset();
    CHECK_THROWS_AS(avg.compute(), RuntimeError);
}

TEST_CASE("Average rejects outputs that are neither numbers nor tensors") {
    Average avg;
    CHECK_THROWS_AS(avg.update(c10::IValue(std::string("x"))), TypeError);
}

TEST_CASE("Average statistics round trip and all-reduce by summation") {
    SECTION("vector samples") {
        Average a, b, all;
        a.update(f64({0, 0, 2, 4}).reshape({2, 2}));
        b.update(f64({1, 2}).reshape({1, 2}));
        all.update(f64({0, 0, 2, 4}).reshape({2, 2}));
        all.update(f64({1, 2}).reshape({1, 2}));
        CHECK(a.statistics() == std::vector<double>{2, 4, 2});

        Average copy;
        copy.load_statistics(a.statistics());
        CHECK(same(copy.compute(), a.compute().toTensor()));

        auto sa = a.statistics();
        const auto sb = b.statistics();
        for (std::size_t i = 0; i < sa.size(); ++i) sa[i] += sb[i];
        a.load_statistics(sa);
        CHECK(same(a.compute(), all.compute().toTensor()));
    }
    SECTION("scalar samples") {
        Average a;
        a.update(1.0);
        a.update(4.0);
        CHECK(a.statistics() == std::vector<double>{5, 2});
        Average copy;
        copy.load_statistics(a.statistics());
        CHECK(copy.compute().toDouble() == 2.5);
        CHECK_THROWS_AS(copy.load_statistics({1.0}), ValueError);
    }
}

// ---- Accuracy -----------------------------------------------------------------------

TEST_CASE("Accuracy binary") {
    Accuracy acc;
    acc.update(pair(i64({0, 1, 1, 0}), i64({0, 1, 0, 0})));
    CHECK(acc.compute().toDouble() == 0.75);
}

TEST_CASE("Accuracy binary with probabilities raises ValueError") {
    Accuracy acc;
    CHECK_THROWS_AS(acc.update(pair(f64({0.2, 0.7}), i64({0, 1}))), ValueError);
    CHECK_THROWS_WITH(acc.update(pair(f64({0.2, 0.7}), i64({0, 1}))),
                      "For binary cases, y_pred must be comprised of 0's and 1's.");
}

TEST_CASE("Accuracy multilabel: a sample is correct only when every label matches") {
    Accuracy acc({}, /*is_multilabel=*/true);
    const at::Tensor y = i64({1, 0, 1, 0, 1, 1, 0, 0, 1}).reshape({3, 3});
    const at::Tensor y_pred = i64({1, 0, 1, 0, 1, 0, 0, 0, 1}).reshape({3, 3});
    acc.update(pair(y_pred, y));
    CHECK(acc.compute().toDouble() == Approx(2.0 / 3.0));
}

TEST_CASE("Accuracy multiclass over batches 3, 2, 2 with 5 of 7 correct") {
    Accuracy acc;
    // argmax per row: 1, 0, 2 | 2, 1 | 1, 0 ; labels: 1, 0, 1 | 2, 1 | 0, 0 -> 5 correct
    acc.update(pair(f64({0.1, 0.8, 0.1, 0.6, 0.3, 0.1, 0.2, 0.2, 0.6}).reshape({3, 3}), i64({1, 0, 1})));
    acc.update(pair(f64({0.1, 0.2, 0.7, 0.2, 0.5, 0.3}).reshape({2, 3}), i64({2, 1})));
    acc.update(pair(f64({0.3, 0.4, 0.3, 0.5, 0.25, 0.25}).reshape({2, 3}), i64({0, 0})));
    CHECK(acc.compute().toDouble() == Approx(5.0 / 7.0));
    CHECK(acc.statistics() == std::vector<double>{5, 7});
}

TEST_CASE("Accuracy shape errors name both shapes") {
    Accuracy acc;
    CHECK_THROWS_AS(acc.update(pair(f64({1}).reshape({1, 1, 1}), i64({1}))), ValueError);
    CHECK_THROWS_WITH(acc.update(pair(f64({1}).reshape({1, 1, 1}), i64({1}))),
                      Contains("torch.Size([1])") && Contains("torch.Size([1, 1, 1])"));
    CHECK_THROWS_WITH(acc.update(pair(at::zeros({4, 3}), i64({0, 1, 2}))),
                      Contains("torch.Size([3])") && Contains("torch.Size([4, 3])"));
    Accuracy multilabel({}, true);
    CHECK_THROWS_AS(multilabel.update(pair(i64({0, 1}), i64({0, 1}))), ValueError);
}

TEST_CASE("Accuracy: the case may not change between updates") {
    Accuracy acc;
    acc.update(pair(i64({0, 1}), i64({0, 1})));
    CHECK_THROWS_AS(acc.update(pair(at::rand({2, 3}), i64({0, 1}))), RuntimeError);
}

TEST_CASE("Accuracy: compute before update raises RuntimeError, non-pair input TypeError") {
    Accuracy acc;
    CHECK_THROWS_WITH(acc.compute(), "Accuracy must have at least one example before it can be computed.");
    CHECK_THROWS_AS(acc.compute(), RuntimeError);
    CHECK_THROWS_AS(acc.update(c10::IValue(i64({1}))), TypeError);
}

TEST_CASE("Accuracy statistics round trip") {
    Accuracy acc;
    acc.update(pair(i64({0, 1, 1, 0}), i64({0, 1, 0, 0})));
    Accuracy copy;
    copy.load_statistics(acc.statistics());
    CHECK(copy.compute().toDouble() == acc.compute().toDouble());
    CHECK_THROWS_AS(copy.load_statistics({1, 2, 3}), ValueError);
}

// ---- attach -------------------------------------------------------------------------

TEST_CASE("epoch-wise metric resets each epoch, a handler registered before attach sees the previous value") {
    auto engine = epoch_shifted_engine();
    std::vector<double> before, after;
    engine->add_event_handler(Events::EPOCH_COMPLETED,
                              [&](Engine& e) { before.push_back(metric_or_missing(e, "avg")); });
    auto avg = std::make_shared<Average>();
    avg->attach(*engine, "avg");
    engine->add_event_handler(Events::EPOCH_COMPLETED,
                              [&](Engine& e) { after.push_back(metric_or_missing(e, "avg")); });
    engine->run(data::range(3), 2);
    CHECK(after == std::vector<double>{1.0, 11.0});
    CHECK(before == std::vector<double>{-1.0, 1.0});  // nothing yet, then epoch 1's
}

TEST_CASE("batch-wise metric gives each iteration's value") {
    auto engine = epoch_shifted_engine();
    std::vector<double> seen;
    auto avg = std::make_shared<Average>();
    avg->attach(*engine, "avg", MetricUsage::batch_wise());
    engine->add_event_handler(Events::ITERATION_COMPLETED,
                              [&](Engine& e) { seen.push_back(e.state.metrics.get<double>("avg")); });
    engine->run(data::range(3), 2);
    CHECK(seen == std::vector<double>{0, 1, 2, 10, 11, 12});
}

TEST_CASE("running metric accumulates across epochs") {
    auto engine = epoch_shifted_engine();
    std::vector<double> seen;
    auto avg = std::make_shared<Average>();
    avg->attach(*engine, "avg", MetricUsage::running());
    engine->add_event_handler(Events::EPOCH_COMPLETED,
                              [&](Engine& e) { seen.push_back(e.state.metrics.get<double>("avg")); });
    engine->run(data::range(3), 2);
    CHECK(seen == std::vector<double>{1.0, 6.0});
}

TEST_CASE("attach under two names computes both, detach and is_attached") {
    auto engine = epoch_shifted_engine();
    auto avg = std::make_shared<Average>();
    CHECK_FALSE(avg->is_attached(*engine));
    avg->attach(*engine, "a");
    avg->attach(*engine, "b");  // started / iteration_completed are not registered twice
    CHECK(avg->is_attached(*engine));
    CHECK_FALSE(avg->is_attached(*engine, MetricUsage::batch_wise()));
    engine->run(data::range(3));
    CHECK(engine->state.metrics.get<double>("a") == 1.0);  // one update per iteration
    CHECK(engine->state.metrics.get<double>("b") == 1.0);
    CHECK(avg->num_examples() == 3);

    avg->detach(*engine);
    CHECK_FALSE(avg->is_attached(*engine));
    engine->state.metrics.clear();
    engine->run(data::range(3));
    CHECK(engine->state.metrics.empty());
}

TEST_CASE("the engine keeps an attached metric alive") {
    auto engine = epoch_shifted_engine();
    std::weak_ptr<Average> weak;
    {
        auto avg = std::make_shared<Average>();
        avg->attach(*engine, "avg");
        weak = avg;
    }
    CHECK_FALSE(weak.expired());
    engine->run(data::range(3));
    CHECK(engine->state.metrics.get<double>("avg") == 1.0);
    engine.reset();
    CHECK(weak.expired());
}

TEST_CASE("attach requires a shared_ptr-owned metric") {
    Engine engine([](Engine&, const c10::IValue& b) { return b; });
    Average avg;
    CHECK_THROWS_AS(avg.attach(engine, "avg"), RuntimeError);
}

TEST_CASE("output_transform and dict outputs") {
    Engine engine([](Engine&, const c10::IValue& b) {
        c10::Dict<std::string, at::Tensor> out;
        out.insert("y", i64({b.toInt() % 2}));
        out.insert("y_pred", i64({1}));
        out.insert("value", at::scalar_tensor(static_cast<double>(b.toInt())));
        return out;
    });
    auto acc = std::make_shared<Accuracy>();  // takes ("y_pred", "y") from the dict
    acc->attach(engine, "acc");
    auto avg = std::make_shared<Average>([](const c10::IValue& o) { return o.toGenericDict().at("value"); });
    avg->attach(engine, "avg");
    engine.run(data::range(4));
    CHECK(engine.state.metrics.get<double>("acc") == 0.5);
    CHECK(engine.state.metrics.get<double>("avg") == 1.5);

    Engine bad([](Engine&, const c10::IValue&) {
        c10::Dict<std::string, at::Tensor> out;
        out.insert("value", at::ones({}));
        return out;
    });
    auto plain = std::make_shared<Average>();  // Average has no required_output_keys
    plain->attach(bad, "avg");
    CHECK_THROWS_AS(bad.run(data::range(1)), TypeError);
}
