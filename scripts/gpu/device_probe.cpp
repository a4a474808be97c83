// device_probe: a metric plugin for scripts/gpu-check.sh that reports WHERE the host hands
// a plugin metric its tensors (the "metrics" check): the DLPack device type of y_pred and y.
//
//   ignite-host train --device cuda --plugin PATH/ignite-plugin-device_probe.so
//     --metric probe_device --metric probe_device_cpu
//
//   probe_device      declared without IGNITE_METRIC_CPU: expected 2 (kDLCUDA) on --device
//                     cuda, 1 (kDLCPU) on the CPU;
//   probe_device_cpu  declared with IGNITE_METRIC_CPU ("cpu" in the C++ spec): expected 1
//                     (kDLCPU) everywhere (3, kDLCUDAHost, would also be host memory).
// The value is the device type every update saw, -1 when updates saw different ones (or
// y_pred and y disagreed). Built against the SDK headers and DLPack only (no LibTorch):
//   g++ -std=c++17 -shared -fPIC -fvisibility=hidden -Isdk/include device_probe.cpp
//     -o ignite-plugin-device_probe.so
#include <ignite/plugin.hpp>

#include <memory>
#include <vector>

namespace {

class DeviceProbe : public ignite::sdk::Metric {
public:
    void reset() override {
        type_ = 0;
        updates_ = 0;
    }
    void update(const DLManagedTensor* y_pred, const DLManagedTensor* y) override {
        const int p = static_cast<int>(y_pred->dl_tensor.device.device_type);
        const int t = static_cast<int>(y->dl_tensor.device.device_type);
        const int seen = p == t ? p : -1;
        type_ = updates_ == 0 ? seen : (type_ == seen ? type_ : -1);
        ++updates_;
    }
    [[nodiscard]] std::vector<double> compute() const override {
        if (updates_ == 0) throw ignite::sdk::Error(IGNITE_ERR_STATE, "probe_device: no update before compute");
        return {static_cast<double>(type_)};
    }
    // Not summable in a meaningful way; one process only (the check runs one).
    [[nodiscard]] std::vector<double> statistics() const override { return {static_cast<double>(type_), updates_}; }
    void load_statistics(const std::vector<double>& s) override {
        if (s.size() != 2) throw ignite::sdk::Error(IGNITE_ERR_INVALID_ARGUMENT, "probe_device takes 2 statistics");
        type_ = static_cast<int>(s[0]);
        updates_ = s[1];
    }

private:
    int type_ = 0;
    double updates_ = 0;
};

class Probe : public ignite::sdk::Plugin {
    void init(ignite::sdk::Host&) override {}
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Probe, ignite::sdk::PluginSpec("device_probe")
               .version("1.0.0")
               .description("gpu-check: the DLPack device type of the tensors a metric plugin is handed")
               .metric(ignite::sdk::MetricSpec("probe_device",
                                               [](ignite::sdk::Plugin&) { return std::make_unique<DeviceProbe>(); })
                           .help("DLPack device type of the tensors (no cpu flag)"))
               .metric(ignite::sdk::MetricSpec("probe_device_cpu",
                                               [](ignite::sdk::Plugin&) { return std::make_unique<DeviceProbe>(); })
                           .help("DLPack device type of the tensors (declared cpu)")
                           .cpu()))
