// torch's zip layout around the pickle: "<folder>/data.pkl", "<folder>/data/<key>" per
// storage, "version", "byteorder", ".format_version", ".storage_alignment" and
// ".data/serialization_id", as torch.save (torch/serialization.py `_save`) writes them.
#include "ignite/core/checkpoint_file.hpp"

#include "ignite/core/durable_file.hpp"
#include "malformed.hpp"
#include "pickle_reader.hpp"
#include "pickle_writer.hpp"
#include "zip_reader.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <caffe2/serialize/inline_container.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ignite::checkpoint {

namespace {

using detail::Malformed;

// A pickle protocol 2 file from torch < 1.6 (`_use_new_zipfile_serialization=False`) starts
// with the pickled magic number 0x1950a86a20f9469cfc6c (LONG1 of 10 bytes).
constexpr std::string_view kLegacyMagic{"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 14};

std::string_view view(std::span<const char> bytes) { return {bytes.data(), bytes.size()}; }

// The records of the archive, by name without the archive's folder, and that folder.
struct Layout {
    std::string folder;
    std::map<std::string, std::span<const char>, std::less<>> records;

    [[nodiscard]] const std::span<const char>* find(std::string_view name) const {
        const auto it = records.find(name);
        return it == records.end() ? nullptr : &it->second;
    }
    [[nodiscard]] bool has_folder(std::string_view prefix) const {
        const auto it = records.lower_bound(prefix);
        return it != records.end() && it->first.starts_with(prefix);
    }
};

Layout read_layout(std::span<const char> bytes) {
    if (bytes.empty()) throw Malformed("empty file (0 bytes)");
    if (view(bytes).starts_with(kLegacyMagic)) {
        throw Malformed(
            "legacy (non-zip) torch.save format of torch < 1.6; load it in Python and save it again "
            "with a current torch.save");
    }
    if (!view(bytes).starts_with("PK")) throw Malformed("not a torch checkpoint (not a zip archive)");
    Layout layout;
    std::string compressed;
    for (auto& entry : detail::read_zip_entries(bytes)) {
        if (entry.method != 0 && compressed.empty())
            compressed = fmt::format("{} (method {})", detail::printable(entry.name), entry.method);
        const auto slash = entry.name.find('/');
        if (slash == std::string::npos || slash == 0) {
            throw Malformed(fmt::format("not a torch.save file (entry '{}' is outside the archive's folder)",
                                        detail::printable(entry.name)));
        }
        const std::string folder = entry.name.substr(0, slash);
        if (layout.records.empty() && layout.folder.empty()) layout.folder = folder;
        if (folder != layout.folder) {
            throw Malformed(fmt::format("not a torch.save file (entries in two top-level folders, '{}' and '{}')",
                                        detail::printable(layout.folder), detail::printable(folder)));
        }
        layout.records.emplace(entry.name.substr(slash + 1), bytes.subspan(entry.data_offset, entry.size));
    }
    if (layout.records.empty()) throw Malformed("not a torch.save file (an empty zip archive)");
    if (layout.find("constants.pkl") || layout.has_folder("code/")) {
        throw Malformed("a TorchScript archive (torch.jit.save), not a torch.save checkpoint");
    }
    if (!compressed.empty()) {
        throw Malformed(fmt::format("entry '{}' is compressed; torch.save writes stored entries only", compressed));
    }
    if (!layout.find("data.pkl")) {
        throw Malformed(
            fmt::format("not a torch.save file (no record '{}/data.pkl')", detail::printable(layout.folder)));
    }
    const auto* version = layout.find("version");
    if (!version) version = layout.find(".data/version");
    if (!version)
        throw Malformed(
            fmt::format("not a torch.save file (no record '{}/version')", detail::printable(layout.folder)));
    std::string_view v = view(*version);
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
    if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string_view::npos) {
        throw Malformed(fmt::format("record '{}/version' is not a version number", detail::printable(layout.folder)));
    }
    if (const auto* order = layout.find("byteorder"); order && view(*order) != "little") {
        throw Malformed(fmt::format("byte order '{}' is not supported (only little-endian files load)",
                                    detail::printable(view(*order))));
    }
    return layout;
}

c10::IValue decode_checked(std::span<const char> bytes) {
    const Layout layout = read_layout(bytes);
    const auto load_storage = [&layout](const std::string& key, c10::ScalarType dtype, std::uint64_t numel) {
        const std::string name = "data/" + key;
        const auto* record = layout.find(name);
        if (!record)
            throw Malformed(fmt::format("the pickle refers to a missing record '{}/{}'",
                                        detail::printable(layout.folder), detail::printable(name)));
        std::uint64_t nbytes = 0;
        if (__builtin_mul_overflow(numel, c10::elementSize(dtype), &nbytes) || nbytes != record->size()) {
            throw Malformed(fmt::format("record '{}/{}' holds {} bytes, but its tensor storage needs {} x {} bytes",
                                        detail::printable(layout.folder), detail::printable(name), record->size(),
                                        numel, c10::elementSize(dtype)));
        }
        at::Tensor bytes_tensor = at::empty({static_cast<std::int64_t>(nbytes)}, at::kByte);
        if (nbytes > 0) std::memcpy(bytes_tensor.data_ptr(), record->data(), nbytes);
        return bytes_tensor.storage();
    };
    return detail::unpickle(*layout.find("data.pkl"), load_storage);
}

void write_record(caffe2::serialize::PyTorchStreamWriter& writer, const std::string& name, std::string_view data) {
    writer.writeRecord(name, data.data(), data.size());
}

std::vector<char> encode_checked(const c10::IValue& value) {
    const detail::Pickled pickled = detail::pickle_value(value);
    std::size_t total = pickled.pickle.size() + 4096;
    for (const auto& s : pickled.storages) total += s.nbytes() + 256;
    std::vector<char> out;
    out.reserve(total);
    // LibTorch's zip writer is the one Python's torch.save uses (torch._C.PyTorchFileWriter):
    // the same 64-byte data alignment, ZIP64 when needed, CRC32s, "version" and
    // ".data/serialization_id" records. Appending to memory cannot fail short of bad_alloc.
    caffe2::serialize::PyTorchStreamWriter writer([&out](const void* data, std::size_t n) -> std::size_t {
        const auto* p = static_cast<const char*>(data);
        out.insert(out.end(), p, p + n);
        return n;
    });
    write_record(writer, "data.pkl", pickled.pickle);
    write_record(writer, ".format_version", "1");
    write_record(writer, ".storage_alignment", "64");
    write_record(writer, "byteorder", "little");
    for (std::size_t key = 0; key < pickled.storages.size(); ++key) {
        const auto& s = pickled.storages[key];
        const char* data = s.nbytes() > 0 ? static_cast<const char*>(s.data()) : "";
        write_record(writer, fmt::format("data/{}", key), std::string_view(data, s.nbytes()));
    }
    writer.writeEndOfFile();
    return out;
}

// One line for whatever a step threw, naming `name`.
template <typename F>
auto checked(const std::string& name, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Malformed& e) {
        throw FileError(name, e.what());
    } catch (const c10::Error& e) {
        throw FileError(name, one_line_message(e.what_without_backtrace()));
    } catch (const std::bad_alloc&) {
        throw FileError(name, "out of memory");
    } catch (const std::exception& e) {  // nothing else is expected; still one FileError
        throw FileError(name, one_line_message(e.what()));
    }
}

