// Ignite C++ plugin SDK: header-only C++17 layer over plugin.h that reads like core.
//
// A plugin author derives from ignite::sdk::Plugin, describes the plugin with a fluent
// PluginSpec, and registers handlers on engines the way core's Engine does. Every exception
// thrown by plugin code is caught at the ABI boundary and turned into a status + message
// (no exception ever crosses into the host). Versioned inline namespace: a future v2 can
// live beside v1 in the same process.
//
//   using namespace ignite::sdk;
//   class Hello : public Plugin {
//       void init(Host& host) override {
//           Engine trainer = host.require_engine("trainer");
//           trainer.on(Events::ITERATION_COMPLETED.every(host.option_int("every")),
//                      [&host](Engine&, const EventInfo& ev) {
//                          host.log(IGNITE_LOG_INFO, "epoch " + std::to_string(ev.epoch) + " iteration " +
//                                                        std::to_string(ev.iteration));
//                      });
//           trainer.on(Events::COMPLETED | Events::TERMINATE, [] { /* flush */ });
//       }
//   };
//   IGNITE_SDK_PLUGIN(Hello, PluginSpec("hello").version("1.0").description("Says hello")
//                                .option(Option::integer("every", 10).min(1).help("how often")))
//
// The host validates options against the spec (ranges, choices, lists) before init, so
// init reads them without checking again. Handlers take what core's take: (), (Engine&),
// (Engine&, const EventInfo&), or (Engine&, std::exception_ptr) on EXCEPTION_RAISED.
//
// Metrics: derive from ignite::sdk::Metric and add a MetricSpec per metric name; the host
// attaches them by name (`ignite-host train --metric NAME`):
//
//   class Count : public Metric { ... reset/update/compute/statistics/load_statistics ... };
//   IGNITE_SDK_PLUGIN(Mine, PluginSpec("mine").version("1.0").description("My metrics")
//       .metric(MetricSpec("count", [](Plugin&) { return std::make_unique<Count>(); }).help("samples seen")))
//
// Plugins that link LibTorch view the borrowed DLPack tensors as at::Tensor with
// <ignite/plugin_torch.hpp>.
//
// The SDK's C++ layer, one job per header (each also works alone; this one includes all):
//   <ignite/sdk/error.hpp>          Error, RunError
//   <ignite/sdk/events.hpp>         Events, EventSpec filters, `|` lists, Priority, EventInfo
//   <ignite/sdk/engine.hpp>         Engine: state, metrics, output, param groups, handlers
//   <ignite/sdk/host.hpp>           Host: engines, options, logging, events, checkpoints, run facts
//   <ignite/sdk/spec.hpp>           Plugin, Metric, Option, MetricSpec, PluginSpec, IGNITE_SDK_PLUGIN
//   <ignite/sdk/detail/c_glue.hpp>  PluginGlue: the C callbacks that turn exceptions into statuses
#pragma once

#include <ignite/plugin.h>
#include <ignite/plugin_text.hpp>
#include <ignite/sdk/detail/c_glue.hpp>
#include <ignite/sdk/engine.hpp>
#include <ignite/sdk/error.hpp>
#include <ignite/sdk/events.hpp>
#include <ignite/sdk/host.hpp>
#include <ignite/sdk/spec.hpp>

// What this header included before it was split, so plugins relying on them still build.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>
