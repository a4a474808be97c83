/* A status code's name as plugin.h spells it (IGNITE_ERR_NOT_FOUND -> "NOT_FOUND"), for the C
 * fixture plugins that log the status each host call returns. */
#ifndef IGNITE_TESTS_FIXTURE_STATUS_H
#define IGNITE_TESTS_FIXTURE_STATUS_H

#include <ignite/plugin.h>

static const char* status_name(ignite_status s) {
    switch (s) {
        case IGNITE_OK:
            return "OK";
        case IGNITE_ERR_INVALID_ARGUMENT:
            return "INVALID_ARGUMENT";
        case IGNITE_ERR_NOT_FOUND:
            return "NOT_FOUND";
        case IGNITE_ERR_TYPE:
            return "TYPE";
        case IGNITE_ERR_STATE:
            return "STATE";
        case IGNITE_ERR_UNSUPPORTED:
            return "UNSUPPORTED";
        case IGNITE_ERR_PLUGIN:
            return "PLUGIN";
        case IGNITE_ERR_INTERNAL:
            return "INTERNAL";
        default:
            return "?";
    }
}

#endif
