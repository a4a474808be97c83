// Pins the plugin C ABI 1.2 (sdk/include/ignite/plugin.h; 1.0 + metrics (1.1) + handle_exception,
// option ranges, strides, event-info counters, create_metric, parameter groups (1.2)) on x86-64 / LP64:
//  - static_asserts on sizeof and offsetof of every field of every struct, and on every
//    #define constant. A failing assert here means the ABI changed: a plugin built against
//    1.0 would break. Fields may only be APPENDED (and the struct sizes asserted here then
//    grow); nothing asserted here may ever change while the major version is 1.
//  - runtime checks: the live header's layout equals the frozen 1.0 and 1.2 headers' (compiled
//    in C by tests/abi/frozen_layout.c), and the host's function table is complete.
//
// The C99 check of the header is the build of tests/abi/c99_check.c (target
// ignite_abi_c99_check, -std=c99 -pedantic -Werror).
#include <catch2/catch.hpp>

#include <ignite/plugin.h>

#include "frozen_layout.h"
#include "host_api_probe.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "the pinned values below are the LP64 (x86-64) layout"
#endif

namespace {

// ---- constants ---------------------------------------------------------------------------

static_assert(IGNITE_ABI_MAJOR == 1);
static_assert(IGNITE_ABI_MINOR == 7);
static_assert(std::string_view(IGNITE_PLUGIN_ENTRY_SYMBOL) == "ignite_plugin_entry");

static_assert(IGNITE_OK == 0);
static_assert(IGNITE_ERR_INVALID_ARGUMENT == 1);
static_assert(IGNITE_ERR_NOT_FOUND == 2);
static_assert(IGNITE_ERR_TYPE == 3);
static_assert(IGNITE_ERR_STATE == 4);
static_assert(IGNITE_ERR_UNSUPPORTED == 5);
static_assert(IGNITE_ERR_PLUGIN == 6);
static_assert(IGNITE_ERR_INTERNAL == 7);

static_assert(IGNITE_EVENT_STARTED == 0);
static_assert(IGNITE_EVENT_EPOCH_STARTED == 1);
static_assert(IGNITE_EVENT_GET_BATCH_STARTED == 2);
static_assert(IGNITE_EVENT_GET_BATCH_COMPLETED == 3);
static_assert(IGNITE_EVENT_ITERATION_STARTED == 4);
static_assert(IGNITE_EVENT_ITERATION_COMPLETED == 5);
static_assert(IGNITE_EVENT_DATALOADER_STOP_ITERATION == 6);
static_assert(IGNITE_EVENT_EXCEPTION_RAISED == 7);
static_assert(IGNITE_EVENT_TERMINATE_SINGLE_EPOCH == 8);
static_assert(IGNITE_EVENT_TERMINATE == 9);
static_assert(IGNITE_EVENT_EPOCH_COMPLETED == 10);
static_assert(IGNITE_EVENT_COMPLETED == 11);
static_assert(IGNITE_EVENT_INTERRUPT == 12);
static_assert(IGNITE_EVENT_BUILTIN_COUNT == 13);
// ignite/events.def, the one list of built-in events: dense from 0, in the order above.
constexpr int kEventValues[] = {
#define IGNITE_BUILTIN_EVENT(name, core, value, help) value,
#include <ignite/events.def>
};
static_assert(std::size(kEventValues) == IGNITE_EVENT_BUILTIN_COUNT);
constexpr bool dense(const int* v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (v[i] != static_cast<int>(i)) return false;
    return true;
}
static_assert(dense(kEventValues, std::size(kEventValues)));

static_assert(IGNITE_FILTER_NONE == 0);
static_assert(IGNITE_FILTER_EVERY == 1);
static_assert(IGNITE_FILTER_ONCE == 2);
static_assert(IGNITE_FILTER_RANGE == 3);
static_assert(IGNITE_FILTER_CUSTOM == 4);

static_assert(IGNITE_OPTION_BOOL == 0);
static_assert(IGNITE_OPTION_INT == 1);
static_assert(IGNITE_OPTION_DOUBLE == 2);
static_assert(IGNITE_OPTION_STRING == 3);
static_assert(IGNITE_OPTION_HAS_MIN == 1u);                                    // 1.2
static_assert(IGNITE_OPTION_HAS_MAX == 2u);                                    // 1.2
static_assert(IGNITE_OPTION_LIST == 4u);                                       // 1.2
static_assert(std::string_view(IGNITE_PARAM_LR) == "lr");                      // 1.2
static_assert(std::string_view(IGNITE_PARAM_MOMENTUM) == "momentum");          // 1.2
static_assert(std::string_view(IGNITE_PARAM_WEIGHT_DECAY) == "weight_decay");  // 1.2

static_assert(IGNITE_LOG_DEBUG == 0);
static_assert(IGNITE_LOG_INFO == 1);
static_assert(IGNITE_LOG_WARNING == 2);
static_assert(IGNITE_LOG_ERROR == 3);

static_assert(std::string_view(IGNITE_STATE_EPOCH) == "epoch");
static_assert(std::string_view(IGNITE_STATE_ITERATION) == "iteration");
static_assert(std::string_view(IGNITE_STATE_MAX_EPOCHS) == "max_epochs");
static_assert(std::string_view(IGNITE_STATE_EPOCH_LENGTH) == "epoch_length");

static_assert(IGNITE_METRIC_SQUARE == 1u);  // 1.1
static_assert(IGNITE_METRIC_CPU == 2u);     // 1.1

static_assert(IGNITE_VALUE_OUTPUT == 0);
static_assert(IGNITE_VALUE_BATCH == 1);

// ---- typedefs ------------------------------------------------------------------------------

static_assert(sizeof(ignite_status) == 4);
static_assert(sizeof(ignite_event) == 4);
static_assert(sizeof(ignite_filter_kind) == 4);
static_assert(sizeof(ignite_option_type) == 4);
static_assert(sizeof(ignite_handler_id) == 8);

// ---- struct layouts ------------------------------------------------------------------------

static_assert(sizeof(ignite_event_spec) == 72);
static_assert(alignof(ignite_event_spec) == 8);
static_assert(offsetof(ignite_event_spec, struct_size) == 0);
static_assert(offsetof(ignite_event_spec, event) == 4);
static_assert(offsetof(ignite_event_spec, filter) == 8);
static_assert(offsetof(ignite_event_spec, every) == 16);
static_assert(offsetof(ignite_event_spec, before) == 24);
static_assert(offsetof(ignite_event_spec, after) == 32);
static_assert(offsetof(ignite_event_spec, once) == 40);
static_assert(offsetof(ignite_event_spec, once_count) == 48);
static_assert(offsetof(ignite_event_spec, custom) == 56);
static_assert(offsetof(ignite_event_spec, custom_user_data) == 64);

static_assert(sizeof(ignite_event_info) == 64);  // 32 in 1.0 and 1.1; 1.2 appended the counters
static_assert(offsetof(ignite_event_info, struct_size) == 0);
static_assert(offsetof(ignite_event_info, event) == 4);
static_assert(offsetof(ignite_event_info, event_name) == 8);
static_assert(offsetof(ignite_event_info, exception_message) == 16);
static_assert(offsetof(ignite_event_info, iter_counter) == 24);
static_assert(offsetof(ignite_event_info, epoch) == 32);         // 1.2
static_assert(offsetof(ignite_event_info, iteration) == 40);     // 1.2
static_assert(offsetof(ignite_event_info, max_epochs) == 48);    // 1.2
static_assert(offsetof(ignite_event_info, epoch_length) == 56);  // 1.2

static_assert(sizeof(ignite_option_spec) == 64);  // 32 in 1.0 and 1.1; 1.2 appended flags .. choices
static_assert(offsetof(ignite_option_spec, name) == 0);
static_assert(offsetof(ignite_option_spec, type) == 8);
static_assert(offsetof(ignite_option_spec, default_value) == 16);
static_assert(offsetof(ignite_option_spec, help) == 24);
static_assert(offsetof(ignite_option_spec, flags) == 32);    // 1.2
static_assert(offsetof(ignite_option_spec, min) == 40);      // 1.2
static_assert(offsetof(ignite_option_spec, max) == 48);      // 1.2
static_assert(offsetof(ignite_option_spec, choices) == 56);  // 1.2
static_assert(sizeof(ignite_option_spec::flags) == 4);

static_assert(sizeof(ignite_event_decl) == 24);
static_assert(offsetof(ignite_event_decl, name) == 0);
static_assert(offsetof(ignite_event_decl, state_attr) == 8);
static_assert(offsetof(ignite_event_decl, help) == 16);

static_assert(sizeof(ignite_bytes) == 16);
static_assert(offsetof(ignite_bytes, data) == 0);
static_assert(offsetof(ignite_bytes, size) == 8);

static_assert(
    sizeof(ignite_host_api) ==
    432);  // 256 in 1.0 and 1.1; 1.2 appended handle_exception .. set_param_group_double; 1.3 checkpoint_bytes .. remove_stray_temporaries; 1.4 checkpoint_bytes_of; 1.5 run_fact_string .. has_metric; 1.6 engine_count .. terminate_reason; 1.7 set_status .. parameter_tensor
static_assert(offsetof(ignite_host_api, struct_size) == 0);
static_assert(offsetof(ignite_host_api, abi_major) == 4);
static_assert(offsetof(ignite_host_api, abi_minor) == 6);
static_assert(offsetof(ignite_host_api, last_error) == 8);
static_assert(offsetof(ignite_host_api, set_error) == 16);
static_assert(offsetof(ignite_host_api, log) == 24);
static_assert(offsetof(ignite_host_api, option_bool) == 32);
static_assert(offsetof(ignite_host_api, option_int) == 40);
static_assert(offsetof(ignite_host_api, option_double) == 48);
static_assert(offsetof(ignite_host_api, option_string) == 56);
static_assert(offsetof(ignite_host_api, engine) == 64);
static_assert(offsetof(ignite_host_api, engine_name) == 72);
static_assert(offsetof(ignite_host_api, add_handler) == 80);
static_assert(offsetof(ignite_host_api, remove_handler) == 88);
static_assert(offsetof(ignite_host_api, register_event) == 96);
static_assert(offsetof(ignite_host_api, find_event) == 104);
static_assert(offsetof(ignite_host_api, fire_event) == 112);
static_assert(offsetof(ignite_host_api, state_int) == 120);
static_assert(offsetof(ignite_host_api, state_double) == 128);
static_assert(offsetof(ignite_host_api, state_string) == 136);
static_assert(offsetof(ignite_host_api, set_state_int) == 144);
static_assert(offsetof(ignite_host_api, set_state_double) == 152);
static_assert(offsetof(ignite_host_api, set_state_string) == 160);
static_assert(offsetof(ignite_host_api, state_time) == 168);
static_assert(offsetof(ignite_host_api, metric_count) == 176);
static_assert(offsetof(ignite_host_api, metric_name) == 184);
static_assert(offsetof(ignite_host_api, metric_double) == 192);
static_assert(offsetof(ignite_host_api, set_metric_double) == 200);
static_assert(offsetof(ignite_host_api, value_count) == 208);
static_assert(offsetof(ignite_host_api, value_double) == 216);
static_assert(offsetof(ignite_host_api, value_tensor) == 224);
static_assert(offsetof(ignite_host_api, keep_tensor) == 232);
static_assert(offsetof(ignite_host_api, terminate) == 240);
static_assert(offsetof(ignite_host_api, terminate_epoch) == 248);
static_assert(offsetof(ignite_host_api, handle_exception) == 256);          // 1.2
static_assert(offsetof(ignite_host_api, param_group_count) == 264);         // 1.2
static_assert(offsetof(ignite_host_api, param_group_double) == 272);        // 1.2
static_assert(offsetof(ignite_host_api, set_param_group_double) == 280);    // 1.2
static_assert(offsetof(ignite_host_api, checkpoint_bytes) == 288);          // 1.3
static_assert(offsetof(ignite_host_api, write_file_durably) == 296);        // 1.3
static_assert(offsetof(ignite_host_api, remove_stray_temporaries) == 304);  // 1.3
static_assert(offsetof(ignite_host_api, checkpoint_bytes_of) == 312);       // 1.4
static_assert(offsetof(ignite_host_api, run_fact_string) == 320);           // 1.5
static_assert(offsetof(ignite_host_api, run_fact_int) == 328);              // 1.5
static_assert(offsetof(ignite_host_api, verify_checkpoint) == 336);         // 1.5
static_assert(offsetof(ignite_host_api, has_metric) == 344);                // 1.5
static_assert(offsetof(ignite_host_api, engine_count) == 352);              // 1.6
static_assert(offsetof(ignite_host_api, engine_at) == 360);                 // 1.6
static_assert(offsetof(ignite_host_api, metric_tensor) == 368);             // 1.6
static_assert(offsetof(ignite_host_api, terminate_with_reason) == 376);     // 1.6
static_assert(offsetof(ignite_host_api, terminate_reason) == 384);          // 1.6
static_assert(offsetof(ignite_host_api, set_status) == 392);                // 1.7
static_assert(offsetof(ignite_host_api, status_drawn) == 400);              // 1.7
static_assert(offsetof(ignite_host_api, parameter_count) == 408);           // 1.7
static_assert(offsetof(ignite_host_api, parameter_name) == 416);            // 1.7
static_assert(offsetof(ignite_host_api, parameter_tensor) == 424);          // 1.7

static_assert(sizeof(ignite_plugin_info) ==
              160);  // 104 in 1.0; 1.1 appended metrics, metric_count; 1.2 the strides; 1.4 state_format; 1.6 placement (in 1.4's padding), priority_band
static_assert(offsetof(ignite_plugin_info, struct_size) == 0);
static_assert(offsetof(ignite_plugin_info, abi_major) == 4);
static_assert(offsetof(ignite_plugin_info, abi_minor) == 6);
static_assert(offsetof(ignite_plugin_info, name) == 8);
static_assert(offsetof(ignite_plugin_info, version) == 16);
static_assert(offsetof(ignite_plugin_info, description) == 24);
static_assert(offsetof(ignite_plugin_info, options) == 32);
static_assert(offsetof(ignite_plugin_info, option_count) == 40);
static_assert(offsetof(ignite_plugin_info, events) == 48);
static_assert(offsetof(ignite_plugin_info, event_count) == 56);
static_assert(offsetof(ignite_plugin_info, init) == 64);
static_assert(offsetof(ignite_plugin_info, shutdown) == 72);
static_assert(offsetof(ignite_plugin_info, state_key) == 80);
static_assert(offsetof(ignite_plugin_info, save_state) == 88);
static_assert(offsetof(ignite_plugin_info, load_state) == 96);
static_assert(offsetof(ignite_plugin_info, metrics) == 104);        // 1.1
static_assert(offsetof(ignite_plugin_info, metric_count) == 112);   // 1.1
static_assert(offsetof(ignite_plugin_info, option_stride) == 120);  // 1.2
static_assert(offsetof(ignite_plugin_info, event_stride) == 128);   // 1.2
static_assert(offsetof(ignite_plugin_info, bytes_size) == 136);     // 1.2
static_assert(offsetof(ignite_plugin_info, state_format) == 144);   // 1.4
static_assert(sizeof(ignite_plugin_info::state_format) == 4);
static_assert(offsetof(ignite_plugin_info, placement) == 148);      // 1.6, in 1.4's padding
static_assert(offsetof(ignite_plugin_info, priority_band) == 152);  // 1.6
static_assert(IGNITE_STATE_BYTES == 0 && IGNITE_STATE_JSON == 1);

// ABI 1.1: ignite_metric_decl.
static_assert(sizeof(ignite_metric_decl) == 88);  // 80 in 1.1; 1.2 appended create_metric
static_assert(alignof(ignite_metric_decl) == 8);
static_assert(offsetof(ignite_metric_decl, struct_size) == 0);
static_assert(offsetof(ignite_metric_decl, flags) == 4);
static_assert(offsetof(ignite_metric_decl, name) == 8);
static_assert(offsetof(ignite_metric_decl, help) == 16);
static_assert(offsetof(ignite_metric_decl, create) == 24);
static_assert(offsetof(ignite_metric_decl, destroy) == 32);
static_assert(offsetof(ignite_metric_decl, reset) == 40);
static_assert(offsetof(ignite_metric_decl, update) == 48);
static_assert(offsetof(ignite_metric_decl, compute) == 56);
static_assert(offsetof(ignite_metric_decl, statistics) == 64);
static_assert(offsetof(ignite_metric_decl, load_statistics) == 72);
static_assert(offsetof(ignite_metric_decl, create_metric) == 80);  // 1.2
static_assert(sizeof(ignite_metric_decl::struct_size) == 4);
static_assert(sizeof(ignite_metric_decl::flags) == 4);

// The field types whose width a reader depends on.
static_assert(sizeof(ignite_plugin_info::struct_size) == 4);
static_assert(sizeof(ignite_plugin_info::abi_major) == 2);
static_assert(sizeof(ignite_plugin_info::abi_minor) == 2);
static_assert(sizeof(ignite_host_api::struct_size) == 4);
static_assert(sizeof(ignite_host_api::abi_major) == 2);
static_assert(sizeof(ignite_host_api::abi_minor) == 2);
static_assert(sizeof(ignite_event_spec::struct_size) == 4);
static_assert(sizeof(ignite_event_info::struct_size) == 4);

// The live header's layout, field by field, from the same list frozen_layout.c uses.
struct LiveField {
    const char* struct_name;
    const char* field_name;
    std::size_t struct_size;
    std::size_t offset;
    std::size_t size;
};
#define X(type, field) {#type, #field, sizeof(type), offsetof(type, field), sizeof(type::field)},
const LiveField kLiveFields[] = {
#include "abi/abi_fields.inc"
};
#undef X

}  // namespace

