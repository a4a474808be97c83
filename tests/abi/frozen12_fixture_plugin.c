/* frozen12: a plugin in plain C built against the FROZEN ABI 1.2 header only
 * (tests/abi/frozen/1.2/ignite/plugin.h and its events.def; no other SDK include
 * directory). It stands for a plugin compiled once against 1.2 and never rebuilt, and uses
 * what 1.2 added:
 *  - options with ranges, choices and a list, validated by the host, not here:
 *      every  int 1..100 (default 2)     mode     log|lr (default log)
 *      scale  double 0..1 (default 0.5)  engines  list of trainer|evaluator (default trainer)
 *  - the event info's counters: on ITERATION_COMPLETED(every) of each engine in `engines`
 *    it logs "<engine> epoch E/M iteration I length L" from the info alone, and an error
 *    when they differ from what state_int says;
 *  - mode=lr: the trainer's optimizer. At STARTED it logs "groups G lr X momentum Y
 *    weight_decay Z" (absent values as "none"); at every ITERATION_STARTED it sets the lr of
 *    group 0 to scale * 0.01 * iteration and logs "lr set to X, read back Y";
 *  - a metric made by create_metric (create is NULL): frozen12_samples, the number of
 *    samples (rows of y) since reset.
 */
#include <ignite/plugin.h>

#include "event_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ignite_host* g_host;
static const ignite_host_api* g_api;
static double g_scale;

static void say(const char* format, ...) {
    char line[256];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    g_api->log(g_host, IGNITE_LOG_INFO, line);
}

static ignite_status on_iteration(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    int64_t epoch = 0, iteration = 0, max_epochs = 0, length = 0;
    (void)user_data;
    if (!IGNITE_API_HAS(info, ignite_event_info, epoch_length)) {
        g_api->set_error(g_host, "the event info has no counters");
        return IGNITE_ERR_UNSUPPORTED;
    }
    say("%s epoch %lld/%lld iteration %lld length %lld", g_api->engine_name(engine), (long long)info->epoch,
        (long long)info->max_epochs, (long long)info->iteration, (long long)info->epoch_length);
    g_api->state_int(engine, IGNITE_STATE_EPOCH, &epoch);
    g_api->state_int(engine, IGNITE_STATE_ITERATION, &iteration);
    g_api->state_int(engine, IGNITE_STATE_MAX_EPOCHS, &max_epochs);
    g_api->state_int(engine, IGNITE_STATE_EPOCH_LENGTH, &length);
    if (epoch != info->epoch || iteration != info->iteration || max_epochs != info->max_epochs ||
        length != info->epoch_length) {
        g_api->set_error(g_host, "the event info's counters differ from the state's");
        return IGNITE_ERR_INTERNAL;
    }
    return IGNITE_OK;
}

static void param_text(ignite_engine* e, const char* key, char* out, size_t size) {
    double v = 0;
    if (g_api->param_group_double(e, 0, key, &v) == IGNITE_OK)
        snprintf(out, size, "%g", v);
    else
        snprintf(out, size, "none");
}

static ignite_status on_started(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    size_t groups = 0;
    char lr[32], momentum[32], decay[32];
    (void)user_data;
    (void)info;
    g_api->param_group_count(engine, &groups);
    param_text(engine, IGNITE_PARAM_LR, lr, sizeof lr);
    param_text(engine, IGNITE_PARAM_MOMENTUM, momentum, sizeof momentum);
    param_text(engine, IGNITE_PARAM_WEIGHT_DECAY, decay, sizeof decay);
    say("groups %zu lr %s momentum %s weight_decay %s", groups, lr, momentum, decay);
    return IGNITE_OK;
}

static ignite_status on_iteration_started(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    const double lr = g_scale * 0.01 * (double)info->iteration;
    double back = -1;
    ignite_status s;
    (void)user_data;
    s = g_api->set_param_group_double(engine, 0, IGNITE_PARAM_LR, lr);
    if (s != IGNITE_OK) {
        g_api->set_error(g_host, g_api->last_error(g_host));
        return s;
    }
    g_api->param_group_double(engine, 0, IGNITE_PARAM_LR, &back);
    say("lr set to %g, read back %g", lr, back);
    return IGNITE_OK;
}

