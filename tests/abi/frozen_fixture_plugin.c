/* frozen_fixture: a plugin written in plain C against the FROZEN ABI 1.0 header only
 * (tests/abi/frozen/1.0/ignite/plugin.h; the build gives no other SDK include directory).
 *
 * It stands for a third-party plugin compiled once against ABI 1.0 and never rebuilt: the
 * host must keep loading and running it for as long as its ABI major version is 1.
 *
 * What it does, on the "trainer" engine:
 *  - option `every` (int, default 2);
 *  - a custom event frozen_fixture.TICK with state attribute `ticks`;
 *  - on ITERATION_COMPLETED(every=`every`): counts a tick, writes it to state.ticks
 *    (set_state_int), logs "iteration I: tick T", fires TICK;
 *  - on TICK: reads state.ticks back and logs "frozen_fixture.TICK seen: state.ticks=T";
 *  - on COMPLETED: logs "completed at epoch E iteration I with ticks=T";
 *  - shutdown: logs "shutdown after T ticks".
 */
#include <ignite/plugin.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct fixture_state {
    ignite_host* host;
    const ignite_host_api* api;
    ignite_engine* trainer;
    ignite_event tick;
    int64_t every;
    int64_t ticks;
} fixture_state;

static const ignite_option_spec kOptions[] = {
    {"every", IGNITE_OPTION_INT, "2", "log (and tick) every N trainer iterations"},
};

static const ignite_event_decl kEvents[] = {
    {"TICK", "ticks", "fired after each logged iteration"},
};

static void say(fixture_state* s, const char* format, ...) {
    char line[256];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    s->api->log(s->host, IGNITE_LOG_INFO, line);
}

/* A failed host call: pass the host's message on as this callback's error. */
static ignite_status pass_on(fixture_state* s, ignite_status status) {
    const char* message = s->api->last_error(s->host);
    s->api->set_error(s->host, message && *message ? message : "host call failed");
    return status;
}

static ignite_status on_iteration(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    fixture_state* s = (fixture_state*)user_data;
    int64_t iteration = 0;
    ignite_status st;
    (void)info;
    st = s->api->state_int(engine, IGNITE_STATE_ITERATION, &iteration);
    if (st != IGNITE_OK) return pass_on(s, st);
    s->ticks += 1;
    st = s->api->set_state_int(engine, "ticks", s->ticks);
    if (st != IGNITE_OK) return pass_on(s, st);
    say(s, "iteration %lld: tick %lld", (long long)iteration, (long long)s->ticks);
    st = s->api->fire_event(s->host, engine, s->tick);
    if (st != IGNITE_OK) return pass_on(s, st);
    return IGNITE_OK;
}

static ignite_status on_tick(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    fixture_state* s = (fixture_state*)user_data;
    int64_t ticks = -1;
    const ignite_status st = s->api->state_int(engine, "ticks", &ticks);
    if (st != IGNITE_OK) return pass_on(s, st);
    say(s, "%s seen: state.ticks=%lld", info->event_name ? info->event_name : "?", (long long)ticks);
    return IGNITE_OK;
}

static ignite_status on_completed(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    fixture_state* s = (fixture_state*)user_data;
    int64_t epoch = 0;
    int64_t iteration = 0;
    ignite_status st;
    (void)info;
    st = s->api->state_int(engine, IGNITE_STATE_EPOCH, &epoch);
    if (st != IGNITE_OK) return pass_on(s, st);
    st = s->api->state_int(engine, IGNITE_STATE_ITERATION, &iteration);
    if (st != IGNITE_OK) return pass_on(s, st);
    say(s, "completed at epoch %lld iteration %lld with ticks=%lld", (long long)epoch, (long long)iteration,
        (long long)s->ticks);
    return IGNITE_OK;
}

static ignite_status add(fixture_state* s, ignite_event_spec spec, ignite_handler_fn fn) {
    ignite_handler_id id = 0;
    const ignite_status st = s->api->add_handler(s->host, s->trainer, &spec, 1, 0, fn, s, &id);
    if (st != IGNITE_OK) return pass_on(s, st);
    if (id == 0) {
        s->api->set_error(s->host, "add_handler returned handler id 0");
        return IGNITE_ERR_INTERNAL;
    }
    return IGNITE_OK;
}

static ignite_event_spec bare(ignite_event event) {
    ignite_event_spec spec = {sizeof(ignite_event_spec), 0, IGNITE_FILTER_NONE, 0, -1, -1, NULL, 0, NULL, NULL};
    spec.event = event;
    return spec;
}

static ignite_status setup(fixture_state* s) {
    ignite_host* host = s->host;
    const ignite_host_api* api = s->api;
    ignite_event_spec spec;
    ignite_status st;

    st = api->option_int(host, "every", &s->every);
    if (st != IGNITE_OK) return pass_on(s, st);
    s->trainer = api->engine(host, "trainer");
    if (s->trainer == NULL) {
        api->set_error(host, "no trainer engine");
        return IGNITE_ERR_NOT_FOUND;
    }
    st = api->register_event(host, s->trainer, "TICK", "ticks", &s->tick);
    if (st != IGNITE_OK) return pass_on(s, st);
    if (s->tick < IGNITE_EVENT_BUILTIN_COUNT) {
        api->set_error(host, "register_event gave a built-in event id");
        return IGNITE_ERR_INTERNAL;
    }

    spec = bare(IGNITE_EVENT_ITERATION_COMPLETED);
    spec.filter = IGNITE_FILTER_EVERY;
    spec.every = s->every;
    st = add(s, spec, on_iteration);
    if (st != IGNITE_OK) return st;
    st = add(s, bare(s->tick), on_tick);
    if (st != IGNITE_OK) return st;
    st = add(s, bare(IGNITE_EVENT_COMPLETED), on_completed);
    if (st != IGNITE_OK) return st;
    say(s, "loaded (every=%lld, host ABI %u.%u)", (long long)s->every, (unsigned)api->abi_major,
        (unsigned)api->abi_minor);
    return IGNITE_OK;
}

static ignite_status fixture_init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    fixture_state* s;
    ignite_status st;
    if (api->abi_major != IGNITE_ABI_MAJOR || api->struct_size < sizeof(ignite_host_api)) {
        api->set_error(host, "the host's function table is smaller than ABI 1.0's");
        return IGNITE_ERR_UNSUPPORTED;
    }
    s = (fixture_state*)calloc(1, sizeof *s);
    if (s == NULL) {
        api->set_error(host, "out of memory");
        return IGNITE_ERR_INTERNAL;
    }
    s->host = host;
    s->api = api;
    st = setup(s);
    if (st != IGNITE_OK) {
        free(s); /* shutdown is only called after a successful init */
        return st;
    }
    *plugin_state = s;
    return IGNITE_OK;
}

static void fixture_shutdown(void* plugin_state) {
    fixture_state* s = (fixture_state*)plugin_state;
    if (s == NULL) return;
    say(s, "shutdown after %lld ticks", (long long)s->ticks);
    free(s);
}

static const ignite_plugin_info kInfo = {
    sizeof(ignite_plugin_info),
    IGNITE_ABI_MAJOR,
    IGNITE_ABI_MINOR,
    "frozen_fixture",
    "1.0.0",
    "Fixture built against the frozen ABI 1.0 header",
    kOptions,
    sizeof kOptions / sizeof kOptions[0],
    kEvents,
    sizeof kEvents / sizeof kEvents[0],
    fixture_init,
    fixture_shutdown,
    NULL,
    NULL,
    NULL,
};

IGNITE_DEFINE_PLUGIN(kInfo)
