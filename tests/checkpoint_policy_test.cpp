// Core's checkpoint policy (core/src/handlers/checkpoint_policy.cpp, under ignite::Checkpoint and
// ignite-host's checkpoint component) against Ignite 0.5.3's Checkpoint rules, case by case
// (notes/checkpoint-interop.md §1.1, E6), without I/O.
#include <ignite/core/handlers/checkpoint_policy.hpp>

#include "../host/runtime/src/json_state.hpp"

#include <catch2/catch.hpp>

using ignite::checkpoint::Item;
using ignite::checkpoint::Plan;
using ignite::checkpoint::Policy;
using ignite::checkpoint::PolicyOptions;

namespace {

// Saves (plans and commits) like Ignite's __call__; returns the file name or "" when skipped.
std::string call(Policy& p, double priority, bool integral, std::optional<std::int64_t> step,
                 std::vector<std::string>* removed = nullptr) {
    const auto plan = p.plan(priority, integral, step);
    if (!plan) return "";
    p.commit(*plan);
    if (removed) removed->insert(removed->end(), plan->remove.begin(), plan->remove.end());
    return plan->filename;
}

// The checkpointer state as the plugin's JSON state carried it (and a host hands it over).
std::string encode(const std::vector<Item>& items) { return ignite::host::json_state::to_json(Policy::state_value(items)); }
std::vector<Item> decode(const std::string& text) {
    if (text.empty() || text[0] != '{') return Policy::decode_text(text);
    c10::IValue value;
    try {
        value = ignite::host::json_state::to_value(text);
    } catch (const std::exception& e) {
        throw std::invalid_argument(e.what());
    }
    return Policy::from_state_value(value);
}

std::vector<std::string> names(const Policy& p) {
    std::vector<std::string> out;
    for (const auto& i : p.saved()) out.push_back(i.filename);
    return out;
}

}  // namespace

TEST_CASE("checkpoint policy: by iteration, n_saved=2 keeps the last two and deletes the oldest", "[checkpoint]") {
    Policy p(PolicyOptions{});
    PolicyOptions o;
    o.n_saved = 2;
    p = Policy(o);
    std::vector<std::string> removed;
    for (int it : {4, 8, 12}) CHECK(call(p, it, true, it, &removed) == "checkpoint_" + std::to_string(it) + ".pt");
    CHECK(names(p) == std::vector<std::string>{"checkpoint_8.pt", "checkpoint_12.pt"});
    CHECK(removed == std::vector<std::string>{"checkpoint_4.pt"});
}

TEST_CASE("checkpoint policy: n_saved=0 (Ignite's None) keeps every file", "[checkpoint]") {
    PolicyOptions o;
    o.n_saved = 0;
    Policy p(o);
    std::vector<std::string> removed;
    for (int it = 1; it <= 5; ++it) call(p, it, true, it, &removed);
    CHECK(p.saved().size() == 5);
    CHECK(removed.empty());
}

TEST_CASE("checkpoint policy: score names as Ignite (.4f, prefix, global step)", "[checkpoint]") {
    PolicyOptions o;
    o.filename_prefix = "best";
    o.score_name = "accuracy";
    Policy p(o);
    CHECK(call(p, 0.77, false, 3) == "best_checkpoint_3_accuracy=0.7700.pt");
    CHECK(Policy::priority_text(-0.28011, false) == "-0.2801");
    CHECK(Policy::priority_text(30, true) == "30");
    PolicyOptions plain;
    plain.filename_prefix = "run";
    CHECK(Policy(plain).filename(30, true, 30) == "run_checkpoint_30.pt");
    // A lower score than the one kept (n_saved=1) is not saved.
    CHECK(call(p, 0.5, false, 4).empty());
    CHECK(names(p) == std::vector<std::string>{"best_checkpoint_3_accuracy=0.7700.pt"});
}

TEST_CASE("checkpoint policy: ties as Ignite (E6: 0.5 0.7 0.7 0.6 0.7, n_saved=2)", "[checkpoint]") {
    const double scores[] = {0.5, 0.7, 0.7, 0.6, 0.7};
    for (const bool ge : {false, true}) {
        PolicyOptions o;
        o.score_name = "acc";
        o.n_saved = 2;
        o.greater_or_equal = ge;
        Policy p(o);
        for (int epoch = 1; epoch <= 5; ++epoch) call(p, scores[epoch - 1], false, epoch);
        // Without greater_or_equal the first equal ones are kept (epochs 2 and 3); with it a
        // tie replaces the oldest of the equal-worst (epochs 3 and 5).
        const auto expected = ge ? std::vector<std::string>{"checkpoint_3_acc=0.7000.pt", "checkpoint_5_acc=0.7000.pt"}
                                 : std::vector<std::string>{"checkpoint_2_acc=0.7000.pt", "checkpoint_3_acc=0.7000.pt"};
        CHECK(names(p) == expected);
    }
}

