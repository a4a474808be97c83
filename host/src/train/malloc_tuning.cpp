#include "malloc_tuning.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ignite::host {

std::string tune_malloc_for_training() noexcept {
#if defined(__GLIBC__)
    constexpr int kMmapThreshold = 32 << 20;  // glibc's upper bound for M_MMAP_THRESHOLD on 64-bit
    constexpr int kTrimThreshold = 1 << 30;
    constexpr int kTopPad = 64 << 20;
    const bool ok = mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1 &&
                    mallopt(M_TOP_PAD, kTopPad) == 1;
    return ok ? "malloc keeps freed memory (mmap threshold 32 MiB, trim threshold 1 GiB)"
              : "malloc tuning refused by the C library (default malloc)";
#else
    return "default malloc";
#endif
}

}  // namespace ignite::host
