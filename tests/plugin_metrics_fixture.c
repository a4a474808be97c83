/* Fixture plugins for tests/plugin_metrics_test.cpp, written against the raw C ABI 1.1
 * (designated initializers, as plugin.h recommends). Compiled twice:
 *  - FIXTURE_SHORT: claims ABI 1.1 but its info has 1.0's size (no metrics fields): the
 *    host must refuse it with a clear message;
 *  - FIXTURE_NAME "frozen11": the same metrics, compiled against the FROZEN 1.1 header
 *    (tests/abi/frozen/1.1) only: a plugin shipped for ABI 1.1 keeps loading and running;
 *  - otherwise "cmetrics": metrics written in C: c_count (samples seen), c_vector (100
 *    values: more than the host's first buffer, exercising the capacity protocol) and mse
 *    (a name the shipped metrics plugin also declares: loading both must be refused). */
#include <ignite/plugin.h>

#include <stdlib.h>

#ifndef FIXTURE_NAME
#define FIXTURE_NAME "cmetrics"
#endif

static ignite_host* g_host;
static const ignite_host_api* g_api;

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    g_host = host;
    g_api = api;
    *plugin_state = NULL;
    return IGNITE_OK;
}

#ifdef FIXTURE_SHORT

static const ignite_plugin_info kInfo = {
    .struct_size = offsetof(ignite_plugin_info, load_state) + sizeof(void*),
    .abi_major = IGNITE_ABI_MAJOR,
    .abi_minor = 1,
    .name = "short11",
    .version = "0.0.1",
    .description = "claims 1.1 with a 1.0-sized info",
    .init = init,
};

#else

typedef struct counter {
    double n;
} counter;

static ignite_status create(void* plugin_state, void** metric_state) {
    counter* c = (counter*)calloc(1, sizeof(counter));
    (void)plugin_state;
    if (!c) {
        g_api->set_error(g_host, "out of memory");
        return IGNITE_ERR_INTERNAL;
    }
    *metric_state = c;
    return IGNITE_OK;
}

static void destroy(void* metric_state) { free(metric_state); }

static ignite_status reset(void* metric_state) {
    ((counter*)metric_state)->n = 0;
    return IGNITE_OK;
}

static ignite_status update(void* metric_state, const DLManagedTensor* y_pred, const DLManagedTensor* y) {
    (void)y_pred;
    if (y->dl_tensor.ndim < 1) {
        g_api->set_error(g_host, "c_count needs y with a batch dimension");
        return IGNITE_ERR_INVALID_ARGUMENT;
    }
    ((counter*)metric_state)->n += (double)y->dl_tensor.shape[0];
    return IGNITE_OK;
}

static ignite_status count_compute(void* metric_state, double* out, size_t capacity, size_t* count) {
    const counter* c = (const counter*)metric_state;
    if (c->n == 0) {
        g_api->set_error(g_host, "c_count has seen no samples");
        return IGNITE_ERR_STATE;
    }
    *count = 1;
    if (capacity >= 1) out[0] = c->n;
    return IGNITE_OK;
}

/* 100 values: n, n+1, ..., n+99. */
static ignite_status vector_compute(void* metric_state, double* out, size_t capacity, size_t* count) {
    const counter* c = (const counter*)metric_state;
    size_t i;
    *count = 100;
    if (capacity < 100) return IGNITE_OK;
    for (i = 0; i < 100; ++i) out[i] = c->n + (double)i;
    return IGNITE_OK;
}

static ignite_status statistics(void* metric_state, double* out, size_t capacity, size_t* count) {
    *count = 1;
    if (capacity >= 1) out[0] = ((const counter*)metric_state)->n;
    return IGNITE_OK;
}

static ignite_status load_statistics(void* metric_state, const double* in, size_t count) {
    if (count != 1) {
        g_api->set_error(g_host, "c_count takes one statistic");
        return IGNITE_ERR_INVALID_ARGUMENT;
    }
    ((counter*)metric_state)->n = in[0];
    return IGNITE_OK;
}

#define DECL(metric_name, help_text, compute_fn)                                                       \
    {                                                                                                  \
        .struct_size = sizeof(ignite_metric_decl), .flags = 0, .name = metric_name, .help = help_text, \
        .create = create, .destroy = destroy, .reset = reset, .update = update, .compute = compute_fn, \
        .statistics = statistics, .load_statistics = load_statistics                                   \
    }

static const ignite_metric_decl kMetrics[] = {
    DECL("c_count", "samples seen", count_compute),
    DECL("c_vector", "100 values", vector_compute),
    DECL("mse", "clashes with the metrics plugin", count_compute),
};

static const ignite_plugin_info kInfo = {
    .struct_size = sizeof(ignite_plugin_info),
    .abi_major = IGNITE_ABI_MAJOR,
    .abi_minor = IGNITE_ABI_MINOR,
    .name = FIXTURE_NAME,
    .version = "0.0.1",
    .description = "metrics through the raw C ABI",
    .init = init,
    .metrics = kMetrics,
    .metric_count = sizeof kMetrics / sizeof kMetrics[0],
};

#endif

IGNITE_DEFINE_PLUGIN(kInfo)
