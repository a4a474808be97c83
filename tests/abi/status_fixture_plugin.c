/* status: calls every host function of the live ABI with missing, mistyped, unknown and
 * "not now" input and logs the status each returns, one line per case:
 *   [status] <call> <case> <STATUS>
 * tests/abi12_test.cpp runs it in `ignite-host dry-run --eval-every 1` and compares
 * every line with the status plugin.h gives that case by meaning. Cases in init run
 * before any engine has run; the others in handlers on the trainer and the evaluator.
 */
#include <ignite/plugin.h>

#include "event_spec.h"
#include "fixture_status.h"

#include <stdio.h>
#include <string.h>

static ignite_host* g_host;
static const ignite_host_api* g_api;
static ignite_event g_custom; /* status.ON_EVALUATOR, registered on the evaluator only */


/* Logs one case; a failure must come with a message. */
static void record(const char* call, const char* what, ignite_status s) {
    char line[256];
    const char* message = g_api->last_error(g_host);
    snprintf(line, sizeof line, "%s %s %s%s", call, what, status_name(s),
             s != IGNITE_OK && !(message && *message) ? " (no message)" : "");
    g_api->log(g_host, IGNITE_LOG_INFO, line);
}

static ignite_status noop(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    (void)engine;
    (void)info;
    return IGNITE_OK;
}

/* Before any run: options, events, handlers, and state that is not set yet. */
static void init_cases(ignite_engine* trainer, ignite_engine* evaluator) {
    int32_t b = 0;
    int64_t i = 0;
    double d = 0;
    const char* str = NULL;
    ignite_event ev = 0;
    ignite_handler_id id = 0;
    size_t n = 0;
    ignite_event_spec spec;

    record("option_int", "null_name", g_api->option_int(g_host, NULL, &i));
    record("option_int", "unknown", g_api->option_int(g_host, "nope", &i));
    record("option_int", "mistyped", g_api->option_int(g_host, "label", &i));
    record("option_bool", "mistyped", g_api->option_bool(g_host, "label", &b));
    record("option_double", "mistyped", g_api->option_double(g_host, "label", &d));
    record("option_string", "mistyped", g_api->option_string(g_host, "flag", &str));
    record("option_string", "unknown", g_api->option_string(g_host, "nope", &str));

    spec = fixture_event_spec(IGNITE_EVENT_STARTED);
    record("add_handler", "null_fn", g_api->add_handler(g_host, trainer, &spec, 1, 0, NULL, NULL, &id));
    record("add_handler", "no_events", g_api->add_handler(g_host, trainer, &spec, 0, 0, noop, NULL, &id));
    spec = fixture_event_spec(9999);
    record("add_handler", "unknown_event", g_api->add_handler(g_host, trainer, &spec, 1, 0, noop, NULL, &id));
    spec = fixture_event_spec(g_custom);
    record("add_handler", "event_of_other_engine", g_api->add_handler(g_host, trainer, &spec, 1, 0, noop, NULL, &id));
    spec = fixture_event_spec(IGNITE_EVENT_ITERATION_COMPLETED);
    spec.filter = IGNITE_FILTER_EVERY;
    spec.every = 0;
    record("add_handler", "every_0", g_api->add_handler(g_host, trainer, &spec, 1, 0, noop, NULL, &id));
    spec = fixture_event_spec(IGNITE_EVENT_ITERATION_COMPLETED);
    spec.filter = 99;
    record("add_handler", "unknown_filter", g_api->add_handler(g_host, trainer, &spec, 1, 0, noop, NULL, &id));
    spec = fixture_event_spec(IGNITE_EVENT_ITERATION_COMPLETED);
    spec.struct_size = 8;
    record("add_handler", "small_struct", g_api->add_handler(g_host, trainer, &spec, 1, 0, noop, NULL, &id));
    record("remove_handler", "unknown", g_api->remove_handler(g_host, trainer, 424242));

    record("register_event", "null_name", g_api->register_event(g_host, trainer, NULL, NULL, &ev));
    record("find_event", "unknown", g_api->find_event(g_host, "status.NOPE", &ev));
    record("fire_event", "unknown", g_api->fire_event(g_host, trainer, 9999));
    record("fire_event", "event_of_other_engine", g_api->fire_event(g_host, trainer, g_custom));

    record("state_int", "max_epochs_not_yet", g_api->state_int(trainer, IGNITE_STATE_MAX_EPOCHS, &i));
    record("state_int", "epoch_length_not_yet", g_api->state_int(trainer, IGNITE_STATE_EPOCH_LENGTH, &i));
    record("state_time", "completed_not_yet", g_api->state_time(trainer, "COMPLETED", &d));
    record("state_time", "unknown", g_api->state_time(trainer, "NOPE", &d));
    record("value_count", "unknown_which", g_api->value_count(trainer, 7, &n));
    record("value_double", "none_yet", g_api->value_double(trainer, IGNITE_VALUE_OUTPUT, 0, &d));
    record("handle_exception", "outside_handler", g_api->handle_exception(g_host, trainer));
    record("terminate", "null_engine", g_api->terminate(NULL));
    record("param_group_count", "no_optimizer", g_api->param_group_count(evaluator, &n));
    record("param_group_double", "no_group", g_api->param_group_double(trainer, 0, IGNITE_PARAM_LR, &d));
    record("set_param_group_double", "negative", g_api->set_param_group_double(trainer, 0, IGNITE_PARAM_LR, -1));

    /* 1.3 / 1.4: dry-run has nothing to checkpoint. */
    {
        ignite_bytes bytes = {0};
        const char* model = "model";
        record("checkpoint_bytes", "nothing_to_checkpoint", g_api->checkpoint_bytes(g_host, trainer, &bytes));
        record("checkpoint_bytes", "null_out", g_api->checkpoint_bytes(g_host, trainer, NULL));
        record("checkpoint_bytes_of", "nothing_to_checkpoint",
               g_api->checkpoint_bytes_of(g_host, trainer, &model, 1, &bytes));
        record("checkpoint_bytes_of", "null_keys", g_api->checkpoint_bytes_of(g_host, trainer, NULL, 1, &bytes));
        record("write_file_durably", "null_path", g_api->write_file_durably(g_host, NULL, "x", 1));
        record("remove_stray_temporaries", "null_dir", g_api->remove_stray_temporaries(g_host, NULL, &n));
    }

    /* 1.5: the run's facts, checkpoint verification, has_metric. */
    {
        const char* s = NULL;
        int32_t has = -1;
        record("run_fact_string", "unknown", g_api->run_fact_string(g_host, "nope", &s));
        record("run_fact_string", "integer_fact", g_api->run_fact_string(g_host, "resumed", &s));
        record("run_fact_string", "output_dir", g_api->run_fact_string(g_host, "output_dir", &s));
        record("run_fact_int", "string_fact", g_api->run_fact_int(g_host, "output_dir", &i));
        record("run_fact_int", "null_name", g_api->run_fact_int(g_host, NULL, &i));
        record("run_fact_int", "world_size", g_api->run_fact_int(g_host, "world_size", &i));
        record("verify_checkpoint", "null_path", g_api->verify_checkpoint(g_host, NULL));
        record("verify_checkpoint", "missing_file", g_api->verify_checkpoint(g_host, "/nonexistent/ck.pt"));
        record("has_metric", "unknown", g_api->has_metric(trainer, "nope", &has));
        record("has_metric", "null_name", g_api->has_metric(trainer, NULL, &has));
    }
}

