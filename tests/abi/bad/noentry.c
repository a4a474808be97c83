/* A shared library that exports a function, but not ignite_plugin_entry. */
#include <ignite/plugin.h>

IGNITE_PLUGIN_EXPORT int not_the_plugin_entry(void) { return 42; }
