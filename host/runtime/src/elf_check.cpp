#include <ignite/runtime/elf_check.hpp>

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <vector>

namespace ignite::host {

// The checks read headers as the host's own ELF class and byte order (memcpy into Elf64_*).
// A 32-bit or big-endian port would switch the types and the EI_CLASS / EI_DATA it expects.
static_assert(sizeof(void*) == 8 && std::endian::native == std::endian::little,
              "elf_check reads plugins as ELFCLASS64 little-endian, the class of this host");

std::uint16_t host_elf_machine() {
#if defined(__x86_64__)
    return EM_X86_64;
#elif defined(__aarch64__)
    return EM_AARCH64;
#elif defined(__riscv)
    return EM_RISCV;
#elif defined(__powerpc64__)
    return EM_PPC64;
#else
    // Unknown at compile time: the running executable's own header says. 0 (EM_NONE) when
    // it cannot be read; the machine check is then skipped and dlopen refuses a foreign
    // file with an error (it does not crash on one).
    static const std::uint16_t machine = [] {
        Elf64_Ehdr self{};
        const int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0) return std::uint16_t{0};
        const bool ok = ::pread(fd, &self, sizeof self, 0) == static_cast<ssize_t>(sizeof self);
        ::close(fd);
        return ok ? self.e_machine : std::uint16_t{0};
    }();
    return machine;
#endif
}

