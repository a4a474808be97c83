/* init fails the C way: set_error + a failure status. */
#include <ignite/plugin.h>

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    (void)plugin_state;
    api->set_error(host, "database unreachable");
    return IGNITE_ERR_STATE;
}

static const ignite_plugin_info kInfo = {IGNITE_PLUGIN_INFO_HEADER, .name = "initfail", .version = "0.0.1",
                                         .description = "init always fails", .init = init};

IGNITE_DEFINE_PLUGIN(kInfo)
