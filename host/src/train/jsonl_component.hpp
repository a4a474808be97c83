#pragma once
// The `jsonl` component: metrics.jsonl (metrics_jsonl.hpp, docs/metrics-jsonl.md) written by
// a participant like any plugin, so the host's own logging follows the plugins' rules: loaded
// by default (--no-default-plugins leaves it out, `--plugin jsonl` brings it back), listed by
// `plugins list` and `plugins inspect jsonl`, placed on rank 0 (one writer per run), its
// handlers in the loggers' band, and replaceable by a module given by PATH.

#include <ignite/runtime/participant.hpp>

#include <filesystem>
#include <functional>
#include <optional>

namespace ignite::host {

/// What `plugins list` / `plugins inspect` show of it.
[[nodiscard]] ParticipantSpec jsonl_spec();

/// The offer for PluginHost::offer_component. `resumed_from`, asked at the component's init
/// when the run's facts say it resumed, gives the checkpoint the run continues from (the
/// resume marker line names it; nullopt writes "").
[[nodiscard]] ComponentOffer jsonl_offer(std::function<std::optional<std::filesystem::path>()> resumed_from);

}  // namespace ignite::host