TEST_CASE("checkpoint policy: a plan that is not committed (failed save) changes nothing", "[checkpoint]") {
    Policy p(PolicyOptions{});
    call(p, 10, true, 10);
    const auto before = p.saved();
    const auto plan = p.plan(20, true, 20);
    REQUIRE(plan);
    CHECK(plan->remove == std::vector<std::string>{"checkpoint_10.pt"});  // only after the new file is written
    CHECK(p.saved() == before);
}

TEST_CASE("checkpoint policy: the same name again is rewritten in place, nothing deleted", "[checkpoint]") {
    PolicyOptions o;
    o.n_saved = 2;
    Policy p(o);
    call(p, 5, true, 5);
    call(p, 10, true, 10);
    const auto plan = p.plan(10, true, 10);
    REQUIRE(plan);
    CHECK(plan->remove.empty());
    CHECK(plan->saved.size() == 2);
}

TEST_CASE("checkpoint policy: own file names are adopted, others are not", "[checkpoint]") {
    PolicyOptions o;
    o.score_name = "accuracy";
    o.filename_prefix = "best";
    o.scored_names_have_step = true;
    Policy p(o);
    const auto item = p.parse("best_checkpoint_3_accuracy=0.7700.pt");
    REQUIRE(item);
    CHECK(item->priority == Approx(0.77));
    CHECK_FALSE(item->integral);
    for (const char* foreign : {"checkpoint_3.pt", "best_checkpoint_3_loss=0.1.pt", "best_checkpoint_x_accuracy=1.pt",
                                "best_checkpoint_3_accuracy=0.77.pt.tmp", "notes.txt"}) {
        CHECK_FALSE(p.parse(foreign));
    }
    Policy by_step(PolicyOptions{});
    CHECK(by_step.parse("checkpoint_40.pt") == Item{40, true, "checkpoint_40.pt"});
    CHECK_FALSE(by_step.parse("checkpoint_-4.pt"));
    CHECK_FALSE(by_step.parse("checkpoint_4x.pt"));
    // Adopted files over n_saved: the next save rotates down to n_saved.
    by_step.set_saved({{30, true, "checkpoint_30.pt"}, {10, true, "checkpoint_10.pt"}, {20, true, "checkpoint_20.pt"}});
    std::vector<std::string> removed;
    call(by_step, 40, true, 40, &removed);
    CHECK(removed == std::vector<std::string>{"checkpoint_10.pt", "checkpoint_20.pt", "checkpoint_30.pt"});
    CHECK(names(by_step) == std::vector<std::string>{"checkpoint_40.pt"});
}

TEST_CASE("checkpoint policy: score names without a global step (Ignite's default) are made and adopted",
          "[checkpoint]") {
    PolicyOptions o;
    o.score_name = "accuracy";
    o.filename_prefix = "best";
    o.n_saved = 2;
    Policy p(o);
    CHECK(call(p, 0.77, false, std::nullopt) == "best_checkpoint_accuracy=0.7700.pt");
    CHECK(p.parse("best_checkpoint_accuracy=0.7700.pt") == Item{0.77, false, "best_checkpoint_accuracy=0.7700.pt"});
    // Names with a step belong to a policy with a global_step_transform, not to this one.
    CHECK_FALSE(p.parse("best_checkpoint_3_accuracy=0.7700.pt"));
    CHECK_FALSE(p.parse("best_checkpoint_accuracy=+0.7700.pt"));
    CHECK_FALSE(p.parse("best_checkpoint_accuracy=.pt"));
    // The same score again (list not full) is the same name: rewritten in place, nothing
    // deleted (Ignite).
    const auto again = p.plan(0.77, false, std::nullopt);
    REQUIRE(again);
    CHECK(again->remove.empty());
    CHECK(again->saved.size() == 1);
}

