/* Ignite C++ plugin ABI, version 1.7 (1.0 + plugin-declared metrics + explicit exception
 * handling, option ranges and choices, growable arrays, counters in the event info, the
 * optimizer's parameter groups; checkpointing; structured plugin state; the run's facts and
 * checkpoint verification; named priority bands; placement, the engines listed, tensor
 * metrics, terminate reasons; the terminal's status area, the model's parameters).
 *
 * The one stable promise of Ignite C++: a plugin compiled against ABI 1.k loads in every
 * host 1.m with m >= k. C99; depends only on <stdint.h>, <stddef.h> and DLPack
 * (<dlpack/dlpack.h>: Debian's libdlpack-dev, 0.6, or any later DLPack).
 *
 * Tensors cross as DLPack 0.6's DLManagedTensor {DLTensor dl_tensor; void* manager_ctx;
 * void (*deleter)(DLManagedTensor*)}, and stay that struct while the major version is 1:
 * every 1.0/1.1 plugin was compiled against it, so it is part of the ABI. DLPack 1.x keeps
 * this struct unchanged (its "unversioned" DLManagedTensor: same fields, same layout) and
 * adds DLManagedTensorVersioned, a different struct (a version header and flags first),
 * which LibTorch 2.x makes with toDLPackVersioned; the host uses at::toDLPack, which still
 * makes the unversioned one (tests/abi_test.cpp compares the host's DLPack with 0.6 field
 * by field). Newer DLPack only adds enum values a 0.6 plugin cannot name, e.g. LibTorch
 * 2.x hands bool tensors over as kDLBool (6; LibTorch 1.x refused them): reject a dtype
 * code or device type you do not know. A plugin that also includes LibTorch 2.x headers
 * needs DLPack >= 1 (ATen's): define IGNITE_DLPACK_HEADER as "ATen/dlpack.h" (the host
 * and the shipped metrics plugin do), or include <ATen/dlpack.h> before this header.
 *
 * Rules that keep the promise (see DESIGN.md):
 *  - Every struct starts with `struct_size` and only grows at its end. A reader checks
 *    struct_size before touching a field added after 1.0.
 *  - Nothing here throws: every call that can fail returns an ignite_status; the message
 *    is fetched with ignite_host_api.last_error (host calls) or was set by the plugin
 *    with ignite_host_api.set_error before it returned a failure (plugin callbacks).
 *  - Pointers given to a callback are borrowed for the duration of that callback unless
 *    the comment says otherwise. Strings are UTF-8, NUL-terminated.
 *  - A plugin exports exactly one symbol, IGNITE_PLUGIN_ENTRY_SYMBOL, returning a pointer
 *    to a static ignite_plugin_info. Plugins are never unloaded while the process runs.
 *  - Source compatibility: initialise the static structs with designated initializers
 *    (`.name = "x"`) so fields appended by a later minor version are zero without a
 *    -Wmissing-field-initializers warning; positional initializers must list every field.
 *
 * History: 1.0 first release. 1.1 appended ignite_metric_decl and
 * ignite_plugin_info.metrics / metric_count (named metrics a plugin provides). 1.2 appended
 * ignite_host_api.handle_exception; since 1.2 every plugin EXCEPTION_RAISED handler, of any
 * ABI version, observes the exception instead of swallowing it (see handle_exception);
 * 1.2 also appended ignite_event_info.epoch .. epoch_length, ignite_option_spec.flags / min /
 * max / choices (validated by the host), ignite_plugin_info.option_stride / event_stride /
 * bytes_size, ignite_metric_decl.create_metric, ignite_host_api.param_group_count /
 * param_group_double / set_param_group_double, and defined the status codes by meaning
 * (NOT_FOUND for a missing attribute, STATE for "not now"); the built-in events come from
 * ignite/events.def. 1.3 appended ignite_host_api.checkpoint_bytes / write_file_durably /
 * remove_stray_temporaries (checkpointing plugins). 1.4 appended
 * ignite_plugin_info.state_format (IGNITE_STATE_JSON: a plugin's state is saved into
 * checkpoints as a Python value, not as bytes) and ignite_host_api.checkpoint_bytes_of (a
 * checkpoint of chosen entries, Ignite's to_save). 1.5 appended ignite_host_api.run_fact_string /
 * run_fact_int / verify_checkpoint / has_metric and named the priority bands
 * (IGNITE_PRIORITY_*, ignite/priority_bands.def). 1.6 appended ignite_plugin_info.placement /
 * priority_band, ignite_host_api.engine_count / engine_at / metric_tensor /
 * terminate_with_reason / terminate_reason, the run fact "config", and the terminate reasons
 * (IGNITE_TERMINATE_*, ignite/terminate_reasons.def). 1.7 appended ignite_host_api.set_status /
 * status_drawn (a progress bar the host keeps under its log lines) and parameter_count /
 * parameter_name / parameter_tensor (the trained model's weights and gradients, for
 * TensorBoard's weights and grads handlers).
 */
#ifndef IGNITE_PLUGIN_H
#define IGNITE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef IGNITE_DLPACK_HEADER
#include IGNITE_DLPACK_HEADER
#else
#include <dlpack/dlpack.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define IGNITE_ABI_MAJOR 1
#define IGNITE_ABI_MINOR 7

/* Name of the exported entry point, as a string for dlsym-style lookups. */
#define IGNITE_PLUGIN_ENTRY_SYMBOL "ignite_plugin_entry"

#if defined(_WIN32)
#define IGNITE_PLUGIN_EXPORT __declspec(dllexport)
#else
#define IGNITE_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* ---- status codes ------------------------------------------------------------------ */

