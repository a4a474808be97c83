/* run16: a C plugin using everything ABI 1.6 added, logging what it sees, one line each:
 *   [run16] fact <name>=<value>          every run fact, at init
 *   [run16] engines <a>,<b>,...          engine_count / engine_at, at init
 *   [run16] <call> <case> <STATUS>       the 1.6 calls' bad input, at init
 *   [run16] metric <name> ndim=<n> shape=<a>x<b> dtype=<code>/<bits>   metric_tensor, at the
 *                                        evaluator's COMPLETED (option `metric`)
 *   [run16] terminate_reason <engine> <n>   at each engine's COMPLETED
 * and, since 1.7 (the fixture is built against the live header):
 *   [run16] parameter <name> <d0>x<d1> grad=<0|1>   every trainer parameter at its first
 *                                        ITERATION_COMPLETED (parameter_count/_name/_tensor)
 *   [run16] status_drawn <0|1>           at init, after set_status
 * It declares placement RANK_ZERO and the loggers band. With `terminate_at` N > 0 it stops
 * the trainer at iteration N with IGNITE_TERMINATE_BAD_WEIGHTS (`reason` picks another).
 * tests/participants_test.cpp runs it through ignite-host. */
#include <ignite/plugin.h>

#include "event_spec.h"
#include "fixture_status.h"

#include <stdio.h>
#include <string.h>

static ignite_host* g_host;
static const ignite_host_api* g_api;
static int64_t g_terminate_at;
static int64_t g_reason;
static const char* g_metric;

/* `line` already starts with "". */
static void say(const char* line) { g_api->log(g_host, IGNITE_LOG_INFO, line); }


static void record(const char* call, const char* what, ignite_status s) {
    char line[256];
    snprintf(line, sizeof line, "%s %s %s", call, what, status_name(s));
    say(line);
}

static void list_parameters(ignite_engine* engine) {
    char line[512];
    size_t n = 0, i;
    if (g_api->parameter_count(engine, &n) != IGNITE_OK) return;
    for (i = 0; i < n; ++i) {
        const char* name = NULL;
        DLManagedTensor* value = NULL;
        DLManagedTensor* grad = NULL;
        if (g_api->parameter_name(engine, i, &name) != IGNITE_OK ||
            g_api->parameter_tensor(engine, i, IGNITE_PARAMETER_VALUE, &value) != IGNITE_OK)
            return;
        snprintf(line, sizeof line, "parameter %s %lldx%lld grad=%d", name, (long long)value->dl_tensor.shape[0],
                 value->dl_tensor.ndim > 1 ? (long long)value->dl_tensor.shape[1] : 1LL,
                 g_api->parameter_tensor(engine, i, IGNITE_PARAMETER_GRAD, &grad) == IGNITE_OK && grad != NULL);
        say(line);
    }
    record("parameter_name", "past_the_end", g_api->parameter_name(engine, n, &(const char*){NULL}));
    record("parameter_tensor", "bad_which", g_api->parameter_tensor(engine, 0, 7, &(DLManagedTensor*){NULL}));
}

static ignite_status on_iteration(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    if (info->iteration == 1) list_parameters(engine);
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
        size_t params = 0;
        record("parameter_count", "trainer", api->parameter_count(api->engine(host, "trainer"), &params));
        record("parameter_tensor", "grad_before_backward",
               api->parameter_tensor(api->engine(host, "trainer"), 0, IGNITE_PARAMETER_GRAD, &t));
    }
    record("parameter_count", "null_out", api->parameter_count(e, NULL));
    record("set_status", "text", api->set_status(host, "run16 status"));
    record("set_status", "clear", api->set_status(host, NULL));
    {
        int32_t drawn = -1;
        record("status_drawn", "call", api->status_drawn(host, &drawn));
        snprintf(line, sizeof line, "status_drawn %d", (int)drawn);
        say(line);
    }
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
