// site_metric: one site-specific metric, cost_weighted_error, written against the installed
// SDK's C++ layer (ignite/plugin.hpp) and DLPack only: no LibTorch.
//
//   cost_weighted_error = sum over misclassified samples of costs[y_i] / N
//
// y_pred: (N, C) float32 scores on the CPU (prediction = argmax, the first maximum on ties);
// y: (N,) int64 class indices. The metric is declared `cpu`, so the host copies device
// tensors to the CPU before update; any other dtype is refused with a clear message.
// Option costs: comma-separated per-class costs (>= 0, at least C of them); empty = all 1.
#include <ignite/plugin.hpp>

#include <cmath>
#include <cstdint>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ignite::sdk::Error;

std::vector<double> parse_costs(const std::string& text) {
    std::vector<double> costs;
    if (text.find_first_not_of(" \t") == std::string::npos) return costs;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        std::size_t used = 0;
        double v = 0;
        try {
            v = std::stod(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || item.find_first_not_of(" \t", used) != std::string::npos || !std::isfinite(v) || v < 0) {
            throw std::invalid_argument("site_metric.costs='" + text + "': '" + item +
                                        "' is not a cost; give comma-separated numbers >= 0, one per class");
        }
        costs.push_back(v);
    }
    return costs;
}

std::string dtype_name(DLDataType t) {
    const char* code = t.code == kDLFloat ? "float" : t.code == kDLInt ? "int" : t.code == kDLUInt ? "uint" : "other";
    return std::string(code) + std::to_string(t.bits);
}

// Element (i, j) of a 1-D or 2-D DLPack tensor (strides in elements; NULL = compact).
template <typename T>
T at(const DLTensor& t, std::int64_t i, std::int64_t j = 0) {
    std::int64_t offset = 0;
    if (t.strides) {
        offset = i * t.strides[0] + (t.ndim > 1 ? j * t.strides[1] : 0);
    } else {
        offset = t.ndim > 1 ? i * t.shape[1] + j : i;
    }
    return static_cast<const T*>(static_cast<const void*>(static_cast<const char*>(t.data) + t.byte_offset))[offset];
}

void require_cpu(const DLTensor& t, const char* what) {
    if (t.device.device_type != kDLCPU && t.device.device_type != kDLCUDAHost) {
        throw Error(IGNITE_ERR_TYPE, std::string("cost_weighted_error: ") + what +
                                         " must be a CPU tensor (DLPack device type " +
                                         std::to_string(t.device.device_type) + ")");
    }
}

class CostWeightedError : public ignite::sdk::Metric {
public:
    explicit CostWeightedError(std::vector<double> costs) : costs_(std::move(costs)) {}

    void reset() override {
        cost_ = 0;
        n_ = 0;
    }

    void update(const DLManagedTensor* y_pred, const DLManagedTensor* y) override {
        const DLTensor& p = y_pred->dl_tensor;
        const DLTensor& t = y->dl_tensor;
        require_cpu(p, "y_pred");
        require_cpu(t, "y");
        if (p.dtype.code != kDLFloat || p.dtype.bits != 32 || p.dtype.lanes != 1) {
            throw Error(IGNITE_ERR_TYPE,
                        "cost_weighted_error: y_pred must be float32 scores, got " + dtype_name(p.dtype));
        }
        if (t.dtype.code != kDLInt || t.dtype.bits != 64 || t.dtype.lanes != 1) {
            throw Error(IGNITE_ERR_TYPE,
                        "cost_weighted_error: y must be int64 class indices, got " + dtype_name(t.dtype));
        }
        if (p.ndim != 2 || t.ndim != 1 || p.shape[0] != t.shape[0] || p.shape[1] < 1) {
            throw Error(IGNITE_ERR_INVALID_ARGUMENT,
                        "cost_weighted_error expects y_pred of shape (N, C) and y of shape (N,)");
        }
        const std::int64_t n = p.shape[0], classes = p.shape[1];
        if (!costs_.empty() && static_cast<std::int64_t>(costs_.size()) < classes) {
            throw Error(IGNITE_ERR_INVALID_ARGUMENT, "cost_weighted_error: site_metric.costs has " +
                                                         std::to_string(costs_.size()) + " values but y_pred has " +
                                                         std::to_string(classes) + " classes; give one cost per class");
        }
        double cost = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const auto label = at<std::int64_t>(t, i);
            if (label < 0 || label >= classes) {
                throw Error(IGNITE_ERR_INVALID_ARGUMENT, "cost_weighted_error: y holds class " + std::to_string(label) +
                                                             ", outside [0, " + std::to_string(classes) + ")");
            }
            std::int64_t best = 0;
            for (std::int64_t j = 1; j < classes; ++j) {
                if (at<float>(p, i, j) > at<float>(p, i, best)) best = j;
            }
            if (best != label) cost += costs_.empty() ? 1.0 : costs_[static_cast<std::size_t>(label)];
        }
        cost_ += cost;  // only once the whole batch was valid
        n_ += static_cast<double>(n);
    }

    [[nodiscard]] std::vector<double> compute() const override {
        if (n_ == 0) {
            throw Error(IGNITE_ERR_STATE,
                        "cost_weighted_error must have at least one example before it can be computed.");
        }
        return {cost_ / n_};
    }
    [[nodiscard]] std::vector<double> statistics() const override { return {cost_, n_}; }
    void load_statistics(const std::vector<double>& stats) override {
        if (stats.size() != 2) {
            throw Error(IGNITE_ERR_INVALID_ARGUMENT,
                        "cost_weighted_error takes 2 statistics {cost, N}, got " + std::to_string(stats.size()));
        }
        cost_ = stats[0];
        n_ = stats[1];
    }

private:
    std::vector<double> costs_;
    double cost_ = 0;
    double n_ = 0;
};

class SiteMetric : public ignite::sdk::Plugin {
public:
    std::vector<double> costs;

private:
    void init(ignite::sdk::Host& host) override { costs = parse_costs(host.option_string("costs")); }
};

}  // namespace

IGNITE_SDK_PLUGIN(
    SiteMetric,
    ignite::sdk::PluginSpec("site_metric")
        .version("1.0.0")
        .description("Site-specific evaluation: cost-weighted misclassification error")
        .option(ignite::sdk::Option::string("costs", "").help("comma-separated cost per true class (default: all 1)"))
        .metric(ignite::sdk::MetricSpec("cost_weighted_error",
                                        [](ignite::sdk::Plugin& p) {
                                            return std::make_unique<CostWeightedError>(
                                                static_cast<SiteMetric&>(p).costs);
                                        })
                    .help("sum of costs[true class] over misclassified samples / N")
                    .cpu()))