/* A host call returns exactly one of these, by meaning (pinned for every call by
 * tests/abi12_test.cpp):
 *   INVALID_ARGUMENT  the call itself is wrong: a NULL pointer or an empty name where one is
 *                     needed, a bad value (every <= 0, an unknown filter kind or `which`, a
 *                     negative learning rate), an engine counter a plugin may not set;
 *   NOT_FOUND         what the call names does not exist: an option, a state attribute, a
 *                     metric, an event (or one not registered on that engine), a handler id,
 *                     a state.times key, an element index past the end, a parameter group
 *                     or a key the optimizer does not have;
 *   TYPE              it exists but holds another type (a double attribute read as int, a
 *                     tuple element that is not a tensor, a matrix metric read as a number);
 *   STATE             valid, but not now: max_epochs/epoch_length/state.times not set yet,
 *                     no output or batch yet (None, before the engine's first iteration),
 *                     handle_exception outside this plugin's EXCEPTION_RAISED handler.
 * Plugin callbacks return OK or any code with a message (set_error); PLUGIN is the host's
 * word for "a plugin callback failed". */
typedef int32_t ignite_status;
#define IGNITE_OK 0
#define IGNITE_ERR_INVALID_ARGUMENT 1 /* the call is wrong: NULL, a bad value */
#define IGNITE_ERR_NOT_FOUND 2        /* no such engine, event, option, attribute, metric... */
#define IGNITE_ERR_TYPE 3             /* the value exists but has another type */
#define IGNITE_ERR_STATE 4            /* not possible now (e.g. no output yet) */
#define IGNITE_ERR_UNSUPPORTED 5      /* the host does not offer this */
#define IGNITE_ERR_PLUGIN 6           /* a plugin callback failed (its message says why) */
#define IGNITE_ERR_INTERNAL 7         /* a host bug; please report */

/* ---- opaque handles ------------------------------------------------------------------ */

/* The host's context for one loaded plugin. Valid from init until shutdown returns. */
typedef struct ignite_host ignite_host;
/* An engine owned by the host ("trainer", "evaluator"). Valid while the host runs. */
typedef struct ignite_engine ignite_engine;
/* Identity of one handler registration (add_handler). 0 is never a valid id. */
typedef uint64_t ignite_handler_id;

/* ---- events -------------------------------------------------------------------------- */

/* Built-in events; the values are fixed forever. Custom events get ids >=
 * IGNITE_EVENT_BUILTIN_COUNT from register_event / find_event; those values are per
 * process: identify custom events by qualified name when persisting anything. */
typedef int32_t ignite_event;
/* IGNITE_EVENT_STARTED = 0 ... IGNITE_EVENT_INTERRUPT = 12, then IGNITE_EVENT_BUILTIN_COUNT
 * (13): one enumerator per line of ignite/events.def, the single list of built-in events
 * (their names, values and when each fires), which C and C++ code can expand too. */
enum ignite_builtin_event {
#define IGNITE_BUILTIN_EVENT(name, core, value, help) IGNITE_EVENT_##name = value,
#include "events.def"
    IGNITE_EVENT_BUILTIN_COUNT
};

/* Filter kinds (Ignite's event filters). */
typedef int32_t ignite_filter_kind;
#define IGNITE_FILTER_NONE 0   /* every firing */
#define IGNITE_FILTER_EVERY 1  /* every: value % every == 0; with before/after if set */
#define IGNITE_FILTER_ONCE 2   /* once: value in once[0..once_count) */
#define IGNITE_FILTER_RANGE 3  /* after < value < before (each optional) */
#define IGNITE_FILTER_CUSTOM 4 /* custom(user_data, engine, value) != 0 */

/* Custom filter: return non-zero to run the handler for event value `value`. Must not
 * fail; it is called on every firing of its event. */
typedef int32_t (*ignite_filter_fn)(void* user_data, ignite_engine* engine, int64_t value);

/* An event with an optional filter. The host copies it during add_handler. */
typedef struct ignite_event_spec {
    uint32_t struct_size; /* sizeof(ignite_event_spec) */
    ignite_event event;
    ignite_filter_kind filter; /* IGNITE_FILTER_NONE for a bare event */
    int64_t every;             /* EVERY: > 0 */
    int64_t before;            /* EVERY/RANGE: < 0 means unset */
    int64_t after;             /* EVERY/RANGE: < 0 means unset */
    const int64_t* once;       /* ONCE: positive values, borrowed during add_handler */
    size_t once_count;
    ignite_filter_fn custom; /* CUSTOM */
    void* custom_user_data;  /* passed to custom; owned by the plugin, must outlive the run */
} ignite_event_spec;

/* What a handler is told about the event being dispatched. Borrowed for the call. */
typedef struct ignite_event_info {
    uint32_t struct_size;
    ignite_event event;
    const char* event_name;        /* e.g. "ITERATION_COMPLETED", "tbptt.TIME_ITERATION_STARTED" */
    const char* exception_message; /* EXCEPTION_RAISED: "Kind: message"; otherwise NULL */
    int64_t iter_counter;          /* TERMINATE_SINGLE_EPOCH: iterations of the cut epoch; else -1 */

    /* ---- ABI 1.2 (check IGNITE_API_HAS(info, ignite_event_info, epoch_length) first) ---- */
    /* The engine's counters when the event fired, so the common handler needs no call back
     * into the host (the same values state_int gives). */
    int64_t epoch;        /* state.epoch (1-based while running, 0 before the first epoch) */
    int64_t iteration;    /* state.iteration, counted over all epochs */
    int64_t max_epochs;   /* state.max_epochs; -1 while not set (before the first run) */
    int64_t epoch_length; /* state.epoch_length; -1 while not known */
} ignite_event_info;

/* A handler. Return IGNITE_OK, or call api->set_error and return another status: the host
 * then raises the error inside the engine (EXCEPTION_RAISED handlers see it, as an
 * exception in Ignite) naming the plugin, and the run fails.
 * A handler on IGNITE_EVENT_EXCEPTION_RAISED OBSERVES the exception: after every handler
 * has run, the exception goes on propagating and the run fails. Unlike a Python handler
 * in Ignite, registering one does not swallow the exception; a plugin that really handles
 * it says so by calling ignite_host_api.handle_exception (ABI 1.2). */