// The first `count` live fields are `frozen`'s, at the same offsets with the same sizes.
static void check_frozen_prefix(const ignite_frozen_field* frozen, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        const auto& live = kLiveFields[i];
        INFO(live.struct_name << "." << live.field_name);
        CHECK(std::string(frozen[i].struct_name) == live.struct_name);
        CHECK(std::string(frozen[i].field_name) == live.field_name);
        CHECK(frozen[i].offset == live.offset);
        CHECK(frozen[i].size == live.size);
        // Structs may grow at their end, never shrink.
        CHECK(live.struct_size >= frozen[i].struct_size);
    }
}

TEST_CASE("the live plugin.h keeps the frozen ABI 1.0 layout field by field") {
    // The live list is the frozen 1.0 list followed by the 13 fields 1.1 appended, the 16
    // 1.2 appended, the 3 of 1.3, the 2 of 1.4, the 4 of 1.5, the 7 of 1.6 and the 5 of 1.7.
    REQUIRE(ignite_frozen_field_count + 13 + 16 + 3 + 2 + 4 + 7 + 5 == std::size(kLiveFields));
    // The size of each 1.0 struct, as the frozen header has it.
    auto frozen_size = [](const std::string& type) -> std::size_t {
        for (std::size_t i = 0; i < ignite_frozen_field_count; ++i)
            if (type == ignite_frozen_fields[i].struct_name) return ignite_frozen_fields[i].struct_size;
        return 0;  // a struct 1.0 did not have
    };
    for (std::size_t i = ignite_frozen_field_count; i < std::size(kLiveFields); ++i) {
        INFO(kLiveFields[i].struct_name << "." << kLiveFields[i].field_name);
        // Every later field is appended after every field its struct had in 1.0.
        CHECK(kLiveFields[i].offset >= frozen_size(kLiveFields[i].struct_name));
    }
    check_frozen_prefix(ignite_frozen_fields, ignite_frozen_field_count);
}

