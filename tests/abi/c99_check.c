/* plugin.h must stay C99: this file is compiled with -std=c99 -pedantic -Wall -Wextra
 * -Werror (tests/abi/CMakeLists.txt, target ignite_abi_c99_check). It uses every macro a
 * C plugin would use, so a C++-ism or a GNU extension in the header fails the build. */
#include <ignite/plugin.h>

#include <stddef.h>

static ignite_status c99_handler(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    (void)engine;
    (void)info;
    return IGNITE_OK;
}

static ignite_status c99_init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    ignite_event_spec spec = {sizeof(ignite_event_spec), IGNITE_EVENT_STARTED, IGNITE_FILTER_NONE, 0, -1, -1,
                              NULL, 0, NULL, NULL};
    ignite_handler_id id = 0;
    (void)plugin_state;
    if (!IGNITE_API_HAS(api, ignite_host_api, terminate_epoch)) return IGNITE_ERR_UNSUPPORTED;
    return api->add_handler(host, api->engine(host, "trainer"), &spec, 1, 0, c99_handler, NULL, &id);
}

static const ignite_option_spec c99_options[] = {
    {"flag", IGNITE_OPTION_BOOL, "false", "a bool"},
};

static const ignite_plugin_info c99_info = {
    sizeof(ignite_plugin_info), IGNITE_ABI_MAJOR, IGNITE_ABI_MINOR, "c99_check", "1.0", "C99 compile check",
    c99_options, 1, NULL, 0, c99_init, NULL, NULL, NULL, NULL, NULL, 0, /* 1.1: no metrics */
};

IGNITE_DEFINE_PLUGIN(c99_info)
