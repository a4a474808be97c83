/* Benchmark plugin: `handlers` (option, default 10) no-op handlers on the trainer's
 * ITERATION_COMPLETED, each bumping a counter, through the raw C ABI. */
#include <ignite/plugin.h>

static const ignite_host_api* g_api;
static int64_t g_calls;

static ignite_status on_iteration(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    (void)engine;
    (void)info;
    ++g_calls;
    return IGNITE_OK;
}

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** state) {
    int64_t n = 0;
    int64_t i;
    ignite_engine* trainer;
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
    g_api = api;
    *state = NULL;
    if (api->option_int(host, "handlers", &n) != IGNITE_OK) return IGNITE_ERR_INVALID_ARGUMENT;
    trainer = api->engine(host, "trainer");
    for (i = 0; i < n; ++i) {
        ignite_status s = api->add_handler(host, trainer, &spec, 1, 0, on_iteration, NULL, NULL);
        if (s != IGNITE_OK) return s;
    }
    return IGNITE_OK;
}

static const ignite_option_spec options[] = {
    {.name = "handlers", .type = IGNITE_OPTION_INT, .default_value = "10", .help = "number of no-op handlers"}};
static const ignite_plugin_info info = {IGNITE_PLUGIN_INFO_HEADER,
                                        .name = "bench_noop",
                                        .version = "1.0",
                                        .description = "no-op handlers for bench/abi_overhead",
                                        .options = options,
                                        .option_count = 1,
                                        .init = init};
IGNITE_DEFINE_PLUGIN(info)
