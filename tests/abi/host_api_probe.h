// See host_api_probe.cpp.
#pragma once

#include <ignite/plugin.h>

/// ignite::host::PluginHost::api(): the table the host hands every plugin's init.
const ignite_host_api* ignite_abi_host_api();
