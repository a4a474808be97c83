/* Fixture for tests/bad_inputs_test.cpp: terminates the trainer at the end of epoch
 * `at_epoch` through the C ABI, so the host's summary must say who stopped the run. */
#include <ignite/plugin.h>

static const ignite_host_api* g_api;
static int64_t g_at_epoch;

static ignite_status on_epoch_completed(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    int64_t epoch = 0;
    (void)user_data;
    (void)info;
    if (g_api->state_int(engine, IGNITE_STATE_EPOCH, &epoch) != IGNITE_OK) return IGNITE_ERR_INTERNAL;
    if (epoch == g_at_epoch) return g_api->terminate(engine);
    return IGNITE_OK;
}

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    ignite_event_spec spec = {.struct_size = sizeof(ignite_event_spec),
                              .event = IGNITE_EVENT_EPOCH_COMPLETED,
                              .filter = IGNITE_FILTER_NONE,
                              .before = -1,
                              .after = -1};
    ignite_status s;
    g_api = api;
    *plugin_state = 0;
    s = api->option_int(host, "at_epoch", &g_at_epoch);
    if (s != IGNITE_OK) return s;
    return api->add_handler(host, api->engine(host, "trainer"), &spec, 1, 0, on_epoch_completed, 0, 0);
}

static const ignite_option_spec kOptions[] = {
    {.name = "at_epoch",
     .type = IGNITE_OPTION_INT,
     .default_value = "1",
     .help = "terminate the trainer when this epoch completes"},
};

static const ignite_plugin_info kInfo = {
    .struct_size = sizeof(ignite_plugin_info),
    .abi_major = IGNITE_ABI_MAJOR,
    .abi_minor = IGNITE_ABI_MINOR,
    .name = "terminator",
    .version = "0.0.1",
    .description = "terminates the trainer at the end of an epoch",
    .options = kOptions,
    .option_count = 1,
    .init = init,
};

IGNITE_DEFINE_PLUGIN(kInfo)
