#pragma once
// TensorBoard event records without protobuf: the few messages a training logger writes
// (tensorflow/core/util/event.proto, framework/summary.proto, tensor.proto), hand-encoded.
//
// Decision record:
//  - No protobuf dependency. Every C++ TensorBoard writer found links protobuf (protoc-made
//    TF protos), and version/link errors are its users' first complaint; LibTorch has no
//    writer (pytorch/pytorch#61626). The subset used here is small: varints, fixed64/32,
//    length-delimited fields, packed doubles. The encoder is one short file (see the note).
//  - Byte-identical to protobuf's serialization of the same message (tests re-serialize each
//    record with tensorboard's event_pb2 and compare): fields in field-number order, proto3
//    default values (0, "", empty repeated) left out EXCEPT inside a oneof (simple_value 0.0
//    is written, as protobuf writes a set oneof member). An explicitly written empty field
//    would still decode, but would not be byte-identical.
//  - Each call returns a view of an internal buffer that keeps its capacity, so a scalar
//    record allocates nothing once warm (bench/tb_record.cpp: <= 1 us per record).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ignite::tfevents {

/// A histogram as TensorBoard's HistogramProto holds it: bucket_limit[i] is the right edge
/// of bucket i, bucket[i] its count (a double, exact up to 2^53).
struct Histogram {
    double min = 0, max = 0, num = 0, sum = 0, sum_squares = 0;
    std::vector<double> bucket_limit;
    std::vector<double> bucket;
};

/// SessionLog.status values.
enum class SessionStatus : std::int32_t { start = 1, stop = 2, checkpoint = 3 };

/// Serializes Event messages; each returned view is valid until the next call.
class Encoder {
public:
    /// Event{wall_time, file_version="brain.Event:2"}: the first record of every file.
    std::string_view version(double wall_time);
    /// Event{wall_time, step, summary{value{tag, simple_value}}}.
    std::string_view scalar(double wall_time, std::int64_t step, std::string_view tag, float value);
    /// Event{wall_time, step, summary{value{tag, histo}}}.
    std::string_view histogram(double wall_time, std::int64_t step, std::string_view tag, const Histogram& h);
    /// The text plugin's record: tag (e.g. "config/text_summary"), a DT_STRING tensor of
    /// shape [1] holding `text`, metadata plugin_name "text" (torch's add_text).
    std::string_view text(double wall_time, std::int64_t step, std::string_view tag, std::string_view text);
    /// Event{wall_time, step, session_log{status}}: START at step T makes TensorBoard drop
    /// the points with step >= T it read before (a resumed run's orphaned tail).
    std::string_view session_log(double wall_time, std::int64_t step, SessionStatus status);

private:
    std::string_view event_with(double wall_time, std::int64_t step, std::uint32_t field, const std::string& body);
    std::string event_, summary_, value_, inner_, inner2_;
};

// Wire-format helpers (also used by the reader's tests).
namespace wire {
enum Type : std::uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };
void put_varint(std::string& out, std::uint64_t v);
void put_key(std::string& out, std::uint32_t field, Type type);
void put_fixed64(std::string& out, std::uint64_t v);
void put_fixed32(std::string& out, std::uint32_t v);
void put_bytes(std::string& out, std::uint32_t field, std::string_view bytes);
}  // namespace wire

}  // namespace ignite::tfevents
