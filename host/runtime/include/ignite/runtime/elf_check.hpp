#pragma once
// Checks that a plugin file is a whole ELF shared object for this machine BEFORE it is
// handed to dlopen. dlopen maps PT_LOAD segments straight from the file; a segment that
// runs past the end of a truncated file maps pages with no backing, and the loader's first
// touch of them (relocations, .dynamic) kills the process with SIGBUS. These checks read
// the file's own headers with pread (never mmap, so reading a short file cannot fault) and
// refuse anything whose headers point outside the file.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ignite::host {

/// Why `image` (the complete contents of a file) is not a complete ELF shared object this
/// host can load, or nullopt when it is one. The text completes the sentence
/// "plugin file 'PATH' ..." and ends with the fix, e.g. "is not a complete ELF shared object
/// (its section headers end at byte 14000 but the file has 9000 bytes; the file is truncated
/// or corrupt): rebuild or reinstall it". One line. Never throws except std::bad_alloc.
std::optional<std::string> elf_image_problem(std::string_view image);

/// As elf_image_problem, for the file at `path`: it must also be a regular file that can be
/// opened (a directory, a FIFO or an unreadable file is a problem, not an exception). Reads
/// only the headers, with open(O_NONBLOCK)/fstat/pread; never maps the file.
std::optional<std::string> elf_file_problem(const std::filesystem::path& path);

/// The e_machine value of the running host (EM_X86_64 on x86-64, ...).
std::uint16_t host_elf_machine();

}  // namespace ignite::host