typedef ignite_status (*ignite_handler_fn)(void* user_data, ignite_engine* engine, const ignite_event_info* info);

/* ---- options --------------------------------------------------------------------------- */

typedef int32_t ignite_option_type;
#define IGNITE_OPTION_BOOL 0 /* true/false/1/0/yes/no/on/off */
#define IGNITE_OPTION_INT 1  /* 64-bit signed */
#define IGNITE_OPTION_DOUBLE 2
#define IGNITE_OPTION_STRING 3

/* ignite_option_spec.flags (ABI 1.2). */
#define IGNITE_OPTION_HAS_MIN 1u /* INT/DOUBLE: the value must be >= min */
#define IGNITE_OPTION_HAS_MAX 2u /* INT/DOUBLE: the value must be <= max */
#define IGNITE_OPTION_LIST \
    4u /* STRING: a comma-separated list; items are trimmed, an empty
                                    item is refused, an empty value is the empty list;
                                    `choices` (if any) applies to every item and min/max
                                    bound the number of items */

/* One option a plugin accepts (--plugin-opt NAME.key=value). Static storage, in the array
 * ignite_plugin_info.options, which the host steps through by option_stride (ABI 1.2).
 * The host validates every value (and the default) against the spec before init: a value
 * of the wrong type, out of [min, max], not among `choices`, or (DOUBLE with a range) not
 * finite stops the host with one line naming NAME.key and what is allowed, exit 2. So a
 * plugin reads its options without checking them again. */
typedef struct ignite_option_spec {
    const char* name; /* [a-z0-9_]+ */
    ignite_option_type type;
    const char* default_value; /* as text; NULL means the option is required */
    const char* help;          /* one line */

    /* ---- ABI 1.2 (read only when ignite_plugin_info.option_stride covers them) ---- */
    uint32_t flags;             /* IGNITE_OPTION_HAS_MIN | IGNITE_OPTION_HAS_MAX | IGNITE_OPTION_LIST */
    double min;                 /* with HAS_MIN; INT options compare exactly up to 2^53 */
    double max;                 /* with HAS_MAX */
    const char* const* choices; /* STRING: the allowed values, NULL-terminated; NULL: any */
} ignite_option_spec;

/* One custom event a plugin declares (listed by `plugins inspect`). Static storage, in the
 * array ignite_plugin_info.events, stepped through by event_stride (ABI 1.2). */
typedef struct ignite_event_decl {
    const char* name;       /* unqualified, e.g. "TIME_ITERATION_STARTED" */
    const char* state_attr; /* attribute filters count with (Ignite's event_to_attr) or NULL */
    const char* help;
} ignite_event_decl;

/* Bytes a plugin hands the host (state save). The host copies them before returning. The
 * host passes a zeroed struct of at least the plugin's ignite_plugin_info.bytes_size bytes
 * (ABI 1.2), so fields a later minor appends stay zero for a plugin that does not know
 * them. */
typedef struct ignite_bytes {
    const void* data;
    size_t size;
} ignite_bytes;

/* Log levels for ignite_host_api.log. */
#define IGNITE_LOG_DEBUG 0
#define IGNITE_LOG_INFO 1
#define IGNITE_LOG_WARNING 2
#define IGNITE_LOG_ERROR 3

/* Counters readable with state_int besides user attributes. */
#define IGNITE_STATE_EPOCH "epoch"
#define IGNITE_STATE_ITERATION "iteration"
#define IGNITE_STATE_MAX_EPOCHS "max_epochs"
#define IGNITE_STATE_EPOCH_LENGTH "epoch_length"
/* ignite-host's trainer (a convention, not a counter): a double user attribute holding the
 * sum of state.output over the current epoch's iterations so far, set at EPOCH_STARTED and
 * kept current by the host without a device synchronisation per iteration. Reading it
 * (state_double) may synchronise a CUDA device, so read it when you print, not every
 * iteration: the epoch's running mean is this sum over the iterations done this epoch.
 * Absent (IGNITE_ERR_NOT_FOUND) on hosts and engines that do not keep it. */
#define IGNITE_STATE_EPOCH_OUTPUT_SUM "epoch_output_sum"
/* ignite-host's trainer (a convention, issue 20): a double user attribute holding Ignite's
 * RunningAverage(alpha=0.98) of state.output over the run (RunningBatchWise: v1 = x1,
 * vt = 0.98 v(t-1) + 0.02 xt, restarted when a run starts), updated every iteration without
 * a device synchronisation; the smoothed loss a progress bar shows. Read it when you print.
 * Absent (IGNITE_ERR_NOT_FOUND) before the first iteration and on hosts that do not keep it. */
#define IGNITE_STATE_RUNNING_OUTPUT "running_output"

