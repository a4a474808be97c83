#include "run_config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ignite::host {

std::string run_config_json(const boost::program_options::variables_map& vm) {
    nlohmann::ordered_json config = nlohmann::ordered_json::object();
    for (const auto& [name, value] : vm) {  // a std::map: name order
        if (name == "config" || name == "help" || value.empty()) continue;
        std::string key = name;
        std::replace(key.begin(), key.end(), '-', '_');
        const auto& any = value.value();
        if (const auto* s = boost::any_cast<std::string>(&any)) {
            config[key] = *s;
        } else if (const auto* i = boost::any_cast<std::int64_t>(&any)) {
            config[key] = *i;
        } else if (const auto* d = boost::any_cast<double>(&any)) {
            config[key] = *d;
        } else if (const auto* b = boost::any_cast<bool>(&any)) {
            config[key] = *b;
        } else if (const auto* list = boost::any_cast<std::vector<std::string>>(&any)) {
            config[key] = *list;
        }
        // Another type would be an option added without a case here: run_config_test lists
        // every train option and fails on one missing from the JSON.
    }
    return config.dump();
}

}  // namespace ignite::host
