#pragma once
// The end-to-end tests' one way to run the ignite-host this build made, with the plugins it
// built, as a user types a command: `built_host("train --epochs 1 ...")`. Header-only because
// the paths come from the including test's compile definitions (tests/CMakeLists.txt gives
// IGNITE_HOST_EXE and IGNITE_PLUGIN_DIR to the tests that run ignite-host).

#include "support/process.hpp"

#include <string>

#ifndef IGNITE_HOST_EXE
#error "IGNITE_HOST_EXE must name the ignite-host binary"
#endif
#ifndef IGNITE_PLUGIN_DIR
#error "IGNITE_PLUGIN_DIR must name the directory of the built plugins"
#endif

namespace ignite::test {

/// Runs `ignite-host ARGS` (ARGS one line, split at whitespace) with the built plugins on
/// IGNITE_PLUGIN_PATH and stdout and stderr together in `out`; `how` adds the rest (cwd,
/// env, launcher, ...). A run killed by a signal has rc -1, so an exit-status check fails.
inline ProcessResult built_host(const std::string& args, HostRun how = {}) {
    how.plugin_path = IGNITE_PLUGIN_DIR;
    how.merge_stderr = true;
    return run_host(IGNITE_HOST_EXE, words_of(args), how);
}

}  // namespace ignite::test