TEST_CASE("the live plugin.h keeps the frozen ABI 1.2 layout field by field") {
    // The 1.2 list is a prefix of the live one: later minors only append.
    REQUIRE(ignite_frozen12_field_count <= std::size(kLiveFields));
    REQUIRE(ignite_frozen12_field_count == ignite_frozen_field_count + 13 + 16);
    check_frozen_prefix(ignite_frozen12_fields, ignite_frozen12_field_count);
}

TEST_CASE("the live plugin.h keeps the frozen ABI 1.3 layout field by field") {
    REQUIRE(ignite_frozen13_field_count <= std::size(kLiveFields));
    REQUIRE(ignite_frozen13_field_count == ignite_frozen12_field_count + 3);
    check_frozen_prefix(ignite_frozen13_fields, ignite_frozen13_field_count);
}

TEST_CASE("the live plugin.h keeps the frozen ABI 1.4 layout field by field") {
    REQUIRE(ignite_frozen14_field_count <= std::size(kLiveFields));
    REQUIRE(ignite_frozen14_field_count == ignite_frozen13_field_count + 2);
    check_frozen_prefix(ignite_frozen14_fields, ignite_frozen14_field_count);
}

TEST_CASE("the live plugin.h keeps the frozen ABI 1.5 layout field by field") {
    REQUIRE(ignite_frozen15_field_count <= std::size(kLiveFields));
    REQUIRE(ignite_frozen15_field_count == ignite_frozen14_field_count + 4);
    check_frozen_prefix(ignite_frozen15_fields, ignite_frozen15_field_count);
}