/* What ignite-host's engines hold (a host convention, documented so plugins can rely on it).
 *
 * state.output:
 *   trainer (ignite-host train): the batch's training loss (cross entropy, mean over the
 *     batch) as a 0-dim float32 tensor on the training device, detached; read it with
 *     value_double (a CUDA device synchronises then) or value_tensor. dry-run: a double,
 *     1 / iteration.
 *   evaluator: the tuple (y_pred, y): (N, C) logits and (N,) int64 labels, on the device;
 *     dry-run: the batch, an int.
 *   Both are None (value_count 0; value_double/value_tensor: IGNITE_ERR_STATE) before an
 *   engine's first iteration.
 *
 * state.metrics (metric_count / metric_name / metric_double), in attach order. The host's
 * metrics and plugin metrics are handlers in the metrics band (IGNITE_PRIORITY_METRICS), so
 * on the event that computes them a plugin handler of a higher priority (every band after
 * it) sees the new value, one of a lower priority the previous one:
 *   trainer: "avg_loss", the mean of state.output over the epoch, computed at the
 *     trainer's EPOCH_COMPLETED (absent before the first one).
 *   evaluator (train with --eval-every K > 0; dry-run attaches none): "accuracy", "loss",
 *     then every --metric NAME in the order given; reset when an evaluator run starts and
 *     computed at its EPOCH_COMPLETED (one epoch per run). The trainer runs the evaluator
 *     from its own EPOCH_COMPLETED in the host band (IGNITE_PRIORITY_HOST: after loggers,
 *     before checkpoints), so a trainer EPOCH_COMPLETED handler of a higher priority or the
 *     evaluator's COMPLETED sees this epoch's values. A matrix metric (IGNITE_METRIC_SQUARE) is not a
 *     number: metric_double gives IGNITE_ERR_TYPE.
 *   The engine "evaluator" exists only when the host runs one (engine() returns NULL
 *   otherwise).
 *
 * Optimizer (param_group_count etc., ABI 1.2): the trainer of ignite-host train has one
 * parameter group (SGD: lr, momentum, weight_decay; Adam: lr, weight_decay). With
 * --lr-schedule cosine (the default) the host's scheduler writes lr at every
 * ITERATION_STARTED at priority 0, registered before plugins; a plugin that schedules lr
 * itself runs with --lr-schedule constant. The evaluator, and dry-run's trainer, have no
 * optimizer (param_group_count gives 0). */

/* ---- priority bands (ABI 1.5) ------------------------------------------------------------ */

/* The named bands of add_handler's priority, in the order they run (lower first): metrics
 * (-100), handlers that act on metrics (-50), loggers (0, the default), the host (50: the
 * evaluation run, the metrics file), checkpoint (100). Register in the band of what the
 * handler does, so it sees what the bands before it wrote whatever the load order; a value
 * beside a band (IGNITE_PRIORITY_LOGGERS + 10) orders a handler within a gap. The list,
 * with what each band is for, is ignite/priority_bands.def (core's ignite::Priority
 * constants are made from the same list). These are plain int values: a plugin built
 * against 1.0 that wrote the numbers gets the same order. */
enum ignite_priority_band {
#define IGNITE_PRIORITY_BAND(name, core, value, help) IGNITE_PRIORITY_##name = value,
#include "priority_bands.def"
};

/* ---- terminate reasons (ABI 1.6) ------------------------------------------------------------ */

/* Why an engine stopped early (terminate_with_reason, terminate_reason): the list, with what
 * each reason means, is ignite/terminate_reasons.def (core's ignite::TerminateReason is made
 * from the same list). A checkpointer does not save weights an engine stopped for as bad
 * (IGNITE_TERMINATE_BAD_WEIGHTS); a plain terminate is IGNITE_TERMINATE_HANDLER. */
enum ignite_terminate_reason {
#define IGNITE_TERMINATE_REASON(name, core, value, help) IGNITE_TERMINATE_##name = value,
#include "terminate_reasons.def"
};

/* ---- placement (ABI 1.6) ---------------------------------------------------------------------- */

/* ignite_plugin_info.placement: where a plugin runs when a run has several processes. */
#define IGNITE_PLACEMENT_EVERY_RANK 0u /* every rank: metrics, handlers that act on them */
#define IGNITE_PLACEMENT_RANK_ZERO 1u  /* rank 0 only: loggers, reports, checkpoints */

/* Keys of param_group_double / set_param_group_double (ABI 1.2). */
#define IGNITE_PARAM_LR "lr"
#define IGNITE_PARAM_MOMENTUM "momentum"         /* SGD, RMSprop */
#define IGNITE_PARAM_WEIGHT_DECAY "weight_decay" /* SGD, Adam, AdamW, RMSprop, Adagrad */

/* ---- the host's function table ------------------------------------------------------------ */

/* Functions the host offers, handed to init. Append-only: a plugin built against 1.k may
 * use a function added in 1.k only after checking api->struct_size covers it (the
 * IGNITE_API_HAS macro). All take the `host` given to init unless noted. */
