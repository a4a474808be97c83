#include "run_data_json.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

namespace ignite_report {

namespace {

using nlohmann::json;

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double num(const json& j) { return j.is_number() ? j.get<double>() : kMissing; }

json series(const IterationSeries& s) {
    json pts = json::array();
    for (const auto& p : s.points) pts.push_back({static_cast<std::int64_t>(p.x), num(p.y)});
    return {{"tag", s.tag}, {"stride", s.stride}, {"points", pts}};
}

IterationSeries series(const json& j) {
    IterationSeries s;
    s.tag = j.at("tag").get<std::string>();
    s.stride = std::max<std::int64_t>(1, j.at("stride").get<std::int64_t>());
    for (const auto& p : j.at("points")) s.points.push_back({p.at(0).get<double>(), num(p.at(1))});
    return s;
}

}  // namespace

std::string to_json_text(const RunData& run) {
    json rows = json::array();
    for (const auto& r : run.rows) {
        json values = json::array();
        for (const auto& [k, v] : r.values) values.push_back({k, num(v)});
        rows.push_back({{"split", r.split}, {"epoch", r.epoch}, {"iteration", r.iteration}, {"values", values}});
    }
    json matrices = json::array();
    for (const auto& m : run.matrices) {
        json rs = json::array();
        for (const auto& r : m.rows) {
            json row = json::array();
            for (const double v : r) row.push_back(num(v));
            rs.push_back(row);
        }
        matrices.push_back({{"split", m.split}, {"name", m.name}, {"epoch", m.epoch}, {"rows", rs}});
    }
    json saves = json::array();
    for (const auto& c : run.checkpoints) saves.push_back({c.iteration, c.epoch, c.file, c.on_disk});
    json resumes = json::array();
    for (const auto& r : run.resumes) resumes.push_back({r.epoch, r.iteration, r.checkpoint, r.superseded});
    json lr = json::array();
    for (const auto& s : run.lr) lr.push_back(series(s));
    const json j = {{"version", 1},
                    {"wall_seconds", num(run.facts.wall_seconds)},
                    {"started_utc", run.facts.started_utc},
                    {"loss", series(run.loss)},
                    {"lr", lr},
                    {"rows", rows},
                    {"matrices", matrices},
                    {"checkpoints", saves},
                    {"resumes", resumes}};
    return j.dump();
}

RunData from_json_text(const std::string& text) {
    try {
        const json j = json::parse(text);
        if (j.value("version", 0) != 1) throw std::invalid_argument("unknown version");
        RunData run;
        run.facts.wall_seconds = num(j.at("wall_seconds"));
        run.facts.started_utc = j.value("started_utc", "");
        run.loss = series(j.at("loss"));
        for (const auto& s : j.at("lr")) run.lr.push_back(series(s));
        for (const auto& r : j.at("rows")) {
            EpochRow row{r.at("split").get<std::string>(),
                         r.at("epoch").get<std::int64_t>(),
                         r.at("iteration").get<std::int64_t>(),
                         {}};
            for (const auto& kv : r.at("values")) row.values.emplace_back(kv.at(0).get<std::string>(), num(kv.at(1)));
            run.rows.push_back(std::move(row));
        }
        for (const auto& m : j.at("matrices")) {
            MatrixValue v{m.at("split").get<std::string>(),
                          m.at("name").get<std::string>(),
                          m.at("epoch").get<std::int64_t>(),
                          {}};
            for (const auto& r : m.at("rows")) {
                std::vector<double> row;
                for (const auto& x : r) row.push_back(num(x));
                v.rows.push_back(std::move(row));
            }
            run.matrices.push_back(std::move(v));
        }
        for (const auto& c : j.at("checkpoints"))
            run.checkpoints.push_back({c.at(0).get<std::int64_t>(), c.at(1).get<std::int64_t>(),
                                       c.at(2).get<std::string>(), c.size() > 3 ? c.at(3).get<int>() : -1});
        for (const auto& r : j.at("resumes"))
            run.resumes.push_back({r.at(0).get<std::int64_t>(), r.at(1).get<std::int64_t>(), r.at(2).get<std::string>(),
                                   r.at(3).get<std::int64_t>()});
        return run;
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("the report state is not what this plugin saves: ") + e.what());
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("the report state is not what this plugin saves: ") + e.what());
    }
}

}  // namespace ignite_report