TEST_CASE("the live plugin.h keeps the frozen ABI 1.6 layout field by field") {
    REQUIRE(ignite_frozen16_field_count <= std::size(kLiveFields));
    REQUIRE(ignite_frozen16_field_count == ignite_frozen15_field_count + 7);
    check_frozen_prefix(ignite_frozen16_fields, ignite_frozen16_field_count);
}

// The DLPack structs as the host sees them (LibTorch's ATen/dlpack.h, IGNITE_DLPACK_HEADER).
#define X(type, field) {#type, #field, sizeof(type), offsetof(type, field), sizeof(type::field)},
const LiveField kLiveDLPackFields[] = {
#include "abi/dlpack_fields.inc"
};
#undef X

TEST_CASE("the host's DLManagedTensor is DLPack 0.6's, field by field") {
#ifdef DLPACK_MAJOR_VERSION
    INFO("host DLPack " << DLPACK_MAJOR_VERSION << "." << DLPACK_MINOR_VERSION);
#else
    INFO("host DLPack version " << DLPACK_VERSION);
#endif
    REQUIRE(ignite_frozen_dlpack_field_count == std::size(kLiveDLPackFields));
    for (std::size_t i = 0; i < ignite_frozen_dlpack_field_count; ++i) {
        const auto& frozen = ignite_frozen_dlpack_fields[i];
        const auto& live = kLiveDLPackFields[i];
        INFO(live.struct_name << "." << live.field_name);
        CHECK(std::string(frozen.field_name) == live.field_name);
        CHECK(frozen.struct_size == live.struct_size);
        CHECK(frozen.offset == live.offset);
        CHECK(frozen.size == live.size);
    }
    // The enum values 0.6 defines keep their numbers.
    CHECK(kDLCPU == 1);
    CHECK(kDLCUDA == 2);
    CHECK(kDLCUDAHost == 3);
    CHECK(kDLCUDAManaged == 13);
    CHECK(kDLInt == 0);
    CHECK(kDLUInt == 1);
    CHECK(kDLFloat == 2);
    CHECK(kDLBfloat == 4);
    CHECK(kDLComplex == 5);
}

