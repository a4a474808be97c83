/* A handler that fails the C way (set_error + status) at trainer iteration `at` (default
 * 3). It logs every iteration before deciding, so a test sees where the run stopped. It
 * registers no EXCEPTION_RAISED handler: the host must report the error without one. */
#include <ignite/plugin.h>

#include <stdio.h>

static const ignite_host_api* g_api;
static ignite_host* g_host;
static int64_t g_at;

static ignite_status on_iteration(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    int64_t iteration = 0;
    char line[128];
    (void)user_data;
    (void)info;
    if (g_api->state_int(engine, IGNITE_STATE_ITERATION, &iteration) != IGNITE_OK) return IGNITE_ERR_INTERNAL;
    snprintf(line, sizeof line, "iteration %lld", (long long)iteration);
    g_api->log(g_host, IGNITE_LOG_INFO, line);
    if (iteration == g_at) {
        snprintf(line, sizeof line, "handler gave up at %lld", (long long)iteration);
        g_api->set_error(g_host, line);
        return IGNITE_ERR_PLUGIN;
    }
    return IGNITE_OK;
}

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    ignite_event_spec spec = {sizeof(ignite_event_spec),
                              IGNITE_EVENT_ITERATION_COMPLETED,
                              IGNITE_FILTER_NONE,
                              0,
                              -1,
                              -1,
                              NULL,
                              0,
                              NULL,
                              NULL};
    ignite_handler_id id = 0;
    ignite_engine* trainer = api->engine(host, "trainer");
    (void)plugin_state;
    g_api = api;
    g_host = host;
    if (api->option_int(host, "at", &g_at) != IGNITE_OK) {
        api->set_error(host, api->last_error(host));
        return IGNITE_ERR_PLUGIN;
    }
    if (trainer == NULL) {
        api->set_error(host, "no trainer");
        return IGNITE_ERR_NOT_FOUND;
    }
    if (api->add_handler(host, trainer, &spec, 1, 0, on_iteration, NULL, &id) != IGNITE_OK) {
        api->set_error(host, api->last_error(host));
        return IGNITE_ERR_PLUGIN;
    }
    return IGNITE_OK;
}

static const ignite_option_spec kOptions[] = {
    {.name = "at", .type = IGNITE_OPTION_INT, .default_value = "3", .help = "the iteration at which the handler fails"},
};

static const ignite_plugin_info kInfo = {
    IGNITE_PLUGIN_INFO_HEADER, .name = "handlerfail", .version = "0.0.1", .description = "a handler returns an error",
    .options = kOptions,       .option_count = 1,     .init = init};

IGNITE_DEFINE_PLUGIN(kInfo)
