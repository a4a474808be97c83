#include "profile_data.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace ignite_report {
namespace {

ProfileRow row_of(const nlohmann::json& stat, std::string engine, std::string handler, std::string event) {
    ProfileRow r{std::move(engine), std::move(handler), std::move(event)};
    r.calls = stat.at("calls").get<std::int64_t>();
    r.total = stat.at("total").get<double>();
    r.mean = stat.at("mean").get<double>();
    r.max = stat.at("max").get<double>();
    return r;
}

}  // namespace

RunProfile parse_profile(std::string_view json_text) {
    RunProfile p;
    try {
        const auto doc = nlohmann::json::parse(json_text);
        if (!doc.is_object() || doc.value("version", 0) != 1)
            throw std::invalid_argument("not version 1 of profile.json's layout (docs/profile.md)");
        p.outcome = doc.value("outcome", "");
        p.wall_seconds = doc.at("wall_seconds").get<double>();
        for (const auto& e : doc.at("engines")) {
            const auto engine = e.at("engine").get<std::string>();
            p.rows.push_back(row_of(e.at("dataflow"), engine, RunProfile::kDataflow, ""));
            p.rows.push_back(row_of(e.at("processing"), engine, RunProfile::kProcessing, ""));
            for (const auto& h : e.at("handlers"))
                p.rows.push_back(row_of(h, engine, h.at("handler").get<std::string>(), h.at("event").get<std::string>()));
        }
    } catch (const nlohmann::json::exception& e) {
        std::string why = e.what();
        if (why.rfind("[json.exception", 0) == 0 && why.find("] ") != std::string::npos)
            why = why.substr(why.find("] ") + 2);
        throw std::invalid_argument(why);
    }
    p.present = true;
    return p;
}

}  // namespace ignite_report