/* During the trainer's first iteration: user attributes, metrics, the output. */
static ignite_status on_first_iteration(void* user_data, ignite_engine* e, const ignite_event_info* info) {
    int64_t i = 0;
    double d = 0;
    const char* str = NULL;
    DLManagedTensor* t = NULL;
    (void)user_data;
    (void)info;
    g_api->set_state_int(e, "an_int", 1);
    g_api->set_state_double(e, "a_double", 0.5);
    g_api->set_state_string(e, "a_string", "x");
    record("state_int", "missing", g_api->state_int(e, "nope", &i));
    record("state_int", "mistyped", g_api->state_int(e, "a_double", &i));
    record("state_double", "missing", g_api->state_double(e, "nope", &d));
    record("state_double", "mistyped", g_api->state_double(e, "a_string", &d));
    record("state_string", "missing", g_api->state_string(e, "nope", &str));
    record("state_string", "mistyped", g_api->state_string(e, "an_int", &str));
    record("state_int", "null_name", g_api->state_int(e, NULL, &i));
    record("set_state_int", "counter", g_api->set_state_int(e, IGNITE_STATE_EPOCH, 3));
    record("set_state_double", "null_name", g_api->set_state_double(e, NULL, 1));
    record("metric_name", "past_end", g_api->metric_name(e, 99, &str));
    record("metric_double", "missing", g_api->metric_double(e, "nope", &d));
    record("value_double", "past_end", g_api->value_double(e, IGNITE_VALUE_OUTPUT, 5, &d));
    record("value_tensor", "mistyped", g_api->value_tensor(e, IGNITE_VALUE_OUTPUT, 0, &t));
    record("keep_tensor", "mistyped", g_api->keep_tensor(e, IGNITE_VALUE_OUTPUT, 0, &t));
    record("handle_exception", "wrong_event", g_api->handle_exception(g_host, e));
    return IGNITE_OK;
}

static ignite_status init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    ignite_engine* trainer;
    ignite_engine* evaluator;
    ignite_event_spec once;
    int64_t first = 1;
    ignite_handler_id id = 0;
    ignite_status s;
    (void)plugin_state;
    g_host = host;
    g_api = api;
    trainer = api->engine(host, "trainer");
    evaluator = api->engine(host, "evaluator");
    if (!trainer || !evaluator) {
        api->set_error(host, "status needs a trainer and an evaluator (dry-run --eval-every 1)");
        return IGNITE_ERR_STATE;
    }
    record("engine", "unknown", api->engine(host, "nope") == NULL ? IGNITE_OK : IGNITE_ERR_INTERNAL);
    s = api->register_event(host, evaluator, "ON_EVALUATOR", NULL, &g_custom);
    if (s != IGNITE_OK) return s;
    init_cases(trainer, evaluator);
    once = fixture_event_spec(IGNITE_EVENT_ITERATION_COMPLETED);
    once.filter = IGNITE_FILTER_ONCE;
    once.once = &first;
    once.once_count = 1;
    return api->add_handler(host, trainer, &once, 1, 0, on_first_iteration, NULL, &id);
}

static const ignite_option_spec kOptions[] = {
    {.name = "flag", .type = IGNITE_OPTION_BOOL, .default_value = "false", .help = "a bool"},
    {.name = "label", .type = IGNITE_OPTION_STRING, .default_value = "x", .help = "a string"},
};

static const ignite_plugin_info kInfo = {
    IGNITE_PLUGIN_INFO_HEADER,
    .name = "status",
    .version = "0.0.1",
    .description = "logs the status of every host call for bad input",
    .options = kOptions,
    .option_count = sizeof kOptions / sizeof kOptions[0],
    .init = init,
};

IGNITE_DEFINE_PLUGIN(kInfo)
