#pragma once
// What the report plugin learns while the run goes, kept as RunData, without I/O or the SDK:
// the plugin (report.cpp) reads the engines and calls these, so the rules (which split an
// engine writes, who stopped a run, the facts in the configuration) are tested alone.

#include "run_data.hpp"

#include <string>

namespace ignite_report {

/// metrics.jsonl's split for an engine (host/src/train/metrics_jsonl.hpp's kSplitOfEngine):
/// trainer -> train, validation -> val, evaluator -> test; another engine keeps its name.
[[nodiscard]] std::string split_of_engine(const std::string& engine);

/// Fills facts.config, seed, device, command line and plugins from the run's configuration
/// (the run fact "config": every option with its value, one JSON object). Ignores what is
/// not a JSON object.
void read_run_config(RunFacts& facts, const std::string& config_json);

/// The outcome, why and who for a run whose trainer ended with `reason` (the SDK's
/// TerminateReason as its value: 0 none, 1 handler, 2 user_signal, 3 bad_weights, 4 iteration_limit).
void set_ended(RunFacts& facts, int terminate_reason, const std::string& engine);

}  // namespace ignite_report
