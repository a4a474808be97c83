#pragma once
// Reading event files back as TensorBoard does (tensorboard/backend/event_processing:
// event_file_loader.py, event_accumulator.py), for `ignite-host report DIR` and the tests.
// No protobuf: the few Event fields a scalar needs are decoded here.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ignite::tfevents {

struct ScalarPoint {
    std::string tag;
    std::int64_t step = 0;
    double wall_time = 0;
    double value = 0;
};

/// Every scalar of every events file in `logdir` (non-recursive), as TensorBoard shows them:
/// files whose name holds "tfevents", in name order (as TensorBoard's directory loader);
/// in each, records up to the first cut or CRC-bad one (TensorBoard stops there too); a
/// SessionLog START at step T drops every point read before it with step >= T, of every tag
/// (TensorBoard's purge of orphaned data, by_tags=False, for files with a file_version).
/// Points keep file order. Scalars are simple_value summaries (what Ignite's and torch's
/// add_scalar write). A missing or unreadable logdir gives no points.
std::vector<ScalarPoint> read_scalars(const std::filesystem::path& logdir);

/// One decoded Event: what the readers above and the tests need of it.
struct EventView {
    double wall_time = 0;
    std::int64_t step = 0;
    std::optional<std::string> file_version;
    std::optional<std::int32_t> session_status;  ///< SessionLog.status when a session_log
    struct Value {
        std::string tag;
        std::optional<float> simple_value;
        bool histogram = false;
        bool tensor = false;
    };
    std::vector<Value> values;  ///< the summary's values
};
/// Decodes one record's data; nullopt when it is not a well-formed Event.
std::optional<EventView> decode_event(std::string_view data);

/// The records of one file's bytes, up to the first cut or CRC-bad record.
std::vector<std::string_view> whole_records(std::string_view bytes);

}  // namespace ignite::tfevents
