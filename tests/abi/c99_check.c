/* plugin.h must stay C99: this file is compiled with -std=c99 -pedantic -Wall -Wextra
 * -Werror (tests/abi/CMakeLists.txt, target ignite_abi_c99_check). It uses every macro a
 * C plugin would use, so a C++-ism or a GNU extension in the header fails the build. */
#include <ignite/plugin.h>

#include <stddef.h>

static ignite_status c99_handler(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    (void)user_data;
    (void)engine;
    if (IGNITE_API_HAS(info, ignite_event_info, epoch_length) && info->epoch < 0) return IGNITE_ERR_STATE;
    return IGNITE_OK;
}

static ignite_status c99_init(ignite_host* host, const ignite_host_api* api, void** plugin_state) {
    ignite_event_spec spec = {
        sizeof(ignite_event_spec), IGNITE_EVENT_STARTED, IGNITE_FILTER_NONE, 0, -1, -1, NULL, 0, NULL, NULL};
    ignite_handler_id id = 0;
    (void)plugin_state;
    if (!IGNITE_API_HAS(api, ignite_host_api, set_param_group_double)) return IGNITE_ERR_UNSUPPORTED;
    return api->add_handler(host, api->engine(host, "trainer"), &spec, 1, 0, c99_handler, NULL, &id);
}

/* The built-in events' names, from the one list. */
#define IGNITE_BUILTIN_EVENT(name, core, value, help) #name,
static const char* const c99_event_names[IGNITE_EVENT_BUILTIN_COUNT] = {
#include <ignite/events.def>
};

static const char* const c99_formats[] = {"text", "json", NULL};

static const ignite_option_spec c99_options[] = {
    {.name = "flag", .type = IGNITE_OPTION_BOOL, .default_value = "false", .help = "a bool"},
    {.name = "every",
     .type = IGNITE_OPTION_INT,
     .default_value = "1",
     .help = "an int >= 1",
     .flags = IGNITE_OPTION_HAS_MIN,
     .min = 1},
    {.name = "format",
     .type = IGNITE_OPTION_STRING,
     .default_value = "text",
     .help = "text or json",
     .choices = c99_formats},
};

static const ignite_plugin_info c99_info = {
    IGNITE_PLUGIN_INFO_HEADER, .name = "c99_check",
    .version = "1.0",          .description = "C99 compile check",
    .options = c99_options,    .option_count = sizeof c99_options / sizeof c99_options[0],
    .init = c99_init,
};

IGNITE_DEFINE_PLUGIN(c99_info)

/* Referenced so -Wunused does not drop the check of the list's expansion. */
const char* ignite_c99_event_name(int i) { return c99_event_names[i]; }
