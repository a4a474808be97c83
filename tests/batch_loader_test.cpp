// ignite-host's batch loader: the inline path (index_select on the training thread) and
// the prefetching path (a producer thread) give the same batches in the same seeded order,
// every sample once per pass, and clear errors for bad options.
#include "train/batch_loader.hpp"

#include <ignite/core/engine.hpp>

#include <ATen/ATen.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

#include <set>

using namespace ignite::host;

namespace {

// Image i is filled with the value i and labelled i % 10: a batch tells which rows it holds.
Dataset numbered(std::int64_t n) {
    auto images = at::arange(n, at::kFloat).view({n, 1, 1, 1}).expand({n, 1, 3, 3}).contiguous();
    return Dataset{images, at::arange(n, at::kLong) % 10, 10};
}

struct Pass {
    std::vector<std::int64_t> rows;  // sample index of every row, in order
    std::vector<std::int64_t> batch_sizes;
};

Pass one_pass(ignite::DataSource& loader) {
    Pass p;
    auto it = loader.iter();
    for (c10::IValue batch; it->next(batch);) {
        const auto& parts = batch.toTupleRef().elements();
        const auto x = parts[0].toTensor(), y = parts[1].toTensor();
        REQUIRE(x.dim() == 4);
        REQUIRE(x.size(0) == y.size(0));
        p.batch_sizes.push_back(x.size(0));
        for (std::int64_t k = 0; k < x.size(0); ++k) {
            const auto row = static_cast<std::int64_t>(x[k][0][0][0].item<float>());
            CHECK(at::equal(x[k], at::full({1, 3, 3}, static_cast<float>(row))));  // the whole row was copied
            CHECK(y[k].item<std::int64_t>() == row % 10);                          // with its own label
            p.rows.push_back(row);
        }
    }
    return p;
}

}  // namespace

TEST_CASE("inline and prefetching loaders give the same seeded batches", "[loader]") {
    const auto data = numbered(103);
    for (const bool drop_last : {false, true}) {
        for (const bool shuffle : {true, false}) {
            INFO("drop_last " << drop_last << " shuffle " << shuffle);
            auto inline_loader = make_batch_loader(data, {10, shuffle, drop_last, 7, false, 0});
            auto prefetching = make_batch_loader(data, {10, shuffle, drop_last, 7, false, 3});
            REQUIRE(inline_loader->size() == (drop_last ? 10 : 11));
            for (int pass = 0; pass < 2; ++pass) {
                const auto a = one_pass(*inline_loader);
                const auto b = one_pass(*prefetching);
                CHECK(a.rows == b.rows);
                CHECK(a.batch_sizes == b.batch_sizes);
                CHECK(static_cast<std::int64_t>(a.batch_sizes.size()) == *inline_loader->size());
                CHECK(a.batch_sizes.back() == (drop_last ? 10 : 3));
                // every sample at most once, and all of them when nothing is dropped
                const std::set<std::int64_t> unique(a.rows.begin(), a.rows.end());
                CHECK(unique.size() == a.rows.size());
                CHECK(a.rows.size() == (drop_last ? 100u : 103u));
                if (!shuffle) CHECK(a.rows.front() == 0);
            }
        }
    }
}

TEST_CASE("each pass is a new permutation, reproducible from the seed", "[loader]") {
    const auto data = numbered(50);
    auto first = make_batch_loader(data, {8, true, false, 3, false, 0});
    auto again = make_batch_loader(data, {8, true, false, 3, false, 0});
    auto other_seed = make_batch_loader(data, {8, true, false, 4, false, 0});
    const auto p0 = one_pass(*first), p1 = one_pass(*first);
    CHECK(p0.rows != p1.rows);
    CHECK(one_pass(*again).rows == p0.rows);
    CHECK(one_pass(*again).rows == p1.rows);
    CHECK(one_pass(*other_seed).rows != p0.rows);
}

