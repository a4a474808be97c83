/* run16: a C plugin using everything ABI 1.6 added, logging what it sees, one line each:
 *   [run16] fact <name>=<value>          every run fact, at init
 *   [run16] engines <a>,<b>,...          engine_count / engine_at, at init
 *   [run16] <call> <case> <STATUS>       the 1.6 calls' bad input, at init
 *   [run16] metric <name> ndim=<n> shape=<a>x<b> dtype=<code>/<bits>   metric_tensor, at the
 *                                        evaluator's COMPLETED (option `metric`)
 *   [run16] terminate_reason <engine> <n>   at each engine's COMPLETED
 * It declares placement RANK_ZERO and the loggers band. With `terminate_at` N > 0 it stops
 * the trainer at iteration N with IGNITE_TERMINATE_BAD_WEIGHTS (`reason` picks another).
 * tests/participants_test.cpp runs it through ignite-host. */
#include <ignite/plugin.h>

#include "event_spec.h"

#include <stdio.h>
#include <string.h>

static ignite_host* g_host;
static const ignite_host_api* g_api;
static int64_t g_terminate_at;
static int64_t g_reason;
static const char* g_metric;

/* `line` already starts with "". */
static void say(const char* line) { g_api->log(g_host, IGNITE_LOG_INFO, line); }

static const char* status_name(ignite_status s) {
    switch (s) {
        case IGNITE_OK:
            return "OK";
        case IGNITE_ERR_INVALID_ARGUMENT:
            return "INVALID_ARGUMENT";
        case IGNITE_ERR_NOT_FOUND:
            return "NOT_FOUND";
        case IGNITE_ERR_TYPE:
            return "TYPE";
        default:
            return "OTHER";
    }
}

static void record(const char* call, const char* what, ignite_status s) {
    char line[256];
    snprintf(line, sizeof line, "%s %s %s", call, what, status_name(s));
    say(line);
}

static ignite_status on_iteration(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    if (g_terminate_at > 0 && info->iteration == g_terminate_at) {
        return g_api->terminate_with_reason(engine, (int32_t)g_reason);
    }
    return IGNITE_OK;
}

