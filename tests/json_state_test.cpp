// Plugin state in JSON (ABI 1.4) <-> the Python value a checkpoint holds
// (host/runtime/src/json_state.cpp): json.loads's mapping both ways, and one line for what
// JSON cannot hold.
#include "../host/runtime/src/json_state.hpp"

#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include <limits>

using ignite::host::json_state::to_json;
using ignite::host::json_state::to_value;

TEST_CASE("json state: json.loads's values, key order kept, and back to the same text", "[json_state]") {
    const std::string text = R"({"z":1,"a":[2.5,"s",true,null,{"k":[]}],"big":-9223372036854775808})";
    const auto v = to_value(text);
    REQUIRE(v.isGenericDict());
    const auto d = v.toGenericDict();
    std::vector<std::string> keys;
    for (const auto& item : d) keys.push_back(item.key().toStringRef());
    CHECK(keys == std::vector<std::string>{"z", "a", "big"});  // as written, as Python's dict keeps them
    CHECK(d.at("z").isInt());
    const auto list = d.at("a").toList();
    CHECK(list.get(0).toDouble() == 2.5);
    CHECK(list.get(1).toStringRef() == "s");
    CHECK(list.get(2).toBool());
    CHECK(list.get(3).isNone());
    CHECK(list.get(4).isGenericDict());
    CHECK(d.at("big").toInt() == std::numeric_limits<std::int64_t>::min());
    CHECK(to_json(v) == text);
}

TEST_CASE("json state: Python's tuples become arrays, non-finite floats null", "[json_state]") {
    c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
    c10::impl::GenericList saved(c10::AnyType::get());
    saved.push_back(c10::ivalue::Tuple::create({c10::IValue(std::int64_t{3}), c10::IValue("checkpoint_3.pt")}));
    saved.push_back(c10::ivalue::Tuple::create({c10::IValue(std::nan("")), c10::IValue("x.pt")}));
    d.insert("_saved", saved);
    d.insert("inf", std::numeric_limits<double>::infinity());
    CHECK(to_json(d) == R"({"_saved":[[3,"checkpoint_3.pt"],[null,"x.pt"]],"inf":null})");
}

TEST_CASE("json state: invalid text and values JSON cannot hold are refused with one line", "[json_state]") {
    for (const char* bad : {"", "{", "{\"a\":1} trailing", "[1,]", "18446744073709551615", "NaN"}) {
        INFO(bad);
        CHECK_THROWS_AS(to_value(bad), std::invalid_argument);
    }
    CHECK_THROWS_WITH(to_value("{\"a\":"), Catch::StartsWith("not valid JSON: "));
    c10::impl::GenericDict with_tensor(c10::StringType::get(), c10::AnyType::get());
    with_tensor.insert("w", at::zeros({2}));
    CHECK_THROWS_WITH(to_json(with_tensor), "the state['w'] is a Tensor, which JSON cannot hold");
    c10::impl::GenericDict int_keys(c10::IntType::get(), c10::AnyType::get());
    int_keys.insert(std::int64_t{1}, std::int64_t{2});
    CHECK_THROWS_WITH(to_json(int_keys), Catch::Contains("a key that is not a str (Int)"));
    CHECK_THROWS_WITH(to_json(c10::IValue(std::string("\xff"))), Catch::Contains("not valid UTF-8"));
}