namespace {

std::string truncated(const std::string& detail) {
    return fmt::format(
        "is not a complete ELF shared object ({}; the file is truncated or corrupt): rebuild or "
        "reinstall it",
        detail);
}

std::string machine_name(std::uint16_t m) {
    switch (m) {
        case EM_386:
            return "x86 (EM_386)";
        case EM_X86_64:
            return "x86-64 (EM_X86_64)";
        case EM_ARM:
            return "ARM (EM_ARM)";
        case EM_AARCH64:
            return "AArch64 (EM_AARCH64)";
        case EM_RISCV:
            return "RISC-V (EM_RISCV)";
        case EM_PPC64:
            return "PowerPC64 (EM_PPC64)";
        case EM_S390:
            return "s390 (EM_S390)";
        default:
            return fmt::format("ELF machine {}", m);
    }
}

// [offset, offset + length) as an end offset, or nullopt when the sum overflows.
std::optional<std::uint64_t> end_of(std::uint64_t offset, std::uint64_t length) {
    std::uint64_t end = 0;
    if (__builtin_add_overflow(offset, length, &end)) return std::nullopt;
    return end;
}

// "WHAT end(s) at byte END but the file has SIZE bytes" when [offset, offset+length) is
// not inside a file of `size` bytes; nullopt when it is. `plural` picks the verb's form.
std::optional<std::string> outside(const std::string& what, bool plural, std::uint64_t offset, std::uint64_t length,
                                   std::uint64_t size) {
    const char* s = plural ? "" : "s";
    const auto end = end_of(offset, length);
    if (!end) return truncated(fmt::format("{} start{} at byte {}, beyond any file", what, s, offset));
    if (*end <= size) return std::nullopt;
    return truncated(fmt::format("{} end{} at byte {} but the file has {} bytes", what, s, *end, size));
}

// The checks proper, over a file of `size` bytes read through
// read_at(offset, out, n) -> nullptr, or why exactly n bytes at offset could not be read.
// Every read_at call is for a range already known to lie inside the file.
template <class ReadAt>
std::optional<std::string> check(std::uint64_t size, ReadAt read_at) {
    auto read = [&](std::uint64_t offset, void* out, std::size_t n) -> std::optional<std::string> {
        if (const char* why = read_at(offset, out, n)) {
            return fmt::format("could not be read ({} at byte {}): check the file and its disk, or reinstall it", why,
                               offset);
        }
        return std::nullopt;
    };
    if (size == 0)
        return std::string(
            "is empty (0 bytes; the file is truncated or was never written): rebuild or "
            "reinstall it");

    unsigned char ident[EI_NIDENT] = {};
    const auto have = static_cast<std::size_t>(std::min<std::uint64_t>(size, EI_NIDENT));
    if (auto e = read(0, ident, have)) return e;
    if (std::memcmp(ident, ELFMAG, std::min<std::size_t>(have, SELFMAG)) != 0) {
        return std::string(
            "is not a loadable shared library (it does not start with the ELF magic bytes \\x7fELF): "
            "build it as a plugin with ignite_add_plugin(), or reinstall it");
    }
    if (size < sizeof(Elf64_Ehdr)) {
        return truncated(fmt::format("its ELF header needs {} bytes but the file has {}", sizeof(Elf64_Ehdr), size));
    }
    if (ident[EI_CLASS] == ELFCLASS32) {
        return std::string(
            "is a 32-bit ELF file (ELFCLASS32) but this ignite-host is 64-bit: rebuild the plugin for "
            "this machine");
    }
    if (ident[EI_CLASS] != ELFCLASS64) return truncated(fmt::format("its ELF class byte is {}", ident[EI_CLASS]));
    if (ident[EI_DATA] == ELFDATA2MSB) {
        return std::string(
            "is a big-endian ELF file but this ignite-host is little-endian: rebuild the plugin for "
            "this machine");
    }
    if (ident[EI_DATA] != ELFDATA2LSB) return truncated(fmt::format("its ELF data byte is {}", ident[EI_DATA]));
    if (ident[EI_VERSION] != EV_CURRENT) {
        return truncated(fmt::format("its ELF version byte is {}", ident[EI_VERSION]));
    }

    Elf64_Ehdr eh{};
    if (auto e = read(0, &eh, sizeof eh)) return e;
    if (eh.e_type != ET_DYN) {
        const char* kind = eh.e_type == ET_EXEC   ? "an executable (ET_EXEC)"
                           : eh.e_type == ET_REL  ? "an object file (ET_REL)"
                           : eh.e_type == ET_CORE ? "a core dump (ET_CORE)"
                                                  : "not a shared object";
        return fmt::format(
            "is {}, not a shared object (ET_DYN): build it as a plugin with ignite_add_plugin() (a "
            "MODULE library)",
            kind);
    }
    if (const auto host = host_elf_machine(); host != EM_NONE && eh.e_machine != host) {
        return fmt::format("was built for {} but this ignite-host runs on {}: rebuild the plugin for this machine",
                           machine_name(eh.e_machine), machine_name(host));
    }
    if (eh.e_ehsize < sizeof(Elf64_Ehdr)) {
        return truncated(fmt::format("its ELF header claims {} bytes, less than {}", eh.e_ehsize, sizeof(Elf64_Ehdr)));
    }

    // Extended numbering (e_shnum == 0 with a section table, e_phnum == PN_XNUM) keeps the
    // real counts in section header 0.
    std::uint64_t shnum = eh.e_shnum;
    std::uint64_t phnum = eh.e_phnum;
    if (eh.e_shoff != 0 && eh.e_shentsize != sizeof(Elf64_Shdr)) {
        return truncated(fmt::format("its section header size is {}, not {}", eh.e_shentsize, sizeof(Elf64_Shdr)));
    }
    if (eh.e_shoff != 0 && (shnum == 0 || phnum == PN_XNUM)) {
        if (auto e = outside("its section headers", true, eh.e_shoff, sizeof(Elf64_Shdr), size)) return e;
        Elf64_Shdr first{};
        if (auto e = read(eh.e_shoff, &first, sizeof first)) return e;
        if (shnum == 0) shnum = first.sh_size;
        if (phnum == PN_XNUM) phnum = first.sh_info;
    }

    // Program headers and the segments dlopen maps.
    if (phnum == 0) return truncated("it has no program headers, so nothing to load");
    if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
        return truncated(fmt::format("its program header size is {}, not {}", eh.e_phentsize, sizeof(Elf64_Phdr)));
    }
    // Bound the count first so a huge claimed count is reported, not wrapped or allocated.
    if (phnum > size / sizeof(Elf64_Phdr)) {
        return truncated(fmt::format("it claims {} program headers, more than a {}-byte file can hold", phnum, size));
    }
    if (auto e = outside("its program headers", true, eh.e_phoff, phnum * sizeof(Elf64_Phdr), size)) return e;
    std::vector<Elf64_Phdr> segments(phnum);
    if (auto e = read(eh.e_phoff, segments.data(), phnum * sizeof(Elf64_Phdr))) return e;
    std::size_t loads = 0;
    for (std::uint64_t k = 0; k < phnum; ++k) {
        const auto& p = segments[k];
        const bool load = p.p_type == PT_LOAD;
        loads += load ? 1 : 0;
        // The SIGBUS case: dlopen maps p_filesz bytes from p_offset; pages past the end
        // of the file have no backing. Any segment's file bytes must exist, not only PT_LOAD's.
        if (p.p_filesz > 0) {
            const auto what = fmt::format("its {}segment {}", load ? "loadable (PT_LOAD) " : "", k);
            if (auto e = outside(what, false, p.p_offset, p.p_filesz, size)) return e;
        }
        if (load && p.p_filesz > p.p_memsz) {
            return truncated(fmt::format("its loadable segment {} has {} file bytes but only {} bytes in memory", k,
                                         p.p_filesz, p.p_memsz));
        }
    }
    if (loads == 0) return truncated("it has no loadable (PT_LOAD) segment");

