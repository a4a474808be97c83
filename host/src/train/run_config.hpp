#pragma once
// The run's configuration as one JSON object (RunFacts::config_json, the ABI's run fact
// "config"): every option of the command line and config file with the value the run uses,
// defaults included, so a logger can record exactly what ran.

#include <boost/program_options.hpp>

#include <string>

namespace ignite::host {

/// {"batch_size": 64, "lr": 0.1, "plugin": ["trace"], ...}: each option under its name with
/// '-' as '_', in name order; strings, integers, floats, booleans and lists of strings as
/// JSON's own types. --config and --help are not part of the run and are left out.
[[nodiscard]] std::string run_config_json(const boost::program_options::variables_map& vm);

}  // namespace ignite::host
