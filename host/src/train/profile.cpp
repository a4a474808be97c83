#include "profile.hpp"

#include <nlohmann/json.hpp>

#include <cstring>

namespace ignite::host {
namespace {

constexpr std::string_view kHostLabel = "host";

std::size_t hash_of(const char* data, ignite::EventId event) noexcept {
    const auto p = reinterpret_cast<std::uintptr_t>(data);
    return static_cast<std::size_t>((p >> 3) ^ (p >> 11) ^ (static_cast<std::uintptr_t>(event) * 0x9E3779B1u));
}

nlohmann::ordered_json stat_json(const TimeStat& s) {
    return {{"calls", s.calls}, {"total", s.total}, {"mean", s.mean()}, {"max", s.max}};
}

}  // namespace

EngineProfiler::EngineProfiler(std::string engine_name) { times_.engine = std::move(engine_name); }

std::uint32_t EngineProfiler::add_row(std::string_view label, const ignite::FiredEvent& event) {
    const std::string_view handler = label.empty() ? kHostLabel : label;
    const std::string& event_name = event.event.name();
    for (std::uint32_t i = 0; i < times_.handlers.size(); ++i) {
        if (times_.handlers[i].handler == handler && times_.handlers[i].event == event_name) return i;
    }
    times_.handlers.push_back({std::string(handler), event_name, {}});
    return static_cast<std::uint32_t>(times_.handlers.size() - 1);
}

// The first call of a (label, event) resolves its row by name (and allocates); every later
// call finds it by the label's address in the table.
std::uint32_t EngineProfiler::row_of(std::string_view label, const ignite::FiredEvent& event) {
    const ignite::EventId id = event.event.id();
    const auto size = static_cast<std::uint32_t>(label.size());
    std::size_t b = hash_of(label.data(), id) & (kBuckets - 1);
    for (std::size_t probe = 0; probe < kBuckets; ++probe, b = (b + 1) & (kBuckets - 1)) {
        Bucket& bucket = buckets_[b];
        if (bucket.data == nullptr) {
            const std::uint32_t row = add_row(label, event);
            if (cached_ < kBuckets / 2) {  // keep probes short: a full table is slow
                bucket = {label.data(), size, id, row};
                ++cached_;
            }
            return row;
        }
        if (bucket.data == label.data() && bucket.size == size && bucket.event == id) {
            // Non-empty labels are stored verbatim; an empty one is "host".
            const std::string& handler = times_.handlers[bucket.row].handler;
            if (size == 0 || (handler.size() == size && std::memcmp(handler.data(), label.data(), size) == 0))
                return bucket.row;
            return add_row(label, event);  // same address, another label: a new handler where a removed one was
        }
    }
    return add_row(label, event);
}

// One clock read per handler call and one per dispatch: a handler's start is the time of
// whatever came right before it in its dispatch (the dispatch's start, or the end of the
// handler before it), with only the engine's loop in between. On a machine without a fast
// clock (steady_clock::now() costs ~100 ns in some VMs) this halves the observer's cost.
void EngineProfiler::begin(std::string_view label, const ignite::FiredEvent& event) noexcept {
    const auto t0 = stamp_valid_ ? stamp_ : Clock::now();
    stamp_valid_ = false;
    if (depth_ < kMaxDepth) {
        try {
            stack_[depth_] = {row_of(label, event), t0};
        } catch (...) {  // out of memory for a new row: this call is not timed
            stack_[depth_] = {UINT32_MAX, t0};
        }
    }
    ++depth_;
}

void EngineProfiler::end(std::string_view, const ignite::FiredEvent& event) noexcept {
    const auto now = Clock::now();
    stamp_ = now;
    stamp_valid_ = true;
    if (depth_ == 0) return;  // an observer set mid-dispatch sees an end without its begin
    --depth_;
    if (depth_ < kMaxDepth && stack_[depth_].row != UINT32_MAX) {
        times_.handlers[stack_[depth_].row].stat.add(std::chrono::duration<double>(now - stack_[depth_].t0).count());
    }
    // The last handler of the event that opens data loading or processing to end marks its start.
    const auto id = event.event.id();
    if (id == ignite::Event::kGetBatchStarted) batch_mark_ = now;
    if (id == ignite::Event::kIterationStarted) iteration_mark_ = now;
}

void EngineProfiler::fired(const ignite::FiredEvent& event) noexcept {
    const auto now = Clock::now();
    stamp_ = now;
    stamp_valid_ = true;
    switch (event.event.id()) {
        case ignite::Event::kGetBatchStarted:
            batch_mark_ = now;
            break;
        case ignite::Event::kGetBatchCompleted:
            if (batch_mark_ != Clock::time_point{}) {
                times_.dataflow.add(std::chrono::duration<double>(now - batch_mark_).count());
                batch_mark_ = {};
            }
            break;
        case ignite::Event::kIterationStarted:
            iteration_mark_ = now;
            break;
        case ignite::Event::kIterationCompleted:
            if (iteration_mark_ != Clock::time_point{}) {
                times_.processing.add(std::chrono::duration<double>(now - iteration_mark_).count());
                iteration_mark_ = {};
            }
            break;
        default:
            break;
    }
}

void RunProfiler::watch(std::string name, ignite::Engine& engine) {
    auto profiler = std::make_shared<EngineProfiler>(std::move(name));
    engine.set_handler_observer(profiler);
    engine.set_event_observer([profiler](ignite::Engine&, const ignite::FiredEvent& f) { profiler->fired(f); });
    engines_.push_back(std::move(profiler));
}

double RunProfiler::wall_seconds() const noexcept {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::vector<EngineTimes> RunProfiler::times() const {
    std::vector<EngineTimes> out;
    for (const auto& profiler : engines_) out.push_back(profiler->times());
    return out;
}

std::string profile_json(const std::vector<EngineTimes>& engines, const ProfileRun& run) {
    nlohmann::ordered_json doc;
    doc["version"] = 1;
    doc["outcome"] = run.outcome;
    doc["wall_seconds"] = run.wall_seconds;
    doc["participants"] = run.participants;
    auto list = nlohmann::ordered_json::array();
    for (const auto& e : engines) {
        nlohmann::ordered_json j;
        j["engine"] = e.engine;
        j["dataflow"] = stat_json(e.dataflow);
        j["processing"] = stat_json(e.processing);
        auto rows = nlohmann::ordered_json::array();
        for (const auto& h : e.handlers) {
            auto row = nlohmann::ordered_json{{"handler", h.handler}, {"event", h.event}};
            row.update(stat_json(h.stat));
            rows.push_back(std::move(row));
        }
        j["handlers"] = std::move(rows);
        list.push_back(std::move(j));
    }
    doc["engines"] = std::move(list);
    return doc.dump(1) + "\n";
}

}  // namespace ignite::host