TEST_CASE("the host's function table is ABI 1.2 and complete") {
    const ignite_host_api* api = ignite_abi_host_api();
    REQUIRE(api != nullptr);
    CHECK(api->struct_size == sizeof(ignite_host_api));
    CHECK(api->abi_major == IGNITE_ABI_MAJOR);
    CHECK(api->abi_minor == IGNITE_ABI_MINOR);
    // Every slot after the header is a function pointer; none may be missing.
    constexpr std::size_t first = offsetof(ignite_host_api, last_error);
    for (std::size_t off = first; off < sizeof(ignite_host_api); off += sizeof(void*)) {
        void* slot = nullptr;
        std::memcpy(&slot, reinterpret_cast<const char*>(api) + off, sizeof slot);
        INFO("offset " << off);
        CHECK(slot != nullptr);
    }
    CHECK(IGNITE_API_HAS(api, ignite_host_api, terminate_epoch));
    CHECK(IGNITE_API_HAS(api, ignite_host_api, handle_exception));
    CHECK(IGNITE_API_HAS(api, ignite_host_api, set_param_group_double));
}

TEST_CASE("IGNITE_API_HAS tells a 1.0 table from a larger or smaller one") {
    // (ABI 1.1 left ignite_host_api as it was in 1.0; 1.2 appended handle_exception.)
    ignite_host_api api{};
    api.struct_size = sizeof(ignite_host_api);
    CHECK(IGNITE_API_HAS(&api, ignite_host_api, last_error));
    CHECK(IGNITE_API_HAS(&api, ignite_host_api, terminate_epoch));
    // A table that ends just before terminate_epoch (as an older host's would).
    api.struct_size = static_cast<std::uint32_t>(offsetof(ignite_host_api, terminate_epoch));
    CHECK(IGNITE_API_HAS(&api, ignite_host_api, terminate));
    CHECK_FALSE(IGNITE_API_HAS(&api, ignite_host_api, terminate_epoch));
    api.struct_size = 8;
    CHECK_FALSE(IGNITE_API_HAS(&api, ignite_host_api, last_error));
}

TEST_CASE("IGNITE_API_HAS tells a 1.2 event info from an older one") {
    ignite_event_info info{};
    info.struct_size = sizeof(ignite_event_info);
    CHECK(IGNITE_API_HAS(&info, ignite_event_info, epoch_length));
    info.struct_size = 32;  // a 1.0/1.1 host's
    CHECK(IGNITE_API_HAS(&info, ignite_event_info, iter_counter));
    CHECK_FALSE(IGNITE_API_HAS(&info, ignite_event_info, epoch));
}

TEST_CASE("IGNITE_API_HAS tells a 1.1 plugin info from a 1.0 one") {
    ignite_plugin_info info{};
    info.struct_size = sizeof(ignite_plugin_info);
    CHECK(IGNITE_API_HAS(&info, ignite_plugin_info, metric_count));
    info.struct_size = 104;  // a 1.0 plugin's
    CHECK(IGNITE_API_HAS(&info, ignite_plugin_info, load_state));
    CHECK_FALSE(IGNITE_API_HAS(&info, ignite_plugin_info, metrics));
    CHECK_FALSE(IGNITE_API_HAS(&info, ignite_plugin_info, metric_count));
}