static ignite_status on_completed(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    char line[256];
    int32_t reason = -1;
    (void)user_data;
    (void)info;
    if (g_api->terminate_reason(engine, &reason) != IGNITE_OK) return IGNITE_ERR_PLUGIN;
    snprintf(line, sizeof line, "terminate_reason %s %d", g_api->engine_name(engine), (int)reason);
    say(line);
    if (g_metric && *g_metric && strcmp(g_api->engine_name(engine), "evaluator") == 0) {
        DLManagedTensor* t = NULL;
        const ignite_status s = g_api->metric_tensor(engine, g_metric, &t);
        if (s != IGNITE_OK) {
            record("metric_tensor", g_metric, s);
            return IGNITE_OK;
        }
        snprintf(line, sizeof line, "metric %s ndim=%d shape=%lldx%lld dtype=%d/%d", g_metric, t->dl_tensor.ndim,
                 t->dl_tensor.ndim > 0 ? (long long)t->dl_tensor.shape[0] : 1LL,
                 t->dl_tensor.ndim > 1 ? (long long)t->dl_tensor.shape[1] : 1LL, (int)t->dl_tensor.dtype.code,
                 (int)t->dl_tensor.dtype.bits);
        say(line);
        t->deleter(t);
    }
    return IGNITE_OK;
}

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** state) {
    static const char* const kStrings[] = {"output_dir", "config"};
    static const char* const kInts[] = {"resumed", "rank", "world_size", "local_rank"};
    char line[4096];
    size_t count = 0, i;
    ignite_engine* e = NULL;
    ignite_event_spec spec;
    ignite_handler_id id;
    DLManagedTensor* t = NULL;
    int32_t reason = 0;
    (void)state;
    g_host = host;
    g_api = api;
    if (!IGNITE_API_HAS(api, ignite_host_api, terminate_reason)) {
        api->set_error(host, "this host has no ABI 1.6");
        return IGNITE_ERR_UNSUPPORTED;
    }
    if (api->option_int(host, "terminate_at", &g_terminate_at) != IGNITE_OK ||
        api->option_int(host, "reason", &g_reason) != IGNITE_OK ||
        api->option_string(host, "metric", &g_metric) != IGNITE_OK) {
        return IGNITE_ERR_PLUGIN;
    }
    for (i = 0; i < sizeof kStrings / sizeof kStrings[0]; ++i) {
        const char* value = NULL;
        if (api->run_fact_string(host, kStrings[i], &value) != IGNITE_OK) return IGNITE_ERR_PLUGIN;
        snprintf(line, sizeof line, "fact %s=%s", kStrings[i], value);
        say(line);
    }
    for (i = 0; i < sizeof kInts / sizeof kInts[0]; ++i) {
        int64_t value = -1;
        if (api->run_fact_int(host, kInts[i], &value) != IGNITE_OK) return IGNITE_ERR_PLUGIN;
        snprintf(line, sizeof line, "fact %s=%lld", kInts[i], (long long)value);
        say(line);
    }
    if (api->engine_count(host, &count) != IGNITE_OK) return IGNITE_ERR_PLUGIN;
    strcpy(line, "engines ");
    for (i = 0; i < count; ++i) {
        if (api->engine_at(host, i, &e) != IGNITE_OK) return IGNITE_ERR_PLUGIN;
        if (i > 0) strncat(line, ",", sizeof line - strlen(line) - 1);
        strncat(line, api->engine_name(e), sizeof line - strlen(line) - 1);
        spec = fixture_event_spec(IGNITE_EVENT_COMPLETED);
        if (api->add_handler(host, e, &spec, 1, IGNITE_PRIORITY_LOGGERS, on_completed, NULL, &id) != IGNITE_OK)
            return IGNITE_ERR_PLUGIN;
    }
    say(line);
    record("engine_at", "past_the_end", api->engine_at(host, count, &e));
    record("engine_count", "null_out", api->engine_count(host, NULL));
    record("terminate_with_reason", "none", api->terminate_with_reason(e, IGNITE_TERMINATE_NONE));
    record("terminate_with_reason", "unknown", api->terminate_with_reason(e, 99));
    record("terminate_reason", "null_out", api->terminate_reason(e, NULL));
    record("metric_tensor", "unknown", api->metric_tensor(e, "no_such_metric", &t));
    record("terminate_reason", "before_run", api->terminate_reason(e, &reason));
    if (api->engine(host, "trainer") != NULL) {
        spec = fixture_event_spec(IGNITE_EVENT_ITERATION_COMPLETED);
        if (api->add_handler(host, api->engine(host, "trainer"), &spec, 1, IGNITE_PRIORITY_HANDLERS, on_iteration, NULL,
                             &id) != IGNITE_OK)
            return IGNITE_ERR_PLUGIN;
    }
    return IGNITE_OK;
}

static const ignite_option_spec kOptions[] = {
    {.name = "terminate_at", .type = IGNITE_OPTION_INT, .default_value = "0", .help = "stop the trainer at this iteration"},
    {.name = "reason", .type = IGNITE_OPTION_INT, .default_value = "3", .help = "the IGNITE_TERMINATE_* reason to give"},
    {.name = "metric", .type = IGNITE_OPTION_STRING, .default_value = "", .help = "a metric to read as a tensor"},
};

static const ignite_plugin_info kInfo = {
    IGNITE_PLUGIN_INFO_HEADER,
    .name = "run16",
    .version = "1.0",
    .description = "every ABI 1.6 call, logged",
    .options = kOptions,
    .option_count = sizeof kOptions / sizeof kOptions[0],
    .init = init,
    .placement = IGNITE_PLACEMENT_RANK_ZERO,
    .priority_band = IGNITE_PRIORITY_LOGGERS,
};

IGNITE_DEFINE_PLUGIN(kInfo)
