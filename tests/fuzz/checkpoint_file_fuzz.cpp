// libFuzzer target for the checkpoint reader (core/src/checkpoint): any bytes give a value
// or one FileError / Malformed with a one-line message, with no out-of-bounds read (ASan),
// overflow (UBSan), hang or other exception. The first byte picks the layer: even, the whole
// file (zip directory, CRC32s, layout, pickle); odd, the pickle reader alone, so that
// mutations are not all stopped by the CRC32 check. Built with -DIGNITE_FUZZ=ON and clang:
//   build-fuzz/tests/checkpoint_file_fuzz -max_len=16384 -timeout=5 CORPUS_DIR
// seeded with .pt files (checkpoint_file_test leaves some in its scratch folders), each
// with a 0 byte and a 1 byte (then data.pkl alone) in front.
#include "malformed.hpp"
#include "pickle_reader.hpp"

#include <ignite/core/checkpoint_file.hpp>

#include <ATen/ATen.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

namespace {

void check_one_line(const std::string& what) {
    if (what.empty() || what.find('\n') != std::string::npos) std::abort();
}

// Storages for the pickle alone: zeros, at most 4096 elements (the tensor checks must then
// refuse a view that reaches further).
c10::Storage fake_storage(const std::string&, c10::ScalarType dtype, std::uint64_t numel) {
    const auto n = static_cast<std::int64_t>(std::min<std::uint64_t>(numel, 4096));
    return at::zeros({n}, at::TensorOptions().dtype(dtype)).storage();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const char> rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        if (data[0] % 2 == 0) {
            (void)ignite::checkpoint::decode(rest, "fuzz");
        } else {
            (void)ignite::checkpoint::detail::unpickle(rest, fake_storage);
        }
    } catch (const ignite::checkpoint::FileError& e) {
        check_one_line(e.reason());
    } catch (const ignite::checkpoint::detail::Malformed& e) {
        check_one_line(e.what());
    }
    return 0;
}
