/* Records the layout of every ABI struct as a FROZEN header defines it (this file's only
 * ignite include directory is tests/abi/frozen/1.0, or 1.2 ... 1.6 when built with
 * IGNITE_FROZEN_1_2 ... IGNITE_FROZEN_1_6), and, in the 1.0 build, of the DLPack structs as Debian's DLPack 0.6
 * defines them (the frozen header includes <dlpack/dlpack.h>). */
#include <ignite/plugin.h>

#include "frozen_layout.h"

#define X(type, field) {#type, #field, sizeof(type), offsetof(type, field), sizeof(((type*)0)->field)},
#if defined(IGNITE_FROZEN_1_6)
#if IGNITE_ABI_MINOR != 6
#error "the 1.6 layout must come from tests/abi/frozen/1.6"
#endif
const ignite_frozen_field ignite_frozen16_fields[] = {
#include "abi_fields.inc"
};
const size_t ignite_frozen16_field_count = sizeof ignite_frozen16_fields / sizeof ignite_frozen16_fields[0];
#elif defined(IGNITE_FROZEN_1_5)
#if IGNITE_ABI_MINOR != 5
#error "the 1.5 layout must come from tests/abi/frozen/1.5"
#endif
const ignite_frozen_field ignite_frozen15_fields[] = {
#include "abi_fields.inc"
};
const size_t ignite_frozen15_field_count = sizeof ignite_frozen15_fields / sizeof ignite_frozen15_fields[0];
#elif defined(IGNITE_FROZEN_1_4)
#if IGNITE_ABI_MINOR != 4
#error "the 1.4 layout must come from tests/abi/frozen/1.4"
#endif
const ignite_frozen_field ignite_frozen14_fields[] = {
#include "abi_fields.inc"
};
const size_t ignite_frozen14_field_count = sizeof ignite_frozen14_fields / sizeof ignite_frozen14_fields[0];
#elif defined(IGNITE_FROZEN_1_3)
#if IGNITE_ABI_MINOR != 3
#error "the 1.3 layout must come from tests/abi/frozen/1.3"
#endif
const ignite_frozen_field ignite_frozen13_fields[] = {
#include "abi_fields.inc"
};
const size_t ignite_frozen13_field_count = sizeof ignite_frozen13_fields / sizeof ignite_frozen13_fields[0];
#elif defined(IGNITE_FROZEN_1_2)
#if IGNITE_ABI_MINOR != 2
#error "the 1.2 layout must come from tests/abi/frozen/1.2"
#endif
const ignite_frozen_field ignite_frozen12_fields[] = {
#include "abi_fields.inc"
};
const size_t ignite_frozen12_field_count = sizeof ignite_frozen12_fields / sizeof ignite_frozen12_fields[0];
#else
const ignite_frozen_field ignite_frozen_fields[] = {
#include "abi_fields.inc"
};
#undef X

const size_t ignite_frozen_field_count = sizeof ignite_frozen_fields / sizeof ignite_frozen_fields[0];

#if !defined(DLPACK_VERSION) || DLPACK_VERSION != 60
#error "the frozen layout must come from DLPack 0.6 (Debian's libdlpack-dev)"
#endif

#define X(type, field) {#type, #field, sizeof(type), offsetof(type, field), sizeof(((type*)0)->field)},
const ignite_frozen_field ignite_frozen_dlpack_fields[] = {
#include "dlpack_fields.inc"
};
#undef X

const size_t ignite_frozen_dlpack_field_count =
    sizeof ignite_frozen_dlpack_fields / sizeof ignite_frozen_dlpack_fields[0];
#endif
