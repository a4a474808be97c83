/* Built twice (DUP_VARIANT "a" and "b") into two files that both call themselves "dupname". */
#include <ignite/plugin.h>

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    (void)host;
    (void)api;
    (void)plugin_state;
    return IGNITE_OK;
}

static const ignite_plugin_info kInfo = {
    sizeof(ignite_plugin_info),
    IGNITE_ABI_MAJOR,
    IGNITE_ABI_MINOR,
    "dupname",
    "0.0.1-" DUP_VARIANT,
    "one of two plugins with the same name",
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
