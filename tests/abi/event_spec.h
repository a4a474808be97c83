/* A bare ignite_event_spec (no filter) for the C fixture plugins; with whichever plugin.h
 * the fixture is built against (the live one or a frozen copy). */
#ifndef IGNITE_TESTS_EVENT_SPEC_H
#define IGNITE_TESTS_EVENT_SPEC_H

#include <ignite/plugin.h>

#include <string.h>

static ignite_event_spec fixture_event_spec(ignite_event event) {
    ignite_event_spec s;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    s.event = event;
    s.filter = IGNITE_FILTER_NONE;
    s.before = -1;
    s.after = -1;
    return s;
}

#endif
