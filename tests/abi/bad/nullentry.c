/* The entry symbol exists but returns NULL. */
#include <ignite/plugin.h>

IGNITE_PLUGIN_EXPORT const ignite_plugin_info* ignite_plugin_entry(void) { return NULL; }
