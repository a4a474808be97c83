/* Fixture for tests/bad_inputs_test.cpp: an EXCEPTION_RAISED handler on the trainer that
 * only observes by default and, with handle=true, handles the exception through ABI 1.2's
 * handle_exception. Its init checks that handle_exception outside such a handler is
 * IGNITE_ERR_STATE, as plugin.h promises. */
#include <ignite/plugin.h>

static const ignite_host_api* g_api;
static ignite_host* g_host;
static int32_t g_handle;

static ignite_status on_exception(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    g_api->log(g_host, IGNITE_LOG_INFO, info->exception_message ? info->exception_message : "(no message)");
    if (!g_handle) return IGNITE_OK;
    if (g_api->handle_exception(g_host, engine) != IGNITE_OK) {
        g_api->set_error(g_host, g_api->last_error(g_host));
        return IGNITE_ERR_PLUGIN;
    }
    return IGNITE_OK;
}

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    ignite_event_spec spec = {.struct_size = sizeof(ignite_event_spec),
                              .event = IGNITE_EVENT_EXCEPTION_RAISED,
                              .filter = IGNITE_FILTER_NONE,
                              .before = -1,
                              .after = -1};
    ignite_engine* trainer = api->engine(host, "trainer");
    *plugin_state = 0;
    g_api = api;
    g_host = host;
    if (!IGNITE_API_HAS(api, ignite_host_api, handle_exception)) {
        api->set_error(host, "the host predates ABI 1.2");
        return IGNITE_ERR_UNSUPPORTED;
    }
    if (api->handle_exception(host, trainer) != IGNITE_ERR_STATE) {
        api->set_error(host, "handle_exception outside an EXCEPTION_RAISED handler did not return IGNITE_ERR_STATE");
        return IGNITE_ERR_INTERNAL;
    }
    if (api->option_bool(host, "handle", &g_handle) != IGNITE_OK) return IGNITE_ERR_INTERNAL;
    return api->add_handler(host, trainer, &spec, 1, 0, on_exception, 0, 0);
}

static const ignite_option_spec kOptions[] = {
    {.name = "handle",
     .type = IGNITE_OPTION_BOOL,
     .default_value = "false",
     .help = "handle (swallow) the trainer's exceptions instead of observing them"},
};

static const ignite_plugin_info kInfo = {
    .struct_size = sizeof(ignite_plugin_info),
    .abi_major = IGNITE_ABI_MAJOR,
    .abi_minor = IGNITE_ABI_MINOR,
    .name = "catcher",
    .version = "0.0.1",
    .description = "observes or handles the trainer's exceptions",
    .options = kOptions,
    .option_count = 1,
    .init = init,
};

IGNITE_DEFINE_PLUGIN(kInfo)