TEST_CASE("a prefetching pass dropped half-way stops its thread cleanly", "[loader]") {
    const auto data = numbered(1000);
    auto loader = make_batch_loader(data, {4, true, false, 0, false, 2});
    for (int i = 0; i < 20; ++i) {
        auto it = loader->iter();
        c10::IValue batch;
        REQUIRE(it->next(batch));
    }  // each iterator's destructor joins a producer blocked on a full queue
    CHECK(one_pass(*loader).rows.size() == 1000u);
}

TEST_CASE("the loader refuses bad options with the option's name", "[loader][errors]") {
    const auto data = numbered(10);
    CHECK_THROWS_WITH(make_batch_loader(data, {0, true, false, 0, false, 0}), "--batch-size must be >= 1, got 0");
    CHECK_THROWS_WITH(make_batch_loader(data, {4, true, false, 0, false, -1}), "--prefetch must be >= 0, got -1");
}

// ---- resumable (issue 11) ---------------------------------------------------------------------

TEST_CASE("a pass started at batch k is the full pass's tail, for both paths", "[loader][resume]") {
    const auto data = numbered(103);
    for (const int prefetch : {0, 3}) {
        INFO("prefetch " << prefetch);
        auto full = make_batch_loader(data, {10, true, false, 7, false, prefetch});
        auto resumed = make_batch_loader(data, {10, true, false, 7, false, prefetch});
        const auto p0 = one_pass(*full), p1 = one_pass(*full);
        // pass 1 at batch 4: rows 40.. of the second permutation
        resumed->seek(11 + 4);
        CHECK(resumed->next_pass() == 1);
        const auto tail = one_pass(*resumed);
        CHECK(tail.rows == std::vector<std::int64_t>(p1.rows.begin() + 40, p1.rows.end()));
        CHECK(tail.batch_sizes.size() == 7u);
        CHECK(resumed->next_pass() == 2);
        // the seek is used once: the next pass is whole
        CHECK(one_pass(*resumed).rows.size() == 103u);
        // iter_from(k) on the next pass
        auto direct = make_batch_loader(data, {10, true, false, 7, false, prefetch});
        auto it = direct->iter_from(10);
        c10::IValue b;
        REQUIRE(it->next(b));
        CHECK(b.toTupleRef().elements()[0].toTensor().size(0) == 3);  // the short last batch
        CHECK_FALSE(it->next(b));
        CHECK_FALSE(direct->iter_from(11)->next(b));  // past the pass: exhausted
        CHECK_FALSE(direct->iter_from(1000)->next(b));
        CHECK(p0.rows != p1.rows);
    }
}

TEST_CASE("a resumed engine over the loader sees the uninterrupted run's batches", "[loader][resume]") {
    const auto data = numbered(50);
    auto rows_of_run = [&](std::int64_t from) {
        auto loader = make_batch_loader(data, {8, true, true, 5, false, 2});  // 6 batches, 2 rows dropped
        std::vector<std::int64_t> firsts;
        ignite::Engine e([&](ignite::Engine&, const c10::IValue& b) {
            firsts.push_back(
                static_cast<std::int64_t>(b.toTupleRef().elements()[0].toTensor()[0][0][0][0].item<float>()));
        });
        if (from > 0) {
            e.load_state_dict({{"iteration", from}, {"epoch_length", 6}, {"max_epochs", 3}});
            loader->seek(from);
        }
        e.run(loader, 3);
        return firsts;
    };
    const auto full = rows_of_run(0);
    REQUIRE(full.size() == 18u);
    for (const std::int64_t k : {1, 6, 9, 17}) {
        INFO("resumed at " << k);
        CHECK(rows_of_run(k) == std::vector<std::int64_t>(full.begin() + k, full.end()));
    }
}

TEST_CASE("the loader refuses negative starts", "[loader][resume][errors]") {
    auto loader = make_batch_loader(numbered(10), {4, true, false, 0, false, 0});
    CHECK_THROWS_AS(loader->seek(-1), std::invalid_argument);
    CHECK_THROWS_AS(loader->iter_from(-2), std::invalid_argument);
}
