#include "json_state.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace ignite::host::json_state {
namespace {

// ordered_json keeps an object's keys in the order written, as Python's dict does.
using Json = nlohmann::ordered_json;

c10::IValue value_of(const Json& j) {
    switch (j.type()) {
        case Json::value_t::object: {
            c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
            for (const auto& [key, item] : j.items()) d.insert(key, value_of(item));
            return d;
        }
        case Json::value_t::array: {
            c10::impl::GenericList l(c10::AnyType::get());
            l.reserve(j.size());
            for (const auto& item : j) l.push_back(value_of(item));
            return l;
        }
        case Json::value_t::string:
            return j.get<std::string>();
        case Json::value_t::boolean:
            return j.get<bool>();
        case Json::value_t::number_integer:
            return j.get<std::int64_t>();
        case Json::value_t::number_unsigned: {
            const auto u = j.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                throw std::invalid_argument("the integer " + std::to_string(u) + " does not fit int64");
            return static_cast<std::int64_t>(u);
        }
        case Json::value_t::number_float:
            return j.get<double>();
        case Json::value_t::null:
            return c10::IValue();
        default:
            throw std::invalid_argument("a JSON value of an unexpected kind");
    }
}

Json json_of(const c10::IValue& v, const std::string& where) {
    if (v.isNone()) return nullptr;
    if (v.isBool()) return v.toBool();
    if (v.isInt()) return v.toInt();
    if (v.isDouble()) {
        const double d = v.toDouble();
        return std::isfinite(d) ? Json(d) : Json(nullptr);
    }
    if (v.isString()) return v.toStringRef();
    if (v.isList() || v.isTuple()) {
        Json out = Json::array();
        const auto items = v.isList() ? v.toListRef() : v.toTupleRef().elements();
        for (std::size_t i = 0; i < items.size(); ++i)
            out.push_back(json_of(items[i], where + "[" + std::to_string(i) + "]"));
        return out;
    }
    if (v.isGenericDict()) {
        Json out = Json::object();
        for (const auto& item : v.toGenericDict()) {
            if (!item.key().isString())
                throw std::invalid_argument(where + " is a dict with a key that is not a str (" + item.key().tagKind() +
                                            "), which JSON cannot hold");
            const auto& key = item.key().toStringRef();
            out[key] = json_of(item.value(), where + "['" + key + "']");
        }
        return out;
    }
    throw std::invalid_argument(where + " is a " + v.tagKind() + ", which JSON cannot hold");
}

}  // namespace

c10::IValue to_value(std::string_view text) {
    Json j;
    try {
        j = Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
        // e.what() reads "[json.exception.parse_error.101] parse error at line 1, column 3: ...".
        std::string why = e.what();
        const auto cut = why.find("] ");
        throw std::invalid_argument("not valid JSON: " + (cut == std::string::npos ? why : why.substr(cut + 2)));
    }
    return value_of(j);
}

std::string to_json(const c10::IValue& value) {
    const Json j = json_of(value, "the state");
    try {
        return j.dump();
    } catch (const Json::exception&) {
        throw std::invalid_argument("the state holds a str that is not valid UTF-8");
    }
}

}  // namespace ignite::host::json_state
