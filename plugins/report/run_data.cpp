#include "run_data.hpp"

#include <algorithm>

namespace ignite_report {

void IterationSeries::add(std::int64_t iteration, double value) {
    while (!points.empty() && points.back().x >= static_cast<double>(iteration)) points.pop_back();
    if (iteration % stride != 0) return;
    points.push_back({static_cast<double>(iteration), value});
    while (points.size() > kMaxPoints) {
        stride *= 2;
        const auto s = stride;
        points.erase(std::remove_if(points.begin(), points.end(),
                                    [s](const Point& p) { return static_cast<std::int64_t>(p.x) % s != 0; }),
                     points.end());
    }
}

double EpochRow::value(const std::string& key) const {
    for (const auto& [k, v] : values)
        if (k == key) return v;
    return kMissing;
}

bool EpochRow::has(const std::string& key) const {
    return std::any_of(values.begin(), values.end(), [&](const auto& kv) { return kv.first == key; });
}

void EpochRow::set(const std::string& key, double v) {
    for (auto& [k, old] : values) {
        if (k == key) {
            old = v;
            return;
        }
    }
    values.emplace_back(key, v);
}

EpochRow& RunData::row(const std::string& split, std::int64_t epoch, std::int64_t iteration) {
    for (auto& r : rows) {
        if (r.split == split && r.epoch == epoch) {
            r.iteration = iteration;
            return r;
        }
    }
    rows.push_back({split, epoch, iteration, {}});
    return rows.back();
}

std::vector<const EpochRow*> RunData::rows_of(const std::string& split) const {
    std::vector<const EpochRow*> out;
    for (const auto& r : rows)
        if (r.split == split) out.push_back(&r);
    std::stable_sort(out.begin(), out.end(), [](const EpochRow* a, const EpochRow* b) { return a->epoch < b->epoch; });
    return out;
}

void RunData::set_matrix(MatrixValue m) {
    for (auto& old : matrices) {
        if (old.split == m.split && old.name == m.name) {
            old = std::move(m);
            return;
        }
    }
    matrices.push_back(std::move(m));
}

}  // namespace ignite_report