static ignite_status add(ignite_engine* e, ignite_event_spec spec, ignite_handler_fn fn) {
    ignite_handler_id id = 0;
    return g_api->add_handler(g_host, e, &spec, 1, 0, fn, NULL, &id);
}

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    int64_t every = 0;
    const char* mode = NULL;
    const char* engines = NULL;
    char list[64];
    char* name;
    ignite_status s = IGNITE_OK;
    (void)plugin_state;
    g_host = host;
    g_api = api;
    if (!IGNITE_API_HAS(api, ignite_host_api, set_param_group_double)) {
        api->set_error(host, "frozen12 needs a host of ABI 1.2");
        return IGNITE_ERR_UNSUPPORTED;
    }
    /* No range checks: the host validated every value against kOptions. */
    api->option_int(host, "every", &every);
    api->option_double(host, "scale", &g_scale);
    api->option_string(host, "mode", &mode);
    api->option_string(host, "engines", &engines);
    snprintf(list, sizeof list, "%s", engines);
    for (name = strtok(list, ", "); name && s == IGNITE_OK; name = strtok(NULL, ", ")) {
        ignite_engine* e = api->engine(host, name);
        ignite_event_spec spec = fixture_event_spec(IGNITE_EVENT_ITERATION_COMPLETED);
        if (!e) continue;
        spec.filter = IGNITE_FILTER_EVERY;
        spec.every = every;
        s = add(e, spec, on_iteration);
    }
    if (s == IGNITE_OK && strcmp(mode, "lr") == 0) {
        ignite_engine* trainer = api->engine(host, "trainer");
        s = add(trainer, fixture_event_spec(IGNITE_EVENT_STARTED), on_started);
        if (s == IGNITE_OK) s = add(trainer, fixture_event_spec(IGNITE_EVENT_ITERATION_STARTED), on_iteration_started);
    }
    if (s != IGNITE_OK) api->set_error(host, api->last_error(host));
    return s;
}

/* ---- the metric ---- */

typedef struct samples {
    double n;
} samples;

static ignite_status create_metric(void* plugin_state, const ignite_metric_decl* decl, void** metric_state) {
    (void)plugin_state;
    if (strcmp(decl->name, "frozen12_samples") != 0) {
        g_api->set_error(g_host, "create_metric was told another metric");
        return IGNITE_ERR_NOT_FOUND;
    }
    *metric_state = calloc(1, sizeof(samples));
    return *metric_state ? IGNITE_OK : IGNITE_ERR_INTERNAL;
}
static void destroy(void* m) { free(m); }
static ignite_status reset(void* m) {
    ((samples*)m)->n = 0;
    return IGNITE_OK;
}
static ignite_status update(void* m, const DLManagedTensor* y_pred, const DLManagedTensor* y) {
    (void)y_pred;
    ((samples*)m)->n += y->dl_tensor.ndim > 0 ? (double)y->dl_tensor.shape[0] : 1;
    return IGNITE_OK;
}
static ignite_status values(void* m, double* out, size_t capacity, size_t* count) {
    *count = 1;
    if (capacity >= 1) out[0] = ((samples*)m)->n;
    return IGNITE_OK;
}
static ignite_status load(void* m, const double* in, size_t count) {
    if (count != 1) return IGNITE_ERR_INVALID_ARGUMENT;
    ((samples*)m)->n = in[0];
    return IGNITE_OK;
}

static const ignite_metric_decl kMetrics[] = {{
    .struct_size = sizeof(ignite_metric_decl),
    .name = "frozen12_samples",
    .help = "samples seen since reset",
    .create = NULL,
    .destroy = destroy,
    .reset = reset,
    .update = update,
    .compute = values,
    .statistics = values,
    .load_statistics = load,
    .create_metric = create_metric,
}};

static const char* const kModes[] = {"log", "lr", NULL};
static const char* const kEngines[] = {"trainer", "evaluator", NULL};

static const ignite_option_spec kOptions[] = {
    {.name = "every",
     .type = IGNITE_OPTION_INT,
     .default_value = "2",
     .help = "log every N iterations",
     .flags = IGNITE_OPTION_HAS_MIN | IGNITE_OPTION_HAS_MAX,
     .min = 1,
     .max = 100},
    {.name = "mode",
     .type = IGNITE_OPTION_STRING,
     .default_value = "log",
     .help = "log, or lr: schedule the lr",
     .choices = kModes},
    {.name = "scale",
     .type = IGNITE_OPTION_DOUBLE,
     .default_value = "0.5",
     .help = "lr scale",
     .flags = IGNITE_OPTION_HAS_MIN | IGNITE_OPTION_HAS_MAX,
     .min = 0,
     .max = 1},
    {.name = "engines",
     .type = IGNITE_OPTION_STRING,
     .default_value = "trainer",
     .help = "engines to log",
     .flags = IGNITE_OPTION_LIST,
     .choices = kEngines},
};

static const ignite_plugin_info kInfo = {
    IGNITE_PLUGIN_INFO_HEADER,
    .name = "frozen12",
    .version = "1.2.0",
    .description = "C plugin against the frozen ABI 1.2 header",
    .options = kOptions,
    .option_count = sizeof kOptions / sizeof kOptions[0],
    .init = init,
    .metrics = kMetrics,
    .metric_count = 1,
};

IGNITE_DEFINE_PLUGIN(kInfo)
