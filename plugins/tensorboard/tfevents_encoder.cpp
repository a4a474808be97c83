#include "tfevents_encoder.hpp"

#include <cstring>

namespace ignite::tfevents {
namespace wire {

void put_varint(std::string& out, std::uint64_t v) {
    char buf[10];
    std::size_t n = 0;
    while (v >= 0x80) {
        buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out.append(buf, n);
}
void put_key(std::string& out, std::uint32_t field, Type type) { put_varint(out, (field << 3) | type); }
void put_fixed64(std::string& out, std::uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));  // little-endian on any host
    out.append(b, 8);
}
void put_fixed32(std::string& out, std::uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out.append(b, 4);
}
void put_bytes(std::string& out, std::uint32_t field, std::string_view bytes) {
    put_key(out, field, kLen);
    put_varint(out, bytes.size());
    out.append(bytes.data(), bytes.size());
}

}  // namespace wire
namespace {

using namespace wire;

std::uint64_t bits(double v) {
    std::uint64_t u;
    std::memcpy(&u, &v, 8);
    return u;
}
// A plain (non-oneof) proto3 double: left out at its default 0, as protobuf does.
void put_double(std::string& out, std::uint32_t field, double v) {
    if (v == 0) return;
    put_key(out, field, kFixed64);
    put_fixed64(out, bits(v));
}
void put_int64(std::string& out, std::uint32_t field, std::int64_t v) {
    if (v == 0) return;
    put_key(out, field, kVarint);
    put_varint(out, static_cast<std::uint64_t>(v));  // negative: 10 bytes, two's complement
}
void put_packed_doubles(std::string& out, std::uint32_t field, const std::vector<double>& v) {
    if (v.empty()) return;
    put_key(out, field, kLen);
    put_varint(out, v.size() * 8);
    for (double d : v) put_fixed64(out, bits(d));
}

// Event fields (event.proto).
constexpr std::uint32_t kWallTime = 1, kStep = 2, kFileVersion = 3, kSummary = 5, kSessionLog = 7;
// Summary.value = 1; Summary.Value fields.
constexpr std::uint32_t kValue = 1, kTag = 1, kSimpleValue = 2, kHisto = 5, kTensor = 8, kMetadata = 9;

}  // namespace

std::string_view Encoder::event_with(double wall_time, std::int64_t step, std::uint32_t field,
                                     const std::string& body) {
    event_.clear();
    put_double(event_, kWallTime, wall_time);
    put_int64(event_, kStep, step);
    put_bytes(event_, field, body);  // a oneof member: written even when empty
    return event_;
}

std::string_view Encoder::version(double wall_time) {
    inner_.assign("brain.Event:2");
    return event_with(wall_time, 0, kFileVersion, inner_);
}

std::string_view Encoder::scalar(double wall_time, std::int64_t step, std::string_view tag, float value) {
    value_.clear();
    put_bytes(value_, kTag, tag);
    put_key(value_, kSimpleValue, kFixed32);  // oneof: 0.0f is written too
    std::uint32_t u;
    std::memcpy(&u, &value, 4);
    put_fixed32(value_, u);
    summary_.clear();
    put_bytes(summary_, kValue, value_);
    return event_with(wall_time, step, kSummary, summary_);
}

std::string_view Encoder::histogram(double wall_time, std::int64_t step, std::string_view tag, const Histogram& h) {
    inner_.clear();  // HistogramProto: min=1 max=2 num=3 sum=4 sum_squares=5 bucket_limit=6 bucket=7
    put_double(inner_, 1, h.min);
    put_double(inner_, 2, h.max);
    put_double(inner_, 3, h.num);
    put_double(inner_, 4, h.sum);
    put_double(inner_, 5, h.sum_squares);
    put_packed_doubles(inner_, 6, h.bucket_limit);
    put_packed_doubles(inner_, 7, h.bucket);
    value_.clear();
    put_bytes(value_, kTag, tag);
    put_bytes(value_, kHisto, inner_);
    summary_.clear();
    put_bytes(summary_, kValue, value_);
    return event_with(wall_time, step, kSummary, summary_);
}

std::string_view Encoder::text(double wall_time, std::int64_t step, std::string_view tag, std::string_view text) {
    // TensorProto: dtype=1 (DT_STRING = 7), tensor_shape=2 {dim=2 {size=1}}, string_val=8.
    inner_.clear();
    put_key(inner_, 1, kVarint);
    put_varint(inner_, 7);
    inner2_.clear();
    put_int64(inner2_, 1, 1);  // Dim.size
    std::string shape;
    put_bytes(shape, 2, inner2_);
    put_bytes(inner_, 2, shape);
    put_bytes(inner_, 8, text);
    // SummaryMetadata: plugin_data=1 {plugin_name=1 "text", content=2 TextPluginData{version=0}
    // = empty bytes, left out}.
    inner2_.clear();
    put_bytes(inner2_, 1, "text");
    std::string metadata;
    put_bytes(metadata, 1, inner2_);
    value_.clear();
    put_bytes(value_, kTag, tag);
    put_bytes(value_, kTensor, inner_);  // field 8 before metadata's 9: field-number order
    put_bytes(value_, kMetadata, metadata);
    summary_.clear();
    put_bytes(summary_, kValue, value_);
    return event_with(wall_time, step, kSummary, summary_);
}

std::string_view Encoder::session_log(double wall_time, std::int64_t step, SessionStatus status) {
    inner_.clear();
    put_int64(inner_, 1, static_cast<std::int64_t>(status));
    return event_with(wall_time, step, kSessionLog, inner_);
}

}  // namespace ignite::tfevents