typedef struct ignite_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* Errors and logging. last_error: message of the last failed host call on this
     * thread (borrowed until the next call; `host` may be NULL). set_error: the message for the failure a
     * callback is about to return (copied). log: one line, prefixed with the plugin name. */
    const char* (*last_error)(ignite_host* host);
    void (*set_error)(ignite_host* host, const char* message);
    void (*log)(ignite_host* host, int32_t level, const char* message);

    /* Options, already validated against the plugin's schema (defaults applied).
     * Strings are borrowed for the plugin's lifetime. */
    ignite_status (*option_bool)(ignite_host* host, const char* name, int32_t* out);
    ignite_status (*option_int)(ignite_host* host, const char* name, int64_t* out);
    ignite_status (*option_double)(ignite_host* host, const char* name, double* out);
    ignite_status (*option_string)(ignite_host* host, const char* name, const char** out);

    /* Engines by name ("trainer", "evaluator"); NULL (not an error) when the host runs
     * no such engine. engine_name is borrowed for the host's lifetime. */
    ignite_engine* (*engine)(ignite_host* host, const char* name);
    const char* (*engine_name)(ignite_engine* engine);

    /* Handlers. `events` holds `count` specs registered as one registration (Ignite's
     * `|`); lower priority runs first, ties in registration order (the named bands, ABI
     * 1.5: IGNITE_PRIORITY_METRICS ... IGNITE_PRIORITY_CHECKPOINT). user_data is the
     * plugin's and must stay valid until the handler is removed or the host shuts the
     * plugin down. */
    ignite_status (*add_handler)(ignite_host* host, ignite_engine* engine, const ignite_event_spec* events,
                                 size_t count, int32_t priority, ignite_handler_fn fn, void* user_data,
                                 ignite_handler_id* out_id);
    ignite_status (*remove_handler)(ignite_host* host, ignite_engine* engine, ignite_handler_id id);

    /* Custom events. register_event declares "<plugin>.<name>" on an engine, with an
     * optional state attribute filters count with (created as int 0); find_event looks
     * any event up by qualified name; fire_event runs its handlers now. */
    ignite_status (*register_event)(ignite_host* host, ignite_engine* engine, const char* name, const char* state_attr,
                                    ignite_event* out_event);
    ignite_status (*find_event)(ignite_host* host, const char* qualified_name, ignite_event* out_event);
    ignite_status (*fire_event)(ignite_host* host, ignite_engine* engine, ignite_event event);

    /* State. state_int reads the counters above or an int user attribute;
     * state_double/state_string and the set_state_ calls read/write user attributes (created on first set). A string
     * read is borrowed until the attribute changes. Times: "EPOCH_COMPLETED", "COMPLETED"
     * in seconds (IGNITE_ERR_STATE when not yet set). */
    ignite_status (*state_int)(ignite_engine* engine, const char* name, int64_t* out);
    ignite_status (*state_double)(ignite_engine* engine, const char* name, double* out);
    ignite_status (*state_string)(ignite_engine* engine, const char* name, const char** out);
    ignite_status (*set_state_int)(ignite_engine* engine, const char* name, int64_t value);
    ignite_status (*set_state_double)(ignite_engine* engine, const char* name, double value);
    ignite_status (*set_state_string)(ignite_engine* engine, const char* name, const char* value);
    ignite_status (*state_time)(ignite_engine* engine, const char* key, double* out);

    /* Metrics (engine.state.metrics). metric_count/metric_name enumerate them in order
     * (names borrowed until metrics change); metric_double reads a number (a one-element
     * tensor counts); set_metric_double writes one. */
    ignite_status (*metric_count)(ignite_engine* engine, size_t* out);
    ignite_status (*metric_name)(ignite_engine* engine, size_t index, const char** out);
    ignite_status (*metric_double)(ignite_engine* engine, const char* name, double* out);
    ignite_status (*set_metric_double)(ignite_engine* engine, const char* name, double value);

    /* Output and batch of the current iteration. `which` is 0 for state.output, 1 for
     * state.batch. value_count: 0 for None, 1 for a single value, n for a tuple/list of
     * n. value_double reads element `index` as a number (scalar or one-element tensor).
     * value_tensor gives element `index` as a DLPack tensor BORROWED until the callback
     * returns (do not call its deleter); keep_tensor gives a tensor the plugin OWNS and
     * must release with its deleter (from any thread, at any time: the host library stays
     * loaded). */
    ignite_status (*value_count)(ignite_engine* engine, int32_t which, size_t* out);
    ignite_status (*value_double)(ignite_engine* engine, int32_t which, size_t index, double* out);
    ignite_status (*value_tensor)(ignite_engine* engine, int32_t which, size_t index, DLManagedTensor** out);
    ignite_status (*keep_tensor)(ignite_engine* engine, int32_t which, size_t index, DLManagedTensor** out);

    /* Control (Ignite's terminate / terminate_epoch), effective after the current event. */
    ignite_status (*terminate)(ignite_engine* engine);
    ignite_status (*terminate_epoch)(ignite_engine* engine);

    /* ---- ABI 1.2 (check IGNITE_API_HAS(api, ignite_host_api, handle_exception) first) ---- */

    /* Call from an EXCEPTION_RAISED handler to HANDLE the exception instead of observing
     * it: once the dispatch ends the engine swallows it (Ignite's rule for a Python
     * handler), so that engine's run returns normally and the program goes on as if the
     * iteration had not failed. The host logs a warning naming the plugin and the
     * exception it swallowed. Returns IGNITE_ERR_STATE when `engine` is not dispatching
     * EXCEPTION_RAISED to one of this plugin's handlers right now. */
    ignite_status (*handle_exception)(ignite_host* host, ignite_engine* engine);

    /* The optimizer's parameter groups (torch's optimizer.param_groups), for schedulers and
     * loggers. param_group_count: 0 for an engine without an optimizer. param_group_double
     * reads `key` (IGNITE_PARAM_LR, _MOMENTUM, _WEIGHT_DECAY) of group `group`;
     * set_param_group_double writes it, effective from the next optimizer step. NOT_FOUND:
     * no such group, or a key this optimizer does not have (momentum of Adam);
     * INVALID_ARGUMENT: a negative or non-finite value. */
    ignite_status (*param_group_count)(ignite_engine* engine, size_t* out);
    ignite_status (*param_group_double)(ignite_engine* engine, size_t group, const char* key, double* out);
    ignite_status (*set_param_group_double)(ignite_engine* engine, size_t group, const char* key, double value);

    /* ---- ABI 1.3 (check IGNITE_API_HAS(api, ignite_host_api, checkpoint_bytes) first) ---- */

    /* Checkpoints: the policy (when, which file, rotation) is the plugin's; what to save and
     * how it is written durably are the host's.
     *
     * checkpoint_bytes: the whole checkpoint for "now" (call it from a handler of `engine`'s
     * owner run, e.g. the trainer's ITERATION_COMPLETED) as the bytes of one file in torch's
     * zip format (docs/checkpoint-format.md), a dict laid out as Ignite's Checkpoint lays it
     * out: "model", "optimizer", "trainer" (with rng_states), "lr_scheduler" when there is
     * one, every loaded plugin's save_state under its state_key (a uint8 tensor, or the
     * Python value of IGNITE_STATE_JSON state; this plugin's own save_state is called too,
     * so state that must name the file being written is set before the call), and
     * "ignite_host" (what a resume checks). The bytes
     * are the HOST's, BORROWED until this plugin's next checkpoint_bytes call or shutdown.
     * IGNITE_ERR_UNSUPPORTED: this host has nothing to checkpoint (e.g. dry-run).
     *
     * write_file_durably: replaces (or creates) `path` with `size` bytes so that after
     * IGNITE_OK the file holds them even across a power loss (temporary file in the same
     * folder, fsync, rename, fsync of the folder); on a failure (IGNITE_ERR_STATE; last_error
     * names the file and the system's reason, e.g. "File too large") `path` holds what it
     * held before and no temporary is left. The folder must exist.
     *
     * remove_stray_temporaries: deletes, in folder `dir` (not recursive), the temporaries
     * that writers killed during write_file_durably left; a writer still running keeps
     * its temporary, and no other file is touched. *removed (may be NULL) gets the count. */
    ignite_status (*checkpoint_bytes)(ignite_host* host, ignite_engine* engine, ignite_bytes* out);
    ignite_status (*write_file_durably)(ignite_host* host, const char* path, const void* data, size_t size);
    ignite_status (*remove_stray_temporaries)(ignite_host* host, const char* dir, size_t* removed);

    /* ---- ABI 1.4 (check IGNITE_API_HAS(api, ignite_host_api, checkpoint_bytes_of) first) ---- */

    /* checkpoint_bytes_of: as checkpoint_bytes, holding only the `key_count` entries named in
     * `keys` (Ignite's to_save: e.g. "model"), in that order; with exactly one key the file
     * holds that entry's value itself, not a dict (Ignite's rule for a single object, so
     * `model.load_state_dict(torch.load(f))` reads a "model" file). key_count 0 is the whole
     * checkpoint. The entries are the host's own (e.g. "model", "optimizer", "trainer") and
     * every loaded plugin's state_key. With out == NULL it only checks the keys (a plugin
     * does that at init, before anything can be saved). NOT_FOUND: a key the checkpoint does
     * not have (last_error lists those it has); INVALID_ARGUMENT: a NULL or empty key, or one
     * given twice; UNSUPPORTED: this host has nothing to checkpoint. Same ownership as
     * checkpoint_bytes. */
    ignite_status (*checkpoint_bytes_of)(ignite_host* host, ignite_engine* engine, const char* const* keys,
                                         size_t key_count, ignite_bytes* out);

    /* ---- ABI 1.5 (check IGNITE_API_HAS(api, ignite_host_api, run_fact_string) first) ---- */

    /* The run's facts, set by the host before any plugin's init and fixed for the run.
     * run_fact_string: "output_dir" (the run's output folder; "" when the host has none, e.g.
     * a program embedding the runtime). The string is the host's, valid until shutdown.
     * run_fact_int: "resumed" (1 when the run continues from a checkpoint, else 0), "rank",
     * "world_size", "local_rank" (0, 1, 0 in a single process).
     * NOT_FOUND: no fact of that name; TYPE: the fact is of the other kind. */
    ignite_status (*run_fact_string)(ignite_host* host, const char* name, const char** out);
    ignite_status (*run_fact_int)(ignite_host* host, const char* name, int64_t* out);

    /* verify_checkpoint: IGNITE_OK when `path` is a checkpoint file every reader accepts (a
     * regular file, checked before it is opened; torch's zip format with every entry's CRC32
     * right; a pickle the host reads), else IGNITE_ERR_INVALID_ARGUMENT with last_error one
     * line naming the file and what is wrong. Reads the whole file; never changes it. */
    ignite_status (*verify_checkpoint)(ignite_host* host, const char* path);

    /* has_metric: *out = 1 when a metric of that name is attached to `engine` (the host's own
     * and plugin metrics), else 0; a plugin checks at init a metric it will read later. */
    ignite_status (*has_metric)(ignite_engine* engine, const char* name, int32_t* out);

    /* ---- ABI 1.6 (check IGNITE_API_HAS(api, ignite_host_api, engine_count) first) ---- */

    /* Since 1.6 run_fact_string also knows "config": the run's configuration as one JSON
     * object (every option the run uses, with its value; "{}" when the host has none), e.g.
     * for a logger to record it beside the run's results. */

    /* The run's engines, in the order the host made them (ignite-host: "trainer", then
     * "evaluator" when the run evaluates, then "validation" with --val-split), so a plugin
     * validates an engine option against the engines that exist instead of a fixed list.
     * engine_at: NOT_FOUND for an index >= engine_count. The handles are engine()'s. */
    ignite_status (*engine_count)(ignite_host* host, size_t* out);
    ignite_status (*engine_at)(ignite_host* host, size_t index, ignite_engine** out);

    /* metric_tensor: state.metrics[name] as a tensor, whatever its shape (a confusion matrix,
     * per-class values); a number is a 0-dim float64 tensor. The tensor is a copy, on the CPU,
     * contiguous, and the caller's: call its deleter when done. NOT_FOUND: no such metric (yet);
     * TYPE: a value that is neither a tensor nor a number (a string). */
    ignite_status (*metric_tensor)(ignite_engine* engine, const char* name, DLManagedTensor** out);

    /* terminate_with_reason: terminate, saying why (IGNITE_TERMINATE_HANDLER: a decision, the
     * weights are fine; IGNITE_TERMINATE_BAD_WEIGHTS: a NaN or infinite loss or parameter, so
     * no checkpoint should keep them). INVALID_ARGUMENT: NONE or a value this host does not
     * know. terminate (1.0) is terminate_with_reason(HANDLER).
     * terminate_reason: *out = the reason of the first terminate of the engine's current (or
     * last) run, IGNITE_TERMINATE_NONE when it was not terminated; a stop signal gives
     * USER_SIGNAL, reaching max_iters ITERATION_LIMIT. */
    ignite_status (*terminate_with_reason)(ignite_engine* engine, int32_t reason);
    ignite_status (*terminate_reason)(ignite_engine* engine, int32_t* out);

    /* ---- ABI 1.7 (check IGNITE_API_HAS(api, ignite_host_api, set_status) first) ---- */

    /* The terminal's status area: lines the host keeps under every log line it writes to
     * stderr, so a progress bar is never written over and never writes over a log line.
     * set_status replaces this plugin's lines with `text` ('\n' separates lines; NULL or ""
     * removes them); each plugin has its own lines, shown in the order the plugins were
     * loaded. The host draws the area only when stderr is a terminal (or the application
     * forced it): status_drawn sets *out to 1 then, else 0, and a plugin prints plain lines
     * through `log` instead; set_status is still accepted and draws nothing. */
    ignite_status (*set_status)(ignite_host* host, const char* text);
    ignite_status (*status_drawn)(ignite_host* host, int32_t* out);

    /* The named parameters of the model `engine` trains (ignite-host: the trainer's; count 0
     * for an engine without a model), in the model's named_parameters() order, e.g. for
     * TensorBoard's weights_norm / grads_norm scalars and weights / grads histograms.
     * parameter_name: the dotted PyTorch name ("fc1.weight"), valid while the run lasts.
     * parameter_tensor: `which` is IGNITE_PARAMETER_VALUE or IGNITE_PARAMETER_GRAD; a DLPack
     * view of the tensor on the model's device, BORROWED until the callback returns (never
     * call its deleter, never write through it). NOT_FOUND: an index >= parameter_count, or
     * a parameter without a gradient (before the first backward, or frozen). */
    ignite_status (*parameter_count)(ignite_engine* engine, size_t* out);
    ignite_status (*parameter_name)(ignite_engine* engine, size_t index, const char** out);
    ignite_status (*parameter_tensor)(ignite_engine* engine, size_t index, int32_t which, DLManagedTensor** out);
} ignite_host_api;

