// libFuzzer target for the plugin-file ELF check (host/runtime/src/elf_check.cpp): any bytes give
// either acceptance or one non-empty line, with no out-of-bounds read (ASan), overflow
// (UBSan) or huge allocation. Built with -DIGNITE_FUZZ=ON and clang; run e.g.
//   build/tests/elf_check_fuzz -max_len=65536 build/plugins/
// (the shipped plugins make a good seed corpus).
#include <ignite/runtime/elf_check.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view image(reinterpret_cast<const char*>(data), size);
    const auto problem = ignite::host::elf_image_problem(image);
    if (problem && (problem->empty() || problem->find('\n') != std::string::npos)) std::abort();
    return 0;
}
