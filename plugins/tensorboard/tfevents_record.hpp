#pragma once
// TFRecord framing of event files (tensorflow/core/lib/io/record_writer.cc):
//   uint64 length | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
// all little-endian. CRC32C (Castagnoli) is Boost.CRC's crc_optimal, so no other library
// is needed; masking as TensorFlow: ((c >> 15) | (c << 17)) + 0xa282ead8.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ignite::tfevents {

/// CRC32C of `data` ("123456789" -> 0xE3069283).
std::uint32_t crc32c(std::string_view data);
/// TensorFlow's masked CRC32C.
std::uint32_t masked_crc32c(std::string_view data);
/// Appends one framed record holding `data` to `out` (whole, so one write() of `out` never
/// splits a record across two writes).
void append_record(std::string& out, std::string_view data);
/// Bytes a record holding `n` data bytes takes.
constexpr std::size_t record_size(std::size_t n) { return n + 16; }

/// One record read from `bytes` at `offset`.
struct RecordRead {
    enum class Status { ok, end, truncated, bad_length_crc, bad_data_crc } status = Status::end;
    std::string_view data;  ///< the record's data (ok only)
    std::size_t next = 0;   ///< offset of the next record (ok only)
};
/// Reads the record at `offset`: `end` exactly at the end, `truncated` for a cut record
/// (TensorBoard waits for more), a bad CRC otherwise (TensorBoard stops reading the file).
RecordRead read_record(std::string_view bytes, std::size_t offset);

}  // namespace ignite::tfevents