#define IGNITE_PARAMETER_VALUE 0
#define IGNITE_PARAMETER_GRAD 1

#define IGNITE_VALUE_OUTPUT 0
#define IGNITE_VALUE_BATCH 1

/* True when `api` (a struct with struct_size first) has the member `field`. */
#define IGNITE_API_HAS(api, type, field) ((api)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

/* ---- metrics (ABI 1.1) ----------------------------------------------------------------------- */

/* ignite_metric_decl.flags */
#define IGNITE_METRIC_SQUARE 1u /* compute's k*k values are a k x k matrix (row-major) */
#define IGNITE_METRIC_CPU 2u    /* update wants CPU tensors: the host copies device tensors first */

/* One named metric a plugin provides (Ignite's Metric: reset / update / compute, plus the
 * sufficient statistics a host sums across processes before compute, Ignite's
 * sync_all_reduce). Static storage, in the array ignite_plugin_info.metrics; the host
 * steps through that array by metrics[0].struct_size, so every entry has the same one.
 *
 * The host creates one instance per use (e.g. per engine it attaches the metric to) with
 * create, after the plugin's init, and destroys every instance before the plugin's
 * shutdown. The value lands in engine.state.metrics under the plain `name` (two loaded
 * plugins may not declare the same name). Every callback but destroy returns IGNITE_OK,
 * or calls ignite_host_api.set_error (with the `host` given to init) and returns a failure;
 * the host then raises an error naming the plugin and the metric. A metric instance is
 * used from one thread at a time. */
