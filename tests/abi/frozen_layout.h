/* The ABI 1.0 layout as the FROZEN header gives it (frozen_layout.c), for abi_test.cpp to
 * compare with the live header. Plain C, no ignite types: usable beside either header. */
#ifndef IGNITE_TESTS_FROZEN_LAYOUT_H
#define IGNITE_TESTS_FROZEN_LAYOUT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ignite_frozen_field {
    const char* struct_name;
    const char* field_name;
    size_t struct_size;
    size_t offset;
    size_t size;
} ignite_frozen_field;

extern const ignite_frozen_field ignite_frozen_fields[];
extern const size_t ignite_frozen_field_count;
/* DLManagedTensor and its parts as DLPack 0.6 lays them out (tests/abi/dlpack_fields.inc). */
extern const ignite_frozen_field ignite_frozen_dlpack_fields[];
extern const size_t ignite_frozen_dlpack_field_count;

#ifdef __cplusplus
}
#endif

#endif