    // Section headers and contents: dlopen does not read them, but the linker writes the
    // table last, so it is what a truncated file loses first, and a file whose sections
    // run past its end is not the file that was built.
    if (eh.e_shoff != 0) {
        if (shnum > size / sizeof(Elf64_Shdr)) {
            return truncated(
                fmt::format("it claims {} section headers, more than a {}-byte file can hold", shnum, size));
        }
        if (auto e = outside("its section headers", true, eh.e_shoff, shnum * sizeof(Elf64_Shdr), size)) return e;
        std::vector<Elf64_Shdr> sections(shnum);
        if (auto e = read(eh.e_shoff, sections.data(), shnum * sizeof(Elf64_Shdr))) return e;
        for (std::uint64_t k = 0; k < shnum; ++k) {
            const auto& sh = sections[k];
            if (sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL || sh.sh_size == 0) continue;
            if (auto e = outside(fmt::format("its section {}", k), false, sh.sh_offset, sh.sh_size, size)) return e;
        }
    }
    return std::nullopt;
}

// Closes a file descriptor on every return path.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::optional<std::string> elf_image_problem(std::string_view image) {
    return check(image.size(), [&](std::uint64_t offset, void* out, std::size_t n) -> const char* {
        std::memcpy(out, image.data() + offset, n);
        return nullptr;
    });
}

std::optional<std::string> elf_file_problem(const std::filesystem::path& path) {
    // O_NONBLOCK: a FIFO named like a plugin must not hang the host in open().
    const Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
    if (f.fd < 0) {
        const int err = errno;
        if (err == ENOENT) return std::string("does not exist: check the path");
        return fmt::format("cannot be opened ({}): check that it exists and is readable", std::strerror(err));
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) {
        return fmt::format("cannot be examined ({}): check that it exists and is readable", std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        return std::string(
            "is a directory, not a shared object file: remove it from the plugin directory or name "
            "the plugin's .so file");
    }
    if (!S_ISREG(st.st_mode)) {
        return std::string("is not a regular file (a device, FIFO or socket): name the plugin's .so file");
    }
    return check(static_cast<std::uint64_t>(st.st_size),
                 [&](std::uint64_t offset, void* out, std::size_t n) -> const char* {
                     auto* p = static_cast<char*>(out);
                     while (n > 0) {
                         const ssize_t got = ::pread(f.fd, p, n, static_cast<off_t>(offset));
                         if (got < 0 && errno == EINTR) continue;
                         if (got < 0) return std::strerror(errno);
                         if (got == 0) return "the file shrank while it was read";
                         p += got;
                         n -= static_cast<std::size_t>(got);
                         offset += static_cast<std::uint64_t>(got);
                     }
                     return nullptr;
                 });
}

}  // namespace ignite::host
