// many_metrics: 70 metrics through the SDK's C++ layer (more than the 64 the SDK once
// allowed), m0 .. m69; metric mK computes K, so a test sees that the host created each one
// as itself (ABI 1.2 create_metric is told which metric it creates).
#include <ignite/plugin.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace ignite::sdk;

class Constant : public Metric {
public:
    explicit Constant(double value) : value_(value) {}
    void reset() override {}
    void update(const DLManagedTensor*, const DLManagedTensor*) override {}
    [[nodiscard]] std::vector<double> compute() const override { return {value_}; }
    [[nodiscard]] std::vector<double> statistics() const override { return {}; }
    void load_statistics(const std::vector<double>&) override {}

private:
    double value_;
};

class ManyMetrics : public Plugin {
    void init(Host&) override {}
};

constexpr int kMetrics = 70;

PluginSpec spec() {
    PluginSpec s("many_metrics");
    s.version("0.0.1").description("70 metrics, mK computes K");
    for (int k = 0; k < kMetrics; ++k) {
        // snprintf, not "m" + to_string: GCC 12's -Wrestrict misfires on that at -O3.
        char name[16], help[32];
        std::snprintf(name, sizeof name, "m%d", k);
        std::snprintf(help, sizeof help, "computes %d", k);
        s.metric(MetricSpec(name, [k](Plugin&) { return std::make_unique<Constant>(k); }).help(help));
    }
    return s;
}

}  // namespace

IGNITE_SDK_PLUGIN(ManyMetrics, spec())
