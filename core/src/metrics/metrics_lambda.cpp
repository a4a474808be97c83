#include <ignite/core/metrics/metrics_lambda.hpp>

#include <ATen/ATen.h>

#include <fmt/format.h>

#include <algorithm>

namespace ignite {
namespace {

void collect_leaves(const std::shared_ptr<Metric>& m, std::vector<std::shared_ptr<Metric>>& out) {
    if (const auto* lambda = dynamic_cast<const MetricsLambda*>(m.get())) {
        for (const auto& leaf : lambda->leaves()) collect_leaves(leaf, out);
        return;
    }
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
}

}  // namespace

MetricsLambda::MetricsLambda(Function fn, std::vector<std::shared_ptr<Metric>> args, std::string name)
    : fn_(std::move(fn)), args_(std::move(args)), name_(std::move(name)) {
    if (!fn_) throw ValueError(fmt::format("{}: the function is empty", name_));
    if (args_.empty()) throw ValueError(fmt::format("{}: needs at least one metric", name_));
    for (const auto& a : args_) {
        if (!a) throw ValueError(fmt::format("{}: a metric argument is null", name_));
        collect_leaves(a, leaves_);
    }
}

void MetricsLambda::reset() {
    for (const auto& l : leaves_) l->reset();
}

void MetricsLambda::feed(const c10::IValue& engine_output) {
    for (const auto& l : leaves_) l->feed(engine_output);
}

void MetricsLambda::update(const c10::IValue& /*output*/) {
    throw RuntimeError(fmt::format("{}.update is not used: feed() passes the output to its metrics", name_));
}

c10::IValue MetricsLambda::compute() const {
    std::vector<c10::IValue> values;
    values.reserve(args_.size());
    for (const auto& a : args_) values.push_back(a->compute());
    return fn_(values);
}

std::vector<double> MetricsLambda::statistics() const {
    std::vector<double> out;
    for (const auto& l : leaves_) {
        const auto s = l->statistics();
        out.insert(out.end(), s.begin(), s.end());
    }
    return out;
}

void MetricsLambda::load_statistics(const std::vector<double>& stats) {
    std::size_t total = 0;
    std::vector<std::size_t> sizes;
    for (const auto& l : leaves_) total += sizes.emplace_back(l->statistics().size());
    if (total != stats.size()) {
        throw ValueError(fmt::format("{}.load_statistics: expected {} numbers, got {}", name_, total, stats.size()));
    }
    std::size_t at = 0;
    for (std::size_t i = 0; i < leaves_.size(); ++i) {
        leaves_[i]->load_statistics(std::vector<double>(stats.begin() + static_cast<std::ptrdiff_t>(at),
                                                        stats.begin() + static_cast<std::ptrdiff_t>(at + sizes[i])));
        at += sizes[i];
    }
}

std::vector<StatisticsPart> MetricsLambda::statistics_parts() const {
    std::vector<StatisticsPart> out;
    for (const auto& l : leaves_) {
        auto parts = l->statistics_parts();
        out.insert(out.end(), parts.begin(), parts.end());
    }
    return out;
}

void MetricsLambda::load_statistics_parts(const std::vector<StatisticsPart>& parts) {
    std::size_t at = 0;
    for (const auto& l : leaves_) {
        const auto n = l->statistics_parts().size();
        if (at + n > parts.size()) break;
        l->load_statistics_parts(std::vector<StatisticsPart>(parts.begin() + static_cast<std::ptrdiff_t>(at),
                                                             parts.begin() + static_cast<std::ptrdiff_t>(at + n)));
        at += n;
    }
    if (at != parts.size()) {
        throw ValueError(fmt::format("{}.load_statistics_parts: got {} parts, which do not match its metrics", name_,
                                     parts.size()));
    }
}

double metric_double(const c10::IValue& v, const std::string& what) {
    if (v.isDouble()) return v.toDouble();
    if (v.isInt()) return static_cast<double>(v.toInt());
    if (v.isBool()) return v.toBool() ? 1.0 : 0.0;
    if (v.isTensor() && v.toTensor().numel() == 1) return v.toTensor().item<double>();
    throw TypeError(fmt::format("{} is not a number (it is a {})", what, v.tagKind()));
}

at::Tensor metric_tensor(const c10::IValue& v, const std::string& what) {
    if (v.isTensor()) return v.toTensor().detach().to(at::kCPU, at::kDouble);
    if (v.isDouble() || v.isInt() || v.isBool()) return at::scalar_tensor(metric_double(v, what), at::kDouble);
    throw TypeError(fmt::format("{} is not a number or a tensor (it is a {})", what, v.tagKind()));
}

}  // namespace ignite
