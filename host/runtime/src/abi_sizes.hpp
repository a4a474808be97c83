#pragma once
// How large each versioned plugin struct was at each ABI minor: the one place the host
// reads "has this plugin's struct got field X" from. A struct built against an older header
// ends before the fields a later minor appended, so a field is read only when struct_size
// reaches past it (the C spelling for plugins is IGNITE_API_HAS in plugin.h; these are the
// same sums, named, because the loader's messages print them).

#include <ignite/plugin.h>

#include <cstddef>
#include <cstdint>

namespace ignite::host::abi {

/// The size of `type` up to and including `field`.
#define IGNITE_SIZE_THROUGH(type, field) (offsetof(type, field) + sizeof(((type*)0)->field))

// ignite_plugin_info
/// ABI 1.0's part: every plugin provides at least it.
inline constexpr std::size_t kInfoSize_1_0 = IGNITE_SIZE_THROUGH(ignite_plugin_info, load_state);
/// ABI 1.1 appended metrics / metric_count.
inline constexpr std::size_t kInfoSize_1_1 = IGNITE_SIZE_THROUGH(ignite_plugin_info, metric_count);
/// ABI 1.2 appended option_stride / event_stride / bytes_size (a plugin built against the 1.2
/// header or later has them, whatever abi_minor it claims).
inline constexpr std::size_t kInfoSize_1_2 = IGNITE_SIZE_THROUGH(ignite_plugin_info, bytes_size);
/// ABI 1.4 appended state_format.
inline constexpr std::size_t kInfoSize_1_4 = IGNITE_SIZE_THROUGH(ignite_plugin_info, state_format);
/// ABI 1.6 appended placement (where 1.4's padding was: read it only when abi_minor >= 6) and
/// priority_band.
inline constexpr std::size_t kInfoSize_1_6 = IGNITE_SIZE_THROUGH(ignite_plugin_info, priority_band);

// ignite_option_spec (stepped through by info.option_stride)
/// ABI 1.0's option: name, type, default, help.
inline constexpr std::size_t kOptionSize_1_0 = IGNITE_SIZE_THROUGH(ignite_option_spec, help);
/// ABI 1.2 appended flags, min, max, choices.
inline constexpr std::size_t kOptionSize_1_2 = IGNITE_SIZE_THROUGH(ignite_option_spec, choices);

// ignite_metric_decl (stepped through by its own struct_size)
/// ABI 1.1's metric declaration.
inline constexpr std::size_t kMetricDeclSize_1_1 = IGNITE_SIZE_THROUGH(ignite_metric_decl, load_statistics);
/// ABI 1.2 appended create_metric.
inline constexpr std::size_t kMetricDeclSize_1_2 = IGNITE_SIZE_THROUGH(ignite_metric_decl, create_metric);

#undef IGNITE_SIZE_THROUGH

}  // namespace ignite::host::abi
