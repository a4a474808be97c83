#include "metric_lines.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/dict.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace ignite::host {

std::string MetricJson::number(double v, const std::string& name, const std::string& where, const char* format) {
    if (std::isfinite(v)) return fmt::format(fmt::runtime(format), v);
    report(name, where, v);
    return "null";
}

std::string MetricJson::value(const c10::IValue& v, const std::string& name, const std::string& where) {
    if (v.isDouble()) return number(v.toDouble(), name, where);
    if (v.isInt()) return std::to_string(v.toInt());
    if (v.isTensor()) return tensor(v.toTensor().to(at::kCPU, at::kDouble).contiguous(), name, where);
    return "null";
}

std::string MetricJson::tensor(const at::Tensor& t, const std::string& name, const std::string& where) {
    if (t.dim() == 0) return number(t.item<double>(), name, where, "{}");  // shortest exact: counts stay integers
    std::string out = "[";
    for (std::int64_t i = 0; i < t.size(0); ++i) out += (i ? "," : "") + tensor(t[i], name, where);
    return out + "]";
}

std::string MetricJson::fields(const ignite::State& s, const std::string& where) {
    std::string out;
    for (const auto& [name, v] : s.metrics) out += fmt::format(",{}:{}", nlohmann::json(name).dump(), value(v, name, where));
    return out;
}

void MetricJson::report(const std::string& name, const std::string& where, double v) {
    if (name.empty() || !reported_.insert(name).second) return;
    log_line(fmt::format(
        "ignite-host: warning: {} at {} is {}; written as null in metrics.jsonl (JSON has no {}){}", name, where,
        std::isnan(v) ? "NaN" : (v > 0 ? "+inf" : "-inf"), std::isnan(v) ? "NaN" : "infinity",
        name == "loss" || name == "avg_loss" ? ": the training diverged or the data holds non-finite values; try a lower --lr" : ""));
}

double metric_value(const ignite::State& s, const char* name) {
    const auto* v = s.metrics.find(name);
    return v ? ignite::value_as<double>(*v, name) : std::nan("");
}

std::string metric_text(const c10::IValue& v) {
    if (v.isDouble()) return fmt::format("{:.4f}", v.toDouble());
    MetricJson quiet;
    return quiet.value(v, "", "");
}

std::string metrics_text(const ignite::State& s) {
    std::string out;
    for (const auto& [name, v] : s.metrics) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", name, metric_text(v));
    return out;
}

}  // namespace ignite::host
