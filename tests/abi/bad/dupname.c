/* Built twice (DUP_VARIANT "a" and "b") into two files that both call themselves "dupname". */
#include <ignite/plugin.h>

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    (void)host;
    (void)api;
    (void)plugin_state;
    return IGNITE_OK;
}

static const ignite_plugin_info kInfo = {IGNITE_PLUGIN_INFO_HEADER, .name = "dupname", .version = "0.0.1-" DUP_VARIANT,
                                         .description = "one of two plugins with the same name", .init = init};

IGNITE_DEFINE_PLUGIN(kInfo)
