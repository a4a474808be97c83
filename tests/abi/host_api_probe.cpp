// The host's function table, for abi_test.cpp. A separate translation unit on purpose:
// bridge.hpp pulls in libtorch, whose c10 logging header redefines CHECK and would
// silently replace Catch's CHECK in the test file.
#include "host_api_probe.h"

#include <ignite/runtime/bridge.hpp>

const ignite_host_api* ignite_abi_host_api() { return ignite::host::PluginHost::api(); }
