#include "tfevents_record.hpp"

#include <boost/crc.hpp>

namespace ignite::tfevents {
namespace {

// Castagnoli: polynomial 0x1EDC6F41, reflected in and out, init and xorout all ones.
using Crc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

void put_u32(std::string& out, std::uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out.append(b, 4);
}
std::uint64_t get_le(std::string_view bytes, std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
    return v;
}

}  // namespace

std::uint32_t crc32c(std::string_view data) {
    Crc32c c;
    c.process_bytes(data.data(), data.size());
    return c.checksum();
}

std::uint32_t masked_crc32c(std::string_view data) {
    const std::uint32_t c = crc32c(data);
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

void append_record(std::string& out, std::string_view data) {
    char len[8];
    const std::uint64_t n = data.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<char>(n >> (8 * i));
    out.append(len, 8);
    put_u32(out, masked_crc32c(std::string_view(len, 8)));
    out.append(data.data(), data.size());
    put_u32(out, masked_crc32c(data));
}

RecordRead read_record(std::string_view bytes, std::size_t offset) {
    RecordRead r;
    if (offset >= bytes.size()) return r;  // end
    if (bytes.size() - offset < 12) {
        r.status = RecordRead::Status::truncated;
        return r;
    }
    if (get_le(bytes, offset + 8, 4) != masked_crc32c(bytes.substr(offset, 8))) {
        r.status = RecordRead::Status::bad_length_crc;
        return r;
    }
    const std::uint64_t n = get_le(bytes, offset, 8);
    if (n > bytes.size() - offset - 12 || bytes.size() - offset - 12 - n < 4) {
        r.status = RecordRead::Status::truncated;
        return r;
    }
    const auto data = bytes.substr(offset + 12, n);
    if (get_le(bytes, offset + 12 + n, 4) != masked_crc32c(data)) {
        r.status = RecordRead::Status::bad_data_crc;
        return r;
    }
    r.status = RecordRead::Status::ok;
    r.data = data;
    r.next = offset + 12 + n + 4;
    return r;
}

}  // namespace ignite::tfevents