typedef struct ignite_metric_decl {
    uint32_t struct_size; /* sizeof(ignite_metric_decl) */
    uint32_t flags;       /* IGNITE_METRIC_SQUARE | IGNITE_METRIC_CPU */
    const char* name;     /* [a-z0-9_]+; the state.metrics key */
    const char* help;     /* one line */

    /* A new instance in *metric_state, already reset. plugin_state is the plugin's (init). */
    ignite_status (*create)(void* plugin_state, void** metric_state);
    /* Frees an instance. */
    void (*destroy)(void* metric_state);
    /* Forgets every update (Ignite's reset, at the usage's STARTED event). */
    ignite_status (*reset)(void* metric_state);
    /* Accumulates one batch: y_pred and y (Ignite's output pair), BORROWED for the call
     * (never call their deleters; copy what must outlive the call). They may live on a
     * CUDA device unless the decl sets IGNITE_METRIC_CPU. */
    ignite_status (*update)(void* metric_state, const DLManagedTensor* y_pred, const DLManagedTensor* y);
    /* The value since reset: one number for a scalar metric, several (e.g. a k x k
     * confusion matrix with IGNITE_METRIC_SQUARE) otherwise. Writes *count values to
     * out[0..capacity). When they do not fit, sets *count to the number needed, writes
     * nothing and returns IGNITE_OK: the host calls again with capacity >= *count. Fail
     * with IGNITE_ERR_STATE when nothing can be computed (no update since reset). */
    ignite_status (*compute)(void* metric_state, double* out, size_t capacity, size_t* count);
    /* The sufficient statistics as numbers whose element-wise sum over processes is the
     * statistics of all their updates (same capacity protocol as compute). */
    ignite_status (*statistics)(void* metric_state, double* out, size_t capacity, size_t* count);
    /* Replaces the statistics with `in` (e.g. the all-reduced sums), so compute gives the
     * global value. Fail with IGNITE_ERR_INVALID_ARGUMENT for a wrong count. */
    ignite_status (*load_statistics)(void* metric_state, const double* in, size_t count);

    /* ---- ABI 1.2 (read when struct_size covers it) ---- */
    /* create, told which metric: `decl` is this entry of the plugin's metrics array. When
     * set, the host calls it instead of create, which may then be NULL (the plugin must then
     * claim abi_minor >= 2, so that an older host, which only knows create, refuses it). */
    ignite_status (*create_metric)(void* plugin_state, const struct ignite_metric_decl* decl, void** metric_state);
} ignite_metric_decl;

/* ---- the plugin's static description ---------------------------------------------------- */

