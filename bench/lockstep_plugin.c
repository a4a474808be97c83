/* Benchmark plugin for bench/train_vs_raw: makes ignite-host take turns with the raw
 * LibTorch loop one epoch at a time, so both see the same machine at almost the same
 * moment (this VM's speed drifts by tens of percent over seconds; whole runs taken one
 * after the other compare the drift, not the code).
 *
 * Before each training epoch it blocks reading one byte from `go_fd`; after the epoch
 * (after every other EPOCH_COMPLETED handler, the host's metrics line included) it writes
 * one byte to `done_fd`. Both descriptors are inherited from the benchmark driver. It
 * costs nothing per iteration: it has no iteration handlers. */
#include <ignite/plugin.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

typedef struct {
    const ignite_host_api* api;
    ignite_host* host;
    int go_fd;
    int done_fd;
} lockstep;

static lockstep g_state;

static ignite_status fail(const char* what) {
    char msg[160];
    snprintf(msg, sizeof msg, "lockstep: %s (the train_vs_raw driver went away?)", what);
    g_state.api->set_error(g_state.host, msg);
    return IGNITE_ERR_PLUGIN;
}

/* Moves one byte over `fd` (a read, or a write when `writing`), retrying interrupted calls. */
static ignite_status one_byte(int fd, int writing, const char* what) {
    char byte = 'd';
    ssize_t n;
    do {
        n = writing ? write(fd, &byte, 1) : read(fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    return n == 1 ? IGNITE_OK : fail(what);
}

static ignite_status wait_for_turn(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    (void)engine;
    (void)info;
    return one_byte(g_state.go_fd, 0, "cannot read go_fd");
}

static ignite_status end_turn(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    (void)engine;
    (void)info;
    return one_byte(g_state.done_fd, 1, "cannot write done_fd");
}

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** state) {
    int64_t go = -1, done = -1;
    ignite_engine* trainer;
    ignite_event_spec started = {
        sizeof(ignite_event_spec), IGNITE_EVENT_EPOCH_STARTED, IGNITE_FILTER_NONE, 0, -1, -1, NULL, 0, NULL, NULL};
    ignite_event_spec completed = started;
    ignite_status s;
    completed.event = IGNITE_EVENT_EPOCH_COMPLETED;
    g_state.api = api;
    g_state.host = host;
    *state = NULL;
    if (api->option_int(host, "go_fd", &go) != IGNITE_OK || api->option_int(host, "done_fd", &done) != IGNITE_OK ||
        go < 0 || done < 0) {
        api->set_error(host, "lockstep: set go_fd and done_fd (inherited pipe ends)");
        return IGNITE_ERR_INVALID_ARGUMENT;
    }
    g_state.go_fd = (int)go;
    g_state.done_fd = (int)done;
    trainer = api->engine(host, "trainer");
    /* First of all EPOCH_STARTED handlers (the host's epoch clock starts after it), last of
     * all EPOCH_COMPLETED ones. */
    s = api->add_handler(host, trainer, &started, 1, INT32_MIN, wait_for_turn, NULL, NULL);
    if (s != IGNITE_OK) return s;
    return api->add_handler(host, trainer, &completed, 1, INT32_MAX, end_turn, NULL, NULL);
}

static const ignite_option_spec options[] = {{.name = "go_fd",
                                              .type = IGNITE_OPTION_INT,
                                              .default_value = "-1",
                                              .help = "descriptor to read one byte from before each epoch"},
                                             {.name = "done_fd",
                                              .type = IGNITE_OPTION_INT,
                                              .default_value = "-1",
                                              .help = "descriptor to write one byte to after each epoch"}};
static const ignite_plugin_info info = {IGNITE_PLUGIN_INFO_HEADER,
                                        .name = "bench_lockstep",
                                        .version = "1.0",
                                        .description = "epoch-by-epoch turns with bench/train_vs_raw's raw loop",
                                        .options = options,
                                        .option_count = 2,
                                        .init = init};
IGNITE_DEFINE_PLUGIN(info)
