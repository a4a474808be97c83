// Zip central-directory reader for torch files (APPNOTE.TXT 6.3: EOCD, ZIP64 EOCD and its
// locator, central and local headers, the ZIP64 extra field). Every offset read from the
// file is checked against the file before it is used.
#include "zip_reader.hpp"

#include "malformed.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

namespace ignite::checkpoint::detail {

namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEocdSig = 0x06054b50;
constexpr std::uint32_t kZip64EocdSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::size_t kEocdSize = 22;
constexpr std::size_t kZip64LocatorSize = 20;
constexpr std::size_t kZip64EocdSize = 56;
constexpr std::size_t kCentralSize = 46;
constexpr std::size_t kLocalSize = 30;

// Little-endian reads within bounds the caller has checked.
class Bytes {
public:
    explicit Bytes(std::span<const char> data) : data_(data) {}
    [[nodiscard]] std::uint64_t size() const noexcept { return data_.size(); }
    /// True when [offset, offset + n) lies inside the data (overflow-safe).
    [[nodiscard]] bool has(std::uint64_t offset, std::uint64_t n) const noexcept {
        return offset <= size() && n <= size() - offset;
    }
    template <typename T>
    [[nodiscard]] T get(std::uint64_t offset) const noexcept {
        T v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            v |= static_cast<T>(static_cast<unsigned char>(data_[offset + i])) << (8 * i);
        }
        return v;
    }
    [[nodiscard]] std::span<const char> sub(std::uint64_t offset, std::uint64_t n) const noexcept {
        return data_.subspan(offset, n);
    }

private:
    std::span<const char> data_;
};

struct Directory {
    std::uint64_t entries = 0;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    std::uint64_t end = 0;  // where the directory must end: the (ZIP64) EOCD record
};

std::uint64_t find_eocd(const Bytes& b) {
    if (b.size() < kEocdSize) throw Malformed("not a zip archive (too short for a zip end record)");
    const std::uint64_t last = b.size() - kEocdSize;
    const std::uint64_t first = last > 0xFFFF ? last - 0xFFFF : 0;  // the comment is < 64 KiB
    for (std::uint64_t pos = last + 1; pos-- > first;) {
        if (b.get<std::uint32_t>(pos) == kEocdSig && pos + kEocdSize + b.get<std::uint16_t>(pos + 20) == b.size()) {
            return pos;
        }
    }
    throw Malformed("truncated or not a zip archive (no end-of-central-directory record)");
}

Directory read_directory(const Bytes& b) {
    const std::uint64_t eocd = find_eocd(b);
    if (b.get<std::uint16_t>(eocd + 4) != 0 || b.get<std::uint16_t>(eocd + 6) != 0) {
        throw Malformed("multi-disk zip archives are not supported");
    }
    if (b.get<std::uint16_t>(eocd + 8) != b.get<std::uint16_t>(eocd + 10)) {
        throw Malformed("corrupt zip archive (end record's entry counts differ)");
    }
    Directory d{b.get<std::uint16_t>(eocd + 10), b.get<std::uint32_t>(eocd + 16), b.get<std::uint32_t>(eocd + 12),
                eocd};
    const bool zip64 = d.entries == 0xFFFF || d.offset == 0xFFFFFFFF || d.size == 0xFFFFFFFF;
    if (eocd >= kZip64LocatorSize && b.get<std::uint32_t>(eocd - kZip64LocatorSize) == kZip64LocatorSig) {
        const std::uint64_t locator = eocd - kZip64LocatorSize;
        const std::uint64_t at = b.get<std::uint64_t>(locator + 8);
        if (!b.has(at, kZip64EocdSize) || at + kZip64EocdSize > locator || b.get<std::uint32_t>(at) != kZip64EocdSig ||
            b.get<std::uint64_t>(at + 4) != locator - at - 12 || b.get<std::uint32_t>(at + 16) != 0 ||
            b.get<std::uint32_t>(at + 20) != 0 || b.get<std::uint64_t>(at + 24) != b.get<std::uint64_t>(at + 32) ||
            b.get<std::uint32_t>(locator + 4) != 0 || b.get<std::uint32_t>(locator + 16) > 1) {
            throw Malformed("corrupt zip archive (bad ZIP64 end-of-central-directory record)");
        }
        const Directory z{b.get<std::uint64_t>(at + 32), b.get<std::uint64_t>(at + 48), b.get<std::uint64_t>(at + 40), at};
        // The 32-bit copies are all ones or the same values.
        if ((d.entries != 0xFFFF && d.entries != z.entries) || (d.offset != 0xFFFFFFFF && d.offset != z.offset) ||
            (d.size != 0xFFFFFFFF && d.size != z.size)) {
            throw Malformed("corrupt zip archive (the end records disagree)");
        }
        d = z;
    } else if (zip64) {
        throw Malformed("corrupt zip archive (ZIP64 sizes without a ZIP64 end record)");
    }
    if (d.offset > d.end || d.size != d.end - d.offset) {
        throw Malformed("truncated or corrupt zip archive (the central directory is not where its end record says)");
    }
    // Every entry takes at least kCentralSize bytes: this bounds the loop below.
    if (d.entries > d.size / kCentralSize) throw Malformed("corrupt zip archive (entry count exceeds the directory)");
    return d;
}

