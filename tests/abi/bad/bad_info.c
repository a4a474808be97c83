/* A plugin whose info the host must refuse before calling init. The build compiles it
 * several times with BAD_NAME, BAD_ABI_MAJOR, BAD_ABI_MINOR, BAD_STRUCT_SIZE and
 * BAD_STATE_FORMAT set: wrong ABI major (2), newer minor than the host (1.99), struct_size
 * too small (8), an unknown state_format (7), JSON state while claiming ABI 1.3; and
 * BAD_STATE_KEY: a state_key ignite-host's own entries use ("model") or another loaded
 * plugin's ("checkpointer", the checkpoint plugin's). */
#include <ignite/plugin.h>

#ifndef BAD_ABI_MAJOR
#define BAD_ABI_MAJOR IGNITE_ABI_MAJOR
#endif
#ifndef BAD_ABI_MINOR
#define BAD_ABI_MINOR IGNITE_ABI_MINOR
#endif
#ifndef BAD_STATE_FORMAT
#define BAD_STATE_FORMAT IGNITE_STATE_BYTES
#endif
#ifndef BAD_PLACEMENT
#define BAD_PLACEMENT IGNITE_PLACEMENT_EVERY_RANK
#endif
#ifndef BAD_STATE_KEY
#define BAD_STATE_KEY NULL
#endif
#ifndef BAD_STRUCT_SIZE
#define BAD_STRUCT_SIZE sizeof(ignite_plugin_info)
#endif

static ignite_status must_not_run(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    (void)plugin_state;
    api->log(host, IGNITE_LOG_ERROR, "init of a refused plugin was called");
    api->set_error(host, "init of a refused plugin was called");
    return IGNITE_ERR_INTERNAL;
}

static const ignite_plugin_info kInfo = {
    BAD_STRUCT_SIZE,
    BAD_ABI_MAJOR,
    BAD_ABI_MINOR,
    BAD_NAME,
    "0.0.1",
    "refused by the host",
    NULL,
    0,
    NULL,
    0,
    must_not_run,
    NULL,
    BAD_STATE_KEY,
    NULL,
    NULL,
    NULL,
    0, /* 1.1: no metrics */
    sizeof(ignite_option_spec),
    sizeof(ignite_event_decl),
    sizeof(ignite_bytes), /* 1.2: strides */
    BAD_STATE_FORMAT,     /* 1.4 */
    BAD_PLACEMENT,        /* 1.6 */
    0,                    /* 1.6: priority_band */
};

IGNITE_DEFINE_PLUGIN(kInfo)
