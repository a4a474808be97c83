/* The ABI 1.0, 1.2, 1.3 and 1.4 layouts as the FROZEN headers give them (frozen_layout.c), for
 * abi_test.cpp to compare with the live header. Plain C, no ignite types: usable beside either header. */
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
/* Every field of every struct as the frozen 1.2 header lays it out (frozen_layout.c built
 * with IGNITE_FROZEN_1_2 into ignite_abi_frozen12_layout). */
extern const ignite_frozen_field ignite_frozen12_fields[];
extern const size_t ignite_frozen12_field_count;
/* ... and as the frozen 1.3 header lays it out (IGNITE_FROZEN_1_3, ignite_abi_frozen13_layout). */
extern const ignite_frozen_field ignite_frozen13_fields[];
extern const size_t ignite_frozen13_field_count;
/* ... and as the frozen 1.4 header lays it out (IGNITE_FROZEN_1_4, ignite_abi_frozen14_layout). */
extern const ignite_frozen_field ignite_frozen14_fields[];
extern const size_t ignite_frozen14_field_count;
/* ... and as the frozen 1.5 header lays it out (IGNITE_FROZEN_1_5, ignite_abi_frozen15_layout). */
extern const ignite_frozen_field ignite_frozen15_fields[];
extern const size_t ignite_frozen15_field_count;
/* ... and as the frozen 1.6 header lays it out (IGNITE_FROZEN_1_6, ignite_abi_frozen16_layout). */
extern const ignite_frozen_field ignite_frozen16_fields[];
extern const size_t ignite_frozen16_field_count;
/* DLManagedTensor and its parts as DLPack 0.6 lays them out (tests/abi/dlpack_fields.inc). */
extern const ignite_frozen_field ignite_frozen_dlpack_fields[];
extern const size_t ignite_frozen_dlpack_field_count;

#ifdef __cplusplus
}
#endif

#endif