// The ZIP64 extra field replaces, in this order, each of the 32-bit values that is all ones.
void apply_zip64_extra(const Bytes& b, std::uint64_t extra, std::uint16_t extra_len, std::uint64_t& usize,
                       std::uint64_t& csize, std::uint64_t& local) {
    std::uint64_t pos = extra;
    const std::uint64_t end = extra + extra_len;
    while (pos + 4 <= end) {
        const auto id = b.get<std::uint16_t>(pos);
        const auto len = b.get<std::uint16_t>(pos + 2);
        if (pos + 4 + len > end) break;
        if (id == 0x0001) {
            std::uint64_t at = pos + 4;
            for (std::uint64_t* field : {&usize, &csize, &local}) {
                if (*field != 0xFFFFFFFF) continue;
                if (at + 8 > pos + 4 + len) throw Malformed("corrupt zip archive (short ZIP64 extra field)");
                *field = b.get<std::uint64_t>(at);
                at += 8;
            }
            return;
        }
        pos += 4 + len;
    }
    if (usize == 0xFFFFFFFF || csize == 0xFFFFFFFF || local == 0xFFFFFFFF) {
        throw Malformed("corrupt zip archive (missing ZIP64 extra field)");
    }
}

std::uint32_t crc32_of(std::span<const char> data) {
    return static_cast<std::uint32_t>(
        crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

// An extra field is a list of (id, length, bytes) blocks that fills it exactly. torch's
// alignment padding is the block "FB" of 'Z' bytes (caffe2/serialize/inline_container.cc).
bool extra_well_formed(const Bytes& b, std::uint64_t pos, std::uint64_t len) {
    const std::uint64_t end = pos + len;
    while (pos < end) {
        if (end - pos < 4) return false;
        const auto id = b.get<std::uint16_t>(pos);
        const std::uint64_t n = b.get<std::uint16_t>(pos + 2);
        if (n > end - pos - 4) return false;
        // ZIP64, torch's padding, and the common time and owner blocks; anything else in a
        // torch file is damage (a flipped bit in a block id would otherwise go unseen).
        if (id != 0x0001 && id != 0x4246 && id != 0x5455 && id != 0x7875 && id != 0x000a) return false;
        if (id == 0x4246) {
            const auto pad = b.sub(pos + 4, n);
            if (std::any_of(pad.begin(), pad.end(), [](char c) { return c != 'Z'; })) return false;
        }
        pos += 4 + n;
    }
    return true;
}

// What the central directory says about one entry.
struct Central {
    std::string name;
    std::uint16_t version = 0, flags = 0, method = 0, time = 0, date = 0;
    std::uint32_t crc = 0;
    std::uint64_t size = 0, usize = 0, local = 0;  // size: of the data as stored
};

[[noreturn]] void damaged(const Central& c, std::string_view what) {
    throw Malformed(fmt::format("corrupt zip archive (entry '{}': {})", printable(c.name), what));
}

// The entry's local header, data and data descriptor agree with the central directory and
// lie before it; returns where the data starts.
std::uint64_t check_local(const Bytes& b, const Central& c, std::uint64_t limit) {
    const std::uint64_t at = c.local;
    if (!b.has(at, kLocalSize) || at + kLocalSize > limit || b.get<std::uint32_t>(at) != kLocalSig) {
        damaged(c, "bad local header");
    }
    const auto name_len = b.get<std::uint16_t>(at + 26);
    const auto extra_len = b.get<std::uint16_t>(at + 28);
    const std::uint64_t data = at + kLocalSize + name_len + extra_len;
    if (data > limit || c.size > limit - data) {
        throw Malformed(fmt::format("truncated or corrupt zip archive (entry '{}' extends past the data)", printable(c.name)));
    }
    const auto local_name = b.sub(at + kLocalSize, name_len);
    if (!std::equal(local_name.begin(), local_name.end(), c.name.begin(), c.name.end())) {
        damaged(c, "another name in the local header");
    }
    if (b.get<std::uint16_t>(at + 4) != c.version || b.get<std::uint16_t>(at + 6) != c.flags ||
        b.get<std::uint16_t>(at + 8) != c.method || b.get<std::uint16_t>(at + 10) != c.time ||
        b.get<std::uint16_t>(at + 12) != c.date) {
        damaged(c, "local header differs from the central directory");
    }
    if (!extra_well_formed(b, at + kLocalSize + name_len, extra_len)) damaged(c, "bad extra field");
    const bool descriptor = c.flags & 0x8;
    const std::uint32_t crc = b.get<std::uint32_t>(at + 14);
    const std::uint64_t csize = b.get<std::uint32_t>(at + 18), usize = b.get<std::uint32_t>(at + 22);
    const bool zip64 = csize == 0xFFFFFFFF && usize == 0xFFFFFFFF;
    const bool blank = descriptor && crc == 0 && csize == 0 && usize == 0;
    if (!blank && !zip64 && (crc != c.crc || csize != c.size || usize != c.usize)) {
        damaged(c, "local header differs from the central directory");
    }
    if (descriptor) {
        // [signature] crc32, compressed size, size: 4-byte sizes, or 8-byte ones for ZIP64.
        std::uint64_t d = data + c.size;
        if (b.has(d, 4) && d + 4 <= limit && b.get<std::uint32_t>(d) == 0x08074b50) d += 4;
        const bool small = d + 12 <= limit && b.get<std::uint32_t>(d) == c.crc &&
                           b.get<std::uint32_t>(d + 4) == c.size && b.get<std::uint32_t>(d + 8) == c.usize;
        const bool large = d + 20 <= limit && b.get<std::uint32_t>(d) == c.crc &&
                           b.get<std::uint64_t>(d + 4) == c.size && b.get<std::uint64_t>(d + 12) == c.usize;
        if (!small && !large) damaged(c, "bad data descriptor");
    }
    return data;
}

}  // namespace

std::vector<ZipEntry> read_zip_entries(std::span<const char> archive) {
    const Bytes b(archive);
    const Directory dir = read_directory(b);
    std::vector<ZipEntry> entries;
    entries.reserve(dir.entries);
    std::unordered_set<std::string> names;
    std::uint64_t pos = dir.offset;
    for (std::uint64_t i = 0; i < dir.entries; ++i) {
        if (pos + kCentralSize > dir.end || b.get<std::uint32_t>(pos) != kCentralSig) {
            throw Malformed(fmt::format("corrupt zip archive (central directory entry {} is damaged)", i));
        }
        Central c;
        c.version = b.get<std::uint16_t>(pos + 6);
        c.flags = b.get<std::uint16_t>(pos + 8);
        c.method = b.get<std::uint16_t>(pos + 10);
        c.time = b.get<std::uint16_t>(pos + 12);
        c.date = b.get<std::uint16_t>(pos + 14);
        c.crc = b.get<std::uint32_t>(pos + 16);
        std::uint64_t csize = b.get<std::uint32_t>(pos + 20);
        std::uint64_t usize = b.get<std::uint32_t>(pos + 24);
        const auto name_len = b.get<std::uint16_t>(pos + 28);
        const auto extra_len = b.get<std::uint16_t>(pos + 30);
        const auto comment_len = b.get<std::uint16_t>(pos + 32);
        const auto disk = b.get<std::uint16_t>(pos + 34);
        c.local = b.get<std::uint32_t>(pos + 42);
        const std::uint64_t next = pos + kCentralSize + name_len + extra_len + comment_len;
        if (next > dir.end) throw Malformed(fmt::format("corrupt zip archive (central directory entry {} is damaged)", i));
        const auto name_bytes = b.sub(pos + kCentralSize, name_len);
        c.name.assign(name_bytes.begin(), name_bytes.end());
        if (disk != 0 && disk != 0xFFFF) damaged(c, "on another disk");
        if (!extra_well_formed(b, pos + kCentralSize + name_len, extra_len)) damaged(c, "bad extra field");
        apply_zip64_extra(b, pos + kCentralSize + name_len, extra_len, usize, csize, c.local);
        if (c.flags & 0x1) throw Malformed(fmt::format("entry '{}' is encrypted", printable(c.name)));
        if (csize != usize && c.method == 0) damaged(c, "two sizes for a stored entry");
        c.size = csize;
        c.usize = usize;
        const std::uint64_t data = check_local(b, c, dir.offset);
        // A compressed entry is not ours (torch writes stored ones); the caller says so once it
        // knows whether the archive is a TorchScript file.
        if (c.method == 0 && crc32_of(b.sub(data, c.size)) != c.crc) {
            throw Malformed(fmt::format("CRC32 mismatch in entry '{}' (the file is corrupt)", printable(c.name)));
        }
        if (!names.insert(c.name).second) throw Malformed(fmt::format("zip archive has entry '{}' twice", printable(c.name)));
        entries.push_back(ZipEntry{std::move(c.name), data, c.size, c.method});
        pos = next;
    }
    return entries;
}

}  // namespace ignite::checkpoint::detail
