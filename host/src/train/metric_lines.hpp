#pragma once
// The JSON values of metrics.jsonl. Every line must parse as JSON: a non-finite number
// (NaN, +-inf: a diverging loss, a metric over nothing) is written as null and the
// reason is logged once per metric, instead of the invalid `nan`.

#include <ignite/core/state.hpp>

#include <ATen/core/ivalue.h>

#include <set>
#include <string>
#include <vector>

namespace ignite::host {

class MetricJson {
public:
    /// `v` as a JSON number with `format` ("{:.6f}"-style), or null (logged, once per
    /// `name`, with `where`, e.g. "train epoch 3").
    std::string number(double v, const std::string& name, const std::string& where, const char* format = "{:.6f}");
    /// A metric value: a number, nested arrays for a tensor (e.g. a confusion matrix),
    /// null for anything else. Non-finite elements become null as for number().
    std::string value(const c10::IValue& v, const std::string& name, const std::string& where);
    /// ,"name":value for every metric in s.metrics, in attach order.
    std::string fields(const ignite::State& s, const std::string& where);

private:
    std::string tensor(const at::Tensor& t, const std::string& name, const std::string& where);
    void report(const std::string& name, const std::string& where, double v);
    std::set<std::string> reported_;
};

/// state.metrics[name] as a double; NaN when absent.
double metric_value(const ignite::State& s, const char* name);

/// A metric for the console: 4 decimals for a number, the JSON form otherwise.
std::string metric_text(const c10::IValue& v);

/// "name text" (metric_text) for every metric in s.metrics, in attach order, joined by ", ":
/// the console's form, e.g. "accuracy 0.9012, loss 0.2801, f1_macro 0.9001"; "" for none.
std::string metrics_text(const ignite::State& s);

}  // namespace ignite::host
