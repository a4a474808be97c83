/* Records the layout of every ABI 1.0 struct as the FROZEN 1.0 header defines it (this
 * file's only ignite include directory is tests/abi/frozen/1.0). */
#include <ignite/plugin.h>

#include "frozen_layout.h"

#define X(type, field) {#type, #field, sizeof(type), offsetof(type, field), sizeof(((type*)0)->field)},
const ignite_frozen_field ignite_frozen_fields[] = {
#include "abi_fields.inc"
};
#undef X

const size_t ignite_frozen_field_count = sizeof ignite_frozen_fields / sizeof ignite_frozen_fields[0];