typedef struct ignite_plugin_info {
    uint32_t struct_size;    /* sizeof(ignite_plugin_info) of the header the plugin was built with */
    uint16_t abi_major;      /* IGNITE_ABI_MAJOR */
    uint16_t abi_minor;      /* IGNITE_ABI_MINOR */
    const char* name;        /* [a-z0-9_]+, unique among loaded plugins; namespaces its events */
    const char* version;     /* the plugin's own version, free text */
    const char* description; /* one line */

    const ignite_option_spec* options; /* option schema, `option_count` entries */
    size_t option_count;
    const ignite_event_decl* events; /* custom events it registers (for `plugins inspect`) */
    size_t event_count;

    /* Called once after options are validated. Register handlers and events here; store
     * your state in *plugin_state (passed back to every other callback). Return IGNITE_OK
     * or set_error + a failure: the host then stops with that message. `api` and `host`
     * stay valid until shutdown returns. */
    ignite_status (*init)(ignite_host* host, const ignite_host_api* api, void** plugin_state);
    /* Called once when the host is done (after the last run); free plugin_state. May be NULL. */
    void (*shutdown)(void* plugin_state);

    /* Optional persistent state: saved into checkpoints under `state_key` (NULL: none).
     * save_state fills *out with bytes valid until the next call on this plugin; the host
     * copies them (0 bytes: nothing is saved). load_state receives bytes from an earlier
     * save_state. How the bytes are stored: see state_format (1.4). */
    const char* state_key;
    ignite_status (*save_state)(void* plugin_state, ignite_bytes* out);
    ignite_status (*load_state)(void* plugin_state, const void* data, size_t size);

    /* ---- ABI 1.1 (read only when abi_minor >= 1; a 1.1 plugin's struct_size covers them) ---- */
    /* Named metrics the plugin provides, `metric_count` entries (NULL/0: none). */
    const ignite_metric_decl* metrics;
    size_t metric_count;

    /* ---- ABI 1.2 (read when struct_size covers them: a plugin built against the 1.2 header
     * or a later one, whatever abi_minor it claims) ---- */
    /* sizeof(ignite_option_spec), sizeof(ignite_event_decl) and sizeof(ignite_bytes) as the
     * plugin was built (IGNITE_PLUGIN_INFO_HEADER sets them): the host steps through
     * `options` and `events` by these, and hands save_state a zeroed ignite_bytes at least
     * bytes_size large, so each of those structs may grow in a later minor. 0 means the
     * ABI 1.2 size; a plugin whose struct_size ends before these fields has the 1.0 sizes. */
    size_t option_stride;
    size_t event_stride;
    size_t bytes_size;

    /* ---- ABI 1.4 (read when struct_size covers it; 0 before) ---- */
    /* IGNITE_STATE_BYTES (0): the state is opaque bytes, stored as a uint8 tensor.
     * IGNITE_STATE_JSON (1): save_state gives one UTF-8 JSON value, stored in the checkpoint
     * as the Python value json.loads would make (object -> dict with its key order, array ->
     * list, string, integer -> int (int64), other number -> float, true/false, null -> None),
     * so Python code (e.g. Ignite's Checkpoint.load_objects) reads it as a plain object.
     * load_state then gets that value back as compact JSON text (a tuple, e.g. from a file
     * Python wrote, arrives as an array; a float that is NaN or infinite arrives as null),
     * or, from a checkpoint written while the plugin's state was bytes, those bytes as they
     * were. Invalid JSON from save_state fails the save with a message naming the plugin; a
     * stored value JSON cannot express (a tensor, a dict with non-string keys) fails the
     * load the same way. Any other value is refused when the plugin is loaded. A plugin that
     * sets it must claim abi_minor >= 4, so that an older host refuses it. */
    uint32_t state_format;

    /* ---- ABI 1.6 (read only when abi_minor >= 6: `placement` lies where an older plugin's
     * struct had its padding) ---- */
    /* Where the plugin runs in a run of several processes: IGNITE_PLACEMENT_EVERY_RANK (0, and
     * every plugin built before 1.6) or IGNITE_PLACEMENT_RANK_ZERO, for a plugin that writes
     * the run's files (a logger, a checkpointer): on the other ranks it is loaded and its
     * options checked, so every rank refuses the same bad command line, but its init is never
     * called. Any other value is refused when the plugin is loaded. */
    uint32_t placement;
    /* The band its handlers register in (IGNITE_PRIORITY_*; 0 is LOGGERS, the default), shown
     * by `ignite-host plugins inspect`. It documents the plugin; add_handler's priority is
     * still what orders each handler. */
    int32_t priority_band;
} ignite_plugin_info;

#define IGNITE_STATE_BYTES 0u
#define IGNITE_STATE_JSON 1u

/* The entry point's type: returns the plugin's static info (never freed). */
typedef const ignite_plugin_info* (*ignite_plugin_entry_fn)(void);

/* ABI 1.2: a plugin's info, options and events, with the strides filled in (C):
 *   static const ignite_plugin_info info = {IGNITE_PLUGIN_INFO_HEADER, .name = "mine", ...};
 */
#define IGNITE_PLUGIN_INFO_HEADER                                                                            \
    .struct_size = sizeof(ignite_plugin_info), .abi_major = IGNITE_ABI_MAJOR, .abi_minor = IGNITE_ABI_MINOR, \
    .option_stride = sizeof(ignite_option_spec), .event_stride = sizeof(ignite_event_decl),                  \
    .bytes_size = sizeof(ignite_bytes)

/* Defines the entry point. Use once per plugin, at file scope:
 *   IGNITE_DEFINE_PLUGIN(my_info)   where my_info is a static ignite_plugin_info. */
#define IGNITE_DEFINE_PLUGIN(info_object) \
    IGNITE_PLUGIN_EXPORT const ignite_plugin_info* ignite_plugin_entry(void) { return &(info_object); }

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* IGNITE_PLUGIN_H */