TEST_CASE("checkpoint policy: _saved round-trips through the component state as Ignite's state_dict", "[checkpoint]") {
    const std::vector<Item> items{{3, true, "checkpoint_3.pt"}, {0.7712345, false, "a b=0.7712.pt"}};
    CHECK(encode(items) == R"({"_saved":[[3,"checkpoint_3.pt"],[0.7712345,"a b=0.7712.pt"]]})");
    CHECK(decode(encode(items)) == items);
    // What Python's Checkpoint.state_dict() holds, tuples as arrays (as the host hands it over).
    CHECK(decode(R"({"_saved": [[10, "checkpoint_10.pt"], [0.5, "best_checkpoint_acc=0.5000.pt"]]})") ==
          std::vector<Item>{{10, true, "checkpoint_10.pt"}, {0.5, false, "best_checkpoint_acc=0.5000.pt"}});
    CHECK(decode(R"({"_saved": []})").empty());
    // The text of checkpoints written before the state was JSON.
    CHECK(decode("i 3 checkpoint_3.pt\nd 0.5 b.pt\n") ==
          std::vector<Item>{{3, true, "checkpoint_3.pt"}, {0.5, false, "b.pt"}});
    for (const char* bad : {"x 1 f\n", "i 1 f", R"({"saved": []})", R"({"_saved": {}})", R"({"_saved": [[1]]})",
                            R"({"_saved": [["1", "f"]]})", R"({"_saved": [[1, "../f.pt"]]})", "{not json"}) {
        INFO(bad);
        CHECK_THROWS_AS(decode(bad), std::invalid_argument);
    }
}

TEST_CASE("checkpoint policy: filename_pattern renders and adopts as Ignite's str.format", "[checkpoint]") {
    // Ignite: Checkpoint(..., filename_pattern="{global_step}-{name}-{score}.pt") with a
    // score_name, global step from the trainer's epoch; an unset field renders "None".
    PolicyOptions o;
    o.score_name = "accuracy";
    o.filename_pattern = "{global_step}-{name}-{score}.{ext}";
    Policy p(o);
    CHECK(call(p, 0.77, false, 3) == "3-checkpoint-0.7700.pt");
    CHECK(p.parse("5-checkpoint-0.8123.pt") == Item{0.8123, false, "5-checkpoint-0.8123.pt"});
    CHECK_FALSE(p.parse("5-checkpoint-x.pt"));
    CHECK_FALSE(p.parse("checkpoint_5.pt"));
    PolicyOptions by_step;
    by_step.filename_prefix = "run";
    by_step.filename_pattern = "{filename_prefix}.{name}.{global_step}.{score_name}={score}.{ext}";
    Policy s(by_step);
    CHECK(s.filename(40, true, 40) == "run.checkpoint.40.None=None.pt");
    CHECK(s.parse("run.checkpoint.40.None=None.pt") == Item{40, true, "run.checkpoint.40.None=None.pt"});
    CHECK_FALSE(s.parse("runXcheckpoint.40.None=None.pt"));  // '.' is literal, not a regex dot
    PolicyOptions braces;
    braces.filename_pattern = "{{ckpt}}_{global_step}.pt";
    CHECK(Policy(braces).filename(7, true, 7) == "{ckpt}_7.pt");
    PolicyOptions no_key;
    no_key.filename_pattern = "latest.pt";  // nothing in the name orders the files: none adopted
    CHECK(Policy(no_key).filename(7, true, 7) == "latest.pt");
    CHECK_FALSE(Policy(no_key).parse("latest.pt"));
}

TEST_CASE("checkpoint policy: a bad filename_pattern is refused with one line naming the fix", "[checkpoint]") {
    auto refused = [](const std::string& pattern) {
        PolicyOptions o;
        o.filename_pattern = pattern;
        try {
            Policy p(o);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(refused("{step}.pt") ==
          "filename_pattern '{step}.pt' names an unknown field {step}; use {filename_prefix} {name} {score} "
          "{score_name} {global_step} {ext}");
    CHECK(refused("{global_step.pt") == "filename_pattern '{global_step.pt' has a '{' without its '}'");
    CHECK(refused("a}.pt") == "filename_pattern 'a}.pt' has a '}' without its '{'");
    CHECK(refused("sub/{global_step}.pt") ==
          "filename_pattern 'sub/{global_step}.pt' makes names with '/' (sub/0.pt); the files go straight into "
          "dirname");
    // Names that are not plain visible files: hidden names are the folder's lock and temporaries.
    CHECK(refused("..") ==
          "filename_pattern '..' makes the name '..', which is not a file name; give a pattern such as "
          "{name}_{global_step}.{ext}");
    CHECK(refused(".") ==
          "filename_pattern '.' makes the name '.', which is not a file name; give a pattern such as "
          "{name}_{global_step}.{ext}");
    CHECK(refused(".{global_step}.pt") ==
          "filename_pattern '.{global_step}.pt' makes hidden names (.0.pt), which are reserved for the folder's lock "
          "and temporaries; start the name with another character");
    CHECK(refused("{global_step}.pt").empty());
    // The default pattern checks its prefix the same way.
    PolicyOptions prefixed;
    prefixed.filename_prefix = "a/b";
    CHECK_THROWS_WITH(Policy(prefixed), Catch::Contains("filename_prefix 'a/b' makes names with '/'"));
}