// What a file that is not a regular file is, for the message.
const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "not a plain file";
}

[[noreturn]] void not_regular(const std::string& name, mode_t mode) {
    throw FileError(name, fmt::format("not a regular file ({}); give a checkpoint file", kind_of(mode)));
}

std::vector<char> read_whole_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    // The kind of file is checked before it is opened: opening a FIFO for reading blocks until
    // a writer comes, i.e. forever. O_NONBLOCK covers a FIFO swapped in between the two calls
    // (open returns at once; fstat then refuses it); it does not affect reading a regular file.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) not_regular(name, st.st_mode);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) throw FileError(name, fmt::format("cannot open: {}", std::strerror(errno)));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (::fstat(fd, &st) != 0) throw FileError(name, fmt::format("cannot stat: {}", std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) not_regular(name, st.st_mode);
    std::vector<char> bytes(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw FileError(name, fmt::format("cannot read: {}", std::strerror(errno)));
        if (n == 0) throw FileError(name, "the file shrank while being read");
        done += static_cast<std::size_t>(n);
    }
    return bytes;
}

}  // namespace

FileError::FileError(std::string path, std::string reason)
    : RuntimeError(fmt::format("checkpoint '{}': {}", path, reason)),
      path_(std::move(path)),
      reason_(std::move(reason)) {}

std::vector<char> encode(const c10::IValue& value, const std::string& name) {
    return checked(name, [&] { return encode_checked(value); });
}

c10::IValue decode(std::span<const char> bytes, const std::string& name) {
    return checked(name, [&] { return decode_checked(bytes); });
}

void save(const c10::IValue& value, const std::filesystem::path& path) {
    io::write_file_durably(path, encode(value, path.string()));
}

c10::IValue load(const std::filesystem::path& path) {
    const std::vector<char> bytes = read_whole_file(path);
    return decode(bytes, path.string());
}

}  // namespace ignite::checkpoint
