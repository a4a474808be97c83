#pragma once
// The central directory of a zip archive held in memory, with every entry checked: inside
// the file, local header and data descriptor consistent with the central directory, CRC32
// equal to the data's (for stored entries; torch writes no compressed ones). Throws detail::Malformed.
//
// Own code rather than LibTorch's PyTorchStreamReader: torch builds its miniz with CRC checks
// off and exposes no CRCs, so a flipped bit loads silently there (notes E5); and a reader of
// untrusted bytes this small is easy to fuzz on its own (tests/fuzz/checkpoint_file_fuzz.cpp).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ignite::checkpoint::detail {

struct ZipEntry {
    std::string name;
    std::uint64_t data_offset = 0;  // of the entry's bytes in the archive
    std::uint64_t size = 0;         // bytes (compressed size when method != 0)
    std::uint16_t method = 0;       // 0: stored, CRC32 checked; otherwise unchecked and not readable
};

/// The entries of `archive`, in central-directory order, after the checks above.
std::vector<ZipEntry> read_zip_entries(std::span<const char> archive);

}  // namespace ignite::checkpoint::detail
