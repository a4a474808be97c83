/* init fails the C way: set_error + a failure status. */
#include <ignite/plugin.h>

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    (void)plugin_state;
    api->set_error(host, "database unreachable");
    return IGNITE_ERR_STATE;
}

static const ignite_plugin_info kInfo = {
    sizeof(ignite_plugin_info),
    IGNITE_ABI_MAJOR,
    IGNITE_ABI_MINOR,
    "initfail",
    "0.0.1",
    "init always fails",
    NULL,
    0,
    NULL,
    0,
    init,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    0, /* 1.1: no metrics */
    sizeof(ignite_option_spec),
    sizeof(ignite_event_decl),
    sizeof(ignite_bytes), /* 1.2: strides */
};

IGNITE_DEFINE_PLUGIN(kInfo)
