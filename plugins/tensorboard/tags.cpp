#include "tags.hpp"

#include <algorithm>
#include <stdexcept>

namespace ignite::tensorboard {

std::map<std::string, std::string> engine_tags(const std::vector<std::string>& engines,
                                               const std::vector<std::string>& overrides) {
    const auto has = [&](const std::string& n) {
        return std::find(engines.begin(), engines.end(), n) != engines.end();
    };
    std::map<std::string, std::string> out;
    for (const auto& e : engines) {
        if (e == "trainer")
            out[e] = "training";
        else if (e == "validation")
            out[e] = "validation";
        else if (e == "evaluator")
            out[e] = has("validation") ? "test" : "validation";
        else
            out[e] = e;
    }
    std::string known;
    for (const auto& e : engines) known += (known.empty() ? "" : ", ") + e;
    for (const auto& entry : overrides) {
        const auto colon = entry.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == entry.size()) {
            throw std::invalid_argument("tensorboard.tags entry '" + entry +
                                        "' is not engine:tag; write e.g. tags=evaluator:test");
        }
        const auto engine = entry.substr(0, colon);
        if (!has(engine)) {
            throw std::invalid_argument("tensorboard.tags names engine '" + engine +
                                        "', which this run does not have; its engines: " + known);
        }
        out[engine] = entry.substr(colon + 1);
    }
    return out;
}

std::string parameter_tag(std::string_view prefix, std::string_view parameter_name) {
    std::string out(prefix);
    out += '/';
    for (char c : parameter_name) out += c == '.' ? '/' : c;
    return out;
}

std::string flatten_tag(std::string_view tag, const std::vector<std::int64_t>& index) {
    std::string out(tag);
    for (auto i : index) out += "/" + std::to_string(i);
    return out;
}

std::vector<std::pair<std::string, std::size_t>> flatten_tensor(std::string_view tag,
                                                                const std::vector<std::int64_t>& shape) {
    std::size_t total = 1;
    for (auto d : shape) total *= static_cast<std::size_t>(std::max<std::int64_t>(d, 0));
    std::vector<std::pair<std::string, std::size_t>> out;
    out.reserve(total);
    std::vector<std::int64_t> index(shape.size(), 0);
    for (std::size_t offset = 0; offset < total; ++offset) {
        out.emplace_back(flatten_tag(tag, index), offset);
        for (std::size_t d = shape.size(); d-- > 0;) {  // row-major odometer
            if (++index[d] < shape[d]) break;
            index[d] = 0;
        }
    }
    return out;
}

std::vector<std::string> parse_params(const std::vector<std::string>& entries) {
    static const std::vector<std::string> known{"lr", "momentum", "weight_decay"};
    if (entries.empty()) throw std::invalid_argument("tensorboard.params is empty; give e.g. params=lr,momentum");
    for (const auto& e : entries) {
        if (std::find(known.begin(), known.end(), e) == known.end()) {
            throw std::invalid_argument("tensorboard.params names '" + e +
                                        "', which is not an optimizer parameter it logs; use lr, momentum or "
                                        "weight_decay");
        }
    }
    return entries;
}

}  // namespace ignite::tensorboard
